package dev.heed.cli.attn;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heed.attention.model.SequenceMixer;
import dev.heed.attention.model.TransformerConfig;
import dev.heed.attention.spi.SimilarityProvider;
import dev.heed.attention.tasks.SyntheticTask;
import dev.heed.cli.support.CsvTable;
import dev.heed.cli.support.HeatMaps;
import dev.heed.cli.support.Plots;
import dev.heed.cli.support.Progress;
import dev.heed.cli.support.RunDirectory;
import dev.heed.cli.support.UserInputException;
import dev.heed.core.Rng;
import dev.heed.core.io.Provenance;
import dev.heed.core.plugin.PluginRegistry;
import dev.heed.positional.spi.PositionalProvider;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apiguardian.api.API;
import org.knowm.xchart.XYChart;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code heed attn train}: trains a small decoder-only transformer on a synthetic task with a chosen
 * similarity function and positional scheme, then measures accuracy at the training length and at
 * other lengths (length generalisation) and draws the attention of one example.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {"Train a small transformer on a synthetic task (copy, reverse, sort, recall) and test it at several lengths."},
        footer = {"", "Examples:",
            "  heed attn train --task reverse --similarity scaled-dot --positional learned --out runs/reverse",
            "  heed attn train --task copy --similarity cosine --positional rope --train-len 8 --test-lens 8,12,16 --out runs/copy-rope",
            "  heed attn train --task recall --similarity additive --positional alibi --heads 4 --layers 2 --dim 64 --steps 800 --out runs/recall",
            "", "Writes into --out: config.json, summary.json (accuracy per test length), accuracy.csv, loss.csv,",
            "loss.png/.svg, accuracy.png/.svg and attention.png (one panel per layer and head, one example).",
            "Names of similarity functions and positional schemes: 'heed plugins'."})
