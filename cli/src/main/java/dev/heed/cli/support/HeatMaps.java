package dev.heed.cli.support;

import dev.heed.core.io.AtomicFiles;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.apiguardian.api.API;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Attention heat maps: one XChart {@link HeatMapChart} panel per head (columns) and layer (rows),
 * composed into a single PNG. Weights are drawn on a fixed 0–1 scale (viridis colours) so panels
 * compare directly; the query position runs top to bottom, the key position left to right.
 *
 * <p>Rendering needs no display (headless AWT). Thread-safe: no shared mutable state.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class HeatMaps {

    /** Panel size in pixels. */
    public static final int PANEL = 380;

    private static final Color[] VIRIDIS = {
        new Color(0x440154), new Color(0x3B528B), new Color(0x21918C), new Color(0x5EC962), new Color(0xFDE725)
    };

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private HeatMaps() {}

    /**
     * Renders {@code weights[layer][head][query][key]} as a grid of panels.
     *
     * @param title overall title; not null
     * @param weights attention weights in [0, 1], square per panel; not null, non-empty
     * @param labels one label per position (e.g. the tokens), or null for position numbers
     * @return the image
     */
    public static BufferedImage render(String title, float[][][][] weights, List<String> labels) {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(weights, "weights");
        int layers = weights.length;
        if (layers == 0 || weights[0].length == 0) {
            throw new IllegalArgumentException("HeatMaps.render: no layers or heads to draw");
        }
        int heads = weights[0].length;
        int top = 40;
        BufferedImage img = new BufferedImage(heads * PANEL, top + layers * PANEL, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, 12, 26);
            for (int l = 0; l < layers; l++) {
                for (int h = 0; h < heads; h++) {
                    HeatMapChart c = panel("layer " + (l + 1) + ", head " + (h + 1), weights[l][h], labels);
                    Graphics2D sub = (Graphics2D) g.create(h * PANEL, top + l * PANEL, PANEL, PANEL);
                    try {
                        c.paint(sub, PANEL, PANEL);
                    } finally {
                        sub.dispose();
                    }
                }
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /**
     * Renders and writes a PNG atomically.
     *
     * @param file target file; not null
     * @param title overall title
     * @param weights see {@link #render}
     * @param labels see {@link #render}
     * @return the file
     * @throws IOException if it cannot be written
     */
    public static Path writePng(Path file, String title, float[][][][] weights, List<String> labels) throws IOException {
        BufferedImage img = render(title, weights, labels);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bytes);
        AtomicFiles.writeBytes(file, bytes.toByteArray());
        return file;
    }

    private static HeatMapChart panel(String title, float[][] w, List<String> labels) {
        int t = w.length;
        HeatMapChart c = new HeatMapChartBuilder().width(PANEL).height(PANEL).title(title)
                .xAxisTitle("key").yAxisTitle("query").build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setLegendVisible(false);
        c.getStyler().setRangeColors(VIRIDIS);
        c.getStyler().setMin(0);
        c.getStyler().setMax(1);
        c.getStyler().setPlotContentSize(1.0);
        c.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        c.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, t > 24 ? 8 : 10));
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        List<String> xs = new ArrayList<>();
        List<String> ys = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            xs.add(label(labels, i));
        }
        // The y axis grows upwards; list the queries last-first so query 0 is the top row.
        for (int i = t - 1; i >= 0; i--) {
            ys.add(label(labels, i));
        }
        List<Number[]> cells = new ArrayList<>(t * t);
        for (int q = 0; q < t; q++) {
            for (int k = 0; k < t; k++) {
                cells.add(new Number[] {k, t - 1 - q, (double) w[q][k]});
            }
        }
        c.addSeries("attention", xs, ys, cells);
        return c;
    }

    private static String label(List<String> labels, int i) {
        // Category labels must be distinct, so repeated tokens carry their position.
        return labels == null || i >= labels.size() ? Integer.toString(i) : i + ":" + labels.get(i);
    }
}
