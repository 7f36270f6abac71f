package dev.heed.core.nn;

import dev.heed.core.Tensor;
import dev.heed.core.internal.TensorInternals;
import dev.heed.core.internal.kernel.KernelBackends;
import dev.heed.core.internal.kernel.Kernels;
import dev.heed.core.internal.kernel.Kernels.BinaryOp;

/**
 * Fused LSTM and GRU recurrences (one layer, all time steps) on FLOAT64 arrays, forward and
 * hand-written backward through time. {@code RecurrentF32} is the same code for FLOAT32 (this file is
 * generated from it by replacing the element type; keep the two in sync).
 *
 * <p>Layouts are batch-first and row-major: input projections {@code xp} [B, T, G] (G = 4H for the
 * LSTM with gate order i, f, g, o; 3H for the GRU with r, z, n), outputs [B, T, H]. The recurrent
 * product of step t reads the previous hidden states straight out of the output array (leading
 * dimension T*H) and accumulates into the gate rows of step t (leading dimension T*G), so a step
 * costs one GEMM plus a few elementwise passes and copies nothing.
 */
final class RecurrentF64 {

    private RecurrentF64() {}

    private static double[] data(Tensor t) {
        Tensor c = t.contiguous();
        double[] a = TensorInternals.doubleData(c);
        int off = TensorInternals.offset(c);
        if (off == 0 && a.length == c.numel()) {
            return a;
        }
        double[] out = new double[c.numel()];
        System.arraycopy(a, off, out, 0, out.length);
        return out;
    }

    private static double[] copyOrZeros(Tensor t, int n) {
        return t == null ? new double[n] : data(t).clone();
    }

    /** One LSTM layer run: the forward pass happens in the constructor; the saved activations serve {@link #backward}. */
    static final class Lstm implements RecurrentRun {
        private final Kernels k = KernelBackends.get();
        private final int b;
        private final int t;
        private final int h;
        private final double[] whh;
        private final double[] h0;
        private final double[] c0;
        private final double[] gates;
        private final double[] hs;
        private final double[] cs;
        private final double[] tc;

        Lstm(Tensor xp, Tensor wHh, Tensor bHh, Tensor hInit, Tensor cInit, int batch, int steps, int hidden) {
            this.b = batch;
            this.t = steps;
            this.h = hidden;
            int g = 4 * h;
            this.whh = data(wHh);
            this.h0 = hInit == null ? null : data(hInit);
            this.c0 = cInit == null ? null : data(cInit);
            gates = data(xp).clone();
            if (bHh != null) {
                double[] bias = data(bHh);
                for (int r = 0; r < b * t; r++) {
                    k.binary(BinaryOp.ADD, gates, r * g, bias, 0, gates, r * g, g);
                }
            }
            hs = new double[b * t * h];
            cs = new double[b * t * h];
            tc = new double[b * t * h];
            for (int s = 0; s < t; s++) {
                if (s > 0) {
                    k.dgemm(false, true, b, g, h, 1, hs, (s - 1) * h, t * h, whh, 0, h, 1, gates, s * g, t * g);
                } else if (h0 != null) {
                    k.dgemm(false, true, b, g, h, 1, h0, 0, h, whh, 0, h, 1, gates, 0, t * g);
                }
                for (int r = 0; r < b; r++) {
                    int gb = r * t * g + s * g;
                    int hb = r * t * h + s * h;
                    sigmoid(gates, gb, 2 * h);
                    tanh(gates, gb + 2 * h, gates, gb + 2 * h, h);
                    sigmoid(gates, gb + 3 * h, h);
                    if (s > 0) {
                        for (int j = 0; j < h; j++) {
                            cs[hb + j] = gates[gb + h + j] * cs[hb - h + j] + gates[gb + j] * gates[gb + 2 * h + j];
                        }
                    } else if (c0 != null) {
                        for (int j = 0; j < h; j++) {
                            cs[hb + j] = gates[gb + h + j] * c0[r * h + j] + gates[gb + j] * gates[gb + 2 * h + j];
                        }
                    } else {
                        for (int j = 0; j < h; j++) {
                            cs[hb + j] = gates[gb + j] * gates[gb + 2 * h + j];
                        }
                    }
                    tanh(cs, hb, tc, hb, h);
                    k.binary(BinaryOp.MUL, gates, gb + 3 * h, tc, hb, hs, hb, h);
                }
            }
        }

        @Override
        public Tensor output() {
            return TensorInternals.wrap(hs.clone(), b, t, h);
        }

