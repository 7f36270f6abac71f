package dev.heed.rl.vec;

import dev.heed.rl.env.EnvSnapshot;
import dev.heed.rl.env.Space;
import dev.heed.rl.env.wrappers.EpisodeRecord;
import java.util.List;
import org.apiguardian.api.API;

/**
 * {@code n} copies of an environment stepped together, with automatic reset (see {@link VecStep}).
 *
 * <p>Seeding: {@code reset(seed)} resets env {@code i} with {@code Rng.seeded(seed).child(i).nextLong()},
 * so each copy has its own stream that does not depend on the number of threads; later automatic
 * resets continue each env's own stream. Episode statistics (undiscounted return and length of the
 * rewards the envs return) are collected per env and handed out by {@link #drainEpisodes()}.
 *
 * <p>Calls on one vector env must come from one thread at a time.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface VectorEnv extends AutoCloseable {

    /** @return the number of envs */
    int numEnvs();

    /** @return the id of the envs, for messages */
    String id();

    /** @return the observation space of one env */
    Space observationSpace();

    /** @return the action space of one env */
    Space actionSpace();

    /**
     * Resets every env with a seed derived from {@code seed} and its index.
     *
     * @param seed the root seed
     * @return {@code [n][obsDim]} first observations
     */
    double[][] reset(long seed);

    /**
     * Steps every env once; envs whose episode ends are reset automatically.
     *
     * @param actions {@code [n][actDim]}, one action per env in the encoding of {@link #actionSpace()}
     * @return the batched transition
     * @throws IllegalArgumentException if {@code actions} does not hold one valid action per env
     * @throws IllegalStateException if called before {@link #reset(long)}
     */
    VecStep step(double[][] actions);

    /** @return the episodes finished since the previous call, ordered by step then env index */
    List<EpisodeRecord> drainEpisodes();

    /**
     * Captures the complete state of every env and of the vector env itself (per-env episode
     * accumulators, normalisation statistics), for checkpoints. Episodes finished but not yet
     * drained are not included: call {@link #drainEpisodes()} first.
     *
     * @return the state
     * @throws UnsupportedOperationException if an env does not support snapshots
     */
    default EnvSnapshot snapshot() {
        throw new UnsupportedOperationException(id() + ": this vector env does not support snapshots");
    }

    /**
     * Restores a state captured by {@link #snapshot()} on a vector env of the same configuration.
     *
     * @param snapshot the state
     * @throws UnsupportedOperationException if an env does not support snapshots
     * @throws IllegalArgumentException if the snapshot does not fit
     */
    default void restore(EnvSnapshot snapshot) {
        throw new UnsupportedOperationException(id() + ": this vector env does not support snapshots");
    }

    /** Releases the envs (and threads, if any). */
    @Override
    void close();
}
