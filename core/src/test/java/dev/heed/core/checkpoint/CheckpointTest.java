package dev.heed.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.io.CheckpointFormatException;
import dev.heed.core.io.Provenance;
import dev.heed.core.io.SafeDType;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.io.TensorBlob;
import dev.heed.core.nn.Activation;
import dev.heed.core.nn.MLP;
import dev.heed.core.nn.Module;
import dev.heed.core.nn.StateDictException;
import dev.heed.core.optim.Adam;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    @TempDir
    Path dir;

    private static MLP mlp(long seed) {
        return new MLP(new int[] {3, 4, 2}, Activation.TANH, Rng.seeded(seed));
    }

    private static void train(MLP m, Adam opt, int steps) {
        Tensor x = Tensor.randn(Rng.seeded(99), 5, 3);
        for (int i = 0; i < steps; i++) {
            opt.zeroGrad();
            m.forward(x).pow(2.0).mean().backward();
            opt.step();
        }
    }

    /** A module with every dtype Heed saves: FLOAT32 and FLOAT64 parameters, INT64 and BOOL buffers. */
    static final class Mixed extends Module {
        Mixed(Rng rng) {
            registerParameter("w32", Tensor.randn(rng, 2, 3));
            registerParameter("w64", Tensor.randn(rng, DType.FLOAT64, 3));
            registerBuffer("count", Tensor.of(new long[] {Long.MIN_VALUE, -1, 7, Long.MAX_VALUE}, 2, 2));
            registerBuffer("mask", Tensor.of(new boolean[] {true, false, true}, 3));
            registerBuffer("scalar", Tensor.scalar(DType.FLOAT64, Math.PI));
        }
    }

    @Test
    void saveLoadRoundTripIsBitExact() throws IOException {
        Mixed a = new Mixed(Rng.seeded(1));
        try (dev.heed.core.NoGrad ignored = dev.heed.core.NoGrad.enter()) {
            a.stateDict().get("w32").copyFrom(Tensor.of(new float[] {Float.NaN, -0f, Float.MIN_VALUE, Float.MAX_VALUE,
                Float.NEGATIVE_INFINITY, 1e-40f}, 2, 3));
        }
        Path f = dir.resolve("mixed.safetensors");
        Checkpoint.of(a).metadata("note", "{\"k\": [1, 2]}").allowNonFinite().save(f);
        Mixed b = new Mixed(Rng.seeded(2));
        Checkpoint.Loaded l = Checkpoint.load(f, b, null, true);
        for (Map.Entry<String, Tensor> e : a.stateDict().entrySet()) {
            Tensor other = b.stateDict().get(e.getKey());
            assertEquals(e.getValue().dtype(), other.dtype());
            assertArrayEquals(TensorBlobs.toBlob(e.getValue()).toBytes(), TensorBlobs.toBlob(other).toBytes(), e.getKey());
        }
        float[] w = b.stateDict().get("w32").toFloatArray();
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(w[1]));
        assertTrue(Float.isNaN(w[0]));
        assertEquals("{\"k\": [1, 2]}", l.metadata().get("note"));
        assertEquals(Checkpoint.FORMAT, l.metadata().get(Checkpoint.FORMAT_KEY));
    }

    @Test
    void fileLayoutFollowsTheSpecification() throws IOException {
        // a 1-parameter module: the file must be 8-byte length + JSON header + 8 raw LE bytes
        Module m = new Module() {
            {
                registerParameter("w", Tensor.of(new float[] {1.5f, -2f}, 2));
            }
        };
        Path f = dir.resolve("one.safetensors");
        Checkpoint.of(m).save(f);
        byte[] bytes = Files.readAllBytes(f);
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = bb.getLong();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8).trim();
        assertEquals("{\"__metadata__\":{\"heed.format\":\"heed-checkpoint/1\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", header);
        assertEquals(8 + n + 8, bytes.length);
        bb.position((int) (8 + n));
        assertEquals(1.5f, bb.getFloat());
        assertEquals(-2f, bb.getFloat());
    }

    @Test
    void optimizerAndRngStateResumeExactly() throws IOException {
        MLP a = mlp(1);
        Adam optA = new Adam(a.parameters(), Adam.config().lr(0.01).eps(1e-5));
        train(a, optA, 3);
        Rng rng = Rng.seeded(5);
        rng.nextGaussian();   // leaves a spare in the state
        Path f = dir.resolve("ck.safetensors");
        Provenance p = Provenance.capture(JsonNodeFactory.instance.objectNode().put("lr", 0.01), 5L, null);
        Checkpoint.of(a).optimizer(optA).rng("main", rng).provenance(p).save(f);

        MLP b = mlp(2);
        Adam optB = new Adam(b.parameters(), Adam.config().lr(0.5).eps(1e-5));
        Checkpoint.Loaded l = Checkpoint.load(f, b, optB, true);
        assertEquals(0.01, optB.lr(), 0);
        Rng restored = l.rng("main");
        assertEquals(rng.nextGaussian(), restored.nextGaussian(), 0);
        assertEquals(rng.nextLong(), restored.nextLong());
        assertEquals(5L, l.provenance().orElseThrow().seed());
        train(a, optA, 4);
        train(b, optB, 4);
        for (Map.Entry<String, Tensor> e : a.stateDict().entrySet()) {
            assertArrayEquals(e.getValue().toFloatArray(), b.stateDict().get(e.getKey()).toFloatArray(), 0f, e.getKey());
        }
        // the model part carries plain PyTorch-style names
        assertTrue(l.modelState().keySet().containsAll(List.of("0.weight", "0.bias", "2.weight", "2.bias")));
        assertEquals(4, l.modelState().size());
    }

    @Test
    void badFilesRaiseTheFormatErrorAndChangeNothing() throws IOException {
        MLP target = mlp(3);
        Map<String, float[]> before = new LinkedHashMap<>();
        target.stateDict().forEach((k, v) -> before.put(k, v.toFloatArray()));

        Path truncated = dir.resolve("truncated.safetensors");
        Checkpoint.of(mlp(4)).save(truncated);
        byte[] all = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(all, all.length - 4));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> Checkpoint.load(truncated, target, null, true));
        assertTrue(e.getMessage().contains("truncated.safetensors"), e.getMessage());

        Path half = dir.resolve("f16.safetensors");
        SafeTensors.write(half, Map.of("0.weight", TensorBlob.ofBytes(SafeDType.F16, new long[] {1}, new byte[2])), Map.of());
        e = assertThrows(CheckpointFormatException.class, () -> Checkpoint.load(half, target, null, false));
        assertEquals("0.weight", e.tensor().orElseThrow());

        Path wrongShape = dir.resolve("shape.safetensors");
        Checkpoint.of(new MLP(new int[] {3, 5, 2}, Activation.TANH, Rng.seeded(1))).save(wrongShape);
        StateDictException s = assertThrows(StateDictException.class, () -> Checkpoint.load(wrongShape, target, null, true));
        assertEquals(3, s.mismatches().size());   // 0.weight, 0.bias, 2.weight (2.bias fits)

        // module fits but optimizer state does not: the module is rolled back
        Path noOpt = dir.resolve("noopt.safetensors");
        Checkpoint.of(mlp(5)).save(noOpt);
        Adam opt = new Adam(target.parameters(), 0.1);
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(noOpt, target, opt, true));
        Path otherOpt = dir.resolve("otheropt.safetensors");
        MLP src = mlp(6);
        Adam srcOpt = new Adam(src.parameters(), Adam.config().amsgrad(true));
        train(src, srcOpt, 1);
        Checkpoint.of(src).optimizer(srcOpt).save(otherOpt);
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(otherOpt, target, opt, true));
        target.stateDict().forEach((k, v) -> assertArrayEquals(before.get(k), v.toFloatArray(), k));
        assertEquals(0, opt.stepCount(0));
    }

    @Test
    void readsPlainSafetensorsFromOtherTools() throws IOException {
        // the layout another writer could produce: keys in another order, F64 weights into a FLOAT64 module
        MLP m = mlp(7);
        m.to(DType.FLOAT64);
        Map<String, TensorBlob> blobs = new LinkedHashMap<>();
        blobs.put("2.bias", TensorBlob.ofDoubles(new long[] {2}, new double[] {0.5, -0.5}));
        blobs.put("0.weight", TensorBlob.ofDoubles(new long[] {4, 3}, new double[12]));
        blobs.put("0.bias", TensorBlob.ofDoubles(new long[] {4}, new double[] {1, 2, 3, 4}));
        blobs.put("2.weight", TensorBlob.ofDoubles(new long[] {2, 4}, new double[8]));
        Path f = dir.resolve("plain.safetensors");
        SafeTensors.write(f, blobs, Map.of());
        Checkpoint.load(f, m, null, true);
        assertArrayEquals(new double[] {1, 2, 3, 4}, m.stateDict().get("0.bias").toDoubleArray());
        double[] y = m.forward(Tensor.zeros(DType.FLOAT64, 1, 3)).toDoubleArray();
        assertArrayEquals(new double[] {0.5, -0.5}, y, 0);
    }
}
