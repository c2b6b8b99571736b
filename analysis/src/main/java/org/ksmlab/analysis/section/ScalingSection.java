package org.ksmlab.analysis.section;

import static org.ksmlab.analysis.section.Macro.ALGO;
import static org.ksmlab.analysis.section.Macro.MIX;
import static org.ksmlab.analysis.section.Macro.PAGES;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ksmlab.analysis.Results;
import org.ksmlab.analysis.section.SectionOutput.ReportChart;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Scaling with page count, from {@code MergerComparisonBenchmark.converge} swept over pages: the
 * wall time of one model run (its SingleShotTime score) divided by the pages, per merger and mix.
 * Flat lines mean the model's cost grows linearly with memory; rising lines show super-linear
 * structures (trees, chains). When the benchmark reports a modelled CPU time counter
 * ({@code cpuNs}) it is shown per page too.
 */
public final class ScalingSection implements ReportSection {
    static final String WALL_MS = "wall ms/run";
    static final String NS_PER_PAGE = "wall ns/page";
    static final String CPU_NS_PER_PAGE = "modelled CPU ns/page";
    static final String SAVED_PCT = "saved %";
    /** Optional @AuxCounters field with the model's CPU cost of the run, ns. */
    static final String CPU_NS = "cpuNs";
    static final int MAX_CHARTS = 4;

    @Override
    public String id() {
        return "scaling";
    }

    @Override
    public String title() {
        return "Scaling with page count";
    }

    @Override
    public String absentNote() {
        return "no " + Macro.COMPARISON + ".converge or " + Macro.CONVERGENCE + ".converge results with two or more page counts"
                + " for one setting";
    }

    @Override
    public Optional<SectionOutput> build(Results results) {
        List<ReportTable> tables = new ArrayList<>();
        List<ReportChart> charts = new ArrayList<>();
        boolean anyCpu = false;
        // Mergers compared at several page counts: one line per merger.
        Table comparison = Points.of(results.longTable(), Macro.PACKAGE, Macro.COMPARISON, Macro.CONVERGE);
        anyCpu |= addSource(comparison, Macro.COMPARISON, ALGO, "scaling", tables, charts);
        // ksm alone swept over page counts at fixed scan settings: one line, "ksm".
        Table ksm = Points.of(results.longTable(), Macro.PACKAGE, Macro.CONVERGENCE, Macro.CONVERGE);
        anyCpu |= addSource(ksm, Macro.CONVERGENCE, null, "scaling-ksm", tables, charts);
        if (tables.isEmpty()) return Optional.empty();
        List<String> prose = new ArrayList<>();
        prose.add("How the model's cost per page changes as the page count grows: the wall time of one"
                + " run to convergence (SingleShotTime score of " + Macro.COMPARISON + " per merger, and of "
                + Macro.CONVERGENCE + " for ksm at fixed scan settings) divided by its pages."
                + " This is the simulator's own cost on this machine (what a full sweep costs to run), not the kernel's;"
                + " a flat line means linear scaling.");
        prose.add(anyCpu ? "Modelled CPU ns/page: the model's CPU cost of the merger (" + CPU_NS + ") per page."
                : "The benchmark reports no modelled CPU time (" + CPU_NS + ") of the run, only CPU % over virtual time,"
                + " so modelled CPU per page is not derived here; see CPU % in the comparison and grid sections.");
        return Optional.of(new SectionOutput(prose, tables, charts));
    }

