package dev.heed.cli.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

class PlotsTest {

    @TempDir
    Path dir;

    /** A learning-curve-like sample: two algorithms, one with a std band. */
    static XYChart sample() {
        int n = 40;
        double[] x = new double[n];
        double[] a = new double[n];
        double[] sa = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 2048.0 * (i + 1);
            a[i] = 500 * (1 - Math.exp(-i / 8.0));
            sa[i] = 60 * Math.exp(-i / 20.0) + 5;
            b[i] = 350 * (1 - Math.exp(-i / 14.0));
        }
        return Plots.lineChart("CartPole-v1, 5 seeds", "environment steps", "episode return",
                List.of(new Plots.Series("ppo-clip", x, a, sa), new Plots.Series("a2c", x, b)));
    }

    @Test
    void writesPngAndSvgWithTheBandVisible() throws Exception {
        List<Path> files = Plots.writePngAndSvg(sample(), dir, "learning-curve");
        assertEquals(List.of(dir.resolve("learning-curve.png"), dir.resolve("learning-curve.svg")), files);

        BufferedImage png = ImageIO.read(files.get(0).toFile());
        assertEquals(Plots.WIDTH, png.getWidth());
        assertEquals(Plots.HEIGHT, png.getHeight());
        // The band is Tableau blue (78, 121, 167) at alpha 56/255 over white:
        // 255 + (c - 255) * 56 / 255 gives about (216, 226, 236).
        int bandPixels = 0;
        int linePixels = 0;
        for (int yy = 0; yy < png.getHeight(); yy++) {
            for (int xx = 0; xx < png.getWidth(); xx++) {
                int rgb = png.getRGB(xx, yy);
                int r = (rgb >> 16) & 255;
                int g = (rgb >> 8) & 255;
                int bl = rgb & 255;
                if (Math.abs(r - 216) <= 3 && Math.abs(g - 226) <= 3 && Math.abs(bl - 236) <= 3) {
                    bandPixels++;
                }
                if (r == 0xF2 && g == 0x8E && bl == 0x2B) { // the second line, orange
                    linePixels++;
                }
            }
        }
        assertTrue(bandPixels > 2000, "band pixels: " + bandPixels);
        assertTrue(linePixels > 100, "orange line pixels: " + linePixels);

        String svg = Files.readString(files.get(1), StandardCharsets.UTF_8);
        assertTrue(svg.startsWith("<?xml"), svg.substring(0, 40));
        assertTrue(svg.contains("<svg") && svg.contains("</svg>"));
        // Well-formed XML (the DTD is not fetched), with the band as a translucent blue fill.
        javax.xml.parsers.DocumentBuilderFactory f = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        org.w3c.dom.Document doc = f.newDocumentBuilder().parse(files.get(1).toFile());
        assertEquals("svg", doc.getDocumentElement().getTagName());
        assertTrue(svg.contains("fill:rgb(78,121,167);fill-opacity:0.2196"), "band fill missing from SVG");
        try (var s = Files.list(dir)) {
            assertEquals(2, s.count()); // no temporary files left
        }
        // Keep a copy where a person can look at it after the build.
        Path look = Path.of("target", "plots-sample");
        Files.createDirectories(look);
        Plots.writePngAndSvg(sample(), look, "learning-curve");
    }

    @Test
    void badSeriesAreRejectedWithTheOffendingPoint() {
        double[] x = {1, 2, 2};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Plots.Series("s", x, new double[] {1, 2, 3}));
        assertEquals("Plots.Series 's': x[2] = 2.0 is not greater than x[1] = 2.0; sort the points by x", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Plots.Series("s", new double[] {1, 2}, new double[] {1, Double.NaN}));
        assertTrue(e.getMessage().contains("point 1 is (2.0, NaN)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Plots.Series("s", new double[] {1}, new double[] {1}, new double[] {-1}));
        assertTrue(e.getMessage().contains("std[0] = -1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Plots.Series("s", new double[] {1, 2}, new double[] {1}));
        assertTrue(e.getMessage().contains("x has 2 values, y 1"), e.getMessage());
        Plots.Series s = new Plots.Series("s", new double[] {1}, new double[] {1});
        e = assertThrows(IllegalArgumentException.class, () -> Plots.lineChart("t", "x", "y", List.of(s, s)));
        assertTrue(e.getMessage().contains("duplicate series names"), e.getMessage());
    }
}
