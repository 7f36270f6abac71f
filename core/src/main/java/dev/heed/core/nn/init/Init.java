package dev.heed.core.nn.init;

import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.internal.TensorInternals;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apiguardian.api.API;

/**
 * In-place weight initialisers with the formulas of PyTorch's {@code torch.nn.init}, drawing from
 * an explicit {@link Rng} (same seed, same numbers).
 *
 * <p>Every method fills a contiguous FLOAT32 or FLOAT64 tensor in place, bypassing autograd (it
 * is safe on parameters that require grad), and returns it. Values are computed in double and
 * rounded once to the tensor's dtype. Fans follow PyTorch: for a tensor of shape
 * {@code [out, in, k...]}, {@code fan_in = in * prod(k)} and {@code fan_out = out * prod(k)};
 * tensors of rank below 2 have no fans and are rejected by the fan-based initialisers.
 *
 * <p>Not thread-safe with respect to the tensor and the generator passed in.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Init {

    private Init() {}

    /**
     * The recommended gain for a nonlinearity (PyTorch's {@code calculate_gain}): 1 for linear,
     * conv and sigmoid, 5/3 for tanh, sqrt(2) for ReLU, sqrt(2 / (1 + slope^2)) for leaky ReLU
     * (slope {@code param}, 0.01 when NaN), 3/4 for SELU.
     *
     * @param nonlinearity the nonlinearity
     * @param param the negative slope for {@link Nonlinearity#LEAKY_RELU}; ignored otherwise; NaN for the default
     * @return the gain
     */
    public static double calculateGain(Nonlinearity nonlinearity, double param) {
        switch (Objects.requireNonNull(nonlinearity, "calculateGain: nonlinearity")) {
            case LINEAR:
            case CONV:
            case SIGMOID:
                return 1.0;
            case TANH:
                return 5.0 / 3.0;
            case RELU:
                return Math.sqrt(2.0);
            case LEAKY_RELU: {
                double slope = Double.isNaN(param) ? 0.01 : param;
                return Math.sqrt(2.0 / (1 + slope * slope));
            }
            case SELU:
                return 3.0 / 4.0;
            default:
                throw new IllegalArgumentException("calculateGain: unknown nonlinearity " + nonlinearity);
        }
    }

    /**
     * @param nonlinearity the nonlinearity (leaky ReLU with slope 0.01)
     * @return the gain
     */
    public static double calculateGain(Nonlinearity nonlinearity) {
        return calculateGain(nonlinearity, Double.NaN);
    }

    /**
     * @param t a tensor of rank at least 2
     * @return {@code {fan_in, fan_out}}
     */
    public static int[] fans(Tensor t) {
        int[] s = t.shape();
        if (s.length < 2) {
            throw new IllegalArgumentException("fans: fan in and fan out need a tensor of rank >= 2, got shape "
                    + Arrays.toString(s) + "; use uniform/normal/constant for vectors");
        }
        int receptive = 1;
        for (int i = 2; i < s.length; i++) {
            receptive *= s[i];
        }
        return new int[] {s[1] * receptive, s[0] * receptive};
    }

    /**
     * Fills with U(low, high).
     *
     * @param t the tensor
     * @param low lower bound
     * @param high upper bound, at least {@code low}
     * @param rng the generator
     * @return {@code t}
     */
    public static Tensor uniform(Tensor t, double low, double high, Rng rng) {
        if (!(high >= low)) {
            throw new IllegalArgumentException("uniform: need low <= high, got low=" + low + ", high=" + high);
        }
        Objects.requireNonNull(rng, "uniform: rng");
        double w = high - low;
        return fill(t, "uniform", () -> low + w * rng.nextDouble());
    }

    /**
     * Fills with N(mean, std^2).
     *
     * @param t the tensor
     * @param mean the mean
     * @param std the standard deviation, non-negative
     * @param rng the generator
     * @return {@code t}
     */
    public static Tensor normal(Tensor t, double mean, double std, Rng rng) {
        if (!(std >= 0)) {
            throw new IllegalArgumentException("normal: std must be >= 0, got " + std);
        }
        Objects.requireNonNull(rng, "normal: rng");
        return fill(t, "normal", () -> mean + std * rng.nextGaussian());
    }

    /**
     * @param t the tensor
     * @param value the value
     * @return {@code t}, every element set to {@code value}
     */
    public static Tensor constant(Tensor t, double value) {
        return fill(t, "constant", () -> value);
    }

    /**
     * @param t the tensor
     * @return {@code t}, zeroed
     */
    public static Tensor zeros(Tensor t) {
        return constant(t, 0.0);
    }

    /**
     * @param t the tensor
     * @return {@code t}, filled with ones
     */
    public static Tensor ones(Tensor t) {
        return constant(t, 1.0);
    }

    /**
     * Xavier/Glorot uniform: U(-a, a) with {@code a = gain * sqrt(6 / (fan_in + fan_out))}.
     *
     * @param t a tensor of rank >= 2
     * @param gain scale factor (1 by default in PyTorch)
     * @param rng the generator
     * @return {@code t}
     */
    public static Tensor xavierUniform(Tensor t, double gain, Rng rng) {
        int[] f = fans(t);
        double std = gain * Math.sqrt(2.0 / (f[0] + f[1]));
        double a = Math.sqrt(3.0) * std;
        return uniform(t, -a, a, rng);
    }

    /**
     * Xavier/Glorot normal: N(0, std^2) with {@code std = gain * sqrt(2 / (fan_in + fan_out))}.
     *
     * @param t a tensor of rank >= 2
     * @param gain scale factor
     * @param rng the generator
     * @return {@code t}
     */
    public static Tensor xavierNormal(Tensor t, double gain, Rng rng) {
        int[] f = fans(t);
        return normal(t, 0.0, gain * Math.sqrt(2.0 / (f[0] + f[1])), rng);
    }

    /**
     * Kaiming/He uniform: U(-b, b) with {@code b = gain * sqrt(3 / fan)} and
     * {@code gain = calculateGain(nonlinearity, a)}.
     *
     * @param t a tensor of rank >= 2
     * @param a negative slope for leaky ReLU (PyTorch's default call uses a = 0)
     * @param mode which fan
     * @param nonlinearity the nonlinearity that follows (PyTorch's default is leaky ReLU)
     * @param rng the generator
     * @return {@code t}
     */
    public static Tensor kaimingUniform(Tensor t, double a, FanMode mode, Nonlinearity nonlinearity, Rng rng) {
        double std = calculateGain(nonlinearity, a) / Math.sqrt(fan(t, mode));
        double bound = Math.sqrt(3.0) * std;
        return uniform(t, -bound, bound, rng);
    }

    /**
     * Kaiming/He normal: N(0, std^2) with {@code std = gain / sqrt(fan)}.
     *
     * @param t a tensor of rank >= 2
     * @param a negative slope for leaky ReLU
     * @param mode which fan
     * @param nonlinearity the nonlinearity that follows
     * @param rng the generator
     * @return {@code t}
     */
    public static Tensor kaimingNormal(Tensor t, double a, FanMode mode, Nonlinearity nonlinearity, Rng rng) {
        return normal(t, 0.0, calculateGain(nonlinearity, a) / Math.sqrt(fan(t, mode)), rng);
    }

    private static int fan(Tensor t, FanMode mode) {
        int[] f = fans(t);
        int fan = Objects.requireNonNull(mode, "mode") == FanMode.FAN_IN ? f[0] : f[1];
        if (fan == 0) {
            throw new IllegalArgumentException("kaiming: tensor of shape " + Arrays.toString(t.shape()) + " has "
                    + mode + " = 0; initialising an empty tensor is meaningless");
        }
        return fan;
    }

    /**
     * Orthogonal initialisation (Saxe et al. 2013), as PyTorch's {@code orthogonal_}: the tensor
     * viewed as a matrix {@code [rows = size(0), cols = numel / rows]} gets {@code gain * Q}, where
     * Q comes from the QR decomposition of a standard Gaussian matrix (transposed first when
     * rows &lt; cols) with each column multiplied by the sign of the matching diagonal entry of R,
     * which makes Q Haar-distributed. So {@code W W^T = gain^2 I} when rows &lt;= cols and
     * {@code W^T W = gain^2 I} otherwise. The standard for policy networks (gain sqrt(2) hidden,
     * 0.01 policy head, 1 value head).
     *
     * @param t a tensor of rank >= 2
     * @param gain the scale
     * @param rng the generator
     * @return {@code t}
     */
    public static Tensor orthogonal(Tensor t, double gain, Rng rng) {
        Objects.requireNonNull(rng, "orthogonal: rng");
        int[] s = t.shape();
        if (s.length < 2) {
            throw new IllegalArgumentException("orthogonal: only tensors of rank >= 2 are supported, got shape "
                    + Arrays.toString(s));
        }
        int rows = s[0];
        int cols = rows == 0 ? 0 : t.numel() / rows;
        if (rows == 0 || cols == 0) {
            return t;
        }
        // Gaussian matrix [rows, cols], row-major draw order
        double[][] g = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                g[i][j] = rng.nextGaussian();
            }
        }
        boolean transposed = rows < cols;
        int m = transposed ? cols : rows; // tall matrix m x n, m >= n
        int n = transposed ? rows : cols;
        double[][] a = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = transposed ? g[j][i] : g[i][j];
            }
        }
        QRDecomposition qr = new QRDecomposition(new Array2DRowRealMatrix(a, false));
        RealMatrix q = qr.getQ(); // m x m
        RealMatrix r = qr.getR(); // m x n
        double[] values = new double[rows * cols];
        for (int j = 0; j < n; j++) {
            double sign = Math.signum(r.getEntry(j, j));
            for (int i = 0; i < m; i++) {
                double v = gain * q.getEntry(i, j) * sign;
                // Q is m x n; the result is Q (rows >= cols) or Q^T (rows < cols)
                if (transposed) {
                    values[j * cols + i] = v;
                } else {
                    values[i * cols + j] = v;
                }
            }
        }
        int[] k = {0};
        return fill(t, "orthogonal", () -> values[k[0]++]);
    }

    /**
     * Fills a tensor element by element in row-major order from {@code source}.
     *
     * @param t a contiguous FLOAT32 or FLOAT64 tensor
     * @param op the caller's name for errors
     * @param source the values
     * @return {@code t}
     */
    static Tensor fill(Tensor t, String op, DoubleSupplier source) {
        Objects.requireNonNull(t, op + ": tensor");
        if (!t.isContiguous()) {
            throw new IllegalArgumentException(op + ": the tensor must be contiguous (got a strided view of shape "
                    + Arrays.toString(t.shape()) + "); initialise the base tensor instead");
        }
        int off = TensorInternals.offset(t);
        int n = t.numel();
        if (t.dtype() == DType.FLOAT32) {
            float[] f = TensorInternals.floatData(t);
            for (int i = 0; i < n; i++) {
                f[off + i] = (float) source.getAsDouble();
            }
        } else if (t.dtype() == DType.FLOAT64) {
            double[] d = TensorInternals.doubleData(t);
            for (int i = 0; i < n; i++) {
                d[off + i] = source.getAsDouble();
            }
        } else {
            throw new IllegalArgumentException(op + ": only FLOAT32/FLOAT64 tensors can be initialised, got " + t.dtype());
        }
        return t;
    }
}
