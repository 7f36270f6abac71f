package dev.heed.testkit.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.attention.Attention;
import dev.heed.attention.AttentionMask;
import dev.heed.attention.AttentionOutput;
import dev.heed.attention.spi.Similarity;
import dev.heed.attention.spi.SimilarityContext;
import dev.heed.attention.spi.SimilarityFactory;
import dev.heed.attention.spi.SimilarityProvider;
import dev.heed.core.DType;
import dev.heed.core.GradCheck;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.io.SafeTensorsContent;
import dev.heed.core.io.TensorBlob;
import dev.heed.core.nn.Module;
import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apiguardian.api.API;
import org.junit.jupiter.api.DynamicTest;

/**
 * The checks every similarity provider must pass, usable one by one or as JUnit dynamic tests
 * ({@link SimilarityConformanceSuite} runs them over every provider on the class path):
 *
 * <ul>
 *   <li><b>contract</b>: kebab-case name, description, declared options, a non-null factory and
 *       similarity; a similarity with parameters is a {@link Module};
 *   <li><b>shapes</b>: {@code [.., Tq, d] × [.., Tk, d] → [.., Tq, Tk]} for 2-D and 4-D inputs, in
 *       FLOAT32 and FLOAT64, finite; mismatched feature sizes are {@link IllegalArgumentException}s;
 *   <li><b>masks</b>: inside {@link Attention}, masked keys get weight exactly 0, changing them
 *       does not change the output, and a fully masked row gives zeros without NaN;
 *   <li><b>determinism</b>: the same seed gives bit-identical scores;
 *   <li><b>gradients</b>: first- and second-order finite-difference checks in FLOAT64 with respect
 *       to q, k and every parameter;
 *   <li><b>state round trip</b>: the state dict through safetensors bytes into a differently
 *       initialised instance reproduces the scores.
 * </ul>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class SimilarityConformance {

    private static final Pattern KEBAB = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    /** Default head size for the checks. */
    public static final int DEFAULT_HEAD_DIM = 4;

    private SimilarityConformance() {}

    /**
     * Every check as a JUnit dynamic test.
     *
     * @param provider the provider under test
     * @param options option values (missing ones take their defaults)
     * @param headDim the head size d to create similarities for
     * @return one dynamic test per check
     */
    public static List<DynamicTest> tests(SimilarityProvider provider, Map<String, ?> options, int headDim) {
        Objects.requireNonNull(provider, "provider");
        Map<String, Object> opts = new LinkedHashMap<>(options);
        List<DynamicTest> out = new ArrayList<>();
        out.add(DynamicTest.dynamicTest("contract", () -> checkContract(provider, opts, headDim)));
        out.add(DynamicTest.dynamicTest("shapes and bad input", () -> checkShapes(provider, opts, headDim)));
        out.add(DynamicTest.dynamicTest("masks", () -> checkMasks(provider, opts, headDim)));
        out.add(DynamicTest.dynamicTest("determinism", () -> checkDeterminism(provider, opts, headDim)));
        out.add(DynamicTest.dynamicTest("gradients (float64, first and second order)",
                () -> checkGradients(provider, opts, headDim)));
        out.add(DynamicTest.dynamicTest("state round trip", () -> checkStateRoundTrip(provider, opts, headDim)));
        return out;
    }

    /**
     * Runs every check.
     *
     * @param provider the provider under test
     * @param options option values
     * @param headDim head size
     */
    public static void checkAll(SimilarityProvider provider, Map<String, ?> options, int headDim) {
        checkContract(provider, options, headDim);
        checkShapes(provider, options, headDim);
        checkMasks(provider, options, headDim);
        checkDeterminism(provider, options, headDim);
        checkGradients(provider, options, headDim);
        checkStateRoundTrip(provider, options, headDim);
    }

    private static String label(SimilarityProvider p, Map<String, ?> options) {
        return "'" + p.name() + "' " + options;
    }

    private static Similarity create(SimilarityProvider p, Map<String, ?> options, int headDim, long seed, DType dtype) {
        SimilarityFactory f = p.create(Options.of(p, options));
        assertNotNull(f, label(p, options) + ": create(options) returned null");
        Similarity s = f.create(new SimilarityContext(headDim, 2, DType.FLOAT32, Rng.seeded(seed)));
        assertNotNull(s, label(p, options) + ": the factory returned null");
        if (dtype != DType.FLOAT32 && s.module() != null) {
            s.module().to(dtype);
        }
        return s;
    }

    /**
     * @param p provider
     * @param options option values
     * @param headDim head size
     */
    public static void checkContract(SimilarityProvider p, Map<String, ?> options, int headDim) {
        String l = label(p, options);
        assertTrue(p.name() != null && KEBAB.matcher(p.name()).matches(), l + ": name is not kebab-case");
        assertTrue(p.description() != null && !p.description().isBlank(), l + ": empty description");
        List<OptionSpec> specs = p.options();
        assertNotNull(specs, l + ": options() returned null");
        assertEquals(specs.size(), specs.stream().map(OptionSpec::name).distinct().count(), l + ": duplicate option names");
        assertEquals(specs, p.options(), l + ": options() must return the same list on every call");
        Similarity s = create(p, options, headDim, 1, DType.FLOAT32);
        Module m = s.module();
        if (m != null) {
            for (Tensor t : m.parameters()) {
                assertTrue(t.requiresGrad(), l + ": parameter does not require grad");
                assertEquals(DType.FLOAT32, t.dtype(), l + ": parameters must be created in the context's dtype");
            }
        }
        if (s.dotProductScale().isPresent()) {
            assertTrue(m == null || m.parameters().isEmpty(), l + ": dotProductScale() is declared but the similarity has parameters");
            Rng rng = Rng.seeded(5);
            Tensor q = Tensor.randn(rng, DType.FLOAT64, 3, headDim);
            Tensor k = Tensor.randn(rng, DType.FLOAT64, 4, headDim);
            assertArrayEquals(q.matmul(k.mT()).mul(s.dotProductScale().getAsDouble()).toDoubleArray(),
                    create(p, options, headDim, 1, DType.FLOAT64).score(q, k).toDoubleArray(), 1e-9,
                    l + ": dotProductScale() does not describe score(q, k)");
        }
    }

    /**
     * @param p provider
     * @param options option values
     * @param headDim head size
     */
    public static void checkShapes(SimilarityProvider p, Map<String, ?> options, int headDim) {
        String l = label(p, options);
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Similarity s = create(p, options, headDim, 1, dt);
            Rng rng = Rng.seeded(3);
            Tensor q = Tensor.randn(rng, dt, 2, 2, 5, headDim);
            Tensor k = Tensor.randn(rng, dt, 2, 2, 7, headDim);
            Tensor sc = s.score(q, k);
            assertArrayEquals(new int[] {2, 2, 5, 7}, sc.shape(), l + ": 4-D score shape");
            assertEquals(dt, sc.dtype(), l + ": score dtype");
            for (double x : sc.toDoubleArray()) {
                assertTrue(Double.isFinite(x), l + ": non-finite score " + x);
            }
            Tensor q2 = Tensor.randn(rng, dt, 3, headDim);
            Tensor k2 = Tensor.randn(rng, dt, 6, headDim);
            assertArrayEquals(new int[] {3, 6}, s.score(q2, k2).shape(), l + ": 2-D score shape");
            assertThrows(IllegalArgumentException.class, () -> s.score(q2, Tensor.randn(rng, dt, 6, headDim + 1)),
                    l + ": mismatched feature sizes must be an IllegalArgumentException");
        }
    }

    /**
     * @param p provider
     * @param options option values
     * @param headDim head size
     */
    public static void checkMasks(SimilarityProvider p, Map<String, ?> options, int headDim) {
        String l = label(p, options);
        Similarity s = create(p, options, headDim, 1, DType.FLOAT64);
        Rng rng = Rng.seeded(7);
        int tq = 4;
        int tk = 5;
        Tensor q = Tensor.randn(rng, DType.FLOAT64, 2, 2, tq, headDim);
        Tensor k = Tensor.randn(rng, DType.FLOAT64, 2, 2, tk, headDim);
        Tensor v = Tensor.randn(rng, DType.FLOAT64, 2, 2, tk, headDim);
        AttentionMask mask = AttentionMask.causal().and(AttentionMask.keyLengths(5, 3));
        AttentionOutput o = Attention.attend(q, k, v, s, mask, null, 0, 0, 0, null, true, false);
        double[] w = o.weights().toDoubleArray();
        for (int b = 0; b < 2; b++) {
            int len = b == 0 ? 5 : 3;
            for (int h = 0; h < 2; h++) {
                for (int i = 0; i < tq; i++) {
                    double sum = 0;
                    for (int j = 0; j < tk; j++) {
                        double x = w[((b * 2 + h) * tq + i) * tk + j];
                        boolean allowed = j <= tk - tq + i && j < len;
                        if (!allowed) {
                            assertEquals(0.0, x, 0.0, l + ": masked key " + j + " of query " + i + " has weight " + x);
                        }
                        sum += x;
                    }
                    assertEquals(1.0, sum, 1e-9, l + ": weights of a row must sum to 1");
                }
            }
        }
        // changing masked keys and values does not change the output
        double[] kk = k.toDoubleArray();
        double[] vv = v.toDoubleArray();
        for (int h = 0; h < 2; h++) {
            for (int j = 3; j < tk; j++) {
                for (int c = 0; c < headDim; c++) {
                    int idx = ((2 + h) * tk + j) * headDim + c;
                    kk[idx] += 10;
                    vv[idx] -= 10;
                }
            }
        }
        Tensor k2 = Tensor.of(kk, k.shape());
        Tensor v2 = Tensor.of(vv, v.shape());
        AttentionOutput o2 = Attention.attend(q, k2, v2, s, mask, null, 0, 0, 0, null, false, false);
        assertArrayEquals(o.output().toDoubleArray(), o2.output().toDoubleArray(), 1e-12,
                l + ": masked keys changed the output");
        // a fully masked row: zeros, no NaN, in value and gradient
        Tensor qg = q.detach().requiresGrad(true);
        AttentionOutput none = Attention.attend(qg, k, v, s, AttentionMask.keyLengths(0, 2), null, 0, 0, 0, null, false,
                false);
        double[] out = none.output().toDoubleArray();
        for (int i = 0; i < out.length / 2; i++) {
            assertEquals(0.0, out[i], 0.0, l + ": a fully masked row must give 0");
        }
        none.output().sum().backward();
        for (double g : qg.grad().toDoubleArray()) {
            assertFalse(Double.isNaN(g), l + ": NaN gradient through a fully masked row");
        }
    }

    /**
     * @param p provider
     * @param options option values
     * @param headDim head size
     */
    public static void checkDeterminism(SimilarityProvider p, Map<String, ?> options, int headDim) {
        String l = label(p, options);
        Rng rng = Rng.seeded(11);
        Tensor q = Tensor.randn(rng, 1, 2, 3, headDim);
        Tensor k = Tensor.randn(rng, 1, 2, 4, headDim);
        Similarity a = create(p, options, headDim, 42, DType.FLOAT32);
        Similarity b = create(p, options, headDim, 42, DType.FLOAT32);
        float[] sa = a.score(q, k).toFloatArray();
        assertArrayEquals(sa, b.score(q, k).toFloatArray(), 0f, l + ": same seed, different scores");
        assertArrayEquals(sa, a.score(q, k).toFloatArray(), 0f, l + ": repeated calls differ");
    }

    /**
     * @param p provider
     * @param options option values
     * @param headDim head size
     */
    public static void checkGradients(SimilarityProvider p, Map<String, ?> options, int headDim) {
        String l = label(p, options);
        Similarity s = create(p, options, headDim, 9, DType.FLOAT64);
        Rng rng = Rng.seeded(13);
        Tensor q = Tensor.randn(rng, DType.FLOAT64, 1, 2, 3, headDim).requiresGrad(true);
        Tensor k = Tensor.randn(rng, DType.FLOAT64, 1, 2, 4, headDim).requiresGrad(true);
        Tensor c = Tensor.randn(rng, DType.FLOAT64, 1, 2, 3, 4);
        List<Tensor> inputs = new ArrayList<>();
        inputs.add(q);
        inputs.add(k);
        if (s.module() != null) {
            inputs.addAll(s.module().parameters());
        }
        // every parameter is a leaf used by score(); a weighted sum makes one scalar
        GradCheck.Fn f = args -> s.score(args[0], args[1]).mul(c).sum();
        try {
            GradCheck.gradcheck(f, inputs.toArray(new Tensor[0]));
            GradCheck.gradgradcheck(f, inputs.toArray(new Tensor[0]));
        } catch (AssertionError e) {
            throw new AssertionError(l + ": " + e.getMessage() + " (inputs: q, k, then parameters "
                    + (s.module() == null ? "[]" : s.module().namedParameters().keySet()) + ")", e);
        }
    }

    /**
     * @param p provider
     * @param options option values
     * @param headDim head size
     */
    public static void checkStateRoundTrip(SimilarityProvider p, Map<String, ?> options, int headDim) {
        String l = label(p, options);
        Similarity a = create(p, options, headDim, 1, DType.FLOAT32);
        Similarity b = create(p, options, headDim, 2, DType.FLOAT32);
        if (a.module() == null) {
            assertTrue(b.module() == null, l + ": module() must not depend on the seed");
            return;
        }
        Map<String, TensorBlob> blobs = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : a.module().stateDict().entrySet()) {
            Tensor t = e.getValue();
            long[] shape = Arrays.stream(t.shape()).asLongStream().toArray();
            blobs.put(e.getKey(), TensorBlob.ofFloats(shape, t.toFloatArray()));
        }
        SafeTensorsContent read;
        try {
            read = SafeTensors.parse(SafeTensors.toBytes(blobs, Map.of()), "conformance-" + p.name());
        } catch (dev.heed.core.io.CheckpointFormatException e) {
            throw new AssertionError(l + ": the state dict did not survive safetensors: " + e.getMessage(), e);
        }
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (Map.Entry<String, TensorBlob> e : read.tensors().entrySet()) {
            int[] shape = Arrays.stream(e.getValue().shape()).mapToInt(x -> (int) x).toArray();
            state.put(e.getKey(), Tensor.of(e.getValue().toFloats(), shape));
        }
        b.module().loadStateDict(state);
        Rng rng = Rng.seeded(17);
        Tensor q = Tensor.randn(rng, 2, 3, headDim);
        Tensor k = Tensor.randn(rng, 2, 5, headDim);
        assertArrayEquals(a.score(q, k).toFloatArray(), b.score(q, k).toFloatArray(), 0f,
                l + ": scores differ after loading the saved state");
    }
}
