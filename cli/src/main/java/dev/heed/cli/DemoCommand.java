package dev.heed.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heed.attention.model.TransformerConfig;
import dev.heed.attention.tasks.SyntheticTask;
import dev.heed.cli.attn.AttnRuns;
import dev.heed.cli.rl.RlRuns;
import dev.heed.cli.support.CsvTable;
import dev.heed.cli.support.GracefulStop;
import dev.heed.cli.support.HeatMaps;
import dev.heed.cli.support.Plots;
import dev.heed.cli.support.Progress;
import dev.heed.cli.support.RunDirectory;
import dev.heed.cli.support.UserInputException;
import dev.heed.core.Rng;
import dev.heed.core.io.Provenance;
import dev.heed.rl.train.PolicyOptimizers;
import dev.heed.rl.train.TrainConfig;
import dev.heed.rl.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apiguardian.api.API;
import org.knowm.xchart.XYChart;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code heed demo}: the tour in about a minute — PPO (clipped) learns CartPole-v1 to a mean
 * deterministic evaluation return of at least 475, then the four built-in similarity functions
 * are compared on a small synthetic sequence task. Writes plots and {@code report.md}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {"A one-minute tour: PPO solves CartPole-v1, four attention similarity functions compete "
                + "on a synthetic task; plots and a Markdown report."},
        footer = {"", "Examples:",
            "  heed demo",
            "  heed demo --out /tmp/heed-demo --seed 1",
            "", "Writes into --out (default runs/demo, replacing an earlier demo there): report.md,",
            "cartpole/ (a full 'heed rl train' run: learning-curve.png, metrics.csv, summary.json, checkpoint/),",
            "similarity-loss.png/.svg, similarity.csv, attention-<similarity>.png and summary.json."})
public final class DemoCommand implements Callable<Integer> {

    /** The similarity functions compared. */
    static final List<String> SIMILARITIES = List.of("dot", "scaled-dot", "cosine", "additive");

