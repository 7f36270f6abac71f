package dev.heed.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OpsTest {

    private static Tensor d(double[] v, int... shape) {
        return Tensor.of(v, shape);
    }

    @Test
    void arithmeticBroadcastsLikeNumpy() {
        Tensor a = d(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor row = d(new double[] {10, 20, 30}, 3);
        Tensor col = d(new double[] {100, 200}, 2, 1);
        assertArrayEquals(new double[] {11, 22, 33, 14, 25, 36}, a.add(row).toDoubleArray());
        assertArrayEquals(new double[] {101, 102, 103, 204, 205, 206}, a.add(col).toDoubleArray());
        assertArrayEquals(new double[] {110, 120, 130, 210, 220, 230}, row.add(col).toDoubleArray());
        assertArrayEquals(new int[] {2, 3}, row.add(col).shape());
        assertArrayEquals(new double[] {-9, -18, -27, -6, -15, -24}, a.sub(row).toDoubleArray());
        assertArrayEquals(new double[] {10, 40, 90, 40, 100, 180}, a.mul(row).toDoubleArray());
        assertArrayEquals(new double[] {0.1, 0.1, 0.1, 0.4, 0.25, 0.2}, a.div(row).toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {-1, -2, -3, -4, -5, -6}, a.neg().toDoubleArray());
        assertArrayEquals(new double[] {1, 4, 9, 16, 25, 36}, a.pow(2).toDoubleArray());
        assertArrayEquals(new double[] {1, 8, 27}, d(new double[] {1, 2, 3}).pow(d(new double[] {3})).toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {3, 4}, d(new double[] {1, 2}).add(2).toDoubleArray());
        assertArrayEquals(new double[] {-1, 0}, d(new double[] {1, 2}).sub(2).toDoubleArray());
        assertArrayEquals(new double[] {1, 0}, d(new double[] {1, 2}).rsub(2).toDoubleArray());
        assertArrayEquals(new double[] {0.5, 1}, d(new double[] {1, 2}).div(2).toDoubleArray());
        assertArrayEquals(new double[] {3, 6}, d(new double[] {1, 2}).mul(3).toDoubleArray());
        // scalar tensor broadcasts against anything
        assertArrayEquals(new double[] {2, 4, 6, 8, 10, 12}, a.mul(Tensor.scalar(DType.FLOAT64, 2)).toDoubleArray());
    }

    @Test
    void transposedOperandsAreReadCorrectly() {
        Tensor a = d(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor at = a.transpose(0, 1); // [[1,4],[2,5],[3,6]]
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, at.toDoubleArray());
        assertArrayEquals(new double[] {2, 6, 3, 7, 4, 8}, at.add(d(new double[] {1, 2}, 2)).toDoubleArray());
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, at.exp().log().toDoubleArray(), 1e-12);
    }

    @Test
    void unaryOpsMatchJavaMath() {
        double[] v = {-2, -0.5, 0, 0.5, 3};
        Tensor x = d(v);
        double[] exp = x.exp().toDoubleArray();
        double[] tanh = x.tanh().toDoubleArray();
        double[] sig = x.sigmoid().toDoubleArray();
        double[] relu = x.relu().toDoubleArray();
        double[] abs = x.abs().toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            assertEquals(Math.exp(v[i]), exp[i], 1e-12);
            assertEquals(Math.tanh(v[i]), tanh[i], 1e-12);
            assertEquals(1 / (1 + Math.exp(-v[i])), sig[i], 1e-12);
            assertEquals(Math.max(0, v[i]), relu[i]);
            assertEquals(Math.abs(v[i]), abs[i]);
        }
        assertArrayEquals(new double[] {0, 1, 2}, d(new double[] {1, Math.E, Math.E * Math.E}).log().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {2, 3}, d(new double[] {4, 9}).sqrt().toDoubleArray(), 1e-12);
        assertArrayEquals(new float[] {0.7615942f}, Tensor.of(new float[] {1}).tanh().toFloatArray(), 1e-6f);
    }

    @Test
    void reductionsOverAxes() {
        // x[i][j][k] = 100 i + 10 j + k, shape [2, 3, 4]
        double[] v = new double[24];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    v[i * 12 + j * 4 + k] = 100 * i + 10 * j + k;
                }
            }
        }
        Tensor x = d(v, 2, 3, 4);
        double total = 0;
        for (double e : v) {
            total += e;
        }
        assertEquals(total, x.sum().item(), 1e-9);
        assertEquals(total / 24, x.mean().item(), 1e-9);
        // sum over axis 1: 3 * (100 i + k) + 30
        Tensor s1 = x.sum(1);
        assertArrayEquals(new int[] {2, 4}, s1.shape());
        assertArrayEquals(new double[] {30, 33, 36, 39, 330, 333, 336, 339}, s1.toDoubleArray(), 1e-9);
        assertArrayEquals(new int[] {2, 1, 4}, x.sum(1, true).shape());
        // sum over axis 0: 100 + 2(10 j + k)
        assertArrayEquals(new double[] {100, 102, 104, 106, 120, 122, 124, 126, 140, 142, 144, 146},
                x.sum(0).toDoubleArray(), 1e-9);
        // sum over last axis: 4 (100 i + 10 j) + 6
        assertArrayEquals(new double[] {6, 46, 86, 406, 446, 486}, x.sum(-1).toDoubleArray(), 1e-9);
        // mean over axes 0 and 2: 50 + 10 j + 1.5
        Tensor m = x.mean(new int[] {0, 2}, true);
        assertArrayEquals(new int[] {1, 3, 1}, m.shape());
        assertArrayEquals(new double[] {51.5, 61.5, 71.5}, m.toDoubleArray(), 1e-9);
        // on a transposed view
        assertArrayEquals(x.sum(1).toDoubleArray(), x.transpose(1, 2).sum(2).toDoubleArray(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> x.sum(3));
        assertThrows(IllegalArgumentException.class, () -> x.sum(new int[] {1, -2}, false));
    }

    @Test
    void matmulAgainstHandComputedProducts() {
        Tensor a = d(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = d(new double[] {7, 8, 9, 10, 11, 12}, 3, 2);
        // [[1*7+2*9+3*11, 1*8+2*10+3*12], [4*7+5*9+6*11, 4*8+5*10+6*12]]
        assertArrayEquals(new double[] {58, 64, 139, 154}, a.matmul(b).toDoubleArray(), 1e-12);
        // transposed operands: (b^T)(a^T) = (ab)^T
        assertArrayEquals(new double[] {58, 139, 64, 154}, b.mT().matmul(a.mT()).toDoubleArray(), 1e-12);
        // vector cases
        Tensor v = d(new double[] {1, 0, -1}, 3);
        assertArrayEquals(new double[] {-2, -2}, a.matmul(v).toDoubleArray(), 1e-12);
        assertArrayEquals(new int[] {2}, v.matmul(b).shape());
        assertArrayEquals(new double[] {-4, -4}, v.matmul(b).toDoubleArray(), 1e-12);
        assertEquals(0.0, v.matmul(v.mul(0.0).add(1)).item(), 1e-12);
        // batched with broadcast: [2,1,2,3] @ [3,3,2] -> [2,3,2,2]
        Tensor ab = Tensor.randn(Rng.seeded(1), DType.FLOAT64, 2, 1, 2, 3);
        Tensor bb = Tensor.randn(Rng.seeded(2), DType.FLOAT64, 3, 3, 2);
        Tensor c = ab.matmul(bb);
        assertArrayEquals(new int[] {2, 3, 2, 2}, c.shape());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int r = 0; r < 2; r++) {
                    for (int q = 0; q < 2; q++) {
                        double e = 0;
                        for (int p = 0; p < 3; p++) {
                            e += ab.get(i, 0, r, p) * bb.get(j, p, q);
                        }
                        assertEquals(e, c.get(i, j, r, q), 1e-12);
                    }
                }
            }
        }
        // [B, m, k] @ [k, n] and a transposed batched operand
        Tensor x3 = Tensor.randn(Rng.seeded(5), DType.FLOAT64, 4, 2, 3);
        Tensor w = Tensor.randn(Rng.seeded(6), DType.FLOAT64, 3, 5);
        Tensor y = x3.matmul(w);
        Tensor yt = x3.mT().mT().matmul(w.mT().contiguous().mT());
        assertArrayEquals(y.toDoubleArray(), yt.toDoubleArray(), 1e-12);
        assertEquals(x3.get(3, 1, 0) * w.get(0, 4) + x3.get(3, 1, 1) * w.get(1, 4) + x3.get(3, 1, 2) * w.get(2, 4),
                y.get(3, 1, 4), 1e-12);
        Tensor ptb = x3.permute(0, 2, 1); // [4,3,2] transposed matrices
        Tensor z = ptb.matmul(Tensor.ones(DType.FLOAT64, 2, 1));
        assertEquals(x3.get(2, 0, 1) + x3.get(2, 1, 1), z.get(2, 1, 0), 1e-12);
    }

    @Test
    void matmulErrorsNameShapesAndFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(32, 64).matmul(Tensor.zeros(32, 64)));
        assertTrue(e.getMessage().contains("[32, 64] @ [32, 64]") && e.getMessage().contains("64 vs 32")
                && e.getMessage().contains("mT()"), e.getMessage());
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(3, 4, 5)));
        assertTrue(batch.getMessage().contains("batch"), batch.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.scalar(1).matmul(Tensor.zeros(1)));
    }

    @Test
    void shapeOps() {
        Tensor x = Tensor.arange(DType.FLOAT64, 0, 6, 1);
        Tensor r = x.reshape(2, -1);
        assertArrayEquals(new int[] {2, 3}, r.shape());
        assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, r.transpose(0, 1).toDoubleArray());
        assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, r.transpose(0, 1).reshape(6).toDoubleArray());
        assertArrayEquals(new int[] {2, 1, 3}, r.unsqueeze(1).shape());
        assertArrayEquals(new int[] {2, 3, 1}, r.unsqueeze(-1).shape());
        assertArrayEquals(new int[] {2, 3}, r.unsqueeze(1).squeeze(1).shape());
        assertArrayEquals(new int[] {2, 3}, r.squeeze(0).shape());
        assertArrayEquals(new int[] {3}, Tensor.zeros(1, 3, 1).squeeze().shape());
        Tensor p = Tensor.arange(DType.FLOAT64, 0, 24, 1).reshape(2, 3, 4).permute(2, 0, 1);
        assertArrayEquals(new int[] {4, 2, 3}, p.shape());
        assertEquals(1 * 12 + 2 * 4 + 3, p.get(3, 1, 2));
        Tensor e = d(new double[] {1, 2}, 2, 1).expand(2, 3);
        assertArrayEquals(new double[] {1, 1, 1, 2, 2, 2}, e.toDoubleArray());
        assertArrayEquals(new double[] {1, 1, 1, 2, 2, 2}, e.add(0).toDoubleArray());
        assertThrows(IllegalArgumentException.class, () -> x.reshape(4, -1));
        assertThrows(IllegalArgumentException.class, () -> x.reshape(-1, -1));
        assertThrows(IllegalArgumentException.class, () -> r.permute(0, 0));
        assertThrows(IllegalArgumentException.class, () -> r.expand(3, 3));
        assertThrows(IllegalArgumentException.class, () -> r.transpose(0, 2));
    }

    @Test
    void softmaxIsStableAndHandlesMaskedRows() {
        Tensor x = d(new double[] {1, 2, 3, 1000, 1000, 1000}, 2, 3);
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertArrayEquals(new double[] {Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z, 1 / 3.0, 1 / 3.0, 1 / 3.0},
                x.softmax(-1).toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {1 - Math.log(z), 2 - Math.log(z), 3 - Math.log(z),
            -Math.log(3), -Math.log(3), -Math.log(3)}, x.logSoftmax(1).toDoubleArray(), 1e-12);
        // along axis 0
        Tensor c = d(new double[] {0, 0, Math.log(3), 0}, 2, 2).softmax(0);
        assertArrayEquals(new double[] {0.25, 0.5, 0.75, 0.5}, c.toDoubleArray(), 1e-12);
        double ninf = Double.NEGATIVE_INFINITY;
        Tensor masked = d(new double[] {ninf, ninf, ninf, 0, ninf, 0}, 2, 3).requiresGrad(true);
        Tensor sm = masked.softmax(-1);
        assertArrayEquals(new double[] {0, 0, 0, 0.5, 0, 0.5}, sm.toDoubleArray(), 1e-12);
        sm.mul(d(new double[] {1, 2, 3, 4, 5, 6}, 2, 3)).sum().backward();
        for (double g : masked.grad().toDoubleArray()) {
            assertTrue(Double.isFinite(g));
        }
        // d/dx of 4 p0 + 6 p2 with p = softmax(0, -inf, 0): (p0 (4 - 5), 0, p2 (6 - 5))
        assertArrayEquals(new double[] {0, 0, 0, -0.5, 0, 0.5}, masked.grad().toDoubleArray(), 1e-12);
        Tensor masked2 = d(new double[] {ninf, ninf, 1, 1}, 2, 2).requiresGrad(true);
        Tensor ls = masked2.logSoftmax(1);
        assertArrayEquals(new double[] {0, 0, -Math.log(2), -Math.log(2)}, ls.toDoubleArray(), 1e-12);
        ls.sum().backward();
        assertArrayEquals(new double[] {0, 0, 0, 0}, masked2.grad().toDoubleArray(), 1e-12);
    }
}
