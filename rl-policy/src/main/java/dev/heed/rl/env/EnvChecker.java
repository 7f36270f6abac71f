package dev.heed.rl.env;

import dev.heed.core.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * Checks a user's {@link Env} against the contract, like Stable-Baselines3's {@code check_env}, and
 * reports what is wrong in plain words instead of failing later inside training.
 *
 * <p>Checks: spaces present; observations of the right length, finite and inside the observation
 * space (after reset and every step); rewards finite; {@code reset(seed)} reproducible; an episode
 * replayed with the same seed and actions gives the same observations and rewards; returned
 * observation arrays not reused or modified by later calls; the action array not modified;
 * an action outside the space refused; a step after the episode ended refused; a step before the
 * first reset refused (only with {@link #check(Supplier)}, which can create a fresh env); episodes
 * end within a bound (otherwise add a {@code TimeLimit}); Box action spaces other than
 * {@code [-1, 1]} get a hint to rescale.
 *
 * <pre>{@code
 * for (EnvChecker.Finding f : EnvChecker.check(MyEnv::new)) {
 *     System.out.println(f);
 * }
 * }</pre>
 *
 * <p>The checker steps the env with random actions from a fixed seed; it leaves the env in an
 * unspecified state. Check the env itself, not one wrapped in a normalisation wrapper that is still
 * learning its statistics (those change every observation, so the replay checks would fail).
 * Stateless and thread-safe (the env is not).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class EnvChecker {

    /** How serious a finding is. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public enum Severity {
        /** The env breaks the contract; training will misbehave or crash. */
        ERROR,
        /** Works, but is likely a mistake or will make learning harder. */
        WARNING
    }

    /**
     * One problem found.
     *
     * @param severity how serious it is
     * @param check a short stable name of the check, e.g. {@code observation-in-space}
     * @param message what is wrong, with the offending values and the fix
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public record Finding(Severity severity, String check, String message) {
        @Override
        public String toString() {
            return severity + " [" + check + "] " + message;
        }
    }

    private static final long SEED = 12345;
    private static final int DEFAULT_MAX_STEPS = 10_000;

    private EnvChecker() {}

    /**
     * Checks fresh envs from {@code factory}, including the step-before-reset rule.
     *
     * @param factory creates a new, never reset env on every call
     * @return the findings, empty if none; never null
     */
    public static List<Finding> check(Supplier<? extends Env> factory) {
        List<Finding> out = new ArrayList<>();
        Env fresh;
        try {
            fresh = factory.get();
        } catch (RuntimeException e) {
            out.add(new Finding(Severity.ERROR, "construct", "creating the env threw " + describe(e)));
            return out;
        }
        if (fresh == null) {
            out.add(new Finding(Severity.ERROR, "construct", "the factory returned null"));
            return out;
        }
        Space as = fresh.actionSpace();
        if (as != null) {
            try {
                fresh.step(as.sample(Rng.seeded(SEED)));
                out.add(new Finding(Severity.ERROR, "step-before-reset", "step() before the first reset() was accepted;"
                        + " throw IllegalStateException(\"call reset(seed) first\") instead (SimulatorEnv does this)"));
            } catch (IllegalStateException expected) {
                // the contract
            } catch (RuntimeException e) {
                out.add(new Finding(Severity.WARNING, "step-before-reset", "step() before reset() threw " + describe(e)
                        + "; throw IllegalStateException with a message that says to call reset(seed)"));
            }
        }
        fresh.close();
        Env env = factory.get();
        out.addAll(check(env, DEFAULT_MAX_STEPS));
        env.close();
        return out;
    }

    /**
     * Checks one env (everything except the step-before-reset rule).
     *
     * @param env the env to check; it is reset and stepped
     * @return the findings, empty if none; never null
     */
    public static List<Finding> check(Env env) {
        return check(env, DEFAULT_MAX_STEPS);
    }

    /**
     * @param env the env to check; it is reset and stepped
     * @param maxSteps steps after which an episode that has not ended is reported, at least 1
     * @return the findings, empty if none; never null
     */
    public static List<Finding> check(Env env, int maxSteps) {
        if (env == null) {
            throw new IllegalArgumentException("EnvChecker.check: env must not be null");
        }
        if (maxSteps < 1) {
            throw new IllegalArgumentException("EnvChecker.check: maxSteps must be at least 1, got " + maxSteps);
        }
        List<Finding> out = new ArrayList<>();
        Space os = env.observationSpace();
        Space as = env.actionSpace();
        if (os == null || as == null) {
            out.add(new Finding(Severity.ERROR, "spaces", "observationSpace() or actionSpace() returned null;"
                    + " return the Space (Box, Discrete, MultiDiscrete) of observations and actions"));
            return out;
        }
        if (as instanceof Box) {
            Box b = (Box) as;
            boolean unit = true;
            for (int i = 0; i < b.flatDim(); i++) {
                unit &= b.low(i) == -1.0 && b.high(i) == 1.0;
            }
            if (!unit && b.isBounded()) {
                out.add(new Finding(Severity.WARNING, "action-space-scale", "the Box action space is " + b
                        + "; Gaussian policies learn best in [-1, 1]: wrap the env in RescaleAction"));
            }
        }

        // First episode: validate every observation and reward, watch for aliasing.
        double[] first;
        try {
            first = env.reset(SEED);
        } catch (RuntimeException e) {
            out.add(new Finding(Severity.ERROR, "reset", "reset(" + SEED + ") threw " + describe(e)));
            return out;
        }
        if (!observation(out, "reset", first, os)) {
            return out;
        }
        double[] firstCopy = first.clone();
        Rng rng = Rng.seeded(SEED);
        List<double[]> actions = new ArrayList<>();
        List<double[]> observations = new ArrayList<>();
        List<Double> rewards = new ArrayList<>();
        boolean ended = false;
        double[] prevObs = first;
        double[] prevCopy = firstCopy;
        for (int t = 0; t < maxSteps && !ended; t++) {
            double[] a = as.sample(rng);
            double[] aCopy = a.clone();
            Step s;
            try {
                s = env.step(a);
            } catch (RuntimeException e) {
                out.add(new Finding(Severity.ERROR, "step", "step(" + Space.format(aCopy) + ") at t=" + t + " threw "
                        + describe(e)));
                return out;
            }
            if (s == null) {
                out.add(new Finding(Severity.ERROR, "step", "step() returned null at t=" + t));
                return out;
            }
            if (!Arrays.equals(a, aCopy)) {
                out.add(new Finding(Severity.ERROR, "action-not-modified", "step() modified the caller's action array"
                        + " from " + Space.format(aCopy) + " to " + Space.format(a) + "; copy it before changing it"));
                a = aCopy;
            }
            if (!Arrays.equals(prevObs, prevCopy)) {
                out.add(new Finding(Severity.ERROR, "observation-not-reused", "step() at t=" + t
                        + " changed the observation array returned by the previous call (from "
                        + Space.format(prevCopy) + " to " + Space.format(prevObs)
                        + "); return a new array on every call"));
                return out;
            }
            if (!observation(out, "step t=" + t, s.observation(), os)) {
                return out;
            }
            if (!Double.isFinite(s.reward())) {
                out.add(new Finding(Severity.ERROR, "reward-finite", "step() at t=" + t + " returned reward "
                        + s.reward() + "; rewards must be finite"));
                return out;
            }
            actions.add(aCopy);
            observations.add(s.observation().clone());
            rewards.add(s.reward());
            prevObs = s.observation();
            prevCopy = prevObs.clone();
            ended = s.done();
        }
        if (!ended) {
            out.add(new Finding(Severity.WARNING, "episode-ends", "no episode ended within " + maxSteps
                    + " random steps; wrap the env in TimeLimit so rollouts and evaluation terminate"));
        } else {
            try {
                env.step(as.sample(rng));
                out.add(new Finding(Severity.ERROR, "step-after-done", "step() after the episode ended (t="
                        + actions.size() + ") was accepted; throw IllegalStateException(\"call reset()\")"
                        + " (SimulatorEnv and TimeLimit do this)"));
            } catch (IllegalStateException expected) {
                // the contract
            } catch (RuntimeException e) {
                out.add(new Finding(Severity.WARNING, "step-after-done", "step() after the episode ended threw "
                        + describe(e) + "; throw IllegalStateException with a message that says to call reset()"));
            }
        }

        // Reproducibility: the same seed and actions must give the same episode.
        try {
            double[] again = env.reset(SEED);
            if (!Arrays.equals(again, firstCopy)) {
                out.add(new Finding(Severity.ERROR, "reset-deterministic", "reset(" + SEED + ") gave "
                        + Space.format(firstCopy) + " the first time and " + Space.format(again)
                        + " the second; draw the start state from a generator seeded by the seed (e.g. Rng.seeded(seed))"));
            } else {
                for (int t = 0; t < actions.size(); t++) {
                    Step s = env.step(actions.get(t));
                    if (!Arrays.equals(s.observation(), observations.get(t)) || s.reward() != rewards.get(t)) {
                        out.add(new Finding(Severity.ERROR, "step-deterministic", "replaying the same seed and actions"
                                + " diverged at t=" + t + ": observation " + Space.format(observations.get(t)) + " then "
                                + Space.format(s.observation()) + "; keep all randomness in the seeded generator"));
                        break;
                    }
                }
            }
        } catch (RuntimeException e) {
            out.add(new Finding(Severity.ERROR, "step-deterministic", "replaying the first episode threw " + describe(e)));
        }

        // Invalid actions must be refused.
        for (double[] bad : invalidActions(as)) {
            try {
                env.reset(SEED);
                env.step(bad);
                out.add(new Finding(Severity.ERROR, "action-in-space", "step(" + Space.format(bad) + ") was accepted"
                        + " although the action is not in " + as + "; throw IllegalArgumentException naming the"
                        + " action and the space (SimulatorEnv does this)"));
            } catch (IllegalArgumentException expected) {
                // the contract
            } catch (RuntimeException e) {
                out.add(new Finding(Severity.WARNING, "action-in-space", "step(" + Space.format(bad) + ") threw "
                        + describe(e) + "; throw IllegalArgumentException naming the action and the space"));
            }
        }
        return out;
    }

    private static List<double[]> invalidActions(Space as) {
        List<double[]> bad = new ArrayList<>();
        int d = as.flatDim();
        bad.add(new double[d + 1]);
        if (as instanceof Discrete) {
            bad.add(new double[] {((Discrete) as).n()});
            bad.add(new double[] {0.5});
        } else if (as instanceof MultiDiscrete) {
            double[] a = new double[d];
            a[0] = -1;
            bad.add(a);
        } else {
            double[] nan = new double[d];
            Arrays.fill(nan, Double.NaN);
            bad.add(nan);
            Box b = (Box) as;
            for (int i = 0; i < d; i++) {
                if (Double.isFinite(b.high(i))) {
                    double[] a = b.sample(Rng.seeded(SEED));
                    a[i] = b.high(i) + Math.max(1.0, Math.abs(b.high(i)));
                    bad.add(a);
                    break;
                }
            }
        }
        return bad;
    }

    private static boolean observation(List<Finding> out, String where, double[] o, Space os) {
        if (o == null) {
            out.add(new Finding(Severity.ERROR, "observation-shape", where + " returned a null observation"));
            return false;
        }
        if (o.length != os.flatDim()) {
            out.add(new Finding(Severity.ERROR, "observation-shape", where + " returned " + o.length
                    + " values but " + os + " needs " + os.flatDim() + "; return one value per component"));
            return false;
        }
        for (int i = 0; i < o.length; i++) {
            if (!Double.isFinite(o[i])) {
                out.add(new Finding(Severity.ERROR, "observation-finite", where + " returned " + Space.format(o)
                        + ": component " + i + " is " + o[i] + "; observations must be finite"));
                return false;
            }
        }
        if (!os.contains(o)) {
            out.add(new Finding(Severity.ERROR, "observation-in-space", where + " returned " + Space.format(o)
                    + ", which is outside " + os + "; widen the space or clip the observation"));
            return false;
        }
        return true;
    }

    private static String describe(RuntimeException e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
