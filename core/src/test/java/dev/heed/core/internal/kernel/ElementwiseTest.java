package dev.heed.core.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.heed.core.Rng;
import dev.heed.core.internal.kernel.Kernels.BinaryOp;
import dev.heed.core.internal.kernel.Kernels.UnaryOp;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Elementwise kernels and reductions of both backends against java.lang.Math in float64. */
class ElementwiseTest {

    static Stream<String> backends() {
        return Stream.of("plain", "vector");
    }

    /** Lengths around the vector widths (4, 8, 16 lanes) and beyond a few full vectors. */
    private static final int[] LENGTHS = {0, 1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 1000};

    private static double[] sample(Rng rng, int n, double scale) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (rng.nextDouble() * 2 - 1) * scale;
        }
        return x;
    }

    private static double binaryRef(BinaryOp op, double x, double y) {
        switch (op) {
            case ADD: return x + y;
            case SUB: return x - y;
            case MUL: return x * y;
            case DIV: return x / y;
            case MAX: return Math.max(x, y);
            case MIN: return Math.min(x, y);
            default: throw new IllegalArgumentException(op.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void binaryOpsAreCorrectlyRoundedWithOffsetsAndAliasing(String backend) {
        Kernels kern = KernelBackends.create(backend, 1);
        Rng rng = Rng.seeded(1);
        for (BinaryOp op : BinaryOp.values()) {
            for (int n : LENGTHS) {
                double[] x = sample(rng, n + 5, 10);
                double[] y = sample(rng, n + 5, 10);
                if (n > 4) {
                    // The IEEE corner cases that Math.max/min define: NaN wins, -0.0 < 0.0.
                    x[2] = Double.NaN;
                    x[3] = -0.0;
                    y[4] = 0.0;
                    x[4] = -0.0;
                    y[3] = 0.0;
                }
                float[] xf = f32(x);
                float[] yf = f32(y);
                float[] of = new float[n + 3];
                kern.binary(op, xf, 1, yf, 2, of, 3, n);
                double[] od = new double[n + 3];
                kern.binary(op, x, 1, y, 2, od, 3, n);
                for (int i = 0; i < n; i++) {
                    // float ops are correctly rounded: rounding the double result gives the same bits.
                    float want = (float) binaryRef(op, xf[1 + i], yf[2 + i]);
                    assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(of[3 + i]),
                            backend + " " + op + " f32 n=" + n + " i=" + i + ": " + of[3 + i] + " vs " + want);
                    double wantD = binaryRef(op, x[1 + i], y[2 + i]);
                    assertEquals(Double.doubleToLongBits(wantD), Double.doubleToLongBits(od[3 + i]),
                            backend + " " + op + " f64 n=" + n + " i=" + i);
                }
                // out aliasing x, in place.
                float[] inPlace = xf.clone();
                kern.binary(op, inPlace, 1, yf, 2, inPlace, 1, n);
                for (int i = 0; i < n; i++) {
                    assertEquals(Float.floatToIntBits((float) binaryRef(op, xf[1 + i], yf[2 + i])),
                            Float.floatToIntBits(inPlace[1 + i]), backend + " " + op + " in place");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void unaryOpsMatchMathWithinAFewUlps(String backend) {
        Kernels kern = KernelBackends.create(backend, 1);
        Rng rng = Rng.seeded(2);
        for (UnaryOp op : UnaryOp.values()) {
            for (int n : LENGTHS) {
                double scale = op == UnaryOp.EXP || op == UnaryOp.SIGMOID ? 80 : op == UnaryOp.TANH ? 12 : 1000;
                double[] x = sample(rng, n + 2, scale);
                if (op == UnaryOp.LOG || op == UnaryOp.SQRT) {
                    for (int i = 0; i < x.length; i++) {
                        x[i] = Math.abs(x[i]);
                    }
                }
                if (n > 3) {
                    x[1] = 0.0;
                    x[2] = -0.0;
                    x[3] = Double.NaN;
                }
                float[] xf = f32(x);
                float[] of = new float[n + 1];
                kern.unary(op, xf, 2, of, 1, n);
                double[] od = new double[n + 1];
                kern.unary(op, x, 2, od, 1, n);
                for (int i = 0; i < n; i++) {
                    checkUlps(backend, op, xf[2 + i], ref(op, xf[2 + i]), of[1 + i], Math.ulp((float) ref(op, xf[2 + i])));
                    checkUlps(backend, op, x[2 + i], ref(op, x[2 + i]), od[1 + i], Math.ulp(ref(op, x[2 + i])));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void transcendentalsStayAccurateOnceCompiled(String backend) {
        // The JIT replaces the Vector API's lane-by-lane fallback with vector instructions only
        // after the loop is hot, so call it often enough to reach that code before checking.
        Kernels kern = KernelBackends.create(backend, 1);
        Rng rng = Rng.seeded(4);
        double[] x = sample(rng, 256, 20);
        float[] xf = f32(x);
        float[] of = new float[256];
        double[] od = new double[256];
        for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.LOG}) {
            double[] in = x.clone();
            if (op == UnaryOp.LOG) {
                for (int i = 0; i < in.length; i++) {
                    in[i] = Math.abs(in[i]) + 1e-3;
                }
            }
            float[] inF = f32(in);
            for (int rep = 0; rep < 3000; rep++) {
                kern.unary(op, inF, 0, of, 0, 256);
                kern.unary(op, in, 0, od, 0, 256);
            }
            for (int i = 0; i < 256; i++) {
                checkUlps(backend, op, inF[i], ref(op, inF[i]), of[i], Math.ulp((float) ref(op, inF[i])));
                checkUlps(backend, op, in[i], ref(op, in[i]), od[i], Math.ulp(ref(op, in[i])));
            }
        }
    }

    private static double ref(UnaryOp op, double x) {
        switch (op) {
            case NEG: return -x;
            case EXP: return Math.exp(x);
            case LOG: return Math.log(x);
            case TANH: return Math.tanh(x);
            case SIGMOID: return 1 / (1 + Math.exp(-x));
            case RELU: return x > 0 ? x : 0.0;
            case SQRT: return Math.sqrt(x);
            case ABS: return Math.abs(x);
            default: throw new IllegalArgumentException(op.toString());
        }
    }

    private static void checkUlps(String backend, UnaryOp op, double x, double want, double have, double ulp) {
        if (Double.isNaN(want)) {
            assertTrue(Double.isNaN(have), backend + " " + op + "(" + x + ") = " + have + ", expected NaN");
            return;
        }
        if (Double.isInfinite(want) || want == 0) {
            assertEquals(want, have, 0.0, backend + " " + op + "(" + x + ")");
            return;
        }
        if (Math.abs(have - want) > 4 * ulp) {
            fail(backend + " " + op + "(" + x + ") = " + have + ", expected " + want + " within 4 ulps (" + ulp + ")");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void axpySumAndMax(String backend) {
        Kernels kern = KernelBackends.create(backend, 1);
        Rng rng = Rng.seeded(3);
        for (int n : LENGTHS) {
            double[] x = sample(rng, n + 1, 4);
            double[] y = sample(rng, n + 2, 4);
            float[] xf = f32(x);
            float[] yf = f32(y);
            float[] of = yf.clone();
            kern.axpy(-0.25f, xf, 1, of, 2, of, 2, n);
            double[] od = y.clone();
            kern.axpy(-0.25, x, 1, od, 2, od, 2, n);
            double exact = 0;
            double abs = 0;
            double exactD = 0;
            for (int i = 0; i < n; i++) {
                // Scaling by -0.25 is exact, so x * alpha + y is one rounding from the exact value.
                double w = (double) xf[1 + i] * -0.25 + yf[2 + i];
                assertEquals(w, of[2 + i], Math.ulp((float) w), backend + " axpy f32");
                double wd = x[1 + i] * -0.25 + y[2 + i];
                assertEquals(wd, od[2 + i], 2 * Math.ulp(wd), backend + " axpy f64");
                exact += xf[1 + i];
                abs += Math.abs(xf[1 + i]);
                exactD += x[1 + i];
            }
            assertEquals(exact, kern.sum(xf, 1, n), 1e-12 * (abs + 1), backend + " sum f32 n=" + n);
            assertEquals(exactD, kern.sum(x, 1, n), 1e-12 * (abs + 1), backend + " sum f64 n=" + n);
            if (n > 0) {
                float mf = Float.NEGATIVE_INFINITY;
                double md = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    mf = Math.max(mf, xf[1 + i]);
                    md = Math.max(md, x[1 + i]);
                }
                assertEquals(mf, kern.max(xf, 1, n), backend + " max f32 n=" + n);
                assertEquals(md, kern.max(x, 1, n), backend + " max f64 n=" + n);
                for (int nanAt : new int[] {0, n - 1, n / 2}) {
                    float[] withNan = xf.clone();
                    withNan[1 + nanAt] = Float.NaN;
                    assertTrue(Float.isNaN(kern.max(withNan, 1, n)), backend + " max with NaN at " + nanAt);
                    double[] withNanD = x.clone();
                    withNanD[1 + nanAt] = Double.NaN;
                    assertTrue(Double.isNaN(kern.max(withNanD, 1, n)), backend + " max f64 with NaN at " + nanAt);
                }
            }
        }
        // 1e8 + 1 == 1e8 in float32, so float32 accumulators would lose the ones; float64 does not.
        float[] big = new float[1002];
        java.util.Arrays.fill(big, 1f);
        big[0] = 1e8f;
        big[1001] = -1e8f;
        assertEquals(1000.0, kern.sum(big, 0, big.length), 0.0, backend + " sum accumulates in float64");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void maxOfNothingIsAnError(String backend) {
        Kernels kern = KernelBackends.create(backend, 1);
        assertThrows(IllegalArgumentException.class, () -> kern.max(new float[3], 0, 0));
        assertThrows(IllegalArgumentException.class, () -> kern.max(new double[3], 0, 0));
    }

    private static float[] f32(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
