package dev.heed.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleTest {

    /** attn with wq (no bias) and wo (bias), plus a step buffer. */
    static final class Attn extends Module {
        Attn(Rng rng) {
            registerModule("wq", new Linear(4, 4, false, rng));
            registerModule("wo", new Linear(4, 4, true, rng));
            registerBuffer("steps", Tensor.of(new long[] {0}));
        }
    }

    static final class Block extends Module {
        Block(Rng rng) {
            registerModule("ln", new LayerNorm(4));
            registerModule("attn", new Attn(rng));
            registerModule("drop", new Dropout(0.1, rng.child(7)));
        }
    }

    static final class Model extends Module {
        final ModuleList<Block> blocks = new ModuleList<>();

        Model(Rng rng, int n) {
            registerModule("emb", new Embedding(10, 4, rng));
            registerModule("blocks", blocks);
            for (int i = 0; i < n; i++) {
                blocks.add(new Block(rng));
            }
            registerModule("head", new Linear(4, 10, false, rng));
        }
    }

    @Test
    void hierarchicalNamesInPyTorchOrder() {
        // like PyTorch: a module's own parameters, then its buffers, then its children (recursively)
        Model m = new Model(Rng.seeded(1), 2);
        List<String> names = List.copyOf(m.stateDict().keySet());
        assertEquals(List.of("emb.weight",
                "blocks.0.ln.weight", "blocks.0.ln.bias", "blocks.0.attn.steps", "blocks.0.attn.wq.weight",
                "blocks.0.attn.wo.weight", "blocks.0.attn.wo.bias",
                "blocks.1.ln.weight", "blocks.1.ln.bias", "blocks.1.attn.steps", "blocks.1.attn.wq.weight",
                "blocks.1.attn.wo.weight", "blocks.1.attn.wo.bias",
                "head.weight"), names);
        assertFalse(m.namedParameters().containsKey("blocks.0.attn.steps"));
        assertEquals(List.of("blocks.0.attn.steps", "blocks.1.attn.steps"), List.copyOf(m.namedBuffers().keySet()));
        // 10*4 + 2 * (4 + 4 + 16 + 16 + 4) + 40
        assertEquals(40 + 2 * 44 + 40, m.parameterCount());
        assertSame(m.blocks.get(1).namedChildren().get("attn"), m.submodule("blocks.1.attn"));
        assertThrows(IllegalArgumentException.class, () -> m.submodule("blocks.5"));
        for (Tensor p : m.parameters()) {
            assertTrue(p.requiresGrad());
        }
    }

    @Test
    void trainEvalPropagates() {
        Model m = new Model(Rng.seeded(1), 2);
        assertTrue(m.submodule("blocks.1.drop").isTraining());
        m.eval();
        for (Module sub : m.namedModules().values()) {
            assertFalse(sub.isTraining());
        }
        m.train();
        assertTrue(m.submodule("blocks.0.attn.wq").isTraining());
    }

    @Test
    void badNamesRejected() {
        Module m = new Module() { };
        Tensor w = Tensor.zeros(2);
        assertThrows(IllegalArgumentException.class, () -> new Module() {
            {
                registerParameter("a.b", Tensor.zeros(2));
            }
        });
        assertThrows(IllegalArgumentException.class, () -> new Module() {
            {
                registerParameter("w", w);
                registerBuffer("w", Tensor.zeros(1));
            }
        });
        assertThrows(IllegalArgumentException.class, () -> new Module() {
            {
                registerParameter("idx", Tensor.of(new long[] {1}));
            }
        });
        assertTrue(m.stateDict().isEmpty());
    }

    @Test
    void roundTripThroughStateDict() {
        Model a = new Model(Rng.seeded(1), 2);
        Model b = new Model(Rng.seeded(2), 2);
        Map<String, Tensor> snapshot = new LinkedHashMap<>();
        a.stateDict().forEach((k, v) -> snapshot.put(k, v.copy()));
        Module.LoadResult r = b.loadStateDict(snapshot, true);
        assertTrue(r.missingKeys().isEmpty() && r.unexpectedKeys().isEmpty());
        for (Map.Entry<String, Tensor> e : a.stateDict().entrySet()) {
            Tensor other = b.stateDict().get(e.getKey());
            if (e.getValue().dtype() == DType.INT64) {
                assertArrayEquals(e.getValue().toLongArray(), other.toLongArray());
            } else {
                assertArrayEquals(e.getValue().toFloatArray(), other.toFloatArray(), e.getKey());
            }
        }
    }

    @Test
    void strictLoadReportsEveryProblemAndChangesNothing() {
        Model target = new Model(Rng.seeded(3), 2);
        Map<String, float[]> before = new LinkedHashMap<>();
        target.namedParameters().forEach((k, v) -> before.put(k, v.toFloatArray()));

        Map<String, Tensor> state = new LinkedHashMap<>();
        new Model(Rng.seeded(4), 2).stateDict().forEach((k, v) -> state.put(k, v.copy()));
        state.remove("head.weight");                                        // missing
        state.remove("blocks.1.ln.bias");                                   // missing
        state.put("blocks.2.ln.weight", Tensor.ones(4));                    // unexpected
        state.put("blocks.0.attn.wq.weight", Tensor.zeros(4, 5));           // shape
        state.put("emb.weight", Tensor.zeros(DType.FLOAT64, 10, 4));        // dtype

        StateDictException e = assertThrows(StateDictException.class, () -> target.loadStateDict(state, true));
        assertEquals(List.of("blocks.1.ln.bias", "head.weight"), e.missingKeys());
        assertEquals(List.of("blocks.2.ln.weight"), e.unexpectedKeys());
        assertEquals(2, e.mismatches().size());
        assertTrue(e.getMessage().contains("blocks.0.attn.wq.weight") && e.getMessage().contains("[4, 5]"), e.getMessage());
        assertTrue(e.getMessage().contains("emb.weight") && e.getMessage().contains("FLOAT64"), e.getMessage());
        target.namedParameters().forEach((k, v) -> assertArrayEquals(before.get(k), v.toFloatArray(), k));

        // non-strict: missing/unexpected tolerated, mismatches still fail and still change nothing
        assertThrows(StateDictException.class, () -> target.loadStateDict(state, false));
        target.namedParameters().forEach((k, v) -> assertArrayEquals(before.get(k), v.toFloatArray(), k));

        state.put("blocks.0.attn.wq.weight", Tensor.zeros(4, 4));
        state.put("emb.weight", Tensor.zeros(10, 4));
        Module.LoadResult r = target.loadStateDict(state, false);
        assertEquals(List.of("blocks.1.ln.bias", "head.weight"), r.missingKeys());
        assertEquals(List.of("blocks.2.ln.weight"), r.unexpectedKeys());
        assertArrayEquals(new float[40], target.submodule("emb").stateDict().get("weight").toFloatArray());
        assertArrayEquals(before.get("head.weight"), target.stateDict().get("head.weight").toFloatArray());
    }

    @Test
    void tiedWeightsCountOnceAndStayTiedThroughTo() {
        Rng rng = Rng.seeded(5);
        Embedding emb = new Embedding(6, 3, rng);
        Linear head = new Linear(3, 6, false, rng);
        Module tied = new Module() {
            {
                registerModule("emb", emb);
                registerModule("head", head);
            }
        };
        head.tieTo(emb.weight());
        assertEquals(18, tied.parameterCount());
        assertEquals(List.of("emb.weight"), List.copyOf(tied.namedParameters().keySet()));
        assertEquals(List.of("emb.weight", "head.weight"), List.copyOf(tied.stateDict().keySet()));
        tied.to(DType.FLOAT64);
        assertSame(emb.weight(), head.weight());
        assertEquals(DType.FLOAT64, head.weight().dtype());
        assertTrue(head.weight().requiresGrad());
    }

    @Test
    void toConvertsFloatStateOnly() {
        Model m = new Model(Rng.seeded(1), 1);
        float[] w = m.stateDict().get("head.weight").toFloatArray();
        m.to(DType.FLOAT64);
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) {
            assertEquals(e.getKey().endsWith("steps") ? DType.INT64 : DType.FLOAT64, e.getValue().dtype(), e.getKey());
        }
        double[] d = m.stateDict().get("head.weight").toDoubleArray();
        for (int i = 0; i < w.length; i++) {
            assertEquals(w[i], d[i], 0.0);
        }
        assertThrows(IllegalArgumentException.class, () -> m.to(DType.INT64));
    }

    @Test
    void applyVisitsChildrenBeforeParents() {
        Model m = new Model(Rng.seeded(1), 1);
        List<String> order = new java.util.ArrayList<>();
        m.apply(x -> order.add(x.getClass().getSimpleName()));
        assertEquals(List.of("Embedding", "LayerNorm", "Linear", "Linear", "Attn", "Dropout", "Block", "ModuleList",
                "Linear", "Model"), order);
        m.apply(x -> {
            if (x instanceof Linear) {
                dev.heed.core.nn.init.Init.zeros(((Linear) x).weight());
            }
        });
        assertEquals(0, m.stateDict().get("head.weight").abs().sum().item(), 0);
    }

    @Test
    void frozenParametersGetNoGradientAndAreSkipped() {
        MLP m = new MLP(new int[] {2, 3, 1}, Activation.TANH, Rng.seeded(1));
        m.linears()[0].requiresGrad(false);
        float[] before = m.linears()[0].weight().toFloatArray();
        dev.heed.core.optim.SGD sgd = new dev.heed.core.optim.SGD(m.parameters(), 0.1);
        m.forward(Tensor.ones(4, 2)).sum().backward();
        assertNull(m.linears()[0].weight().grad());
        sgd.step();
        assertArrayEquals(before, m.linears()[0].weight().toFloatArray());
        assertTrue(m.linears()[1].weight().grad() != null);
        m.requiresGrad(true);
        assertTrue(m.linears()[0].weight().requiresGrad());
    }

    @Test
    void zeroGradZeroesEveryParameter() {
        Linear l = new Linear(3, 2, Rng.seeded(1));
        l.forward(Tensor.ones(1, 3)).sum().backward();
        assertEquals(3.0, l.bias().grad().sum().item() + 1.0, 1e-6);
        l.zeroGrad();
        assertArrayEquals(new float[6], l.weight().grad().toFloatArray());
        assertArrayEquals(new float[2], l.bias().grad().toFloatArray());
        Linear nb = new Linear(3, 2, false, Rng.seeded(1));
        assertNull(nb.bias());
    }
}
