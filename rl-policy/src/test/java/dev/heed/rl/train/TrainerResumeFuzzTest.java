package dev.heed.rl.train;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Fuzz target for resuming RL training from a checkpoint file: policy weights, optimizer state,
 * env states and normalisation statistics ({@code VecNormalize}) all come from the file. Contract:
 * any file either resumes or fails with the documented errors, an {@link IOException} (a
 * {@code CheckpointFormatException} for a malformed file) or an {@link IllegalArgumentException}
 * (a checkpoint that does not fit its recorded configuration); never another exception, an
 * OutOfMemoryError or a hang. Corpus: {@code TrainerResumeFuzzTestInputs/resume/}.
 */
class TrainerResumeFuzzTest {

    // Fixtures may be static in tests; providers are discovered once.
    private static final PolicyOptimizers OPTIMIZERS = PolicyOptimizers.load();

    @FuzzTest(maxDuration = "2m")
    void resume(byte[] input) throws IOException {
        Path dir = Files.createTempDirectory("heed-fuzz-resume");
        try {
            Files.write(dir.resolve(Trainer.CHECKPOINT_FILE), input);
            try (Trainer t = Trainer.resume(dir, OPTIMIZERS, Map.of())) {
                t.timesteps();
            } catch (IOException | IllegalArgumentException expected) {
                // documented
            }
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
