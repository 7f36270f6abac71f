package dev.heed.rl.vec;

import dev.heed.core.Rng;
import dev.heed.rl.env.Env;
import dev.heed.rl.env.EnvSnapshot;
import dev.heed.rl.env.Space;
import dev.heed.rl.env.Step;
import dev.heed.rl.env.wrappers.EpisodeRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.apiguardian.api.API;

/**
 * Shared bookkeeping of the vector envs: per-env stepping with auto-reset into index-addressed
 * slots, episode statistics, seeding. Subclasses decide only which thread steps which index.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public abstract class AbstractVectorEnv implements VectorEnv {

    /** The envs, by index. */
    protected final Env[] envs;
    private final double[] episodeReturn;
    private final int[] episodeLength;
    private final List<EpisodeRecord> finished = new ArrayList<>();
    private boolean started;

    /**
     * @param numEnvs number of copies, at least 1
     * @param factory creates env {@code i}; every env must have equal spaces
     * @throws IllegalArgumentException if {@code numEnvs < 1} or the spaces differ
     */
    protected AbstractVectorEnv(int numEnvs, IntFunction<? extends Env> factory) {
        if (numEnvs < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": numEnvs must be at least 1, got " + numEnvs);
        }
        envs = new Env[numEnvs];
        for (int i = 0; i < numEnvs; i++) {
            envs[i] = factory.apply(i);
            if (envs[i] == null) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": the factory returned null for env " + i);
            }
            if (!envs[i].observationSpace().equals(envs[0].observationSpace())
                    || !envs[i].actionSpace().equals(envs[0].actionSpace())) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": env " + i + " has spaces "
                        + envs[i].observationSpace() + " / " + envs[i].actionSpace() + " but env 0 has "
                        + envs[0].observationSpace() + " / " + envs[0].actionSpace() + "; all copies must agree");
            }
        }
        episodeReturn = new double[numEnvs];
        episodeLength = new int[numEnvs];
    }

    @Override
    public int numEnvs() {
        return envs.length;
    }

    @Override
    public String id() {
        return envs[0].id();
    }

    @Override
    public Space observationSpace() {
        return envs[0].observationSpace();
    }

    @Override
    public Space actionSpace() {
        return envs[0].actionSpace();
    }

    /**
     * @param i env index
     * @return env {@code i} (for inspection; stepping it directly breaks the bookkeeping)
     */
    public Env env(int i) {
        return envs[i];
    }

    /**
     * The seed given to env {@code i} by {@link #reset(long)}.
     *
     * @param seed root seed
     * @param i env index
     * @return {@code Rng.seeded(seed).child(i).nextLong()}
     */
    public static long envSeed(long seed, int i) {
        return Rng.seeded(seed).child(i).nextLong();
    }

    @Override
    public double[][] reset(long seed) {
        double[][] obs = new double[envs.length][];
        for (int i = 0; i < envs.length; i++) {
            obs[i] = envs[i].reset(envSeed(seed, i));
            episodeReturn[i] = 0;
            episodeLength[i] = 0;
        }
        finished.clear();
        started = true;
        return obs;
    }

    @Override
    public final VecStep step(double[][] actions) {
        if (!started) {
            throw new IllegalStateException(getClass().getSimpleName() + ".step: called before reset(seed); call reset(seed) first");
        }
        if (actions == null || actions.length != envs.length) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".step: expected one action per env ("
                    + envs.length + "), got " + (actions == null ? "null" : String.valueOf(actions.length)));
        }
        Space as = actionSpace();
        for (int i = 0; i < actions.length; i++) {
            if (!as.contains(actions[i])) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ".step: action "
                        + Space.format(actions[i]) + " for env " + i + " is not in " + as
                        + "; no env was stepped. Clip the policy output (ClipAction/RescaleAction wrappers)");
            }
        }
        VecStep out = new VecStep(new double[envs.length][], new double[envs.length], new boolean[envs.length],
                new boolean[envs.length], new double[envs.length][]);
        stepAll(actions, out);
        for (int i = 0; i < envs.length; i++) {
            episodeReturn[i] += out.rewards()[i];
            episodeLength[i]++;
            if (out.done(i)) {
                finished.add(new EpisodeRecord(i, episodeReturn[i], episodeLength[i], out.terminated()[i]));
                episodeReturn[i] = 0;
                episodeLength[i] = 0;
            }
        }
        return out;
    }

    /**
     * Steps every env, each through {@link #stepOne(int, double[], VecStep)}.
     *
     * @param actions validated outer array
     * @param out the result slots to fill
     */
    protected abstract void stepAll(double[][] actions, VecStep out);

    /**
     * Steps env {@code i}, resets it if its episode ended, and fills slot {@code i} of {@code out}.
     * Touches only env {@code i} and slot {@code i}, so different indices may run on different threads.
     *
     * @param i env index
     * @param action its action
     * @param out the result
     */
    protected final void stepOne(int i, double[] action, VecStep out) {
        Step s;
        try {
            s = envs[i].step(action);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("env " + i + ": " + e.getMessage(), e);
        }
        out.rewards()[i] = s.reward();
        out.terminated()[i] = s.terminated();
        out.truncated()[i] = s.truncated();
        if (s.done()) {
            out.finalObservations()[i] = s.observation();
            out.observations()[i] = envs[i].reset();
        } else {
            out.observations()[i] = s.observation();
        }
    }

    @Override
    public EnvSnapshot snapshot() {
        EnvSnapshot s = EnvSnapshot.empty().withWords("started", started ? 1 : 0).withReals("episode_return", episodeReturn);
        long[] len = new long[episodeLength.length];
        for (int i = 0; i < len.length; i++) {
            len[i] = episodeLength[i];
        }
        s = s.withWords("episode_length", len);
        for (int i = 0; i < envs.length; i++) {
            s = s.nest("env." + i, envs[i].snapshot());
        }
        return s;
    }

    @Override
    public void restore(EnvSnapshot snapshot) {
        double[] ret = snapshot.reals("episode_return");
        long[] len = snapshot.words("episode_length");
        if (ret.length != envs.length || len.length != envs.length) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".restore: the snapshot holds "
                    + ret.length + " envs but this vector env has " + envs.length);
        }
        for (int i = 0; i < envs.length; i++) {
            envs[i].restore(snapshot.sub("env." + i));
        }
        System.arraycopy(ret, 0, episodeReturn, 0, ret.length);
        for (int i = 0; i < len.length; i++) {
            episodeLength[i] = (int) len[i];
        }
        started = snapshot.words("started")[0] == 1;
        finished.clear();
    }

    @Override
    public List<EpisodeRecord> drainEpisodes() {
        List<EpisodeRecord> r = new ArrayList<>(finished);
        finished.clear();
        return r;
    }

    @Override
    public void close() {
        for (Env e : envs) {
            e.close();
        }
    }
}
