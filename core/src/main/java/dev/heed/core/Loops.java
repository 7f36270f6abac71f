package dev.heed.core;

import dev.heed.core.internal.kernel.KernelBackends;
import dev.heed.core.internal.kernel.Kernels;
import dev.heed.core.internal.kernel.Kernels.BinaryOp;

/**
 * Array-level loops behind the tensor ops: strided iteration with dimension coalescing, so that
 * contiguous runs reach the kernels in as few calls as possible. No allocation per element.
 */
final class Loops {

    static final Kernels K = KernelBackends.get();

    private Loops() {}

    /** Runs over one contiguous-in-index row of up to three strided operands. */
    interface Row {
        void run(int a, int b, int c, int n, int sa, int sb, int sc);
    }

    /**
     * Iterates {@code shape} for three operands given by base offsets and strides (a stride of 0
     * broadcasts). Adjacent dimensions that are laid out compatibly in all three operands are
     * merged, so the row callback sees runs as long as possible.
     */
    static void iterate(int[] shape, int a0, int[] sa, int b0, int[] sb, int c0, int[] sc, Row row) {
        int r = shape.length;
        int[] ns = new int[Math.max(r, 1)];
        int[] na = new int[ns.length];
        int[] nb = new int[ns.length];
        int[] nc = new int[ns.length];
        int m = 0;
        for (int d = 0; d < r; d++) {
            int s = shape[d];
            if (s == 0) {
                return;
            }
            if (s == 1) {
                continue;
            }
            if (m > 0 && na[m - 1] == sa[d] * s && nb[m - 1] == sb[d] * s && nc[m - 1] == sc[d] * s) {
                ns[m - 1] *= s;
                na[m - 1] = sa[d];
                nb[m - 1] = sb[d];
                nc[m - 1] = sc[d];
            } else {
                ns[m] = s;
                na[m] = sa[d];
                nb[m] = sb[d];
                nc[m] = sc[d];
                m++;
            }
        }
        if (m == 0) {
            row.run(a0, b0, c0, 1, 0, 0, 0);
            return;
        }
        int inner = ns[m - 1];
        int ia = na[m - 1];
        int ib = nb[m - 1];
        int ic = nc[m - 1];
        long outer = 1;
        for (int d = 0; d < m - 1; d++) {
            outer *= ns[d];
        }
        int[] idx = new int[m];
        int a = a0;
        int b = b0;
        int c = c0;
        for (long o = 0; o < outer; o++) {
            row.run(a, b, c, inner, ia, ib, ic);
            for (int d = m - 2; d >= 0; d--) {
                idx[d]++;
                a += na[d];
                b += nb[d];
                c += nc[d];
                if (idx[d] < ns[d]) {
                    break;
                }
                a -= na[d] * ns[d];
                b -= nb[d] * ns[d];
                c -= nc[d] * ns[d];
                idx[d] = 0;
            }
        }
    }

