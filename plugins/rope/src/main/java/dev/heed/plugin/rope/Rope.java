package dev.heed.plugin.rope;

import dev.heed.core.DType;
import dev.heed.core.Tensor;
import dev.heed.positional.spi.PositionalDims;
import dev.heed.positional.spi.PositionalScheme;
import org.apiguardian.api.API;

/**
 * The rotary scheme created by {@link RopeProvider}: acts on queries and keys only, has no
 * parameters and no length limit.
 *
 * <p>Computed as {@code x ⊙ C + (x P) ⊙ S}, where {@code C[p, ·]} holds {@code cos(p θ_i)} for both
 * members of pair {@code i}, {@code S[p, ·]} holds {@code −sin(p θ_i)} for the first member and
 * {@code +sin(p θ_i)} for the second, and {@code P} is the constant matrix that swaps the members
 * of every pair.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Rope extends PositionalScheme {

    private final double base;
    private final boolean half;

    /**
     * @param dims model dimensions; {@code headDim} must be even
     * @param base frequency base (> 1)
     * @param half whether pairs are (i, i + d/2) instead of (2i, 2i+1)
     * @throws IllegalArgumentException if the head dimension is odd or the base is not above 1
     */
    public Rope(PositionalDims dims, double base, boolean half) {
        super("rope", dims);
        if (dims.headDim() % 2 != 0) {
            throw new IllegalArgumentException("rope: head dimension " + dims.headDim() + " is odd; rotary embeddings rotate "
                    + "pairs of dimensions, so headDim must be even (choose dModel and heads so that dModel / heads is even)");
        }
        if (!(base > 1)) {
            throw new IllegalArgumentException("rope: base " + base + " must be greater than 1 (the paper uses 10000)");
        }
        this.base = base;
        this.half = half;
    }

    @Override
    public boolean actsOnQueryKey() {
        return true;
    }

    /**
     * @param pair pair index {@code i} in {@code [0, d/2)}
     * @return the two dimensions forming that pair
     */
    private int[] members(int pair) {
        int d = dims().headDim();
        return half ? new int[] {pair, pair + d / 2} : new int[] {2 * pair, 2 * pair + 1};
    }

    @Override
    protected Tensor applyToQuery(int layer, Tensor x, int offset) {
        int t = x.size(2);
        int d = dims().headDim();
        double[] c = new double[t * d];
        double[] s = new double[t * d];
        for (int p = 0; p < t; p++) {
            double pos = offset + p;
            for (int i = 0; i < d / 2; i++) {
                double theta = Math.pow(base, -2.0 * i / d);
                double angle = pos * theta;
                int[] m = members(i);
                c[p * d + m[0]] = Math.cos(angle);
                c[p * d + m[1]] = Math.cos(angle);
                s[p * d + m[0]] = -Math.sin(angle);
                s[p * d + m[1]] = Math.sin(angle);
            }
        }
        double[] swap = new double[d * d];
        for (int i = 0; i < d / 2; i++) {
            int[] m = members(i);
            // (x P)[m0] = x[m1], (x P)[m1] = x[m0]
            swap[m[1] * d + m[0]] = 1.0;
            swap[m[0] * d + m[1]] = 1.0;
        }
        DType dt = x.dtype();
        Tensor cos = constant(c, dt, t, d);
        Tensor sin = constant(s, dt, t, d);
        Tensor p = constant(swap, dt, d, d);
        return x.mul(cos).add(x.matmul(p).mul(sin));
    }

    private static Tensor constant(double[] v, DType dtype, int... shape) {
        Tensor t = Tensor.of(v, shape);
        return dtype == DType.FLOAT64 ? t : t.to(dtype);
    }

    @Override
    protected String extraRepr() {
        return super.extraRepr() + " base=" + base + (half ? " pairing=half" : " pairing=interleaved");
    }
}
