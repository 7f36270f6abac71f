package dev.heed.attention.spi;

import dev.heed.core.Tensor;
import dev.heed.core.nn.Module;
import java.util.OptionalDouble;
import org.apiguardian.api.API;

/**
 * A similarity function: maps queries and keys to raw attention scores (before positional
 * terms, masking and softmax).
 *
 * <p>Contract of {@link #score}: {@code q} has shape {@code [..., Tq, d]} and {@code k} has shape
 * {@code [..., Tk, d]} with equal (or broadcastable) leading dimensions; the result has shape
 * {@code [..., Tq, Tk]} and the dtype of the inputs (FLOAT32 or FLOAT64), and is differentiable
 * with respect to {@code q}, {@code k} and any parameters to second order. Scores must be finite
 * for finite inputs. A similarity with trainable parameters is also a
 * {@link dev.heed.core.nn.Module} (its state is then saved with the model); {@link #module()}
 * returns it.
 *
 * <p>Threads: a similarity is used by one model; forward passes follow the rules of
 * {@link Module}. Null arguments are {@link NullPointerException}s; shape mismatches are
 * {@link IllegalArgumentException}s naming both shapes.
 *
 * <pre>{@code
 * final class TemperedDot implements Similarity {
 *     private final double t;
 *     TemperedDot(double t) { this.t = t; }
 *     public Tensor score(Tensor q, Tensor k) { return q.matmul(k.mT()).div(t); }
 *     public OptionalDouble dotProductScale() { return OptionalDouble.of(1 / t); }
 * }
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface Similarity {

    /**
     * @param q queries {@code [..., Tq, d]}
     * @param k keys {@code [..., Tk, d]}
     * @return raw scores {@code [..., Tq, Tk]}
     * @throws IllegalArgumentException if the shapes or dtypes do not fit
     */
    Tensor score(Tensor q, Tensor k);

    /**
     * Declares that {@code score(q, k) == s * q kᵀ} exactly for a fixed scalar {@code s} and no
     * parameters, which lets attention use its memory-efficient blocked path. Return empty unless
     * that holds.
     *
     * @return the factor {@code s}, or empty (the default)
     */
    default OptionalDouble dotProductScale() {
        return OptionalDouble.empty();
    }

    /** @return this similarity as a module when it owns parameters, else null (the default) */
    default Module module() {
        return this instanceof Module m ? m : null;
    }
}
