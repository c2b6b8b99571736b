package org.ksmlab.analysis.section;

import static org.ksmlab.analysis.input.Benchmarks.PAGES_TO_SCAN;
import static org.ksmlab.analysis.input.Benchmarks.SLEEP_MILLIS;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.ksmlab.analysis.input.Benchmarks;
import org.ksmlab.analysis.input.Results;
import org.ksmlab.analysis.section.SectionOutput.ChartSpec;
import org.ksmlab.analysis.section.SectionOutput.ReportTable;
import org.ksmlab.analysis.section.SectionOutput.Series;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The KSM scan-rate grid, from {@code KsmConvergenceBenchmark.converge}: pages_to_scan (rows) ×
 * sleep_millisecs (columns) → virtual time from opt-in to 90 % of the final saving and modelled
 * ksmd CPU %, one block of rows per combination of the other params (mix, pages, smartScan,
 * advisor, ...). A chart is drawn for a block only when it has two or more pages_to_scan values
 * (a line needs two points).
 */
public final class ScanRateGridSection implements ReportSection {
    /** Charts are drawn for at most this many combinations of the other params. */
    static final int MAX_CHARTED_GROUPS = 4;
    private static final Benchmarks.Benchmark BENCHMARK = Benchmarks.KSM_CONVERGENCE;

    @Override
    public String id() {
        return "scan-rate";
    }

    @Override
    public String title() {
        return "KSM scan-rate grid";
    }

    @Override
    public Part part() {
        return Part.MODEL;
    }

    @Override
    public String absentNote() {
        return "no " + BENCHMARK.simpleName() + "." + BENCHMARK.method() + " results in these runs";
    }

