package dev.heed.attention.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.attention.AttentionMask;
import dev.heed.core.DType;
import dev.heed.core.GradCheck;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.checkpoint.Checkpoint;
import dev.heed.core.nn.GRU;
import dev.heed.core.nn.LSTM;
import dev.heed.core.plugin.SpecException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequenceMixerTest {

    private static final SequenceMixer[] RECURRENT = {SequenceMixer.LSTM, SequenceMixer.GRU};

    private static TransformerConfig.Builder small(SequenceMixer m) {
        return TransformerConfig.builder().vocabSize(7).dModel(8).heads(2).layers(2).mlpRatio(2).contextLength(16).mixer(m);
    }

    private static float[] logits(LanguageModel lm, long... tokens) {
        try (NoGrad ignored = NoGrad.enter()) {
            return lm.forward(Tensor.of(tokens, 1, tokens.length)).toFloatArray();
        }
    }

    @Test
    void recurrentLanguageModelsHaveTheAttentionModelsShapesAndOnlyTheMixerDiffers() {
        LanguageModel att = new LanguageModel(small(SequenceMixer.ATTENTION).build(), Rng.seeded(1));
        for (SequenceMixer m : RECURRENT) {
            LanguageModel lm = new LanguageModel(small(m).build(), Rng.seeded(1));
            Tensor y = lm.forward(Tensor.of(new long[] {1, 2, 3, 4, 5, 6, 0, 1, 2, 3}, 2, 5));
            assertArrayEquals(new int[] {2, 5, 7}, y.shape(), m.name());
            TransformerBlock b = ((TransformerEncoder) lm.submodule("stack")).blocks().get(0);
            assertEquals(m, b.mixer());
            assertEquals(8, b.recurrent().hiddenSize());
            assertEquals(8, b.recurrent().inputSize());
            assertTrue(m == SequenceMixer.LSTM ? b.recurrent() instanceof LSTM : b.recurrent() instanceof GRU);
            // Same names outside the mixer slot: only attn.* is replaced by rnn.*.
            var others = new java.util.TreeSet<>(lm.stateDict().keySet());
            others.removeIf(n -> n.contains(".rnn."));
            var attOthers = new java.util.TreeSet<>(att.stateDict().keySet());
            attOthers.removeIf(n -> n.contains(".attn."));
            assertEquals(attOthers, others, m.name());
            assertTrue(lm.stateDict().containsKey("stack.blocks.1.rnn.weight_hh_l0"));
        }
    }

    @Test
    void blockParameterCountsFollowTheDocumentedFormulas() {
        int d = 8;
        int r = 2;
        long rest = 4L * d + (2L * r * d * d + (long) r * d + d); // two LayerNorms + MLP
        long[] mixer = {4L * d * d + 4L * d, 8L * d * d + 8L * d, 6L * d * d + 6L * d};
        SequenceMixer[] all = SequenceMixer.values();
        for (int i = 0; i < all.length; i++) {
            TransformerBlock b = new TransformerBlock(small(all[i]).build(),
                    dev.heed.attention.Similarities.factory("scaled-dot"), null, 0, Rng.seeded(2));
            assertEquals(mixer[i] + rest, b.parameterCount(), all[i].name());
        }
        // The documented matching: LSTM with r = 2 and GRU with r = 3 hold the 12d² weights of attention with r = 4;
        // they differ only in biases (12d² + 13d vs 12d² + 15d and 12d² + 14d).
        long att = blockParams(SequenceMixer.ATTENTION, 4);
        assertEquals(12L * d * d + 13L * d, att);
        assertEquals(att + 2L * d, blockParams(SequenceMixer.LSTM, 2));
        assertEquals(att + d, blockParams(SequenceMixer.GRU, 3));
    }

    private static long blockParams(SequenceMixer m, int mlpRatio) {
        return new TransformerBlock(small(m).mlpRatio(mlpRatio).build(), dev.heed.attention.Similarities.factory("scaled-dot"),
                null, 0, Rng.seeded(2)).parameterCount();
    }

    @Test
    void changingAFutureTokenLeavesEarlierLogitsUnchanged() {
        for (SequenceMixer m : RECURRENT) {
            LanguageModel lm = new LanguageModel(small(m).build(), Rng.seeded(3));
            lm.eval();
            float[] a = logits(lm, 1, 2, 3, 4, 5, 6);
            float[] b = logits(lm, 1, 2, 3, 0, 5, 6);
            int v = 7;
            assertArrayEquals(Arrays.copyOf(a, 3 * v), Arrays.copyOf(b, 3 * v), 1e-6f, m.name());
            float diff = 0;
            for (int i = 3 * v; i < a.length; i++) {
                diff = Math.max(diff, Math.abs(a[i] - b[i]));
            }
            assertTrue(diff > 1e-4f, m.name() + ": position 3 on must change, max diff " + diff);
        }
    }

    @Test
    void stepByStepDecodingEqualsTheFullSequenceForward() {
        for (SequenceMixer m : SequenceMixer.values()) {
            LanguageModel lm = new LanguageModel(small(m).build(), Rng.seeded(4));
            lm.eval();
            long[] seq = {3, 1, 4, 1, 5, 2, 6, 5};
            float[] full = logits(lm, seq);
            MixerCache[] caches = lm.newCaches();
            float[] steps = new float[full.length];
            try (NoGrad ignored = NoGrad.enter()) {
                // a 3-token prefix, then one token at a time
                float[] p = lm.forward(Tensor.of(Arrays.copyOf(seq, 3), 1, 3), caches).toFloatArray();
                System.arraycopy(p, 0, steps, 0, p.length);
                for (int i = 3; i < seq.length; i++) {
                    float[] s = lm.forward(Tensor.of(new long[] {seq[i]}, 1, 1), caches).toFloatArray();
                    System.arraycopy(s, 0, steps, i * 7, 7);
                }
            }
            assertArrayEquals(full, steps, 1e-5f, m.name());
            assertEquals(seq.length, caches[1].length());
            if (m.isRecurrent()) {
                assertArrayEquals(new int[] {1, 1, 8}, caches[0].hidden().shape());
                assertEquals(m == SequenceMixer.LSTM, caches[0].cell() != null);
            }
        }
    }

    @Test
    void greedyGenerationWithARecurrentMixerMatchesTheFullForwardIncludingPastTheContext() {
        for (SequenceMixer m : RECURRENT) {
            TransformerConfig c = small(m).contextLength(5).build();
            LanguageModel lm = new LanguageModel(c, Rng.seeded(5));
            long[] g = lm.generate(new long[] {2, 4}, 8, 0.0, 0, Rng.seeded(0));
            lm.eval();
            for (int i = 2; i < g.length; i++) {
                int from = Math.max(0, i - 5); // the window generate() conditions on
                float[] l = logits(lm, Arrays.copyOfRange(g, from, i));
                int last = (i - from - 1) * 7;
                int best = 0;
                for (int v = 1; v < 7; v++) {
                    if (l[last + v] > l[last + best]) {
                        best = v;
                    }
                }
                assertEquals(best, g[i], m.name() + " token " + i);
            }
            assertArrayEquals(g, lm.generate(new long[] {2, 4}, 8, 0.0, 0, Rng.seeded(0)));
        }
    }

    @Test
    void gradientsOfTinyFloat64RecurrentModelsMatchFiniteDifferences() {
        for (SequenceMixer m : RECURRENT) {
            LanguageModel lm = new LanguageModel(TransformerConfig.builder().vocabSize(5).dModel(4).heads(2).layers(2)
                    .mlpRatio(2).mixer(m).build(), Rng.seeded(6));
            lm.to(DType.FLOAT64);
            Tensor tokens = Tensor.of(new long[] {1, 4, 2}, 1, 3);
            var p = lm.namedParameters();
            assertTrue(GradCheck.gradcheck(in -> lm.forward(tokens), p.get("stack.blocks.0.rnn.weight_hh_l0"),
                    p.get("stack.blocks.1.rnn.weight_ih_l0"), p.get("stack.blocks.0.rnn.bias_hh_l0"),
                    p.get("stack.blocks.0.fc1.weight"), p.get("tok.weight")), m.name());
            SequenceClassifier clf = new SequenceClassifier(TransformerConfig.builder().vocabSize(5).dModel(4).heads(2)
                    .layers(1).mlpRatio(2).mixer(m).build(), 3, Pooling.LAST, Rng.seeded(7));
            clf.to(DType.FLOAT64);
            Tensor padded = Tensor.of(new long[] {1, 2, 3, 0, 4, 4, 0, 0}, 2, 4);
            var q = clf.namedParameters();
            assertTrue(GradCheck.gradcheck(in -> clf.forward(padded, new int[] {3, 2}), q.get("stack.blocks.0.rnn.weight_hh_l0"),
                    q.get("stack.blocks.0.rnn.weight_ih_l0")), m.name() + " classifier");
        }
    }

    @Test
    void appendingPaddingDoesNotChangeTheClassifierOutput() {
        for (SequenceMixer m : RECURRENT) {
            for (Pooling p : new Pooling[] {Pooling.LAST, Pooling.MEAN, Pooling.MAX}) {
                SequenceClassifier clf = new SequenceClassifier(small(m).build(), 3, p, Rng.seeded(8));
                clf.eval();
                try (NoGrad ignored = NoGrad.enter()) {
                    float[] bare = clf.forward(Tensor.of(new long[] {1, 2, 3}, 1, 3), null).toFloatArray();
                    float[] pad0 = clf.forward(Tensor.of(new long[] {1, 2, 3, 0, 0}, 1, 5), new int[] {3}).toFloatArray();
                    float[] pad6 = clf.forward(Tensor.of(new long[] {1, 2, 3, 6, 5}, 1, 5), new int[] {3}).toFloatArray();
                    assertArrayEquals(bare, pad0, 1e-5f, m + " " + p);
                    assertArrayEquals(bare, pad6, 1e-5f, m + " " + p);
                    // and in a batch next to a longer sequence
                    float[] batch = clf.forward(Tensor.of(new long[] {1, 2, 3, 0, 0, 4, 4, 4, 4, 4}, 2, 5), new int[] {3, 5})
                            .toFloatArray();
                    assertArrayEquals(bare, Arrays.copyOf(batch, 3), 1e-5f, m + " " + p);
                }
                Tensor loss = clf.loss(Tensor.of(new long[] {1, 2, 3, 0, 0}, 1, 5), new int[] {3}, new int[] {1});
                loss.backward();
                assertNotEquals(0.0, clf.namedParameters().get("stack.blocks.0.rnn.weight_ih_l0").grad().abs().sum().item());
            }
        }
    }

    @Test
    void lastPoolingPicksTheLastRealTokenForAttentionToo() {
        SequenceClassifier clf = new SequenceClassifier(small(SequenceMixer.ATTENTION).build(), 3, Pooling.LAST, Rng.seeded(9));
        clf.eval();
        try (NoGrad ignored = NoGrad.enter()) {
            float[] a = clf.forward(Tensor.of(new long[] {1, 2, 3, 0}, 1, 4), new int[] {3}).toFloatArray();
            float[] b = clf.forward(Tensor.of(new long[] {1, 2, 3}, 1, 3), null).toFloatArray();
            assertArrayEquals(b, a, 1e-5f);
        }
    }

    @Test
    void checkpointsOfRecurrentModelsRoundTrip(@TempDir Path dir) throws IOException {
        for (SequenceMixer m : RECURRENT) {
            TransformerConfig c = small(m).build();
            LanguageModel lm = new LanguageModel(c, Rng.seeded(10));
            Path f = dir.resolve(m.specName() + ".safetensors");
            Checkpoint.of(lm).save(f);
            LanguageModel other = new LanguageModel(c, Rng.seeded(11));
            lm.eval();
            other.eval();
            assertNotEquals(Arrays.toString(logits(lm, 1, 2, 3)), Arrays.toString(logits(other, 1, 2, 3)));
            Checkpoint.load(f, other, null, true);
            assertArrayEquals(logits(lm, 1, 2, 3, 4), logits(other, 1, 2, 3, 4), 0f, m.name());
            // a recurrent checkpoint does not load into an attention model: the names differ
            LanguageModel att = new LanguageModel(small(SequenceMixer.ATTENTION).build(), Rng.seeded(10));
            assertThrows(dev.heed.core.nn.StateDictException.class, () -> Checkpoint.load(f, att, null, true));
        }
    }

    @Test
    void stackSpecsSelectTheMixerAndReportUnknownOnes() {
        TransformerConfig c = TransformerConfig.parse("{\"vocabSize\": 65, \"dModel\": 32, \"mixer\": \"lstm\"}");
        assertEquals(SequenceMixer.LSTM, c.mixer());
        assertEquals(SequenceMixer.GRU, TransformerConfig.parse("{\"mixer\": \"gru\"}").mixer());
        assertEquals(SequenceMixer.ATTENTION, TransformerConfig.parse("{}").mixer());
        SpecException e = assertThrows(SpecException.class, () -> TransformerConfig.parse("{\"mixer\": \"lstn\"}"));
        assertTrue(e.getMessage().contains("mixer"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'lstm'"), e.getMessage());
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> SequenceMixer.fromName("gur"));
        assertTrue(b.getMessage().contains("[attention, lstm, gru]") && b.getMessage().contains("did you mean 'gru'"),
                b.getMessage());
        assertEquals(SequenceMixer.LSTM, SequenceMixer.fromName("LSTM"));
        assertEquals(SequenceMixer.GRU, TransformerConfig.builder().mixer("gru").build().toBuilder().build().mixer());
    }

    @Test
    void badCombinationsFailWithTheReasonAndTheFix() {
        IllegalArgumentException pos = assertThrows(IllegalArgumentException.class,
                () -> new LanguageModel(small(SequenceMixer.LSTM).positional("relative-bias").build(), Rng.seeded(1)));
        assertTrue(pos.getMessage().contains("relative-bias") && pos.getMessage().contains("'learned'"), pos.getMessage());
        new LanguageModel(small(SequenceMixer.GRU).positional("learned").build(), Rng.seeded(1)); // embedding schemes are fine
        IllegalArgumentException first = assertThrows(IllegalArgumentException.class,
                () -> new SequenceClassifier(small(SequenceMixer.GRU).build(), 2, Pooling.FIRST, Rng.seeded(1)));
        assertTrue(first.getMessage().contains("Pooling.LAST"), first.getMessage());
        TransformerBlock b = new TransformerBlock(small(SequenceMixer.LSTM).build(), null, null, 0, Rng.seeded(1));
        IllegalStateException st = assertThrows(IllegalStateException.class, b::attention);
        assertTrue(st.getMessage().contains("recurrent()"), st.getMessage());
        Tensor x = Tensor.randn(Rng.seeded(2), 1, 3, 8);
        IllegalArgumentException mask = assertThrows(IllegalArgumentException.class, () -> b.forward(x,
                AttentionMask.allowed(Tensor.of(new boolean[] {true, false, true}, 1, 3)), null));
        assertTrue(mask.getMessage().contains("keyLengths"), mask.getMessage());
        TransformerBlock att = new TransformerBlock(small(SequenceMixer.ATTENTION).build(),
                dev.heed.attention.Similarities.factory("scaled-dot"), null, 0, Rng.seeded(1));
        IllegalArgumentException cache = assertThrows(IllegalArgumentException.class,
                () -> b.forward(x, AttentionMask.causal(), att.newCache()));
        assertTrue(cache.getMessage().contains("newCache()"), cache.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SequenceMixer.fromName("transformer"));
    }
}
