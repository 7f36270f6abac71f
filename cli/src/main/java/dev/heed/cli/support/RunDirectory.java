package dev.heed.cli.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heed.core.io.AtomicFiles;
import dev.heed.core.io.CheckpointFormatException;
import dev.heed.rl.train.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.stream.Stream;
import org.apiguardian.api.API;

/**
 * An output directory of a Heed command ({@code --out DIR}), recognised by a marker file,
 * {@value #MARKER}, holding {@code {"format": "heed-run/1", "kind": ..., "created_utc": ...}}.
 *
 * <p>{@link #create(Path, String)} refuses a path that exists and is not a Heed run (a file, or a
 * non-empty directory without the marker), so a mistyped {@code --out} never mixes Heed's files into
 * someone's home directory or source tree. Every file is written through {@link AtomicFiles}: an
 * interrupted command never leaves a half-written JSON or CSV file.
 *
 * <p>Names passed to the write methods are relative paths inside the run directory; parent
 * directories are created as needed. Not thread-safe for concurrent writes to the same name.
 *
 * <pre>{@code
 * RunDirectory run = RunDirectory.create(Path.of("runs/ppo"), "rl-train");
 * run.writeJson("summary.json", summary);
 * run.writeCsv("metrics.csv", metrics);
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class RunDirectory {

    /** Marker file name that identifies a Heed run directory. */
    public static final String MARKER = TrainingRun.MARKER;

    /** Value of the marker's {@code format} field. */
    public static final String FORMAT = TrainingRun.MARKER_FORMAT;

    // Immutable once built; writes trees only.
    private static final ObjectReader READER = JsonMapper.builder().build().reader();
    private static final ObjectWriter WRITER = JsonMapper.builder().build().writerWithDefaultPrettyPrinter();

    private final Path root;
    private final String kind;

    private RunDirectory(Path root, String kind) {
        this.root = root;
        this.kind = kind;
    }

    /**
     * Creates a run directory, or reuses one that Heed created before.
     *
     * @param dir the directory; created with its parents when missing; not null
     * @param kind what runs here, e.g. {@code rl-train}; recorded in the marker; not null
     * @return the run directory
     * @throws UserInputException if {@code dir} is a file, or a non-empty directory that is not a Heed run
     * @throws IOException if it cannot be created or the marker cannot be written
     */
    public static RunDirectory create(Path dir, String kind) throws IOException {
        return create(dir, kind, Clock.systemUTC());
    }

    /**
     * As {@link #create(Path, String)} with an explicit clock for the marker's time stamp.
     *
     * @param dir the directory; not null
     * @param kind what runs here; not null
     * @param clock time source; not null
     * @return the run directory
     * @throws UserInputException if {@code dir} exists and is not a Heed run
     * @throws IOException if it cannot be created or the marker cannot be written
     */
    public static RunDirectory create(Path dir, String kind, Clock clock) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(clock, "clock");
        Path root = dir.toAbsolutePath().normalize();
        if (Files.exists(root, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(root)) {
            throw new UserInputException("output path " + dir + " exists and is a file",
                    "give --out a directory path that does not exist yet");
        }
        if (Files.isDirectory(root)) {
            if (Files.isRegularFile(root.resolve(MARKER))) {
                return new RunDirectory(root, readKind(root.resolve(MARKER)));
            }
            if (!isEmpty(root)) {
                throw new UserInputException("output directory " + dir + " exists and is not a Heed run (no "
                        + MARKER + " file in it)", "choose a new --out directory, or empty this one");
            }
        } else {
            Files.createDirectories(root);
        }
        TrainingRun.writeMarker(root, kind, clock.instant());
        return new RunDirectory(root, kind);
    }

    /**
     * Opens an existing run directory, e.g. for {@code --resume} or {@code --run}.
     *
     * @param dir the directory; not null
     * @return the run directory
     * @throws UserInputException if it does not exist or is not a Heed run
     * @throws IOException if the marker cannot be read
     */
    public static RunDirectory open(Path dir) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new UserInputException("run directory " + dir + " does not exist",
                    "pass the --out directory of an earlier run");
        }
        if (!Files.isRegularFile(root.resolve(MARKER))) {
            throw new UserInputException(dir + " is not a Heed run directory (no " + MARKER + " file)",
                    "pass the --out directory of an earlier run");
        }
        return new RunDirectory(root, readKind(root.resolve(MARKER)));
    }

    /** @return the absolute, normalised directory */
    public Path path() {
        return root;
    }

    /** @return the kind recorded in the marker */
    public String kind() {
        return kind;
    }

    /**
     * Resolves a name inside the run directory.
     *
     * @param name a relative path such as {@code checkpoint/model.safetensors}; not null
     * @return the absolute path
     * @throws IllegalArgumentException if {@code name} is absolute or leaves the directory
     */
    public Path resolve(String name) {
        Objects.requireNonNull(name, "name");
        Path p = root.resolve(name).normalize();
        if (Path.of(name).isAbsolute() || !p.startsWith(root) || p.equals(root)) {
            throw new IllegalArgumentException("RunDirectory.resolve: '" + name
                    + "' is not a file name inside " + root + "; use a relative name without '..'");
        }
        return p;
    }

    /**
     * Creates (if needed) and returns a subdirectory.
     *
     * @param name a relative directory name; not null
     * @return its absolute path
     * @throws IOException if it cannot be created
     */
    public Path subdirectory(String name) throws IOException {
        return Files.createDirectories(resolve(name));
    }

    /**
     * Writes indented JSON, ending with a newline, atomically.
     *
     * @param name relative file name; not null
     * @param tree the content; not null
     * @return the written file
     * @throws IOException if it cannot be written; any previous file of that name is then intact
     */
    public Path writeJson(String name, JsonNode tree) throws IOException {
        Objects.requireNonNull(tree, "tree");
        String text;
        try {
            text = WRITER.writeValueAsString(tree) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("serialising a JSON tree cannot fail: " + e, e);
        }
        return writeText(name, text);
    }

    /**
     * Writes a CSV table atomically.
     *
     * @param name relative file name; not null
     * @param table the content; not null
     * @return the written file
     * @throws IOException if it cannot be written; any previous file of that name is then intact
     */
    public Path writeCsv(String name, CsvTable table) throws IOException {
        Objects.requireNonNull(table, "table");
        return writeText(name, table.toCsv());
    }

    /**
     * Writes UTF-8 text atomically.
     *
     * @param name relative file name; not null
     * @param text the content; not null
     * @return the written file
     * @throws IOException if it cannot be written; any previous file of that name is then intact
     */
    public Path writeText(String name, String text) throws IOException {
        Path target = resolve(name);
        Files.createDirectories(target.getParent());
        AtomicFiles.writeString(target, text);
        return target;
    }

    /** @return a new empty JSON object node to fill and pass to {@link #writeJson(String, JsonNode)} */
    public static ObjectNode newObject() {
        return JsonNodeFactory.instance.objectNode();
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static String readKind(Path marker) throws IOException {
        if (Files.size(marker) > 64 * 1024) {
            throw new CheckpointFormatException(marker.toString(), null, "run marker is "
                    + Files.size(marker) + " bytes; expected a small JSON object");
        }
        JsonNode m;
        try {
            m = READER.readTree(Files.readString(marker));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new CheckpointFormatException(marker.toString(), null, "run marker is not valid UTF-8 text; "
                    + "expected a small JSON object", e);
        } catch (JsonProcessingException e) {
            throw new CheckpointFormatException(marker.toString(), null, "run marker is not well-formed JSON: "
                    + e.getOriginalMessage(), e);
        }
        if (m == null || !m.isObject() || !FORMAT.equals(m.path("format").asText(null))
                || !m.path("kind").isTextual()) {
            throw new CheckpointFormatException(marker.toString(), null, "run marker must be a JSON object with "
                    + "\"format\": \"" + FORMAT + "\" and a string \"kind\"");
        }
        return m.get("kind").textValue();
    }
}
