package org.ksmlab.analysis.render;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.ksmlab.analysis.section.SectionOutput.ChartSpec;
import org.ksmlab.analysis.section.SectionOutput.Series;

/**
 * Draws a section's {@link ChartSpec} as a PNG with XChart, headless: the report's colours
 * ({@link Palette}), fonts large enough to read when the image is scaled to a page's width, the
 * axis titles the section gave (with units and which way is better).
 */
public final class ChartRenderer {
    private ChartRenderer() {}

    static {
        // The report is built on servers and in CI: never try to open a display.
        System.setProperty("java.awt.headless", "true");
    }

    static final int WIDTH = 1100;
    static final int HEIGHT = 620;

    /** The chart's PNG bytes. */
    public static byte[] png(ChartSpec spec) {
        return switch (spec.kind()) {
            case BARS -> encode(bars(spec), spec.title());
            case LINES -> encode(lines(spec), spec.title());
            case POINTS -> encode(points(spec), spec.title());
        };
    }

    private static CategoryChart bars(ChartSpec spec) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(spec.title()).xAxisTitle(spec.xTitle()).yAxisTitle(spec.yTitle()).build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisLabelRotation(spec.categories().size() > 4 ? 30 : 0);
        chart.getStyler().setAvailableSpaceFill(0.8);
        chart.getStyler().setLegendVisible(spec.series().size() > 1);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setSeriesColors(Palette.colours(spec.series().stream().map(Series::name).toList()));
        for (Series s : spec.series()) chart.addSeries(s.name(), spec.categories(), s.y());
        return chart;
    }

    private static XYChart lines(ChartSpec spec) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(spec.title()).xAxisTitle(spec.xTitle()).yAxisTitle(spec.yTitle()).build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisLogarithmic(spec.logX());
        chart.getStyler().setMarkerSize(spec.series().stream().anyMatch(s -> s.x().size() > 40) ? 6 : 9);
        chart.getStyler().setSeriesColors(Palette.colours(spec.series().stream().map(Series::name).toList()));
        for (Series s : spec.series()) {
            chart.addSeries(s.name(), s.x(), s.y()).setMarker(Palette.marker(s.name()));
        }
        return chart;
    }

    /** A scatter: every series' points as markers, not joined, one colour and marker per merger. */
    private static XYChart points(ChartSpec spec) {
        XYChart chart = lines(spec);
        chart.getStyler().setDefaultSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(14);
        for (var s : chart.getSeriesMap().values()) {
            s.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
        }
        return chart;
    }

    /** Readable at a page's width: larger fonts, a white background, a light grid. */
    private static void style(AxesChartStyler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotGridLinesColor(new Color(0xdddddd));
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
        styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
        styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        styler.setChartTitleBoxVisible(false);
        styler.setLegendBorderColor(Color.WHITE);
    }

    private static byte[] encode(Chart<?, ?> chart, String title) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding chart '" + title + "' as PNG", e);
        }
    }
}
