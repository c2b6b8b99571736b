package org.ksmlab.analysis.section;

import static org.ksmlab.analysis.input.Benchmarks.ALGO;
import static org.ksmlab.analysis.input.Benchmarks.MIX;
import static org.ksmlab.analysis.input.Benchmarks.PAGES;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ksmlab.analysis.input.Benchmarks;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.section.SectionOutput.ChartSpec;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;
import org.ksmlab.analysis.section.SectionOutput.Series;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The simulator's cost per page as the page count grows: the wall time of one model run (the
 * SingleShotTime score of {@code MergerComparisonBenchmark.converge}, one run to the comparison's
 * horizon, and of {@code KsmConvergenceBenchmark.converge}, one ksm run until stable) divided by
 * its pages, per merger and mix. Flat lines mean the model's cost grows linearly with memory;
 * rising lines show super-linear structures (trees, chains). Baseline: the {@code none} merger
 * on the same mix and size, which simulates the workload itself without merging ("× none").
 * This is Java on this machine, not the kernel.
 */
public final class ScalingSection implements ReportSection {
    static final String WALL_MS = "wall ms per run";
    static final String NS_PER_PAGE = "wall ns per page";
    static final String OF_NONE = "× none";
    static final int MAX_CHARTS = 4;

    @Override
    public String id() {
        return "scaling";
    }

    @Override
    public String title() {
        return "Cost of a model run by page count";
    }

    @Override
    public Part part() {
        return Part.SIMULATOR;
    }

    @Override
    public String absentNote() {
        return "no " + Benchmarks.MERGER_COMPARISON.simpleName() + ".converge or " + Benchmarks.KSM_CONVERGENCE.simpleName()
                + ".converge results with two or more page counts for one setting";
    }

    @Override
    public Optional<SectionOutput> build(Results results) {
        List<ReportTable> tables = new ArrayList<>();
        List<ChartSpec> charts = new ArrayList<>();
        Benchmarks.Benchmark comparison = Benchmarks.MERGER_COMPARISON;
        Benchmarks.Benchmark ksm = Benchmarks.KSM_CONVERGENCE;
        addSource(Points.of(results.longTable(), comparison, comparison.method()), comparison, ALGO, "scaling", tables, charts);
        addSource(Points.of(results.longTable(), ksm, ksm.method()), ksm, null, "scaling-ksm", tables, charts);
        if (tables.isEmpty()) return Optional.empty();
        List<String> prose = new ArrayList<>();
        prose.add("How the simulator's cost per page changes as the page count grows: the wall time of one model run"
                + " (" + comparison.simpleName() + ": one merger to the comparison's horizon; " + ksm.simpleName()
                + ": ksm at fixed scan settings until stable), each JMH iteration one run, divided by its pages. This"
                + " is what a sweep costs to run on this machine, not the kernel's speed; a flat line means linear"
                + " scaling. Baseline: the none merger on the same mix and size (the workload simulated without"
                + " merging); × none divides the medians. Points with pageMode=symbolic held every page as a content"
                + " identity instead of 4 KiB of bytes (the same counters as byte pages, a test checks; see the README),"
                + " which is how the largest sizes fit this machine.");
        return Optional.of(new SectionOutput(prose, tables, charts));
    }

