/**
 * Analysis: turns results folders written by run.sh into a report. Reads files only; never
 * depends on the engine.
 *
 * <h2>Pipeline</h2>
 * <ol>
 *   <li>{@link org.ksmlab.analysis.input.ResultsFolder}: a folder {@code results/<timestamp>-<gitsha>/}
 *       with {@code jmh/*.json} (JMH {@code -rf json}), {@code series/<mix>__<algo>.json}
 *       ({@link org.ksmlab.analysis.input.SimulationSeries}), optionally {@code kernel-check.json}
 *       ({@link org.ksmlab.analysis.input.KernelCheck}) and {@code env.txt} (provenance).</li>
 *   <li>{@link org.ksmlab.analysis.input.JmhResults}: the JSON flattened into the <b>long table</b>,
 *       one row per (benchmark entry, metric), generic over parameter names
 *       ({@code param_<name>} columns), plus a runs table of JMH settings.</li>
 *   <li>{@link org.ksmlab.analysis.input.Results}: several folders merged, with the checks that make
 *       a merge meaningful (every folder has runs, one JMH version).</li>
 *   <li>{@link org.ksmlab.analysis.section.ReportSection}s pick their benchmarks from the long
 *       table with Tablesaw ({@code where}, {@code summarize(...).by(...)}, {@code pivot}) and
 *       return tables, prose and charts; a section whose benchmarks are absent is left out with a
 *       one-line note.</li>
 *   <li>{@link org.ksmlab.analysis.render.Report} renders report.md, report.html, tables/*.csv and
 *       charts/*.png in memory; {@link org.ksmlab.analysis.render.ReportWriter} moves them into
 *       place atomically.</li>
 * </ol>
 *
 * <h2>Adding a section</h2>
 * Implement {@link org.ksmlab.analysis.section.ReportSection} in the {@code section} package
 * (filter the long table by {@code package} and {@code benchmark}, read {@code @AuxCounters} as
 * rows whose {@code metric} is the counter's name), list it in
 * {@link org.ksmlab.analysis.section.Sections#all()}, and add a fixture and a test with exact
 * expected values. {@link org.ksmlab.analysis.section.PageOperationsSection} is the example for
 * micro benchmarks; for the model benchmarks ({@code Mode.SingleShotTime} with
 * {@code @AuxCounters}) {@code section.Points} pivots a method's rows to one row per parameter
 * point with one column per counter, as the macro sections use it.
 *
 * <h2>Units</h2>
 * Times are normalised to ns per operation ({@link org.ksmlab.analysis.input.Units}); GB/s means
 * 10^9 bytes per second (bytes per op / ns per op). Report numbers show three significant
 * figures; CSV files keep full precision.
 */
package org.ksmlab.analysis;
