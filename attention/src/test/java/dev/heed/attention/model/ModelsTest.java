package dev.heed.attention.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.attention.AttentionMask;
import dev.heed.attention.Similarities;
import dev.heed.attention.tasks.SyntheticTask;
import dev.heed.attention.tasks.TaskResult;
import dev.heed.attention.tasks.TaskRun;
import dev.heed.attention.tasks.TaskTraining;
import dev.heed.core.DType;
import dev.heed.core.GradCheck;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.plugin.SpecException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelsTest {

    @Test
    void gradientsThroughAWholeBlockMatchFiniteDifferences() {
        for (boolean pre : new boolean[] {true, false}) {
            for (String sim : new String[] {"scaled-dot", "additive"}) {
                TransformerConfig c = TransformerConfig.builder().dModel(4).heads(2).mlpRatio(2).preNorm(pre).similarity(sim)
                        .build();
                TransformerBlock block = new TransformerBlock(c, Similarities.factory(sim), null, 0, Rng.seeded(3));
                block.to(DType.FLOAT64);
                Tensor x = Tensor.randn(Rng.seeded(4), DType.FLOAT64, 2, 3, 4).requiresGrad(true);
                Tensor w = block.attention().submodule("wq").namedParameters().get("weight");
                assertTrue(GradCheck.gradcheck(in -> block.forward(in[0], AttentionMask.causal(), null), x, w));
            }
        }
    }

    @Test
    void aOneLayerModelLearnsToCopyShortSequences() {
        TransformerConfig c = TransformerConfig.builder().dModel(32).heads(2).layers(1).positional("learned").build();
        TaskResult r = TaskTraining.train(new TaskRun(SyntheticTask.of("copy", 4, 6), c, 400, 32, 1e-2, 1, 256), null);
        assertEquals(1.0, r.sequenceAccuracy(), r.toString());
    }

    @Test
    void generationIsSeededAndGreedyMatchesTheFullForward() {
        TransformerConfig c = TransformerConfig.builder().vocabSize(11).dModel(16).heads(2).layers(2).contextLength(6)
                .tieWeights(true).build();
        LanguageModel lm = new LanguageModel(c, Rng.seeded(1));
        assertSame(lm.namedParameters().get("tok.weight"), lm.stateDict().get("head.weight"));
        long[] a = lm.generate(new long[] {1, 2}, 9, 1.0, 3, Rng.seeded(5));
        long[] b = lm.generate(new long[] {1, 2}, 9, 1.0, 3, Rng.seeded(5));
        assertArrayEquals(a, b);
        assertEquals(11, a.length);
        long[] g = lm.generate(new long[] {3}, 4, 0.0, 0, Rng.seeded(0));
        try (NoGrad ignored = NoGrad.enter()) {
            lm.eval();
            for (int i = 1; i < g.length; i++) {
                float[] logits = lm.forward(Tensor.of(java.util.Arrays.copyOf(g, i), 1, i)).toFloatArray();
                int best = 0;
                for (int v = 1; v < 11; v++) {
                    if (logits[(i - 1) * 11 + v] > logits[(i - 1) * 11 + best]) {
                        best = v;
                    }
                }
                assertEquals(best, g[i], "token " + i);
            }
        }
        assertTrue(lm.isTraining() || !lm.isTraining());
    }

    @Test
    void topKOneIsGreedy() {
        float[] logits = {0.1f, 3f, 2.9f, -1f};
        for (int s = 0; s < 20; s++) {
            assertEquals(1, LanguageModel.sample(logits, 1.0, 1, Rng.seeded(s)));
        }
        int seen2 = 0;
        for (int s = 0; s < 200; s++) {
            int t = LanguageModel.sample(logits, 1.0, 2, Rng.seeded(s));
            assertTrue(t == 1 || t == 2);
            seen2 += t == 2 ? 1 : 0;
        }
        assertTrue(seen2 > 60 && seen2 < 140, "p(2) should be about 0.475, saw " + seen2 + "/200");
    }

    @Test
    void classifierPoolingIgnoresPaddingAndFirstUsesPositionZero() {
        for (Pooling p : Pooling.values()) {
            TransformerConfig c = TransformerConfig.builder().vocabSize(7).dModel(8).heads(2).layers(1).build();
            SequenceClassifier clf = new SequenceClassifier(c, 3, p, Rng.seeded(2));
            clf.eval();
            Tensor a = Tensor.of(new long[] {1, 2, 3, 0, 0}, 1, 5);
            Tensor b = Tensor.of(new long[] {1, 2, 3, 6, 5}, 1, 5);
            float[] ya = clf.forward(a, new int[] {3}).toFloatArray();
            float[] yb = clf.forward(b, new int[] {3}).toFloatArray();
            assertArrayEquals(ya, yb, 1e-6f, p.name());
            float[] full = clf.forward(Tensor.of(new long[] {1, 2, 3}, 1, 3), null).toFloatArray();
            assertArrayEquals(full, ya, 1e-5f, p.name());
            assertEquals(3, ya.length);
            Tensor loss = clf.loss(a, new int[] {3}, new int[] {2});
            loss.backward();
            assertNotEquals(0.0, clf.parameters().get(0).grad().abs().sum().item());
        }
    }

    @Test
    void stackSpecParsesAndReportsBadValuesWithTheirPath() {
        TransformerConfig c = TransformerConfig.parse("{\"vocabSize\": 65, \"dModel\": 128, \"heads\": 4, \"layers\": 4,"
                + " \"norm\": \"post\", \"similarity\": {\"name\": \"cosine\", \"learnScale\": false}}");
        assertEquals(65, c.vocabSize());
        assertEquals(32, c.headDim());
        assertEquals("cosine", c.similarity());
        assertEquals(false, c.similarityOptions().get("learnScale"));
        assertEquals(false, c.preNorm());
        assertEquals("none", c.positional());
        SpecException e = assertThrows(SpecException.class,
                () -> TransformerConfig.parse("{\"similarity\": {\"name\": \"additive\", \"hidden\": -1}}"));
        assertTrue(e.getMessage().contains("$.similarity"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TransformerConfig.parse("{\"dModel\": 10, \"heads\": 4}"));
        assertEquals(Map.of(), TransformerConfig.builder().build().positionalOptions());
    }
}
