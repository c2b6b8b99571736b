package org.ksmlab.analysis.section;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tech.tablesaw.api.Table;

/**
 * What a section contributes to the report: data only (tables, prose, chart specifications);
 * the render package turns it into markdown, HTML, CSV and PNG.
 *
 * @param prose paragraphs of plain text (rendered as paragraphs in markdown and HTML)
 * @param tables its tables, each also written as {@code tables/<id>.csv}
 * @param charts its charts, each drawn as {@code charts/<name>.png} and embedded in the HTML
 * @param headline what this section puts at the top of the report, or null
 */
public record SectionOutput(List<String> prose, List<ReportTable> tables, List<ChartSpec> charts, Headline headline) {

    public SectionOutput {
        prose = List.copyOf(prose);
        tables = List.copyOf(tables);
        charts = List.copyOf(charts);
    }

    /** Output without a headline. */
    public SectionOutput(List<String> prose, List<ReportTable> tables, List<ChartSpec> charts) {
        this(prose, tables, charts, null);
    }

    /** Suffix of a double column that holds the error of the column before it: shown as "12.3 ± 0.4". */
    public static final String ERROR_SUFFIX = " ±";
    /**
     * Suffixes of the two double columns right after a column {@code <x>} that hold its
     * confidence interval ({@link Statistics}): shown as "12.3 [11.9, 12.8]", with " ⚠" when the
     * interval is wide. The CSV keeps the three columns as numbers.
     */
    public static final String LOW_SUFFIX = " low";
    public static final String HIGH_SUFFIX = " high";
    /** The mark a wide interval gets in the tables. */
    public static final String WIDE_MARK = "⚠";

    /**
     * The top of the report: sentences that answer the review's question, then one table.
     *
     * @param sentences one generated sentence per workload mix (or per finding)
     * @param table the headline table, shown once, at the top (and written as CSV)
     */
    public record Headline(List<String> sentences, ReportTable table) {
        public Headline {
            sentences = List.copyOf(sentences);
            Objects.requireNonNull(table);
        }
    }

    /**
     * A table of the report. Columns are String, int, long or double; see {@link #ERROR_SUFFIX}
     * and {@link #LOW_SUFFIX} for the columns displayed merged.
     *
     * @param id file name of the CSV without extension, unique within the report
     * @param caption one line shown above the table
     * @param data the table
     * @param inReport whether the table is shown in report.md/html; false: written as CSV only
     *     (long data such as every sample of a time series), which the section's prose points to
     */
    public record ReportTable(String id, String caption, Table data, boolean inReport) {
        /** A table shown in the report and written as CSV. */
        public ReportTable(String id, String caption, Table data) {
            this(id, caption, data, true);
        }
    }

    /**
     * A chart, as data: the renderer draws it with the report's colours (one colour per merger,
     * the same in every chart). A chart with fewer than two points is not drawn.
     *
     * @param name file name without extension, {@code charts/<name>.png}
     * @param caption what the chart shows, used as alt text and caption
     * @param kind bars (one group per category, one bar per series), lines (x, y points joined) or
     *     points (x, y points, not joined: a scatter)
     * @param title the chart's title
     * @param xTitle x axis title, with its unit
     * @param yTitle y axis title, with its unit and which way is better
     * @param categories bar groups, in order (empty for lines)
     * @param series the series; for bars one y per category (null: no bar), for lines x and y
     * @param logX a logarithmic x axis (lines)
     */
    public record ChartSpec(String name, String caption, Kind kind, String title, String xTitle, String yTitle,
                            List<String> categories, List<Series> series, boolean logX) {
        public enum Kind { BARS, LINES, POINTS }

        public ChartSpec {
            categories = List.copyOf(categories);
            series = List.copyOf(series);
        }

        /** A grouped bar chart. */
        public static ChartSpec bars(String name, String caption, String title, String xTitle, String yTitle,
                                     List<String> categories, List<Series> series) {
            return new ChartSpec(name, caption, Kind.BARS, title, xTitle, yTitle, categories, series, false);
        }

        /** A line chart with markers. */
        public static ChartSpec lines(String name, String caption, String title, String xTitle, String yTitle,
                                      List<Series> series, boolean logX) {
            return new ChartSpec(name, caption, Kind.LINES, title, xTitle, yTitle, List.of(), series, logX);
        }

        /** A scatter: each series' (x, y) points, unjoined (one point per series is fine). */
        public static ChartSpec points(String name, String caption, String title, String xTitle, String yTitle,
                                       List<Series> series) {
            return new ChartSpec(name, caption, Kind.POINTS, title, xTitle, yTitle, List.of(), series, false);
        }

        /**
         * Whether the chart says more than one number: bars and points need two or more values,
         * lines a series with two or more points. The report draws no other chart.
         */
        public boolean drawable() {
            if (kind == Kind.BARS || kind == Kind.POINTS) return points() >= 2;
            return series.stream().anyMatch(s -> s.y().stream().filter(v -> v != null && Double.isFinite(v)).count() >= 2);
        }

        /** Finite values drawn: bars, or line points. */
        public int points() {
            return series.stream().mapToInt(s -> (int) s.y().stream()
                    .filter(v -> v != null && Double.isFinite(v)).count()).sum();
        }
    }

    /**
     * One series of a chart: a merger ("ksm"), or another label ("sleep_millisecs 20", "hot").
     *
     * @param x x values (lines), or empty (bars)
     * @param y y values; null entries are gaps
     */
    public record Series(String name, List<Double> x, List<Double> y) {
        public Series {
            x = List.copyOf(x);
            y = java.util.Collections.unmodifiableList(new ArrayList<>(y)); // nulls allowed
        }

        /** A bar series: one value per category. */
        public static Series bars(String name, List<Double> y) {
            return new Series(name, List.of(), y);
        }
    }
}
