package dev.heed.rl.internal;

import dev.heed.core.Rng;
import org.apiguardian.api.API;

/** PyTorch's default {@code Linear} initialisation as raw values (orthogonal init comes from core). */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Init {

    private Init() {}

    /**
     * PyTorch's default {@code nn.Linear} initialisation: uniform in {@code ±1/√fanIn} (for weights
     * this is Kaiming-uniform with {@code a = √5}).
     *
     * @param count number of values
     * @param fanIn input size
     * @param rng generator
     * @return the values
     */
    public static double[] uniformFanIn(int count, int fanIn, Rng rng) {
        double bound = 1.0 / Math.sqrt(fanIn);
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = rng.uniform(-bound, bound);
        }
        return out;
    }
}
