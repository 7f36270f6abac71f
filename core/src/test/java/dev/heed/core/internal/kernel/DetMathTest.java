package dev.heed.core.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Rng;
import dev.heed.core.internal.kernel.Kernels.UnaryOp;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The reproducible transcendentals: accuracy against {@link Math} evaluated in float64, special
 * values exactly as {@link Math} defines them, and the vector and plain backends equal to the
 * scalar {@link DetMath} bit for bit.
 */
class DetMathTest {

    private static final UnaryOp[] OPS = {UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH, UnaryOp.SIGMOID};

    /** Reference values in float64 from java.lang.Math (exp, log within 1 ulp; tanh within 2.5). */
    private static double ref(UnaryOp op, double x) {
        switch (op) {
            case EXP: return Math.exp(x);
            case LOG: return Math.log(x);
            case TANH: return Math.tanh(x);
            // The logistic function written so that neither branch overflows.
            case SIGMOID: return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
            default: throw new IllegalArgumentException(op.toString());
        }
    }

    private static float det(UnaryOp op, float x) {
        switch (op) {
            case EXP: return DetMath.exp(x);
            case LOG: return DetMath.log(x);
            case TANH: return DetMath.tanh(x);
            case SIGMOID: return DetMath.sigmoid(x);
            default: throw new IllegalArgumentException(op.toString());
        }
    }

    private static double det(UnaryOp op, double x) {
        switch (op) {
            case EXP: return DetMath.exp(x);
            case LOG: return DetMath.log(x);
            case TANH: return DetMath.tanh(x);
            case SIGMOID: return DetMath.sigmoid(x);
            default: throw new IllegalArgumentException(op.toString());
        }
    }

