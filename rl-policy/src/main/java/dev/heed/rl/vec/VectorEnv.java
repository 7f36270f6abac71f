package dev.heed.rl.vec;

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

    /** Releases the envs (and threads, if any). */
    @Override
    void close();
}
