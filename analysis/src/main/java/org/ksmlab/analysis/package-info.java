/**
 * Analysis: turns results folders written by run.sh into a report. Reads files only; never
 * depends on the engine or the benchmarks.
 *
 * <h2>Packages, one direction: input → section → render, with the command line on top</h2>
 * <ol>
 *   <li>{@code input}: what a results folder holds. {@link org.ksmlab.analysis.input.ResultsFolder}
 *       ({@code jmh/*.json}, {@code series/<mix>__<algo>.json}, {@code kernel-check.json},
 *       {@code env.txt} with its {@code status:} line), {@link org.ksmlab.analysis.input.JmhResults}
 *       (the JSON flattened into the <b>long table</b>, one row per (benchmark entry, metric),
 *       generic over parameter names, with every measured iteration in {@code raw}),
 *       {@link org.ksmlab.analysis.input.Results} (several folders merged, with the checks that make
 *       a merge meaningful), and {@link org.ksmlab.analysis.input.Benchmarks}, the one table of the
 *       benchmark classes, methods, parameters and counters the report reads.</li>
 *   <li>{@code section}: each {@link org.ksmlab.analysis.section.ReportSection} picks its
 *       benchmarks through that table and returns data: tables, prose, chart specifications and
 *       optionally the headline ({@link org.ksmlab.analysis.section.SectionOutput}). Sections
 *       belong to one part of the report: the modelled kernel (virtual time, deterministic) or the
 *       simulator itself (wall time, summarised by {@link org.ksmlab.analysis.section.Statistics}),
 *       or the appendix. A section whose benchmarks are absent is left out with a one-line note.</li>
 *   <li>{@code render}: {@link org.ksmlab.analysis.render.Report} builds every file in memory
 *       (markdown, HTML, CSV, charts drawn by {@link org.ksmlab.analysis.render.ChartRenderer} with
 *       one colour per merger from {@link org.ksmlab.analysis.render.Palette});
 *       {@link org.ksmlab.analysis.render.ReportWriter} moves them into place atomically, removes
 *       what an earlier build wrote and this one does not, and the staging folders of killed runs.</li>
 *   <li>{@link org.ksmlab.analysis.AnalysisMain}, {@code ReportCommand}: the command line.</li>
 * </ol>
 *
 * <h2>Adding a section</h2>
 * Name its benchmarks in {@link org.ksmlab.analysis.input.Benchmarks} (the benchmarks module's
 * {@code AnalysisBenchmarkNamesTest} then checks they exist), implement
 * {@link org.ksmlab.analysis.section.ReportSection} in the {@code section} package (rows through
 * {@code section.Points}: one row per parameter point, the wall time as a median with its
 * interval, each {@code @AuxCounters} field as a column), list it in
 * {@link org.ksmlab.analysis.section.Sections#all()}, add a fixture that feeds it to
 * {@code SectionsFedByFixturesTest} and a test with exact expected values.
 *
 * <h2>Units</h2>
 * Times are normalised to ns per operation ({@link org.ksmlab.analysis.input.Units}); GB/s means
 * 10^9 bytes per second (bytes per op / ns per op). Report numbers show three significant
 * figures, counts exactly; CSV files keep full precision.
 */
package org.ksmlab.analysis;
