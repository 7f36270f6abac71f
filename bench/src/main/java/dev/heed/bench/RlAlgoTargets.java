package dev.heed.bench;

import dev.heed.core.Rng;
import dev.heed.core.spi.Options;
import dev.heed.rl.ActorCritic;
import dev.heed.rl.PolicyConfig;
import dev.heed.rl.PolicyStep;
import dev.heed.rl.RolloutBuffer;
import dev.heed.rl.env.Env;
import dev.heed.rl.env.Envs;
import dev.heed.rl.env.Step;
import dev.heed.rl.spi.PolicyOptimizer;
import dev.heed.rl.spi.PolicyOptimizerProvider;
import dev.heed.rl.spi.Preset;
import dev.heed.rl.spi.TrainingProgress;
import dev.heed.rl.vec.SyncVectorEnv;
import dev.heed.rl.vec.VecStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import org.apiguardian.api.API;

/**
 * Benchmark command for the policy optimizers' targets (issues 9 and 10): trains {@code ppo-clip} and
 * {@code trpo} (or the algorithms given) with their zoo presets on CartPole-v1 and Pendulum-v1 for
 * 3 seeds × 100k steps, then evaluates 20 deterministic episodes, and writes a Markdown table of
 * evaluation return, training wall-clock and env steps/s (collection and updates included).
 *
 * <p>The collection loop is Stable-Baselines3's {@code collect_rollouts}: act on the batched
 * observations, store the raw action, bootstrap truncated episodes with γ·V(final observation), GAE
 * at the end of the rollout, one optimizer update per rollout.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/heed-benchmarks.jar \
 *     dev.heed.bench.RlAlgoTargets [out.md] [algos=ppo-clip,trpo] [envs=CartPole-v1,Pendulum-v1]
 *     [seeds=3] [steps=100000]</pre>
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class RlAlgoTargets {

    private static final System.Logger LOG = System.getLogger(RlAlgoTargets.class.getName());

    private RlAlgoTargets() {}

    /** One training run's outcome. */
    record Run(String algo, String env, long seed, long steps, double seconds, double evalMean, double evalStd) {}

    /**
     * Trains one (algorithm, env, seed) with the provider's preset, overridden by {@code overrides}.
     *
     * @param algo provider name
     * @param env env id
     * @param seed seed
     * @param totalSteps env steps (all envs)
     * @param overrides extra {@code key=value} settings
     * @return the run
     */
    static Run train(String algo, String env, long seed, long totalSteps, Map<String, String> overrides) {
        PolicyOptimizerProvider provider = provider(algo);
        Map<String, String> values = new LinkedHashMap<>();
        for (Preset p : provider.presets()) {
            if (p.env().equals(env)) {
                values.putAll(p.values());
            }
        }
        values.putAll(overrides);
        int nEnvs = Integer.parseInt(values.getOrDefault("nEnvs", "1"));
        Map<String, String> optValues = new LinkedHashMap<>(values);
        optValues.remove("nEnvs");
        optValues.remove("nTimesteps");
        PolicyOptimizer opt = provider.create(Options.parse(provider, optValues));
        Rng root = Rng.seeded(seed);
        try (SyncVectorEnv venv = new SyncVectorEnv(nEnvs, i -> Envs.make(env))) {
            ActorCritic policy = ActorCritic.create(venv.observationSpace(), venv.actionSpace(), PolicyConfig.defaults(),
                    root.child(0));
            opt.attach(policy, root.child(1));
            Rng actRng = root.child(2);
            RolloutBuffer buffer = RolloutBuffer.forPolicy(opt.rolloutSettings(), nEnvs, policy);
            int nSteps = opt.rolloutSettings().nSteps();
            long start = System.nanoTime();
            double[][] obs = venv.reset(seed);
            boolean[] starts = new boolean[nEnvs];
            java.util.Arrays.fill(starts, true);
            long steps = 0;
            long iteration = 0;
            while (steps < totalSteps) {
                buffer.reset();
                for (int t = 0; t < nSteps; t++) {
                    PolicyStep ps = policy.act(obs, actRng);
                    VecStep vs = venv.step(ps.envActions());
                    double[] trunc = truncationValues(policy, vs);
                    buffer.add(obs, ps.actions(), vs.rewards(), starts, ps.values(), ps.logProbs(), trunc);
                    obs = vs.observations();
                    starts = new boolean[nEnvs];
                    for (int i = 0; i < nEnvs; i++) {
                        starts[i] = vs.done(i);
                    }
                }
                steps += (long) nSteps * nEnvs;
                buffer.computeReturnsAndAdvantages(policy.predictValues(obs), starts);
                iteration++;
                opt.update(buffer.batch(), new TrainingProgress(steps, totalSteps, iteration));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double[] ev = evaluate(policy, env, 20, seed + 1_000_003L);
            return new Run(algo, env, seed, steps, seconds, ev[0], ev[1]);
        }
    }

    private static double[] truncationValues(ActorCritic policy, VecStep vs) {
        double[] out = null;
        for (int i = 0; i < vs.numEnvs(); i++) {
            if (vs.truncated()[i] && !vs.terminated()[i]) {
                if (out == null) {
                    out = new double[vs.numEnvs()];
                    java.util.Arrays.fill(out, Double.NaN);
                }
                out[i] = policy.predictValues(new double[][] {vs.finalObservations()[i]})[0];
            }
        }
        return out;
    }

    /**
     * Mean and standard deviation of the undiscounted return over deterministic episodes.
     *
     * @param policy the policy
     * @param envId env id
     * @param episodes number of episodes
     * @param seed reset seed of the first episode (then +1 each)
     * @return {mean, std}
     */
    static double[] evaluate(ActorCritic policy, String envId, int episodes, long seed) {
        Env env = Envs.make(envId);
        double[] returns = new double[episodes];
        for (int e = 0; e < episodes; e++) {
            double[] o = env.reset(seed + e);
            double ret = 0;
            while (true) {
                Step s = env.step(policy.predict(new double[][] {o}, true, null)[0]);
                ret += s.reward();
                if (s.terminated() || s.truncated()) {
                    break;
                }
                o = s.observation();
            }
            returns[e] = ret;
        }
        double m = 0;
        for (double r : returns) {
            m += r;
        }
        m /= episodes;
        double v = 0;
        for (double r : returns) {
            v += (r - m) * (r - m);
        }
        return new double[] {m, Math.sqrt(v / episodes)};
    }

    private static PolicyOptimizerProvider provider(String name) {
        List<String> names = new ArrayList<>();
        for (PolicyOptimizerProvider p : ServiceLoader.load(PolicyOptimizerProvider.class)) {
            if (p.name().equals(name)) {
                return p;
            }
            names.add(p.name());
        }
        throw new IllegalArgumentException("RlAlgoTargets: no policy optimizer named '" + name + "'; available: " + names);
    }

    /**
     * Runs the benchmark.
     *
     * @param args {@code [out.md] [algos=a,b] [envs=e1,e2] [seeds=3] [steps=100000] [key=value ...]}
     * @throws IOException if the report cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "rl-algo-targets.md");
        List<String> algos = List.of("ppo-clip", "trpo");
        List<String> envs = List.of("CartPole-v1", "Pendulum-v1");
        int seeds = 3;
        long steps = 100_000;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            switch (kv[0]) {
                case "algos": algos = List.of(kv[1].split(",")); break;
                case "envs": envs = List.of(kv[1].split(",")); break;
                case "seeds": seeds = Integer.parseInt(kv[1]); break;
                case "steps": steps = Long.parseLong(kv[1]); break;
                default: overrides.put(kv[0], kv[1]); break;
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("| algorithm | env | seed | steps | wall s | env steps/s | eval return (20 det. episodes) |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (String env : envs) {
            for (String algo : algos) {
                for (int s = 0; s < seeds; s++) {
                    Run r = train(algo, env, s, steps, overrides);
                    String row = String.format(Locale.ROOT, "| %s | %s | %d | %d | %.2f | %.0f | %.1f ± %.1f |",
                            r.algo(), r.env(), r.seed(), r.steps(), r.seconds(), r.steps() / r.seconds(), r.evalMean(),
                            r.evalStd());
                    LOG.log(System.Logger.Level.INFO, row);
                    md.append(row).append('\n');
                    Files.writeString(out, md.toString());
                }
            }
        }
    }
}
