package dev.heed.core.io;

import static dev.heed.core.io.SafeTensorsFormatTest.unpadded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a file can be invalid is rejected before allocation, with file, tensor and problem named. */
class SafeTensorsValidationTest {

    @TempDir
    Path dir;

    private static CheckpointFormatException reject(byte[] file) {
        return assertThrows(CheckpointFormatException.class, () -> SafeTensors.parse(file, "bad.safetensors"));
    }

    private static CheckpointFormatException reject(String json, int dataBytes) {
        return reject(unpadded(json, new byte[dataBytes]));
    }

    private static void assertMessage(CheckpointFormatException e, String tensor, String... fragments) {
        assertTrue(e.getMessage().startsWith("bad.safetensors: "), e.getMessage());
        assertEquals(Optional.ofNullable(tensor), e.tensor(), e.getMessage());
        if (tensor != null) {
            assertTrue(e.getMessage().contains("tensor '" + tensor + "': "), e.getMessage());
        }
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "expected '" + f + "' in: " + e.getMessage());
        }
    }

    private static byte[] withLength(long headerLength, byte[] rest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 8; i++) {
            out.write((int) (headerLength >>> (8 * i)) & 0xFF);
        }
        out.writeBytes(rest);
        return out.toByteArray();
    }

    private static String entry(String name, String dtype, String shape, String offsets) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
    }

    @Test
    void fileShorterThanLengthPrefix() {
        assertMessage(reject(new byte[] {1, 2, 3}), null, "file is 3 bytes", "shorter than the 8-byte header length");
    }

    @Test
    void absurdHeaderLengths() {
        assertMessage(reject(withLength(1L << 40, new byte[16])), null,
                "header length 1099511627776 exceeds the limit of 100000000 bytes");
        // Top bit set: reported as the unsigned number it is in the file.
        assertMessage(reject(withLength(-1L, new byte[16])), null,
                "header length 18446744073709551615 exceeds the limit");
        assertMessage(reject(withLength(1000, "{}".getBytes(StandardCharsets.US_ASCII))), null,
                "header length 1000 exceeds the 2 bytes that follow it", "truncated");
    }

    @Test
    void headerMustBeUtf8JsonObject() {
        assertMessage(reject(withLength(4, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'})), null, "not valid UTF-8");
        assertMessage(reject("{\"a\":", 0), null, "not well-formed JSON");
        assertMessage(reject("[1, 2]", 0), null, "header is a JSON array; expected a JSON object");
        assertMessage(reject("{} {}", 0), null, "not well-formed JSON");
        assertMessage(reject("   ", 0), null, "header is empty");
        String dup = "{" + entry("w", "U8", "[1]", "[0,1]") + "," + entry("w", "U8", "[1]", "[1,2]") + "}";
        assertMessage(reject(dup, 2), null, "not well-formed JSON", "Duplicate field 'w'");
    }

    @Test
    void entriesMustBeWellTyped() {
        assertMessage(reject("{\"w\":3}", 0), "w", "entry is a JSON number; expected an object");
        assertMessage(reject("{" + entry("w", "Q8", "[1]", "[0,1]") + "}", 1), "w", "unknown dtype 'Q8'", "F32");
        assertMessage(reject("{" + entry("w", "f32", "[1]", "[0,4]") + "}", 4), "w", "unknown dtype 'f32'");
        assertMessage(reject("{\"w\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "w",
                "dtype is a JSON number");
        assertMessage(reject("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "w", "missing 'shape'");
        assertMessage(reject("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4), "w",
                "unexpected field 'x'");
        assertMessage(reject("{\"w\":{\"dtype\":\"F32\",\"shape\":4,\"data_offsets\":[0,4]}}", 4), "w",
                "shape is a JSON number; expected an array");
    }

    @Test
    void shapesMustBeNonNegativeIntegersWithoutOverflow() {
        assertMessage(reject("{" + entry("w", "F32", "[2,-2]", "[0,16]") + "}", 16), "w",
                "shape[1] is -2; expected a non-negative integer");
        assertMessage(reject("{" + entry("w", "F32", "[2.5]", "[0,10]") + "}", 10), "w",
                "shape[0] is 2.5; expected a non-negative integer");
        assertMessage(reject("{" + entry("w", "F32", "[99999999999999999999]", "[0,4]") + "}", 4), "w",
                "shape[0] is 99999999999999999999; expected a non-negative integer below 2^63");
        // 2^32 * 2^32 elements overflow 64 bits; the reader must not try to allocate them.
        assertMessage(reject("{" + entry("w", "F32", "[4294967296,4294967296]", "[0,4]") + "}", 4), "w",
                "overflows a 64-bit byte count");
    }

    @Test
    void offsetsMustBeInsideTheFileAndMatchTheShape() {
        // A header claiming 8 GB of doubles in a tiny file: rejected, nothing allocated.
        assertMessage(reject("{" + entry("w", "F64", "[1000000000]", "[0,8000000000]") + "}", 8), "w",
                "data_offsets [0, 8000000000] point past the end of the 8-byte data section");
        assertMessage(reject("{" + entry("w", "F32", "[2,2]", "[0,12]") + "}", 12), "w",
                "data_offsets [0, 12] hold 12 bytes but shape [2, 2] of F32 needs 16");
        assertMessage(reject("{" + entry("w", "F32", "[1]", "[4,0]") + "}", 4), "w", "end before they begin");
        assertMessage(reject("{" + entry("w", "F32", "[1]", "[0]") + "}", 4), "w",
                "data_offsets is [0]; expected [begin, end]");
        assertMessage(reject("{" + entry("w", "F32", "[1]", "[0,-4]") + "}", 4), "w",
                "data_offsets[1] is -4");
    }

    @Test
    void tensorsMustTileTheDataSectionExactly() {
        String overlap = "{" + entry("a", "F32", "[4]", "[0,16]") + "," + entry("b", "F32", "[2]", "[8,16]") + "}";
        assertMessage(reject(overlap, 16), "b", "data_offsets [8, 16] overlap tensor 'a' at [0, 16]");

        String gap = "{" + entry("a", "F32", "[1]", "[0,4]") + "," + entry("b", "F32", "[1]", "[8,12]") + "}";
        assertMessage(reject(gap, 12), "b", "start at 8 but the previous tensor 'a' ends at 4", "no gaps");

        String late = "{" + entry("a", "F32", "[1]", "[4,8]") + "}";
        assertMessage(reject(late, 8), "a", "start at 4 but the data section starts at 0");

        String trailing = "{" + entry("a", "F32", "[1]", "[0,4]") + "}";
        assertMessage(reject(trailing, 6), null, "data section is 6 bytes but the tensors cover 4", "trailing bytes");
    }

    @Test
    void metadataMustMapStringsToStrings() {
        assertMessage(reject("{\"__metadata__\":{\"epoch\":3}}", 0), null,
                "__metadata__ value of 'epoch' is a JSON number; metadata values must be strings");
        assertMessage(reject("{\"__metadata__\":[\"a\"]}", 0), null, "__metadata__ is a JSON array");
    }

    @Test
    void fileErrorsNameThePathAndLoadNothing() throws Exception {
        Path file = dir.resolve("model.safetensors");
        Files.write(file, unpadded("{" + entry("layer.0.w", "F32", "[3]", "[0,12]") + "}", new byte[8]));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> SafeTensors.read(file));
        assertEquals(file.toString(), e.file());
        assertEquals("layer.0.w", e.tensor().orElseThrow());
        assertTrue(e.getMessage().startsWith(file + ": tensor 'layer.0.w': data_offsets [0, 12] point past"),
                e.getMessage());
        assertThrows(CheckpointFormatException.class, () -> SafeTensors.readHeader(file));
    }

    @Test
    void writerRejectsReservedAndNullNames() {
        TensorBlob b = TensorBlob.ofFloats(new long[] {1}, new float[] {1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.toBytes(java.util.Map.of("__metadata__", b), java.util.Map.of()));
        assertTrue(e.getMessage().contains("reserved"), e.getMessage());
    }

    @Test
    void blobFactoriesCheckShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TensorBlob.ofFloats(new long[] {2, 3}, new float[5]));
        assertEquals("TensorBlob.ofFloats: shape [2, 3] holds 6 elements but 5 values were given", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TensorBlob.ofBytes(SafeDType.F32, new long[] {2}, new byte[7]));
        assertTrue(e.getMessage().contains("needs 8 bytes but 7 were given"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TensorBlob.ofLongs(new long[] {-1}, new long[0]));
        assertTrue(e.getMessage().contains("negative dimension -1"), e.getMessage());
        IllegalStateException s = assertThrows(IllegalStateException.class,
                () -> TensorBlob.ofLongs(new long[] {1}, new long[] {1}).toFloats());
        assertTrue(s.getMessage().contains("holds I64, not F32"), s.getMessage());
    }
}
