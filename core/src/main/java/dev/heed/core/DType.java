package dev.heed.core;

import org.apiguardian.api.API;

/**
 * Element types of a {@link Tensor}.
 *
 * <p>{@link #FLOAT32} is the default for every factory that does not take a dtype. Only the two
 * floating types take part in autograd; {@link #INT64} holds indices (gathers, embeddings,
 * categorical actions) and {@link #BOOL} holds masks (comparisons, {@code where}). Heed never
 * promotes silently between float types: mixing FLOAT32 and FLOAT64 in one op is an error that
 * tells you to cast with {@link Tensor#to(DType)}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public enum DType {
    /** 32-bit IEEE float, the default. */
    FLOAT32,
    /** 64-bit IEEE float; use it for gradient checks and numerically delicate work. */
    FLOAT64,
    /** 64-bit signed integer, for indices. */
    INT64,
    /** Boolean, for masks. */
    BOOL;

    /** @return true for {@link #FLOAT32} and {@link #FLOAT64} */
    public boolean isFloating() {
        return this == FLOAT32 || this == FLOAT64;
    }
}
