package dev.heed.core.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Atomic file replacement: every file Heed writes goes through here, so a crash, an exception or a
 * Ctrl-C in the middle of a write never leaves a truncated file behind.
 *
 * <p>Procedure: write to a temporary file in the target's own directory (so the rename stays on one
 * file system), flush and {@code fsync} it, rename it over the target with
 * {@link StandardCopyOption#ATOMIC_MOVE} (falling back to {@link StandardCopyOption#REPLACE_EXISTING}
 * only when the file system cannot move atomically), then {@code fsync} the directory where the
 * platform allows it, so the rename itself survives a power loss. If anything fails before the
 * rename, the temporary file is deleted and the previous content of the target is untouched.
 *
 * <p>Readers see either the old or the new file, never a mix. Concurrent writers to the same target
 * do not corrupt it (each writes its own temporary file); the last rename wins. Thread-safe: holds no
 * state.
 *
 * <pre>{@code
 * AtomicFiles.write(dir.resolve("model.safetensors"), out -> out.write(bytes));
 * AtomicFiles.writeString(dir.resolve("summary.json"), json);
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class AtomicFiles {

    private static final System.Logger LOG = System.getLogger(AtomicFiles.class.getName());

    /** Suffix of temporary files; a directory listing that shows one means a writer is still running or was killed. */
    public static final String TEMP_SUFFIX = ".heed-tmp";

    private AtomicFiles() {}

    /** Produces the content of a file; may throw to abort the write. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    @FunctionalInterface
    public interface ContentWriter {
        /**
         * Writes the whole content. Closing {@code out} is allowed but not required.
         *
         * @param out buffered stream to the temporary file
         * @throws IOException to abort; the target keeps its old content
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Replaces (or creates) {@code target} with the content produced by {@code writer}.
     *
     * @param target the file to write; its parent directory must exist; not null
     * @param writer produces the content; not null
     * @throws IOException if writing, syncing or renaming fails, or the writer throws; the target is
     *     then unchanged and no temporary file remains
     */
    public static void write(Path target, ContentWriter writer) throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(writer, "writer");
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path fileName = absolute.getFileName();
        if (dir == null || fileName == null) {
            throw new IllegalArgumentException("AtomicFiles.write: " + target + " is not a file path");
        }
        if (Files.isDirectory(absolute)) {
            throw new IOException("cannot write " + target + ": it is a directory; choose a file name");
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException("cannot write " + target + ": directory " + dir
                    + " does not exist; create it first");
        }
        Path tmp = null;
        FileChannel channel = null;
        // Not Files.createTempFile: that creates the file owner-only (0600), and the final file should get
        // the ordinary permissions any new file gets.
        for (int attempt = 0; channel == null; attempt++) {
            Path candidate = dir.resolve("." + fileName + "." + Long.toHexString(System.nanoTime())
                    + Long.toHexString(Thread.currentThread().getId()) + TEMP_SUFFIX);
            try {
                channel = FileChannel.open(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                tmp = candidate;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
        boolean moved = false;
        try {
            try (FileChannel ch = channel) {
                OutputStream out = new BufferedOutputStream(new NonClosing(Channels.newOutputStream(ch)), 1 << 16);
                writer.writeTo(out);
                out.flush();
                ch.force(true);
            }
            move(tmp, absolute);
            moved = true;
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
        }
        syncDirectory(dir);
    }

    /**
     * Atomically replaces {@code target} with {@code bytes}.
     *
     * @param target the file; not null
     * @param bytes the full content; not null
     * @throws IOException as for {@link #write(Path, ContentWriter)}
     */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        Objects.requireNonNull(bytes, "bytes");
        write(target, out -> out.write(bytes));
    }

    /**
     * Atomically replaces {@code target} with {@code text} encoded as UTF-8.
     *
     * @param target the file; not null
     * @param text the full content; not null
     * @throws IOException as for {@link #write(Path, ContentWriter)}
     */
    public static void writeString(Path target, String text) throws IOException {
        Objects.requireNonNull(text, "text");
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Deletes temporary files that writers of {@code target} left behind when they were killed
     * mid-write ({@code .<name>.<unique>.heed-tmp} in the target's directory). Call it when resuming
     * a run, before writing {@code target} again, so that crashes do not make them pile up. Only
     * call it when no other live process may be writing {@code target}: it would delete that
     * writer's file and make its write fail (never corrupt the target).
     *
     * @param target the file whose leftovers to delete; need not exist; not null
     * @return how many temporary files were deleted
     * @throws IOException if the directory cannot be listed or a file cannot be deleted
     */
    public static int deleteTemporaries(Path target) throws IOException {
        Objects.requireNonNull(target, "target");
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path fileName = absolute.getFileName();
        if (dir == null || fileName == null || !Files.isDirectory(dir)) {
            return 0;
        }
        String prefix = "." + fileName + ".";
        int deleted = 0;
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(prefix) && n.endsWith(TEMP_SUFFIX)
                        && n.length() > prefix.length() + TEMP_SUFFIX.length()
                        && n.substring(prefix.length(), n.length() - TEMP_SUFFIX.length()).matches("[0-9a-f]+")
                        && Files.deleteIfExists(p)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            LOG.log(System.Logger.Level.DEBUG, "atomic move unsupported for {0}; replacing non-atomically", target);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void syncDirectory(Path dir) {
        // Persists the rename itself. Opening a directory for reading works on Linux and macOS; on
        // Windows it fails, and NTFS journals the rename anyway, so a failure here is not an error.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot fsync directory {0}: {1}", dir, e.toString());
        }
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not delete temporary file {0}: {1}", tmp, e.toString());
        }
    }

    /** Lets writers close the stream they were given without closing the channel we still need to sync. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
