package dev.heed.cli.attn;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heed.attention.model.LanguageModel;
import dev.heed.attention.model.SequenceMixer;
import dev.heed.attention.model.TransformerConfig;
import dev.heed.attention.spi.SimilarityProvider;
import dev.heed.cli.support.CsvTable;
import dev.heed.cli.support.GracefulStop;
import dev.heed.cli.support.Plots;
import dev.heed.cli.support.Progress;
import dev.heed.cli.support.RunDirectory;
import dev.heed.cli.support.UserInputException;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.checkpoint.Checkpoint;
import dev.heed.core.io.Provenance;
import dev.heed.core.nn.init.Init;
import dev.heed.core.optim.AdamW;
import dev.heed.core.optim.GradClip;
import dev.heed.core.optim.LrSchedule;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.ParamGroup;
import dev.heed.core.plugin.PluginRegistry;
import dev.heed.positional.spi.PositionalProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apiguardian.api.API;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code heed attn lm}: a character-level GPT trained on a text file with nanoGPT's CPU
 * configuration as defaults (4 layers, 4 heads, 128 dims, context 64, batch 12, no dropout, no
 * biases, tied embedding, AdamW β 0.9/0.99 with weight decay 0.1 on matrices, lr 1e-3 with 100
 * warm-up steps and cosine decay to 1e-4 at 2000, gradient-norm clip 1.0; first 90% of the text
 * for training, the rest for validation; evaluation = mean loss of 20 batches). Weights start from
 * nanoGPT's initialisation (N(0, 0.02²), residual projections scaled by 1/√(2·layers)).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
@Command(
        name = "lm",
        mixinStandardHelpOptions = true,
        description = {"Train a character-level language model on a text file (nanoGPT's CPU settings by default)."},
        footer = {"", "Examples:",
            "  heed attn lm --data input.txt --out runs/shakespeare",
            "  heed attn lm --data input.txt --steps 500 --eval-interval 100 --out runs/quick",
            "  heed attn lm --data notes.txt --similarity cosine --positional rope --layers 2 --dim 64 --out runs/notes",
            "", "Writes into --out: config.json, metrics.csv (step, train_loss, val_loss, lr, ms), loss.png/.svg,",
            "sample.txt (generated text), model.safetensors and summary.json (final train/val loss, ms per iteration)."})
