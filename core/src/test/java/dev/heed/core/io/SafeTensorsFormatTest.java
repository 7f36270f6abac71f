package dev.heed.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Byte-exact checks against files assembled by hand from the format specification: an 8-byte
 * little-endian header length, compact JSON padded with spaces to a multiple of 8, then the
 * little-endian element bytes written out literally (IEEE 754 bit patterns worked out by hand).
 */
class SafeTensorsFormatTest {

    @TempDir
    Path dir;

    /** Assembles a file: LE u64 length of the space-padded header, the header, the data. */
    static byte[] expectedFile(String json, byte[]... data) {
        int padded = json.length();
        while (padded % 8 != 0) {
            padded++;
        }
        String header = json + " ".repeat(padded - json.length());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 8; i++) {
            out.write((int) (((long) padded >>> (8 * i)) & 0xFF)); // little-endian u64; the high bytes are 0
        }
        out.writeBytes(header.getBytes(StandardCharsets.UTF_8));
        for (byte[] d : data) {
            out.writeBytes(d);
        }
        return out.toByteArray();
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void f32MatrixIsByteExact() throws Exception {
        // 1.0f = 0x3F800000, -2.0f = 0xC0000000, 0.5f = 0x3F000000, 3.0f = 0x40400000, stored LE.
        byte[] data = bytes(
                0x00, 0x00, 0x80, 0x3F,
                0x00, 0x00, 0x00, 0xC0,
                0x00, 0x00, 0x00, 0x3F,
                0x00, 0x00, 0x40, 0x40);
        String json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";
        assertEquals(57, json.length()); // so the header is padded with 7 spaces to 64
        byte[] expected = expectedFile(json, data);
        assertEquals(8 + 64 + 16, expected.length);
        assertEquals(64, expected[0]);

        TensorBlob w = TensorBlob.ofFloats(new long[] {2, 2}, new float[] {1f, -2f, 0.5f, 3f});
        Path file = dir.resolve("w.safetensors");
        SafeTensors.write(file, Map.of("w", w), Map.of());
        assertArrayEquals(expected, Files.readAllBytes(file));

        SafeTensorsContent back = SafeTensors.parse(expected, "hand-made");
        assertEquals(List.of("w"), List.copyOf(back.tensors().keySet()));
        assertArrayEquals(new long[] {2, 2}, back.tensors().get("w").shape());
        assertArrayEquals(new float[] {1f, -2f, 0.5f, 3f}, back.tensors().get("w").toFloats());
        assertTrue(back.metadata().isEmpty());
    }

    @Test
    void f64VectorIsByteExact() throws Exception {
        // 1.5 = 0x3FF8000000000000, -0.25 = 0xBFD0000000000000.
        byte[] data = bytes(
                0, 0, 0, 0, 0, 0, 0xF8, 0x3F,
                0, 0, 0, 0, 0, 0, 0xD0, 0xBF);
        String json = "{\"v\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}";
        byte[] expected = expectedFile(json, data);
        byte[] actual = SafeTensors.toBytes(
                Map.of("v", TensorBlob.ofDoubles(new long[] {2}, new double[] {1.5, -0.25})), Map.of());
        assertArrayEquals(expected, actual);
        assertArrayEquals(new double[] {1.5, -0.25},
                SafeTensors.parse(expected, "hand-made").tensors().get("v").toDoubles());
    }

    @Test
    void i64VectorIsByteExact() throws Exception {
        // 1, -1 (two's complement, all ones), 2^40 = 0x0000010000000000.
        byte[] data = bytes(
                1, 0, 0, 0, 0, 0, 0, 0,
                0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                0, 0, 0, 0, 0, 1, 0, 0);
        String json = "{\"steps\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[0,24]}}";
        byte[] expected = expectedFile(json, data);
        byte[] actual = SafeTensors.toBytes(
                Map.of("steps", TensorBlob.ofLongs(new long[] {3}, new long[] {1, -1, 1L << 40})), Map.of());
        assertArrayEquals(expected, actual);
        assertArrayEquals(new long[] {1, -1, 1L << 40},
                SafeTensors.parse(expected, "hand-made").tensors().get("steps").toLongs());
    }

