package dev.heed.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz targets for the safetensors reader. The contract under test: for any byte string, reading
 * either succeeds or throws {@link CheckpointFormatException}; never another exception, an error
 * (OutOfMemoryError, StackOverflowError), or a hang. Whatever is accepted must survive a write/read
 * round trip unchanged.
 *
 * <p>In the normal build each target runs once per file of its committed corpus
 * ({@code SafeTensorsFuzzTestInputs/<method>/}); set {@code JAZZER_FUZZ=1} to fuzz (see
 * docs/reliability.md).
 */
class SafeTensorsFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void parse(byte[] input) {
        SafeTensorsContent content;
        try {
            content = SafeTensors.parse(input, "fuzz.safetensors");
        } catch (CheckpointFormatException expected) {
            return;
        }
        // Accepted input: the writer reproduces tensors and metadata exactly.
        byte[] again = SafeTensors.toBytes(content.tensors(), content.metadata());
        SafeTensorsContent back;
        try {
            back = SafeTensors.parse(again, "rewritten");
        } catch (CheckpointFormatException e) {
            throw new AssertionError("Heed rejects its own output: " + e.getMessage(), e);
        }
        assertEquals(content.tensors().keySet(), back.tensors().keySet());
        assertEquals(content.metadata(), back.metadata());
        content.tensors().forEach((name, blob) -> assertEquals(blob, back.tensors().get(name), name));
    }

    @FuzzTest(maxDuration = "2m")
    void readFile(byte[] input) throws IOException {
        Path file = Files.createTempFile("heed-fuzz", ".safetensors");
        try {
            Files.write(file, input);
            try {
                SafeTensors.readHeader(file);
                SafeTensors.read(file);
            } catch (CheckpointFormatException expected) {
                // the documented outcome for a malformed file
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
