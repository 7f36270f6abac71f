package dev.heed.positional.spi;

import org.apiguardian.api.API;

/**
 * The dimensions of the model a {@link PositionalScheme} is created for.
 *
 * @param dModel width of the token embeddings {@code [B, T, dModel]} (the absolute hook's last axis)
 * @param heads attention heads per layer (the {@code H} of {@code [B, H, T, headDim]})
 * @param headDim width of one head's queries and keys
 * @param layers number of attention layers that call the scheme's per-layer hooks; hooks take a
 *     layer index in {@code [0, layers)}
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record PositionalDims(int dModel, int heads, int headDim, int layers) {

    /**
     * @throws IllegalArgumentException if any dimension is not positive
     */
    public PositionalDims {
        if (dModel <= 0 || heads <= 0 || headDim <= 0 || layers <= 0) {
            throw new IllegalArgumentException("PositionalDims: every dimension must be positive, got dModel=" + dModel
                    + ", heads=" + heads + ", headDim=" + headDim + ", layers=" + layers);
        }
    }

    /**
     * Dimensions of the usual multi-head layout, {@code headDim = dModel / heads}.
     *
     * @param dModel model width, a multiple of {@code heads}
     * @param heads heads per layer
     * @param layers attention layers
     * @return the dimensions
     * @throws IllegalArgumentException if {@code dModel} is not a multiple of {@code heads}
     */
    public static PositionalDims of(int dModel, int heads, int layers) {
        if (heads <= 0 || dModel % heads != 0) {
            throw new IllegalArgumentException("PositionalDims.of: dModel " + dModel + " is not a multiple of heads " + heads
                    + "; give headDim explicitly with new PositionalDims(dModel, heads, headDim, layers)");
        }
        return new PositionalDims(dModel, heads, dModel / heads, layers);
    }
}
