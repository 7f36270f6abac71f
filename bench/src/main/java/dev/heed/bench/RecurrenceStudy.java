package dev.heed.bench;

import dev.heed.bench.StudyModels.Mixer;
import dev.heed.attention.model.LanguageModel;
import dev.heed.attention.model.Pooling;
import dev.heed.attention.model.SequenceClassifier;
import dev.heed.attention.model.SequenceMixer;
import dev.heed.attention.model.TransformerConfig;
import dev.heed.cli.support.Plots;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.nn.Module;
import dev.heed.core.nn.UnaryModule;
import dev.heed.core.optim.Adam;
import dev.heed.core.optim.GradClip;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apiguardian.api.API;
import org.knowm.xchart.XYChart;

/**
 * The attention-vs-recurrence study (issue 13) as one command. Writes Markdown tables, CSV files
 * and PNG/SVG plots into an output directory (first argument, default
 * {@code docs/experiments/attention-vs-recurrence}); progress goes to {@link System.Logger}.
 *
 * <pre>
 * ./mvnw -B -q -pl bench -am package -DskipTests
 * java --add-modules jdk.incubator.vector -Xmx12g -cp bench/target/heed-benchmarks.jar \
 *      dev.heed.bench.RecurrenceStudy [outDir] [parts, e.g. 1,2,3,4] [seeds] [tinyshakespeare.txt] [seconds]
 * </pre>
 *
 * <p>System properties: {@code study.mixers} (parts 2–3, e.g. {@code attention,lstm,gru}),
 * {@code study.lm.models} (part 4, mixer[/MLP ratio], e.g. {@code attention,lstm,gru,lstm/2,gru/3}),
 * {@code study.lm.budget} ({@code wall} or {@code cpu}), {@code study.d}, {@code study.steps},
 * {@code study.distances}, {@code study.len}, {@code study.budgets}.
 *
 * <p>Part 1: training throughput (forward + backward, tokens/s) of one transformer block vs one
 * LSTM and one GRU layer of equal parameter count, over sequence lengths 64 to 4096 at a fixed
 * 4096 tokens per batch. Part 2: associative recall accuracy against the distance between the
 * queried pair and the query. Part 3: a local task (XOR of neighbouring bits, with label noise in
 * training). Part 4: character language model on Tiny Shakespeare, each model trained for the
 * same wall-clock time. Part 1 times the mixers alone ({@link StudyModels}, the recurrent hidden
 * size matched to the block's parameter count); parts 2–4 train the attention module's
 * {@link SequenceClassifier} and {@link LanguageModel}, swapping only the blocks' sequence mixer
 * (attention, LSTM, GRU).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class RecurrenceStudy {

    private static final System.Logger LOG = System.getLogger(RecurrenceStudy.class.getName());

    private RecurrenceStudy() {}

    /**
     * @param args [outDir] [parts] [seeds]
     * @throws IOException when the results cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/experiments/attention-vs-recurrence");
        String parts = args.length > 1 ? args[1] : "1,2,3";
        int seeds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Files.createDirectories(out);
        StringBuilder md = new StringBuilder();
        md.append("Processors: ")
                .append(Runtime.getRuntime().availableProcessors()).append(", JVM ")
                .append(System.getProperty("java.vm.version")).append("\n\n");
        for (String p : parts.split(",")) {
            switch (p.trim()) {
                case "1" -> throughput(out, md);
                case "2" -> recall(out, md, seeds);
                case "3" -> local(out, md, seeds);
                case "4" -> {
                    if (args.length <= 3) {
                        throw new IllegalArgumentException("RecurrenceStudy: part 4 needs a text file as the fourth "
                                + "argument (e.g. Tiny Shakespeare's input.txt); Heed does not ship one");
                    }
                    charLm(out, md, Path.of(args[3]), args.length > 4 ? Double.parseDouble(args[4]) : 300);
                }
                default -> throw new IllegalArgumentException("RecurrenceStudy: unknown part '" + p + "'; expected 1, 2, 3 or 4");
            }
            Files.writeString(out.resolve("results.md"), md.toString(), StandardCharsets.UTF_8);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Part 1: throughput
    // ------------------------------------------------------------------------------------------

    private static void throughput(Path out, StringBuilder md) throws IOException {
        int d = 128;
        int heads = 4;
        int tokens = 4096;
        int[] lengths = {64, 128, 256, 512, 1024, 2048, 4096};
        Mixer[] kinds = {Mixer.TRANSFORMER, Mixer.MINI, Mixer.LSTM, Mixer.GRU};
        double[][] tps = new double[kinds.length][lengths.length];
        double[][] ms = new double[kinds.length][lengths.length];
        md.append("## Part 1: training throughput (forward + backward), d_model = ").append(d)
                .append(", ").append(tokens).append(" tokens per batch\n\n");
        StringBuilder csv = new StringBuilder("mixer,params,T,B,median_ms,tokens_per_s\n");
        long[] params = new long[kinds.length];
        UnaryModule[] mixers = new UnaryModule[kinds.length];
        for (int m = 0; m < kinds.length; m++) {
            mixers[m] = StudyModels.mixer(kinds[m], d, heads, 1, Rng.seeded(1));
            params[m] = mixers[m].parameterCount();
        }
        for (int li = 0; li < lengths.length; li++) {
            int t = lengths[li];
            int b = tokens / t;
            Runnable[] steps = new Runnable[kinds.length];
            for (int m = 0; m < kinds.length; m++) {
                UnaryModule mixer = mixers[m];
                Tensor x = Tensor.randn(Rng.seeded(2), b, t, d);
                Tensor g = Tensor.randn(Rng.seeded(3), b, t, StudyModels.mixerWidth(kinds[m], d, 1));
                steps[m] = () -> {
                    mixer.zeroGrad();
                    mixer.forward(x).mul(g).sum().backward();
                };
            }
            // Interleave the mixers round by round so that load from other processes on the shared
            // machine hits all of them alike; report each mixer's median round.
            double[] median = medianMillis(steps, t >= 2048 ? 3 : 5);
            for (int m = 0; m < kinds.length; m++) {
                ms[m][li] = median[m];
                tps[m][li] = b * t / (median[m] / 1000);
                csv.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%.2f,%.0f%n", kinds[m].label(), params[m], t, b,
                        median[m], tps[m][li]));
                LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT, "part 1: %s T=%d B=%d: %.1f ms, %.0f tokens/s",
                        kinds[m].label(), t, b, median[m], tps[m][li]));
            }
        }
        md.append("| T | B |");
        for (int m = 0; m < kinds.length; m++) {
            md.append(' ').append(kinds[m].label()).append(" (").append(params[m]).append(" params) ms | tokens/s |");
        }
        md.append(" LSTM / transformer block | LSTM / minimal block |\n|---|---|");
        md.append("---|---|".repeat(kinds.length)).append("---|---|\n");
        for (int li = 0; li < lengths.length; li++) {
            md.append("| ").append(lengths[li]).append(" | ").append(tokens / lengths[li]).append(" |");
            for (int m = 0; m < kinds.length; m++) {
                md.append(String.format(Locale.ROOT, " %.1f | %.0f |", ms[m][li], tps[m][li]));
            }
            md.append(String.format(Locale.ROOT, " %.2f | %.2f |%n", tps[2][li] / tps[0][li], tps[2][li] / tps[1][li]));
        }
        md.append('\n');
        Files.writeString(out.resolve("throughput.csv"), csv.toString(), StandardCharsets.UTF_8);
        List<Plots.Series> series = new ArrayList<>();
        double[] xs = Arrays.stream(lengths).asDoubleStream().toArray();
        for (int m = 0; m < kinds.length; m++) {
            series.add(new Plots.Series(kinds[m].label(), xs, tps[m]));
        }
        XYChart chart = Plots.lineChart("Training throughput, " + tokens + " tokens per batch, 2 cores",
                "sequence length T", "tokens / s (forward + backward)", series);
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        Plots.writePngAndSvg(chart, out, "throughput");
    }

    private static double[] medianMillis(Runnable[] steps, int reps) {
        for (Runnable s : steps) { // warm-up (JIT, allocation)
            s.run();
            s.run();
        }
        double[][] times = new double[steps.length][reps];
        for (int i = 0; i < reps; i++) {
            for (int m = 0; m < steps.length; m++) {
                long t0 = System.nanoTime();
                steps[m].run();
                times[m][i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        double[] out = new double[steps.length];
        for (int m = 0; m < steps.length; m++) {
            Arrays.sort(times[m]);
            out[m] = times[m][reps / 2];
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------
    // Training loop shared by parts 2 and 3
    // ------------------------------------------------------------------------------------------

    /** A batch: tokens [B, T] and targets (per sequence or per position). */
    private record Batch(Tensor tokens, int[] targets, boolean[] scored) {}

    private interface Task {
        Batch sample(Rng rng, int batch, boolean train);

        boolean lastOnly();

        int length();

        int vocab();

        int classes();
    }

    /** Test accuracy and training seconds so far at each evaluation point. */
    private record Outcome(double[] accuracy, double[] seconds) {}

    /**
     * Parts 2 and 3 train the attention module's models, swapping only the blocks' mixer: a
     * {@link SequenceClassifier} with {@link Pooling#LAST} for per-sequence tasks (recall) and a
     * {@link LanguageModel} over the bit alphabet for per-position tasks (its causal "next token"
     * logits are the 2-class outputs).
     */
    private static Module taskModel(Task task, SequenceMixer mixer, int d, int heads, Rng rng) {
        // Positions on the embeddings' scale: the classifier's embedding is N(0, 1) like the
        // sinusoidal table; the language model's is GPT-2's N(0, 0.02) like its learned table.
        TransformerConfig cfg = TransformerConfig.builder().vocabSize(task.vocab()).dModel(d).heads(heads).layers(1)
                .mlpRatio(4).dropout(0).contextLength(task.length()).positional(task.lastOnly() ? "sinusoidal" : "learned")
                .mixer(mixer).build();
        if (task.lastOnly()) {
            return new SequenceClassifier(cfg, task.classes(), Pooling.LAST, rng);
        }
        if (task.classes() != task.vocab()) {
            throw new IllegalArgumentException("RecurrenceStudy: a per-position task runs as a LanguageModel and needs as many"
                    + " classes as tokens, got " + task.classes() + " classes and " + task.vocab() + " tokens");
        }
        return new LanguageModel(cfg, rng);
    }

    private static Tensor taskLogits(Module model, Tensor tokens) {
        if (model instanceof SequenceClassifier clf) {
            return clf.forward(tokens, null);
        }
        LanguageModel lm = (LanguageModel) model;
        return lm.forward(tokens).reshape(-1, lm.config().vocabSize());
    }

    private static Tensor taskLoss(Module model, Batch bt) {
        if (model instanceof SequenceClassifier clf) {
            return clf.loss(bt.tokens(), null, bt.targets());
        }
        float[] w = new float[bt.scored().length];
        long[] y = new long[w.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = bt.scored()[i] ? 1f : 0f;
            y[i] = bt.targets()[i];
        }
        return ((LanguageModel) model).loss(bt.tokens(), Tensor.of(y, bt.tokens().shape()), w);
    }

    private static Outcome train(Task task, SequenceMixer kind, int d, int heads, int[] evalAt, int batch, double lr,
            long seed) {
        Rng rng = Rng.seeded(seed);
        Module model = taskModel(task, kind, d, heads, rng.child(1));
        Adam opt = new Adam(model.parameters(), lr);
        Rng data = rng.child(2);
        double[] acc = new double[evalAt.length];
        double[] secs = new double[evalAt.length];
        double trainSeconds = 0;
        int done = 0;
        for (int e = 0; e < evalAt.length; e++) {
            model.train();
            long t0 = System.nanoTime();
            for (; done < evalAt[e]; done++) {
                Batch bt = task.sample(data, batch, true);
                Tensor loss = taskLoss(model, bt);
                opt.zeroGrad();
                loss.backward();
                GradClip.clipGradNorm(model.parameters(), 1.0);
                opt.step();
            }
            trainSeconds += (System.nanoTime() - t0) / 1e9;
            secs[e] = trainSeconds;
            acc[e] = evaluate(task, model, seed);
        }
        return new Outcome(acc, secs);
    }

    private static double evaluate(Task task, Module model, long seed) {
        model.eval();
        Rng eval = Rng.seeded(seed ^ 0x5A5A5A5AL);
        long correct = 0;
        long total = 0;
        try (NoGrad ignored = NoGrad.enter()) {
            for (int e = 0; e < 8; e++) {
                Batch bt = task.sample(eval, 64, false);
                Tensor logits = taskLogits(model, bt.tokens());
                float[] lv = logits.toFloatArray();
                int c = task.classes();
                for (int i = 0; i < bt.targets().length; i++) {
                    if (!bt.scored()[i]) {
                        continue;
                    }
                    int arg = 0;
                    for (int k = 1; k < c; k++) {
                        if (lv[i * c + k] > lv[i * c + arg]) {
                            arg = k;
                        }
                    }
                    correct += arg == bt.targets()[i] ? 1 : 0;
                    total++;
                }
            }
        }
        return correct / (double) total;
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static double std(double[] v) {
        double m = mean(v);
        return v.length < 2 ? 0 : Math.sqrt(Arrays.stream(v).map(a -> (a - m) * (a - m)).sum() / (v.length - 1));
    }

    /**
     * Runs both mixers over a sweep and writes a table and plot. With {@code xIsSteps} the sweep
     * values are training budgets of one run per seed (evaluated as training proceeds); otherwise
     * each value is a task variant trained for {@code steps}.
     */
    private static void sweep(Path out, StringBuilder md, String name, String title, String xLabel, int[] xs,
            java.util.function.IntFunction<Task> tasks, boolean xIsSteps, int d, int heads, int steps, int batch, double lr,
            int seeds) throws IOException {
        SequenceMixer[] kinds = Arrays.stream(System.getProperty("study.mixers", "attention,lstm").split(","))
                .map(SequenceMixer::fromName).toArray(SequenceMixer[]::new);
        double[][] accMean = new double[kinds.length][xs.length];
        double[][] accStd = new double[kinds.length][xs.length];
        double[][] secs = new double[kinds.length][xs.length];
        StringBuilder csv = new StringBuilder("mixer," + xLabel + ",seed,accuracy,train_seconds\n");
        for (int m = 0; m < kinds.length; m++) {
            double[][] acc = new double[xs.length][seeds];
            double[][] sec = new double[xs.length][seeds];
            for (int s = 0; s < seeds; s++) {
                if (xIsSteps) {
                    Outcome o = train(tasks.apply(0), kinds[m], d, heads, xs, batch, lr, 1000L * (s + 1));
                    for (int xi = 0; xi < xs.length; xi++) {
                        acc[xi][s] = o.accuracy()[xi];
                        sec[xi][s] = o.seconds()[xi];
                    }
                } else {
                    for (int xi = 0; xi < xs.length; xi++) {
                        Outcome o = train(tasks.apply(xs[xi]), kinds[m], d, heads, new int[] {steps}, batch, lr,
                                1000L * (s + 1) + xi);
                        acc[xi][s] = o.accuracy()[0];
                        sec[xi][s] = o.seconds()[0];
                    }
                }
                for (int xi = 0; xi < xs.length; xi++) {
                    csv.append(String.format(Locale.ROOT, "%s,%d,%d,%.4f,%.2f%n", kinds[m].specName(), xs[xi], s, acc[xi][s],
                            sec[xi][s]));
                    LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT, "%s: %s %s=%d seed %d: accuracy %.3f, %.1f s",
                            name, kinds[m].specName(), xLabel, xs[xi], s, acc[xi][s], sec[xi][s]));
                }
            }
            for (int xi = 0; xi < xs.length; xi++) {
                accMean[m][xi] = mean(acc[xi]);
                accStd[m][xi] = std(acc[xi]);
                secs[m][xi] = mean(sec[xi]);
            }
        }
        md.append("| ").append(xLabel).append(" |");
        for (SequenceMixer k : kinds) {
            md.append(' ').append(k.specName()).append(" accuracy (mean ± sd) | train s |");
        }
        md.append("\n|---|").append("---|---|".repeat(kinds.length)).append('\n');
        for (int xi = 0; xi < xs.length; xi++) {
            md.append("| ").append(xs[xi]).append(" |");
            for (int m = 0; m < kinds.length; m++) {
                md.append(String.format(Locale.ROOT, " %.3f ± %.3f | %.1f |", accMean[m][xi], accStd[m][xi], secs[m][xi]));
            }
            md.append('\n');
        }
        md.append('\n');
        Files.writeString(out.resolve(name + ".csv"), csv.toString(), StandardCharsets.UTF_8);
        List<Plots.Series> series = new ArrayList<>();
        double[] x = Arrays.stream(xs).asDoubleStream().toArray();
        for (int m = 0; m < kinds.length; m++) {
            series.add(new Plots.Series(kinds[m].specName(), x, accMean[m], accStd[m]));
        }
        XYChart chart = Plots.lineChart(title, xLabel, "test accuracy", series);
        chart.getStyler().setXAxisLogarithmic(true);
        Plots.writePngAndSvg(chart, out, name);
    }

    // ------------------------------------------------------------------------------------------
    // Part 2: associative recall against distance
    // ------------------------------------------------------------------------------------------

    static final int KEYS = 8;
    static final int VALUES = 8;
    static final int PAIRS = 4;
    static final int NOISE = 8;

    /**
     * Tokens: a pair (key k, value v) is one token k*VALUES+v; then NOISE filler tokens; then one
     * query token per key. PAIRS pairs with distinct keys; the queried pair sits exactly
     * {@code distance} positions before the query (the last token); the other pairs are at random
     * earlier or later positions; every other position is a random filler token. Target: the value
     * of the queried key (chance 1/8).
     */
    static Task recallTask(int distance) {
        int len = distance + PAIRS;
        return new Task() {
            @Override
            public Batch sample(Rng rng, int batch, boolean train) {
                long[] tok = new long[batch * len];
                int[] target = new int[batch];
                for (int r = 0; r < batch; r++) {
                    int[] keys = rng.permutation(KEYS);
                    int base = r * len;
                    for (int i = 0; i < len - 1; i++) {
                        tok[base + i] = KEYS * VALUES + rng.nextInt(NOISE);
                    }
                    int qpos = len - 1 - distance;
                    int v0 = rng.nextInt(VALUES);
                    tok[base + qpos] = keys[0] * VALUES + v0;
                    int placed = 1;
                    while (placed < PAIRS) {
                        int pos = rng.nextInt(len - 1);
                        if (tok[base + pos] >= KEYS * VALUES) {
                            tok[base + pos] = keys[placed] * VALUES + rng.nextInt(VALUES);
                            placed++;
                        }
                    }
                    tok[base + len - 1] = KEYS * VALUES + NOISE + keys[0];
                    target[r] = v0;
                }
                boolean[] scored = new boolean[batch];
                Arrays.fill(scored, true);
                return new Batch(Tensor.of(tok, batch, len), target, scored);
            }

            @Override
            public boolean lastOnly() {
                return true;
            }

            @Override
            public int length() {
                return len;
            }

            @Override
            public int vocab() {
                return KEYS * VALUES + NOISE + KEYS;
            }

            @Override
            public int classes() {
                return VALUES;
            }
        };
    }

    private static void recall(Path out, StringBuilder md, int seeds) throws IOException {
        int d = Integer.getInteger("study.d", 32);
        int steps = Integer.getInteger("study.steps", 400);
        int batch = 32;
        int[] distances = Arrays.stream(System.getProperty("study.distances", "4,16,64").split(","))
                .mapToInt(Integer::parseInt).toArray();
        md.append("## Part 2: associative recall against dependency distance\n\n")
                .append(String.format(Locale.ROOT, "%d key-value pairs (%d keys, %d values, chance %.3f), d_model %d, "
                        + "the attention module's SequenceClassifier (sinusoidal positions, 1 pre-LN block: mixer + MLP, "
                        + "LAST pooling), only the mixer swapped (attention: 4 heads; LSTM/GRU hidden %d), "
                        + "Adam lr 3e-3, batch %d, %d steps, clip 1.0, %d seeds; test: 512 fresh sequences.%n%n",
                        PAIRS, KEYS, VALUES, 1.0 / VALUES, d, d, batch, steps, seeds));
        sweep(out, md, "recall", "Associative recall: accuracy vs distance", "distance", distances,
                RecurrenceStudy::recallTask, false, d, 4, steps, batch, 3e-3, seeds);
    }

    // ------------------------------------------------------------------------------------------
    // Part 3: local pattern under noise
    // ------------------------------------------------------------------------------------------

    /**
     * Random bits; the target at position t >= 1 is x[t-1] XOR x[t] (decided by the immediate
     * neighbour only). Training targets are flipped with probability {@code noise}; test targets
     * are clean. Position 0 is not scored.
     */
    static Task localTask(int len, double noise) {
        return new Task() {
            @Override
            public Batch sample(Rng rng, int batch, boolean train) {
                long[] tok = new long[batch * len];
                int[] target = new int[batch * len];
                boolean[] scored = new boolean[batch * len];
                for (int r = 0; r < batch; r++) {
                    for (int i = 0; i < len; i++) {
                        int idx = r * len + i;
                        tok[idx] = rng.nextInt(2);
                        if (i > 0) {
                            int y = (int) (tok[idx] ^ tok[idx - 1]);
                            if (train && rng.nextDouble() < noise) {
                                y ^= 1;
                            }
                            target[idx] = y;
                            scored[idx] = true;
                        }
                    }
                }
                return new Batch(Tensor.of(tok, batch, len), target, scored);
            }

            @Override
            public boolean lastOnly() {
                return false;
            }

            @Override
            public int length() {
                return len;
            }

            @Override
            public int vocab() {
                return 2;
            }

            @Override
            public int classes() {
                return 2;
            }
        };
    }

    private static void local(Path out, StringBuilder md, int seeds) throws IOException {
        int d = Integer.getInteger("study.d", 32);
        int batch = 16;
        int len = Integer.getInteger("study.len", 64);
        double noise = 0.1;
        int[] budgets = Arrays.stream(System.getProperty("study.budgets", "25,50,100,200,400").split(","))
                .mapToInt(Integer::parseInt).toArray();
        md.append("## Part 3: local pattern under noise (XOR of neighbouring bits)\n\n")
                .append(String.format(Locale.ROOT, "Sequences of %d random bits; target at t = x[t-1] xor x[t]; training "
                        + "labels flipped with probability %.2f, test labels clean (so 1.0 is reachable). d_model %d, "
                        + "the attention module's LanguageModel over the 2-bit alphabet (learned positions, 1 pre-LN "
                        + "block: mixer + MLP; position 0 unscored), only the mixer swapped (attention: 4 heads, causal; "
                        + "LSTM/GRU hidden %d), Adam lr 3e-3, batch %d, clip 1.0, %d seeds; accuracy after each training "
                        + "budget (steps).%n%n",
                        len, noise, d, d, batch, seeds));
        sweep(out, md, "local", "Local XOR under label noise: accuracy vs training steps", "steps", budgets,
                unused -> localTask(len, noise), true, d, 4, 0, batch, 3e-3, seeds);
    }

    // ------------------------------------------------------------------------------------------
    // Part 4: character language model at equal wall-clock
    // ------------------------------------------------------------------------------------------

    /** One language model of Part 4: the attention module's {@link LanguageModel} with a given mixer and MLP ratio. */
    private record LmVariant(SequenceMixer mixer, int mlpRatio) {
        static LmVariant parse(String spec) {
            String[] p = spec.trim().split("/");
            return new LmVariant(SequenceMixer.fromName(p[0]), p.length > 1 ? Integer.parseInt(p[1]) : 4);
        }

        String label() {
            return mixer.specName() + (mlpRatio == 4 ? "" : " (MLP ratio " + mlpRatio + ")");
        }
    }

    /**
     * Part 4: character LM with the attention module's {@link LanguageModel}; between the models only
     * the blocks' sequence mixer changes ({@link TransformerConfig.Builder#mixer}), unless a
     * variant asks for another MLP ratio ({@code -Dstudy.lm.models=attention,lstm,gru,lstm/2,gru/3}).
     */
    private static void charLm(Path out, StringBuilder md, Path data, double budgetSeconds) throws IOException {
        String text = Files.readString(data, StandardCharsets.UTF_8);
        int[] vocab = text.chars().distinct().sorted().toArray();
        int[] index = new int[65536];
        for (int i = 0; i < vocab.length; i++) {
            index[vocab[i]] = i;
        }
        int[] ids = text.chars().map(c -> index[c]).toArray();
        int split = (int) (ids.length * 0.9);
        int d = 128;
        int heads = 4;
        int layers = 2;
        int ctx = 64;
        int batch = 12;
        double lr = 2e-3;
        int evalEvery = 100;
        // -Dstudy.lm.budget=cpu charges each model the process CPU time of its steps instead of their
        // wall time (for a machine whose load changes a lot during the run).
        boolean cpuBudget = "cpu".equals(System.getProperty("study.lm.budget", "wall"));
        List<LmVariant> kinds = Arrays.stream(System.getProperty("study.lm.models", "attention,lstm,gru").split(","))
                .map(LmVariant::parse).toList();
        TransformerConfig base = TransformerConfig.builder().vocabSize(vocab.length).dModel(d).heads(heads).layers(layers)
                .mlpRatio(4).contextLength(ctx).dropout(0).bias(true).tieWeights(true).similarity("scaled-dot")
                .positional("learned").build();
        md.append("## Part 4: character language model on Tiny Shakespeare, equal wall-clock\n\n")
                .append(String.format(Locale.ROOT, "Vocabulary %d characters, first 90%% train / last 10%% validation; "
                        + "the attention module's LanguageModel (token embedding tied to the head, learned positions, GPT-2 "
                        + "initialisation, "
                        + "%d pre-LN blocks of d_model %d: mixer + MLP, final LayerNorm); only the blocks' mixer changes "
                        + "(attention: %d heads, scaled-dot; LSTM/GRU: one layer, hidden %d). Context %d, batch %d, "
                        + "Adam lr %.0e, clip 1.0, %.0f s of training (" + (cpuBudget ? "process CPU time" : "wall-clock")
                        + ") each after 5 untimed warm-up steps on throw-away "
                        + "copies, the models alternating step by step (evaluation excluded); validation loss = mean of 20 "
                        + "batches, seed 1.%n%n",
                        vocab.length, layers, d, heads, d, ctx, batch, lr, budgetSeconds));
        List<Plots.Series> series = new ArrayList<>();
        StringBuilder csv = new StringBuilder("mixer,train_seconds,cpu_seconds,steps,val_loss\n");
        StringBuilder table = new StringBuilder("| mixer | parameters (mixers) | parameters (model) | steps | ms / step "
                + "| CPU s | final val loss |\n|---|---|---|---|---|---|---|\n");
        // The models train in alternation, one step each, and each is charged only its own steps'
        // wall time: load from other processes on a shared machine then hits all alike. The
        // process CPU time of each model's steps is recorded as well.
        int n = kinds.size();
        LanguageModel[] models = new LanguageModel[n];
        Adam[] opts = new Adam[n];
        Rng[] samplers = new Rng[n];
        double[] trained = new double[n];
        double[] cpu = new double[n];
        int[] steps = new int[n];
        double[] loss = new double[n];
        List<List<double[]>> curves = new ArrayList<>();
        for (int m = 0; m < n; m++) {
            Rng rng = Rng.seeded(1);
            TransformerConfig cfg = base.toBuilder().mixer(kinds.get(m).mixer()).mlpRatio(kinds.get(m).mlpRatio()).build();
            models[m] = new LanguageModel(cfg, rng.child(1));
            opts[m] = new Adam(models[m].parameters(), lr);
            samplers[m] = rng.child(2);
            loss[m] = Double.NaN;
            curves.add(new ArrayList<>());
        }
        // Warm-up (JIT compilation, first allocations) on throw-away copies, so that the first model
        // in the rotation is not charged for compiling code that all of them share.
        for (int m = 0; m < n; m++) {
            LanguageModel w = new LanguageModel(models[m].config(), Rng.seeded(99));
            Adam wo = new Adam(w.parameters(), lr);
            Rng wr = Rng.seeded(98);
            for (int i = 0; i < 5; i++) {
                long[][] xy = lmBatch(ids, 0, split, ctx, batch, wr);
                wo.zeroGrad();
                w.loss(Tensor.of(xy[0], batch, ctx), Tensor.of(xy[1], batch, ctx), null).backward();
                wo.step();
            }
            lmLoss(w, ids, split, ids.length, ctx, batch);
        }
        double loadSum = 0;
        int loadSamples = 0;
        boolean running = true;
        while (running) {
            running = false;
            for (int m = 0; m < n; m++) {
                if ((cpuBudget ? cpu[m] : trained[m]) >= budgetSeconds) {
                    continue;
                }
                running = true;
                long c0 = processCpuNanos();
                long t0 = System.nanoTime();
                long[][] xy = lmBatch(ids, 0, split, ctx, batch, samplers[m]);
                Tensor l = models[m].loss(Tensor.of(xy[0], batch, ctx), Tensor.of(xy[1], batch, ctx), null);
                opts[m].zeroGrad();
                l.backward();
                GradClip.clipGradNorm(models[m].parameters(), 1.0);
                opts[m].step();
                steps[m]++;
                trained[m] += (System.nanoTime() - t0) / 1e9;
                cpu[m] += (processCpuNanos() - c0) / 1e9;
                if (steps[m] % evalEvery == 0 || (cpuBudget ? cpu[m] : trained[m]) >= budgetSeconds) {
                    loss[m] = lmLoss(models[m], ids, split, ids.length, ctx, batch);
                    curves.get(m).add(new double[] {cpuBudget ? cpu[m] : trained[m], loss[m]});
                    double la = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
                    if (la >= 0) {
                        loadSum += la;
                        loadSamples++;
                    }
                    csv.append(String.format(Locale.ROOT, "%s,%.2f,%.2f,%d,%.4f%n", kinds.get(m).label(), trained[m], cpu[m],
                            steps[m], loss[m]));
                    LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT,
                            "part 4: %s %.0f s (CPU %.0f s), %d steps, val loss %.3f, load %.1f", kinds.get(m).label(),
                            trained[m], cpu[m], steps[m], loss[m], la));
                }
            }
        }
        for (int m = 0; m < n; m++) {
            table.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %.1f | %.0f | %.3f |%n", kinds.get(m).label(),
                    mixerParams(models[m]), models[m].parameterCount(), steps[m], 1000 * trained[m] / steps[m], cpu[m],
                    loss[m]));
            series.add(new Plots.Series(kinds.get(m).label(), curves.get(m).stream().mapToDouble(v -> v[0]).toArray(),
                    curves.get(m).stream().mapToDouble(v -> v[1]).toArray()));
        }
        md.append(table).append('\n');
        md.append(String.format(Locale.ROOT, "Mean 1-minute load average during the run: %.1f on %d processors.%n%n",
                loadSamples == 0 ? Double.NaN : loadSum / loadSamples, Runtime.getRuntime().availableProcessors()));
        Files.writeString(out.resolve("charlm.csv"), csv.toString(), StandardCharsets.UTF_8);
        XYChart chart = Plots.lineChart("Tiny Shakespeare, equal wall-clock (LanguageModel, mixer swapped)",
                cpuBudget ? "training seconds (process CPU)" : "training seconds (wall-clock)", "validation loss", series);
        Plots.writePngAndSvg(chart, out, "charlm");
    }

    /** Parameters of the blocks' sequence mixers (attention or recurrent layers) of a language model. */
    static long mixerParams(LanguageModel lm) {
        long total = 0;
        for (Map.Entry<String, Tensor> e : lm.namedParameters().entrySet()) {
            if (e.getKey().contains(".attn.") || e.getKey().contains(".rnn.")) {
                total += e.getValue().numel();
            }
        }
        return total;
    }

    /** CPU time of the whole process (all threads, including the kernels' pool), or 0 where unavailable. */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    private static long[][] lmBatch(int[] ids, int from, int to, int ctx, int batch, Rng rng) {
        long[] x = new long[batch * ctx];
        long[] y = new long[batch * ctx];
        for (int r = 0; r < batch; r++) {
            int start = from + rng.nextInt(to - from - ctx - 1);
            for (int i = 0; i < ctx; i++) {
                x[r * ctx + i] = ids[start + i];
                y[r * ctx + i] = ids[start + i + 1];
            }
        }
        return new long[][] {x, y};
    }

    private static double lmLoss(LanguageModel model, int[] ids, int from, int to, int ctx, int batch) {
        model.eval();
        Rng rng = Rng.seeded(7);
        double sum = 0;
        try (NoGrad ignored = NoGrad.enter()) {
            for (int i = 0; i < 20; i++) {
                long[][] xy = lmBatch(ids, from, to, ctx, batch, rng);
                sum += model.loss(Tensor.of(xy[0], batch, ctx), Tensor.of(xy[1], batch, ctx), null).item();
            }
        }
        model.train();
        return sum / 20;
    }
}
