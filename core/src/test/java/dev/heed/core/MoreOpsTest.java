package dev.heed.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MoreOpsTest {

    private static Tensor d(double[] v, int... shape) {
        return Tensor.of(v, shape);
    }

    @Test
    void extraUnaryOpsMatchTheirDefinitions() {
        double[] v = {-3, -0.5, 0, 0.7, 4};
        Tensor x = d(v);
        double[] gelu = x.gelu().toDoubleArray();
        double[] geluT = x.gelu(true).toDoubleArray();
        double[] sp = x.softplus().toDoubleArray();
        double[] cl = x.clamp(-1, 1).toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            double z = v[i];
            // Phi via the identity erf(z / sqrt 2); reference values below for two points
            assertEquals(0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z))), geluT[i], 1e-12);
            assertEquals(Math.log(1 + Math.exp(z)), sp[i], 1e-12);
            assertEquals(Math.max(-1, Math.min(1, z)), cl[i]);
        }
        // GELU(0.7) = 0.7 * Phi(0.7) = 0.7 * 0.758036347776927 (standard normal table)
        assertEquals(0.7 * 0.758036347776927, gelu[3], 1e-12);
        // GELU(-0.5) = -0.5 * Phi(-0.5) = -0.5 * 0.308537538725987
        assertEquals(-0.5 * 0.308537538725987, gelu[1], 1e-12);
        assertEquals(0.8427007929497149, d(new double[] {1}).erf().item(), 1e-14); // erf(1)
        Tensor l1p = d(new double[] {1e-10, 2}).log1p();
        assertEquals(1e-10 - 0.5e-20, l1p.get(0), 1e-25); // log(1 + e) = e - e^2 / 2 + ...
        assertEquals(Math.log(3), l1p.get(1), 1e-15);
        assertArrayEquals(new double[] {0.5, 0.25}, d(new double[] {4, 16}).rsqrt().toDoubleArray(), 1e-15);
        assertEquals(1000.0, d(new double[] {1000}).softplus().item(), 1e-12); // linear above threshold
        assertArrayEquals(new double[] {1, 5}, d(new double[] {1, 2}).maximum(d(new double[] {0, 5})).toDoubleArray());
        assertArrayEquals(new double[] {0, 2}, d(new double[] {1, 2}).minimum(d(new double[] {0, 5})).toDoubleArray());
        assertThrows(IllegalArgumentException.class, () -> x.clamp(1, -1));
    }

    @Test
    void comparisonsMasksAndWhere() {
        Tensor x = d(new double[] {1, 2, 3, 4}, 2, 2);
        assertArrayEquals(new boolean[] {false, false, true, true}, x.gt(2).toBooleanArray());
        assertArrayEquals(new boolean[] {false, true, true, true}, x.ge(2).toBooleanArray());
        assertArrayEquals(new boolean[] {true, false, false, false}, x.lt(2).toBooleanArray());
        assertArrayEquals(new boolean[] {true, true, false, false}, x.le(2).toBooleanArray());
        assertArrayEquals(new boolean[] {false, true, false, false}, x.eq(2).toBooleanArray());
        assertArrayEquals(new boolean[] {true, false, true, true}, x.ne(2).toBooleanArray());
        Tensor row = d(new double[] {2, 3});
        assertArrayEquals(new boolean[] {false, false, true, true}, x.gt(row).toBooleanArray());
        assertArrayEquals(new boolean[] {true, true, false, false}, Tensor.of(new long[] {5, 7}).eq(Tensor.of(new long[] {5, 7}))
                .logicalOr(Tensor.of(new boolean[] {false, false}, 1, 2).logicalNot().logicalNot()).expand(2, 2).transpose(0, 1)
                .logicalAnd(Tensor.of(new boolean[] {true, false}, 2, 1)).toBooleanArray());
        Tensor w = Tensor.where(x.gt(2), x, x.neg());
        assertArrayEquals(new double[] {-1, -2, 3, 4}, w.toDoubleArray());
        double ninf = Double.NEGATIVE_INFINITY;
        Tensor causal = Tensor.of(new boolean[] {false, true, false, false}, 2, 2);
        assertArrayEquals(new double[] {1, ninf, 3, 4}, x.maskedFill(causal, ninf).toDoubleArray());
        assertEquals(2, x.gt(2).sum().item());
        assertEquals(DType.INT64, x.gt(2).sum().dtype());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.maskedFill(x, 0));
        assertTrue(e.getMessage().contains("BOOL"), e.getMessage());
    }

    @Test
    void extremaVarianceAndLogSumExp() {
        Tensor x = d(new double[] {1, 5, 3, 7, 2, 7}, 2, 3);
        assertEquals(7.0, x.max().item());
        assertEquals(1.0, x.min().item());
        assertArrayEquals(new double[] {7, 5, 7}, x.max(0).toDoubleArray());
        assertArrayEquals(new double[] {5, 7}, x.max(1).toDoubleArray());
        assertArrayEquals(new int[] {2, 1}, x.max(1, true).shape());
        assertArrayEquals(new double[] {1, 2}, x.min(-1).toDoubleArray());
        assertArrayEquals(new long[] {1, 0}, x.argmax(1).toLongArray()); // first maximum wins
        assertArrayEquals(new long[] {0, 1}, x.argmin(1, false).toLongArray());
        assertEquals(3, x.argmax().item());
        assertEquals(7.0, x.max(new int[] {0, 1}, false).item());
        // variance of {1, 5, 3}: mean 3, squared deviations 4 + 4 + 0 = 8
        assertArrayEquals(new double[] {4, 25.0 / 3}, x.var(new int[] {1}, true, false).toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {8.0 / 3, 50.0 / 9}, x.var(new int[] {1}, false, false).toDoubleArray(), 1e-12);
        assertEquals(x.var().item(), x.flatten().var(0).item(), 1e-12);
        Tensor lse = x.logSumExp(1);
        assertEquals(Math.log(Math.exp(1) + Math.exp(5) + Math.exp(3)), lse.get(0), 1e-12);
        assertEquals(1000 + Math.log(2), d(new double[] {1000, 1000}).logSumExp(0).item(), 1e-12);
        double ninf = Double.NEGATIVE_INFINITY;
        Tensor m = d(new double[] {ninf, ninf}).requiresGrad(true);
        Tensor l = m.logSumExp(0);
        assertEquals(ninf, l.item());
        l.backward();
        assertArrayEquals(new double[] {0, 0}, m.grad().toDoubleArray());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(0).max());
    }

    @Test
    void slicingJoiningAndSplitting() {
        Tensor x = Tensor.arange(DType.FLOAT64, 0, 12, 1).reshape(3, 4);
        assertArrayEquals(new double[] {4, 5, 6, 7, 8, 9, 10, 11}, x.narrow(0, 1, 2).toDoubleArray());
        assertArrayEquals(new double[] {1, 3, 5, 7, 9, 11}, x.slice(1, 1, 4, 2).toDoubleArray());
        assertArrayEquals(new double[] {2, 3, 6, 7, 10, 11}, x.slice(1, -2, 100).toDoubleArray());
        assertEquals(0, x.slice(1, 3, 1).numel());
        Tensor[] parts = x.split(3, 1);
        assertEquals(2, parts.length);
        assertArrayEquals(new double[] {3, 7, 11}, parts[1].toDoubleArray());
        Tensor[] chunks = x.chunk(2, 0);
        assertArrayEquals(new int[] {2, 4}, chunks[0].shape());
        assertArrayEquals(new int[] {1, 4}, chunks[1].shape());
        Tensor[] uneven = x.split(new int[] {1, 3}, 1);
        assertArrayEquals(new double[] {0, 4, 8}, uneven[0].toDoubleArray());
        Tensor cat = Tensor.concat(1, uneven[1], uneven[0]);
        assertArrayEquals(new double[] {1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8}, cat.toDoubleArray());
        Tensor st = Tensor.stack(0, d(new double[] {1, 2}), d(new double[] {3, 4}));
        assertArrayEquals(new int[] {2, 2}, st.shape());
        assertArrayEquals(new double[] {1, 3, 2, 4}, Tensor.stack(-1, d(new double[] {1, 2}), d(new double[] {3, 4})).toDoubleArray());
        assertThrows(IllegalArgumentException.class, () -> x.narrow(0, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.concat(0, x, Tensor.zeros(DType.FLOAT64, 2, 3)));
        assertThrows(IllegalArgumentException.class, () -> Tensor.concat(0, x, Tensor.zeros(1, 4)));
        assertThrows(IllegalArgumentException.class, () -> x.split(new int[] {1, 1}, 1));
    }

    @Test
    void indexingOps() {
        Tensor x = Tensor.arange(DType.FLOAT64, 0, 12, 1).reshape(3, 4);
        Tensor idx = Tensor.of(new long[] {2, 0, 2});
        assertArrayEquals(new double[] {8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11}, x.indexSelect(0, idx).toDoubleArray());
        assertArrayEquals(new double[] {3, 0, 7, 4, 11, 8}, x.indexSelect(1, Tensor.of(new long[] {-1, 0})).toDoubleArray());
        Tensor g = x.gather(1, Tensor.of(new long[] {3, 0, 1, 1, 2, 2}, 3, 2));
        assertArrayEquals(new double[] {3, 0, 5, 5, 10, 10}, g.toDoubleArray());
        Tensor sa = Tensor.zeros(DType.FLOAT64, 2, 3).scatterAdd(1, Tensor.of(new long[] {0, 0, 2, 1}, 2, 2),
                d(new double[] {1, 2, 3, 4}, 2, 2));
        assertArrayEquals(new double[] {3, 0, 0, 0, 4, 3}, sa.toDoubleArray());
        Tensor ia = Tensor.zeros(DType.FLOAT64, 3, 2).indexAdd(0, Tensor.of(new long[] {1, 1}), d(new double[] {1, 2, 3, 4}, 2, 2));
        assertArrayEquals(new double[] {0, 0, 4, 6, 0, 0}, ia.toDoubleArray());
        Tensor table = d(new double[] {0, 0, 1, 1, 2, 2}, 3, 2);
        Tensor emb = Tensor.embedding(Tensor.of(new long[] {2, 1, 1, 0}, 2, 2), table);
        assertArrayEquals(new int[] {2, 2, 2}, emb.shape());
        assertArrayEquals(new double[] {2, 2, 1, 1, 1, 1, 0, 0}, emb.toDoubleArray());
        Tensor oh = Tensor.of(new long[] {0, 2}).oneHot(3);
        assertArrayEquals(new long[] {1, 0, 0, 0, 0, 1}, oh.toLongArray());
        assertEquals(DType.FLOAT32, Tensor.of(new long[] {1}).oneHot(-1, DType.FLOAT32).dtype());
        assertArrayEquals(new int[] {1, 2}, Tensor.of(new long[] {1}).oneHot(-1).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.indexSelect(0, Tensor.of(new long[] {3})));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> x.indexSelect(0, Tensor.of(new double[] {1})));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new long[] {3}).oneHot(3));
        assertThrows(IllegalArgumentException.class, () -> x.gather(1, Tensor.of(new long[] {0}, 1)));
    }

    @Test
    void dropoutIsSeededInvertedAndUnbiased() {
        Tensor x = Tensor.ones(DType.FLOAT64, 10000);
        Tensor a = x.dropout(0.3, Rng.seeded(9));
        Tensor b = x.dropout(0.3, Rng.seeded(9));
        assertArrayEquals(a.toDoubleArray(), b.toDoubleArray());
        assertNotEquals(a.sum().item(), x.dropout(0.3, Rng.seeded(10)).sum().item());
        int zeros = 0;
        for (double v : a.toDoubleArray()) {
            if (v == 0) {
                zeros++;
            } else {
                assertEquals(1 / 0.7, v, 1e-12);
            }
        }
        // Binomial(10000, 0.3): sd 46, so 5 sd is 230
        assertEquals(3000, zeros, 230);
        assertEquals(x, x.dropout(0, Rng.seeded(1)));
        assertEquals(0.0, x.dropout(1, Rng.seeded(1)).sum().item());
        assertThrows(IllegalArgumentException.class, () -> x.dropout(1.5, Rng.seeded(1)));
    }

    @Test
    void layerNormNormalisesRows() {
        Tensor x = d(new double[] {1, 2, 3, 4, -1, 0, 1, 10}, 2, 4);
        Tensor w = d(new double[] {1, 2, 1, 1});
        Tensor b = d(new double[] {0, 0, 0, 5});
        Tensor y = x.layerNorm(new int[] {4}, w, b, 1e-5);
        // row 0: mean 2.5, biased var 1.25
        double r = 1 / Math.sqrt(1.25 + 1e-5);
        assertArrayEquals(new double[] {-1.5 * r, 2 * -0.5 * r, 0.5 * r, 1.5 * r + 5}, y.narrow(0, 0, 1).toDoubleArray(), 1e-12);
        Tensor plain = x.layerNorm(new int[] {4}, null, null, 0);
        assertArrayEquals(new double[] {0, 0}, plain.mean(1).toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {1, 1}, plain.var(new int[] {1}, false, false).toDoubleArray(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> x.layerNorm(new int[] {3}, null, null, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> x.layerNorm(new int[] {4}, d(new double[] {1, 2}), null, 1e-5));
    }

    @Test
    void helpersStdAllCloseAndLikes() {
        Tensor x = d(new double[] {2, 4, 4, 4, 5, 5, 7, 9});
        // population sd of this classic sample is 2; the unbiased one is sqrt(32 / 7)
        assertEquals(2.0, x.std(new int[] {0}, false, false).item(), 1e-12);
        assertEquals(Math.sqrt(32.0 / 7), x.std().item(), 1e-12);
        assertTrue(x.allClose(x.add(1e-9), 0, 1e-8));
        assertTrue(!x.allClose(x.add(1e-3), 0, 1e-8));
        assertTrue(d(new double[] {1, 1}).allClose(Tensor.scalar(DType.FLOAT64, 1), 0, 0));
        assertArrayEquals(new int[] {8}, Tensor.zerosLike(x).shape());
        assertEquals(DType.FLOAT64, Tensor.onesLike(x).dtype());
        assertEquals(8.0, Tensor.onesLike(x).sum().item());
    }

    @Test
    void maximumSplitsTiedGradientsEvenly() {
        Tensor a = d(new double[] {1, 2, 3}).requiresGrad(true);
        Tensor b = d(new double[] {2, 2, 1}).requiresGrad(true);
        a.maximum(b).sum().backward();
        assertArrayEquals(new double[] {0, 0.5, 1}, a.grad().toDoubleArray());
        assertArrayEquals(new double[] {1, 0.5, 0}, b.grad().toDoubleArray());
        a.zeroGrad();
        a.minimum(b).sum().backward();
        assertArrayEquals(new double[] {1, 0.5, 0}, a.grad().toDoubleArray());
    }
}
