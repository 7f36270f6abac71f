package dev.heed.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void createsAndReplaces() throws Exception {
        Path f = dir.resolve("a.txt");
        AtomicFiles.writeString(f, "first");
        AtomicFiles.writeString(f, "second, longer");
        assertEquals("second, longer", Files.readString(f));
        assertEquals(List.of("a.txt"), listing());
    }

    @Test
    void crashHalfwayLeavesPreviousFileAndNoTemporaries() throws Exception {
        Path f = dir.resolve("model.safetensors");
        byte[] old = SafeTensors.toBytes(Map.of("w", TensorBlob.ofFloats(new long[] {2}, new float[] {1, 2})), Map.of());
        AtomicFiles.writeBytes(f, old);

        IOException crash = new IOException("disk unplugged");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write(new byte[100_000]); // more than the buffer, so bytes really reach the temp file
            throw crash;
        }));
        assertSame(crash, thrown);
        assertEquals(List.of("model.safetensors"), listing());
        assertEquals(List.of("w"), List.copyOf(SafeTensors.read(f).tensors().keySet()));
        assertTrue(java.util.Arrays.equals(old, Files.readAllBytes(f)));

        // Unchecked failures (a bug in the writer) are handled the same way.
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(f, out -> {
            out.write(1);
            throw new IllegalStateException("bug");
        }));
        assertEquals(List.of("model.safetensors"), listing());
        assertTrue(java.util.Arrays.equals(old, Files.readAllBytes(f)));
    }

    @Test
    void crashOnFirstWriteLeavesNothing() throws Exception {
        Path f = dir.resolve("new.json");
        assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("{\"half\":".getBytes(StandardCharsets.UTF_8));
            throw new IOException("killed");
        }));
        assertEquals(List.of(), listing());
    }

    @Test
    void writerMayCloseTheStream() throws Exception {
        Path f = dir.resolve("closed.txt");
        AtomicFiles.write(f, out -> {
            out.write("abc".getBytes(StandardCharsets.UTF_8));
            out.close();
        });
        assertEquals("abc", Files.readString(f));
    }

    @Test
    void missingDirectoryOrDirectoryTargetIsAClearError() throws Exception {
        IOException e = assertThrows(IOException.class,
                () -> AtomicFiles.writeString(dir.resolve("nope").resolve("x.txt"), "x"));
        assertTrue(e.getMessage().contains("does not exist; create it first"), e.getMessage());
        Files.createDirectory(dir.resolve("sub"));
        e = assertThrows(IOException.class, () -> AtomicFiles.writeString(dir.resolve("sub"), "x"));
        assertTrue(e.getMessage().contains("it is a directory"), e.getMessage());
    }
}
