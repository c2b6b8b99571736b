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
 * The model's KSM tree walks (Java, wall time), from {@code PageTreeBenchmark}: ns per search
 * (a walk to a page that is in the tree, as stable_tree_search) and per insert (a walk that ends
 * in a new leaf, as unstable_tree_search_insert), hot (64 pages) and cold (a tree of pages far
 * beyond the cache). Baseline: the hot walk of the same operation ("× hot": what the cache
 * misses of a cold walk cost).
 */
public final class TreeOperationsSection implements ReportSection {
    static final String NS = "ns per walk";
    static final String OF_HOT = "× hot";
    private static final Benchmarks.Benchmark BENCHMARK = Benchmarks.PAGE_TREE;

    @Override
    public String id() {
        return "tree-ops";
    }

    @Override
    public String title() {
        return "KSM tree walks in the model (micro)";
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
        StringColumn op = StringColumn.create("operation");
        StringColumn ws = StringColumn.create("working set");
        StringColumn size = StringColumn.create("tree size");
        DoubleColumn ns = DoubleColumn.create(NS);
        DoubleColumn low = DoubleColumn.create(NS + SectionOutput.LOW_SUFFIX);
        DoubleColumn high = DoubleColumn.create(NS + SectionOutput.HIGH_SUFFIX);
        IntColumn n = IntColumn.create(Points.N);
        DoubleColumn ofHot = DoubleColumn.create(OF_HOT);
        for (String method : BENCHMARK.methods()) {
            Table points = Points.of(results.longTable(), BENCHMARK, method);
            double hot = Double.NaN;
            for (int r = 0; r < points.rowCount(); r++) {
                Statistics.Interval i = Points.wall(points, r);
                if ("hot".equals(Points.param(points, Benchmarks.WORKING_SET, r)) && i != null) hot = i.median();
            }
            for (int r = 0; r < points.rowCount(); r++) {
                Statistics.Interval i = Points.wall(points, r);
                if (i == null) continue;
                String w = Points.param(points, Benchmarks.WORKING_SET, r);
                op.append(method);
                ws.append(w);
                size.append("hot".equals(w) ? "64 pages" : Points.param(points, Benchmarks.COLD_MIB, r) + " MiB");
                ns.append(i.median());
                low.append(i.low());
                high.append(i.high());
                n.append(i.n());
                ofHot.append(i.median() / hot);
            }
        }
        if (op.isEmpty()) return Optional.empty();
        Table t = Table.create("tree-ops", op, ws, size, ns, low, high, n, ofHot);
        List<String> prose = new ArrayList<>();
        prose.add("The stable and unstable trees are red-black trees of pages ordered by memcmp; ksmd walks them"
                + " from the root comparing the scanned page with each node's page (" + BENCHMARK.simpleName() + ", the"
                + " engine's RbTree with its page compare, Java on this machine). search: a walk to a page in the tree;"
                + " insert: a walk that ends in a new leaf (the page is removed first, so the tree keeps its size). Pages"
                + " hold random bytes, so most compares stop within the first bytes: the cold cost is the cache misses"
                + " of the walk. Baseline: the hot walk (× hot).");
        return Optional.of(new SectionOutput(prose, List.of(new ReportTable("tree-ops",
                "ns per tree walk, median [interval], n iterations", t)), List.of()));
    }
}