    static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc *= shape[d];
        }
        return s;
    }

    // ---- binary rows ------------------------------------------------------------------------

    static void binRow(BinaryOp op, float[] x, int xo, int xs, float[] y, int yo, int ys,
                       float[] out, int oo, int os, int n) {
        if (xs == 1 && ys == 1 && os == 1) {
            K.binary(op, x, xo, y, yo, out, oo, n);
            return;
        }
        switch (op) {
            case ADD:
                for (int i = 0; i < n; i++, xo += xs, yo += ys, oo += os) {
                    out[oo] = x[xo] + y[yo];
                }
                break;
            case SUB:
                for (int i = 0; i < n; i++, xo += xs, yo += ys, oo += os) {
                    out[oo] = x[xo] - y[yo];
                }
                break;
            case MUL:
                for (int i = 0; i < n; i++, xo += xs, yo += ys, oo += os) {
                    out[oo] = x[xo] * y[yo];
                }
                break;
            case DIV:
                for (int i = 0; i < n; i++, xo += xs, yo += ys, oo += os) {
                    out[oo] = x[xo] / y[yo];
                }
                break;
            case MAX:
                for (int i = 0; i < n; i++, xo += xs, yo += ys, oo += os) {
                    out[oo] = Math.max(x[xo], y[yo]);
                }
                break;
            case MIN:
                for (int i = 0; i < n; i++, xo += xs, yo += ys, oo += os) {
                    out[oo] = Math.min(x[xo], y[yo]);
                }
                break;
            default:
                throw new IllegalStateException("unhandled binary op " + op);
        }
    }

    static void binRow(BinaryOp op, double[] x, int xo, int xs, double[] y, int yo, int ys,
                       double[] out, int oo, int os, int n) {
        if (xs == 1 && ys == 1 && os == 1) {
            K.binary(op, x, xo, y, yo, out, oo, n);
            return;
        }
        switch (op) {
            case ADD:
                for (int i = 0; i < n; i++, xo += xs, yo += ys, oo += os) {
                    out[oo] = x[xo] + y[yo];
                }
                break;
            case SUB:
                for (int i = 0; i < n; i++, xo += xs, yo += ys, oo += os) {
                    out[oo] = x[xo] - y[yo];
                }
                break;
            case MUL:
                for (int i = 0; i < n; i++, xo += xs, yo += ys, oo += os) {
                    out[oo] = x[xo] * y[yo];
                }
                break;
            case DIV:
                for (int i = 0; i < n; i++, xo += xs, yo += ys, oo += os) {
                    out[oo] = x[xo] / y[yo];
                }
                break;
            case MAX:
                for (int i = 0; i < n; i++, xo += xs, yo += ys, oo += os) {
                    out[oo] = Math.max(x[xo], y[yo]);
                }
                break;
            case MIN:
                for (int i = 0; i < n; i++, xo += xs, yo += ys, oo += os) {
                    out[oo] = Math.min(x[xo], y[yo]);
                }
                break;
            default:
                throw new IllegalStateException("unhandled binary op " + op);
        }
    }

    // ---- copies -----------------------------------------------------------------------------

    /** Copies a strided view of {@code t} into {@code dst} laid out with {@code dstStrides}. */
    static void copy(Tensor src, int[] srcStrides, Object dst, int dstOff, int[] dstStrides) {
        int[] zero = new int[src.shape.length];
        switch (src.dtype) {
            case FLOAT32: {
                float[] s = src.f;
                float[] o = (float[]) dst;
                iterate(src.shape, src.offset, srcStrides, 0, zero, dstOff, dstStrides, (a, b, c, n, sa, sb, sc) -> {
                    if (sa == 1 && sc == 1) {
                        System.arraycopy(s, a, o, c, n);
                    } else {
                        for (int i = 0; i < n; i++, a += sa, c += sc) {
                            o[c] = s[a];
                        }
                    }
                });
                break;
            }
            case FLOAT64: {
                double[] s = src.d;
                double[] o = (double[]) dst;
                iterate(src.shape, src.offset, srcStrides, 0, zero, dstOff, dstStrides, (a, b, c, n, sa, sb, sc) -> {
                    if (sa == 1 && sc == 1) {
                        System.arraycopy(s, a, o, c, n);
                    } else {
                        for (int i = 0; i < n; i++, a += sa, c += sc) {
                            o[c] = s[a];
                        }
                    }
                });
                break;
            }
            case INT64: {
                long[] s = src.l;
                long[] o = (long[]) dst;
                iterate(src.shape, src.offset, srcStrides, 0, zero, dstOff, dstStrides, (a, b, c, n, sa, sb, sc) -> {
                    for (int i = 0; i < n; i++, a += sa, c += sc) {
                        o[c] = s[a];
                    }
                });
                break;
            }
            case BOOL: {
                boolean[] s = src.bo;
                boolean[] o = (boolean[]) dst;
                iterate(src.shape, src.offset, srcStrides, 0, zero, dstOff, dstStrides, (a, b, c, n, sa, sb, sc) -> {
                    for (int i = 0; i < n; i++, a += sa, c += sc) {
                        o[c] = s[a];
                    }
                });
                break;
            }
            default:
                throw new IllegalStateException("unhandled dtype " + src.dtype);
        }
    }
    // ---- softmax rows -----------------------------------------------------------------------

    /**
     * Softmax or log-softmax of {@code rows} contiguous rows of length {@code n}; a row whose
     * maximum is -inf becomes zeros. Returns the per-row "fully masked" flags, or null if none.
     */
    static boolean[] softmaxRows(float[] x, int xo, float[] out, int rows, int n, boolean log) {
        boolean[] masked = null;
        for (int r = 0; r < rows; r++) {
            int xb = xo + r * n;
            int ob = r * n;
            float max = K.max(x, xb, n);
            if (max == Float.NEGATIVE_INFINITY) {
                java.util.Arrays.fill(out, ob, ob + n, 0f);
                if (masked == null) {
                    masked = new boolean[rows];
                }
                masked[r] = true;
                continue;
            }
            for (int j = 0; j < n; j++) {
                out[ob + j] = x[xb + j] - max;
            }
            K.unary(Kernels.UnaryOp.EXP, out, ob, out, ob, n);
            double sum = K.sum(out, ob, n);
            if (log) {
                float lse = (float) (max + Math.log(sum));
                for (int j = 0; j < n; j++) {
                    out[ob + j] = x[xb + j] - lse;
                }
            } else {
                float inv = (float) (1.0 / sum);
                for (int j = 0; j < n; j++) {
                    out[ob + j] *= inv;
                }
            }
        }
        return masked;
    }

    /** The float64 twin of {@link #softmaxRows(float[], int, float[], int, int, boolean)}. */
    static boolean[] softmaxRows(double[] x, int xo, double[] out, int rows, int n, boolean log) {
        boolean[] masked = null;
        for (int r = 0; r < rows; r++) {
            int xb = xo + r * n;
            int ob = r * n;
            double max = K.max(x, xb, n);
            if (max == Double.NEGATIVE_INFINITY) {
                java.util.Arrays.fill(out, ob, ob + n, 0.0);
                if (masked == null) {
                    masked = new boolean[rows];
                }
                masked[r] = true;
                continue;
            }
            for (int j = 0; j < n; j++) {
                out[ob + j] = x[xb + j] - max;
            }
            K.unary(Kernels.UnaryOp.EXP, out, ob, out, ob, n);
            double sum = K.sum(out, ob, n);
            if (log) {
                double lse = max + Math.log(sum);
                for (int j = 0; j < n; j++) {
                    out[ob + j] = x[xb + j] - lse;
                }
            } else {
                double inv = 1.0 / sum;
                for (int j = 0; j < n; j++) {
                    out[ob + j] *= inv;
                }
            }
        }
        return masked;
    }
}
