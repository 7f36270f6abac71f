package dev.heed.attention;

import dev.heed.attention.internal.Rows;
import dev.heed.core.Autograd;
import dev.heed.core.Tensor;
import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * Keys and values of earlier positions for incremental decoding with one
 * {@link MultiHeadAttention} layer. Create one per layer and sequence batch with
 * {@link MultiHeadAttention#newCache()}, then feed the sequence in steps; each call appends the
 * new positions' projected keys and values (after any rotary positional transform).
 *
 * <p>Not thread-safe; one cache belongs to one decoding loop.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class KVCache {

    private Tensor keys;
    private Tensor values;

    KVCache() {}

    /** @return number of cached positions (the position offset of the next step) */
    public int length() {
        return keys == null ? 0 : keys.size(2);
    }

    /** @return cached keys {@code [B, H, T, d]} or null when empty */
    public Tensor keys() {
        return keys;
    }

    /** @return cached values {@code [B, H, T, dv]} or null when empty */
    public Tensor values() {
        return values;
    }

    /** Empties the cache. */
    public void clear() {
        keys = null;
        values = null;
    }

    /**
     * Appends new positions.
     *
     * @param k new keys {@code [B, H, t, d]}
     * @param v new values {@code [B, H, t, dv]}
     */
    void append(Tensor k, Tensor v) {
        if (keys == null) {
            keys = k;
            values = v;
            return;
        }
        if (keys.size(0) != k.size(0) || keys.size(1) != k.size(1) || keys.size(3) != k.size(3)) {
            throw new IllegalArgumentException("KVCache: new keys " + Arrays.toString(k.shape())
                    + " do not continue the cached ones " + Arrays.toString(keys.shape())
                    + "; use one cache per layer and batch, or clear() it");
        }
        keys = cat(keys, k);
        values = cat(values, v);
    }

    private static Tensor cat(Tensor a, Tensor b) {
        boolean tracking = Autograd.isGradEnabled() && (a.requiresGrad() || b.requiresGrad());
        if (tracking || a.dtype() != dev.heed.core.DType.FLOAT32) {
            return Rows.cat(a, b);
        }
        int n0 = a.size(0) * a.size(1);
        int ta = a.size(2);
        int tb = b.size(2);
        int d = a.size(3);
        float[] x = a.contiguous().toFloatArray();
        float[] y = b.contiguous().toFloatArray();
        float[] out = new float[n0 * (ta + tb) * d];
        for (int i = 0; i < n0; i++) {
            System.arraycopy(x, i * ta * d, out, i * (ta + tb) * d, ta * d);
            System.arraycopy(y, i * tb * d, out, (i * (ta + tb) + ta) * d, tb * d);
        }
        return Tensor.of(out, a.size(0), a.size(1), ta + tb, d);
    }
}