    /**
     * Adds the table (and charts) of one benchmark's points if some setting was run at two or
     * more page counts. {@code lineParam} names the parameter that makes the lines (null: one
     * line, "ksm").
     */
    private static void addSource(Table points, Benchmarks.Benchmark benchmark, String lineParam, String tableId,
                                  List<ReportTable> tables, List<ChartSpec> charts) {
        if (points.isEmpty() || !points.containsColumn(PAGES)) return;
        List<String> fixed = lineParam == null ? List.of(PAGES) : List.of(lineParam, PAGES);
        List<String> others = Points.otherParams(points, fixed).stream()
                .filter(p -> Points.distinct(points, p).size() > 1).toList();
        Map<String, Map<String, List<Integer>>> groups = new LinkedHashMap<>();
        for (int r = 0; r < points.rowCount(); r++) {
            if (Double.isNaN(Points.parse(Points.param(points, PAGES, r)))) continue;
            String line = lineParam == null ? "ksm" : Points.param(points, lineParam, r);
            List<String> excluded = new ArrayList<>(fixed);
            Points.otherParams(points, fixed).stream().filter(p -> !others.contains(p)).forEach(excluded::add);
            groups.computeIfAbsent(Points.label(points, r, excluded), g -> new LinkedHashMap<>())
                    .computeIfAbsent(line, a -> new ArrayList<>()).add(r);
        }
        boolean swept = groups.values().stream().flatMap(m -> m.values().stream())
                .anyMatch(rows -> rows.stream().map(r -> Points.param(points, PAGES, r)).distinct().count() > 1);
        if (!swept) return;

        List<StringColumn> keys = others.stream().map(StringColumn::create).toList();
        StringColumn algo = StringColumn.create(ALGO);
        StringColumn pages = StringColumn.create(PAGES);
        DoubleColumn wallMs = DoubleColumn.create(WALL_MS);
        DoubleColumn wallLow = DoubleColumn.create(WALL_MS + SectionOutput.LOW_SUFFIX);
        DoubleColumn wallHigh = DoubleColumn.create(WALL_MS + SectionOutput.HIGH_SUFFIX);
        DoubleColumn perPage = DoubleColumn.create(NS_PER_PAGE);
        DoubleColumn perPageLow = DoubleColumn.create(NS_PER_PAGE + SectionOutput.LOW_SUFFIX);
        DoubleColumn perPageHigh = DoubleColumn.create(NS_PER_PAGE + SectionOutput.HIGH_SUFFIX);
        IntColumn n = IntColumn.create(Points.N);
        DoubleColumn ofNone = DoubleColumn.create(OF_NONE);
        int chartNo = 0;
        for (Map.Entry<String, Map<String, List<Integer>>> group : groups.entrySet()) {
            List<Series> lines = new ArrayList<>();
            for (String a : group.getValue().keySet().stream().sorted(Mergers.IN_REPORT_ORDER).toList()) {
                List<Integer> rows = group.getValue().get(a).stream().sorted((x, y) -> Points.NUMERIC.compare(
                        Points.param(points, PAGES, x), Points.param(points, PAGES, y))).toList();
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (int r : rows) {
                    double size = Points.parse(Points.param(points, PAGES, r));
                    Statistics.Interval wall = Points.wall(points, r);
                    for (StringColumn k : keys) k.append(points.stringColumn(k.name()).get(r));
                    algo.append(a);
                    pages.append(Points.param(points, PAGES, r));
                    Statistics.Interval ms = wall == null ? null : wall.dividedBy(1e6);
                    Statistics.Interval ns = wall == null ? null : wall.dividedBy(size);
                    wallMs.append(ms == null ? Double.NaN : ms.median());
                    wallLow.append(ms == null ? Double.NaN : ms.low());
                    wallHigh.append(ms == null ? Double.NaN : ms.high());
                    perPage.append(ns == null ? Double.NaN : ns.median());
                    perPageLow.append(ns == null ? Double.NaN : ns.low());
                    perPageHigh.append(ns == null ? Double.NaN : ns.high());
                    n.append(wall == null ? 0 : wall.n());
                    ofNone.append(wall == null ? Double.NaN : wall.median() / noneMedian(points, group.getValue(), Points.param(points, PAGES, r)));
                    if (ns != null) {
                        xs.add(size);
                        ys.add(ns.median());
                    }
                }
                if (!xs.isEmpty()) lines.add(new Series(a, xs, ys));
            }
            String of = group.getKey().isEmpty() ? "" : " (" + group.getKey() + ")";
            String slug = tableId + "-" + (group.getKey().isEmpty() ? "all"
                    : AlgorithmComparisonSection.slug(group.getKey().replace(MIX + "=", "")));
            ChartSpec chart = ChartSpec.lines(slug,
                    "Simulator wall time per page vs page count" + (lineParam == null ? ", ksm" : ", one line per merger") + of,
                    "The simulator's cost per page as the page count grows" + of,
                    "pages (log scale)", "wall ns per page of one model run (median; lower is faster)", lines, true);
            if (chartNo < MAX_CHARTS && chart.drawable()) {
                chartNo++;
                charts.add(chart);
            }
        }
        Table t = Table.create(tableId);
        keys.forEach(t::addColumns);
        t.addColumns(algo, pages, wallMs, wallLow, wallHigh, perPage, perPageLow, perPageHigh, n);
        if (ofNone.countMissing() < ofNone.size()) t.addColumns(ofNone);
        tables.add(new ReportTable(tableId, "Simulator wall time of one run, by page count (" + benchmark.simpleName()
                + "; median [interval], n iterations)", t));
    }

    /** The none merger's median wall time at these pages in this group, NaN when it was not run. */
    private static double noneMedian(Table points, Map<String, List<Integer>> group, String pages) {
        for (int r : group.getOrDefault(Mergers.NONE, List.of())) {
            if (Points.param(points, PAGES, r).equals(pages)) {
                Statistics.Interval i = Points.wall(points, r);
                return i == null ? Double.NaN : i.median();
            }
        }
        return Double.NaN;
    }
}
