package dev.heed.plugin.spark;

import dev.heed.core.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Learning curves of a sweep: for each env, one line per algorithm — the training return
 * ({@code return_mean} of {@code metrics.csv}) averaged over the completed seeds at each step that all
 * of them logged — with a band of ± one sample standard deviation over seeds. Written as
 * {@code OUT/<env>/}{@value #BASE}{@code .png} and {@code .svg}.
 */
final class SweepPlots {

    static final String BASE = "learning-curves";
    private static final int[] PALETTE = {0x1f77b4, 0xd62728, 0x2ca02c, 0xff7f0e, 0x9467bd, 0x8c564b, 0xe377c2, 0x17becf};

    private SweepPlots() {}

    /** One curve: steps, mean over seeds, std over seeds. */
    record Curve(double[] x, double[] mean, double[] std) {}

    /**
     * @param runDirs the completed run directories of one (env, algo)
     * @return mean ± sample std over the runs at the steps every run logged a finite return for
     */
    static Curve curve(List<Path> runDirs) throws IOException {
        List<Map<Double, Double>> perRun = new ArrayList<>();
        for (Path d : runDirs) {
            List<String> lines = Files.readAllLines(d.resolve(SweepRuns.METRICS));
            List<String> head = List.of(lines.get(0).split(",", -1));
            int xs = head.indexOf("step");
            int ys = head.indexOf("return_mean");
            Map<Double, Double> m = new TreeMap<>();
            for (String l : lines.subList(1, lines.size())) {
                String[] f = l.split(",", -1);
                if (xs >= 0 && ys >= 0 && f.length > Math.max(xs, ys) && !f[xs].isEmpty() && !f[ys].isEmpty()) {
                    m.put(Double.parseDouble(f[xs]), Double.parseDouble(f[ys]));
                }
            }
            perRun.add(m);
        }
        List<double[]> pts = new ArrayList<>();
        if (!perRun.isEmpty()) {
            for (double x : perRun.get(0).keySet()) {
                double sum = 0;
                boolean all = true;
                for (Map<Double, Double> m : perRun) {
                    Double v = m.get(x);
                    if (v == null) {
                        all = false;
                        break;
                    }
                    sum += v;
                }
                if (!all) {
                    continue;
                }
                int n = perRun.size();
                double mean = sum / n;
                double ss = 0;
                for (Map<Double, Double> m : perRun) {
                    ss += (m.get(x) - mean) * (m.get(x) - mean);
                }
                pts.add(new double[] {x, mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0});
            }
        }
        double[][] c = new double[3][pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            for (int k = 0; k < 3; k++) {
                c[k][i] = pts.get(i)[k];
            }
        }
        return new Curve(c[0], c[1], c[2]);
    }

    /** Writes one chart per env with a curve per algorithm that has completed runs; returns the PNG paths. */
    static List<Path> write(SweepSpec spec, List<RunResult> results) throws IOException {
        List<Path> written = new ArrayList<>();
        for (String env : spec.envs()) {
            XYChart chart = new XYChartBuilder().width(800).height(500)
                    .title(env + ": training return, mean ± std over seeds")
                    .xAxisTitle("environment steps").yAxisTitle("episode return (last 100 episodes)")
                    .theme(Styler.ChartTheme.Matlab).build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
            chart.getStyler().setChartBackgroundColor(Color.WHITE);
            chart.getStyler().setAntiAlias(true);
            chart.getStyler().setXAxisTickMarkSpacingHint(110); // room for labels such as 100,000
            int i = 0;
            for (String algo : spec.algos()) {
                List<Path> dirs = new ArrayList<>();
                for (RunResult r : results) {
                    if (r.ok() && r.key().env().equals(env) && r.key().algo().equals(algo)) {
                        dirs.add(r.key().dir(spec.out()));
                    }
                }
                Curve c = dirs.isEmpty() ? null : curve(dirs);
                if (c == null || c.x().length == 0) {
                    continue;
                }
                Color col = new Color(PALETTE[i++ % PALETTE.length]);
                int n = c.x().length;
                double[] bx = new double[2 * n];
                double[] by = new double[2 * n];
                for (int k = 0; k < n; k++) {
                    bx[k] = c.x()[k];
                    by[k] = c.mean()[k] + c.std()[k];
                    bx[2 * n - 1 - k] = c.x()[k];
                    by[2 * n - 1 - k] = c.mean()[k] - c.std()[k];
                }
                XYSeries band = chart.addSeries(algo + " ± std", bx, by);
                band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
                band.setMarker(SeriesMarkers.NONE);
                band.setFillColor(new Color(col.getRed(), col.getGreen(), col.getBlue(), 56));
                band.setLineColor(new Color(col.getRed(), col.getGreen(), col.getBlue(), 0));
                band.setShowInLegend(false);
                XYSeries line = chart.addSeries(algo + " (" + dirs.size() + " seeds)", c.x(), c.mean());
                line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                line.setMarker(SeriesMarkers.NONE);
                line.setLineColor(col);
                line.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            }
            if (i == 0) {
                continue;
            }
            Path dir = spec.out().resolve(env);
            Files.createDirectories(dir);
            Path png = dir.resolve(BASE + ".png");
            AtomicFiles.writeBytes(png, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
            AtomicFiles.write(dir.resolve(BASE + ".svg"),
                    out -> VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG));
            written.add(png);
        }
        return written;
    }
}
