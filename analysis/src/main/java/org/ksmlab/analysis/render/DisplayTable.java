package org.ksmlab.analysis.render;

import java.util.ArrayList;
import java.util.List;
import org.ksmlab.analysis.section.Numbers;
import org.ksmlab.analysis.section.SectionOutput;
import org.ksmlab.analysis.section.Statistics;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * A report table as strings, the way a reader sees it: doubles to 3 significant figures, counts
 * exact; a {@code "<x> ±"} error column merged into {@code <x>} as "12.3 ± 0.4"; a pair of
 * {@code "<x> low"}, {@code "<x> high"} columns merged into {@code <x>} as "12.3 [11.9, 12.8]",
 * with {@value SectionOutput#WIDE_MARK} appended when the interval is wide
 * ({@link Statistics.Interval#wide()}, using the table's {@code n} column when it has one);
 * numeric columns marked for right alignment. Shared by the markdown and HTML renderers.
 *
 * @param headers column headings
 * @param numeric per column, whether it holds numbers (right-aligned)
 * @param rows the cells
 */
public record DisplayTable(List<String> headers, List<Boolean> numeric, List<List<String>> rows) {

    /** How a shown column is made from the table's columns. */
    private record Shown(Column<?> column, DoubleColumn error, DoubleColumn low, DoubleColumn high) {}

    public static DisplayTable of(Table table) {
        List<String> headers = new ArrayList<>();
        List<Boolean> numeric = new ArrayList<>();
        List<Shown> shown = new ArrayList<>();
        List<Column<?>> columns = table.columns();
        IntColumn n = table.containsColumn("n") && table.column("n") instanceof IntColumn c ? c : null;
        for (int c = 0; c < columns.size(); c++) {
            Column<?> column = columns.get(c);
            Column<?> next = c + 1 < columns.size() ? columns.get(c + 1) : null;
            Column<?> after = c + 2 < columns.size() ? columns.get(c + 2) : null;
            DoubleColumn error = null;
            DoubleColumn low = null;
            DoubleColumn high = null;
            if (column instanceof DoubleColumn && next instanceof DoubleColumn e
                    && next.name().equals(column.name() + SectionOutput.ERROR_SUFFIX)) {
                error = e;
                c++;
            } else if (column instanceof DoubleColumn && next instanceof DoubleColumn l && after instanceof DoubleColumn h
                    && next.name().equals(column.name() + SectionOutput.LOW_SUFFIX)
                    && after.name().equals(column.name() + SectionOutput.HIGH_SUFFIX)) {
                low = l;
                high = h;
                c += 2;
            }
            headers.add(low == null ? column.name() : column.name() + " [interval]");
            numeric.add(column instanceof NumericColumn<?>);
            shown.add(new Shown(column, error, low, high));
        }
        List<List<String>> rows = new ArrayList<>();
        for (int r = 0; r < table.rowCount(); r++) {
            List<String> row = new ArrayList<>();
            for (Shown s : shown) row.add(cell(s, n, r));
            rows.add(row);
        }
        return new DisplayTable(List.copyOf(headers), List.copyOf(numeric), List.copyOf(rows));
    }

    private static String cell(Shown s, IntColumn n, int r) {
        if (s.column() instanceof DoubleColumn d) {
            double v = d.getDouble(r);
            if (s.error() != null) return Numbers.withError(v, s.error().getDouble(r));
            if (s.low() != null && Double.isFinite(v)) {
                double lo = s.low().getDouble(r);
                double hi = s.high().getDouble(r);
                int count = n == null || n.isMissing(r) ? 2 : n.getInt(r);
                boolean wide = new Statistics.Interval(v, lo, hi, count, Double.NaN).wide();
                return Numbers.sig3(v) + " [" + Numbers.sig3(lo) + ", " + Numbers.sig3(hi) + "]"
                        + (wide ? " " + SectionOutput.WIDE_MARK : "");
            }
            return Numbers.sig3(v);
        }
        return s.column().isMissing(r) ? "" : s.column().getString(r);
    }
}
