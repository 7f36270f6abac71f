package dev.heed.positional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.DType;
import dev.heed.core.GradCheck;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.plugin.UnknownPluginException;
import dev.heed.core.spi.InvalidOptionException;
import dev.heed.positional.spi.PositionalDims;
import dev.heed.positional.spi.PositionalScheme;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Built-in schemes against their equations, computed independently here with plain loops. */
class BuiltinSchemesTest {

    private static PositionalScheme create(String name, Map<String, ?> options, PositionalDims dims) {
        PositionalScheme s = Positionals.create(name, options, dims, Rng.seeded(7));
        s.to(DType.FLOAT64);
        return s;
    }

    private static int clip(int d, int l) {
        return Math.max(-l, Math.min(l, d));
    }

    @Test
    void builtInsAreRegistered() {
        Set<String> names = Positionals.registry().names();
        assertTrue(names.containsAll(List.of("none", "sinusoidal", "learned", "relative-key", "relative-bias")),
                names.toString());
        UnknownPluginException e = assertThrows(UnknownPluginException.class,
                () -> Positionals.create("sinusoidial", Map.of(), PositionalDims.of(8, 2, 1), Rng.seeded(0)));
        assertTrue(e.getMessage().contains("sinusoidal"), e.getMessage());
    }

    @Test
    void sinusoidalMatchesVaswaniFormula() {
        int d = 7; // odd width: the last column is a sine
        PositionalScheme s = create("sinusoidal", Map.of(), new PositionalDims(d, 1, 7, 1));
        int t = 5;
        int offset = 3;
        Tensor out = s.embed(Tensor.zeros(DType.FLOAT64, 1, t, d), offset);
        for (int p = 0; p < t; p++) {
            int pos = offset + p;
            for (int i = 0; 2 * i < d; i++) {
                double denom = Math.pow(10000.0, (2.0 * i) / d);
                assertEquals(Math.sin(pos / denom), out.get(0, p, 2 * i), 1e-12, "PE(" + pos + ", " + 2 * i + ")");
                if (2 * i + 1 < d) {
                    assertEquals(Math.cos(pos / denom), out.get(0, p, 2 * i + 1), 1e-12, "PE(" + pos + ", " + (2 * i + 1) + ")");
                }
            }
        }
        // PE(0) = [0, 1, 0, 1, ...] and the encoding is added, not substituted
        Tensor x = Tensor.full(DType.FLOAT64, 2.0, 1, 1, d);
        Tensor e0 = s.embed(x, 0);
        assertEquals(2.0, e0.get(0, 0, 0), 1e-15);
        assertEquals(3.0, e0.get(0, 0, 1), 1e-15);
        assertEquals(PositionalScheme.UNBOUNDED, s.maxLength());
        assertEquals(0, s.parameters().size());
    }

