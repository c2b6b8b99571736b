package org.ksmlab.analysis.section;

import static org.ksmlab.analysis.JmhResults.BENCHMARK;
import static org.ksmlab.analysis.JmhResults.METHOD;
import static org.ksmlab.analysis.JmhResults.METRIC;
import static org.ksmlab.analysis.JmhResults.PACKAGE;
import static org.ksmlab.analysis.JmhResults.PARAM_PREFIX;
import static org.ksmlab.analysis.JmhResults.PRIMARY;
import static org.ksmlab.analysis.JmhResults.SCORE;
import static org.ksmlab.analysis.JmhResults.UNIT;
import static tech.tablesaw.aggregate.AggregateFunctions.mean;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import org.ksmlab.analysis.Units;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Benchmark points: the long table's rows of one benchmark method pivoted to one row per
 * parameter point, with one column per parameter (named without {@code param_}) and one double
 * column per metric ({@code @AuxCounters} by name; the primary score as {@link #WALL_NS}, in ns
 * per op). A point measured in several result files gets the mean of each metric.
 */
final class Points {
    private Points() {}

    /** The primary score in ns per operation (SingleShotTime: the wall time of one run). */
    static final String WALL_NS = "wall ns";
    private static final String KEY = "point";
    private static final String SEP = "\u001f";

    /**
     * @return one row per point; parameter columns (only those set for this method, sorted by
     *     name) then metric columns; empty (no columns) when the method was not measured
     */
    static Table of(Table all, String pkg, String benchmark, String method) {
        Table rows = all.where(all.stringColumn(PACKAGE).isEqualTo(pkg)
                .and(all.stringColumn(BENCHMARK).isEqualTo(benchmark))
                .and(all.stringColumn(METHOD).isEqualTo(method)));
        if (rows.isEmpty()) return Table.create(benchmark + "." + method);
        List<String> params = all.columnNames().stream().filter(n -> n.startsWith(PARAM_PREFIX))
                .filter(n -> rows.stringColumn(n).countMissing() < rows.rowCount()).toList();
        StringColumn key = StringColumn.create(KEY);
        DoubleColumn value = DoubleColumn.create("value");
        for (int r = 0; r < rows.rowCount(); r++) {
            List<String> values = new ArrayList<>();
            for (String p : params) values.add(rows.stringColumn(p).get(r));
            key.append(String.join(SEP, values));
            double score = rows.doubleColumn(SCORE).getDouble(r);
            value.append(rows.stringColumn(METRIC).get(r).equals(PRIMARY)
                    ? Units.nanosPerOp(score, rows.stringColumn(UNIT).get(r)) : score);
        }
        Table keyed = Table.create("keyed", key, value, rows.stringColumn(METRIC).copy());
        Table pivot = keyed.pivot(KEY, METRIC, "value", mean);
        Table out = Table.create(benchmark + "." + method);
        for (int p = 0; p < params.size(); p++) {
            StringColumn column = StringColumn.create(params.get(p).substring(PARAM_PREFIX.length()));
            for (int r = 0; r < pivot.rowCount(); r++) {
                column.append(pivot.stringColumn(KEY).get(r).split(SEP, -1)[p]);
            }
            out.addColumns(column);
        }
        // Metrics in order of first appearance, primary first.
        LinkedHashSet<String> metrics = new LinkedHashSet<>(List.of(PRIMARY));
        metrics.addAll(rows.stringColumn(METRIC).asList());
        for (String m : metrics) {
            if (!pivot.containsColumn(m)) continue;
            out.addColumns(pivot.doubleColumn(m).copy().setName(m.equals(PRIMARY) ? WALL_NS : m));
        }
        return out;
    }

    /** The column's values if present, else NaN for every row. */
    static double get(Table points, String metric, int row) {
        return points.containsColumn(metric) ? points.doubleColumn(metric).getDouble(row) : Double.NaN;
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
        for (String c : points.columnNames()) {
            if (points.column(c) instanceof StringColumn && !excluded.contains(c)) {
                parts.add(c + "=" + points.stringColumn(c).get(row));
            }
        }
        return String.join(", ", parts);
    }

    /** Parameter (String) columns of a points table other than the excluded ones. */
    static List<String> otherParams(Table points, List<String> excluded) {
        return points.columnNames().stream()
                .filter(c -> points.column(c) instanceof StringColumn && !excluded.contains(c)).toList();
    }
}
