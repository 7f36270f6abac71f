package dev.heed.positional.internal;

import dev.heed.core.DType;
import dev.heed.core.Tensor;
import java.util.function.IntUnaryOperator;
import org.apiguardian.api.API;

/**
 * Constant tensors and bucket functions the built-in schemes share.
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
     * The bucket of every (query, key) pair, row-major {@code [Tq, Tk]}: entry {@code i * Tk + j}
     * is {@code bucket((keyOffset + j) − (queryOffset + i))}.
     *
     * @param bucket relative distance (key position − query position) to a bucket index
     * @param queryOffset absolute position of the first query
     * @param tq queries
     * @param keyOffset absolute position of the first key
     * @param tk keys
     * @return INT64 indices {@code [Tq, Tk]}
     */
    public static Tensor buckets(IntUnaryOperator bucket, int queryOffset, int tq, int keyOffset, int tk) {
        long[] idx = new long[tq * tk];
        for (int i = 0; i < tq; i++) {
            for (int j = 0; j < tk; j++) {
                idx[i * tk + j] = bucket.applyAsInt((keyOffset + j) - (queryOffset + i));
            }
        }
        return Tensor.of(idx, tq, tk);
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
