package dev.heed.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.io.AtomicFiles;
import dev.heed.core.nn.MLP;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts a real training process ({@link CrashTrainer}), kills it with SIGKILL at random moments
 * while it writes checkpoints, and checks after every kill that the last complete checkpoint loads,
 * that training resumes from it, that temporary files never pile up, and that the final weights
 * equal those of an uninterrupted run bit for bit.
 */
class CrashSafetyTest {

    private static final long TOTAL = 240;
    private static final int ROUNDS = 6;

    @TempDir
    Path dir;

    @Test
    void killedTrainingResumesFromTheLastCompleteCheckpoint() throws Exception {
        Path reference = Files.createDirectory(dir.resolve("reference"));
        Path crashing = Files.createDirectory(dir.resolve("crashing"));
        Child ref = start(reference);
        Rng rng = Rng.seeded(2026);
        long last = 0;
        int killedMidRun = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Child c = start(crashing);
            Process p = c.process();
            String ready = c.firstLine();
            long resumedAt = Long.parseLong(ready.split(" ")[1]);
            assertEquals(last, resumedAt, "round " + round + " must resume from the last checkpoint seen");
            Thread.sleep(20 + rng.nextInt(180));
            boolean wasAlive = p.isAlive();
            p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            if (wasAlive) {
                killedMidRun++;
            }
            List<Path> temps = temporaries(crashing);
            assertTrue(temps.size() <= 1, "temporary files pile up: " + temps);
            Path ck = crashing.resolve(CrashTrainer.FILE);
            if (Files.exists(ck)) {
                MLP m = CrashTrainer.model();
                Checkpoint.Loaded l = Checkpoint.load(ck, m, CrashTrainer.optimizer(m), true);
                long step = Long.parseLong(l.metadata().get("step"));
                assertTrue(step >= last, "the checkpoint went back from step " + last + " to " + step);
                assertTrue(step % CrashTrainer.EVERY == 0 || step == TOTAL, "step " + step);
                last = step;
            }
        }
        assertTrue(killedMidRun >= ROUNDS / 2, "most rounds must be killed while training, got " + killedMidRun);

        Child fin = start(crashing);
        String ready = fin.firstLine();
        assertEquals(last, Long.parseLong(ready.split(" ")[1]));
        String done = fin.finish();
        assertEquals("done " + TOTAL, done);
        assertEquals("done " + TOTAL, ref.finish());
        assertTrue(temporaries(crashing).isEmpty(), "a completed run leaves no temporary files");

        Map<String, Tensor> a = Checkpoint.read(reference.resolve(CrashTrainer.FILE)).modelState();
        Map<String, Tensor> b = Checkpoint.read(crashing.resolve(CrashTrainer.FILE)).modelState();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).toFloatArray(), b.get(k).toFloatArray(), 0f,
                    k + ": a killed and resumed run must end exactly where an uninterrupted one does");
        }
    }

    @Test
    void deleteTemporariesRemovesOnlyTheTargetsLeftovers() throws IOException {
        Path target = dir.resolve("model.safetensors");
        Files.writeString(target, "keep");
        Path mine = Files.writeString(dir.resolve(".model.safetensors.1a2b3c" + AtomicFiles.TEMP_SUFFIX), "x");
        Path other = Files.writeString(dir.resolve(".model.safetensors.bak.1a2b" + AtomicFiles.TEMP_SUFFIX), "x");
        Path unrelated = Files.writeString(dir.resolve("notes.txt"), "x");
        assertEquals(1, AtomicFiles.deleteTemporaries(target));
        assertTrue(Files.notExists(mine));
        assertTrue(Files.exists(other) && Files.exists(unrelated) && Files.exists(target));
        assertEquals(0, AtomicFiles.deleteTemporaries(dir.resolve("missing/none.bin")));
    }

    private static Child start(Path dir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), CrashTrainer.class.getName(), dir.toString(),
                Long.toString(TOTAL)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        return new Child(p, new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
    }

    /** A trainer process and the one reader of its output. */
    private record Child(Process process, BufferedReader out) {

        String firstLine() throws IOException {
            String line = out.readLine();
            while (line != null && !line.startsWith("ready ")) {
                line = out.readLine(); // JVM warnings
            }
            if (line == null) {
                throw new AssertionError("the trainer exited before it was ready");
            }
            return line;
        }

        String finish() throws Exception {
            String last = null;
            StringBuilder all = new StringBuilder();
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                all.append(line).append('\n');
                if (!line.startsWith("ready ")) {
                    last = line;
                }
            }
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, process.exitValue(), all.toString());
            return last;
        }
    }

    private static List<Path> temporaries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(AtomicFiles.TEMP_SUFFIX)).toList();
        }
    }
}
