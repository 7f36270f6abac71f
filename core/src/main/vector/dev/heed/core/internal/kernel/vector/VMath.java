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
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The lane-wise twins of {@link dev.heed.core.internal.kernel.DetMath}: the same operations in
 * the same order, on float64 lanes (float32 inputs are widened, evaluated and rounded once, like
 * the scalar versions). Only add, subtract, multiply, divide, fma, min/max, compare/blend,
 * conversions between float and double, and bit operations are used — never the Vector API's
 * transcendental operators, whose compiled and interpreted forms differ in the last bits — so
 * every lane equals the scalar result bit for bit, before and after JIT compilation.
 *
 * <p>Each function is a whole loop with the arithmetic written out inside it, on purpose: C2
 * removes the vector objects only when everything is inlined into the loop, and it refuses to
 * inline a helper that has already been compiled on its own into a large method, after which
 * every vector would be allocated on the heap (tens of times slower).
 *
 * <p>Lane-wise min/max and blends are slow on C2, so each loop first checks a chunk of inputs
 * with integer bit operations: when every input of the chunk lies where the scalar twin's clamps
 * and special-value cases do nothing (|x| at most a bound, or a positive normal number for log),
 * it runs a loop without them; otherwise the full version, kept in a separate method so that the
 * common method stays small (C2 compiles these large loops slowly). Both give the twin's bits.
 *
 * <p>The arithmetic is repeated in several loops (exp inside sigmoid, tanh and the softmax, each
 * with and without clamps). A change to {@code DetMath} must be made to every copy here in the
 * same order; {@code DetMathTest} compares every kernel with the scalar twin bit for bit.
 *
 * <p><b>One shape per element type.</b> The whole vector backend uses only the preferred species:
 * {@code FloatVector.SPECIES_PREFERRED} for floats, {@code DoubleVector.SPECIES_PREFERRED} for
 * doubles, and ints and longs of that same shape — never a half-width float species. The Vector
 * API's shared methods ({@code intoArray}, {@code fma}, {@code reinterpretAsInts}, ...) keep one
 * type profile for all callers; a second float vector class in the process pollutes it, C2 can
 * then no longer treat the vector class as constant in {@code SGemm.kernelPacked}, its store
 * intrinsic fails, the accumulators are boxed and float32 matrix products run about ten times
 * slower. So a float32 loop loads a full float vector, widens its two halves into two double
 * vectors ({@code convertShape(F2D, DS, 0)} and {@code (F2D, DS, 1)}), evaluates the function on
 * each (the body is written out twice: a helper would box the vectors), narrows them into the
 * low and the high lanes ({@code convertShape(D2F, FS, 0)} and {@code (D2F, FS, -1)}, the other
 * lanes zero) and stores their bitwise or. The high half is computed first on purpose: with the
 * low half first, C2 on JDK 17 failed one intrinsic ({@code reinterpretAsLongs}: its target class
 * was not a compile-time constant) in the second copy of the float32 exp loop, which then ran six
 * times slower. Check a change to these loops with {@code TranscendentalSpeed}.
 */
final class VMath {