    /** Kind recorded in the demo directory's marker. */
    static final String KIND = "demo";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", defaultValue = "runs/demo", paramLabel = "DIR",
            description = "Output directory (default: ${DEFAULT-VALUE}); an earlier demo there is replaced.")
    Path out;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of both parts (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--rl-steps", defaultValue = "100000", paramLabel = "N", hidden = true,
            description = "Upper limit of PPO env steps (training stops at 475).")
    long rlSteps;

    @Option(names = "--task-steps", defaultValue = "200", paramLabel = "N", hidden = true,
            description = "Training steps per similarity function.")
    int taskSteps;

    @Option(names = "--task-layers", defaultValue = "1", paramLabel = "N", hidden = true,
            description = "Transformer blocks of the similarity comparison's model.")
    int taskLayers;

    /** Creates the command. */
    public DemoCommand() {}

    /** One similarity function's result. */
    record SimResult(String name, double tokenAcc, double seqAcc, double finalLoss, double msPerStep, long params,
                     double[] losses) {}

    @Override
    public Integer call() throws Exception {
        if (rlSteps < 1 || taskSteps < 1) {
            throw new UserInputException("--rl-steps / --task-steps must be at least 1", "use positive numbers");
        }
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter o = spec.commandLine().getOut();
        RunDirectory dir = prepare(out);
        long t0 = System.nanoTime();

        // Part 1: PPO on CartPole-v1 with the zoo preset, evaluating every 5 000 steps until 475.
        PolicyOptimizers optimizers = PolicyOptimizers.load();
        Map<String, String> sets = new LinkedHashMap<>();
        sets.put("evalFreq", "5000");
        sets.put("evalEpisodes", "20");
        sets.put("stopReward", "475");
        TrainConfig cfg = RlRuns.resolve(optimizers, new RlRuns.Request("ppo-clip", "CartPole-v1", seed, null, rlSteps, sets));
        RunDirectory rlDir = RunDirectory.create(dir.resolve("cartpole"), RlRuns.KIND);
        rlDir.writeJson(RlRuns.CONFIG, RlRuns.configJson(optimizers, cfg, sets, Map.of("eval_episodes", 20)));
        RlRuns.Outcome rl;
        err.println("heed demo: part 1/2 — ppo-clip learns CartPole-v1 (stops when 20 deterministic episodes average >= 475)");
        err.flush();
        try (Trainer trainer = Trainer.create(cfg, optimizers); GracefulStop stop = GracefulStop.install();
             Progress p = Progress.start("ppo-clip CartPole-v1", cfg.nTimesteps(), err)) {
            rl = RlRuns.run(trainer, rlDir, 0, 20, stop, (t, ret) -> {
                p.stepTo(t);
                if (Double.isFinite(ret)) {
                    p.message(String.format(Locale.ROOT, "return %.1f", ret));
                }
            });
            if (rl.interrupted()) {
                err.println("heed demo: interrupted; partial results are in " + dir.path());
                return 130;
            }
        }
        long firstSolved = firstStepAtLeast(rl.metrics(), 475);

        // Part 2: the four similarity functions on a small reverse task.
        String taskName = "reverse";
        int length = 6;
        int symbols = 8;
        SyntheticTask task = SyntheticTask.of(taskName, length, symbols);
        err.println("heed demo: part 2/2 — " + SIMILARITIES.size() + " similarity functions learn to reverse "
                + length + " symbols (" + taskSteps + " steps each)");
        err.flush();
        List<SimResult> sims = new ArrayList<>();
        try (Progress p = Progress.start("similarity functions", (long) taskSteps * SIMILARITIES.size(), err)) {
            for (int i = 0; i < SIMILARITIES.size(); i++) {
                String s = SIMILARITIES.get(i);
                final long base = (long) i * taskSteps;
                p.message(s);
                TransformerConfig m = TransformerConfig.builder().dModel(32).heads(2).layers(taskLayers).similarity(s)
                        .positional("learned").contextLength(task.sequenceLength()).build();
                AttnRuns.Trained tr = AttnRuns.train(task, m, taskSteps, 32, 3e-3, seed, k -> p.stepTo(base + k));
                double[] acc = AttnRuns.accuracy(tr.model(), task, 256, seed);
                sims.add(new SimResult(s, acc[0], acc[1], tail(tr.losses()), tr.msPerStep(), tr.model().parameterCount(),
                        tr.losses()));
                long[] ex = task.example(Rng.seeded(seed).child(7));
                long[] input = java.util.Arrays.copyOf(ex, task.sequenceLength());
                HeatMaps.writePng(dir.resolve("attention-" + s + ".png"), s + " attention, reverse task: "
                        + tokens(input, task), AttnRuns.attentionWeights(tr.model(), input), labels(input, task));
            }
        }
        writeSimilarityFiles(dir, sims);
        double seconds = (System.nanoTime() - t0) / 1e9;
        String report = report(rl, firstSolved, task, taskLayers, sims, seconds);
        dir.writeText("report.md", report);
        ObjectNode summary = RunDirectory.newObject();
        summary.set("rl", RlRuns.summaryJson(rl.config(), rl.summary(), rl.eval()));
        summary.put("rl_first_step_eval_at_least_475", firstSolved);
        ArrayNode arr = summary.putArray("similarity");
        for (SimResult r : sims) {
            ObjectNode n = arr.addObject();
            n.put("similarity", r.name());
            n.put("token_accuracy", r.tokenAcc());
            n.put("sequence_accuracy", r.seqAcc());
            n.put("final_loss", r.finalLoss());
            n.put("ms_per_step", r.msPerStep());
            n.put("parameters", r.params());
        }
        summary.put("wall_seconds", seconds);
        summary.set("provenance", Provenance.capture(null, seed, null).toJson());
        dir.writeJson("summary.json", summary);

        o.println(String.format(Locale.ROOT, "CartPole-v1, ppo-clip: evaluation return %.1f ± %.1f (20 deterministic "
                + "episodes) after %d steps, %.1f s", rl.eval().mean(), rl.eval().std(), rl.summary().timesteps(),
                rl.summary().wallSeconds()));
        for (SimResult r : sims) {
            o.println(String.format(Locale.ROOT, "reverse-%d, %-10s: token accuracy %5.1f%%, sequence accuracy %5.1f%%",
                    length, r.name(), 100 * r.tokenAcc(), 100 * r.seqAcc()));
        }
        o.println(String.format(Locale.ROOT, "Done in %.0f s. Report: %s", seconds, dir.resolve("report.md")));
        o.println("Plots:  " + rlDir.resolve("learning-curve.png") + ", " + dir.resolve("similarity-loss.png")
                + ", " + dir.resolve("attention-*.png"));
        o.flush();
        if (rl.eval().mean() < 475) {
            err.println("heed demo: note — PPO stopped at " + rl.summary().timesteps() + " steps with evaluation return "
                    + String.format(Locale.ROOT, "%.1f", rl.eval().mean()) + " (< 475); try another --seed");
            err.flush();
        }
        return 0;
    }

    /** Creates the output directory, replacing the files of an earlier demo run there. */
    static RunDirectory prepare(Path out) throws IOException {
        Path root = out.toAbsolutePath().normalize();
        if (Files.isDirectory(root) && Files.isRegularFile(root.resolve(RunDirectory.MARKER))) {
            RunDirectory old = RunDirectory.open(root);
            if (!KIND.equals(old.kind())) {
                throw new UserInputException(out + " holds a Heed run of kind '" + old.kind() + "', not a demo",
                        "choose another --out directory for the demo");
            }
            try (Stream<Path> walk = Files.walk(root)) {
                List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
                for (Path p : all) {
                    if (!p.equals(root)) {
                        Files.delete(p);
                    }
                }
            }
        }
        return RunDirectory.create(out, KIND);
    }

    /**
     * @return the first 1-based step at which the mean of the last {@code window} losses is below
     *     {@code threshold}, or -1
     */
    static int firstBelow(double[] losses, double threshold, int window) {
        double acc = 0;
        for (int i = 0; i < losses.length; i++) {
            acc += losses[i];
            if (i >= window) {
                acc -= losses[i - window];
            }
            if (acc / Math.min(i + 1, window) < threshold) {
                return i + 1;
            }
        }
        return -1;
    }

    static long firstStepAtLeast(List<Map<String, Double>> rows, double threshold) {
        for (Map<String, Double> r : rows) {
            Double e = r.get("eval_return_mean");
            if (e != null && e >= threshold) {
                return r.get("step").longValue();
            }
        }
        return -1;
    }

    private static double tail(double[] v) {
        int n = Math.max(1, v.length / 10);
        double s = 0;
        for (int i = v.length - n; i < v.length; i++) {
            s += v[i];
        }
        return s / n;
    }

    static List<String> labels(long[] tokens, SyntheticTask task) {
        List<String> l = new ArrayList<>();
        for (long t : tokens) {
            l.add(t == task.separator() ? "|" : Character.toString((char) ('a' + t)));
        }
        return l;
    }

    static String tokens(long[] tokens, SyntheticTask task) {
        return String.join("", labels(tokens, task));
    }

    private static void writeSimilarityFiles(RunDirectory dir, List<SimResult> sims) throws IOException {
        List<Plots.Series> series = new ArrayList<>();
        CsvTable t = new CsvTable("similarity", "step", "loss");
        for (SimResult r : sims) {
            double[] x = new double[r.losses().length];
            double[] y = new double[x.length];
            int w = 10;
            double acc = 0;
            for (int i = 0; i < x.length; i++) {
                x[i] = i + 1;
                acc += r.losses()[i];
                if (i >= w) {
                    acc -= r.losses()[i - w];
                }
                y[i] = acc / Math.min(i + 1, w);
                t.add(r.name(), i + 1, r.losses()[i]);
            }
            series.add(new Plots.Series(r.name(), x, y, null));
        }
        XYChart c = Plots.lineChart("Reverse task: training loss by similarity function (10-step moving average)",
                "training step", "cross-entropy on answer tokens", series);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        Plots.writePngAndSvg(c, dir.path(), "similarity-loss");
        dir.writeCsv("similarity.csv", t);
    }

    static String report(RlRuns.Outcome rl, long firstSolved, SyntheticTask task, int layers, List<SimResult> sims,
                         double seconds) {
        StringBuilder b = new StringBuilder();
        b.append("# Heed demo\n\n");
        b.append(String.format(Locale.ROOT, "Finished in %.0f s on %d cores (%s %s).%n%n", seconds,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version")));
        b.append("## 1. PPO (clipped) on CartPole-v1\n\n");
        b.append("Stable-Baselines3 zoo settings (8 envs × 32 steps, 20 epochs, batch 256, γ 0.98, λ 0.8, "
                + "linear learning rate 1e-3 and clip range 0.2); every 5 000 steps 20 deterministic episodes are "
                + "played, and training stops once their mean return reaches 475 (Gymnasium's threshold).\n\n");
        b.append("| env steps | training wall s | env steps/s | evaluation return (20 episodes) | first evaluation ≥ 475 at step |\n");
        b.append("|---:|---:|---:|---:|---:|\n");
        b.append(String.format(Locale.ROOT, "| %d | %.1f | %.0f | %.1f ± %.1f | %s |%n%n", rl.summary().timesteps(),
                rl.summary().wallSeconds(), rl.summary().stepsPerSecond(), rl.eval().mean(), rl.eval().std(),
                firstSolved < 0 ? "not reached" : Long.toString(firstSolved)));
        b.append("![CartPole learning curve](cartpole/learning-curve.png)\n\n");
        b.append("Files: `cartpole/metrics.csv` (one row per update), `cartpole/summary.json`, `cartpole/checkpoint/` "
                + "(continue with `heed rl train --resume <dir>/cartpole --steps 200000`, evaluate with "
                + "`heed rl eval --run <dir>/cartpole`).\n\n");
        b.append("## 2. Similarity functions on a synthetic task\n\n");
        SimResult any = sims.get(0);
        b.append(String.format(Locale.ROOT, "Task: reverse %d symbols from an alphabet of %d (input `x1..x%d |`, the model "
                + "must emit them backwards). Decoder-only transformer with %s, 2 heads, width 32, learned absolute "
                + "positions, AdamW lr 3e-3, batch 32, %d steps per similarity. Accuracy is teacher-forced and greedy on "
                + "256 fresh examples.%n%n", task.length(), task.symbols(), task.length(), layers == 1 ? "1 layer" : layers + " layers",
                any.losses().length));
        b.append("| similarity | token accuracy | sequence accuracy | final loss | first step with loss < 0.5 | ms / step | parameters |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (SimResult r : sims) {
            int fast = firstBelow(r.losses(), 0.5, 10);
            b.append(String.format(Locale.ROOT, "| %s | %.1f%% | %.1f%% | %.3f | %s | %.1f | %d |%n", r.name(), 100 * r.tokenAcc(),
                    100 * r.seqAcc(), r.finalLoss(), fast < 0 ? "not reached" : Integer.toString(fast), r.msPerStep(), r.params()));
        }
        b.append("\n(\"Loss < 0.5\" uses the 10-step moving average of the training loss: how fast each similarity learns.)\n");
        b.append("\n![training loss by similarity](similarity-loss.png)\n\n");
        b.append("Attention of each trained model on one example (rows: layers, columns: heads; query top to bottom, "
                + "key left to right; the anti-diagonal after the separator `|` is the reversal):\n\n");
        for (SimResult r : sims) {
            b.append("- ").append(r.name()).append(": [attention-").append(r.name()).append(".png](attention-")
                    .append(r.name()).append(".png)\n");
        }
        b.append("\n![attention, ").append(sims.get(1).name()).append("](attention-").append(sims.get(1).name())
                .append(".png)\n\n");
        b.append("Regenerate with `./heed demo`; see `docs/cli.md` for every command.\n");
        return b.toString();
    }
}