    @Test
    void mixedDtypesWithMetadataFollowReferenceOrder() throws Exception {
        // Reference order: descending dtype alignment (I64 > F64 > F32 in the format's dtype list),
        // then name; __metadata__ first with its keys sorted.
        String json = "{\"__metadata__\":{\"b\":\"x\",\"format\":\"pt\"},"
                + "\"b\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"c\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[16,24]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[24,28]}}";
        byte[] expected = expectedFile(json,
                bytes(2, 0, 0, 0, 0, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF), // 2, -2
                bytes(0, 0, 0, 0, 0, 0, 0xF8, 0x3F), // 1.5
                bytes(0x00, 0x00, 0x80, 0x3F)); // 1.0f
        Map<String, TensorBlob> tensors = new TreeMap<>();
        tensors.put("a", TensorBlob.ofFloats(new long[] {1}, new float[] {1f}));
        tensors.put("b", TensorBlob.ofLongs(new long[] {2}, new long[] {2, -2}));
        tensors.put("c", TensorBlob.ofDoubles(new long[0], new double[] {1.5}));
        Map<String, String> meta = new TreeMap<>();
        meta.put("format", "pt");
        meta.put("b", "x");
        assertArrayEquals(expected, SafeTensors.toBytes(tensors, meta));

        SafeTensorsContent back = SafeTensors.parse(expected, "hand-made");
        assertEquals(List.of("b", "c", "a"), List.copyOf(back.tensors().keySet()));
        assertEquals(Map.of("format", "pt", "b", "x"), back.metadata());
        assertEquals(0, back.tensors().get("c").rank());
        assertArrayEquals(new double[] {1.5}, back.tensors().get("c").toDoubles());
    }

    @Test
    void emptyFileIsBraceAndSixSpaces() throws Exception {
        assertArrayEquals(expectedFile("{}"), SafeTensors.toBytes(Map.of(), Map.of()));
        assertEquals("{}      ", new String(SafeTensors.toBytes(Map.of(), Map.of()), 8, 8, StandardCharsets.US_ASCII));
    }

    @Test
    void namesAreEscapedLikeTheReferenceJsonWriter() throws Exception {
        // serde_json escapes quote, backslash, the short control escapes and other controls as
        // lowercase \\u00xx; non-ASCII stays UTF-8.
        String name = "q\"\\\n\u0001é";
        String json = "{\"q\\\"\\\\\\n\\u0001é\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}";
        // Padding counts bytes, and é is 2 bytes in UTF-8.
        byte[] headerUtf8 = json.getBytes(StandardCharsets.UTF_8);
        int padded = (headerUtf8.length + 7) / 8 * 8;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(padded);
        out.writeBytes(new byte[7]);
        out.writeBytes(headerUtf8);
        out.writeBytes(" ".repeat(padded - headerUtf8.length).getBytes(StandardCharsets.US_ASCII));
        out.write(7);
        byte[] expected = out.toByteArray();
        byte[] actual = SafeTensors.toBytes(Map.of(name, TensorBlob.ofBytes(SafeDType.U8, new long[] {1}, bytes(7))), Map.of());
        assertArrayEquals(expected, actual);
        assertEquals(Map.of(name, TensorBlob.ofBytes(SafeDType.U8, new long[] {1}, bytes(7))),
                SafeTensors.parse(actual, "escaped").tensors());
    }

    @Test
    void readsReferenceTestVectorsWithI32AndZeroSizeAndWhitespace() throws Exception {
        // The reference implementation's own examples: a 60-byte header for a 2x2 I32 of zeros.
        String json = "{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";
        assertEquals(60, json.length());
        byte[] file = unpadded(json, new byte[16]);
        TensorBlob t = SafeTensors.parse(file, "vector").tensors().get("test");
        assertArrayEquals(new int[] {0, 0, 0, 0}, t.toInts());

        // A zero-element tensor with offsets [0, 0] (note the space after the comma).
        String zero = "{\"test\":{\"dtype\":\"I32\",\"shape\":[2,0],\"data_offsets\":[0, 0]}}";
        TensorBlob z = SafeTensors.parse(unpadded(zero, new byte[0]), "vector").tensors().get("test");
        assertArrayEquals(new long[] {2, 0}, z.shape());
        assertEquals(0, z.byteLength());

        // Headers may be padded with JSON whitespace before and after the object.
        assertTrue(SafeTensors.parse(unpadded("\t\n{}\r ", new byte[0]), "vector").tensors().isEmpty());
    }

    @Test
    void readsFilesWhoseTensorsAreInNameOrderRatherThanAlignmentOrder() throws Exception {
        // Older writers ordered tensors by name only; any tiling of the data section is valid.
        String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[4,12]}}";
        byte[] file = unpadded(json, bytes(0, 0, 0x80, 0x3F, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F));
        SafeTensorsContent c = SafeTensors.parse(file, "old");
        assertArrayEquals(new float[] {1f}, c.tensors().get("a").toFloats());
        assertArrayEquals(new double[] {1.5}, c.tensors().get("b").toDoubles());
    }

    /** Reference bytes with the header length byte given literally, as recorded by the reference library. */
    private static byte[] recorded(int lengthByte, String headerWithPadding, int zeroDataBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(lengthByte);
        out.writeBytes(new byte[7]);
        out.writeBytes(headerWithPadding.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[zeroDataBytes]);
        return out.toByteArray();
    }

    @Test
    void matchesOutputsRecordedByTheReferenceLibrary() throws Exception {
        // Expected outputs of the reference Python binding's own serialisation tests (numpy zeros):
        // header length 0x40 with 4 padding spaces; 0x80 with 6; 0x60 (metadata first) with 1.
        long[] s22 = {2, 2};
        TensorBlob i32 = TensorBlob.ofInts(s22, new int[4]);
        TensorBlob f16 = TensorBlob.ofBytes(SafeDType.F16, s22, new byte[8]);

        assertArrayEquals(recorded(0x40,
                "{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}    ", 16),
                SafeTensors.toBytes(Map.of("test", i32), Map.of()));

        Map<String, TensorBlob> two = new TreeMap<>(Map.of("test2", f16, "test1", i32));
        assertArrayEquals(recorded(0x80,
                "{\"test1\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                        + "\"test2\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[16,24]}}      ", 24),
                SafeTensors.toBytes(two, Map.of()));

        byte[] withMeta = recorded(0x60,
                "{\"__metadata__\":{\"framework\":\"pt\"},"
                        + "\"test1\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}} ", 16);
        assertArrayEquals(withMeta, SafeTensors.toBytes(Map.of("test1", i32), Map.of("framework", "pt")));
        SafeTensorsContent c = SafeTensors.parse(withMeta, "reference");
        assertEquals(Map.of("framework", "pt"), c.metadata());
        assertArrayEquals(new int[4], c.tensors().get("test1").toInts());
    }

    /** A file without header padding, as other writers may produce. */
    static byte[] unpadded(String json, byte[] data) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(h.length & 0xFF);
        out.write((h.length >>> 8) & 0xFF);
        out.writeBytes(new byte[6]);
        out.writeBytes(h);
        out.writeBytes(data);
        return out.toByteArray();
    }
}
