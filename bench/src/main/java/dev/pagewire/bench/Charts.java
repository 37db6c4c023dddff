package dev.pagewire.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/** Draws the report's bar charts as PNG files with JFreeChart, headless. */
final class Charts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 480;

    private Charts() {}

    /**
     * A grouped bar chart: one group per category, one bar per series (a subject), each labelled
     * with its value.
     *
     * @param values category → (series → value), in the order to draw
     */
    static void bar(Path file, String title, String valueAxis, Map<String, Map<String, Double>> values) {
        bar(file, title, valueAxis, values, false);
    }

    /**
     * The same on a logarithmic value axis, for figures that span decades (latency percentiles);
     * bars start at a tenth of the smallest value.
     */
    static void bar(Path file, String title, String valueAxis, Map<String, Map<String, Double>> values, boolean log) {
        var data = new DefaultCategoryDataset();
        values.forEach((category, bySeries) -> bySeries.forEach((series, v) -> data.addValue(v, series, category)));
        JFreeChart chart =
                ChartFactory.createBarChart(title, null, valueAxis, data, PlotOrientation.VERTICAL, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setOutlineVisible(false);
        var renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.05);
        renderer.setDefaultItemLabelGenerator(
                new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat("#,##0.#")));
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i < data.getRowCount(); i++) {
            renderer.setSeriesPaint(i, colour((String) data.getRowKey(i)));
        }
        if (log) {
            double smallest = values.values().stream()
                    .flatMap(m -> m.values().stream())
                    .filter(v -> v > 0)
                    .min(Double::compare)
                    .orElse(1.0);
            var axis = new LogAxis(valueAxis);
            axis.setSmallestValue(smallest / 10);
            axis.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
            axis.setTickUnit(new NumberTickUnit(1), false, true); // one tick per decade: 0.1, 1, 10, 100
            axis.setMinorTickCount(9);
            plot.setRangeAxis(axis);
            renderer.setBase(smallest / 10);
        }
        // Room above the tallest bar for its label.
        plot.getRangeAxis().setUpperMargin(0.15);
        try {
            Files.createDirectories(file.getParent());
            ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chart " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The same colour for a subject in every chart: Pagewire blues, on Tomcat greens, on Jetty
     * purples (long-polling the darker), Socket.IO orange (with the Redis streams adapter brown),
     * raw Netty grey.
     */
    private static Color colour(String series) {
        boolean longPolling = series.startsWith("Pagewire long");
        if (series.endsWith("on Tomcat")) {
            return new Color(longPolling ? 0x2E6B27 : 0x59A14F);
        }
        if (series.endsWith("on Jetty")) {
            return new Color(longPolling ? 0x6B3F63 : 0xB07AA1);
        }
        if (longPolling) {
            return new Color(0x0B3C7A);
        }
        if (series.startsWith("Pagewire")) {
            return new Color(0x2F7ED8);
        }
        if (series.startsWith("Socket.IO") && series.contains("streams")) {
            return new Color(0x9C755F);
        }
        if (series.startsWith("Socket.IO")) {
            return new Color(0xF28E2B);
        }
        return new Color(0x8C8C8C);
    }
}
