package dev.heed.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvenanceTest {

    @TempDir
    Path dir;

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T15:42:23.987Z"), ZoneOffset.UTC);

    private static ObjectNode config() {
        ObjectNode c = new ObjectMapper().createObjectNode();
        c.put("algo", "ppo-clip");
        c.putObject("optimizer").put("lr", 3e-4).put("eps", 1e-5);
        return c;
    }

    @Test
    void capturesEnvironmentAndWritesSnakeCaseJson() throws Exception {
        Provenance p = Provenance.capture(config(), 42L, "vector", CLOCK);
        JsonNode json = new ObjectMapper().readTree(p.toJsonString());
        assertEquals("heed-provenance/1", json.get("format").asText());
        assertEquals("2026-11-26T15:42:23Z", json.get("created_utc").asText()); // UTC, whole seconds
        assertEquals(42L, json.get("seed").asLong());
        assertEquals(System.getProperty("java.vendor"), json.get("jvm_vendor").asText());
        assertEquals(System.getProperty("os.name"), json.get("os_name").asText());
        assertEquals(System.getProperty("os.arch"), json.get("os_arch").asText());
        assertEquals("vector", json.get("kernel_backend").asText());
        assertEquals(3e-4, json.get("config").get("optimizer").get("lr").asDouble());
        // The build fills the version in from the POM.
        assertTrue(json.get("heed_version").asText().matches("\\d+\\.\\d+\\.\\d+.*"), json.toString());
        assertFalse(json.get("heed_version").asText().contains("${"));
    }

    @Test
    void roundTripsThroughAFileAndSafetensorsMetadata() throws Exception {
        Provenance p = Provenance.capture(config(), null, null, CLOCK);
        Path f = dir.resolve(Provenance.FILE_NAME);
        p.write(f);
        assertEquals(p, Provenance.read(f));
        assertNull(Provenance.read(f).seed());

        Path weights = dir.resolve("w.safetensors");
        SafeTensors.write(weights, Map.of("w", TensorBlob.ofFloats(new long[] {1}, new float[] {1})), p.toMetadata());
        String embedded = SafeTensors.readHeader(weights).metadata().get(Provenance.METADATA_KEY);
        assertEquals(p, Provenance.parse(embedded, weights.toString()));
    }

    @Test
    void configIsCopiedInAndOut() {
        ObjectNode c = config();
        Provenance p = Provenance.capture(c, 1L, null, CLOCK);
        c.put("algo", "changed");
        ((ObjectNode) p.config()).put("algo", "changed too");
        assertEquals("ppo-clip", p.config().get("algo").asText());
    }

    @Test
    void invalidFilesNameTheField() throws Exception {
        Path f = dir.resolve("p.json");
        Files.writeString(f, "{\"format\":\"heed-provenance/1\",\"heed_version\":\"0.1\"}");
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Provenance.read(f));
        assertTrue(e.getMessage().startsWith(f + ": provenance field 'created_utc' is missing"), e.getMessage());

        ObjectNode j = Provenance.capture(null, 1L, null, CLOCK).toJson();
        j.put("created_utc", "yesterday");
        e = assertThrows(CheckpointFormatException.class, () -> Provenance.parse(j.toString(), "p"));
        assertTrue(e.getMessage().contains("'created_utc' is 'yesterday'; expected an ISO-8601"), e.getMessage());

        j.put("created_utc", "2026-11-26T15:42:23Z").put("seed", "seven");
        e = assertThrows(CheckpointFormatException.class, () -> Provenance.parse(j.toString(), "p"));
        assertTrue(e.getMessage().contains("'seed' is \"seven\""), e.getMessage());

        j.put("seed", 7).put("format", "other/9");
        e = assertThrows(CheckpointFormatException.class, () -> Provenance.parse(j.toString(), "p"));
        assertTrue(e.getMessage().contains("format is 'other/9'"), e.getMessage());

        e = assertThrows(CheckpointFormatException.class, () -> Provenance.parse("[1]", "p"));
        assertEquals("p: provenance must be a JSON object", e.getMessage());
    }
}
