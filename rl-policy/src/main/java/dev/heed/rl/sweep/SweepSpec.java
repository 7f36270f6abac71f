package dev.heed.rl.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * What a sweep trains: every combination of {@code envs} × {@code algos} × seeds
 * {@code 0 .. seeds-1}, each for {@code steps} env steps, written under {@code out}.
 *
 * @param envs env ids, e.g. {@code CartPole-v1}; non-empty, no duplicates
 * @param algos policy-optimizer names, e.g. {@code ppo-clip}; non-empty, no duplicates
 * @param seeds number of seeds per (env, algo), at least 1; seed {@code n} is the run's root seed
 * @param steps env steps per run (all parallel env copies together), at least 1
 * @param sets extra {@code key=value} settings applied to every run (as {@code heed rl train --set}); may be null
 * @param evalEpisodes deterministic episodes of each run's final evaluation, at least 1
 * @param out the sweep's output directory
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record SweepSpec(List<String> envs, List<String> algos, int seeds, long steps, Map<String, String> sets,
                        int evalEpisodes, Path out) {

    /** Validates and copies. @throws IllegalArgumentException naming the bad value */
    public SweepSpec {
        Objects.requireNonNull(out, "out");
        envs = List.copyOf(Objects.requireNonNull(envs, "envs"));
        algos = List.copyOf(Objects.requireNonNull(algos, "algos"));
        sets = Map.copyOf(sets == null ? Map.of() : sets);
        if (envs.isEmpty() || algos.isEmpty()) {
            throw new IllegalArgumentException("sweep: --envs " + envs + " / --algos " + algos
                    + " — need at least one of each; e.g. --envs CartPole-v1 --algos ppo-clip,a2c");
        }
        if (envs.stream().distinct().count() != envs.size() || algos.stream().distinct().count() != algos.size()) {
            throw new IllegalArgumentException("sweep: --envs " + envs + " / --algos " + algos
                    + " list a name twice; list each once");
        }
        if (seeds < 1 || steps < 1 || evalEpisodes < 1) {
            throw new IllegalArgumentException("sweep: --seeds " + seeds + ", --steps " + steps + ", --eval-episodes "
                    + evalEpisodes + " — each must be >= 1");
        }
        for (String s : envs) {
            checkName("env", s);
        }
        for (String s : algos) {
            checkName("algorithm", s);
        }
    }

    private static void checkName(String what, String s) {
        if (s.isBlank() || s.contains("/") || s.contains("\\") || s.startsWith(".")) {
            throw new IllegalArgumentException("sweep: " + what + " name '" + s
                    + "' cannot name a directory; use ids such as CartPole-v1 or ppo-clip");
        }
    }

    /** @return every run of the sweep, env-major, then algorithm, then seed */
    public List<RunKey> runs() {
        List<RunKey> r = new ArrayList<>();
        for (String e : envs) {
            for (String a : algos) {
                for (int s = 0; s < seeds; s++) {
                    r.add(new RunKey(e, a, s));
                }
            }
        }
        return r;
    }
}
