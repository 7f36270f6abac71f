package dev.heed.rl.sweep;

import java.nio.file.Path;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One run of a sweep.
 *
 * @param env the env id
 * @param algo the policy optimizer
 * @param seed the root seed
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record RunKey(String env, String algo, long seed) {

    /** Checks the names. */
    public RunKey {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(algo, "algo");
    }

    /**
     * @param out the sweep directory
     * @return {@code out/<env>/<algo>/seed-<n>}
     */
    public Path dir(Path out) {
        return out.resolve(env).resolve(algo).resolve("seed-" + seed);
    }

    @Override
    public String toString() {
        return env + "/" + algo + "/seed-" + seed;
    }
}