    /**
     * Adds the scaling table (and charts) of one benchmark's points, if some setting was run at
     * two or more page counts. {@code lineParam} names the parameter that makes the lines
     * (null: one line, "ksm"). Returns whether the points carry modelled CPU.
     */
    private static boolean addSource(Table points, String benchmark, String lineParam, String tableId,
                                     List<ReportTable> tables, List<ReportChart> charts) {
        if (points.isEmpty() || !points.containsColumn(PAGES)) return false;
        List<String> fixed = lineParam == null ? List.of(PAGES) : List.of(lineParam, PAGES);
        List<String> others = Points.otherParams(points, fixed);
        Map<String, Map<String, List<Integer>>> groups = new LinkedHashMap<>();
        for (int r = 0; r < points.rowCount(); r++) {
            if (Double.isNaN(Points.parse(Points.param(points, PAGES, r)))) continue;
            String line = lineParam == null ? "ksm" : Points.param(points, lineParam, r);
            groups.computeIfAbsent(Points.label(points, r, fixed), g -> new LinkedHashMap<>())
                    .computeIfAbsent(line, a -> new ArrayList<>()).add(r);
        }
        // The source counts only if some setting was run at two or more page counts.
        boolean swept = groups.values().stream().flatMap(m -> m.values().stream())
                .anyMatch(rows -> rows.stream().map(r -> Points.param(points, PAGES, r)).distinct().count() > 1);
        if (!swept) return false;
        boolean hasCpu = points.containsColumn(CPU_NS);

        List<StringColumn> keys = others.stream().map(StringColumn::create).toList();
        StringColumn algo = StringColumn.create(ALGO);
        StringColumn pages = StringColumn.create(PAGES);
        DoubleColumn wallMs = DoubleColumn.create(WALL_MS);
        DoubleColumn nsPerPage = DoubleColumn.create(NS_PER_PAGE);
        DoubleColumn cpuPerPage = DoubleColumn.create(CPU_NS_PER_PAGE);
        DoubleColumn savedPct = DoubleColumn.create(SAVED_PCT);
        int chartNo = 0;
        for (Map.Entry<String, Map<String, List<Integer>>> group : groups.entrySet()) {
            List<Charts.Line> lines = new ArrayList<>();
            List<String> algos = group.getValue().keySet().stream().sorted(Points.knownFirst(Macro.ALGO_ORDER)).toList();
            for (String a : algos) {
                List<Integer> rows = group.getValue().get(a).stream().sorted((x, y) -> Points.NUMERIC.compare(
                        Points.param(points, PAGES, x), Points.param(points, PAGES, y))).toList();
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (int r : rows) {
                    double n = Points.parse(Points.param(points, PAGES, r));
                    double wall = Points.get(points, Points.WALL_NS, r);
                    for (StringColumn k : keys) k.append(points.stringColumn(k.name()).get(r));
                    algo.append(a);
                    pages.append(Points.param(points, PAGES, r));
                    wallMs.append(wall / 1e6);
                    nsPerPage.append(wall / n);
                    cpuPerPage.append(Points.get(points, CPU_NS, r) / n);
                    savedPct.append(100 * Points.get(points, Macro.PAGES_SAVED, r) / n);
                    if (Double.isFinite(wall)) {
                        xs.add(n);
                        ys.add(wall / n);
                    }
                }
                if (!xs.isEmpty()) lines.add(new Charts.Line(a, xs, ys));
            }
            if (chartNo < MAX_CHARTS && lines.stream().anyMatch(l -> l.x().size() > 1)) {
                chartNo++;
                String of = group.getKey().isEmpty() ? "" : " (" + group.getKey() + ")";
                String slug = tableId + "-" + (group.getKey().isEmpty() ? "all" : Charts.slug(group.getKey().replace(MIX + "=", "")));
                charts.add(new ReportChart(slug,
                        "Wall time of the model per page vs page count" + (lineParam == null ? ", ksm" : ", one line per merger") + of,
                        Charts.lines("Model cost per page as the page count grows" + of,
                                "pages (log scale)", "wall ns per page of one run to convergence", lines, true)));
            }
        }
        Table t = Table.create(tableId);
        keys.forEach(t::addColumns);
        t.addColumns(algo, pages, wallMs, nsPerPage);
        if (hasCpu) t.addColumns(cpuPerPage);
        if (savedPct.countMissing() < savedPct.size()) t.addColumns(savedPct);
        tables.add(new ReportTable(tableId, "Cost per page by page count (" + benchmark + ")", t, false));
        return hasCpu;
    }
}
