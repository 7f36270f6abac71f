package dev.heed.core.internal.kernel.vector;

import static dev.heed.core.internal.kernel.GeluF32.C0;
import static dev.heed.core.internal.kernel.GeluF32.C1;
import static dev.heed.core.internal.kernel.GeluF32.C2;
import static dev.heed.core.internal.kernel.GeluF32.C3;
import static dev.heed.core.internal.kernel.GeluF32.C4;
import static dev.heed.core.internal.kernel.GeluF32.C5;
import static dev.heed.core.internal.kernel.GeluF32.C6;
import static dev.heed.core.internal.kernel.GeluF32.C7;
import static dev.heed.core.internal.kernel.GeluF32.C8;
import static dev.heed.core.internal.kernel.GeluF32.C9;
import static dev.heed.core.internal.kernel.GeluF32.E2;
import static dev.heed.core.internal.kernel.GeluF32.E3;
import static dev.heed.core.internal.kernel.GeluF32.E4;
import static dev.heed.core.internal.kernel.GeluF32.E5;
import static dev.heed.core.internal.kernel.GeluF32.E6;
import static dev.heed.core.internal.kernel.GeluF32.EXP_MIN;
import static dev.heed.core.internal.kernel.GeluF32.INV_SQRT2;
import static dev.heed.core.internal.kernel.GeluF32.LN2_HI;
import static dev.heed.core.internal.kernel.GeluF32.LN2_LO;
import static dev.heed.core.internal.kernel.GeluF32.LOG2E;
import static dev.heed.core.internal.kernel.GeluF32.PDF0;
import static dev.heed.core.internal.kernel.GeluF32.ROUND_MAGIC;

import dev.heed.core.internal.kernel.GeluF32;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The lane-wise twin of {@link GeluF32#forward}: the same IEEE operations in the same order, so
 * the vector and scalar kernels give identical bits (the loop tail runs the scalar one).
 */
final class VectorGelu {

    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int FL = FS.length();

    private VectorGelu() {}

    /** Elements per block: the derivative pass re-reads a block while it is still in L1. */
    private static final int BLOCK = 2048;

    static void forward(float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff, int n) {
        int bound = FS.loopBound(n);
        // Each pass calls the exponential once: with two calls in one loop C2 stops inlining it
        // and every vector op falls back to Java code (5x slower).
        for (int lo = 0; lo < bound; lo += BLOCK) {
            int hi = Math.min(bound, lo + BLOCK);
            if (dy == null) {
                values(x, xOff, y, yOff, null, 0, lo, hi);
            } else {
                // the CDF goes to dy first; the second pass reads x and the CDF, then writes y and dy
                values(x, xOff, null, 0, dy, dyOff, lo, hi);
                derivatives(x, xOff, y, yOff, dy, dyOff, lo, hi);
            }
        }
        GeluF32.forward(x, xOff + bound, y, yOff + bound, dy, dyOff + bound, n - bound);
    }

    /** {@code y = x Φ(x)}, or, when {@code y} is null, {@code Φ(x)} into {@code cdfOut}. */
    private static void values(float[] x, int xOff, float[] y, int yOff, float[] cdfOut, int cdfOff, int lo, int hi) {
        FloatVector one = FloatVector.broadcast(FS, 1f);
        for (int i = lo; i < hi; i += FL) {
            FloatVector xv = FloatVector.fromArray(FS, x, xOff + i);
            FloatVector z = xv.abs().mul(INV_SQRT2);
            FloatVector t = one.div(z.fma(0.5f, 1f));
            FloatVector p = t.fma(C9, C8);
            p = p.fma(t, FloatVector.broadcast(FS, C7));
            p = p.fma(t, FloatVector.broadcast(FS, C6));
            p = p.fma(t, FloatVector.broadcast(FS, C5));
            p = p.fma(t, FloatVector.broadcast(FS, C4));
            p = p.fma(t, FloatVector.broadcast(FS, C3));
            p = p.fma(t, FloatVector.broadcast(FS, C2));
            p = p.fma(t, FloatVector.broadcast(FS, C1));
            FloatVector x2 = xv.mul(xv);
            FloatVector sq = x2.mul(-0.5f);
            FloatVector sqLo = xv.fma(xv, x2.mul(-1f)).mul(-0.5f);
            FloatVector half = t.mul(expOfSum(sq, p.fma(t, FloatVector.broadcast(FS, C0)), sqLo)).mul(0.5f);
            FloatVector cdf = half.blend(one.sub(half), xv.compare(VectorOperators.GE, 0f));
            if (y == null) {
                cdf.intoArray(cdfOut, cdfOff + i);
            } else {
                xv.mul(cdf).intoArray(y, yOff + i);
            }
        }
    }

    /**
     * {@code y = x cdf} and {@code dy = fma(x φ0, e, cdf)} with {@code e = exp(−x²/2)}, reading
     * the CDF from {@code dy}.
     */
    private static void derivatives(float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff, int lo, int hi) {
        FloatVector zero = FloatVector.zero(FS);
        for (int i = lo; i < hi; i += FL) {
            FloatVector xv = FloatVector.fromArray(FS, x, xOff + i);
            FloatVector cdf = FloatVector.fromArray(FS, dy, dyOff + i);
            FloatVector x2 = xv.mul(xv);
            FloatVector sq = x2.mul(-0.5f);
            FloatVector sqLo = xv.fma(xv, x2.mul(-1f)).mul(-0.5f);
            FloatVector e = expOfSum(sq, zero, sqLo);
            FloatVector d = xv.mul(PDF0).fma(e, cdf);
            d.blend(cdf, e.compare(VectorOperators.EQ, 0f)).intoArray(dy, dyOff + i);
            xv.mul(cdf).intoArray(y, yOff + i);
        }
    }

    /** The lane-wise twin of {@link GeluF32#expOfSum}. */
    static FloatVector expOfSum(FloatVector a, FloatVector b, FloatVector c) {
        FloatVector s = a.add(b);
        FloatVector shifted = s.mul(LOG2E).add(ROUND_MAGIC);
        FloatVector kf = shifted.sub(ROUND_MAGIC);
        FloatVector f = kf.fma(FloatVector.broadcast(FS, -LN2_HI), a);
        f = f.add(b);
        f = f.add(c);
        f = kf.fma(FloatVector.broadcast(FS, -LN2_LO), f);
        FloatVector p = f.fma(E6, E5);
        p = p.fma(f, FloatVector.broadcast(FS, E4));
        p = p.fma(f, FloatVector.broadcast(FS, E3));
        p = p.fma(f, FloatVector.broadcast(FS, E2));
        p = p.fma(f, FloatVector.broadcast(FS, 1f));
        p = p.fma(f, FloatVector.broadcast(FS, 1f));
        // the low bits of shifted hold k (see GeluF32.expOfSum); a float-to-int conversion would
        // not be intrinsified here
        FloatVector scale = shifted.reinterpretAsInts().add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale).blend(FloatVector.zero(FS), s.compare(VectorOperators.LT, EXP_MIN));
    }
}
