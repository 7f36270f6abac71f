package dev.heed.core.internal.kernel.vector;

import static dev.heed.core.internal.kernel.DetMath.C10;
import static dev.heed.core.internal.kernel.DetMath.C11;
import static dev.heed.core.internal.kernel.DetMath.C12;
import static dev.heed.core.internal.kernel.DetMath.C13;
import static dev.heed.core.internal.kernel.DetMath.C2;
import static dev.heed.core.internal.kernel.DetMath.C3;
import static dev.heed.core.internal.kernel.DetMath.C4;
import static dev.heed.core.internal.kernel.DetMath.C5;
import static dev.heed.core.internal.kernel.DetMath.C6;
import static dev.heed.core.internal.kernel.DetMath.C7;
import static dev.heed.core.internal.kernel.DetMath.C8;
import static dev.heed.core.internal.kernel.DetMath.C9;
import static dev.heed.core.internal.kernel.DetMath.EXPF_MAX;
import static dev.heed.core.internal.kernel.DetMath.EXPF_MIN;
import static dev.heed.core.internal.kernel.DetMath.EXP_MAX;
import static dev.heed.core.internal.kernel.DetMath.EXP_MIN;
import static dev.heed.core.internal.kernel.DetMath.LG1;
import static dev.heed.core.internal.kernel.DetMath.LG2;
import static dev.heed.core.internal.kernel.DetMath.LG3;
import static dev.heed.core.internal.kernel.DetMath.LG4;
import static dev.heed.core.internal.kernel.DetMath.LG5;
import static dev.heed.core.internal.kernel.DetMath.LG6;
import static dev.heed.core.internal.kernel.DetMath.LG7;
import static dev.heed.core.internal.kernel.DetMath.LN2;
import static dev.heed.core.internal.kernel.DetMath.LN2_HI;
import static dev.heed.core.internal.kernel.DetMath.LN2_LO;
import static dev.heed.core.internal.kernel.DetMath.LOG2E;
import static dev.heed.core.internal.kernel.DetMath.MANT;
import static dev.heed.core.internal.kernel.DetMath.SHIFT_D;
import static dev.heed.core.internal.kernel.DetMath.SHIFT_D_BITS;
import static dev.heed.core.internal.kernel.DetMath.SIGN;
import static dev.heed.core.internal.kernel.DetMath.SQRTH_BITS;
import static dev.heed.core.internal.kernel.DetMath.TANH_SAT;
import static dev.heed.core.internal.kernel.DetMath.TANH_SAT_F;
import static dev.heed.core.internal.kernel.DetMath.TANH_SMALL;
import static dev.heed.core.internal.kernel.DetMath.TD0;
import static dev.heed.core.internal.kernel.DetMath.TD1;
import static dev.heed.core.internal.kernel.DetMath.TD2;
import static dev.heed.core.internal.kernel.DetMath.TN0;
import static dev.heed.core.internal.kernel.DetMath.TN1;
import static dev.heed.core.internal.kernel.DetMath.TN2;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The lane-wise twins of {@link dev.heed.core.internal.kernel.DetMath}: the same operations in
 * the same order, on float64 lanes (float32 inputs are widened, evaluated and rounded once, like
 * the scalar versions). Only add, subtract, multiply, divide, fma, min/max, compare/blend and bit
 * operations are used — never the Vector API's transcendental operators, whose compiled and
 * interpreted forms differ in the last bits — so every lane equals the scalar result bit for bit
 * before and after JIT compilation.
 */
final class VMath {

    private VMath() {}

    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;

    /** Twin of {@code DetMath.expForFloat}. */
    static DoubleVector expForFloat(DoubleVector x) {
        DoubleVector xc = x.min(EXPF_MAX).max(EXPF_MIN);
        DoubleVector t = xc.fma(LOG2E, SHIFT_D);
        DoubleVector kf = t.sub(SHIFT_D);
        LongVector k = t.reinterpretAsLongs();
        DoubleVector r = kf.fma(bc(-LN2), xc);
        DoubleVector p = r.fma(C9, C8);
        p = p.fma(r, bc(C7));
        p = p.fma(r, bc(C6));
        p = p.fma(r, bc(C5));
        p = p.fma(r, bc(C4));
        p = p.fma(r, bc(C3));
        p = p.fma(r, bc(C2));
        DoubleVector q = p.fma(r.mul(r), r);
        return q.add(1.0).mul(pow2(k.sub(SHIFT_D_BITS)));
    }

    /** Twin of {@code DetMath.tanhForFloat}. */
    static DoubleVector tanhForFloat(DoubleVector x) {
        DoubleVector a2 = x.abs().min(TANH_SAT_F).mul(2.0);
        DoubleVector t = a2.fma(LOG2E, SHIFT_D);
        DoubleVector kf = t.sub(SHIFT_D);
        LongVector k = t.reinterpretAsLongs();
        DoubleVector r = kf.fma(bc(-LN2), a2);
        DoubleVector p = r.fma(C9, C8);
        p = p.fma(r, bc(C7));
        p = p.fma(r, bc(C6));
        p = p.fma(r, bc(C5));
        p = p.fma(r, bc(C4));
        p = p.fma(r, bc(C3));
        p = p.fma(r, bc(C2));
        DoubleVector qr = p.fma(r.mul(r), r);
        DoubleVector s = pow2(k.sub(SHIFT_D_BITS));
        DoubleVector q = s.fma(qr, s.sub(1.0));
        return withSignOf(q.div(q.add(2.0)), x);
    }

