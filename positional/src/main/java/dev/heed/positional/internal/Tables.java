package dev.heed.positional.internal;

import dev.heed.core.DType;
import dev.heed.core.Tensor;
import java.util.function.IntUnaryOperator;
import org.apiguardian.api.API;

/**
 * Constant tensors the built-in schemes compose their ops from (the tensor engine has no gather or
 * slice op, so index selection is a product with a constant one-hot matrix).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Tables {

    private Tables() {}

    /**
     * @param values row-major values
     * @param dtype FLOAT32 or FLOAT64
     * @param shape shape
     * @return a constant tensor of {@code dtype}
     */
    public static Tensor constant(double[] values, DType dtype, int... shape) {
        if (dtype == DType.FLOAT64) {
            return Tensor.of(values, shape);
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return Tensor.of(f, shape);
    }

    /**
     * The one-hot selector {@code [Tq, K, Tk]} with {@code sel[i, bucket(j − i), j] = 1}, where
     * query {@code i} is at position {@code queryOffset + i} and key {@code j} at
     * {@code keyOffset + j}: {@code (x [.., Tq, 1, K]) @ sel} picks column {@code bucket(j − i)}
     * of row {@code i} for every {@code j}.
     *
     * @param bucket relative distance (key position − query position) to a bucket in {@code [0, K)}
     * @param buckets K
     * @param queryOffset absolute position of the first query
     * @param tq queries
     * @param keyOffset absolute position of the first key
     * @param tk keys
     * @param dtype dtype of the result
     * @return {@code [Tq, K, Tk]}
     */
    public static Tensor selector(IntUnaryOperator bucket, int buckets, int queryOffset, int tq, int keyOffset, int tk,
            DType dtype) {
        double[] sel = new double[tq * buckets * tk];
        for (int i = 0; i < tq; i++) {
            for (int j = 0; j < tk; j++) {
                int b = bucket.applyAsInt((keyOffset + j) - (queryOffset + i));
                sel[(i * buckets + b) * tk + j] = 1.0;
            }
        }
        return constant(sel, dtype, tq, buckets, tk);
    }

    /**
     * The one-hot matrix {@code [K, Tq * Tk]} with {@code oh[bucket(j − i), i * Tk + j] = 1}:
     * {@code (table [H, K]) @ oh} reshaped to {@code [H, Tq, Tk]} is {@code table[h, bucket(j − i)]}.
     *
     * @param bucket relative distance to bucket
     * @param buckets K
     * @param queryOffset absolute position of the first query
     * @param tq queries
     * @param keyOffset absolute position of the first key
     * @param tk keys
     * @param dtype dtype of the result
     * @return {@code [K, Tq * Tk]}
     */
    public static Tensor bucketOneHot(IntUnaryOperator bucket, int buckets, int queryOffset, int tq, int keyOffset,
            int tk, DType dtype) {
        int n = tq * tk;
        double[] oh = new double[buckets * n];
        for (int i = 0; i < tq; i++) {
            for (int j = 0; j < tk; j++) {
                int b = bucket.applyAsInt((keyOffset + j) - (queryOffset + i));
                oh[b * n + i * tk + j] = 1.0;
            }
        }
        return constant(oh, dtype, buckets, n);
    }

    /**
     * Clipped relative distance as a bucket: {@code clamp(d, −L, L) + L}, in {@code [0, 2L]}.
     *
     * @param distance key position − query position
     * @param maxDistance L
     * @return the bucket
     */
    public static int clipped(int distance, int maxDistance) {
        return Math.max(-maxDistance, Math.min(maxDistance, distance)) + maxDistance;
    }

    /**
     * T5's relative-position bucket (Raffel et al. 2020, as in the reference implementation):
     * with {@code bidirectional}, half the buckets are for keys after the query; within a half,
     * the first {@code n/2} distances have their own bucket and larger ones share logarithmically
     * wider buckets up to {@code maxDistance}, beyond which everything falls in the last bucket.
     * Exact bucket boundaries are resolved as in exact arithmetic (a 1e-9 tolerance absorbs the
     * rounding of {@code log}).
     *
     * @param distance key position − query position
     * @param bidirectional whether keys after the query get their own buckets
     * @param numBuckets total buckets
     * @param maxDistance distance from which on the last bucket is used
     * @return the bucket in {@code [0, numBuckets)}
     */
    public static int t5Bucket(int distance, boolean bidirectional, int numBuckets, int maxDistance) {
        int ret = 0;
        int n = numBuckets;
        int rp;
        if (bidirectional) {
            n /= 2;
            if (distance > 0) {
                ret += n;
            }
            rp = Math.abs(distance);
        } else {
            rp = Math.max(-distance, 0);
        }
        int maxExact = n / 2;
        if (rp < maxExact) {
            return ret + rp;
        }
        double scaled = Math.log((double) rp / maxExact) / Math.log((double) maxDistance / maxExact) * (n - maxExact);
        int large = maxExact + (int) Math.floor(scaled + 1e-9);
        return ret + Math.min(large, n - 1);
    }
}
