package org.ksmlab.analysis.section;

import static org.ksmlab.analysis.input.JmhResults.BENCHMARK;
import static org.ksmlab.analysis.input.JmhResults.FORKS;
import static org.ksmlab.analysis.input.JmhResults.JDK;
import static org.ksmlab.analysis.input.JmhResults.JMH_VERSION;
import static org.ksmlab.analysis.input.JmhResults.JVM;
import static org.ksmlab.analysis.input.JmhResults.JVM_ARGS;
import static org.ksmlab.analysis.input.JmhResults.MEASUREMENT;
import static org.ksmlab.analysis.input.JmhResults.MODE;
import static org.ksmlab.analysis.input.JmhResults.SOURCE;
import static org.ksmlab.analysis.input.JmhResults.THREADS;
import static org.ksmlab.analysis.input.JmhResults.WARMUP;
import static tech.tablesaw.aggregate.AggregateFunctions.count;

import java.util.List;
import java.util.Optional;
import org.ksmlab.analysis.input.Benchmarks;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.input.ResultsFolder;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Provenance: where the numbers come from. The env.txt of each input folder (machine, kernel,
 * THP, git sha, command) and how JMH ran (version, JDK, JVM and its arguments, forks, warmup and
 * measurement iterations), grouped so that identical settings appear once per file.
 */
public final class ProvenanceSection implements ReportSection {

    @Override
    public String id() {
        return "provenance";
    }

    @Override
    public String title() {
        return "Provenance";
    }

    @Override
    public Part part() {
        return Part.APPENDIX;
    }

    @Override
    public Optional<SectionOutput> build(Results results) {
        StringColumn folder = StringColumn.create("folder");
        StringColumn key = StringColumn.create("key");
        StringColumn value = StringColumn.create("value");
        for (ResultsFolder f : results.folders()) {
            folder.append(f.name());
            key.append("completeness");
            value.append(f.completeness().text());
            for (ResultsFolder.EnvLine line : f.env()) {
                folder.append(f.name());
                key.append(line.key());
                value.append(line.value());
            }
        }
        Table env = Table.create("provenance-env", folder, key, value);
        Table runs = results.runs();
        Table jmh = runs.summarize(BENCHMARK, count)
                .by(SOURCE, JMH_VERSION, JDK, JVM, MODE, FORKS, THREADS, WARMUP, MEASUREMENT, JVM_ARGS);
        jmh.replaceColumn(jmh.columnCount() - 1, jmh.doubleColumn(jmh.columnCount() - 1).asIntColumn().setName("entries"));
        // Move the count next to the source so the long JVM arguments come last.
        jmh = jmh.reorderColumns(SOURCE, "entries", JMH_VERSION, JDK, JVM, MODE, FORKS, THREADS, WARMUP, MEASUREMENT, JVM_ARGS);
        jmh.setName("provenance-jmh");
        List<String> prose = new java.util.ArrayList<>(List.of("Each input folder's completeness (from env.txt's status line) and env.txt, and the"
                + " JMH settings of every result file; warmup and measurement are iterations × time per iteration."));
        String modes = pageModes(results);
        if (!modes.isEmpty()) prose.add(modes);
        return Optional.of(new SectionOutput(prose, List.of(
                new SectionOutput.ReportTable("provenance-jmh", "How JMH ran, per result file", jmh),
                new SectionOutput.ReportTable("provenance-env", "Environment (env.txt) per results folder", env)),
                List.of()));
    }

    /**
     * One sentence on how the model runs held page contents: points per page mode of each model
     * benchmark that records one ("" when no model run was measured).
     */
    static String pageModes(Results results) {
        List<String> parts = new java.util.ArrayList<>();
        for (Benchmarks.Benchmark b : Benchmarks.ALL) {
            if (!b.params().contains(Benchmarks.PAGE_MODE)) continue;
            for (String method : b.methods()) {
                Table points = Points.of(results.longTable(), b, method);
                if (points.isEmpty()) continue;
                java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
                for (int r = 0; r < points.rowCount(); r++) {
                    String mode = Points.param(points, Benchmarks.PAGE_MODE, r);
                    counts.merge(mode.isEmpty() ? Benchmarks.PAGE_MODE_DEFAULT : mode, 1, Integer::sum);
                }
                List<String> c = new java.util.ArrayList<>();
                counts.forEach((m, n) -> c.add(m + " " + n + (n == 1 ? " point" : " points")));
                parts.add(b.simpleName() + "." + method + ": " + String.join(", ", c));
            }
        }
        return parts.isEmpty() ? "" : "Page modes of the model runs (byte: 4 KiB of bytes per page; symbolic: a content identity"
                + " per page, the same counters): " + String.join("; ", parts) + ".";
    }
}