        @Override
        public Tensor lastHidden() {
            return TensorInternals.wrap(last(hs), b, h);
        }

        @Override
        public Tensor lastCell() {
            return TensorInternals.wrap(last(cs), b, h);
        }

        private double[] last(double[] seq) {
            double[] out = new double[b * h];
            for (int r = 0; r < b; r++) {
                System.arraycopy(seq, r * t * h + (t - 1) * h, out, r * h, h);
            }
            return out;
        }

        @Override
        public Tensor[] backward(Tensor gradOut, Tensor gradLastHidden, Tensor gradLastCell) {
            int g = 4 * h;
            double[] gy = gradOut == null ? null : data(gradOut);
            double[] dh = copyOrZeros(gradLastHidden, b * h);
            double[] dc = copyOrZeros(gradLastCell, b * h);
            double[] da = new double[b * t * g];
            for (int s = t - 1; s >= 0; s--) {
                for (int r = 0; r < b; r++) {
                    int gb = r * t * g + s * g;
                    int hb = r * t * h + s * h;
                    for (int j = 0; j < h; j++) {
                        double dhv = gy == null ? dh[r * h + j] : dh[r * h + j] + gy[hb + j];
                        double i = gates[gb + j];
                        double f = gates[gb + h + j];
                        double gg = gates[gb + 2 * h + j];
                        double o = gates[gb + 3 * h + j];
                        double tcv = tc[hb + j];
                        double cp = s > 0 ? cs[hb - h + j] : c0 == null ? 0 : c0[r * h + j];
                        double dcv = dc[r * h + j] + dhv * o * (1 - tcv * tcv);
                        da[gb + j] = dcv * gg * i * (1 - i);
                        da[gb + h + j] = dcv * cp * f * (1 - f);
                        da[gb + 2 * h + j] = dcv * i * (1 - gg * gg);
                        da[gb + 3 * h + j] = dhv * tcv * o * (1 - o);
                        dc[r * h + j] = dcv * f;
                    }
                }
                k.dgemm(false, false, b, h, g, 1, da, s * g, t * g, whh, 0, h, 0, dh, 0, h);
            }
            return new Tensor[] {TensorInternals.wrap(da, b, t, g), weightGrad(k, da, hs, h0, b, t, h, g),
                biasGrad(k, da, b * t, g), TensorInternals.wrap(dh, b, h), TensorInternals.wrap(dc, b, h)};
        }
    }

    /** One GRU layer run: forward in the constructor, backward through time in {@link #backward}. */
    static final class Gru implements RecurrentRun {
        private final Kernels k = KernelBackends.get();
        private final int b;
        private final int t;
        private final int h;
        private final double[] whh;
        private final double[] h0;
        private final double[] rzn;
        private final double[] hn;
        private final double[] hs;

        Gru(Tensor xp, Tensor wHh, Tensor bHh, Tensor hInit, int batch, int steps, int hidden) {
            this.b = batch;
            this.t = steps;
            this.h = hidden;
            int g = 3 * h;
            this.whh = data(wHh);
            this.h0 = hInit == null ? null : data(hInit);
            double[] x = data(xp);
            double[] bias = bHh == null ? null : data(bHh);
            rzn = new double[b * t * g];
            hn = new double[b * t * h];
            hs = new double[b * t * h];
            double[] hp = new double[b * g];
            for (int s = 0; s < t; s++) {
                if (s > 0) {
                    k.dgemm(false, true, b, g, h, 1, hs, (s - 1) * h, t * h, whh, 0, h, 0, hp, 0, g);
                } else if (h0 != null) {
                    k.dgemm(false, true, b, g, h, 1, h0, 0, h, whh, 0, h, 0, hp, 0, g);
                }
                for (int r = 0; r < b; r++) {
                    int gb = r * t * g + s * g;
                    int hb = r * t * h + s * h;
                    int pb = r * g;
                    if (bias != null) {
                        k.binary(BinaryOp.ADD, hp, pb, bias, 0, hp, pb, g);
                    }
                    k.binary(BinaryOp.ADD, x, gb, hp, pb, rzn, gb, 2 * h);
                    sigmoid(rzn, gb, 2 * h);
                    System.arraycopy(hp, pb + 2 * h, hn, hb, h);
                    for (int j = 0; j < h; j++) {
                        rzn[gb + 2 * h + j] = x[gb + 2 * h + j] + rzn[gb + j] * hn[hb + j];
                    }
                    tanh(rzn, gb + 2 * h, rzn, gb + 2 * h, h);
                    for (int j = 0; j < h; j++) {
                        double z = rzn[gb + h + j];
                        double prev = s > 0 ? hs[hb - h + j] : h0 == null ? 0 : h0[r * h + j];
                        hs[hb + j] = (1 - z) * rzn[gb + 2 * h + j] + z * prev;
                    }
                }
            }
        }

