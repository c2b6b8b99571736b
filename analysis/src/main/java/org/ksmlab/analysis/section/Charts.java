package org.ksmlab.analysis.section;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** XChart charts rendered to PNG bytes, headless. */
final class Charts {
    private Charts() {}

    static {
        // The report is built on servers and in CI: never try to open a display.
        System.setProperty("java.awt.headless", "true");
    }

    /**
     * Grouped bar chart: one group per category, one bar per series (a null value leaves a gap).
     *
     * @param series series name → one value per category, in category order
     */
    static byte[] groupedBars(String title, String xTitle, String yTitle, List<String> categories,
                              Map<String, List<Double>> series) {
        CategoryChart chart = new CategoryChartBuilder().width(1100).height(620)
                .title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setXAxisLabelRotation(categories.size() > 4 ? 35 : 0);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setAvailableSpaceFill(0.8);
        chart.getStyler().setLegendVisible(series.size() > 1);
        chart.getStyler().setYAxisMin(0.0);
        series.forEach((name, values) -> chart.addSeries(name, categories, values));
        return png(chart, title);
    }

    /** One line of points (x, y) per series. */
    record Line(String name, List<Double> x, List<Double> y) {}

    /**
     * Line chart, one line with markers per series.
     *
     * @param logX logarithmic x axis (page counts, pages_to_scan)
     */
    static byte[] lines(String title, String xTitle, String yTitle, List<Line> lines, boolean logX) {
        XYChart chart = new XYChartBuilder().width(1100).height(620)
                .title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setMarkerSize(7);
        for (Line line : lines) {
            chart.addSeries(line.name(), line.x(), line.y()).setMarker(SeriesMarkers.CIRCLE);
        }
        return png(chart, title);
    }

    private static byte[] png(Chart<?, ?> chart, String title) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding chart '" + title + "' as PNG", e);
        }
    }

    /** A file-name-safe form of a parameter value: "vm-fleet", "mix-a_b". */
    static String slug(String s) {
        String slug = s.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return slug.isEmpty() ? "x" : slug;
    }
}
