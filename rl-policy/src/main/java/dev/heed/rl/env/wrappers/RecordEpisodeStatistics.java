package dev.heed.rl.env.wrappers;

import dev.heed.rl.env.Wrapper;
import dev.heed.rl.env.Env;
import dev.heed.rl.env.Step;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Records the return and length of every finished episode, as Gymnasium's
 * {@code RecordEpisodeStatistics}. Keeps the most recent {@code bufferLength} episodes for
 * {@link #recentEpisodes()}, and all episodes not yet taken by {@link #drainEpisodes()}.
 *
 * <p>Put it inside reward-changing wrappers to record the env's own rewards.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class RecordEpisodeStatistics extends Wrapper {

    private final int bufferLength;
    private final ArrayDeque<EpisodeRecord> recent = new ArrayDeque<>();
    private final List<EpisodeRecord> pending = new ArrayList<>();
    private double episodeReturn;
    private int episodeLength;
    private long episodeCount;

    /**
     * Keeps the last 100 episodes in {@link #recentEpisodes()}.
     *
     * @param env the env to record
     */
    public RecordEpisodeStatistics(Env env) {
        this(env, 100);
    }

    /**
     * @param env the env to record
     * @param bufferLength how many recent episodes to keep, at least 1
     */
    public RecordEpisodeStatistics(Env env, int bufferLength) {
        super(env);
        if (bufferLength < 1) {
            throw new IllegalArgumentException("RecordEpisodeStatistics: bufferLength must be at least 1, got "
                    + bufferLength);
        }
        this.bufferLength = bufferLength;
    }

    @Override
    public double[] reset(long seed) {
        episodeReturn = 0;
        episodeLength = 0;
        return env.reset(seed);
    }

    @Override
    public double[] reset() {
        episodeReturn = 0;
        episodeLength = 0;
        return env.reset();
    }

    @Override
    public double[] resetToState(double[] state) {
        episodeReturn = 0;
        episodeLength = 0;
        return env.resetToState(state);
    }

    @Override
    public Step step(double[] action) {
        Step s = env.step(action);
        episodeReturn += s.reward();
        episodeLength++;
        if (s.done()) {
            EpisodeRecord r = new EpisodeRecord(0, episodeReturn, episodeLength, s.terminated());
            pending.add(r);
            recent.addLast(r);
            if (recent.size() > bufferLength) {
                recent.removeFirst();
            }
            episodeCount++;
        }
        return s;
    }

    /** @return the number of episodes finished so far */
    public long episodeCount() {
        return episodeCount;
    }

    /** @return the last finished episode, or null if none finished yet */
    public EpisodeRecord lastEpisode() {
        return recent.peekLast();
    }

    /** @return the most recent finished episodes, oldest first (a copy) */
    public List<EpisodeRecord> recentEpisodes() {
        return new ArrayList<>(recent);
    }

    /** @return the episodes finished since the previous call, oldest first; clears them */
    public List<EpisodeRecord> drainEpisodes() {
        List<EpisodeRecord> out = new ArrayList<>(pending);
        pending.clear();
        return out;
    }

    /** Not supported: this wrapper's statistics are not part of a snapshot (use VecNormalize in training). */
    @Override
    public dev.heed.rl.env.EnvSnapshot snapshot() {
        throw new UnsupportedOperationException(id() + ": RecordEpisodeStatistics does not support snapshots; for checkpointable"
                + " training normalise with VecNormalize (its statistics are saved) instead");
    }

    /** Not supported, see {@link #snapshot()}. */
    @Override
    public void restore(dev.heed.rl.env.EnvSnapshot snapshot) {
        throw new UnsupportedOperationException(id() + ": RecordEpisodeStatistics does not support snapshots");
    }
}
