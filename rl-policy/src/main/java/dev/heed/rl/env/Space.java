package dev.heed.rl.env;

import dev.heed.core.Rng;
import org.apiguardian.api.API;

/**
 * The set of valid observations or actions of an {@link Env}, as in Gymnasium.
 *
 * <p>Every element of every space is encoded as a flat {@code double[]} of length {@link #flatDim()}:
 * a {@link Box} element holds its values in row-major order; a {@link Discrete} element is
 * {@code double[]{k}} with {@code k} a whole number; a {@link MultiDiscrete} element holds one whole
 * number per component. One encoding for all spaces lets vector environments, wrappers and
 * rollout buffers stay free of generics.
 *
 * <p>Spaces are immutable and thread-safe. The set of spaces is closed (sealed) so that wrappers and
 * the {@link EnvChecker} can handle every case.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public sealed interface Space permits Discrete, Box, MultiDiscrete {

    /**
     * @return the logical shape of an element ({@code []} for {@link Discrete}, the box shape for
     *     {@link Box}, {@code [components]} for {@link MultiDiscrete})
     */
    int[] shape();

    /** @return the length of the {@code double[]} that encodes one element */
    int flatDim();

    /**
     * @param x a candidate element; {@code null} gives {@code false}
     * @return whether {@code x} has length {@link #flatDim()} and lies in the space (NaN never does)
     */
    boolean contains(double[] x);

    /**
     * Draws a random element (Gymnasium's distribution for the space; see the implementing class).
     *
     * @param rng the generator to draw from; not null
     * @return a new array
     */
    double[] sample(Rng rng);

    /**
     * @param x an element encoding; may be null or of the wrong length
     * @return a short description for error messages, e.g. {@code [1.5]}
     */
    static String format(double[] x) {
        if (x == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("[");
        int n = Math.min(x.length, 8);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(x[i]);
        }
        if (x.length > n) {
            sb.append(", … (").append(x.length).append(" values)");
        }
        return sb.append(']').toString();
    }
}
