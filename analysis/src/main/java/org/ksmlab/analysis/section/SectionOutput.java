package org.ksmlab.analysis.section;

import java.util.List;
import tech.tablesaw.api.Table;

/**
 * What a section contributes to the report.
 *
 * @param prose paragraphs of plain text (rendered as paragraphs in markdown and HTML)
 * @param tables its tables, each also written as {@code tables/<id>.csv}
 * @param charts its charts, each written as {@code charts/<name>.png} and embedded in the HTML
 */
public record SectionOutput(List<String> prose, List<ReportTable> tables, List<ReportChart> charts) {

    /**
     * A table of the report. Columns are String, int or double; a double column named
     * {@code "<x> ±"} right after column {@code <x>} holds its error and is displayed merged as
     * "12.3 ± 0.4" (the CSV keeps both columns as numbers).
     *
     * @param id file name of the CSV without extension, unique within the report
     * @param caption one line shown above the table
     * @param data the table
     * @param headline whether this is the headline table printed to stdout
     * @param inReport whether the table is shown in report.md/html; false: written as CSV only
     *     (long data such as every sample of a time series), which the section's prose points to
     */
    public record ReportTable(String id, String caption, Table data, boolean headline, boolean inReport) {
        /** A table shown in the report and written as CSV. */
        public ReportTable(String id, String caption, Table data, boolean headline) {
            this(id, caption, data, headline, true);
        }
    }

    /**
     * A chart rendered to PNG.
     *
     * @param name file name without extension, {@code charts/<name>.png}
     * @param caption what the chart shows, used as alt text and caption
     * @param png the encoded image
     */
    public record ReportChart(String name, String caption, byte[] png) {}
}
