package dev.heed.rl.train;

import dev.heed.core.Rng;
import dev.heed.rl.PolicyInference;
import dev.heed.rl.env.Env;
import dev.heed.rl.env.Step;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** Runs evaluation episodes: all envs stepped together, one batched inference per step. */
final class Evaluator {

    private Evaluator() {}

    /**
     * @param inf frozen policy
     * @param make creates one env (as trained on)
     * @param normalize observation normaliser or null
     * @param episodes number of episodes (one per env)
     * @param seeds env k is reset with the k-th {@code nextLong()}; sampling uses {@code seeds.child(Long.MAX_VALUE)}
     * @param deterministic modes instead of samples
     * @param step recorded in the result
     * @return the returns and lengths
     */
    static EvalResult run(PolicyInference inf, Supplier<Env> make, UnaryOperator<double[]> normalize, int episodes,
            Rng seeds, boolean deterministic, long step) {
        if (episodes < 1) {
            throw new IllegalArgumentException("evaluate: episodes must be >= 1, got " + episodes);
        }
        Rng sampling = seeds.child(Long.MAX_VALUE);
        Env[] envs = new Env[episodes];
        double[][] cur = new double[episodes][];
        for (int k = 0; k < episodes; k++) {
            envs[k] = make.get();
            cur[k] = envs[k].reset(seeds.nextLong());
        }
        boolean[] active = new boolean[episodes];
        java.util.Arrays.fill(active, true);
        double[] returns = new double[episodes];
        int[] lengths = new int[episodes];
        int remaining = episodes;
        while (remaining > 0) {
            double[][] batch = new double[remaining][];
            int[] index = new int[remaining];
            int j = 0;
            for (int k = 0; k < episodes; k++) {
                if (active[k]) {
                    batch[j] = normalize != null ? normalize.apply(cur[k]) : cur[k];
                    index[j++] = k;
                }
            }
            double[][] actions = inf.predict(batch, deterministic, deterministic ? null : sampling).envActions();
            for (j = 0; j < index.length; j++) {
                int k = index[j];
                Step s = envs[k].step(actions[j]);
                returns[k] += s.reward();
                lengths[k]++;
                if (s.done()) {
                    active[k] = false;
                    remaining--;
                } else {
                    cur[k] = s.observation();
                }
            }
        }
        for (Env e : envs) {
            e.close();
        }
        double mean = 0;
        for (double r : returns) {
            mean += r;
        }
        mean /= episodes;
        double ss = 0;
        for (double r : returns) {
            ss += (r - mean) * (r - mean);
        }
        return new EvalResult(step, mean, Math.sqrt(ss / episodes), returns, lengths);
    }
}
