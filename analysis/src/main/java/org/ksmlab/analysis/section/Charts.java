package org.ksmlab.analysis.section;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

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
        chart.getStyler().setXAxisLabelRotation(35);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setAvailableSpaceFill(0.8);
        series.forEach((name, values) -> chart.addSeries(name, categories, values));
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding chart '" + title + "' as PNG", e);
        }
    }
}