    /** @return the error of {@code have} in ulps of the float32 result, or 0 when both are the same non-finite value */
    private static double ulpsF(float have, double want) {
        float w = (float) want;
        if (Float.isNaN(w) || Float.isInfinite(w) || Float.isNaN(have) || Float.isInfinite(have)) {
            return Float.floatToIntBits(have) == Float.floatToIntBits(w) ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.abs(have - want) / Math.ulp(w);
    }

    private static double ulpsD(double have, double want) {
        if (Double.isNaN(want) || Double.isInfinite(want) || Double.isNaN(have) || Double.isInfinite(have)) {
            return Double.doubleToLongBits(have) == Double.doubleToLongBits(want) ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.abs(have - want) / Math.ulp(want);
    }

    /** Largest float32 error over a float sweep: every 4099th bit pattern of both signs, plus a dense linear range. */
    private static double maxUlpsF(UnaryOp op, double lo, double hi) {
        double worst = 0;
        String at = "";
        for (long bits = 0; bits <= 0xffffffffL; bits += 4099) {
            float x = Float.intBitsToFloat((int) bits);
            double e = ulpsF(det(op, x), ref(op, x));
            if (e > worst) {
                worst = e;
                at = Float.toString(x);
            }
        }
        int steps = 300_000;
        for (int i = 0; i <= steps; i++) {
            float x = (float) (lo + (hi - lo) * i / steps);
            double e = ulpsF(det(op, x), ref(op, x));
            if (e > worst) {
                worst = e;
                at = Float.toString(x);
            }
        }
        assertTrue(worst < Double.POSITIVE_INFINITY, op + " f32: wrong special value at " + at);
        return worst;
    }

    private static double maxUlpsD(UnaryOp op, double lo, double hi) {
        double worst = 0;
        String at = "";
        for (long i = 0, step = (1L << 45) + 12345; i < (1L << 20); i++) {
            double x = Double.longBitsToDouble(i * step);   // covers both signs and every exponent
            double e = ulpsD(det(op, x), ref(op, x));
            if (e > worst) {
                worst = e;
                at = Double.toString(x);
            }
        }
        int steps = 300_000;
        for (int i = 0; i <= steps; i++) {
            double x = lo + (hi - lo) * i / steps;
            double e = ulpsD(det(op, x), ref(op, x));
            if (e > worst) {
                worst = e;
                at = Double.toString(x);
            }
        }
        assertTrue(worst < Double.POSITIVE_INFINITY, op + " f64: wrong special value at " + at);
        return worst;
    }

    @Test
    void float32IsWithinOneUlpOfTheExactResult() {
        // Evaluated in float64 and rounded once, so in practice the result is the correctly
        // rounded one (error at most 0.5 ulp plus about 2^-30); the contract is 1 ulp.
        assertTrue(maxUlpsF(UnaryOp.EXP, -104, 89) <= 0.501, "exp f32");
        assertTrue(maxUlpsF(UnaryOp.LOG, 0.25, 4) <= 0.501, "log f32");
        assertTrue(maxUlpsF(UnaryOp.TANH, -10, 10) <= 0.501, "tanh f32");
        assertTrue(maxUlpsF(UnaryOp.SIGMOID, -110, 30) <= 0.501, "sigmoid f32");
    }

    @Test
    void float64IsWithinTwoUlpsOfMath() {
        // Against Math in float64, which is itself within 1 ulp (exp, log) or 2.5 ulps (tanh).
        assertTrue(maxUlpsD(UnaryOp.EXP, -746, 710) <= 1.0, "exp f64");
        assertTrue(maxUlpsD(UnaryOp.EXP, -1, 1) <= 1.0, "exp f64 near 0");
        assertTrue(maxUlpsD(UnaryOp.LOG, 0.25, 4) <= 1.0, "log f64");
        assertTrue(maxUlpsD(UnaryOp.TANH, -3, 3) <= 2.0, "tanh f64");
        assertTrue(maxUlpsD(UnaryOp.SIGMOID, -40, 40) <= 2.0, "sigmoid f64");
    }

    @Test
    void specialValuesFollowMath() {
        float[] fs = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, -1f, 1f,
            Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE,
            88.72283f, 88.72284f, 89f, 100f, -87.33655f, -103.97f, -103.98f, -104f, -1000f, 9.1f, 20f, -20f, 1e-30f};
        for (float x : fs) {
            for (UnaryOp op : OPS) {
                float want = (float) ref(op, x);
                assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(det(op, x)),
                        op + "(" + x + ") f32: " + det(op, x) + ", expected " + want);
            }
        }
        double[] ds = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, -1, 1,
            Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE,
            709.78, 709.79, 710, 1000, -708.4, -745.1, -745.2, -746, -1e5, 19.1, 30, -30, 1e-300};
        for (double x : ds) {
            for (UnaryOp op : OPS) {
                double want = ref(op, x);
                double have = det(op, x);
                if (Double.isNaN(want) || Double.isInfinite(want) || want == 0 || Math.abs(want) == 1) {
                    assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(have), op + "(" + x + ") f64");
                } else {
                    assertTrue(ulpsD(have, want) <= 2, op + "(" + x + ") f64: " + have + " vs " + want);
                }
            }
        }
        // The cases named in the contract, spelled out.
        assertEquals(Float.NEGATIVE_INFINITY, DetMath.log(0f));
        assertEquals(Float.NEGATIVE_INFINITY, DetMath.log(-0f));
        assertTrue(Float.isNaN(DetMath.log(-1e-30f)));
        assertEquals(Double.NEGATIVE_INFINITY, DetMath.log(-0.0));
        assertTrue(Double.isNaN(DetMath.log(-Double.MIN_VALUE)));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(DetMath.tanh(-0f)));
        assertEquals(Double.doubleToLongBits(-0.0), Double.doubleToLongBits(DetMath.tanh(-0.0)));
        assertEquals(-1f, DetMath.tanh(-50f));
        assertEquals(1.0, DetMath.tanh(1e300));
        assertEquals(0f, DetMath.sigmoid(-200f));
        assertEquals(1f, DetMath.sigmoid(200f));
        assertEquals(Float.MIN_VALUE, DetMath.sigmoid(-103.5f)); // e^-103.5 = 1.1e-45 rounds to the least subnormal
        assertEquals(Float.POSITIVE_INFINITY, DetMath.exp(88.8f));
        assertEquals(0.0, DetMath.exp(-746.0));
        assertEquals(Double.MIN_VALUE, DetMath.exp(-744.5)); // 2^-1074 = e^-744.44
    }

    /** Inputs with every case the kernels distinguish: ordinary, huge, special, subnormal. */
    private static double[] inputs(Rng rng, int n, UnaryOp op) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble();
            double v = rng.nextGaussian() * (u < 0.5 ? 3 : u < 0.8 ? 30 : 300);
            x[i] = op == UnaryOp.LOG && u < 0.9 ? Math.abs(v) * Math.pow(10, rng.nextInt(60) - 30) : v;
        }
        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0,
            1e-40, -1e-40, 1e-310, 5e-324, 1e30, -1e30, 88.9, -104.5, 709.9, -745.5};
        // A special value in some (not all) chunks, so both the plain and the checked vector loops run.
        for (int i = 0; i < n; i += 1 + rng.nextInt(700)) {
            x[i] = special[rng.nextInt(special.length)];
        }
        return x;
    }

    @Test
    void vectorAndPlainBackendsEqualTheScalarTwinBitForBit() {
        Kernels plain = KernelBackends.create("plain", 1);
        Kernels vector = KernelBackends.vectorModulePresent() ? KernelBackends.create("vector", 1) : plain;
        Rng rng = Rng.seeded(20);
        int[] lengths = {1, 3, 5, 7, 9, 15, 17, 31, 33, 63, 65, 511, 513, 1023, 1031, 4099};
        for (int rep = 0; rep < 3; rep++) {
            for (UnaryOp op : OPS) {
                for (int n : lengths) {
                    double[] x = inputs(rng, n + 3, op);
                    float[] xf = new float[x.length];
                    for (int i = 0; i < x.length; i++) {
                        xf[i] = (float) x[i];
                    }
                    for (Kernels k : new Kernels[] {vector, plain}) {
                        float[] of = new float[n + 1];
                        k.unary(op, xf, 3, of, 1, n);
                        double[] od = new double[n + 1];
                        k.unary(op, x, 3, od, 1, n);
                        for (int i = 0; i < n; i++) {
                            float wf = det(op, xf[3 + i]);
                            if (Float.floatToIntBits(wf) != Float.floatToIntBits(of[1 + i])) {
                                assertEquals(wf, of[1 + i], k.name() + " " + op + " f32 n=" + n + " i=" + i + " x=" + xf[3 + i]);
                            }
                            double wd = det(op, x[3 + i]);
                            if (Double.doubleToLongBits(wd) != Double.doubleToLongBits(od[1 + i])) {
                                assertEquals(wd, od[1 + i], k.name() + " " + op + " f64 n=" + n + " i=" + i + " x=" + x[3 + i]);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void softmaxRowsAreTheScalarExponentialsNormalised() {
        // Each output is e_j / s in float32 with e_j = DetMath.exp(fma(x_j, scale, -max * scale)):
        // the vector backend's exponentials are bit-identical to the scalar ones, and only the
        // order of the float32 sum s may differ from a sequential one (checked to a tight bound).
        Kernels vector = KernelBackends.vectorModulePresent() ? KernelBackends.create("vector", 1)
                : KernelBackends.create("plain", 1);
        Rng rng = Rng.seeded(21);
        for (int n : new int[] {1, 5, 8, 9, 64, 100, 1000}) {
            int rows = 6;
            float[] x = new float[rows * n];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rng.nextGaussian() * (i % 3 == 0 ? 40 : 3));
            }
            x[0] = Float.NEGATIVE_INFINITY;
            float scale = 0.125f;
            float[] out = new float[rows * n];
            vector.softmaxRows(x, 0, out, 0, rows, n, scale, 0, 0);
            for (int r = 0; r < rows; r++) {
                float m = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    m = Math.max(m, x[r * n + j]);
                }
                if (m == Float.NEGATIVE_INFINITY) {
                    continue;
                }
                float ms = m * scale;
                float[] e = new float[n];
                double s = 0;
                for (int j = 0; j < n; j++) {
                    e[j] = DetMath.exp(Math.fma(x[r * n + j], scale, -ms));
                    s += e[j];
                }
                for (int j = 0; j < n; j++) {
                    double want = e[j] / s;
                    assertEquals(want, out[r * n + j], 1e-6 * want + 1e-30, "softmax n=" + n + " r=" + r + " j=" + j);
                }
            }
        }
    }

    @Test
    void helpersAgreeWithTheirDefinitions() {
        DoubleUnaryOperator tf = DetMath::tanhForFloat;
        DoubleUnaryOperator ef = DetMath::expForFloat;
        for (double x = -12; x <= 12; x += 0.01) {
            double t = Math.tanh(x);
            assertEquals(t, tf.applyAsDouble(x), 1e-9 * Math.abs(t) + 1e-300, "tanhForFloat " + x);
            assertEquals(Math.exp(x), ef.applyAsDouble(x), 1e-9 * Math.exp(x), "expForFloat " + x);
        }
    }
}