    private VMath() {}

    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final int FL = FS.length();
    private static final int DL = DS.length();
    /** Ints of the same shape as {@link #FS}. */
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, FS.vectorShape());
    /** Longs of the same shape as {@link #DS}. */
    private static final VectorSpecies<Long> LS = VectorSpecies.of(long.class, DS.vectorShape());
    /** Elements checked at once for the fast path (a multiple of every lane count). */
    private static final int CHUNK = 512;

    /** Bits of 88f: float32 exp and sigmoid clamps do nothing at or below this |x|. */
    private static final int F_EXP_SAFE = Float.floatToRawIntBits(88f);
    /** Bits of the float32 tanh saturation bound. */
    private static final int F_TANH_SAFE = Float.floatToRawIntBits((float) TANH_SAT_F);
    /** Bits of 700.0: float64 exp and sigmoid clamps do nothing at or below this |x|. */
    private static final long D_EXP_SAFE = Double.doubleToRawLongBits(700.0);
    /** Bits of the float64 tanh saturation bound. */
    private static final long D_TANH_SAFE = Double.doubleToRawLongBits(TANH_SAT);

    /** @return whether every |a[off + i]|, i < n (a multiple of FL), is at most the float with bits {@code limit} (false for NaN) */
    private static boolean absAtMost(float[] a, int off, int n, int limit) {
        IntVector acc = IntVector.zero(IS);
        for (int i = 0; i < n; i += FL) {
            acc = acc.or(FloatVector.fromArray(FS, a, off + i).reinterpretAsInts().and(0x7fffffff).add(0x7fffffff - limit));
        }
        return acc.reduceLanes(VectorOperators.OR) >= 0;
    }

    /** @return whether every |a[off + i]|, i < n (a multiple of DL), is at most the double with bits {@code limit} (false for NaN) */
    private static boolean absAtMost(double[] a, int off, int n, long limit) {
        LongVector acc = LongVector.zero(LS);
        for (int i = 0; i < n; i += DL) {
            acc = acc.or(DoubleVector.fromArray(DS, a, off + i).reinterpretAsLongs().and(Long.MAX_VALUE).add(Long.MAX_VALUE - limit));
        }
        return acc.reduceLanes(VectorOperators.OR) >= 0;
    }

    /** @return whether every a[off + i], i < n (a multiple of FL), is a positive normal finite float */
    private static boolean positiveNormal(float[] a, int off, int n) {
        IntVector acc = IntVector.zero(IS);
        for (int i = 0; i < n; i += FL) {
            IntVector u = FloatVector.fromArray(FS, a, off + i).reinterpretAsInts().sub(0x00800000);
            acc = acc.or(u).or(u.add(0x01000000));
        }
        return acc.reduceLanes(VectorOperators.OR) >= 0;
    }

    /** @return whether every a[off + i], i < n (a multiple of DL), is a positive normal finite double */
    private static boolean positiveNormal(double[] a, int off, int n) {
        LongVector acc = LongVector.zero(LS);
        for (int i = 0; i < n; i += DL) {
            LongVector u = DoubleVector.fromArray(DS, a, off + i).reinterpretAsLongs().sub(0x0010000000000000L);
            acc = acc.or(u).or(u.add(0x0020000000000000L));
        }
        return acc.reduceLanes(VectorOperators.OR) >= 0;
    }

    /**
     * {@code out = (float) DetMath.expForFloat(in)} lane by lane.
     *
     * @return how many leading elements were written (a multiple of the lane count; the caller
     *     finishes the rest with the scalar twin)
     */
    static int expF32(float[] in, int inOff, float[] out, int outOff, int n) {
        DoubleVector fMax = DoubleVector.broadcast(DS, EXPF_MAX);
        DoubleVector fMin = DoubleVector.broadcast(DS, EXPF_MIN);
        DoubleVector log2e = DoubleVector.broadcast(DS, LOG2E);
        DoubleVector shift = DoubleVector.broadcast(DS, SHIFT_D);
        DoubleVector negLn2 = DoubleVector.broadcast(DS, -LN2);
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        DoubleVector c2 = DoubleVector.broadcast(DS, C2);
        DoubleVector c3 = DoubleVector.broadcast(DS, C3);
        DoubleVector c4 = DoubleVector.broadcast(DS, C4);
        DoubleVector c5 = DoubleVector.broadcast(DS, C5);
        DoubleVector c6 = DoubleVector.broadcast(DS, C6);
        DoubleVector c7 = DoubleVector.broadcast(DS, C7);
        DoubleVector c8 = DoubleVector.broadcast(DS, C8);
        DoubleVector c9 = DoubleVector.broadcast(DS, C9);
        int bound = FS.loopBound(n);
        for (int c = 0; c < bound; c += CHUNK) {
            int end = Math.min(bound, c + CHUNK);
            if (absAtMost(in, inOff + c, end - c, F_EXP_SAFE)) {
                for (int i = c; i < end; i += FL) {
                    FloatVector xf = FloatVector.fromArray(FS, in, inOff + i);
                    FloatVector yHi;
                    {
                        DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, 1);
                        DoubleVector xc = x;
                        DoubleVector t = xc.fma(log2e, shift);
                        LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
                        DoubleVector r = t.sub(shift).fma(negLn2, xc);
                        DoubleVector p = r.fma(c9, c8).fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2);
                        DoubleVector y = p.fma(r.mul(r), r).add(one)
                                .mul(k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
                        yHi = (FloatVector) y.convertShape(VectorOperators.D2F, FS, -1);
                    }
                    FloatVector yLo;
                    {
                        DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, 0);
                        DoubleVector xc = x;
                        DoubleVector t = xc.fma(log2e, shift);
                        LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
                        DoubleVector r = t.sub(shift).fma(negLn2, xc);
                        DoubleVector p = r.fma(c9, c8).fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2);
                        DoubleVector y = p.fma(r.mul(r), r).add(one)
                                .mul(k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
                        yLo = (FloatVector) y.convertShape(VectorOperators.D2F, FS, 0);
                    }
                    yLo.reinterpretAsInts().or(yHi.reinterpretAsInts()).reinterpretAsFloats().intoArray(out, outOff + i);
                }
            } else {
                expF32Full(in, inOff, out, outOff, c, end);
            }
        }
        return bound;
    }

    /**
     * The full version of {@link #expF32} (clamps and special values) for elements
     * {@code [from, to)}, in a method of its own so that C2 compiles it only if it gets hot.
     */
    private static void expF32Full(float[] in, int inOff, float[] out, int outOff, int from, int to) {
        DoubleVector fMax = DoubleVector.broadcast(DS, EXPF_MAX);
        DoubleVector fMin = DoubleVector.broadcast(DS, EXPF_MIN);
        DoubleVector log2e = DoubleVector.broadcast(DS, LOG2E);
        DoubleVector shift = DoubleVector.broadcast(DS, SHIFT_D);
        DoubleVector negLn2 = DoubleVector.broadcast(DS, -LN2);
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        DoubleVector c2 = DoubleVector.broadcast(DS, C2);
        DoubleVector c3 = DoubleVector.broadcast(DS, C3);
        DoubleVector c4 = DoubleVector.broadcast(DS, C4);
        DoubleVector c5 = DoubleVector.broadcast(DS, C5);
        DoubleVector c6 = DoubleVector.broadcast(DS, C6);
        DoubleVector c7 = DoubleVector.broadcast(DS, C7);
        DoubleVector c8 = DoubleVector.broadcast(DS, C8);
        DoubleVector c9 = DoubleVector.broadcast(DS, C9);
        for (int i = from; i < to; i += FL) {
            FloatVector xf = FloatVector.fromArray(FS, in, inOff + i);
            FloatVector yHi;
            {
                DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, 1);
                DoubleVector xc = x.min(fMax).max(fMin);
                DoubleVector t = xc.fma(log2e, shift);
                LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
                DoubleVector r = t.sub(shift).fma(negLn2, xc);
                DoubleVector p = r.fma(c9, c8).fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2);
                DoubleVector y = p.fma(r.mul(r), r).add(one)
                        .mul(k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
                yHi = (FloatVector) y.convertShape(VectorOperators.D2F, FS, -1);
            }
            FloatVector yLo;
            {
                DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, 0);
                DoubleVector xc = x.min(fMax).max(fMin);
                DoubleVector t = xc.fma(log2e, shift);
                LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
                DoubleVector r = t.sub(shift).fma(negLn2, xc);
                DoubleVector p = r.fma(c9, c8).fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2);
                DoubleVector y = p.fma(r.mul(r), r).add(one)
                        .mul(k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
                yLo = (FloatVector) y.convertShape(VectorOperators.D2F, FS, 0);
            }
            yLo.reinterpretAsInts().or(yHi.reinterpretAsInts()).reinterpretAsFloats().intoArray(out, outOff + i);
        }
    }

    /**
     * {@code out = (float) DetMath.log((double) in)} lane by lane.
     *
     * @return how many leading elements were written (a multiple of the lane count; the caller
     *     finishes the rest with the scalar twin)
     */
    static int logF32(float[] in, int inOff, float[] out, int outOff, int n) {
        DoubleVector shift = DoubleVector.broadcast(DS, SHIFT_D);
        DoubleVector zero = DoubleVector.zero(DS);
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        DoubleVector two = DoubleVector.broadcast(DS, 2.0);
        DoubleVector ln2Hi = DoubleVector.broadcast(DS, LN2_HI);
        DoubleVector lg1 = DoubleVector.broadcast(DS, LG1);
        DoubleVector lg2 = DoubleVector.broadcast(DS, LG2);
        DoubleVector lg3 = DoubleVector.broadcast(DS, LG3);
        DoubleVector lg4 = DoubleVector.broadcast(DS, LG4);
        DoubleVector lg5 = DoubleVector.broadcast(DS, LG5);
        DoubleVector lg6 = DoubleVector.broadcast(DS, LG6);
        DoubleVector lg7 = DoubleVector.broadcast(DS, LG7);
        int bound = FS.loopBound(n);
        for (int c = 0; c < bound; c += CHUNK) {
            int end = Math.min(bound, c + CHUNK);
            if (positiveNormal(in, inOff + c, end - c)) {
                for (int i = c; i < end; i += FL) {
                    FloatVector xf = FloatVector.fromArray(FS, in, inOff + i);
                    FloatVector yHi;
                    {
                        DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, 1);
                        LongVector ix = x.reinterpretAsLongs().sub(SQRTH_BITS);
                        DoubleVector ef = ix.lanewise(VectorOperators.ASHR, 52).add(SHIFT_D_BITS).reinterpretAsDoubles().sub(shift);
                        DoubleVector f = ix.and(MANT).add(SQRTH_BITS).reinterpretAsDoubles().sub(one);
                        DoubleVector s = f.div(f.add(two));
                        DoubleVector z = s.mul(s);
                        DoubleVector w = z.mul(z);
                        DoubleVector rr = z.mul(w.fma(w.fma(w.fma(lg7, lg5), lg3), lg1)).add(w.mul(w.fma(w.fma(lg6, lg4), lg2)));
                        DoubleVector hfsq = f.mul(0.5).mul(f);
                        DoubleVector inner = s.fma(hfsq.add(rr), ef.mul(LN2_LO));
                        DoubleVector y = ef.fma(ln2Hi, hfsq.sub(inner).sub(f).neg());
                        yHi = (FloatVector) y.convertShape(VectorOperators.D2F, FS, -1);
                    }
                    FloatVector yLo;
                    {
                        DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, 0);
                        LongVector ix = x.reinterpretAsLongs().sub(SQRTH_BITS);
                        DoubleVector ef = ix.lanewise(VectorOperators.ASHR, 52).add(SHIFT_D_BITS).reinterpretAsDoubles().sub(shift);
                        DoubleVector f = ix.and(MANT).add(SQRTH_BITS).reinterpretAsDoubles().sub(one);
                        DoubleVector s = f.div(f.add(two));
                        DoubleVector z = s.mul(s);
                        DoubleVector w = z.mul(z);
                        DoubleVector rr = z.mul(w.fma(w.fma(w.fma(lg7, lg5), lg3), lg1)).add(w.mul(w.fma(w.fma(lg6, lg4), lg2)));
                        DoubleVector hfsq = f.mul(0.5).mul(f);
                        DoubleVector inner = s.fma(hfsq.add(rr), ef.mul(LN2_LO));
                        DoubleVector y = ef.fma(ln2Hi, hfsq.sub(inner).sub(f).neg());
                        yLo = (FloatVector) y.convertShape(VectorOperators.D2F, FS, 0);
                    }
                    yLo.reinterpretAsInts().or(yHi.reinterpretAsInts()).reinterpretAsFloats().intoArray(out, outOff + i);
                }
            } else {
                logF32Full(in, inOff, out, outOff, c, end);
            }
        }
        return bound;
    }

    /**
     * The full version of {@link #logF32} (clamps and special values) for elements
     * {@code [from, to)}, in a method of its own so that C2 compiles it only if it gets hot.
     */
    private static void logF32Full(float[] in, int inOff, float[] out, int outOff, int from, int to) {
        DoubleVector shift = DoubleVector.broadcast(DS, SHIFT_D);
        DoubleVector zero = DoubleVector.zero(DS);
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        DoubleVector two = DoubleVector.broadcast(DS, 2.0);
        DoubleVector ln2Hi = DoubleVector.broadcast(DS, LN2_HI);
        DoubleVector lg1 = DoubleVector.broadcast(DS, LG1);
        DoubleVector lg2 = DoubleVector.broadcast(DS, LG2);
        DoubleVector lg3 = DoubleVector.broadcast(DS, LG3);
        DoubleVector lg4 = DoubleVector.broadcast(DS, LG4);
        DoubleVector lg5 = DoubleVector.broadcast(DS, LG5);
        DoubleVector lg6 = DoubleVector.broadcast(DS, LG6);
        DoubleVector lg7 = DoubleVector.broadcast(DS, LG7);
        for (int i = from; i < to; i += FL) {
            FloatVector xf = FloatVector.fromArray(FS, in, inOff + i);
            FloatVector yHi;
            {
                DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, 1);
                VectorMask<Double> sub = x.compare(VectorOperators.LT, Double.MIN_NORMAL);
                LongVector ix = x.blend(x.mul(0x1p52), sub).reinterpretAsLongs().sub(SQRTH_BITS);
                DoubleVector ef = ix.lanewise(VectorOperators.ASHR, 52).add(SHIFT_D_BITS).reinterpretAsDoubles()
                        .sub(shift).sub(zero.blend(52.0, sub));
                DoubleVector f = ix.and(MANT).add(SQRTH_BITS).reinterpretAsDoubles().sub(one);
                DoubleVector s = f.div(f.add(two));
                DoubleVector z = s.mul(s);
                DoubleVector w = z.mul(z);
                DoubleVector rr = z.mul(w.fma(w.fma(w.fma(lg7, lg5), lg3), lg1)).add(w.mul(w.fma(w.fma(lg6, lg4), lg2)));
                DoubleVector hfsq = f.mul(0.5).mul(f);
                DoubleVector inner = s.fma(hfsq.add(rr), ef.mul(LN2_LO));
                DoubleVector y = ef.fma(ln2Hi, hfsq.sub(inner).sub(f).neg())
                        .blend(Double.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Double.POSITIVE_INFINITY))
                        .blend(Double.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0.0))
                        .blend(Double.NaN, x.compare(VectorOperators.LT, 0.0).or(x.compare(VectorOperators.NE, x)));
                yHi = (FloatVector) y.convertShape(VectorOperators.D2F, FS, -1);
            }
            FloatVector yLo;
            {
                DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, 0);
                VectorMask<Double> sub = x.compare(VectorOperators.LT, Double.MIN_NORMAL);
                LongVector ix = x.blend(x.mul(0x1p52), sub).reinterpretAsLongs().sub(SQRTH_BITS);
                DoubleVector ef = ix.lanewise(VectorOperators.ASHR, 52).add(SHIFT_D_BITS).reinterpretAsDoubles()
                        .sub(shift).sub(zero.blend(52.0, sub));
                DoubleVector f = ix.and(MANT).add(SQRTH_BITS).reinterpretAsDoubles().sub(one);
                DoubleVector s = f.div(f.add(two));
                DoubleVector z = s.mul(s);
                DoubleVector w = z.mul(z);
                DoubleVector rr = z.mul(w.fma(w.fma(w.fma(lg7, lg5), lg3), lg1)).add(w.mul(w.fma(w.fma(lg6, lg4), lg2)));
                DoubleVector hfsq = f.mul(0.5).mul(f);
                DoubleVector inner = s.fma(hfsq.add(rr), ef.mul(LN2_LO));
                DoubleVector y = ef.fma(ln2Hi, hfsq.sub(inner).sub(f).neg())
                        .blend(Double.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Double.POSITIVE_INFINITY))
                        .blend(Double.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0.0))
                        .blend(Double.NaN, x.compare(VectorOperators.LT, 0.0).or(x.compare(VectorOperators.NE, x)));
                yLo = (FloatVector) y.convertShape(VectorOperators.D2F, FS, 0);
            }
            yLo.reinterpretAsInts().or(yHi.reinterpretAsInts()).reinterpretAsFloats().intoArray(out, outOff + i);
        }
    }

    /**
     * {@code out = (float) DetMath.tanhForFloat(in)} lane by lane.
     *
     * @return how many leading elements were written (a multiple of the lane count; the caller
     *     finishes the rest with the scalar twin)
     */
    static int tanhF32(float[] in, int inOff, float[] out, int outOff, int n) {
        DoubleVector tanhSatF = DoubleVector.broadcast(DS, TANH_SAT_F);
        DoubleVector log2e = DoubleVector.broadcast(DS, LOG2E);
        DoubleVector shift = DoubleVector.broadcast(DS, SHIFT_D);
        DoubleVector negLn2 = DoubleVector.broadcast(DS, -LN2);
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        DoubleVector c2 = DoubleVector.broadcast(DS, C2);
        DoubleVector c3 = DoubleVector.broadcast(DS, C3);
        DoubleVector c4 = DoubleVector.broadcast(DS, C4);
        DoubleVector c5 = DoubleVector.broadcast(DS, C5);
        DoubleVector c6 = DoubleVector.broadcast(DS, C6);
        DoubleVector c7 = DoubleVector.broadcast(DS, C7);
        DoubleVector c8 = DoubleVector.broadcast(DS, C8);
        DoubleVector c9 = DoubleVector.broadcast(DS, C9);
        int bound = FS.loopBound(n);
        for (int c = 0; c < bound; c += CHUNK) {
            int end = Math.min(bound, c + CHUNK);
            if (absAtMost(in, inOff + c, end - c, F_TANH_SAFE)) {
                for (int i = c; i < end; i += FL) {
                    FloatVector xf = FloatVector.fromArray(FS, in, inOff + i);
                    FloatVector yHi;
                    {
                        DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, 1);
                        DoubleVector a2 = x.abs().mul(2.0);
                        DoubleVector t = a2.fma(log2e, shift);
                        LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
                        DoubleVector r = t.sub(shift).fma(negLn2, a2);
                        DoubleVector p = r.fma(c9, c8).fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2);
                        DoubleVector qr = p.fma(r.mul(r), r);
                        DoubleVector s = k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
                        DoubleVector q = s.fma(qr, s.sub(one));
                        DoubleVector th = q.div(q.add(2.0));
                        DoubleVector y = th.reinterpretAsLongs().or(x.reinterpretAsLongs().and(SIGN)).reinterpretAsDoubles();
                        yHi = (FloatVector) y.convertShape(VectorOperators.D2F, FS, -1);
                    }
                    FloatVector yLo;
                    {
                        DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, 0);
                        DoubleVector a2 = x.abs().mul(2.0);
                        DoubleVector t = a2.fma(log2e, shift);
                        LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
                        DoubleVector r = t.sub(shift).fma(negLn2, a2);
                        DoubleVector p = r.fma(c9, c8).fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2);
                        DoubleVector qr = p.fma(r.mul(r), r);
                        DoubleVector s = k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
                        DoubleVector q = s.fma(qr, s.sub(one));
                        DoubleVector th = q.div(q.add(2.0));
                        DoubleVector y = th.reinterpretAsLongs().or(x.reinterpretAsLongs().and(SIGN)).reinterpretAsDoubles();
                        yLo = (FloatVector) y.convertShape(VectorOperators.D2F, FS, 0);
                    }
                    yLo.reinterpretAsInts().or(yHi.reinterpretAsInts()).reinterpretAsFloats().intoArray(out, outOff + i);
                }
            } else {
                tanhF32Full(in, inOff, out, outOff, c, end);
            }
        }
        return bound;
    }

    /**
     * The full version of {@link #tanhF32} (clamps and special values) for elements
     * {@code [from, to)}, in a method of its own so that C2 compiles it only if it gets hot.
     */
    private static void tanhF32Full(float[] in, int inOff, float[] out, int outOff, int from, int to) {
        DoubleVector tanhSatF = DoubleVector.broadcast(DS, TANH_SAT_F);
        DoubleVector log2e = DoubleVector.broadcast(DS, LOG2E);
        DoubleVector shift = DoubleVector.broadcast(DS, SHIFT_D);
        DoubleVector negLn2 = DoubleVector.broadcast(DS, -LN2);
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        DoubleVector c2 = DoubleVector.broadcast(DS, C2);
        DoubleVector c3 = DoubleVector.broadcast(DS, C3);
        DoubleVector c4 = DoubleVector.broadcast(DS, C4);
        DoubleVector c5 = DoubleVector.broadcast(DS, C5);
        DoubleVector c6 = DoubleVector.broadcast(DS, C6);
        DoubleVector c7 = DoubleVector.broadcast(DS, C7);
        DoubleVector c8 = DoubleVector.broadcast(DS, C8);
        DoubleVector c9 = DoubleVector.broadcast(DS, C9);
        for (int i = from; i < to; i += FL) {
            FloatVector xf = FloatVector.fromArray(FS, in, inOff + i);
            FloatVector yHi;
            {
                DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, 1);
                DoubleVector a2 = x.abs().min(tanhSatF).mul(2.0);
                DoubleVector t = a2.fma(log2e, shift);
                LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
                DoubleVector r = t.sub(shift).fma(negLn2, a2);
                DoubleVector p = r.fma(c9, c8).fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2);
                DoubleVector qr = p.fma(r.mul(r), r);
                DoubleVector s = k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
                DoubleVector q = s.fma(qr, s.sub(one));
                DoubleVector th = q.div(q.add(2.0));
                DoubleVector y = th.reinterpretAsLongs().or(x.reinterpretAsLongs().and(SIGN)).reinterpretAsDoubles();
                yHi = (FloatVector) y.convertShape(VectorOperators.D2F, FS, -1);
            }
            FloatVector yLo;
            {
                DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, 0);
                DoubleVector a2 = x.abs().min(tanhSatF).mul(2.0);
                DoubleVector t = a2.fma(log2e, shift);
                LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
                DoubleVector r = t.sub(shift).fma(negLn2, a2);
                DoubleVector p = r.fma(c9, c8).fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2);
                DoubleVector qr = p.fma(r.mul(r), r);
                DoubleVector s = k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
                DoubleVector q = s.fma(qr, s.sub(one));
                DoubleVector th = q.div(q.add(2.0));
                DoubleVector y = th.reinterpretAsLongs().or(x.reinterpretAsLongs().and(SIGN)).reinterpretAsDoubles();
                yLo = (FloatVector) y.convertShape(VectorOperators.D2F, FS, 0);
            }
            yLo.reinterpretAsInts().or(yHi.reinterpretAsInts()).reinterpretAsFloats().intoArray(out, outOff + i);
        }
    }

    /**
     * {@code out = DetMath.sigmoid(in)} (float32) lane by lane.
     *
     * @return how many leading elements were written (a multiple of the lane count; the caller
     *     finishes the rest with the scalar twin)
     */
    static int sigmoidF32(float[] in, int inOff, float[] out, int outOff, int n) {
        DoubleVector fMax = DoubleVector.broadcast(DS, EXPF_MAX);
        DoubleVector fMin = DoubleVector.broadcast(DS, EXPF_MIN);
        DoubleVector log2e = DoubleVector.broadcast(DS, LOG2E);
        DoubleVector shift = DoubleVector.broadcast(DS, SHIFT_D);
        DoubleVector negLn2 = DoubleVector.broadcast(DS, -LN2);
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        DoubleVector c2 = DoubleVector.broadcast(DS, C2);
        DoubleVector c3 = DoubleVector.broadcast(DS, C3);
        DoubleVector c4 = DoubleVector.broadcast(DS, C4);
        DoubleVector c5 = DoubleVector.broadcast(DS, C5);
        DoubleVector c6 = DoubleVector.broadcast(DS, C6);
        DoubleVector c7 = DoubleVector.broadcast(DS, C7);
        DoubleVector c8 = DoubleVector.broadcast(DS, C8);
        DoubleVector c9 = DoubleVector.broadcast(DS, C9);
        int bound = FS.loopBound(n);
        for (int c = 0; c < bound; c += CHUNK) {
            int end = Math.min(bound, c + CHUNK);
            if (absAtMost(in, inOff + c, end - c, F_EXP_SAFE)) {
                for (int i = c; i < end; i += FL) {
                    FloatVector xf = FloatVector.fromArray(FS, in, inOff + i);
                    FloatVector yHi;
                    {
                        DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, 1);
                        DoubleVector xc = x.abs().neg();
                        DoubleVector t = xc.fma(log2e, shift);
                        LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
                        DoubleVector r = t.sub(shift).fma(negLn2, xc);
                        DoubleVector p = r.fma(c9, c8).fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2);
                        DoubleVector e = p.fma(r.mul(r), r).add(one)
                                .mul(k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
                        // x >= 0 ? 1 : e, chosen with the sign bit (-0 picks e = 1 too; a NaN gives NaN either way)
                        LongVector neg = x.reinterpretAsLongs().lanewise(VectorOperators.ASHR, 63);
                        DoubleVector num = e.reinterpretAsLongs().and(neg).or(one.reinterpretAsLongs().and(neg.not())).reinterpretAsDoubles();
                        DoubleVector y = num.div(e.add(one));
                        yHi = (FloatVector) y.convertShape(VectorOperators.D2F, FS, -1);
                    }
                    FloatVector yLo;
                    {
                        DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, 0);
                        DoubleVector xc = x.abs().neg();
                        DoubleVector t = xc.fma(log2e, shift);
                        LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
                        DoubleVector r = t.sub(shift).fma(negLn2, xc);
                        DoubleVector p = r.fma(c9, c8).fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2);
                        DoubleVector e = p.fma(r.mul(r), r).add(one)
                                .mul(k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
                        // x >= 0 ? 1 : e, chosen with the sign bit (-0 picks e = 1 too; a NaN gives NaN either way)
                        LongVector neg = x.reinterpretAsLongs().lanewise(VectorOperators.ASHR, 63);
                        DoubleVector num = e.reinterpretAsLongs().and(neg).or(one.reinterpretAsLongs().and(neg.not())).reinterpretAsDoubles();
                        DoubleVector y = num.div(e.add(one));
                        yLo = (FloatVector) y.convertShape(VectorOperators.D2F, FS, 0);
                    }
                    yLo.reinterpretAsInts().or(yHi.reinterpretAsInts()).reinterpretAsFloats().intoArray(out, outOff + i);
                }
            } else {
                sigmoidF32Full(in, inOff, out, outOff, c, end);
            }
        }
        return bound;
    }

    /**
     * The full version of {@link #sigmoidF32} (clamps and special values) for elements
     * {@code [from, to)}, in a method of its own so that C2 compiles it only if it gets hot.
     */
    private static void sigmoidF32Full(float[] in, int inOff, float[] out, int outOff, int from, int to) {
        DoubleVector fMax = DoubleVector.broadcast(DS, EXPF_MAX);
        DoubleVector fMin = DoubleVector.broadcast(DS, EXPF_MIN);
        DoubleVector log2e = DoubleVector.broadcast(DS, LOG2E);
        DoubleVector shift = DoubleVector.broadcast(DS, SHIFT_D);
        DoubleVector negLn2 = DoubleVector.broadcast(DS, -LN2);
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        DoubleVector c2 = DoubleVector.broadcast(DS, C2);
        DoubleVector c3 = DoubleVector.broadcast(DS, C3);
        DoubleVector c4 = DoubleVector.broadcast(DS, C4);
        DoubleVector c5 = DoubleVector.broadcast(DS, C5);
        DoubleVector c6 = DoubleVector.broadcast(DS, C6);
        DoubleVector c7 = DoubleVector.broadcast(DS, C7);
        DoubleVector c8 = DoubleVector.broadcast(DS, C8);
        DoubleVector c9 = DoubleVector.broadcast(DS, C9);
        for (int i = from; i < to; i += FL) {
            FloatVector xf = FloatVector.fromArray(FS, in, inOff + i);
            FloatVector yHi;
            {
                DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, 1);
                DoubleVector xc = x.abs().neg().min(fMax).max(fMin);
                DoubleVector t = xc.fma(log2e, shift);
                LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
                DoubleVector r = t.sub(shift).fma(negLn2, xc);
                DoubleVector p = r.fma(c9, c8).fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2);
                DoubleVector e = p.fma(r.mul(r), r).add(one)
                        .mul(k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
                // x >= 0 ? 1 : e, chosen with the sign bit (-0 picks e = 1 too; a NaN gives NaN either way)
                LongVector neg = x.reinterpretAsLongs().lanewise(VectorOperators.ASHR, 63);
                DoubleVector num = e.reinterpretAsLongs().and(neg).or(one.reinterpretAsLongs().and(neg.not())).reinterpretAsDoubles();
                DoubleVector y = num.div(e.add(one));
                yHi = (FloatVector) y.convertShape(VectorOperators.D2F, FS, -1);
            }
            FloatVector yLo;
            {
                DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, 0);
                DoubleVector xc = x.abs().neg().min(fMax).max(fMin);
                DoubleVector t = xc.fma(log2e, shift);
                LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
                DoubleVector r = t.sub(shift).fma(negLn2, xc);
                DoubleVector p = r.fma(c9, c8).fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2);
                DoubleVector e = p.fma(r.mul(r), r).add(one)
                        .mul(k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
                // x >= 0 ? 1 : e, chosen with the sign bit (-0 picks e = 1 too; a NaN gives NaN either way)
                LongVector neg = x.reinterpretAsLongs().lanewise(VectorOperators.ASHR, 63);
                DoubleVector num = e.reinterpretAsLongs().and(neg).or(one.reinterpretAsLongs().and(neg.not())).reinterpretAsDoubles();
                DoubleVector y = num.div(e.add(one));
                yLo = (FloatVector) y.convertShape(VectorOperators.D2F, FS, 0);
            }
            yLo.reinterpretAsInts().or(yHi.reinterpretAsInts()).reinterpretAsFloats().intoArray(out, outOff + i);
        }
    }

    /**
     * {@code out = DetMath.exp(in)} (float64) lane by lane.
     *
     * @return how many leading elements were written (a multiple of the lane count; the caller
     *     finishes the rest with the scalar twin)
     */
    static int expF64(double[] in, int inOff, double[] out, int outOff, int n) {
        DoubleVector dMax = DoubleVector.broadcast(DS, EXP_MAX);
        DoubleVector dMin = DoubleVector.broadcast(DS, EXP_MIN);
        DoubleVector log2e = DoubleVector.broadcast(DS, LOG2E);
        DoubleVector shift = DoubleVector.broadcast(DS, SHIFT_D);
        DoubleVector negLn2Hi = DoubleVector.broadcast(DS, -LN2_HI);
        DoubleVector negLn2Lo = DoubleVector.broadcast(DS, -LN2_LO);
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        DoubleVector c2 = DoubleVector.broadcast(DS, C2);
        DoubleVector c3 = DoubleVector.broadcast(DS, C3);
        DoubleVector c4 = DoubleVector.broadcast(DS, C4);
        DoubleVector c5 = DoubleVector.broadcast(DS, C5);
        DoubleVector c6 = DoubleVector.broadcast(DS, C6);
        DoubleVector c7 = DoubleVector.broadcast(DS, C7);
        DoubleVector c8 = DoubleVector.broadcast(DS, C8);
        DoubleVector c9 = DoubleVector.broadcast(DS, C9);
        DoubleVector c10 = DoubleVector.broadcast(DS, C10);
        DoubleVector c11 = DoubleVector.broadcast(DS, C11);
        DoubleVector c12 = DoubleVector.broadcast(DS, C12);
        DoubleVector c13 = DoubleVector.broadcast(DS, C13);
        int bound = DS.loopBound(n);
        for (int c = 0; c < bound; c += CHUNK) {
            int end = Math.min(bound, c + CHUNK);
            if (absAtMost(in, inOff + c, end - c, D_EXP_SAFE)) {
                for (int i = c; i < end; i += DL) {
                    DoubleVector x = DoubleVector.fromArray(DS, in, inOff + i);
                    DoubleVector xc = x;
                    DoubleVector t = xc.fma(log2e, shift);
                    DoubleVector kf = t.sub(shift);
                    LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
                    DoubleVector r = kf.fma(negLn2Lo, kf.fma(negLn2Hi, xc));
                    DoubleVector p = r.fma(c13, c12).fma(r, c11).fma(r, c10).fma(r, c9).fma(r, c8)
                            .fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2);
                    LongVector k1 = k.lanewise(VectorOperators.ASHR, 1);
                    DoubleVector y = p.fma(r.mul(r), r).add(one)
                            .mul(k1.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles())
                            .mul(k.sub(k1).add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
                    y.intoArray(out, outOff + i);
                }
            } else {
                expF64Full(in, inOff, out, outOff, c, end);
            }
        }
        return bound;
    }

    /**
     * The full version of {@link #expF64} (clamps and special values) for elements
     * {@code [from, to)}, in a method of its own so that C2 compiles it only if it gets hot.
     */
    private static void expF64Full(double[] in, int inOff, double[] out, int outOff, int from, int to) {
        DoubleVector dMax = DoubleVector.broadcast(DS, EXP_MAX);
        DoubleVector dMin = DoubleVector.broadcast(DS, EXP_MIN);
        DoubleVector log2e = DoubleVector.broadcast(DS, LOG2E);
        DoubleVector shift = DoubleVector.broadcast(DS, SHIFT_D);
        DoubleVector negLn2Hi = DoubleVector.broadcast(DS, -LN2_HI);
        DoubleVector negLn2Lo = DoubleVector.broadcast(DS, -LN2_LO);
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        DoubleVector c2 = DoubleVector.broadcast(DS, C2);
        DoubleVector c3 = DoubleVector.broadcast(DS, C3);
        DoubleVector c4 = DoubleVector.broadcast(DS, C4);
        DoubleVector c5 = DoubleVector.broadcast(DS, C5);
        DoubleVector c6 = DoubleVector.broadcast(DS, C6);
        DoubleVector c7 = DoubleVector.broadcast(DS, C7);
        DoubleVector c8 = DoubleVector.broadcast(DS, C8);
        DoubleVector c9 = DoubleVector.broadcast(DS, C9);
        DoubleVector c10 = DoubleVector.broadcast(DS, C10);
        DoubleVector c11 = DoubleVector.broadcast(DS, C11);
        DoubleVector c12 = DoubleVector.broadcast(DS, C12);
        DoubleVector c13 = DoubleVector.broadcast(DS, C13);
        for (int i = from; i < to; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, in, inOff + i);
            DoubleVector xc = x.min(dMax).max(dMin);
            DoubleVector t = xc.fma(log2e, shift);
            DoubleVector kf = t.sub(shift);
            LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
            DoubleVector r = kf.fma(negLn2Lo, kf.fma(negLn2Hi, xc));
            DoubleVector p = r.fma(c13, c12).fma(r, c11).fma(r, c10).fma(r, c9).fma(r, c8)
                    .fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2);
            LongVector k1 = k.lanewise(VectorOperators.ASHR, 1);
            DoubleVector y = p.fma(r.mul(r), r).add(one)
                    .mul(k1.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles())
                    .mul(k.sub(k1).add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
            y.intoArray(out, outOff + i);
        }
    }

    /**
     * {@code out = DetMath.log(in)} (float64) lane by lane.
     *
     * @return how many leading elements were written (a multiple of the lane count; the caller
     *     finishes the rest with the scalar twin)
     */
    static int logF64(double[] in, int inOff, double[] out, int outOff, int n) {
        DoubleVector shift = DoubleVector.broadcast(DS, SHIFT_D);
        DoubleVector zero = DoubleVector.zero(DS);
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        DoubleVector two = DoubleVector.broadcast(DS, 2.0);
        DoubleVector ln2Hi = DoubleVector.broadcast(DS, LN2_HI);
        DoubleVector lg1 = DoubleVector.broadcast(DS, LG1);
        DoubleVector lg2 = DoubleVector.broadcast(DS, LG2);
        DoubleVector lg3 = DoubleVector.broadcast(DS, LG3);
        DoubleVector lg4 = DoubleVector.broadcast(DS, LG4);
        DoubleVector lg5 = DoubleVector.broadcast(DS, LG5);
        DoubleVector lg6 = DoubleVector.broadcast(DS, LG6);
        DoubleVector lg7 = DoubleVector.broadcast(DS, LG7);
        int bound = DS.loopBound(n);
        for (int c = 0; c < bound; c += CHUNK) {
            int end = Math.min(bound, c + CHUNK);
            if (positiveNormal(in, inOff + c, end - c)) {
                for (int i = c; i < end; i += DL) {
                    DoubleVector x = DoubleVector.fromArray(DS, in, inOff + i);
                    LongVector ix = x.reinterpretAsLongs().sub(SQRTH_BITS);
                    DoubleVector ef = ix.lanewise(VectorOperators.ASHR, 52).add(SHIFT_D_BITS).reinterpretAsDoubles().sub(shift);
                    DoubleVector f = ix.and(MANT).add(SQRTH_BITS).reinterpretAsDoubles().sub(one);
                    DoubleVector s = f.div(f.add(two));
                    DoubleVector z = s.mul(s);
                    DoubleVector w = z.mul(z);
                    DoubleVector rr = z.mul(w.fma(w.fma(w.fma(lg7, lg5), lg3), lg1)).add(w.mul(w.fma(w.fma(lg6, lg4), lg2)));
                    DoubleVector hfsq = f.mul(0.5).mul(f);
                    DoubleVector inner = s.fma(hfsq.add(rr), ef.mul(LN2_LO));
                    DoubleVector y = ef.fma(ln2Hi, hfsq.sub(inner).sub(f).neg());
                    y.intoArray(out, outOff + i);
                }
            } else {
                logF64Full(in, inOff, out, outOff, c, end);
            }
        }
        return bound;
    }

    /**
     * The full version of {@link #logF64} (clamps and special values) for elements
     * {@code [from, to)}, in a method of its own so that C2 compiles it only if it gets hot.
     */
    private static void logF64Full(double[] in, int inOff, double[] out, int outOff, int from, int to) {
        DoubleVector shift = DoubleVector.broadcast(DS, SHIFT_D);
        DoubleVector zero = DoubleVector.zero(DS);
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        DoubleVector two = DoubleVector.broadcast(DS, 2.0);
        DoubleVector ln2Hi = DoubleVector.broadcast(DS, LN2_HI);
        DoubleVector lg1 = DoubleVector.broadcast(DS, LG1);
        DoubleVector lg2 = DoubleVector.broadcast(DS, LG2);
        DoubleVector lg3 = DoubleVector.broadcast(DS, LG3);
        DoubleVector lg4 = DoubleVector.broadcast(DS, LG4);
        DoubleVector lg5 = DoubleVector.broadcast(DS, LG5);
        DoubleVector lg6 = DoubleVector.broadcast(DS, LG6);
        DoubleVector lg7 = DoubleVector.broadcast(DS, LG7);
        for (int i = from; i < to; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, in, inOff + i);
            VectorMask<Double> sub = x.compare(VectorOperators.LT, Double.MIN_NORMAL);
            LongVector ix = x.blend(x.mul(0x1p52), sub).reinterpretAsLongs().sub(SQRTH_BITS);
            DoubleVector ef = ix.lanewise(VectorOperators.ASHR, 52).add(SHIFT_D_BITS).reinterpretAsDoubles()
                    .sub(shift).sub(zero.blend(52.0, sub));
            DoubleVector f = ix.and(MANT).add(SQRTH_BITS).reinterpretAsDoubles().sub(one);
            DoubleVector s = f.div(f.add(two));
            DoubleVector z = s.mul(s);
            DoubleVector w = z.mul(z);
            DoubleVector rr = z.mul(w.fma(w.fma(w.fma(lg7, lg5), lg3), lg1)).add(w.mul(w.fma(w.fma(lg6, lg4), lg2)));
            DoubleVector hfsq = f.mul(0.5).mul(f);
            DoubleVector inner = s.fma(hfsq.add(rr), ef.mul(LN2_LO));
            DoubleVector y = ef.fma(ln2Hi, hfsq.sub(inner).sub(f).neg())
                    .blend(Double.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Double.POSITIVE_INFINITY))
                    .blend(Double.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0.0))
                    .blend(Double.NaN, x.compare(VectorOperators.LT, 0.0).or(x.compare(VectorOperators.NE, x)));
            y.intoArray(out, outOff + i);
        }
    }

    /**
     * {@code out = DetMath.tanh(in)} (float64) lane by lane.
     *
     * @return how many leading elements were written (a multiple of the lane count; the caller
     *     finishes the rest with the scalar twin)
     */
    static int tanhF64(double[] in, int inOff, double[] out, int outOff, int n) {
        DoubleVector dMax = DoubleVector.broadcast(DS, EXP_MAX);
        DoubleVector dMin = DoubleVector.broadcast(DS, EXP_MIN);
        DoubleVector log2e = DoubleVector.broadcast(DS, LOG2E);
        DoubleVector shift = DoubleVector.broadcast(DS, SHIFT_D);
        DoubleVector negLn2Hi = DoubleVector.broadcast(DS, -LN2_HI);
        DoubleVector negLn2Lo = DoubleVector.broadcast(DS, -LN2_LO);
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        DoubleVector c2 = DoubleVector.broadcast(DS, C2);
        DoubleVector c3 = DoubleVector.broadcast(DS, C3);
        DoubleVector c4 = DoubleVector.broadcast(DS, C4);
        DoubleVector c5 = DoubleVector.broadcast(DS, C5);
        DoubleVector c6 = DoubleVector.broadcast(DS, C6);
        DoubleVector c7 = DoubleVector.broadcast(DS, C7);
        DoubleVector c8 = DoubleVector.broadcast(DS, C8);
        DoubleVector c9 = DoubleVector.broadcast(DS, C9);
        DoubleVector c10 = DoubleVector.broadcast(DS, C10);
        DoubleVector c11 = DoubleVector.broadcast(DS, C11);
        DoubleVector c12 = DoubleVector.broadcast(DS, C12);
        DoubleVector c13 = DoubleVector.broadcast(DS, C13);
        DoubleVector zero = DoubleVector.zero(DS);
        DoubleVector two = DoubleVector.broadcast(DS, 2.0);
        DoubleVector tanhSat = DoubleVector.broadcast(DS, TANH_SAT);
        DoubleVector tn1 = DoubleVector.broadcast(DS, TN1);
        DoubleVector tn0 = DoubleVector.broadcast(DS, TN0);
        DoubleVector td1 = DoubleVector.broadcast(DS, TD1);
        DoubleVector td0 = DoubleVector.broadcast(DS, TD0);
        int bound = DS.loopBound(n);
        for (int c = 0; c < bound; c += CHUNK) {
            int end = Math.min(bound, c + CHUNK);
            if (absAtMost(in, inOff + c, end - c, D_TANH_SAFE)) {
                for (int i = c; i < end; i += DL) {
                    DoubleVector x = DoubleVector.fromArray(DS, in, inOff + i);
                    DoubleVector ax = x.abs();
                    VectorMask<Double> small = ax.compare(VectorOperators.LT, TANH_SMALL);
                    DoubleVector th;
                    if (small.allTrue()) {
                        th = zero;
                    } else {
                        DoubleVector xc = ax.mul(2.0);
                        DoubleVector t = xc.fma(log2e, shift);
                        DoubleVector kf = t.sub(shift);
                        LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
                        DoubleVector r = kf.fma(negLn2Lo, kf.fma(negLn2Hi, xc));
                        DoubleVector p = r.fma(c13, c12).fma(r, c11).fma(r, c10).fma(r, c9).fma(r, c8)
                                .fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2);
                        LongVector k1 = k.lanewise(VectorOperators.ASHR, 1);
                        DoubleVector e = p.fma(r.mul(r), r).add(one)
                                .mul(k1.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles())
                                .mul(k.sub(k1).add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
                        th = one.sub(two.div(e.add(one)));
                    }
                    if (small.anyTrue()) {
                        DoubleVector z = ax.mul(ax);
                        DoubleVector num = z.fma(TN2, TN1).fma(z, tn0);
                        DoubleVector den = z.add(TD2).fma(z, td1).fma(z, td0);
                        th = th.blend(ax.mul(z).fma(num.div(den), ax), small);
                    }
                    DoubleVector y = th.reinterpretAsLongs().or(x.reinterpretAsLongs().and(SIGN)).reinterpretAsDoubles();
                    y.intoArray(out, outOff + i);
                }
            } else {
                tanhF64Full(in, inOff, out, outOff, c, end);
            }
        }
        return bound;
    }

    /**
     * The full version of {@link #tanhF64} (clamps and special values) for elements
     * {@code [from, to)}, in a method of its own so that C2 compiles it only if it gets hot.
     */
    private static void tanhF64Full(double[] in, int inOff, double[] out, int outOff, int from, int to) {
        DoubleVector dMax = DoubleVector.broadcast(DS, EXP_MAX);
        DoubleVector dMin = DoubleVector.broadcast(DS, EXP_MIN);
        DoubleVector log2e = DoubleVector.broadcast(DS, LOG2E);
        DoubleVector shift = DoubleVector.broadcast(DS, SHIFT_D);
        DoubleVector negLn2Hi = DoubleVector.broadcast(DS, -LN2_HI);
        DoubleVector negLn2Lo = DoubleVector.broadcast(DS, -LN2_LO);
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        DoubleVector c2 = DoubleVector.broadcast(DS, C2);
        DoubleVector c3 = DoubleVector.broadcast(DS, C3);
        DoubleVector c4 = DoubleVector.broadcast(DS, C4);
        DoubleVector c5 = DoubleVector.broadcast(DS, C5);
        DoubleVector c6 = DoubleVector.broadcast(DS, C6);
        DoubleVector c7 = DoubleVector.broadcast(DS, C7);
        DoubleVector c8 = DoubleVector.broadcast(DS, C8);
        DoubleVector c9 = DoubleVector.broadcast(DS, C9);
        DoubleVector c10 = DoubleVector.broadcast(DS, C10);
        DoubleVector c11 = DoubleVector.broadcast(DS, C11);
        DoubleVector c12 = DoubleVector.broadcast(DS, C12);
        DoubleVector c13 = DoubleVector.broadcast(DS, C13);
        DoubleVector zero = DoubleVector.zero(DS);
        DoubleVector two = DoubleVector.broadcast(DS, 2.0);
        DoubleVector tanhSat = DoubleVector.broadcast(DS, TANH_SAT);
        DoubleVector tn1 = DoubleVector.broadcast(DS, TN1);
        DoubleVector tn0 = DoubleVector.broadcast(DS, TN0);
        DoubleVector td1 = DoubleVector.broadcast(DS, TD1);
        DoubleVector td0 = DoubleVector.broadcast(DS, TD0);
        for (int i = from; i < to; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, in, inOff + i);
            DoubleVector ax = x.abs();
            VectorMask<Double> small = ax.compare(VectorOperators.LT, TANH_SMALL);
            DoubleVector th;
            if (small.allTrue()) {
                th = zero;
            } else {
                DoubleVector xc = ax.min(tanhSat).mul(2.0).min(dMax).max(dMin);
                DoubleVector t = xc.fma(log2e, shift);
                DoubleVector kf = t.sub(shift);
                LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
                DoubleVector r = kf.fma(negLn2Lo, kf.fma(negLn2Hi, xc));
                DoubleVector p = r.fma(c13, c12).fma(r, c11).fma(r, c10).fma(r, c9).fma(r, c8)
                        .fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2);
                LongVector k1 = k.lanewise(VectorOperators.ASHR, 1);
                DoubleVector e = p.fma(r.mul(r), r).add(one)
                        .mul(k1.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles())
                        .mul(k.sub(k1).add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
                th = one.sub(two.div(e.add(one)));
            }
            if (small.anyTrue()) {
                DoubleVector z = ax.mul(ax);
                DoubleVector num = z.fma(TN2, TN1).fma(z, tn0);
                DoubleVector den = z.add(TD2).fma(z, td1).fma(z, td0);
                th = th.blend(ax.mul(z).fma(num.div(den), ax), small);
            }
            DoubleVector y = th.reinterpretAsLongs().or(x.reinterpretAsLongs().and(SIGN)).reinterpretAsDoubles();
            y.intoArray(out, outOff + i);
        }
    }

    /**
     * {@code out = DetMath.sigmoid(in)} (float64) lane by lane.
     *
     * @return how many leading elements were written (a multiple of the lane count; the caller
     *     finishes the rest with the scalar twin)
     */
    static int sigmoidF64(double[] in, int inOff, double[] out, int outOff, int n) {
        DoubleVector dMax = DoubleVector.broadcast(DS, EXP_MAX);
        DoubleVector dMin = DoubleVector.broadcast(DS, EXP_MIN);
        DoubleVector log2e = DoubleVector.broadcast(DS, LOG2E);
        DoubleVector shift = DoubleVector.broadcast(DS, SHIFT_D);
        DoubleVector negLn2Hi = DoubleVector.broadcast(DS, -LN2_HI);
        DoubleVector negLn2Lo = DoubleVector.broadcast(DS, -LN2_LO);
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        DoubleVector c2 = DoubleVector.broadcast(DS, C2);
        DoubleVector c3 = DoubleVector.broadcast(DS, C3);
        DoubleVector c4 = DoubleVector.broadcast(DS, C4);
        DoubleVector c5 = DoubleVector.broadcast(DS, C5);
        DoubleVector c6 = DoubleVector.broadcast(DS, C6);
        DoubleVector c7 = DoubleVector.broadcast(DS, C7);
        DoubleVector c8 = DoubleVector.broadcast(DS, C8);
        DoubleVector c9 = DoubleVector.broadcast(DS, C9);
        DoubleVector c10 = DoubleVector.broadcast(DS, C10);
        DoubleVector c11 = DoubleVector.broadcast(DS, C11);
        DoubleVector c12 = DoubleVector.broadcast(DS, C12);
        DoubleVector c13 = DoubleVector.broadcast(DS, C13);
        int bound = DS.loopBound(n);
        for (int c = 0; c < bound; c += CHUNK) {
            int end = Math.min(bound, c + CHUNK);
            if (absAtMost(in, inOff + c, end - c, D_EXP_SAFE)) {
                for (int i = c; i < end; i += DL) {
                    DoubleVector x = DoubleVector.fromArray(DS, in, inOff + i);
                    DoubleVector xc = x.abs().neg();
                    DoubleVector t = xc.fma(log2e, shift);
                    DoubleVector kf = t.sub(shift);
                    LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
                    DoubleVector r = kf.fma(negLn2Lo, kf.fma(negLn2Hi, xc));
                    DoubleVector p = r.fma(c13, c12).fma(r, c11).fma(r, c10).fma(r, c9).fma(r, c8)
                            .fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2);
                    LongVector k1 = k.lanewise(VectorOperators.ASHR, 1);
                    DoubleVector e = p.fma(r.mul(r), r).add(one)
                            .mul(k1.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles())
                            .mul(k.sub(k1).add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
                    // x >= 0 ? 1 : e, chosen with the sign bit (-0 picks e = 1 too; a NaN gives NaN either way)
                    LongVector neg = x.reinterpretAsLongs().lanewise(VectorOperators.ASHR, 63);
                    DoubleVector num = e.reinterpretAsLongs().and(neg).or(one.reinterpretAsLongs().and(neg.not())).reinterpretAsDoubles();
                    DoubleVector y = num.div(e.add(one));
                    y.intoArray(out, outOff + i);
                }
            } else {
                sigmoidF64Full(in, inOff, out, outOff, c, end);
            }
        }
        return bound;
    }

    /**
     * The full version of {@link #sigmoidF64} (clamps and special values) for elements
     * {@code [from, to)}, in a method of its own so that C2 compiles it only if it gets hot.
     */
    private static void sigmoidF64Full(double[] in, int inOff, double[] out, int outOff, int from, int to) {
        DoubleVector dMax = DoubleVector.broadcast(DS, EXP_MAX);
        DoubleVector dMin = DoubleVector.broadcast(DS, EXP_MIN);
        DoubleVector log2e = DoubleVector.broadcast(DS, LOG2E);
        DoubleVector shift = DoubleVector.broadcast(DS, SHIFT_D);
        DoubleVector negLn2Hi = DoubleVector.broadcast(DS, -LN2_HI);
        DoubleVector negLn2Lo = DoubleVector.broadcast(DS, -LN2_LO);
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        DoubleVector c2 = DoubleVector.broadcast(DS, C2);
        DoubleVector c3 = DoubleVector.broadcast(DS, C3);
        DoubleVector c4 = DoubleVector.broadcast(DS, C4);
        DoubleVector c5 = DoubleVector.broadcast(DS, C5);
        DoubleVector c6 = DoubleVector.broadcast(DS, C6);
        DoubleVector c7 = DoubleVector.broadcast(DS, C7);
        DoubleVector c8 = DoubleVector.broadcast(DS, C8);
        DoubleVector c9 = DoubleVector.broadcast(DS, C9);
        DoubleVector c10 = DoubleVector.broadcast(DS, C10);
        DoubleVector c11 = DoubleVector.broadcast(DS, C11);
        DoubleVector c12 = DoubleVector.broadcast(DS, C12);
        DoubleVector c13 = DoubleVector.broadcast(DS, C13);
        for (int i = from; i < to; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, in, inOff + i);
            DoubleVector xc = x.abs().neg().min(dMax).max(dMin);
            DoubleVector t = xc.fma(log2e, shift);
            DoubleVector kf = t.sub(shift);
            LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
            DoubleVector r = kf.fma(negLn2Lo, kf.fma(negLn2Hi, xc));
            DoubleVector p = r.fma(c13, c12).fma(r, c11).fma(r, c10).fma(r, c9).fma(r, c8)
                    .fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2);
            LongVector k1 = k.lanewise(VectorOperators.ASHR, 1);
            DoubleVector e = p.fma(r.mul(r), r).add(one)
                    .mul(k1.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles())
                    .mul(k.sub(k1).add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
            // x >= 0 ? 1 : e, chosen with the sign bit (-0 picks e = 1 too; a NaN gives NaN either way)
            LongVector neg = x.reinterpretAsLongs().lanewise(VectorOperators.ASHR, 63);
            DoubleVector num = e.reinterpretAsLongs().and(neg).or(one.reinterpretAsLongs().and(neg.not())).reinterpretAsDoubles();
            DoubleVector y = num.div(e.add(one));
            y.intoArray(out, outOff + i);
        }
    }

    /**
     * The exponentials of one softmax row: {@code out[j] = DetMath.exp(fma(in[j], scale, negMax))}
     * for the first {@code FS.loopBound(n)} entries, like the scalar tail the caller runs after; with
     * {@code wholeTail} also for the last {@code n mod FL} entries, as one more vector whose lanes
     * from {@code n} on are read but written and summed as zeros.
     *
     * @param inRange the caller's promise that every {@code fma(in[j], scale, negMax)} with
     *     {@code j < n} lies in [-88, 88] (so the clamps can be left out); false is always allowed
     * @param wholeTail whether {@code in} and {@code out} have room for a whole vector from
     *     {@code FS.loopBound(n)} (the row goes on; the values after {@code n} may be anything)
     * @return the float32 sum of the values written, added lane by lane then across lanes in order
     */
    static float softmaxExp(float[] in, int inOff, float[] out, int outOff, int n, float scale, float negMax,
                            boolean inRange, boolean wholeTail) {
        DoubleVector fMax = DoubleVector.broadcast(DS, EXPF_MAX);
        DoubleVector fMin = DoubleVector.broadcast(DS, EXPF_MIN);
        DoubleVector log2e = DoubleVector.broadcast(DS, LOG2E);
        DoubleVector shift = DoubleVector.broadcast(DS, SHIFT_D);
        DoubleVector negLn2 = DoubleVector.broadcast(DS, -LN2);
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        DoubleVector c2 = DoubleVector.broadcast(DS, C2);
        DoubleVector c3 = DoubleVector.broadcast(DS, C3);
        DoubleVector c4 = DoubleVector.broadcast(DS, C4);
        DoubleVector c5 = DoubleVector.broadcast(DS, C5);
        DoubleVector c6 = DoubleVector.broadcast(DS, C6);
        DoubleVector c7 = DoubleVector.broadcast(DS, C7);
        DoubleVector c8 = DoubleVector.broadcast(DS, C8);
        DoubleVector c9 = DoubleVector.broadcast(DS, C9);
        FloatVector vs = FloatVector.broadcast(FS, scale);
        FloatVector vm = FloatVector.broadcast(FS, negMax);
        FloatVector sum = FloatVector.zero(FS);
        FloatVector zero = FloatVector.zero(FS);
        int bound = FS.loopBound(n);
        // the lanes of the last, partial vector that belong to the row; the others become zeros
        VectorMask<Float> tail = FS.indexInRange(bound, n);
        int end = wholeTail && bound < n ? bound + FL : bound;
        if (inRange) {
            for (int i = 0; i < end; i += FL) {
                FloatVector xf = FloatVector.fromArray(FS, in, inOff + i).fma(vs, vm);
                FloatVector yHi;
                {
                    DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, 1);
                    DoubleVector xc = x;
                    DoubleVector t = xc.fma(log2e, shift);
                    LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
                    DoubleVector r = t.sub(shift).fma(negLn2, xc);
                    DoubleVector p = r.fma(c9, c8).fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2);
                    DoubleVector y = p.fma(r.mul(r), r).add(one)
                            .mul(k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
                    yHi = (FloatVector) y.convertShape(VectorOperators.D2F, FS, -1);
                }
                FloatVector yLo;
                {
                    DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, 0);
                    DoubleVector xc = x;
                    DoubleVector t = xc.fma(log2e, shift);
                    LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
                    DoubleVector r = t.sub(shift).fma(negLn2, xc);
                    DoubleVector p = r.fma(c9, c8).fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2);
                    DoubleVector y = p.fma(r.mul(r), r).add(one)
                            .mul(k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
                    yLo = (FloatVector) y.convertShape(VectorOperators.D2F, FS, 0);
                }
                FloatVector e = yLo.reinterpretAsInts().or(yHi.reinterpretAsInts()).reinterpretAsFloats();
                if (i == bound) {
                    e = zero.blend(e, tail);
                }
                e.intoArray(out, outOff + i);
                sum = sum.add(e);
            }
        } else {
            for (int i = 0; i < end; i += FL) {
                FloatVector xf = FloatVector.fromArray(FS, in, inOff + i).fma(vs, vm);
                FloatVector yHi;
                {
                    DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, 1);
                    DoubleVector xc = x.min(fMax).max(fMin);
                    DoubleVector t = xc.fma(log2e, shift);
                    LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
                    DoubleVector r = t.sub(shift).fma(negLn2, xc);
                    DoubleVector p = r.fma(c9, c8).fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2);
                    DoubleVector y = p.fma(r.mul(r), r).add(one)
                            .mul(k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
                    yHi = (FloatVector) y.convertShape(VectorOperators.D2F, FS, -1);
                }
                FloatVector yLo;
                {
                    DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, 0);
                    DoubleVector xc = x.min(fMax).max(fMin);
                    DoubleVector t = xc.fma(log2e, shift);
                    LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
                    DoubleVector r = t.sub(shift).fma(negLn2, xc);
                    DoubleVector p = r.fma(c9, c8).fma(r, c7).fma(r, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2);
                    DoubleVector y = p.fma(r.mul(r), r).add(one)
                            .mul(k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
                    yLo = (FloatVector) y.convertShape(VectorOperators.D2F, FS, 0);
                }
                FloatVector e = yLo.reinterpretAsInts().or(yHi.reinterpretAsInts()).reinterpretAsFloats();
                if (i == bound) {
                    e = zero.blend(e, tail);
                }
                e.intoArray(out, outOff + i);
                sum = sum.add(e);
            }
        }
        return treeSum(sum);
    }

    // Rotations by a half, a quarter, an eighth and a sixteenth of a vector, for treeSum (constants,
    // so C2 intrinsifies the rearranges; a rotation by 0 is never applied)
    private static final VectorShuffle<Float> ROT1 = VectorShuffle.iota(FS, Math.max(1, FL >> 1), 1, true);
    private static final VectorShuffle<Float> ROT2 = VectorShuffle.iota(FS, Math.max(1, FL >> 2), 1, true);
    private static final VectorShuffle<Float> ROT3 = VectorShuffle.iota(FS, Math.max(1, FL >> 3), 1, true);
    private static final VectorShuffle<Float> ROT4 = VectorShuffle.iota(FS, Math.max(1, FL >> 4), 1, true);

    /**
     * The exponentials of one vector of columns of a column softmax ({@code FL} columns from
     * {@code x[o]}, rows {@code cols} apart): for rows {@code r < hi},
     * {@code e = DetMath.exp(fma(x, scale, negMax))} where lane {@code l} keeps row r
     * ({@code r < limits[c0 + l]} and {@code alive[c0 + l] != 0}), else 0; rows from {@code hi} on
     * become 0. Each lane's sum, in row order, goes to {@code sums[c0 ...]}. Kept arguments are at
     * most a rounding above 0, so only the lower clamp of {@link #expF32Full} can act; it is applied
     * in float32 (the same value). Arrays, not vectors, cross the call, so nothing is boxed if C2
     * declines to inline it.
     */
    static void softmaxColumnExp(float[] x, int o, int cols, int rows, int hi, float scale, float[] negMax,
                                 float[] limits, float[] alive, int c0, float[] sums) {
        DoubleVector log2e = DoubleVector.broadcast(DS, LOG2E);
        DoubleVector shift = DoubleVector.broadcast(DS, SHIFT_D);
        DoubleVector negLn2 = DoubleVector.broadcast(DS, -LN2);
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        DoubleVector c2 = DoubleVector.broadcast(DS, C2);
        DoubleVector c3 = DoubleVector.broadcast(DS, C3);
        DoubleVector c4 = DoubleVector.broadcast(DS, C4);
        DoubleVector c5 = DoubleVector.broadcast(DS, C5);
        DoubleVector c6 = DoubleVector.broadcast(DS, C6);
        DoubleVector c7 = DoubleVector.broadcast(DS, C7);
        DoubleVector c8 = DoubleVector.broadcast(DS, C8);
        DoubleVector c9 = DoubleVector.broadcast(DS, C9);
        FloatVector vs = FloatVector.broadcast(FS, scale);
        FloatVector nm = FloatVector.fromArray(FS, negMax, c0);
        FloatVector lv = FloatVector.fromArray(FS, limits, c0);
        VectorMask<Float> live = FloatVector.fromArray(FS, alive, c0).compare(VectorOperators.NE, 0f);
        FloatVector floor = FloatVector.broadcast(FS, (float) EXPF_MIN);
        FloatVector zero = FloatVector.zero(FS);
        FloatVector sum = zero;
        for (int r = 0; r < hi; r++) {
            int i = o + r * cols;
            FloatVector xf = FloatVector.fromArray(FS, x, i).fma(vs, nm);
            xf = xf.blend(floor, xf.compare(VectorOperators.LT, floor));
            FloatVector yHi;
            {
                DoubleVector xc = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, 1);
                DoubleVector t = xc.fma(log2e, shift);
                LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
                DoubleVector rr = t.sub(shift).fma(negLn2, xc);
                DoubleVector p = rr.fma(c9, c8).fma(rr, c7).fma(rr, c6).fma(rr, c5).fma(rr, c4).fma(rr, c3).fma(rr, c2);
                DoubleVector y = p.fma(rr.mul(rr), rr).add(one)
                        .mul(k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
                yHi = (FloatVector) y.convertShape(VectorOperators.D2F, FS, -1);
            }
            FloatVector yLo;
            {
                DoubleVector xc = (DoubleVector) xf.convertShape(VectorOperators.F2D, DS, 0);
                DoubleVector t = xc.fma(log2e, shift);
                LongVector k = t.reinterpretAsLongs().sub(SHIFT_D_BITS);
                DoubleVector rr = t.sub(shift).fma(negLn2, xc);
                DoubleVector p = rr.fma(c9, c8).fma(rr, c7).fma(rr, c6).fma(rr, c5).fma(rr, c4).fma(rr, c3).fma(rr, c2);
                DoubleVector y = p.fma(rr.mul(rr), rr).add(one)
                        .mul(k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
                yLo = (FloatVector) y.convertShape(VectorOperators.D2F, FS, 0);
            }
            FloatVector e = yLo.reinterpretAsInts().or(yHi.reinterpretAsInts()).reinterpretAsFloats();
            // always blended (also where every lane keeps the row): a vector merged from two branches is boxed
            e = zero.blend(e, lv.compare(VectorOperators.GT, (float) r).and(live));
            e.intoArray(x, i);
            sum = sum.add(e);
        }
        for (int r = hi; r < rows; r++) {
            zero.intoArray(x, o + r * cols);
        }
        sum.intoArray(sums, c0);
    }

    /**
     * The largest lane by the same rotations as {@link #treeSum}, each step a compare and blend
     * (NaN lanes are skipped unless every lane is NaN; {@code -0.0} and {@code 0.0} count as equal).
     */
    static float treeMax(FloatVector v) {
        if (FL > 16) {
            float m = Float.NEGATIVE_INFINITY;
            for (int l = 0; l < FL; l++) {
                m = Math.max(m, v.lane(l));
            }
            return m;
        }
        FloatVector r;
        if (FL >= 2) {
            r = v.rearrange(ROT1);
            v = v.blend(r, v.lt(r));
        }
        if (FL >= 4) {
            r = v.rearrange(ROT2);
            v = v.blend(r, v.lt(r));
        }
        if (FL >= 8) {
            r = v.rearrange(ROT3);
            v = v.blend(r, v.lt(r));
        }
        if (FL >= 16) {
            r = v.rearrange(ROT4);
            v = v.blend(r, v.lt(r));
        }
        return v.lane(0);
    }

    /**
     * The sum of the lanes as a fixed tree (add the vector rotated by half its length, then by a
     * quarter, …): lane-wise IEEE additions in an order that does not depend on the JIT, and much
     * cheaper than adding the lanes one by one. Vectors of more than 16 floats (wider than 512
     * bits) add their lanes one by one.
     */
    static float treeSum(FloatVector v) {
        if (FL > 16) {
            float s = 0f;
            for (int l = 0; l < FL; l++) {
                s += v.lane(l);
            }
            return s;
        }
        if (FL >= 2) {
            v = v.add(v.rearrange(ROT1));
        }
        if (FL >= 4) {
            v = v.add(v.rearrange(ROT2));
        }
        if (FL >= 8) {
            v = v.add(v.rearrange(ROT3));
        }
        if (FL >= 16) {
            v = v.add(v.rearrange(ROT4));
        }
        return v.lane(0);
    }
}

