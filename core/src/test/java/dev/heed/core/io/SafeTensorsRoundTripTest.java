package dev.heed.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heed.core.Rng;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void everyDtypeRoundTripsThroughAFile() throws Exception {
        Rng rng = Rng.seeded(11);
        Map<String, TensorBlob> tensors = new LinkedHashMap<>();
        for (SafeDType t : SafeDType.values()) {
            long[] shape = {2, 3};
            byte[] raw = new byte[6 * t.byteSize()];
            for (int i = 0; i < raw.length; i++) {
                raw[i] = (byte) rng.nextLong();
            }
            tensors.put("t." + t.name().toLowerCase(java.util.Locale.ROOT), TensorBlob.ofBytes(t, shape, raw));
        }
        float[] f = new float[] {Float.NaN, Float.NEGATIVE_INFINITY, -0f, Float.MIN_VALUE, 1e30f, 7f};
        tensors.put("floats", TensorBlob.ofFloats(new long[] {3, 2}, f));
        tensors.put("empty", TensorBlob.ofDoubles(new long[] {0, 5}, new double[0]));
        Map<String, String> meta = Map.of("format", "pt", "note", "ünïcode ✓");

        Path file = dir.resolve("all.safetensors");
        SafeTensors.write(file, tensors, meta);
        SafeTensorsContent back = SafeTensors.read(file);
        assertEquals(tensors, back.tensors());
        assertEquals(meta, back.metadata());
        assertArrayEquals(f, back.tensors().get("floats").toFloats()); // bit patterns, NaN included

        // Writing is deterministic and independent of the input map's order.
        Map<String, TensorBlob> reversed = new LinkedHashMap<>();
        List<String> names = List.copyOf(tensors.keySet());
        for (int i = names.size() - 1; i >= 0; i--) {
            reversed.put(names.get(i), tensors.get(names.get(i)));
        }
        assertArrayEquals(Files.readAllBytes(file), SafeTensors.toBytes(reversed, meta));

        // Data starts 8-byte aligned after the padded header; descending alignment keeps 8-byte
        // types at offsets that are multiples of 8.
        SafeTensorsHeader h = SafeTensors.readHeader(file);
        assertEquals(0, h.headerLength() % 8);
        for (SafeTensorsHeader.Entry e : h.entries()) {
            assertEquals(0, e.begin() % e.dtype().byteSize(), e.toString());
        }
        assertEquals(SafeDType.U64, h.entries().get(0).dtype());
    }

    @Test
    void longNamesAndMetadataBeyondJsonParserDefaultsRoundTrip() throws Exception {
        // Jackson's default limit for a JSON name is 50,000 characters; the format allows any length
        // within the 100 MB header.
        String name = "n".repeat(60_000);
        Map<String, TensorBlob> t = Map.of(name, TensorBlob.ofInts(new long[] {1}, new int[] {7}));
        Map<String, String> meta = Map.of("k".repeat(60_000), "v");
        SafeTensorsContent back = SafeTensors.parse(SafeTensors.toBytes(t, meta), "long");
        assertEquals(t, back.tensors());
        assertEquals(meta, back.metadata());
    }
}