public final class LmCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "UTF-8 text file.")
    Path data;

    @Option(names = "--steps", defaultValue = "2000", paramLabel = "N", description = "Iterations (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--layers", defaultValue = "4", paramLabel = "L", description = "Transformer blocks (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--heads", defaultValue = "4", paramLabel = "H", description = "Heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--dim", defaultValue = "128", paramLabel = "D", description = "Width (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--context", defaultValue = "64", paramLabel = "T", description = "Context length (default: ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--batch", defaultValue = "12", paramLabel = "B", description = "Sequences per iteration (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", paramLabel = "LR", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--min-lr", defaultValue = "1e-4", paramLabel = "LR", description = "Final learning rate (default: ${DEFAULT-VALUE}).")
    double minLr;

    @Option(names = "--warmup", defaultValue = "100", paramLabel = "N", description = "Warm-up iterations (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--decay-steps", paramLabel = "N", description = "Iteration where the cosine reaches --min-lr (default: --steps).")
    Integer decaySteps;

    @Option(names = "--eval-interval", defaultValue = "250", paramLabel = "N", description = "Iterations between evaluations (default: ${DEFAULT-VALUE}).")
    int evalInterval;

    @Option(names = "--eval-batches", defaultValue = "20", paramLabel = "N", description = "Batches per evaluation (default: ${DEFAULT-VALUE}).")
    int evalBatches;

    @Option(names = "--similarity", defaultValue = "scaled-dot", paramLabel = "NAME", description = "Similarity function (default: ${DEFAULT-VALUE}).")
    String similarity;

    @Option(names = "--positional", defaultValue = "learned", paramLabel = "NAME", description = "Positional scheme (default: ${DEFAULT-VALUE}).")
    String positional;

    @Option(names = "--mixer", defaultValue = "attention", paramLabel = "NAME",
            description = "Sequence mixer of each block: attention, lstm or gru (default: ${DEFAULT-VALUE}); "
                    + "a recurrent mixer needs a positional scheme that acts on the embeddings (none, sinusoidal, learned).")
    String mixer;

    @Option(names = "--sample-chars", defaultValue = "500", paramLabel = "N", description = "Characters to generate at the end (default: ${DEFAULT-VALUE}).")
    int sampleChars;

    @Option(names = "--seed", defaultValue = "1337", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    /** Creates the command. */
    public LmCommand() {}

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || layers < 1 || heads < 1 || dim < 1 || context < 1 || batch < 1 || evalInterval < 1 || evalBatches < 1
                || warmup < 0 || sampleChars < 0 || !(lr > 0) || !(minLr >= 0)) {
            throw new UserInputException("sizes, --steps, --eval-interval and --eval-batches must be at least 1, --lr positive",
                    "see 'heed attn lm --help' for the defaults");
        }
        if (dim % heads != 0) {
            throw new UserInputException("--dim " + dim + " is not a multiple of --heads " + heads,
                    "choose --dim divisible by --heads, e.g. --dim " + (dim / heads + 1) * heads);
        }
        AttnTrainCommand.checkName("similarity", similarity, PluginRegistry.load(SimilarityProvider.class, getClass().getClassLoader()));
        AttnTrainCommand.checkName("positional", positional, PluginRegistry.load(PositionalProvider.class, getClass().getClassLoader()));
        SequenceMixer mixerKind = AttnRuns.mixer(mixer, positional);
        String text = read(data);
        int[] cps = text.codePoints().toArray();
        TreeSet<Integer> set = new TreeSet<>();
        for (int c : cps) {
            set.add(c);
        }
        int[] vocab = set.stream().mapToInt(Integer::intValue).toArray();
        long[] ids = new long[cps.length];
        for (int i = 0; i < cps.length; i++) {
            ids[i] = Arrays.binarySearch(vocab, cps[i]);
        }
        int split = (int) (ids.length * 0.9);
        long[] train = Arrays.copyOfRange(ids, 0, split);
        long[] val = Arrays.copyOfRange(ids, split, ids.length);
        if (val.length < context + 2 || train.length < context + 2) {
            throw new UserInputException(data + " has " + cps.length + " characters; 90%/10% train/validation split needs at least "
                    + (context + 2) + " in each part", "use a longer text (at least " + 10 * (context + 2) + " characters) or a smaller --context");
        }
        int decay = decaySteps != null ? decaySteps : steps;
        if (decay <= warmup) {
            throw new UserInputException("--decay-steps " + decay + " must exceed --warmup " + warmup,
                    "raise --steps/--decay-steps or lower --warmup");
        }
        TransformerConfig cfg = TransformerConfig.builder().vocabSize(vocab.length).dModel(dim).heads(heads).layers(layers)
                .contextLength(context).dropout(0).bias(false).tieWeights(true).similarity(similarity).positional(positional)
                .mixer(mixerKind).build();
        RunDirectory dir = RunDirectory.create(out, "attn-lm");
        ObjectNode c = RunDirectory.newObject();
        c.put("command", "heed attn lm");
        c.put("data", data.toAbsolutePath().normalize().toString());
        c.put("characters", cps.length);
        c.put("vocab_size", vocab.length);
        c.put("train_characters", train.length);
        c.put("val_characters", val.length);
        c.put("layers", layers);
        c.put("heads", heads);
        c.put("dim", dim);
        c.put("context", context);
        c.put("batch", batch);
        c.put("steps", steps);
        c.put("lr", lr);
        c.put("min_lr", minLr);
        c.put("warmup", warmup);
        c.put("decay_steps", decay);
        c.put("optimizer", "AdamW beta 0.9/0.99, weight decay 0.1 on matrices only, grad-norm clip 1.0");
        c.put("dropout", 0.0);
        c.put("bias", false);
        c.put("tie_weights", true);
        c.put("similarity", similarity);
        c.put("positional", positional);
        c.put("mixer", mixerKind.specName());
        c.put("eval_interval", evalInterval);
        c.put("eval_batches", evalBatches);
        dir.writeJson("config.json", Provenance.capture(c, seed, null).toJson());

        Rng root = Rng.seeded(seed);
        LanguageModel lm = new LanguageModel(cfg, root.child(0));
        nanoGptInit(lm, layers, root.child(4));
        Rng batches = root.child(1);
        Optimizer opt = new AdamW(ParamGroup.decayMatricesOnly(lm.namedParameters(), 0.1),
                AdamW.config().lr(lr).betas(0.9, 0.99));
        LrSchedule schedule = LrSchedule.cosineWithWarmup(lr, minLr, warmup, decay);
        CsvTable metrics = new CsvTable("step", "train_loss", "val_loss", "lr", "ms");
        List<double[]> evals = new ArrayList<>();
        double[] ms = new double[steps];
        PrintWriter err = spec.commandLine().getErr();
        int done = 0;
        try (GracefulStop stop = GracefulStop.install(); Progress p = Progress.start("char LM", steps, err)) {
            for (int it = 0; it < steps && !stop.requested(); it++) {
                if (it % evalInterval == 0) {
                    double[] e = evaluate(lm, train, val, root.child(2).child(it));
                    evals.add(new double[] {it, e[0], e[1]});
                    metrics.add(it, e[0], e[1], null, null);
                    p.message(String.format(Locale.ROOT, "val loss %.3f", e[1]));
                }
                long t0 = System.nanoTime();
                double rate = schedule.apply(opt, it);
                Tensor[] xy = batch(train, batches);
                opt.zeroGrad();
                Tensor loss = lm.loss(xy[0], xy[1], null);
                loss.backward();
                GradClip.clipGradNorm(lm.parameters(), 1.0);
                opt.step();
                ms[it] = (System.nanoTime() - t0) / 1e6;
                metrics.add(it + 1, loss.item(), null, rate, ms[it]);
                done = it + 1;
                p.stepTo(done);
            }
            if (done < steps) {
                // Ctrl-C: keep what was learned, skip the final evaluation, the plot and the sample.
                dir.writeCsv("metrics.csv", metrics);
                Checkpoint.of(lm).provenance(Provenance.capture(c, seed, null)).metadata("heed.vocab", vocabJson(vocab))
                        .save(dir.resolve("model.safetensors"));
                err.println("heed attn lm: interrupted at iteration " + done + "; metrics and weights saved in " + dir.path());
                err.flush();
                return 130;
            }
            double[] e = evaluate(lm, train, val, root.child(2).child(done));
            evals.add(new double[] {done, e[0], e[1]});
            metrics.add(done, e[0], e[1], null, null);
        }
        dir.writeCsv("metrics.csv", metrics);
        double[][] cols = new double[3][evals.size()];
        for (int i = 0; i < evals.size(); i++) {
            cols[0][i] = evals.get(i)[0];
            cols[1][i] = evals.get(i)[1];
            cols[2][i] = evals.get(i)[2];
        }
        if (evals.size() >= 1) {
            org.knowm.xchart.XYChart chart = Plots.lineChart("Character LM on " + data.getFileName() + ": loss (mean of "
                    + evalBatches + " batches)", "iteration", "cross-entropy (nats/char)", List.of(
                    new Plots.Series("train", cols[0], cols[1], null), new Plots.Series("validation", cols[0], cols[2], null)));
            chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
            Plots.writePngAndSvg(chart, dir.path(), "loss");
        }
        long[] prompt = {ids[0]};
        long[] gen = lm.generate(prompt, sampleChars, 0.8, 0, root.child(3));
        StringBuilder sample = new StringBuilder();
        for (long g : gen) {
            sample.appendCodePoint(vocab[(int) g]);
        }
        dir.writeText("sample.txt", sample + "\n");
        Checkpoint.of(lm).provenance(Provenance.capture(c, seed, null)).metadata("heed.vocab", vocabJson(vocab)).save(dir.resolve("model.safetensors"));
        double[] sorted = Arrays.copyOf(ms, Math.max(1, done));
        Arrays.sort(sorted);
        double median = done == 0 ? Double.NaN : sorted[sorted.length / 2];
        ObjectNode s = RunDirectory.newObject();
        s.put("steps", done);
        s.put("final_train_loss", cols[1][cols[1].length - 1]);
        s.put("final_val_loss", cols[2][cols[2].length - 1]);
        s.put("ms_per_iteration", median);
        s.put("parameters", lm.parameterCount());
        s.put("vocab_size", vocab.length);
        dir.writeJson("summary.json", s);
        PrintWriter o = spec.commandLine().getOut();
        o.println(String.format(Locale.ROOT, "%d iterations: train loss %.4f, validation loss %.4f, %.1f ms/iteration (median)",
                done, cols[1][cols[1].length - 1], cols[2][cols[2].length - 1], median));
        o.println("sample: " + sample.substring(0, Math.min(sample.length(), 200)).replace('\n', ' '));
        o.println("wrote " + dir.path() + " (summary.json, metrics.csv, loss.png/.svg, sample.txt, model.safetensors, config.json)");
        o.flush();
        return 0;
    }

    /**
     * nanoGPT's initialisation: every matrix (linear weights, the tied embedding) N(0, 0.02²), the
     * residual projections (attention output, feed-forward output) N(0, (0.02/√(2·layers))²). The
     * model's own defaults (N(0, 1) embeddings) give a tied output head logits of size ~√dim and an
     * initial loss far above ln(vocab).
     */
    static void nanoGptInit(LanguageModel lm, int layers, Rng rng) {
        int d = lm.config().dModel();
        double proj = 0.02 / Math.sqrt(2.0 * layers);
        for (java.util.Map.Entry<String, Tensor> e : lm.namedParameters().entrySet()) {
            Tensor t = e.getValue();
            if (t.dim() < 2 || e.getKey().contains(".rnn.")) {
                continue; // recurrent mixers keep PyTorch's LSTM/GRU initialisation, as LanguageModel does
            }
            boolean residual = e.getKey().endsWith("wo.weight")
                    || (e.getKey().contains("mlp") && t.size(0) == d && t.size(1) > d);
            Init.normal(t, 0, residual ? proj : 0.02, rng);
        }
    }

    /** The vocabulary as a JSON array of code points, so a reader can map ids back to characters. */
    static String vocabJson(int[] vocab) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < vocab.length; i++) {
            b.append(i == 0 ? "" : ",").append(vocab[i]);
        }
        return b.append(']').toString();
    }

    static String read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException("--data " + file + " is not a readable file", "give the path of a UTF-8 text file");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new UserInputException("--data " + file + " is not UTF-8 text", "convert it to UTF-8 (e.g. iconv -t UTF-8)", e);
        }
    }

    private Tensor[] batch(long[] split, Rng rng) {
        long[] x = new long[batch * context];
        long[] y = new long[batch * context];
        for (int b = 0; b < batch; b++) {
            int start = rng.nextInt(split.length - context - 1);
            System.arraycopy(split, start, x, b * context, context);
            System.arraycopy(split, start + 1, y, b * context, context);
        }
        return new Tensor[] {Tensor.of(x, batch, context), Tensor.of(y, batch, context)};
    }

    private double[] evaluate(LanguageModel lm, long[] train, long[] val, Rng rng) {
        boolean was = lm.isTraining();
        lm.eval();
        double[] r = new double[2];
        try (NoGrad ignored = NoGrad.enter()) {
            long[][] splits = {train, val};
            for (int s = 0; s < 2; s++) {
                Rng g = rng.child(s);
                double sum = 0;
                for (int i = 0; i < evalBatches; i++) {
                    Tensor[] xy = batch(splits[s], g);
                    sum += lm.loss(xy[0], xy[1], null).item();
                }
                r[s] = sum / evalBatches;
            }
        } finally {
            lm.train(was);
        }
        return r;
    }
}
