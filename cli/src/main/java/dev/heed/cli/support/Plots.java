package dev.heed.cli.support;

import dev.heed.core.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line charts for learning curves and comparisons, drawn with XChart and saved as PNG (for READMEs
 * and quick looks) and SVG (for papers). A series may carry a standard deviation, drawn as a
 * translucent mean &plusmn; std band behind its line.
 *
 * <p>Rendering needs no display: the class switches AWT to headless mode unless the property
 * {@code java.awt.headless} was set explicitly. Thread-safe: no shared mutable state.
 *
 * <pre>{@code
 * XYChart chart = Plots.lineChart("CartPole-v1", "environment steps", "episode return",
 *         List.of(new Plots.Series("ppo-clip", steps, mean, std)));
 * Plots.writePngAndSvg(chart, run.path(), "learning-curve");
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Plots {

    /** Default image size in pixels. */
    public static final int WIDTH = 800;

    /** Default image size in pixels. */
    public static final int HEIGHT = 500;

    // Tableau 10: distinguishable, colour-blind-aware line colours.
    private static final int[] PALETTE = {
        0x4E79A7, 0xF28E2B, 0xE15759, 0x76B7B2, 0x59A14F, 0xEDC948, 0xB07AA1, 0xFF9DA7, 0x9C755F, 0xBAB0AC
    };

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Plots() {}

    /**
     * One line of a chart.
     *
     * @param name legend label; not null
     * @param x x values, strictly increasing; not null
     * @param y y values, finite, same length as x; not null
     * @param std standard deviations for a mean &plusmn; std band (finite, &ge; 0, same length), or null for no band
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public record Series(String name, double[] x, double[] y, double[] std) {

        /** Validates the data and copies the arrays. */
        public Series {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(x, "x");
            Objects.requireNonNull(y, "y");
            if (x.length == 0 || x.length != y.length || (std != null && std.length != x.length)) {
                throw new IllegalArgumentException("Plots.Series '" + name + "': x has " + x.length + " values, y "
                        + y.length + (std == null ? "" : ", std " + std.length)
                        + "; expected the same non-zero length for all");
            }
            for (int i = 0; i < x.length; i++) {
                if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                    throw new IllegalArgumentException("Plots.Series '" + name + "': point " + i + " is (" + x[i]
                            + ", " + y[i] + "); drop non-finite points before plotting");
                }
                if (i > 0 && x[i] <= x[i - 1]) {
                    throw new IllegalArgumentException("Plots.Series '" + name + "': x[" + i + "] = " + x[i]
                            + " is not greater than x[" + (i - 1) + "] = " + x[i - 1] + "; sort the points by x");
                }
                if (std != null && !(std[i] >= 0 && Double.isFinite(std[i]))) {
                    throw new IllegalArgumentException("Plots.Series '" + name + "': std[" + i + "] = " + std[i]
                            + "; expected a finite value >= 0");
                }
            }
            x = x.clone();
            y = y.clone();
            std = std == null ? null : std.clone();
        }

        /**
         * A series without a band.
         *
         * @param name legend label
         * @param x x values
         * @param y y values
         */
        public Series(String name, double[] x, double[] y) {
            this(name, x, y, null);
        }

        @Override
        public double[] x() {
            return x.clone();
        }

        @Override
        public double[] y() {
            return y.clone();
        }

        @Override
        public double[] std() {
            return std == null ? null : std.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Series
                    && ((Series) o).name.equals(name)
                    && Arrays.equals(((Series) o).x, x)
                    && Arrays.equals(((Series) o).y, y)
                    && Arrays.equals(((Series) o).std, std);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, Arrays.hashCode(x), Arrays.hashCode(y), Arrays.hashCode(std));
        }

        @Override
        public String toString() {
            return "Series[" + name + ", " + x.length + " points" + (std == null ? "" : ", with std") + "]";
        }
    }

    /**
     * Builds a line chart; bands are drawn first so every line stays visible on top.
     *
     * @param title chart title; not null
     * @param xLabel x-axis title; not null
     * @param yLabel y-axis title; not null
     * @param series the lines, at least one, distinct names; not null
     * @return the chart, ready for {@link #writePngAndSvg(XYChart, Path, String)}
     * @throws IllegalArgumentException if there are no series or two share a name
     */
    public static XYChart lineChart(String title, String xLabel, String yLabel, List<Series> series) {
        Objects.requireNonNull(series, "series");
        if (series.isEmpty()) {
            throw new IllegalArgumentException("Plots.lineChart '" + title + "': no series; give at least one");
        }
        if (series.stream().map(Series::name).distinct().count() != series.size()) {
            throw new IllegalArgumentException("Plots.lineChart '" + title + "': duplicate series names in "
                    + series.stream().map(Series::name).toList());
        }
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(Objects.requireNonNull(title, "title"))
                .xAxisTitle(Objects.requireNonNull(xLabel, "xLabel"))
                .yAxisTitle(Objects.requireNonNull(yLabel, "yLabel"))
                .theme(Styler.ChartTheme.Matlab)
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesVisible(true);
        chart.getStyler().setAntiAlias(true);

        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            if (s.std == null) {
                continue;
            }
            Color c = color(i);
            int n = s.x.length;
            double[] bx = new double[2 * n];
            double[] by = new double[2 * n];
            for (int k = 0; k < n; k++) {
                bx[k] = s.x[k];
                by[k] = s.y[k] + s.std[k];
                bx[2 * n - 1 - k] = s.x[k];
                by[2 * n - 1 - k] = s.y[k] - s.std[k];
            }
            XYSeries band = chart.addSeries(s.name + " ± std", bx, by);
            band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
            band.setMarker(SeriesMarkers.NONE);
            band.setFillColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 56));
            band.setLineColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 0));
            band.setShowInLegend(false);
        }
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            XYSeries line = chart.addSeries(s.name, s.x, s.y);
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(color(i));
            line.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        }
        return chart;
    }

    /**
     * Writes {@code baseName.png} and {@code baseName.svg} into {@code dir}, each atomically.
     *
     * @param chart the chart; not null
     * @param dir an existing directory; not null
     * @param baseName file name without extension; not null
     * @return the PNG and SVG paths, in that order
     * @throws IOException if a file cannot be written; previous files are then intact
     */
    public static List<Path> writePngAndSvg(XYChart chart, Path dir, String baseName) throws IOException {
        Objects.requireNonNull(chart, "chart");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(baseName, "baseName");
        if (!Files.isDirectory(dir)) {
            throw new IOException("cannot write chart " + baseName + ": " + dir + " is not a directory");
        }
        Path png = dir.resolve(baseName + ".png");
        Path svg = dir.resolve(baseName + ".svg");
        byte[] pngBytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.writeBytes(png, pngBytes);
        AtomicFiles.write(svg, out -> VectorGraphicsEncoder.saveVectorGraphic(
                chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG));
        return List.of(png, svg);
    }

    private static Color color(int i) {
        return new Color(PALETTE[i % PALETTE.length]);
    }
}
