package org.ksmlab.analysis.section;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ksmlab.analysis.input.Benchmarks;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Building a workload in the model (Java, wall time), from {@code WorkloadBuildBenchmark}: the
 * {@code dup} workload's processes, mapping, write faults and page contents, against its
 * baseline, one bulk fill of as many bytes of fresh memory (× bulk fill). Both pay the host's
 * page faults; the ratio is the model's own cost on top of writing the memory.
 */
public final class WorkloadBuildSection implements ReportSection {
    static final String MS = "ms per build";
    static final String OF_FILL = "× bulk fill";
    private static final Benchmarks.Benchmark BENCHMARK = Benchmarks.WORKLOAD_BUILD;

    @Override
    public String id() {
        return "workload-build";
    }

    @Override
    public String title() {
        return "Building a workload in the model";
    }

    @Override
    public Part part() {
        return Part.SIMULATOR;
    }

    @Override
    public String absentNote() {
        return "no " + BENCHMARK.simpleName() + " results in these runs";
    }

    @Override
    public Optional<SectionOutput> build(Results results) {
        Table builds = Points.of(results.longTable(), BENCHMARK, "build");
        Table fills = Points.of(results.longTable(), BENCHMARK, "bulkFill");
        StringColumn pages = StringColumn.create("pages");
        StringColumn distinct = StringColumn.create("distinct contents");
        DoubleColumn ms = DoubleColumn.create(MS);
        DoubleColumn low = DoubleColumn.create(MS + SectionOutput.LOW_SUFFIX);
        DoubleColumn high = DoubleColumn.create(MS + SectionOutput.HIGH_SUFFIX);
        IntColumn n = IntColumn.create(Points.N);
        DoubleColumn fillMs = DoubleColumn.create("bulk fill ms");
        DoubleColumn ratio = DoubleColumn.create(OF_FILL);
        for (int r = 0; r < builds.rowCount(); r++) {
            Statistics.Interval b = Points.wall(builds, r);
            String p = Points.param(builds, Benchmarks.PAGES, r);
            String d = Points.param(builds, Benchmarks.DISTINCT, r);
            Statistics.Interval f = null;
            for (int k = 0; k < fills.rowCount(); k++) {
                if (p.equals(Points.param(fills, Benchmarks.PAGES, k)) && d.equals(Points.param(fills, Benchmarks.DISTINCT, k))) {
                    f = Points.wall(fills, k);
                }
            }
            if (b == null || f == null) continue;
            pages.append(p);
            distinct.append("0".equals(d) ? "all different" : d);
            ms.append(b.median());
            low.append(b.low());
            high.append(b.high());
            n.append(b.n());
            fillMs.append(f.median());
            ratio.append(b.median() / f.median());
        }
        if (pages.isEmpty()) return Optional.empty();
        Table t = Table.create("workload-build", pages, distinct, ms, low, high, n, fillMs, ratio);
        List<String> prose = new ArrayList<>();
        prose.add("What setting a workload up costs the simulator (" + BENCHMARK.simpleName() + ", Java on this machine): the"
                + " dup workload's process, its mapping, a write fault and the generated content of every page, and"
                + " MADV_MERGEABLE, in a fresh kernel model. Baseline: one MemorySegment.fill of as many bytes of fresh memory,"
                + " mapped as the model maps its frames (× bulk fill). Both pay the host's page faults on first touch,"
                + " which are most of either on a virtual machine.");
        return Optional.of(new SectionOutput(prose, List.of(new ReportTable(id(),
                "ms per build, median [interval], n iterations, and the bulk fill of the same bytes", t)), List.of()));
    }
}
