package dev.heed.cli.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.heed.core.io.CheckpointFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz target for the run-directory marker ({@value RunDirectory#MARKER}), the one file the CLI
 * reads to decide whether a directory is a Heed run. Contract: any marker content either opens the
 * directory (and then the marker names a kind) or is refused with a {@link CheckpointFormatException}
 * naming the file; nothing else escapes, whatever the bytes.
 */
class RunDirectoryFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void open(byte[] marker) throws IOException {
        Path dir = Files.createTempDirectory("heed-run-fuzz");
        Path file = dir.resolve(RunDirectory.MARKER);
        try {
            Files.write(file, marker);
            RunDirectory run;
            try {
                run = RunDirectory.open(dir);
            } catch (CheckpointFormatException expected) {
                assertTrue(expected.getMessage().contains(RunDirectory.MARKER), expected.getMessage());
                return;
            }
            assertEquals(dir.toAbsolutePath().normalize(), run.path());
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}
