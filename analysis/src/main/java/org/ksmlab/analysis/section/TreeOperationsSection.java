package org.ksmlab.analysis.section;

import static org.ksmlab.analysis.section.SectionOutput.ReportTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ksmlab.analysis.Results;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * KSM's tree walks, from {@code PageTreeBenchmark}: ns per search (a walk to a page that is in
 * the tree, as stable_tree_search) and per insert (a walk that ends in a new leaf, as
 * unstable_tree_search_insert), hot (64 pages) and cold (a tree of pages far beyond the cache).
 */
public final class TreeOperationsSection implements ReportSection {
    static final String BENCHMARK = "PageTreeBenchmark";
    static final String PACKAGE = "org.ksmlab.bench.micro";

    @Override
    public String id() {
        return "tree-ops";
    }

    @Override
    public String title() {
        return "KSM tree operations (micro)";
    }

    @Override
    public String absentNote() {
        return "no " + BENCHMARK + " results from " + PACKAGE + " in these runs";
    }

    @Override
    public Optional<SectionOutput> build(Results results) {
        StringColumn op = StringColumn.create("operation");
        StringColumn ws = StringColumn.create("working set");
        StringColumn size = StringColumn.create("tree size (cold MiB)");
        DoubleColumn ns = DoubleColumn.create("ns per walk");
        for (String method : List.of("search", "insert")) {
            Table points = Points.of(results.longTable(), PACKAGE, BENCHMARK, method);
            for (int r = 0; r < points.rowCount(); r++) {
                String w = Points.param(points, "workingSet", r);
                op.append(method);
                ws.append(w);
                size.append("hot".equals(w) ? "64 pages" : Points.param(points, "coldMiB", r) + " MiB");
                ns.append(Points.get(points, Points.WALL_NS, r));
            }
        }
        if (op.isEmpty()) return Optional.empty();
        Table t = Table.create("tree-ops", op, ws, size, ns);
        List<String> prose = new ArrayList<>();
        prose.add("The stable and unstable trees are red-black trees of pages ordered by memcmp; ksmd walks them"
                + " from the root comparing the scanned page with each node's page (" + BENCHMARK + ", the engine's"
                + " RbTree with its page compare). search: a walk to a page in the tree; insert: a walk that ends in"
                + " a new leaf (the page is removed first, so the tree keeps its size). Pages hold random bytes, so"
                + " most compares stop within the first bytes: the cold cost is the cache misses of the walk.");
        return Optional.of(new SectionOutput(prose, List.of(new ReportTable("tree-ops", "ns per tree walk", t, false)), List.of()));
    }
}