public final class AttnTrainCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--task", required = true, paramLabel = "copy|reverse|sort|recall", description = "The synthetic task.")
    String task;

    @Option(names = "--similarity", defaultValue = "scaled-dot", paramLabel = "NAME", description = "Similarity function (default: ${DEFAULT-VALUE}).")
    String similarity;

    @Option(names = "--positional", defaultValue = "learned", paramLabel = "NAME", description = "Positional scheme (default: ${DEFAULT-VALUE}).")
    String positional;

    @Option(names = "--mixer", defaultValue = "attention", paramLabel = "NAME",
            description = "Sequence mixer of each block: attention, lstm or gru (default: ${DEFAULT-VALUE}).")
    String mixer;

    @Option(names = "--heads", defaultValue = "2", paramLabel = "H", description = "Attention heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--layers", defaultValue = "2", paramLabel = "L", description = "Transformer blocks (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--dim", defaultValue = "64", paramLabel = "D", description = "Model width, a multiple of --heads (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--train-len", defaultValue = "8", paramLabel = "N", description = "Symbols per training example (default: ${DEFAULT-VALUE}).")
    int trainLen;

    @Option(names = "--test-lens", split = ",", paramLabel = "A,B,...", description = "Lengths to test at (default: the training length and twice it).")
    List<Integer> testLens;

    @Option(names = "--symbols", paramLabel = "K", description = "Alphabet size (default 8; recall: at least the longest length).")
    Integer symbols;

    @Option(names = "--steps", defaultValue = "500", paramLabel = "N", description = "Training steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "B", description = "Examples per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "3e-3", paramLabel = "LR", description = "Peak AdamW learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--eval-examples", defaultValue = "256", paramLabel = "N", description = "Held-out examples per test length (default: ${DEFAULT-VALUE}).")
    int evalExamples;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    /** Creates the command. */
    public AttnTrainCommand() {}

    @Override
    public Integer call() throws Exception {
        if (!AttnRuns.TASKS.contains(task)) {
            throw new UserInputException("unknown task '" + task + "'", "use one of " + String.join(", ", AttnRuns.TASKS));
        }
        checkName("similarity", similarity, PluginRegistry.load(SimilarityProvider.class, getClass().getClassLoader()));
        checkName("positional", positional, PluginRegistry.load(PositionalProvider.class, getClass().getClassLoader()));
        SequenceMixer mixerKind = AttnRuns.mixer(mixer, positional);
        if (heads < 1 || layers < 1 || dim < 1 || trainLen < 1 || steps < 1 || batch < 1 || evalExamples < 1 || !(lr > 0)) {
            throw new UserInputException("--heads, --layers, --dim, --train-len, --steps, --batch, --eval-examples must be "
                    + "at least 1 and --lr positive", "e.g. --heads 2 --layers 2 --dim 64 --train-len 8 --steps 500");
        }
        if (dim % heads != 0) {
            throw new UserInputException("--dim " + dim + " is not a multiple of --heads " + heads,
                    "choose --dim divisible by --heads, e.g. --dim " + (dim / heads + 1) * heads);
        }
        List<Integer> lens = testLens == null ? List.of(trainLen, 2 * trainLen) : testLens;
        for (int l : lens) {
            if (l < 1 || l > 512) {
                throw new UserInputException("--test-lens: " + l + " is not a usable length", "give lengths between 1 and 512");
            }
        }
        int maxLen = Math.max(trainLen, lens.stream().mapToInt(Integer::intValue).max().orElse(trainLen));
        String lib = AttnRuns.taskName(task);
        int k = symbols != null ? symbols : lib.equals("associative-recall") ? Math.max(8, maxLen) : 8;
        SyntheticTask train;
        try {
            train = SyntheticTask.of(lib, trainLen, k);
            for (int l : lens) {
                SyntheticTask.of(lib, l, k);
            }
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), "raise --symbols or lower the lengths", e);
        }
        int context = SyntheticTask.of(lib, maxLen, k).sequenceLength();
        TransformerConfig model;
        try {
            model = TransformerConfig.builder().dModel(dim).heads(heads).layers(layers).similarity(similarity)
                    .positional(positional).contextLength(context).mixer(mixerKind).build();
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), "check --dim, --heads and --layers", e);
        }
        RunDirectory dir = RunDirectory.create(out, "attn-train");
        ObjectNode cfg = RunDirectory.newObject();
        cfg.put("command", "heed attn train");
        cfg.put("task", task);
        cfg.put("similarity", similarity);
        cfg.put("positional", positional);
        cfg.put("mixer", mixerKind.specName());
        cfg.put("heads", heads);
        cfg.put("layers", layers);
        cfg.put("dim", dim);
        cfg.put("train_len", trainLen);
        ArrayNode tl = cfg.putArray("test_lens");
        lens.forEach(tl::add);
        cfg.put("symbols", k);
        cfg.put("context_length", context);
        cfg.put("steps", steps);
        cfg.put("batch", batch);
        cfg.put("lr", lr);
        cfg.put("optimizer", "AdamW (beta 0.9/0.999, weight decay 0.01), linear warm-up over 10% of steps, grad-norm clip 1");
        cfg.put("eval_examples", evalExamples);
        dir.writeJson("config.json", Provenance.capture(cfg, seed, null).toJson());

        PrintWriter err = spec.commandLine().getErr();
        AttnRuns.Trained tr;
        try (Progress p = Progress.start(task + " " + similarity + "/" + positional, steps, err)) {
            tr = AttnRuns.train(train, model, steps, batch, lr, seed, p::stepTo);
        }
        CsvTable acc = new CsvTable("length", "token_accuracy", "sequence_accuracy");
        ObjectNode summary = RunDirectory.newObject();
        summary.put("task", task);
        summary.put("similarity", similarity);
        summary.put("positional", positional);
        summary.put("mixer", mixerKind.specName());
        summary.put("train_len", trainLen);
        ArrayNode results = summary.putArray("accuracy");
        List<Integer> sorted = new ArrayList<>(lens);
        sorted = sorted.stream().distinct().sorted().toList();
        double[] xs = new double[sorted.size()];
        double[] tok = new double[sorted.size()];
        double[] seq = new double[sorted.size()];
        PrintWriter o = spec.commandLine().getOut();
        for (int i = 0; i < sorted.size(); i++) {
            int l = sorted.get(i);
            double[] a = AttnRuns.accuracy(tr.model(), SyntheticTask.of(lib, l, k), evalExamples, seed + l);
            xs[i] = l;
            tok[i] = a[0];
            seq[i] = a[1];
            acc.add(l, a[0], a[1]);
            ObjectNode n = results.addObject();
            n.put("length", l);
            n.put("token_accuracy", a[0]);
            n.put("sequence_accuracy", a[1]);
            o.println(String.format(Locale.ROOT, "length %3d%s: token accuracy %5.1f%%, sequence accuracy %5.1f%%", l,
                    l == trainLen ? " (trained)" : "          ", 100 * a[0], 100 * a[1]));
        }
        double[] losses = tr.losses();
        int tail = Math.max(1, losses.length / 10);
        summary.put("final_loss", Arrays.stream(losses, losses.length - tail, losses.length).average().orElse(Double.NaN));
        summary.put("ms_per_step", tr.msPerStep());
        summary.put("steps", steps);
        summary.put("parameters", tr.model().parameterCount());
        dir.writeJson("summary.json", summary);
        dir.writeCsv("accuracy.csv", acc);
        CsvTable lossTable = new CsvTable("step", "loss");
        double[] sx = new double[losses.length];
        for (int i = 0; i < losses.length; i++) {
            sx[i] = i + 1;
            lossTable.add(i + 1, losses[i]);
        }
        dir.writeCsv("loss.csv", lossTable);
        XYChart lc = Plots.lineChart(task + ", " + similarity + " / " + positional + ": training loss", "training step",
                "cross-entropy on answer tokens", List.of(new Plots.Series("loss", sx, losses, null)));
        lc.getStyler().setLegendVisible(false);
        Plots.writePngAndSvg(lc, dir.path(), "loss");
        XYChart ac = Plots.lineChart(task + ", " + similarity + " / " + positional + ": accuracy by length (trained at "
                + trainLen + ")", "symbols per example", "accuracy", List.of(new Plots.Series("token accuracy", xs, tok, null),
                new Plots.Series("sequence accuracy", xs, seq, null)));
        ac.getStyler().setYAxisMin(0.0);
        ac.getStyler().setYAxisMax(1.0);
        Plots.writePngAndSvg(ac, dir.path(), "accuracy");
        if (!mixerKind.isRecurrent()) { // a recurrent block has no attention weights to draw
            long[] ex = train.example(Rng.seeded(seed).child(7));
            long[] input = Arrays.copyOf(ex, train.sequenceLength());
            HeatMaps.writePng(dir.resolve("attention.png"), task + ", " + similarity + " / " + positional + ": "
                    + String.join(" ", labels(input, train)), AttnRuns.attentionWeights(tr.model(), input), labels(input, train));
        }
        o.println(String.format(Locale.ROOT, "final training loss %.4f, %.1f ms/step, %d parameters",
                summary.get("final_loss").asDouble(), tr.msPerStep(), tr.model().parameterCount()));
        o.println("wrote " + dir.path() + " (summary.json, accuracy.csv/.png, loss.csv/.png, "
                + (mixerKind.isRecurrent() ? "" : "attention.png, ") + "config.json)");
        o.flush();
        return 0;
    }

    static void checkName(String what, String name, PluginRegistry<?> registry) {
        if (!registry.contains(name)) {
            throw new UserInputException("unknown " + what + " '" + name + "'", "use one of "
                    + String.join(", ", registry.usableNames()) + " (see 'heed plugins')");
        }
    }

    /** Token labels: symbols as letters, the separator as '|', recall values as upper-case letters. */
    static List<String> labels(long[] tokens, SyntheticTask t) {
        List<String> l = new ArrayList<>();
        for (long v : tokens) {
            if (v == t.separator()) {
                l.add("|");
            } else if (v > t.separator()) {
                l.add(Character.toString((char) ('A' + (v - t.separator() - 1) % 26)));
            } else {
                l.add(Character.toString((char) ('a' + v % 26)));
            }
        }
        return l;
    }
}
