package dev.heed.testkit.positional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.DType;
import dev.heed.core.GradCheck;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.io.SafeTensorsContent;
import dev.heed.core.io.TensorBlob;
import dev.heed.core.spi.Options;
import dev.heed.positional.Positionals;
import dev.heed.positional.spi.PositionalDims;
import dev.heed.positional.spi.PositionalFactory;
import dev.heed.positional.spi.PositionalProvider;
import dev.heed.positional.spi.PositionalScheme;
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
 * The conformance checks every positional scheme must pass, callable one by one or all at once.
 * {@link PositionalConformanceSuite} runs them over every provider on the class path; call these
 * methods directly to check one provider from any test framework. Each check throws
 * {@link AssertionError} with a message naming the provider, options and what differed.
 *
 * <p>The checks:
 * <ul>
 *   <li>{@link #checkContract}: kebab-case name, description, option defaults validate, the
 *       factory returns a scheme named after the provider, capabilities are consistent;
 *   <li>{@link #checkShapes}: every hook keeps its shape in FLOAT32 and FLOAT64, unused hooks return
 *       their input, and bad layers, shapes and offsets are rejected;
 *   <li>{@link #checkOffsets}: KV-cache consistency — positions {@code [0, T)} at once equal
 *       {@code [0, t)} then {@code [t, T)} with offsets, for every hook and layer, and bias blocks
 *       equal the corresponding part of the whole bias;
 *   <li>{@link #checkDeterminism}: the same seed gives bit-identical parameters and outputs;
 *   <li>{@link #checkGradients}: first-order finite-difference check in FLOAT64 through every hook,
 *       with respect to the scheme's parameters and its inputs;
 *   <li>{@link #checkStateRoundTrip}: the state dict survives safetensors bytes and a strict load
 *       into a scheme with other initial values, which then computes identical outputs;
 *   <li>{@link #checkLengthLimit}: a bounded scheme accepts its last position and rejects the next
 *       with a message naming the limit; an unbounded one gives finite values far out.
 * </ul>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class PositionalConformance {

    private static final Pattern KEBAB = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final int B = 2;
    private static final int T = 6;

    private PositionalConformance() {}

    /** Default dimensions for the checks: dModel 8, 2 heads of 4, 2 layers. */
    public static final PositionalDims DEFAULT_DIMS = new PositionalDims(8, 2, 4, 2);

    /**
     * Every check as a JUnit dynamic test.
     *
     * @param provider the provider under test
     * @param options option values (missing ones take their defaults)
     * @param dims model dimensions to create schemes for
     * @return one dynamic test per check
     */
    public static List<DynamicTest> tests(PositionalProvider provider, Map<String, ?> options, PositionalDims dims) {
        Objects.requireNonNull(provider, "provider");
        Map<String, Object> opts = new LinkedHashMap<>(options);
        List<DynamicTest> out = new ArrayList<>();
        out.add(DynamicTest.dynamicTest("contract", () -> checkContract(provider, opts, dims)));
        out.add(DynamicTest.dynamicTest("shapes and bad input", () -> checkShapes(provider, opts, dims)));
        out.add(DynamicTest.dynamicTest("offsets (KV cache)", () -> checkOffsets(provider, opts, dims)));
        out.add(DynamicTest.dynamicTest("determinism", () -> checkDeterminism(provider, opts, dims)));
        out.add(DynamicTest.dynamicTest("gradients (float64)", () -> checkGradients(provider, opts, dims)));
        out.add(DynamicTest.dynamicTest("state round trip", () -> checkStateRoundTrip(provider, opts, dims)));
        out.add(DynamicTest.dynamicTest("length limit", () -> checkLengthLimit(provider, opts, dims)));
        return out;
    }

    /**
     * Runs every check.
     *
     * @param provider the provider under test
     * @param options option values
     * @param dims model dimensions
     */
    public static void checkAll(PositionalProvider provider, Map<String, ?> options, PositionalDims dims) {
        checkContract(provider, options, dims);
        checkShapes(provider, options, dims);
        checkOffsets(provider, options, dims);
        checkDeterminism(provider, options, dims);
        checkGradients(provider, options, dims);
        checkStateRoundTrip(provider, options, dims);
        checkLengthLimit(provider, options, dims);
    }

    // ------------------------------------------------------------------------------------------

    private static String label(PositionalProvider p, Map<String, ?> options) {
        return "'" + p.name() + "' " + options;
    }

    private static PositionalScheme create(PositionalProvider p, Map<String, ?> options, PositionalDims dims, long seed,
            DType dtype) {
        PositionalScheme s = Positionals.create(p, Options.of(p, options), dims, Rng.seeded(seed));
        s.to(dtype);
        return s;
    }

    /**
     * Name, description, options and capability consistency.
     *
     * @param p provider
     * @param options option values
     * @param dims model dimensions
     */
    public static void checkContract(PositionalProvider p, Map<String, ?> options, PositionalDims dims) {
        String l = label(p, options);
        assertTrue(KEBAB.matcher(p.name()).matches(), l + ": name is not kebab-case");
        assertNotNull(p.description(), l + ": description is null");
        assertFalse(p.description().isBlank(), l + ": description is blank");
        assertEquals(p.options(), p.options(), l + ": options() must return the same list on every call");
        Options.defaults(p);
        PositionalFactory f = p.create(Options.of(p, options));
        assertNotNull(f, l + ": create returned a null factory");
        PositionalScheme s = f.create(dims, Rng.seeded(1));
        assertNotNull(s, l + ": the factory returned a null scheme");
        assertEquals(p.name(), s.schemeName(), l + ": the scheme's schemeName() must be the provider name");
        assertEquals(dims, s.dims(), l + ": the scheme must report the dims it was created for");
        assertTrue(!s.isScoreBias() || s.hasScoreTerm(), l + ": isScoreBias() implies hasScoreTerm()");
        assertTrue(s.maxLength() > 0, l + ": maxLength() must be positive");
        assertNotNull(s.toString());
    }

    /**
     * Hooks keep shapes; unused hooks return their input; bad input is rejected.
     *
     * @param p provider
     * @param options option values
     * @param dims model dimensions
     */
    public static void checkShapes(PositionalProvider p, Map<String, ?> options, PositionalDims dims) {
        String l = label(p, options);
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            PositionalScheme s = create(p, options, dims, 3, dt);
            Inputs in = new Inputs(dims, dt, 11);
            Tensor e = s.embed(in.x, 0);
            assertArrayEquals(in.x.shape(), e.shape(), l + ": embed shape");
            assertEquals(dt, e.dtype(), l + ": embed dtype");
            if (!s.actsOnEmbeddings()) {
                assertSame(in.x, e, l + ": embed must return its input when actsOnEmbeddings() is false");
            }
            for (int layer = 0; layer < dims.layers(); layer++) {
                Tensor q = s.query(layer, in.q, 0);
                Tensor k = s.key(layer, in.k, 0);
                assertArrayEquals(in.q.shape(), q.shape(), l + ": query shape");
                assertArrayEquals(in.k.shape(), k.shape(), l + ": key shape");
                assertEquals(dt, q.dtype(), l + ": query dtype");
                if (!s.actsOnQueryKey()) {
                    assertSame(in.q, q, l + ": query must return its input when actsOnQueryKey() is false");
                }
                Tensor scores = q.matmul(k.mT());
                Tensor withTerm = s.addScoreTerm(layer, scores, q, 0, 0);
                assertArrayEquals(scores.shape(), withTerm.shape(), l + ": addScoreTerm shape");
                assertEquals(dt, withTerm.dtype(), l + ": addScoreTerm dtype");
                if (!s.hasScoreTerm()) {
                    assertSame(scores, withTerm, l + ": addScoreTerm must return its input when hasScoreTerm() is false");
                }
                if (s.isScoreBias()) {
                    Tensor bias = s.scoreBias(layer, dt, 0, T, 0, T);
                    assertArrayEquals(new int[] {dims.heads(), T, T}, bias.shape(), l + ": scoreBias shape");
                    assertEquals(dt, bias.dtype(), l + ": scoreBias dtype");
                } else {
                    int ll = layer;
                    assertThrows(IllegalStateException.class, () -> s.scoreBias(ll, dt, 0, T, 0, T),
                            l + ": scoreBias must throw IllegalStateException when isScoreBias() is false");
                }
                Tensor w = withTerm.softmax(-1);
                Tensor o = w.matmul(in.v);
                Tensor ov = s.addValueTerm(layer, o, w, 0, 0);
                assertArrayEquals(o.shape(), ov.shape(), l + ": addValueTerm shape");
                if (!s.hasValueTerm()) {
                    assertSame(o, ov, l + ": addValueTerm must return its input when hasValueTerm() is false");
                }
            }
            // bad input
            assertThrows(IllegalArgumentException.class, () -> s.query(dims.layers(), in.q, 0), l + ": layer out of range");
            assertThrows(IllegalArgumentException.class, () -> s.query(-1, in.q, 0), l + ": negative layer");
            assertThrows(IllegalArgumentException.class, () -> s.embed(in.x, -1), l + ": negative offset");
            assertThrows(IllegalArgumentException.class, () -> s.embed(in.q, 0), l + ": embed of a rank-4 tensor");
            assertThrows(IllegalArgumentException.class, () -> s.key(0, in.x, 0), l + ": key of a rank-3 tensor");
            assertThrows(IllegalArgumentException.class,
                    () -> s.addScoreTerm(0, in.x.unsqueeze(1), in.q, 0, 0), l + ": scores with the wrong head count");
            assertThrows(IllegalArgumentException.class,
                    () -> s.addScoreTerm(0, in.x, in.q, 0, 0), l + ": scores of rank 3");
        }
    }

    /**
     * KV-cache consistency: whole sequences equal pieces computed with offsets.
     *
     * @param p provider
     * @param options option values
     * @param dims model dimensions
     */
    public static void checkOffsets(PositionalProvider p, Map<String, ?> options, PositionalDims dims) {
        String l = label(p, options);
        PositionalScheme s = create(p, options, dims, 5, DType.FLOAT64);
        Inputs in = new Inputs(dims, DType.FLOAT64, 13);
        double tol = 1e-12;
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor fullX = s.embed(in.x, 0);
            for (int t : new int[] {1, T / 2, T - 1}) {
                String at = l + " split at " + t + ": ";
                assertClose(slice(fullX, 1, 0, t), s.embed(slice(in.x, 1, 0, t), 0), tol, at + "embed head");
                assertClose(slice(fullX, 1, t, T), s.embed(slice(in.x, 1, t, T), t), tol, at + "embed tail with offset");
                for (int layer = 0; layer < dims.layers(); layer++) {
                    String al = at + "layer " + layer + ": ";
                    Tensor q = s.query(layer, in.q, 0);
                    Tensor k = s.key(layer, in.k, 0);
                    assertClose(slice(q, 2, t, T), s.query(layer, slice(in.q, 2, t, T), t), tol, al + "query tail");
                    assertClose(slice(k, 2, t, T), s.key(layer, slice(in.k, 2, t, T), t), tol, al + "key tail");
                    assertClose(slice(k, 2, 0, t), s.key(layer, slice(in.k, 2, 0, t), 0), tol, al + "key head");
                    Tensor scores = q.matmul(k.mT()).div(Math.sqrt(dims.headDim()));
                    Tensor full = s.addScoreTerm(layer, scores, q, 0, 0);
                    // new queries [t, T) against the whole cache [0, T)
                    assertClose(slice(full, 2, t, T),
                            s.addScoreTerm(layer, slice(scores, 2, t, T), slice(q, 2, t, T), t, 0), tol,
                            al + "score term for queries [t, T) at offset t");
                    // a block of keys [t, T) with key offset t
                    assertClose(slice(full, 3, t, T), s.addScoreTerm(layer, slice(scores, 3, t, T), q, 0, t), tol,
                            al + "score term for keys [t, T) at key offset t");
                    if (s.isScoreBias()) {
                        Tensor bias = s.scoreBias(layer, DType.FLOAT64, 0, T, 0, T);
                        assertClose(bias.unsqueeze(0).add(scores), full, tol, al + "addScoreTerm = scores + scoreBias");
                        assertClose(slice(slice(bias, 1, t, T), 2, 1, T - 1),
                                s.scoreBias(layer, DType.FLOAT64, t, T - t, 1, T - 2), tol, al + "scoreBias block");
                    }
                    Tensor w = full.softmax(-1);
                    Tensor o = w.matmul(in.v);
                    Tensor ov = s.addValueTerm(layer, o, w, 0, 0);
                    assertClose(slice(ov, 2, t, T), s.addValueTerm(layer, slice(o, 2, t, T), slice(w, 2, t, T), t, 0), tol,
                            al + "value term for queries [t, T) at offset t");
                }
            }
        }
    }

    /**
     * Same seed, same parameters and outputs, bit for bit.
     *
     * @param p provider
     * @param options option values
     * @param dims model dimensions
     */
    public static void checkDeterminism(PositionalProvider p, Map<String, ?> options, PositionalDims dims) {
        String l = label(p, options);
        PositionalScheme a = create(p, options, dims, 42, DType.FLOAT32);
        PositionalScheme b = create(p, options, dims, 42, DType.FLOAT32);
        assertEquals(a.stateDict().keySet(), b.stateDict().keySet(), l + ": state dict names differ between two creations");
        for (Map.Entry<String, Tensor> e : a.stateDict().entrySet()) {
            assertArrayEquals(e.getValue().toFloatArray(), b.stateDict().get(e.getKey()).toFloatArray(),
                    l + ": parameter '" + e.getKey() + "' differs between two creations with seed 42");
        }
        Inputs in = new Inputs(dims, DType.FLOAT32, 17);
        assertArrayEquals(outputs(a, in), outputs(b, in), l + ": outputs differ between two creations with seed 42");
    }

    /**
     * Finite-difference gradient check in FLOAT64 through every hook.
     *
     * @param p provider
     * @param options option values
     * @param dims model dimensions
     */
    public static void checkGradients(PositionalProvider p, Map<String, ?> options, PositionalDims dims) {
        String l = label(p, options);
        PositionalScheme s = create(p, options, dims, 9, DType.FLOAT64);
        Rng rng = Rng.seeded(19);
        int t = 4;
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 1, t, dims.dModel()).requiresGrad(true);
        Tensor q = Tensor.randn(rng, DType.FLOAT64, 1, dims.heads(), t, dims.headDim()).requiresGrad(true);
        Tensor k = Tensor.randn(rng, DType.FLOAT64, 1, dims.heads(), t, dims.headDim()).requiresGrad(true);
        Tensor v = Tensor.randn(rng, DType.FLOAT64, 1, dims.heads(), t, dims.headDim()).requiresGrad(true);
        Tensor cx = Tensor.randn(rng, DType.FLOAT64, 1, t, dims.dModel());
        Tensor co = Tensor.randn(rng, DType.FLOAT64, 1, dims.heads(), t, dims.headDim());
        List<Tensor> inputs = new ArrayList<>(s.parameters());
        int nParams = inputs.size();
        inputs.addAll(List.of(x, q, k, v));
        GradCheck.Fn f = args -> {
            Tensor total = s.embed(args[nParams], 1).mul(cx).sum();
            for (int layer = 0; layer < dims.layers(); layer++) {
                Tensor qr = s.query(layer, args[nParams + 1], 1);
                Tensor kr = s.key(layer, args[nParams + 2], 0);
                Tensor scores = s.addScoreTerm(layer, qr.matmul(kr.mT()).div(Math.sqrt(dims.headDim())), qr, 1, 0);
                Tensor w = scores.softmax(-1);
                Tensor o = s.addValueTerm(layer, w.matmul(args[nParams + 3]), w, 1, 0);
                total = total.add(o.mul(co).sum());
            }
            return total;
        };
        try {
            GradCheck.gradcheck(f, inputs.toArray(new Tensor[0]));
        } catch (AssertionError e) {
            throw new AssertionError(l + ": " + e.getMessage() + " (inputs 0.." + (nParams - 1) + " are the parameters "
                    + s.namedParameters().keySet() + ", then x, q, k, v)", e);
        }
    }

    /**
     * State dict through safetensors bytes into a differently initialised scheme.
     *
     * @param p provider
     * @param options option values
     * @param dims model dimensions
     */
    public static void checkStateRoundTrip(PositionalProvider p, Map<String, ?> options, PositionalDims dims) {
        String l = label(p, options);
        PositionalScheme a = create(p, options, dims, 1, DType.FLOAT32);
        PositionalScheme b = create(p, options, dims, 2, DType.FLOAT32);
        Map<String, TensorBlob> blobs = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : a.stateDict().entrySet()) {
            Tensor t = e.getValue();
            long[] shape = Arrays.stream(t.shape()).asLongStream().toArray();
            blobs.put(e.getKey(), TensorBlob.ofFloats(shape, t.toFloatArray()));
        }
        byte[] bytes = SafeTensors.toBytes(blobs, Map.of());
        SafeTensorsContent read;
        try {
            read = SafeTensors.parse(bytes, "conformance-" + p.name());
        } catch (dev.heed.core.io.CheckpointFormatException e) {
            throw new AssertionError(l + ": the state dict did not survive safetensors: " + e.getMessage(), e);
        }
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (Map.Entry<String, TensorBlob> e : read.tensors().entrySet()) {
            int[] shape = Arrays.stream(e.getValue().shape()).mapToInt(x -> (int) x).toArray();
            state.put(e.getKey(), Tensor.of(e.getValue().toFloats(), shape));
        }
        b.loadStateDict(state);
        Inputs in = new Inputs(dims, DType.FLOAT32, 23);
        assertArrayEquals(outputs(a, in), outputs(b, in), l + ": outputs differ after loading the saved state");
    }

    /**
     * The declared length limit holds and is named in the error.
     *
     * @param p provider
     * @param options option values
     * @param dims model dimensions
     */
    public static void checkLengthLimit(PositionalProvider p, Map<String, ?> options, PositionalDims dims) {
        String l = label(p, options);
        PositionalScheme s = create(p, options, dims, 4, DType.FLOAT64);
        Inputs in = new Inputs(dims, DType.FLOAT64, 29);
        Tensor x1 = slice(in.x, 1, 0, 1);
        Tensor x2 = slice(in.x, 1, 0, 2);
        Tensor q1 = slice(in.q, 2, 0, 1);
        Tensor q2 = slice(in.q, 2, 0, 2);
        if (s.maxLength() != PositionalScheme.UNBOUNDED) {
            int last = s.maxLength() - 1;
            assertArrayEquals(x1.shape(), s.embed(x1, last).shape(), l + ": position maxLength - 1 must be accepted");
            assertArrayEquals(q1.shape(), s.query(0, q1, last).shape(), l + ": position maxLength - 1 must be accepted");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.embed(x2, last),
                    l + ": position maxLength must be rejected");
            assertTrue(e.getMessage().contains(String.valueOf(s.maxLength())),
                    l + ": the error must name the limit " + s.maxLength() + ": " + e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.query(0, q2, last), l + ": query beyond maxLength");
            assertThrows(IllegalArgumentException.class, () -> s.key(0, q2, last), l + ": key beyond maxLength");
        } else {
            int far = 100_000;
            try (NoGrad ignored = NoGrad.enter()) {
                assertFinite(s.embed(x2, far), l + ": embed far out");
                Tensor q = s.query(0, q2, far);
                Tensor k = s.key(0, q2, far);
                assertFinite(q, l + ": query far out");
                assertFinite(k, l + ": key far out");
                Tensor scores = q.matmul(k.mT());
                Tensor full = s.addScoreTerm(0, scores, q, far, far);
                assertFinite(full, l + ": score term far out");
                assertFinite(s.addValueTerm(0, full.softmax(-1).matmul(slice(in.v, 2, 0, 2)), full.softmax(-1), far, 0),
                        l + ": value term far out");
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // helpers
    // ------------------------------------------------------------------------------------------

    /** Random inputs of one dtype: x [B, T, dModel], q, k, v [B, H, T, headDim]. */
    private static final class Inputs {
        final Tensor x;
        final Tensor q;
        final Tensor k;
        final Tensor v;

        Inputs(PositionalDims dims, DType dt, long seed) {
            Rng rng = Rng.seeded(seed);
            x = Tensor.randn(rng, dt, B, T, dims.dModel());
            q = Tensor.randn(rng, dt, B, dims.heads(), T, dims.headDim());
            k = Tensor.randn(rng, dt, B, dims.heads(), T, dims.headDim());
            v = Tensor.randn(rng, dt, B, dims.heads(), T, dims.headDim());
        }
    }

    /** All hook outputs of a scheme on fixed inputs, concatenated (for bitwise comparison). */
    private static double[] outputs(PositionalScheme s, Inputs in) {
        List<double[]> parts = new ArrayList<>();
        try (NoGrad ignored = NoGrad.enter()) {
            parts.add(s.embed(in.x, 0).toDoubleArray());
            for (int layer = 0; layer < s.dims().layers(); layer++) {
                Tensor q = s.query(layer, in.q, 0);
                Tensor k = s.key(layer, in.k, 0);
                Tensor sc = s.addScoreTerm(layer, q.matmul(k.mT()), q, 0, 0);
                Tensor w = sc.softmax(-1);
                parts.add(q.toDoubleArray());
                parts.add(k.toDoubleArray());
                parts.add(sc.toDoubleArray());
                parts.add(s.addValueTerm(layer, w.matmul(in.v), w, 0, 0).toDoubleArray());
            }
        }
        return parts.stream().flatMapToDouble(Arrays::stream).toArray();
    }

    /**
     * Copies {@code t[..., from:to, ...]} along {@code axis}.
     *
     * @param t a float tensor
     * @param axis the axis to slice
     * @param from first index (inclusive)
     * @param to last index (exclusive)
     * @return a new contiguous tensor of {@code t}'s dtype
     */
    static Tensor slice(Tensor t, int axis, int from, int to) {
        int[] shape = t.shape();
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= shape[i];
        }
        int inner = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        double[] src = t.toDoubleArray();
        int n = to - from;
        double[] dst = new double[outer * n * inner];
        for (int o = 0; o < outer; o++) {
            System.arraycopy(src, (o * shape[axis] + from) * inner, dst, o * n * inner, n * inner);
        }
        int[] out = shape.clone();
        out[axis] = n;
        Tensor r = Tensor.of(dst, out);
        return t.dtype() == DType.FLOAT64 ? r : r.to(t.dtype());
    }

    private static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(e[i] - a[i]) <= tol * Math.max(1.0, Math.abs(e[i])))) {
                throw new AssertionError(what + ": element " + i + " of shape " + Arrays.toString(expected.shape())
                        + " is " + a[i] + ", expected " + e[i] + " (tolerance " + tol + ")");
            }
        }
    }

    private static void assertFinite(Tensor t, String what) {
        for (double d : t.toDoubleArray()) {
            if (!Double.isFinite(d)) {
                throw new AssertionError(what + ": non-finite value " + d);
            }
        }
    }
}
