package org.ksmlab.analysis.render;

import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * A report table as strings, the way a reader sees it: doubles to 3 significant figures, a
 * {@code "<x> ±"} error column merged into its {@code <x>} column as "12.3 ± 0.4", numeric
 * columns marked for right alignment. Shared by the markdown and HTML renderers.
 *
 * @param headers column headings
 * @param numeric per column, whether it holds numbers (right-aligned)
 * @param rows the cells
 */
public record DisplayTable(List<String> headers, List<Boolean> numeric, List<List<String>> rows) {

    /** Suffix of a column that holds the error of the column before it. */
    public static final String ERROR_SUFFIX = " ±";

    public static DisplayTable of(Table table) {
        List<String> headers = new ArrayList<>();
        List<Boolean> numeric = new ArrayList<>();
        List<Column<?>> shown = new ArrayList<>();
        List<DoubleColumn> errors = new ArrayList<>();
        List<Column<?>> columns = table.columns();
        for (int c = 0; c < columns.size(); c++) {
            Column<?> column = columns.get(c);
            Column<?> next = c + 1 < columns.size() ? columns.get(c + 1) : null;
            boolean hasError = column instanceof DoubleColumn && next instanceof DoubleColumn
                    && next.name().equals(column.name() + ERROR_SUFFIX);
            headers.add(column.name());
            numeric.add(column instanceof NumericColumn<?>);
            shown.add(column);
            errors.add(hasError ? (DoubleColumn) next : null);
            if (hasError) c++;
        }
        List<List<String>> rows = new ArrayList<>();
        for (int r = 0; r < table.rowCount(); r++) {
            List<String> row = new ArrayList<>();
            for (int c = 0; c < shown.size(); c++) {
                row.add(cell(shown.get(c), errors.get(c), r));
            }
            rows.add(row);
        }
        return new DisplayTable(List.copyOf(headers), List.copyOf(numeric), List.copyOf(rows));
    }

    private static String cell(Column<?> column, DoubleColumn error, int r) {
        if (column instanceof DoubleColumn d) {
            return error == null ? Numbers.sig3(d.getDouble(r)) : Numbers.withError(d.getDouble(r), error.getDouble(r));
        }
        return column.isMissing(r) ? "" : column.getString(r);
    }
}
