package dev.heed.rl.train;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz target for loading a trained policy ({@code policy.safetensors}: weights, recorded
 * architecture, observation-normalisation statistics). Contract: any file either loads or fails
 * with an {@link IOException} ({@code CheckpointFormatException} for malformed content); never
 * another exception, an OutOfMemoryError or a hang. Corpus: {@code SavedPolicyFuzzTestInputs/load/}.
 */
class SavedPolicyFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void load(byte[] input) throws IOException {
        Path file = Files.createTempFile("heed-fuzz", ".safetensors");
        try {
            Files.write(file, input);
            try {
                SavedPolicy p = SavedPolicy.load(file);
                p.policy();
            } catch (IOException expected) {
                // documented
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
