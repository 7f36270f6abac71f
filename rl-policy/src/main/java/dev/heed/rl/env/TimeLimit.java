package dev.heed.rl.env;

import org.apiguardian.api.API;

/**
 * Truncates episodes after {@code maxEpisodeSteps} steps, as Gymnasium's {@code TimeLimit}: the step
 * that reaches the limit returns {@code truncated = true} (and may also be {@code terminated}).
 * Stepping after that without a reset is refused with an {@link IllegalStateException}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class TimeLimit extends Wrapper {

    private final int maxEpisodeSteps;
    private int elapsed;
    private boolean over;

    /**
     * @param env the env to limit
     * @param maxEpisodeSteps the number of steps after which an episode is truncated, at least 1
     * @throws IllegalArgumentException if {@code maxEpisodeSteps < 1}
     */
    public TimeLimit(Env env, int maxEpisodeSteps) {
        super(env);
        if (maxEpisodeSteps < 1) {
            throw new IllegalArgumentException("TimeLimit: maxEpisodeSteps must be at least 1, got " + maxEpisodeSteps);
        }
        this.maxEpisodeSteps = maxEpisodeSteps;
    }

    /** @return the step limit */
    public int maxEpisodeSteps() {
        return maxEpisodeSteps;
    }

    /** @return steps taken in the current episode */
    public int elapsedSteps() {
        return elapsed;
    }

    @Override
    public double[] reset(long seed) {
        double[] o = env.reset(seed);
        elapsed = 0;
        over = false;
        return o;
    }

    @Override
    public double[] reset() {
        double[] o = env.reset();
        elapsed = 0;
        over = false;
        return o;
    }

    @Override
    public double[] resetToState(double[] state) {
        double[] o = env.resetToState(state);
        elapsed = 0;
        over = false;
        return o;
    }

    @Override
    public EnvSnapshot snapshot() {
        return EnvSnapshot.empty().withWords("time_limit", elapsed, over ? 1 : 0).nest("inner", env.snapshot());
    }

    @Override
    public void restore(EnvSnapshot snapshot) {
        long[] t = snapshot.words("time_limit");
        if (t.length != 2) {
            throw new IllegalArgumentException(id() + ".restore: 'time_limit' must hold 2 values, got " + t.length);
        }
        env.restore(snapshot.sub("inner"));
        elapsed = (int) t[0];
        over = t[1] == 1;
    }

    @Override
    public Step step(double[] action) {
        if (over) {
            throw new IllegalStateException(id() + ".step: the episode ended (truncated by TimeLimit after "
                    + maxEpisodeSteps + " steps or terminated); call reset() before stepping again");
        }
        Step s = env.step(action);
        elapsed++;
        boolean truncated = s.truncated() || elapsed >= maxEpisodeSteps;
        over = s.terminated() || truncated;
        return truncated == s.truncated() ? s : new Step(s.observation(), s.reward(), s.terminated(), true);
    }
}
