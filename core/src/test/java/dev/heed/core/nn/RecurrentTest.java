package dev.heed.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Autograd;
import dev.heed.core.DType;
import dev.heed.core.GradCheck;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.optim.Adam;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecurrentTest {

    private static double sig(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /** W [rows, cols] row-major times v, plus b, for gate block `gate` of height h. */
    private static double affine(double[] w, double[] b, double[] v, int row, int cols) {
        double acc = b == null ? 0 : b[row];
        for (int k = 0; k < cols; k++) {
            acc += w[row * cols + k] * v[k];
        }
        return acc;
    }

    /**
     * Reference LSTM layer stack written from PyTorch's documented equations with plain loops.
     * x [B][T][I]; weights per layer {wih, whh, bih, bhh}; h0/c0 [L][B][H] or null.
     * Returns {out [B][T][H] flattened, hN [L][B][H] flattened, cN flattened}.
     */
    private static double[][] refLstm(double[] x, int b, int t, int in, int hid, List<double[][]> layers,
            double[] h0, double[] c0) {
        int nl = layers.size();
        double[] seq = x;
        int width = in;
        double[] hN = new double[nl * b * hid];
        double[] cN = new double[nl * b * hid];
        for (int l = 0; l < nl; l++) {
            double[][] p = layers.get(l);
            double[] out = new double[b * t * hid];
            for (int r = 0; r < b; r++) {
                double[] h = new double[hid];
                double[] c = new double[hid];
                for (int j = 0; j < hid; j++) {
                    h[j] = h0 == null ? 0 : h0[(l * b + r) * hid + j];
                    c[j] = c0 == null ? 0 : c0[(l * b + r) * hid + j];
                }
                for (int s = 0; s < t; s++) {
                    double[] xt = new double[width];
                    System.arraycopy(seq, (r * t + s) * width, xt, 0, width);
                    double[] nh = new double[hid];
                    double[] nc = new double[hid];
                    for (int j = 0; j < hid; j++) {
                        double i = sig(affine(p[0], p[2], xt, j, width) + affine(p[1], p[3], h, j, hid));
                        double f = sig(affine(p[0], p[2], xt, hid + j, width) + affine(p[1], p[3], h, hid + j, hid));
                        double g = Math.tanh(affine(p[0], p[2], xt, 2 * hid + j, width)
                                + affine(p[1], p[3], h, 2 * hid + j, hid));
                        double o = sig(affine(p[0], p[2], xt, 3 * hid + j, width)
                                + affine(p[1], p[3], h, 3 * hid + j, hid));
                        nc[j] = f * c[j] + i * g;
                        nh[j] = o * Math.tanh(nc[j]);
                    }
                    h = nh;
                    c = nc;
                    System.arraycopy(h, 0, out, (r * t + s) * hid, hid);
                }
                System.arraycopy(h, 0, hN, (l * b + r) * hid, hid);
                System.arraycopy(c, 0, cN, (l * b + r) * hid, hid);
            }
            seq = out;
            width = hid;
        }
        return new double[][] {seq, hN, cN};
    }

    /** Reference GRU from the documented equations (n uses r ⊙ (W_hn h + b_hn)). */
    private static double[][] refGru(double[] x, int b, int t, int in, int hid, List<double[][]> layers, double[] h0) {
        int nl = layers.size();
        double[] seq = x;
        int width = in;
        double[] hN = new double[nl * b * hid];
        for (int l = 0; l < nl; l++) {
            double[][] p = layers.get(l);
            double[] out = new double[b * t * hid];
            for (int r = 0; r < b; r++) {
                double[] h = new double[hid];
                for (int j = 0; j < hid; j++) {
                    h[j] = h0 == null ? 0 : h0[(l * b + r) * hid + j];
                }
                for (int s = 0; s < t; s++) {
                    double[] xt = new double[width];
                    System.arraycopy(seq, (r * t + s) * width, xt, 0, width);
                    double[] nh = new double[hid];
                    for (int j = 0; j < hid; j++) {
                        double rr = sig(affine(p[0], p[2], xt, j, width) + affine(p[1], p[3], h, j, hid));
                        double z = sig(affine(p[0], p[2], xt, hid + j, width) + affine(p[1], p[3], h, hid + j, hid));
                        double n = Math.tanh(affine(p[0], p[2], xt, 2 * hid + j, width)
                                + rr * affine(p[1], p[3], h, 2 * hid + j, hid));
                        nh[j] = (1 - z) * n + z * h[j];
                    }
                    h = nh;
                    System.arraycopy(h, 0, out, (r * t + s) * hid, hid);
                }
                System.arraycopy(h, 0, hN, (l * b + r) * hid, hid);
            }
            seq = out;
            width = hid;
        }
        return new double[][] {seq, hN};
    }

    private static List<double[][]> params(RNNBase m) {
        List<double[][]> out = new ArrayList<>();
        for (int l = 0; l < m.numLayers(); l++) {
            out.add(new double[][] {m.weightIh(l).toDoubleArray(), m.weightHh(l).toDoubleArray(),
                m.biasIh(l) == null ? null : m.biasIh(l).toDoubleArray(),
                m.biasHh(l) == null ? null : m.biasHh(l).toDoubleArray()});
        }
        return out;
    }

    private static void assertClose(double[] want, double[] got, double tol) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol, "element " + i);
        }
    }

    @Test
    void lstmCellOneStepEqualsLoops() {
        LSTMCell cell = new LSTMCell(3, 2, Rng.seeded(1));
        cell.to(DType.FLOAT64);
        Rng rng = Rng.seeded(2);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 2, 3);
        Tensor h = Tensor.randn(rng, DType.FLOAT64, 2, 2);
        Tensor c = Tensor.randn(rng, DType.FLOAT64, 2, 2);
        LSTMCell.State s = cell.forward(x, h, c);
        double[] w = cell.weightIh().toDoubleArray();
        double[] u = cell.weightHh().toDoubleArray();
        double[] bi = cell.biasIh().toDoubleArray();
        double[] bh = cell.biasHh().toDoubleArray();
        double[] xv = x.toDoubleArray();
        double[] hv = h.toDoubleArray();
        double[] cv = c.toDoubleArray();
        for (int r = 0; r < 2; r++) {
            for (int j = 0; j < 2; j++) {
                double[] pre = new double[4];
                for (int q = 0; q < 4; q++) {
                    int row = q * 2 + j;
                    pre[q] = bi[row] + bh[row];
                    for (int k = 0; k < 3; k++) {
                        pre[q] += w[row * 3 + k] * xv[r * 3 + k];
                    }
                    for (int k = 0; k < 2; k++) {
                        pre[q] += u[row * 2 + k] * hv[r * 2 + k];
                    }
                }
                double cn = sig(pre[1]) * cv[r * 2 + j] + sig(pre[0]) * Math.tanh(pre[2]);
                double hn = sig(pre[3]) * Math.tanh(cn);
                assertEquals(cn, s.c().get(r, j), 1e-12);
                assertEquals(hn, s.h().get(r, j), 1e-12);
            }
        }
    }

    @Test
    void gruCellOneStepEqualsLoops() {
        GRUCell cell = new GRUCell(3, 2, Rng.seeded(3));
        cell.to(DType.FLOAT64);
        Rng rng = Rng.seeded(4);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 2, 3);
        Tensor h = Tensor.randn(rng, DType.FLOAT64, 2, 2);
        Tensor hn = cell.forward(x, h);
        double[] w = cell.weightIh().toDoubleArray();
        double[] u = cell.weightHh().toDoubleArray();
        double[] bi = cell.biasIh().toDoubleArray();
        double[] bh = cell.biasHh().toDoubleArray();
        double[] xv = x.toDoubleArray();
        double[] hv = h.toDoubleArray();
        for (int r = 0; r < 2; r++) {
            for (int j = 0; j < 2; j++) {
                double[] gi = new double[3];
                double[] gh = new double[3];
                for (int q = 0; q < 3; q++) {
                    int row = q * 2 + j;
                    gi[q] = bi[row];
                    gh[q] = bh[row];
                    for (int k = 0; k < 3; k++) {
                        gi[q] += w[row * 3 + k] * xv[r * 3 + k];
                    }
                    for (int k = 0; k < 2; k++) {
                        gh[q] += u[row * 2 + k] * hv[r * 2 + k];
                    }
                }
                double rr = sig(gi[0] + gh[0]);
                double z = sig(gi[1] + gh[1]);
                double n = Math.tanh(gi[2] + rr * gh[2]);
                assertEquals((1 - z) * n + z * hv[r * 2 + j], hn.get(r, j), 1e-12);
            }
        }
    }

    @Test
    void lstmLayerOneStepEqualsLoopsInFloat32() {
        LSTM lstm = new LSTM(3, 4, Rng.seeded(5));
        Tensor x = Tensor.randn(Rng.seeded(6), 2, 1, 3);
        LSTM.Result r = lstm.run(x);
        double[][] ref = refLstm(x.toDoubleArray(), 2, 1, 3, 4, params(lstm), null, null);
        assertClose(ref[0], r.output().toDoubleArray(), 1e-6);
        assertClose(ref[1], r.h().toDoubleArray(), 1e-6);
        assertClose(ref[2], r.c().toDoubleArray(), 1e-6);
    }

    @Test
    void multiLayerLstmEqualsLoopsWithInitialState() {
        int b = 3;
        int t = 5;
        LSTM lstm = new LSTM(4, 3, 2, true, 0.0, Rng.seeded(7));
        lstm.to(DType.FLOAT64);
        Rng rng = Rng.seeded(8);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, b, t, 4);
        Tensor h0 = Tensor.randn(rng, DType.FLOAT64, 2, b, 3);
        Tensor c0 = Tensor.randn(rng, DType.FLOAT64, 2, b, 3);
        LSTM.Result r = lstm.run(x, h0, c0);
        assertArrayEquals(new int[] {b, t, 3}, r.output().shape());
        assertArrayEquals(new int[] {2, b, 3}, r.h().shape());
        assertArrayEquals(new int[] {2, b, 3}, r.c().shape());
        double[][] ref = refLstm(x.toDoubleArray(), b, t, 4, 3, params(lstm), h0.toDoubleArray(), c0.toDoubleArray());
        assertClose(ref[0], r.output().toDoubleArray(), 1e-12);
        assertClose(ref[1], r.h().toDoubleArray(), 1e-12);
        assertClose(ref[2], r.c().toDoubleArray(), 1e-12);
    }

    @Test
    void multiLayerGruEqualsLoopsWithAndWithoutInitialState() {
        int b = 2;
        int t = 6;
        GRU gru = new GRU(3, 4, 3, true, 0.0, Rng.seeded(9));
        gru.to(DType.FLOAT64);
        Rng rng = Rng.seeded(10);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, b, t, 3);
        Tensor h0 = Tensor.randn(rng, DType.FLOAT64, 3, b, 4);
        GRU.Result r = gru.run(x, h0);
        assertArrayEquals(new int[] {b, t, 4}, r.output().shape());
        assertArrayEquals(new int[] {3, b, 4}, r.h().shape());
        double[][] ref = refGru(x.toDoubleArray(), b, t, 3, 4, params(gru), h0.toDoubleArray());
        assertClose(ref[0], r.output().toDoubleArray(), 1e-12);
        assertClose(ref[1], r.h().toDoubleArray(), 1e-12);
        double[][] ref0 = refGru(x.toDoubleArray(), b, t, 3, 4, params(gru), null);
        assertClose(ref0[0], gru.forward(x).toDoubleArray(), 1e-12);
    }

    @Test
    void withoutBiasEqualsLoops() {
        LSTM lstm = new LSTM(2, 3, 1, false, 0.0, Rng.seeded(11));
        GRU gru = new GRU(2, 3, 1, false, 0.0, Rng.seeded(12));
        assertEquals(2, lstm.parameters().size());
        Tensor x = Tensor.randn(Rng.seeded(13), DType.FLOAT32, 2, 4, 2);
        assertClose(refLstm(x.toDoubleArray(), 2, 4, 2, 3, params(lstm), null, null)[0], lstm.forward(x).toDoubleArray(),
                1e-5);
        assertClose(refGru(x.toDoubleArray(), 2, 4, 2, 3, params(gru), null)[0], gru.forward(x).toDoubleArray(), 1e-5);
    }

    @Test
    void parameterNamesShapesAndInitMatchPyTorch() {
        LSTM lstm = new LSTM(5, 4, 2, true, 0.0, Rng.seeded(14));
        Map<String, Tensor> sd = lstm.stateDict();
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l1", "weight_hh_l1",
                "bias_ih_l1", "bias_hh_l1"), new ArrayList<>(sd.keySet()));
        assertArrayEquals(new int[] {16, 5}, sd.get("weight_ih_l0").shape());
        assertArrayEquals(new int[] {16, 4}, sd.get("weight_hh_l0").shape());
        assertArrayEquals(new int[] {16, 4}, sd.get("weight_ih_l1").shape());
        assertArrayEquals(new int[] {16}, sd.get("bias_hh_l1").shape());
        // PyTorch: 4 * (H*I + H*H + 2H) per layer
        assertEquals(4 * (4 * 5 + 4 * 4 + 8) + 4 * (4 * 4 + 4 * 4 + 8), lstm.parameterCount());
        GRU gru = new GRU(5, 4, Rng.seeded(15));
        assertArrayEquals(new int[] {12, 5}, gru.stateDict().get("weight_ih_l0").shape());
        assertEquals(List.of("weight_ih", "weight_hh", "bias_ih", "bias_hh"),
                new ArrayList<>(new LSTMCell(5, 4, Rng.seeded(1)).stateDict().keySet()));
        // U(-1/sqrt(H), 1/sqrt(H)) = U(-0.5, 0.5) for H = 4, and not degenerate
        double min = 1;
        double max = -1;
        for (Tensor p : lstm.parameters()) {
            for (double v : p.toDoubleArray()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        assertTrue(min >= -0.5 && max <= 0.5 && min < -0.4 && max > 0.4, min + " " + max);
    }

    @Test
    void layerEqualsUnrolledCells() {
        LSTM lstm = new LSTM(3, 4, Rng.seeded(16));
        LSTMCell cell = new LSTMCell(3, 4, Rng.seeded(99));
        cell.loadStateDict(Map.of("weight_ih", lstm.weightIh(0), "weight_hh", lstm.weightHh(0), "bias_ih", lstm.biasIh(0),
                "bias_hh", lstm.biasHh(0)));
        Tensor x = Tensor.randn(Rng.seeded(17), 2, 3, 3);
        Tensor y = lstm.forward(x);
        Tensor h = null;
        Tensor c = null;
        for (int s = 0; s < 3; s++) {
            double[] m = new double[3];
            m[s] = 1;
            Tensor xs = x.mul(Tensor.of(m, 1, 3, 1).to(DType.FLOAT32)).sum(1);
            LSTMCell.State st = cell.forward(xs, h, c);
            h = st.h();
            c = st.c();
            for (int r = 0; r < 2; r++) {
                for (int j = 0; j < 4; j++) {
                    assertEquals(h.get(r, j), y.get(r, s, j), 1e-6);
                }
            }
        }
    }

    @Test
    void gradcheckTwoLayerLstm() {
        LSTM lstm = new LSTM(3, 2, 2, true, 0.0, Rng.seeded(18));
        lstm.to(DType.FLOAT64);
        Rng rng = Rng.seeded(19);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 2, 3, 3).requiresGrad(true);
        Tensor h0 = Tensor.randn(rng, DType.FLOAT64, 2, 2, 2).requiresGrad(true);
        Tensor c0 = Tensor.randn(rng, DType.FLOAT64, 2, 2, 2).requiresGrad(true);
        Tensor wy = Tensor.randn(rng, DType.FLOAT64, 2, 3, 2);
        Tensor wh = Tensor.randn(rng, DType.FLOAT64, 2, 2, 2);
        Tensor wc = Tensor.randn(rng, DType.FLOAT64, 2, 2, 2);
        List<Tensor> inputs = new ArrayList<>(List.of(x, h0, c0));
        inputs.addAll(lstm.parameters());
        // every output of the layer: all steps, and the final h and c of both layers
        GradCheck.gradcheck(in -> {
            LSTM.Result r = lstm.run(in[0], in[1], in[2]);
            return r.output().mul(wy).sum().add(r.h().mul(wh).sum()).add(r.c().mul(wc).sum());
        }, inputs.toArray(new Tensor[0]));
        // the full Jacobian of the outputs with respect to the input
        GradCheck.gradcheck(in -> lstm.run(in[0]).output(), x);
        // only the final cell state
        GradCheck.gradcheck(in -> lstm.run(in[0], in[1], in[2]).c(), x, h0, c0);
    }

    @Test
    void gradcheckTwoLayerGru() {
        GRU gru = new GRU(3, 2, 2, true, 0.0, Rng.seeded(20));
        gru.to(DType.FLOAT64);
        Rng rng = Rng.seeded(21);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 2, 4, 3).requiresGrad(true);
        Tensor h0 = Tensor.randn(rng, DType.FLOAT64, 2, 2, 2).requiresGrad(true);
        Tensor wy = Tensor.randn(rng, DType.FLOAT64, 2, 4, 2);
        Tensor wh = Tensor.randn(rng, DType.FLOAT64, 2, 2, 2);
        List<Tensor> inputs = new ArrayList<>(List.of(x, h0));
        inputs.addAll(gru.parameters());
        GradCheck.gradcheck(in -> {
            GRU.Result r = gru.run(in[0], in[1]);
            return r.output().mul(wy).sum().add(r.h().mul(wh).sum());
        }, inputs.toArray(new Tensor[0]));
        GradCheck.gradcheck(in -> gru.run(in[0]).h(), x);
    }

    @Test
    void float32GradientsAgreeWithFloat64() {
        for (boolean gru : new boolean[] {false, true}) {
            RNNBase m32 = gru ? new GRU(3, 5, 2, true, 0.0, Rng.seeded(40)) : new LSTM(3, 5, 2, true, 0.0, Rng.seeded(40));
            RNNBase m64 = gru ? new GRU(3, 5, 2, true, 0.0, Rng.seeded(40)) : new LSTM(3, 5, 2, true, 0.0, Rng.seeded(40));
            m64.to(DType.FLOAT64);
            Tensor x = Tensor.randn(Rng.seeded(41), 3, 7, 3);
            Tensor w = Tensor.randn(Rng.seeded(42), 3, 7, 5);
            m32.forward(x).mul(w).sum().backward();
            m64.forward(x.to(DType.FLOAT64)).mul(w.to(DType.FLOAT64)).sum().backward();
            List<Tensor> p32 = m32.parameters();
            List<Tensor> p64 = m64.parameters();
            for (int i = 0; i < p32.size(); i++) {
                assertClose(p64.get(i).grad().toDoubleArray(), p32.get(i).grad().toDoubleArray(), 1e-4);
            }
        }
    }

    @Test
    void cellsAreDifferentiableToSecondOrder() {
        LSTMCell lc = new LSTMCell(2, 2, Rng.seeded(22));
        GRUCell gc = new GRUCell(2, 2, Rng.seeded(23));
        lc.to(DType.FLOAT64);
        gc.to(DType.FLOAT64);
        Rng rng = Rng.seeded(24);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 2, 2).requiresGrad(true);
        Tensor h = Tensor.randn(rng, DType.FLOAT64, 2, 2).requiresGrad(true);
        Tensor c = Tensor.randn(rng, DType.FLOAT64, 2, 2).requiresGrad(true);
        GradCheck.gradcheck(in -> lc.forward(in[0], in[1], in[2]).c(), x, h, c);
        GradCheck.gradgradcheck(in -> lc.forward(in[0], in[1], in[2]).h(), x, h, c);
        GradCheck.gradgradcheck(in -> gc.forward(in[0], in[1]), x, h);
    }

    @Test
    void secondOrderThroughTheFusedLayerIsAClearError() {
        LSTM lstm = new LSTM(2, 2, Rng.seeded(25));
        Tensor x = Tensor.randn(Rng.seeded(26), 1, 2, 2).requiresGrad(true);
        Tensor loss = lstm.forward(x).sum();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Autograd.grad(new Tensor[] {loss}, new Tensor[] {x}, null, true, true));
        assertTrue(e.getMessage().contains("LSTMCell"), e.getMessage());
    }

    @Test
    void badInputsNameTheShapes() {
        LSTM lstm = new LSTM(8, 4, 2, true, 0.0, Rng.seeded(27));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> lstm.forward(Tensor.zeros(4, 5, 7)));
        assertTrue(e.getMessage().contains("[4, 5, 7]") && e.getMessage().contains("[batch, time, 8]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> lstm.forward(Tensor.zeros(5, 8)));
        assertTrue(e.getMessage().contains("[5, 8]") && e.getMessage().contains("unsqueeze(0)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> lstm.forward(Tensor.zeros(DType.FLOAT64, 1, 2, 8)));
        assertTrue(e.getMessage().contains("FLOAT64") && e.getMessage().contains("FLOAT32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> lstm.run(Tensor.zeros(3, 2, 8), Tensor.zeros(1, 3, 4), null));
        assertTrue(e.getMessage().contains("[1, 3, 4]") && e.getMessage().contains("[2, 3, 4]"), e.getMessage());
        GRU gru = new GRU(3, 2, Rng.seeded(28));
        e = assertThrows(IllegalArgumentException.class, () -> gru.forward(Tensor.zeros(2, 2, 4)));
        assertTrue(e.getMessage().startsWith("GRU") && e.getMessage().contains("[2, 2, 4]"), e.getMessage());
        LSTMCell cell = new LSTMCell(3, 2, Rng.seeded(29));
        e = assertThrows(IllegalArgumentException.class, () -> cell.forward(Tensor.zeros(2, 4), null, null));
        assertTrue(e.getMessage().contains("[2, 4]") && e.getMessage().contains("[batch, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LSTM(0, 2, Rng.seeded(1)));
        assertTrue(e.getMessage().contains("inputSize=0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GRU(2, 2, 2, true, 1.0, Rng.seeded(1)));
    }

    @Test
    void dropoutBetweenLayersOnlyInTrainingAndSeeded() {
        Tensor x = Tensor.randn(Rng.seeded(30), 2, 4, 3);
        LSTM a = new LSTM(3, 8, 2, true, 0.5, Rng.seeded(31));
        LSTM b = new LSTM(3, 8, 2, true, 0.5, Rng.seeded(31));
        LSTM plain = new LSTM(3, 8, 2, true, 0.0, Rng.seeded(31));
        assertArrayEquals(a.forward(x).toFloatArray(), b.forward(x).toFloatArray());
        assertNotEquals(java.util.Arrays.toString(plain.forward(x).toFloatArray()),
                java.util.Arrays.toString(a.forward(x).toFloatArray()));
        a.eval();
        assertArrayEquals(plain.forward(x).toFloatArray(), a.forward(x).toFloatArray());
    }

    @Test
    void noGradForwardRecordsNothing() {
        GRU gru = new GRU(2, 3, Rng.seeded(32));
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor y = gru.forward(Tensor.randn(Rng.seeded(33), 1, 3, 2));
            assertTrue(!y.requiresGrad());
        }
    }

    /** Echo with delay 1: at every step output the bit seen one step before. Needs memory. */
    @Test
    void tinyLstmLearnsEchoWithDelay() {
        Rng rng = Rng.seeded(34);
        LSTM lstm = new LSTM(1, 12, rng);
        Linear head = new Linear(12, 1, rng);
        List<Tensor> params = new ArrayList<>(lstm.parameters());
        params.addAll(head.parameters());
        Adam opt = new Adam(params, 0.03);
        int b = 32;
        int t = 12;
        Rng data = Rng.seeded(35);
        double acc = 0;
        for (int it = 0; it < 200; it++) {
            float[] xs = new float[b * t];
            float[] ys = new float[b * t];
            for (int r = 0; r < b; r++) {
                for (int s = 0; s < t; s++) {
                    xs[r * t + s] = data.nextInt(2);
                    ys[r * t + s] = s == 0 ? 0 : xs[r * t + s - 1];
                }
            }
            Tensor x = Tensor.of(xs, b, t, 1);
            Tensor y = Tensor.of(ys, b, t, 1);
            Tensor logits = head.forward(lstm.forward(x));
            // binary cross-entropy with logits: softplus(z) - y z, softplus(z) = log(1 + e^z)
            Tensor loss = logits.exp().add(1).log().sub(y.mul(logits)).mean();
            opt.zeroGrad();
            loss.backward();
            opt.step();
            float[] lv = logits.toFloatArray();
            int correct = 0;
            for (int i = 0; i < lv.length; i++) {
                correct += (lv[i] > 0 ? 1 : 0) == (int) ys[i] ? 1 : 0;
            }
            acc = correct / (double) lv.length;
            if (it > 20 && acc == 1.0) {
                break;
            }
        }
        assertTrue(acc >= 0.99, "accuracy " + acc);
    }
}
