package dev.heed.bench;

import dev.heed.attention.model.LanguageModel;
import dev.heed.attention.model.TransformerConfig;
import dev.heed.attention.tasks.SyntheticTask;
import dev.heed.attention.tasks.TaskBatch;
import dev.heed.attention.tasks.TaskTraining;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.optim.AdamW;
import dev.heed.core.optim.GradClip;
import dev.heed.core.optim.Optimizer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apiguardian.api.API;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The length-generalisation study: trains the same small decoder-only transformer with each
 * positional scheme on a synthetic task at lengths up to N, then measures answer accuracy at N, 2N
 * and 4N, over several seeds.
 *
 * <p>Run (from the repository root, after {@code ./mvnw -B -q -pl bench -am package -DskipTests}):
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/heed-benchmarks.jar \
 *     dev.heed.bench.LengthGeneralisation --out docs/experiments [--task associative-recall] [--n 8]
 *     [--symbols 32] [--steps 1500] [--batch 32] [--lr 0.003] [--seeds 3] [--dModel 64] [--heads 4]
 *     [--layers 2] [--eval 500] [--schemes none,sinusoidal,learned,relative-key,relative-bias,rope,alibi]
 *     [--replot true]
 * </pre>
 * {@code --replot true} skips training and redraws the table and plot from the CSV in the output
 * directory.
 * Each training step draws one length uniformly from {@code [ceil(N/2), N]} for the whole batch.
 * Writes {@code length-generalisation.csv} (one row per scheme, seed and length),
 * {@code length-generalisation-table.md} (mean ± standard deviation over seeds) and
 * {@code length-generalisation.png} to the output directory; progress goes to the platform logger.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class LengthGeneralisation {

    private static final System.Logger LOG = System.getLogger(LengthGeneralisation.class.getName());

    private LengthGeneralisation() {}

    /** Study settings, from the command line. */
    record Settings(String task, int n, int symbols, int steps, int batch, double lr, int seeds, int dModel, int heads,
            int layers, int eval, List<String> schemes, Path out, boolean replot) {

        static Settings parse(String[] args) {
            Map<String, String> a = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("LengthGeneralisation: expected --name value pairs, got '" + args[i]
                            + "'; e.g. --out docs/experiments --steps 1500");
                }
                a.put(args[i].substring(2), args[++i]);
            }
            Settings s = new Settings(a.getOrDefault("task", "associative-recall"),
                    Integer.parseInt(a.getOrDefault("n", "8")),
                    Integer.parseInt(a.getOrDefault("symbols", "32")),
                    Integer.parseInt(a.getOrDefault("steps", "1500")),
                    Integer.parseInt(a.getOrDefault("batch", "32")),
                    Double.parseDouble(a.getOrDefault("lr", "0.003")),
                    Integer.parseInt(a.getOrDefault("seeds", "3")),
                    Integer.parseInt(a.getOrDefault("dModel", "64")),
                    Integer.parseInt(a.getOrDefault("heads", "4")),
                    Integer.parseInt(a.getOrDefault("layers", "2")),
                    Integer.parseInt(a.getOrDefault("eval", "500")),
                    List.of(a.getOrDefault("schemes", "none,sinusoidal,learned,relative-key,relative-bias,rope,alibi")
                            .split(",")),
                    Path.of(a.getOrDefault("out", "docs/experiments")),
                    Boolean.parseBoolean(a.getOrDefault("replot", "false")));
            a.keySet().removeAll(List.of("task", "n", "symbols", "steps", "batch", "lr", "seeds", "dModel", "heads",
                    "layers", "eval", "schemes", "out", "replot"));
            if (!a.isEmpty()) {
                throw new IllegalArgumentException("LengthGeneralisation: unknown options " + a.keySet());
            }
            return s;
        }
    }

    /** One trained model evaluated at one length. */
    record Row(String scheme, long seed, int multiple, int length, double tokenAccuracy, double sequenceAccuracy,
            double finalLoss, double seconds) {}

    /**
     * Runs the study.
     *
     * @param args {@code --name value} options, see the class documentation
     * @throws IOException if the results cannot be written
     */
    public static void main(String[] args) throws IOException {
        Settings s = Settings.parse(args);
        Files.createDirectories(s.out());
        int[] multiples = {1, 2, 4};
        int longest = SyntheticTask.of(s.task(), 4 * s.n(), s.symbols()).sequenceLength();
        List<Row> rows = new ArrayList<>();
        if (s.replot()) {
            rows.addAll(readCsv(s.out().resolve("length-generalisation.csv")));
            write(s, rows, multiples);
            plot(s, rows, multiples);
            return;
        }
        for (String scheme : s.schemes()) {
            for (int seed = 1; seed <= s.seeds(); seed++) {
                rows.addAll(run(s, scheme, seed, multiples, longest));
                write(s, rows, multiples);
            }
        }
        write(s, rows, multiples);
        plot(s, rows, multiples);
    }

    private static List<Row> run(Settings s, String scheme, long seed, int[] multiples, int longest) {
        SyntheticTask probe = SyntheticTask.of(s.task(), s.n(), s.symbols());
        TransformerConfig cfg = TransformerConfig.builder().vocabSize(probe.vocabSize()).dModel(s.dModel()).heads(s.heads())
                .layers(s.layers()).contextLength(longest).similarity("scaled-dot").positional(scheme).build();
        Rng root = Rng.seeded(seed);
        LanguageModel model = new LanguageModel(cfg, root.child(0));
        Rng data = root.child(1);
        Optimizer opt = new AdamW(model.parameters(), AdamW.config().lr(s.lr()));
        int warm = Math.max(1, s.steps() / 10);
        int minLen = (s.n() + 1) / 2;
        List<SyntheticTask> train = new ArrayList<>();
        for (int len = minLen; len <= s.n(); len++) {
            train.add(SyntheticTask.of(s.task(), len, s.symbols()));
        }
        long t0 = System.nanoTime();
        double lossSum = 0;
        int lossCount = 0;
        model.train();
        for (int step = 0; step < s.steps(); step++) {
            opt.setLr(s.lr() * Math.min(1.0, (step + 1.0) / warm));
            TaskBatch b = train.get(data.nextInt(train.size())).sample(s.batch(), data);
            opt.zeroGrad();
            Tensor loss = model.loss(b.inputs(), b.targets(), b.weights());
            loss.backward();
            GradClip.clipGradNorm(model.parameters(), 1.0);
            opt.step();
            if (step >= s.steps() - Math.max(1, s.steps() / 10)) {
                lossSum += loss.item();
                lossCount++;
            }
            if ((step + 1) % 250 == 0) {
                LOG.log(Level.INFO, String.format(Locale.ROOT, "%s seed %d: step %d loss %.4f", scheme, seed, step + 1,
                        loss.item()));
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Row> out = new ArrayList<>();
        for (int m : multiples) {
            SyntheticTask at = SyntheticTask.of(s.task(), m * s.n(), s.symbols());
            double[] acc = TaskTraining.evaluate(model, at, s.eval(), root.child(100 + m));
            out.add(new Row(scheme, seed, m, m * s.n(), acc[0], acc[1], lossSum / lossCount, seconds));
            LOG.log(Level.INFO, String.format(Locale.ROOT, "%s seed %d: length %d (%dN) token accuracy %.3f", scheme, seed,
                    m * s.n(), m, acc[0]));
        }
        return out;
    }

    private static List<Row> readCsv(Path csv) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            if (f.length != 8) {
                throw new IOException(csv + ": expected 8 comma-separated fields, got '" + line + "'");
            }
            rows.add(new Row(f[0], Long.parseLong(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                    Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[7])));
        }
        return rows;
    }

    private static double[] meanStd(List<Row> rows, String scheme, int multiple) {
        double sum = 0;
        double sq = 0;
        int k = 0;
        for (Row r : rows) {
            if (r.scheme().equals(scheme) && r.multiple() == multiple) {
                sum += r.tokenAccuracy();
                sq += r.tokenAccuracy() * r.tokenAccuracy();
                k++;
            }
        }
        if (k == 0) {
            return null;
        }
        double mean = sum / k;
        double var = k > 1 ? Math.max(0, (sq - k * mean * mean) / (k - 1)) : 0;
        return new double[] {mean, Math.sqrt(var), k};
    }

    private static void write(Settings s, List<Row> rows, int[] multiples) throws IOException {
        StringBuilder csv = new StringBuilder("scheme,seed,multiple,length,token_accuracy,sequence_accuracy,final_loss,train_seconds\n");
        for (Row r : rows) {
            csv.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%.4f,%.4f,%.4f,%.1f%n", r.scheme(), r.seed(), r.multiple(),
                    r.length(), r.tokenAccuracy(), r.sequenceAccuracy(), r.finalLoss(), r.seconds()));
        }
        Files.writeString(s.out().resolve("length-generalisation.csv"), csv, StandardCharsets.UTF_8);
        StringBuilder md = new StringBuilder("| scheme |");
        for (int m : multiples) {
            md.append(String.format(Locale.ROOT, " N = %d (%s) |", m * s.n(), m == 1 ? "N" : m + "N"));
        }
        md.append(" seeds | train s/run |\n| --- |");
        for (int i = 0; i < multiples.length; i++) {
            md.append(" --- |");
        }
        md.append(" --- | --- |\n");
        for (String scheme : s.schemes()) {
            double[] first = meanStd(rows, scheme, multiples[0]);
            if (first == null) {
                continue;
            }
            md.append("| `").append(scheme).append("` |");
            for (int m : multiples) {
                double[] ms = meanStd(rows, scheme, m);
                md.append(String.format(Locale.ROOT, " %.3f ± %.3f |", ms[0], ms[1]));
            }
            double secs = rows.stream().filter(r -> r.scheme().equals(scheme)).mapToDouble(Row::seconds).average().orElse(0);
            md.append(String.format(Locale.ROOT, " %d | %.0f |%n", (int) first[2], secs));
        }
        Files.writeString(s.out().resolve("length-generalisation-table.md"), md, StandardCharsets.UTF_8);
    }

    private static void plot(Settings s, List<Row> rows, int[] multiples) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title("Length generalisation: " + s.task() + ", trained at lengths ≤ N = " + s.n())
                .xAxisTitle("evaluation length / N").yAxisTitle("answer token accuracy (mean ± std over seeds)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setXAxisDecimalPattern("0'N'");
        chart.getStyler().setXAxisMin(0.5);
        chart.getStyler().setXAxisMax(4.5);
        for (String scheme : s.schemes()) {
            double[] x = new double[multiples.length];
            double[] y = new double[multiples.length];
            double[] e = new double[multiples.length];
            boolean any = false;
            for (int i = 0; i < multiples.length; i++) {
                double[] ms = meanStd(rows, scheme, multiples[i]);
                if (ms != null) {
                    any = true;
                    x[i] = multiples[i];
                    y[i] = ms[0];
                    e[i] = ms[1];
                }
            }
            if (any) {
                chart.addSeries(scheme, x, y, e);
            }
        }
        BitmapEncoder.saveBitmap(chart, s.out().resolve("length-generalisation.png").toString(),
                BitmapEncoder.BitmapFormat.PNG);
    }
}