    @Test
    void learnedAddsItsRowsAndRejectsLongSequences() {
        PositionalDims dims = new PositionalDims(3, 1, 3, 1);
        PositionalScheme s = create("learned", Map.of("maxLength", 4), dims);
        double[] table = s.stateDict().get("table").toDoubleArray();
        assertEquals(12, table.length);
        Tensor out = s.embed(Tensor.zeros(DType.FLOAT64, 1, 3, 3), 1);
        for (int p = 0; p < 3; p++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(table[(p + 1) * 3 + c], out.get(0, p, c), 0.0);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.embed(Tensor.zeros(DType.FLOAT64, 1, 5, 3), 0));
        assertTrue(e.getMessage().contains("maxLength 4") && e.getMessage().contains("0 .. 4"), e.getMessage());
        // KV-cache decoding one step past the end
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> s.embed(Tensor.zeros(DType.FLOAT64, 1, 1, 3), 4));
        assertTrue(e2.getMessage().contains("learned.embed") && e2.getMessage().contains("maxLength 4"), e2.getMessage());
        InvalidOptionException bad = assertThrows(InvalidOptionException.class,
                () -> Positionals.create("learned", Map.of("maxLength", 0), dims, Rng.seeded(0)));
        assertTrue(bad.getMessage().contains("maxLength"), bad.getMessage());
    }

    @Test
    void relativeKeyScoreAndValueTermsMatchADoubleLoop() {
        int h = 2;
        int dh = 3;
        int l = 2;
        PositionalDims dims = new PositionalDims(h * dh, h, dh, 2);
        PositionalScheme s = create("relative-key", Map.of("maxDistance", l, "valueTerm", true), dims);
        assertEquals(Set.of("tables.key", "tables.value"), s.stateDict().keySet()); // one table for all layers
        double[] rk = s.stateDict().get("tables.key").toDoubleArray();
        double[] rv = s.stateDict().get("tables.value").toDoubleArray();
        Rng rng = Rng.seeded(1);
        int tq = 3;
        int tk = 7;
        int qOff = 4; // queries at 4..6, keys at 0..6: distances -6 .. 2, clipped at ±2
        Tensor q = Tensor.randn(rng, DType.FLOAT64, 1, h, tq, dh);
        Tensor scores = Tensor.randn(rng, DType.FLOAT64, 1, h, tq, tk);
        for (int layer = 0; layer < 2; layer++) {
            Tensor got = s.addScoreTerm(layer, scores, q, qOff, 0);
            for (int hh = 0; hh < h; hh++) {
                for (int i = 0; i < tq; i++) {
                    for (int j = 0; j < tk; j++) {
                        int k = clip(j - (qOff + i), l) + l;
                        double dot = 0;
                        for (int d = 0; d < dh; d++) {
                            dot += q.get(0, hh, i, d) * rk[k * dh + d];
                        }
                        assertEquals(scores.get(0, hh, i, j) + dot / Math.sqrt(dh), got.get(0, hh, i, j), 1e-12,
                                "e[" + hh + "," + i + "," + j + "]");
                    }
                }
            }
        }
        // value term: o_i += sum_j a_ij r^V(clip(j - i))
        Tensor w = scores.softmax(-1);
        Tensor o = Tensor.randn(rng, DType.FLOAT64, 1, h, tq, dh);
        Tensor got = s.addValueTerm(1, o, w, qOff, 0);
        for (int hh = 0; hh < h; hh++) {
            for (int i = 0; i < tq; i++) {
                for (int d = 0; d < dh; d++) {
                    double sum = o.get(0, hh, i, d);
                    for (int j = 0; j < tk; j++) {
                        sum += w.get(0, hh, i, j) * rv[(clip(j - (qOff + i), l) + l) * dh + d];
                    }
                    assertEquals(sum, got.get(0, hh, i, d), 1e-12);
                }
            }
        }
    }

    @Test
    void relativeKeyClipsBeyondMaxDistance() {
        PositionalDims dims = new PositionalDims(2, 1, 2, 1);
        PositionalScheme s = create("relative-key", Map.of("maxDistance", 1), dims);
        double[] rk = s.stateDict().get("tables.key").toDoubleArray(); // rows: distance -1, 0, +1
        Tensor q = Tensor.of(new double[] {1.0, 0.0}, 1, 1, 1, 2); // picks the first component of r
        Tensor got = s.addScoreTerm(0, Tensor.zeros(DType.FLOAT64, 1, 1, 1, 6), q, 2, 0); // distances -2 .. 3
        double[] expected = {rk[0], rk[0], rk[2], rk[4], rk[4], rk[4]};
        for (int j = 0; j < 6; j++) {
            assertEquals(expected[j] / Math.sqrt(2), got.get(0, 0, 0, j), 1e-12, "key " + j);
        }
    }

    @Test
    void relativeKeyPerLayerHasOneTablePerLayer() {
        PositionalDims dims = new PositionalDims(4, 2, 2, 3);
        PositionalScheme s = create("relative-key", Map.of("share", "per-layer"), dims);
        assertEquals(Set.of("layer0.key", "layer1.key", "layer2.key"), s.stateDict().keySet());
        Tensor q = Tensor.randn(Rng.seeded(2), DType.FLOAT64, 1, 2, 3, 2);
        Tensor z = Tensor.zeros(DType.FLOAT64, 1, 2, 3, 3);
        assertNotEquals(s.addScoreTerm(0, z, q, 0, 0).get(0, 0, 0, 1), s.addScoreTerm(1, z, q, 0, 0).get(0, 0, 0, 1));
    }

    @Test
    void relativeBiasClippedMatchesADoubleLoop() {
        int h = 3;
        int l = 2;
        PositionalScheme s = create("relative-bias", Map.of("maxDistance", l), new PositionalDims(6, h, 2, 2));
        double[] table = s.stateDict().get("table").toDoubleArray();
        int k = 2 * l + 1;
        Tensor b = s.scoreBias(1, DType.FLOAT64, 3, 2, 0, 6);
        for (int hh = 0; hh < h; hh++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 6; j++) {
                    assertEquals(table[hh * k + clip(j - (3 + i), l) + l], b.get(hh, i, j), 1e-15);
                }
            }
        }
    }

    @Test
    void relativeBiasT5UsesT5Buckets() {
        int h = 2;
        PositionalScheme s = create("relative-bias",
                Map.of("buckets", "t5", "numBuckets", 32, "maxDistance", 128, "share", "per-layer"),
                new PositionalDims(4, h, 2, 2));
        double[] table = s.stateDict().get("table1").toDoubleArray();
        // hand-computed T5 buckets (bidirectional, 32 buckets, max distance 128) for key - query distance:
        // 0 -> 0, -3 -> 3, +3 -> 19, -20 -> 10, -130 -> 15
        int[][] distanceBucket = {{0, 0}, {-3, 3}, {3, 19}, {-20, 10}, {-130, 15}};
        int qPos = 200;
        for (int[] db : distanceBucket) {
            Tensor b = s.scoreBias(1, DType.FLOAT64, qPos, 1, qPos + db[0], 1);
            for (int hh = 0; hh < h; hh++) {
                assertEquals(table[hh * 32 + db[1]], b.get(hh, 0, 0), 1e-15, "distance " + db[0]);
            }
        }
    }

    @Test
    void t5NeedsAMaxDistanceBeyondTheExactBuckets() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Positionals.create("relative-bias",
                Map.of("buckets", "t5", "numBuckets", 32, "maxDistance", 8), PositionalDims.of(4, 2, 1), Rng.seeded(0)));
        assertTrue(e.getMessage().contains("maxDistance 8") && e.getMessage().contains("> 8"), e.getMessage());
    }

    @Test
    void hooksRejectBadLayersAndShapes() {
        PositionalScheme s = create("relative-key", Map.of(), new PositionalDims(8, 2, 4, 2));
        Tensor q = Tensor.zeros(DType.FLOAT64, 1, 2, 3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.addScoreTerm(2, Tensor.zeros(DType.FLOAT64, 1, 2, 3, 3), q, 0, 0));
        assertTrue(e.getMessage().contains("layer 2") && e.getMessage().contains("0 .. 1"), e.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> s.embed(Tensor.zeros(DType.FLOAT64, 1, 3, 5), 0));
        assertTrue(e2.getMessage().contains("[1, 3, 5]") && e2.getMessage().contains("dModel=8"), e2.getMessage());
        IllegalStateException e3 = assertThrows(IllegalStateException.class,
                () -> s.scoreBias(0, DType.FLOAT64, 0, 1, 0, 1));
        assertTrue(e3.getMessage().contains("not a pure bias"), e3.getMessage());
    }

    @Test
    void relativeKeyGradientsInFloat64() {
        PositionalDims dims = new PositionalDims(4, 2, 2, 1);
        PositionalScheme s = create("relative-key", Map.of("maxDistance", 1, "valueTerm", true), dims);
        Rng rng = Rng.seeded(5);
        Tensor q = Tensor.randn(rng, DType.FLOAT64, 1, 2, 3, 2).requiresGrad(true);
        Tensor k = Tensor.randn(rng, DType.FLOAT64, 1, 2, 3, 2);
        Tensor v = Tensor.randn(rng, DType.FLOAT64, 1, 2, 3, 2);
        List<Tensor> in = new ArrayList<>(s.parameters());
        in.add(q);
        assertTrue(GradCheck.gradcheck(args -> {
            Tensor sc = s.addScoreTerm(0, args[2].matmul(k.mT()), args[2], 0, 0);
            Tensor w = sc.softmax(-1);
            return s.addValueTerm(0, w.matmul(v), w, 0, 0).tanh().sum();
        }, in.toArray(new Tensor[0])));
    }
}
