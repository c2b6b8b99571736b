package org.ksmlab.analysis.section;

import static org.ksmlab.analysis.input.JmhResults.BENCHMARK;
import static org.ksmlab.analysis.input.JmhResults.METHOD;
import static org.ksmlab.analysis.input.JmhResults.METRIC;
import static org.ksmlab.analysis.input.JmhResults.PACKAGE;
import static org.ksmlab.analysis.input.JmhResults.PARAM_PREFIX;
import static org.ksmlab.analysis.input.JmhResults.PRIMARY;
import static org.ksmlab.analysis.input.JmhResults.RAW;
import static org.ksmlab.analysis.input.JmhResults.SCORE;
import static org.ksmlab.analysis.input.JmhResults.UNIT;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.ksmlab.analysis.input.Benchmarks;
import org.ksmlab.analysis.input.Benchmarks.Benchmark;
import org.ksmlab.analysis.input.JmhResults;
import org.ksmlab.analysis.input.Units;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Benchmark points: the long table's rows of one benchmark method turned into one row per
 * parameter point, with one column per parameter (named without {@code param_}), the wall time
 * as a median with its confidence interval ({@link Statistics}: {@link #WALL_NS} and its
 * {@code low}/{@code high} columns, {@link #N}, {@link #CONFIDENCE}), and one double column per
 * secondary metric ({@code @AuxCounters} by name). A point measured in several result files
 * pools their iterations: the median of all of them, and for each counter the mean of its
 * per-iteration values. {@link #COUNTERS_VARY} is 1 when a model counter ({@code #} unit) was not
 * the same in every iteration of a point, which a deterministic model never does.
 */
final class Points {
    private Points() {}

    /** The median primary score in ns per operation (SingleShotTime: the wall time of one run). */
    static final String WALL_NS = "wall ns";
    /** Measured iterations pooled into {@link #WALL_NS}. */
    static final String N = "n";
    /** The coverage of the interval of {@link #WALL_NS}. */
    static final String CONFIDENCE = "confidence";
    /** 1 when a model counter differed between iterations of the point, else 0. */
    static final String COUNTERS_VARY = "counters vary";
    private static final String SEP = "\u001f";

    /** One row per point of {@code method} of {@code benchmark}; an empty table (no columns) when it was not measured. */
    static Table of(Table all, Benchmark benchmark, String method) {
        Table rows = all.where(all.stringColumn(PACKAGE).isEqualTo(benchmark.packageName())
                .and(all.stringColumn(BENCHMARK).isEqualTo(benchmark.simpleName()))
                .and(all.stringColumn(METHOD).isEqualTo(method)));
        String name = benchmark.simpleName() + "." + method;
        if (rows.isEmpty()) return Table.create(name);
        List<String> params = all.columnNames().stream().filter(n -> n.startsWith(PARAM_PREFIX))
                .filter(n -> rows.stringColumn(n).countMissing() < rows.rowCount()).sorted().toList();
        LinkedHashSet<String> metrics = new LinkedHashSet<>();
        Map<String, Map<String, List<Double>>> values = new LinkedHashMap<>(); // point → metric → values
        LinkedHashSet<String> modelCounters = new LinkedHashSet<>(); // unit "#": one value per iteration
        for (int r = 0; r < rows.rowCount(); r++) {
            List<String> key = new ArrayList<>();
            for (String p : params) key.add(value(rows, p, r));
            String point = String.join(SEP, key);
            String metric = rows.stringColumn(METRIC).get(r);
            String unit = rows.stringColumn(UNIT).get(r);
            double[] raw = JmhResults.rawValues(rows.stringColumn(RAW).get(r));
            List<Double> into = values.computeIfAbsent(point, k -> new LinkedHashMap<>())
                    .computeIfAbsent(metric, k -> new ArrayList<>());
            if (!metric.equals(PRIMARY)) metrics.add(metric);
            if (metric.equals(PRIMARY)) {
                if (raw.length == 0) into.add(Units.nanosPerOp(rows.doubleColumn(SCORE).getDouble(r), unit));
                for (double v : raw) into.add(Units.nanosPerOp(v, unit));
            } else if (unit.equals("#") && raw.length > 0) {
                for (double v : raw) into.add(v);
                modelCounters.add(metric);
            } else {
                into.add(rows.doubleColumn(SCORE).getDouble(r));
            }
        }
        Table out = Table.create(name);
        List<String> points = List.copyOf(values.keySet());
        for (int p = 0; p < params.size(); p++) {
            StringColumn column = StringColumn.create(params.get(p).substring(PARAM_PREFIX.length()));
            for (String point : points) column.append(point.split(SEP, -1)[p]);
            out.addColumns(column);
        }
        DoubleColumn wall = DoubleColumn.create(WALL_NS);
        DoubleColumn low = DoubleColumn.create(WALL_NS + SectionOutput.LOW_SUFFIX);
        DoubleColumn high = DoubleColumn.create(WALL_NS + SectionOutput.HIGH_SUFFIX);
        IntColumn n = IntColumn.create(N);
        DoubleColumn confidence = DoubleColumn.create(CONFIDENCE);
        for (String point : points) {
            List<Double> v = values.get(point).getOrDefault(PRIMARY, List.of());
            Statistics.Interval i = Statistics.of(v.stream().mapToDouble(Double::doubleValue).toArray());
            wall.append(i == null ? Double.NaN : i.median());
            low.append(i == null ? Double.NaN : i.low());
            high.append(i == null ? Double.NaN : i.high());
            n.append(i == null ? 0 : i.n());
            confidence.append(i == null ? Double.NaN : i.confidence());
        }
        out.addColumns(wall, low, high, n, confidence);
        for (String m : metrics) {
            DoubleColumn column = DoubleColumn.create(m);
            for (String point : points) {
                List<Double> v = values.get(point).get(m);
                column.append(v == null || v.isEmpty() ? Double.NaN : v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
            }
            out.addColumns(column);
        }
        DoubleColumn vary = DoubleColumn.create(COUNTERS_VARY);
        for (String point : points) {
            boolean differ = modelCounters.stream().map(m -> values.get(point).getOrDefault(m, List.of()))
                    .anyMatch(v -> v.stream().distinct().count() > 1);
            vary.append(differ ? 1 : 0);
        }
        out.addColumns(vary);
        return out;
    }

    /** A parameter's value in a long-table row; a page mode not recorded (older results) is byte. */
    private static String value(Table rows, String param, int r) {
        String v = rows.stringColumn(param).get(r);
        return v.isEmpty() && param.equals(PARAM_PREFIX + Benchmarks.PAGE_MODE) ? Benchmarks.PAGE_MODE_DEFAULT : v;
    }

    /** The wall-time interval of a row (null when it has no measurement). */
    static Statistics.Interval wall(Table points, int row) {
        int n = points.intColumn(N).getInt(row);
        if (n == 0) return null;
        return new Statistics.Interval(points.doubleColumn(WALL_NS).getDouble(row),
                points.doubleColumn(WALL_NS + SectionOutput.LOW_SUFFIX).getDouble(row),
                points.doubleColumn(WALL_NS + SectionOutput.HIGH_SUFFIX).getDouble(row), n,
                points.doubleColumn(CONFIDENCE).getDouble(row));
    }

    /** The column's value if present, else NaN. */
    static double get(Table points, String metric, int row) {
        return points.containsColumn(metric) ? points.doubleColumn(metric).getDouble(row) : Double.NaN;
    }

    /** Whether the points carry this metric at all (results from before a counter existed lack it). */
    static boolean has(Table points, String metric) {
        return points.containsColumn(metric) && points.doubleColumn(metric).countMissing() < points.rowCount();
    }

    /** The parameter's value in that row, "" when the parameter was not set. */
    static String param(Table points, String name, int row) {
        return points.containsColumn(name) ? points.stringColumn(name).get(row) : "";
    }

    /** Distinct values of a parameter column in order of first appearance ("" when absent). */
    static List<String> distinct(Table points, String name) {
        if (!points.containsColumn(name)) return List.of("");
        return List.copyOf(new LinkedHashSet<>(points.stringColumn(name).asList()));
    }

    /** Numbers by value, everything else by text after them: "100" < "1000" < "abc". */
    static final Comparator<String> NUMERIC = (a, b) -> {
        double x = parse(a);
        double y = parse(b);
        if (!Double.isNaN(x) && !Double.isNaN(y)) return Double.compare(x, y);
        if (!Double.isNaN(x)) return -1;
        if (!Double.isNaN(y)) return 1;
        return a.compareTo(b);
    };

    static double parse(String s) {
        try {
            return Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Sorted by a list of known values first (in that order), then the rest by {@link #NUMERIC}. */
    static Comparator<String> knownFirst(List<String> known) {
        return Comparator.comparingInt((String v) -> known.indexOf(v) < 0 ? known.size() : known.indexOf(v))
                .thenComparing(NUMERIC);
    }

    /**
     * A human label for the parameters of a point other than the excluded ones, e.g.
     * "mix=vmfleet, pages=4096" ("" when there are none).
     */
    static String label(Table points, int row, List<String> excluded) {
        List<String> parts = new ArrayList<>();
        for (String c : otherParams(points, excluded)) parts.add(c + "=" + points.stringColumn(c).get(row));
        return String.join(", ", parts);
    }

    /** Parameter (String) columns of a points table other than the excluded ones. */
    static List<String> otherParams(Table points, List<String> excluded) {
        return points.columnNames().stream()
                .filter(c -> points.column(c) instanceof StringColumn && !excluded.contains(c)).toList();
    }
}
