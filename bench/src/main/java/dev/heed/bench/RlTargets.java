package dev.heed.bench;

import dev.heed.core.io.AtomicFiles;
import dev.heed.rl.train.PolicyOptimizers;
import dev.heed.rl.train.TrainConfig;
import dev.heed.rl.train.TrainSummary;
import dev.heed.rl.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * Benchmark command for the a2c target (issue 8): {@code a2c} with the rl-baselines3-zoo CartPole-v1
 * preset (8 envs, SB3 defaults otherwise) for each seed, up to 500k env steps, evaluating 20
 * deterministic episodes every 10k env steps and stopping as soon as the mean evaluation return
 * reaches 475. Reports the env steps and wall-clock seconds to the target (evaluations included),
 * then a separate 100k-step run without evaluation for the raw training throughput (env steps/s,
 * collection and updates included).
 *
 * <p>Writes a Markdown table to the file given as first argument (if any) and logs it through
 * {@code System.Logger} (INFO).
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/heed-benchmarks.jar \
 *     dev.heed.bench.RlTargets [out.md] [seeds=3] [steps=500000] [evalFreq=10000] [threshold=475]</pre>
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class RlTargets {

    private static final System.Logger LOG = System.getLogger(RlTargets.class.getName());

    private RlTargets() {}

    /**
     * @param args optional output file, then {@code key=value} settings
     * @throws IOException if the table cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path out = null;
        Map<String, String> kv = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq > 0) {
                kv.put(a.substring(0, eq), a.substring(eq + 1));
            } else {
                out = Path.of(a);
            }
        }
        int seeds = Integer.parseInt(kv.getOrDefault("seeds", "3"));
        String steps = kv.getOrDefault("steps", "500000");
        String evalFreq = kv.getOrDefault("evalFreq", "10000");
        String threshold = kv.getOrDefault("threshold", "475");
        PolicyOptimizers optimizers = PolicyOptimizers.load();
        StringBuilder md = new StringBuilder();
        md.append("| seed | env steps to mean eval return >= ").append(threshold)
                .append(" | wall s | final eval (20 episodes) | reached |\n|---|---|---|---|---|\n");
        List<Double> secs = new ArrayList<>();
        for (int seed = 1; seed <= seeds; seed++) {
            TrainConfig cfg = optimizers.config("a2c", "CartPole-v1", Map.of("seed", Integer.toString(seed),
                    "nTimesteps", steps, "evalFreq", evalFreq, "evalEpisodes", "20", "stopReward", threshold));
            TrainSummary s;
            try (Trainer t = Trainer.create(cfg, optimizers)) {
                s = t.run();
            }
            secs.add(s.wallSeconds());
            String row = String.format(Locale.ROOT, "| %d | %d | %.1f | %.1f ± %.1f | %s |", seed, s.timesteps(),
                    s.wallSeconds(), s.evalMean(), s.evalStd(), s.stoppedEarly() ? "yes" : "no");
            md.append(row).append('\n');
            LOG.log(System.Logger.Level.INFO, row);
        }
        TrainConfig speed = optimizers.config("a2c", "CartPole-v1", Map.of("seed", "0", "nTimesteps", "100000"));
        TrainSummary s;
        try (Trainer t = Trainer.create(speed, optimizers)) {
            s = t.run();
        }
        String line = String.format(Locale.ROOT,
                "\nThroughput: a2c CartPole-v1, 8 envs x 5 steps, 100k env steps without evaluation: %.1f s, %.0f env steps/s"
                        + " (collection + updates)\n", s.wallSeconds(), s.stepsPerSecond());
        md.append(line);
        LOG.log(System.Logger.Level.INFO, md.toString());
        if (out != null) {
            AtomicFiles.writeString(out, md.toString());
        }
    }
}
