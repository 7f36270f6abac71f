package dev.heed.core.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apiguardian.api.API;

/**
 * How an artifact (checkpoint, run, report) was made: Heed version, the resolved configuration as a
 * JSON tree, the seed, the JVM, the operating system, the UTC creation time and, optionally, the
 * kernel backend. Stored as a small JSON file next to the weights ({@link #FILE_NAME}) and, compactly,
 * in a safetensors file's metadata under {@link #METADATA_KEY}.
 *
 * <p>JSON fields (snake_case): {@code format} (always {@value #FORMAT}), {@code heed_version},
 * {@code created_utc} (ISO-8601, e.g. {@code 2026-11-26T15:42:23Z}), {@code seed} (integer or null),
 * {@code jvm_vendor}, {@code jvm_version}, {@code os_name}, {@code os_arch}, {@code kernel_backend}
 * (string or null), {@code config} (any JSON value). Unknown fields are ignored when reading so that
 * newer files stay readable.
 *
 * <p>Immutable and thread-safe: the config tree is copied in and out.
 *
 * @param heedVersion Heed's version, e.g. {@code 0.1.0}; not null
 * @param createdUtc creation time; not null
 * @param seed the root seed, or {@code null} when the artifact involved no randomness
 * @param jvmVendor {@code java.vendor}; not null
 * @param jvmVersion {@code java.runtime.version} (falls back to {@code java.version}); not null
 * @param osName {@code os.name}; not null
 * @param osArch {@code os.arch}; not null
 * @param kernelBackend name of the compute backend, or {@code null} when not relevant
 * @param config the resolved configuration; JSON null when there is none; not null
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record Provenance(
        String heedVersion,
        Instant createdUtc,
        Long seed,
        String jvmVendor,
        String jvmVersion,
        String osName,
        String osArch,
        String kernelBackend,
        JsonNode config) {

    /** Value of the {@code format} field. */
    public static final String FORMAT = "heed-provenance/1";

    /** Conventional file name next to the weights. */
    public static final String FILE_NAME = "provenance.json";

    /** Key under which {@link #toMetadata()} stores the compact JSON in safetensors metadata. */
    public static final String METADATA_KEY = "heed.provenance";

    private static final String UNKNOWN_VERSION = "unknown (development build)";

    // Immutable once built; trees only, so no class is ever chosen from file content.
    private static final ObjectReader READER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build()
            .reader();
    private static final ObjectWriter WRITER = JsonMapper.builder().build().writerWithDefaultPrettyPrinter();

    /** Validates and copies the fields. */
    public Provenance {
        Objects.requireNonNull(heedVersion, "heedVersion");
        Objects.requireNonNull(createdUtc, "createdUtc");
        Objects.requireNonNull(jvmVendor, "jvmVendor");
        Objects.requireNonNull(jvmVersion, "jvmVersion");
        Objects.requireNonNull(osName, "osName");
        Objects.requireNonNull(osArch, "osArch");
        config = config == null ? NullNode.getInstance() : config.deepCopy();
    }

    /** @return a copy of the configuration tree */
    @Override
    public JsonNode config() {
        return config.deepCopy();
    }

    /**
     * Records the current environment, timestamped now (UTC, whole seconds).
     *
     * @param config the resolved configuration, or {@code null}
     * @param seed the root seed, or {@code null}
     * @param kernelBackend the backend name, or {@code null}
     * @return the provenance
     */
    public static Provenance capture(JsonNode config, Long seed, String kernelBackend) {
        return capture(config, seed, kernelBackend, Clock.systemUTC());
    }

    /**
     * As {@link #capture(JsonNode, Long, String)} with an explicit clock (for tests).
     *
     * @param config the resolved configuration, or {@code null}
     * @param seed the root seed, or {@code null}
     * @param kernelBackend the backend name, or {@code null}
     * @param clock source of the creation time; not null
     * @return the provenance
     */
    public static Provenance capture(JsonNode config, Long seed, String kernelBackend, Clock clock) {
        Objects.requireNonNull(clock, "clock");
        String runtime = System.getProperty("java.runtime.version");
        return new Provenance(
                currentHeedVersion(),
                clock.instant().truncatedTo(ChronoUnit.SECONDS),
                seed,
                property("java.vendor"),
                runtime != null ? runtime : property("java.version"),
                property("os.name"),
                property("os.arch"),
                kernelBackend,
                config);
    }

    /**
     * @return the version of the Heed core library on the class path, as recorded by the build, or
     *     {@code "unknown (development build)"} when the version file is missing
     */
    public static String currentHeedVersion() {
        try (InputStream in = Provenance.class.getResourceAsStream("heed-version.properties")) {
            if (in == null) {
                return UNKNOWN_VERSION;
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").trim();
            return v.isEmpty() || v.startsWith("${") ? UNKNOWN_VERSION : v;
        } catch (IOException e) {
            return UNKNOWN_VERSION;
        }
    }

    /** @return the provenance as a JSON object (see the class documentation for the fields) */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("format", FORMAT);
        o.put("heed_version", heedVersion);
        o.put("created_utc", createdUtc.toString());
        if (seed == null) {
            o.putNull("seed");
        } else {
            o.put("seed", seed.longValue());
        }
        o.put("jvm_vendor", jvmVendor);
        o.put("jvm_version", jvmVersion);
        o.put("os_name", osName);
        o.put("os_arch", osArch);
        if (kernelBackend == null) {
            o.putNull("kernel_backend");
        } else {
            o.put("kernel_backend", kernelBackend);
        }
        o.set("config", config.deepCopy());
        return o;
    }

    /** @return indented JSON text ending with a newline */
    public String toJsonString() {
        try {
            return WRITER.writeValueAsString(toJson()) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("serialising a JSON tree cannot fail: " + e, e);
        }
    }

    /** @return a one-entry map for a safetensors file's metadata: {@link #METADATA_KEY} to compact JSON */
    public Map<String, String> toMetadata() {
        return Map.of(METADATA_KEY, toJson().toString());
    }

    /**
     * Writes {@link #toJsonString()} atomically.
     *
     * @param file the target file; its directory must exist; not null
     * @throws IOException if it cannot be written; the previous file is then intact
     */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, toJsonString());
    }

    /**
     * Reads a provenance file.
     *
     * @param file the file; not null
     * @return the provenance
     * @throws CheckpointFormatException if the file is not valid provenance JSON (names the field)
     * @throws IOException if it cannot be read
     */
    public static Provenance read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        long size = Files.size(file);
        if (size > SafeTensors.MAX_HEADER_BYTES) {
            throw CheckpointFormatException.of(file, null, "provenance file is " + size
                    + " bytes; expected a small JSON object");
        }
        return parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Parses provenance JSON text, e.g. the value of {@link #METADATA_KEY} in safetensors metadata.
     *
     * @param json the JSON text; not null
     * @param sourceName how to name the source in error messages; not null
     * @return the provenance
     * @throws CheckpointFormatException if the text is not valid provenance JSON
     */
    public static Provenance parse(String json, String sourceName) throws CheckpointFormatException {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(sourceName, "sourceName");
        JsonNode root;
        try {
            root = READER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new CheckpointFormatException(sourceName, null, "provenance is not well-formed JSON: "
                    + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointFormatException(sourceName, null, "provenance must be a JSON object");
        }
        String format = text(root, "format", sourceName);
        if (!FORMAT.equals(format)) {
            throw new CheckpointFormatException(sourceName, null, "provenance format is '" + format
                    + "'; this Heed reads '" + FORMAT + "'");
        }
        Instant created;
        String createdText = text(root, "created_utc", sourceName);
        try {
            created = Instant.parse(createdText);
        } catch (DateTimeParseException e) {
            throw new CheckpointFormatException(sourceName, null, "provenance field 'created_utc' is '"
                    + createdText + "'; expected an ISO-8601 UTC time such as 2026-11-26T15:42:23Z", e);
        }
        JsonNode seedNode = root.get("seed");
        Long seed = null;
        if (seedNode != null && !seedNode.isNull()) {
            if (!seedNode.isIntegralNumber() || !seedNode.canConvertToLong()) {
                throw new CheckpointFormatException(sourceName, null, "provenance field 'seed' is "
                        + seedNode + "; expected a 64-bit integer or null");
            }
            seed = seedNode.longValue();
        }
        JsonNode backend = root.get("kernel_backend");
        String kernel = null;
        if (backend != null && !backend.isNull()) {
            if (!backend.isTextual()) {
                throw new CheckpointFormatException(sourceName, null,
                        "provenance field 'kernel_backend' must be a string or null");
            }
            kernel = backend.textValue();
        }
        JsonNode config = root.get("config");
        String overflow = config == null ? null : nonFiniteNumber(config);
        if (overflow != null) {
            // JSON has no infinity: such a number cannot be written back, so the config would change.
            throw new CheckpointFormatException(sourceName, null, "provenance field 'config' holds a number"
                    + " beyond the double range at " + overflow + "; write it as a string or a smaller number");
        }
        return new Provenance(
                text(root, "heed_version", sourceName),
                created,
                seed,
                text(root, "jvm_vendor", sourceName),
                text(root, "jvm_version", sourceName),
                text(root, "os_name", sourceName),
                text(root, "os_arch", sourceName),
                kernel,
                config == null ? NullNode.getInstance() : config);
    }

    private static String text(JsonNode root, String field, String source) throws CheckpointFormatException {
        JsonNode v = root.get(field);
        if (v == null || !v.isTextual()) {
            throw new CheckpointFormatException(source, null, "provenance field '" + field + "' is "
                    + (v == null ? "missing" : v.toString()) + "; expected a string");
        }
        return v.textValue();
    }

    /** @return the path (e.g. {@code config.lr[0]}) of the first number that parsed to infinity, or null */
    private static String nonFiniteNumber(JsonNode config) {
        java.util.ArrayDeque<Map.Entry<String, JsonNode>> todo = new java.util.ArrayDeque<>();
        todo.push(Map.entry("config", config));
        while (!todo.isEmpty()) {
            Map.Entry<String, JsonNode> e = todo.pop();
            JsonNode n = e.getValue();
            if (n.isFloatingPointNumber() && !Double.isFinite(n.doubleValue())) {
                return e.getKey();
            }
            if (n.isObject()) {
                for (Map.Entry<String, JsonNode> f : n.properties()) {
                    todo.push(Map.entry(e.getKey() + "." + f.getKey(), f.getValue()));
                }
            } else if (n.isArray()) {
                for (int i = 0; i < n.size(); i++) {
                    todo.push(Map.entry(e.getKey() + "[" + i + "]", n.get(i)));
                }
            }
        }
        return null;
    }

    private static String property(String key) {
        String v = System.getProperty(key);
        return v == null ? "unknown" : v;
    }
}