    @Override
    public Optional<SectionOutput> build(Results results) {
        Table points = Points.of(results.longTable(), BENCHMARK, BENCHMARK.method());
        if (points.isEmpty()) return Optional.empty();
        List<String> allGroupParams = Points.otherParams(points, List.of(PAGES_TO_SCAN, SLEEP_MILLIS));
        // Params with one value everywhere are said once in the prose, not repeated in every row.
        List<String> groupParams = allGroupParams.stream().filter(p -> Points.distinct(points, p).size() > 1).toList();
        List<String> constant = allGroupParams.stream().filter(p -> !groupParams.contains(p))
                .map(p -> p + "=" + points.stringColumn(p).get(0)).toList();
        List<String> sleeps = Points.distinct(points, SLEEP_MILLIS).stream().sorted(Points.NUMERIC).toList();
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int r = 0; r < points.rowCount(); r++) {
            groups.computeIfAbsent(Points.label(points, r, excludedFromLabel(allGroupParams, groupParams)),
                    g -> new ArrayList<>()).add(r);
        }
        Table time = grid(points, groups, groupParams, sleeps, "scan-rate-time90",
                r -> Points.get(points, Benchmarks.TO_90, r) / 1000);
        Table cpu = grid(points, groups, groupParams, sleeps, "scan-rate-cpu",
                r -> Points.get(points, Benchmarks.CPU_PERMILLE, r) / 10);
        List<String> prose = new ArrayList<>();
        prose.add("ksmd's two pacing knobs: it scans pages_to_scan pages, then sleeps sleep_millisecs, and again."
                + " Each cell is one model run until stable (" + BENCHMARK.simpleName() + "; stable: the counters held"
                + " still through a firing of every periodic writer of the mix, so every cell sees the same rewrites):"
                + " the virtual seconds from opt-in until 90 % of the final saving, and ksmd's modelled CPU in % of one"
                + " CPU over the run: its cost per second of scanning at these knobs."
                + " Faster scanning converges sooner and costs more CPU; the grid shows where the knee is."
                + (constant.isEmpty() ? "" : " All cells: " + String.join(", ", constant) + ".")
                + (groupParams.isEmpty() ? "" : " One block of rows per combination of " + String.join(", ", groupParams) + "."));
        List<ChartSpec> charts = new ArrayList<>();
        int g = 0;
        for (Map.Entry<String, List<Integer>> group : groups.entrySet()) {
            if (g++ == MAX_CHARTED_GROUPS) {
                prose.add("Charts are drawn for the first " + MAX_CHARTED_GROUPS + " of " + groups.size()
                        + " combinations; the tables have all.");
                break;
            }
            String suffix = groups.size() == 1 ? "" : "-" + g;
            String of = group.getKey().isEmpty() ? "" : " (" + group.getKey() + ")";
            List<Series> time90 = lines(points, group.getValue(), sleeps, r -> Points.get(points, Benchmarks.TO_90, r) / 1000);
            List<Series> cpuLines = lines(points, group.getValue(), sleeps, r -> Points.get(points, Benchmarks.CPU_PERMILLE, r) / 10);
            ChartSpec timeChart = ChartSpec.lines("scan-rate-time90" + suffix,
                    "Virtual time from opt-in to 90 % saving vs pages_to_scan, one line per sleep_millisecs" + of,
                    "KSM: time to 90 % of the final saving vs pages_to_scan" + of,
                    "pages_to_scan (pages per batch, log scale)", "virtual seconds from opt-in to 90 % saving (lower is better)",
                    time90, true);
            ChartSpec cpuChart = ChartSpec.lines("scan-rate-cpu" + suffix,
                    "Modelled ksmd CPU % vs pages_to_scan, one line per sleep_millisecs" + of,
                    "KSM: modelled ksmd CPU vs pages_to_scan" + of,
                    "pages_to_scan (pages per batch, log scale)", "ksmd CPU, % of one CPU (lower is better)",
                    cpuLines, true);
            if (timeChart.drawable()) charts.add(timeChart);
            if (cpuChart.drawable()) charts.add(cpuChart);
        }
        return Optional.of(new SectionOutput(prose, List.of(
                new ReportTable("scan-rate-time90", "Virtual seconds from opt-in to 90 % of the final saving: pages_to_scan × sleep_millisecs", time),
                new ReportTable("scan-rate-cpu", "Modelled ksmd CPU %: pages_to_scan × sleep_millisecs", cpu)),
                charts));
    }

    /** Rows: group params, pages_to_scan; one column per sleep_millisecs value ("sleep 20 ms"). */
    private static Table grid(Table points, Map<String, List<Integer>> groups, List<String> groupParams,
                              List<String> sleeps, String name, ToDoubleFunction<Integer> value) {
        List<StringColumn> keys = groupParams.stream().map(StringColumn::create).toList();
        StringColumn pts = StringColumn.create("pages_to_scan");
        List<DoubleColumn> cells = sleeps.stream().map(s -> DoubleColumn.create("sleep " + s + " ms")).toList();
        for (List<Integer> rows : groups.values()) {
            List<String> scans = rows.stream().map(r -> Points.param(points, PAGES_TO_SCAN, r)).distinct()
                    .sorted(Points.NUMERIC).toList();
            for (String scan : scans) {
                for (StringColumn k : keys) k.append(points.stringColumn(k.name()).get(rows.getFirst()));
                pts.append(scan);
                for (int s = 0; s < sleeps.size(); s++) {
                    double v = Double.NaN;
                    for (int r : rows) {
                        if (Points.param(points, PAGES_TO_SCAN, r).equals(scan)
                                && Points.param(points, SLEEP_MILLIS, r).equals(sleeps.get(s))) {
                            v = value.applyAsDouble(r);
                        }
                    }
                    cells.get(s).append(v);
                }
            }
        }
        Table t = Table.create(name);
        keys.forEach(t::addColumns);
        t.addColumns(pts);
        cells.forEach(t::addColumns);
        return t;
    }

    /** One line per sleep value: (pages_to_scan, value) over the group's rows, by pages_to_scan. */
    private static List<Series> lines(Table points, List<Integer> rows, List<String> sleeps,
                                      ToDoubleFunction<Integer> value) {
        List<Series> lines = new ArrayList<>();
        for (String sleep : sleeps) {
            List<Integer> ofSleep = rows.stream().filter(r -> Points.param(points, SLEEP_MILLIS, r).equals(sleep))
                    .filter(r -> !Double.isNaN(Points.parse(Points.param(points, PAGES_TO_SCAN, r))))
                    .filter(r -> Double.isFinite(value.applyAsDouble(r)))
                    .sorted((a, b) -> Points.NUMERIC.compare(Points.param(points, PAGES_TO_SCAN, a),
                            Points.param(points, PAGES_TO_SCAN, b))).toList();
            if (ofSleep.isEmpty()) continue;
            lines.add(new Series("sleep_millisecs " + sleep,
                    ofSleep.stream().map(r -> Points.parse(Points.param(points, PAGES_TO_SCAN, r))).toList(),
                    ofSleep.stream().map(value::applyAsDouble).toList()));
        }
        return lines;
    }

    /** The label of a group names only the params that vary; the grid axes are never in it. */
    private static List<String> excludedFromLabel(List<String> all, List<String> varying) {
        List<String> excluded = new ArrayList<>(List.of(PAGES_TO_SCAN, SLEEP_MILLIS));
        all.stream().filter(p -> !varying.contains(p)).forEach(excluded::add);
        return excluded;
    }
}
