package dev.heed.plugin.alibi;

import dev.heed.core.DType;
import dev.heed.core.Tensor;
import dev.heed.positional.spi.PositionalDims;
import dev.heed.positional.spi.PositionalScheme;
import org.apiguardian.api.API;

/**
 * The ALiBi scheme created by {@link AlibiProvider}: a pure score bias {@code −m_h · |i − j|}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Alibi extends PositionalScheme {

    private final double[] slopes;

    /** @param dims model dimensions (any number of heads) */
    public Alibi(PositionalDims dims) {
        super("alibi", dims);
        this.slopes = slopes(dims.heads());
    }

    /**
     * The ALiBi paper's head slopes. For {@code n} a power of two, {@code m_h = 2^(−8h/n)},
     * {@code h = 1..n} (a geometric sequence starting at and with ratio {@code 2^(−8/n)}). Otherwise,
     * with {@code p} the largest power of two below {@code n}: the {@code p} slopes for {@code p}
     * heads, followed by the first {@code n − p} of every other slope (1st, 3rd, …) of the
     * sequence for {@code 2p} heads.
     *
     * @param n number of heads (> 0)
     * @return a fresh array of {@code n} slopes, head 1 first
     * @throws IllegalArgumentException if {@code n <= 0}
     */
    public static double[] slopes(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("alibi: number of heads must be positive, got " + n);
        }
        if (Integer.bitCount(n) == 1) {
            double[] m = new double[n];
            for (int h = 1; h <= n; h++) {
                m[h - 1] = Math.pow(2.0, -8.0 * h / n);
            }
            return m;
        }
        int p = Integer.highestOneBit(n);
        double[] first = slopes(p);
        double[] twice = slopes(2 * p);
        double[] m = new double[n];
        System.arraycopy(first, 0, m, 0, p);
        for (int k = 0; k < n - p; k++) {
            m[p + k] = twice[2 * k];
        }
        return m;
    }

    /** @return this scheme's slopes, one per head (a copy) */
    public double[] slopes() {
        return slopes.clone();
    }

    @Override
    public boolean hasScoreTerm() {
        return true;
    }

    @Override
    public boolean isScoreBias() {
        return true;
    }

    @Override
    protected Tensor computeScoreBias(int layer, DType dtype, int queryOffset, int queryLength, int keyOffset,
            int keyLength) {
        int h = slopes.length;
        double[] b = new double[h * queryLength * keyLength];
        int n = 0;
        for (int head = 0; head < h; head++) {
            for (int i = 0; i < queryLength; i++) {
                for (int j = 0; j < keyLength; j++) {
                    b[n++] = -slopes[head] * Math.abs((queryOffset + i) - (keyOffset + j));
                }
            }
        }
        Tensor t = Tensor.of(b, h, queryLength, keyLength);
        return dtype == DType.FLOAT64 ? t : t.to(dtype);
    }
}