    /** Twin of {@code DetMath.sigmoid(float)} before the rounding to float32. */
    static DoubleVector sigmoidForFloat(DoubleVector x) {
        DoubleVector e = expForFloat(x.abs().neg());
        DoubleVector num = e.blend(1.0, x.compare(VectorOperators.GE, 0.0));
        return num.div(e.add(1.0));
    }

    /** Twin of {@code DetMath.exp(double)}. */
    static DoubleVector exp(DoubleVector x) {
        DoubleVector xc = x.min(EXP_MAX).max(EXP_MIN);
        DoubleVector t = xc.fma(LOG2E, SHIFT_D);
        DoubleVector kf = t.sub(SHIFT_D);
        LongVector k = (t.reinterpretAsLongs()).sub(SHIFT_D_BITS);
        DoubleVector r = kf.fma(bc(-LN2_HI), xc);
        r = kf.fma(bc(-LN2_LO), r);
        DoubleVector p = r.fma(C13, C12);
        p = p.fma(r, bc(C11));
        p = p.fma(r, bc(C10));
        p = p.fma(r, bc(C9));
        p = p.fma(r, bc(C8));
        p = p.fma(r, bc(C7));
        p = p.fma(r, bc(C6));
        p = p.fma(r, bc(C5));
        p = p.fma(r, bc(C4));
        p = p.fma(r, bc(C3));
        p = p.fma(r, bc(C2));
        DoubleVector y = p.fma(r.mul(r), r).add(1.0);
        LongVector k1 = k.lanewise(VectorOperators.ASHR, 1);
        return y.mul(pow2(k1)).mul(pow2(k.sub(k1)));
    }

    /** Twin of {@code DetMath.log(double)}. */
    static DoubleVector log(DoubleVector x) {
        VectorMask<Double> sub = x.compare(VectorOperators.LT, Double.MIN_NORMAL);
        DoubleVector xs = x.blend(x.mul(0x1p52), sub);
        LongVector ix = xs.reinterpretAsLongs().sub(SQRTH_BITS);
        DoubleVector ef = ix.lanewise(VectorOperators.ASHR, 52).add(SHIFT_D_BITS).reinterpretAsDoubles()
                .sub(SHIFT_D).sub(DoubleVector.zero(DS).blend(52.0, sub));
        DoubleVector f = ix.and(MANT).add(SQRTH_BITS).reinterpretAsDoubles().sub(1.0);
        DoubleVector s = f.div(f.add(2.0));
        DoubleVector z = s.mul(s);
        DoubleVector w = z.mul(z);
        DoubleVector t1 = w.mul(w.fma(w.fma(LG6, LG4), bc(LG2)));
        DoubleVector t2 = z.mul(w.fma(w.fma(w.fma(LG7, LG5), bc(LG3)), bc(LG1)));
        DoubleVector rr = t2.add(t1);
        DoubleVector hfsq = f.mul(0.5).mul(f);
        DoubleVector inner = s.fma(hfsq.add(rr), ef.mul(LN2_LO));
        DoubleVector res = ef.fma(bc(LN2_HI), hfsq.sub(inner).sub(f).neg());
        res = res.blend(Double.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Double.POSITIVE_INFINITY));
        res = res.blend(Double.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0.0));
        return res.blend(Double.NaN, x.compare(VectorOperators.LT, 0.0).or(x.compare(VectorOperators.NE, x)));
    }

    /** Twin of {@code DetMath.tanh(double)}. */
    static DoubleVector tanh(DoubleVector x) {
        DoubleVector ax = x.abs();
        VectorMask<Double> small = ax.compare(VectorOperators.LT, TANH_SMALL);
        DoubleVector t = null;
        if (!small.allTrue()) {
            DoubleVector e = exp(ax.min(TANH_SAT).mul(2.0));
            t = DoubleVector.broadcast(DS, 1.0).sub(DoubleVector.broadcast(DS, 2.0).div(e.add(1.0)));
        }
        if (small.anyTrue()) {
            DoubleVector z = ax.mul(ax);
            DoubleVector num = z.fma(TN2, TN1).fma(z, bc(TN0));
            DoubleVector den = z.add(TD2).fma(z, bc(TD1)).fma(z, bc(TD0));
            DoubleVector ts = ax.mul(z).fma(num.div(den), ax);
            t = t == null ? ts : t.blend(ts, small);
        }
        return withSignOf(t, x);
    }

    /** Twin of {@code DetMath.sigmoid(double)}. */
    static DoubleVector sigmoid(DoubleVector x) {
        DoubleVector e = exp(x.abs().neg());
        DoubleVector num = e.blend(1.0, x.compare(VectorOperators.GE, 0.0));
        return num.div(e.add(1.0));
    }

    private static DoubleVector bc(double c) {
        return DoubleVector.broadcast(DS, c);
    }

    /** @return 2^k for integer lanes k in the normal exponent range, built in the exponent bits */
    private static DoubleVector pow2(LongVector k) {
        return k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
    }

    /** @return {@code v} (non-negative or NaN) with the sign bit of {@code x} */
    private static DoubleVector withSignOf(DoubleVector v, DoubleVector x) {
        LongVector sign = x.reinterpretAsLongs().and(SIGN);
        return v.reinterpretAsLongs().or(sign).reinterpretAsDoubles();
    }
}