        @Override
        public Tensor output() {
            return TensorInternals.wrap(hs.clone(), b, t, h);
        }

        @Override
        public Tensor lastHidden() {
            double[] out = new double[b * h];
            for (int r = 0; r < b; r++) {
                System.arraycopy(hs, r * t * h + (t - 1) * h, out, r * h, h);
            }
            return TensorInternals.wrap(out, b, h);
        }

        @Override
        public Tensor lastCell() {
            throw new IllegalStateException("GRU has no cell state");
        }

        @Override
        public Tensor[] backward(Tensor gradOut, Tensor gradLastHidden, Tensor gradLastCell) {
            int g = 3 * h;
            double[] gy = gradOut == null ? null : data(gradOut);
            double[] dh = copyOrZeros(gradLastHidden, b * h);
            double[] dx = new double[b * t * g];
            double[] dhp = new double[b * t * g];
            for (int s = t - 1; s >= 0; s--) {
                for (int r = 0; r < b; r++) {
                    int gb = r * t * g + s * g;
                    int hb = r * t * h + s * h;
                    for (int j = 0; j < h; j++) {
                        double dhv = gy == null ? dh[r * h + j] : dh[r * h + j] + gy[hb + j];
                        double rr = rzn[gb + j];
                        double z = rzn[gb + h + j];
                        double n = rzn[gb + 2 * h + j];
                        double prev = s > 0 ? hs[hb - h + j] : h0 == null ? 0 : h0[r * h + j];
                        double dan = dhv * (1 - z) * (1 - n * n);
                        double dar = dan * hn[hb + j] * rr * (1 - rr);
                        double daz = dhv * (prev - n) * z * (1 - z);
                        dx[gb + j] = dar;
                        dx[gb + h + j] = daz;
                        dx[gb + 2 * h + j] = dan;
                        dhp[gb + j] = dar;
                        dhp[gb + h + j] = daz;
                        dhp[gb + 2 * h + j] = dan * rr;
                        dh[r * h + j] = dhv * z;
                    }
                }
                k.dgemm(false, false, b, h, g, 1, dhp, s * g, t * g, whh, 0, h, 1, dh, 0, h);
            }
            return new Tensor[] {TensorInternals.wrap(dx, b, t, g), weightGrad(k, dhp, hs, h0, b, t, h, g),
                biasGrad(k, dhp, b * t, g), TensorInternals.wrap(dh, b, h), null};
        }
    }

    // Math.exp is a JIT intrinsic; Math.tanh is not on JDK 17 (a slow native call), so tanh is
    // computed from exp: tanh(x) = 1 - 2 / (e^{2x} + 1), exact at both infinities, absolute error
    // a few ulps of 1.
    private static void sigmoid(double[] a, int off, int n) {
        for (int i = off; i < off + n; i++) {
            a[i] = (1 / (1 + Math.exp(-a[i])));
        }
    }

    private static void tanh(double[] src, int so, double[] dst, int dOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dOff + i] = (1 - 2 / (Math.exp(2 * src[so + i]) + 1));
        }
    }

    /** dW_hh = sum over batch and time of d(pre-activation)_t^T h_{t-1}, as [G, H]. */
    private static Tensor weightGrad(Kernels k, double[] da, double[] hs, double[] h0, int b, int t, int h, int g) {
        double[] dw = new double[g * h];
        if (t > 1) {
            for (int r = 0; r < b; r++) {
                k.dgemm(true, false, g, h, t - 1, 1, da, r * t * g + g, g, hs, r * t * h, h, 1, dw, 0, h);
            }
        }
        if (h0 != null) {
            k.dgemm(true, false, g, h, b, 1, da, 0, t * g, h0, 0, h, 1, dw, 0, h);
        }
        return TensorInternals.wrap(dw, g, h);
    }

    private static Tensor biasGrad(Kernels k, double[] da, int rows, int g) {
        double[] db = new double[g];
        for (int r = 0; r < rows; r++) {
            k.binary(BinaryOp.ADD, db, 0, da, r * g, db, 0, g);
        }
        return TensorInternals.wrap(db, g);
    }
}
