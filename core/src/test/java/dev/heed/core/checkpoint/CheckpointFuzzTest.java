package dev.heed.core.checkpoint;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.io.CheckpointFormatException;
import dev.heed.core.nn.Activation;
import dev.heed.core.nn.MLP;
import dev.heed.core.optim.Adam;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Fuzz target for model + optimizer checkpoint loading: any file either loads into the model and
 * optimizer or fails with a documented error ({@link CheckpointFormatException} when reading;
 * {@link dev.heed.core.nn.StateDictException} or {@link IllegalArgumentException} when the content does not fit the
 * model or optimizer), and a failed load leaves model and optimizer unchanged.
 */
class CheckpointFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void load(byte[] input) throws IOException {
        Path file = Files.createTempFile("heed-fuzz", ".safetensors");
        try {
            Files.write(file, input);
            Checkpoint.Loaded loaded;
            try {
                loaded = Checkpoint.read(file);
            } catch (CheckpointFormatException expected) {
                return;
            }
            loaded.metadata();
            try {
                loaded.provenance();
            } catch (CheckpointFormatException expected) {
                // malformed provenance metadata is a format error too
            }
            MLP model = new MLP(new int[] {2, 3, 1}, Activation.TANH, Rng.seeded(1));
            Adam adam = new Adam(model.parameters(), 1e-3);
            Map<String, Tensor> before = model.stateDict();
            try {
                loaded.loadInto(model, loaded.optimizerState().isEmpty() ? null : adam, true);
            } catch (IllegalArgumentException expected) { // StateDictException, or an optimizer state that does not fit
                for (Map.Entry<String, Tensor> e : before.entrySet()) {
                    if (!e.getValue().allClose(model.stateDict().get(e.getKey()), 0, 0)) {
                        throw new AssertionError("a failed load changed " + e.getKey(), expected);
                    }
                }
            }
            for (String name : new String[] {"env", "main", "policy"}) {
                try {
                    loaded.rng(name).nextLong();
                } catch (IllegalArgumentException expected) {
                    // no such generator
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
