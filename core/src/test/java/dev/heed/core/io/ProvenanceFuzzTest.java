package dev.heed.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for the provenance JSON reader ({@code provenance.json} and the {@code
 * heed.provenance} metadata entry of checkpoints). Contract: any text either parses or throws
 * {@link CheckpointFormatException}; what parses survives a write/parse round trip.
 */
class ProvenanceFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void parse(byte[] input) throws CheckpointFormatException {
        Provenance p;
        try {
            p = Provenance.parse(new String(input, StandardCharsets.UTF_8), "fuzz.json");
        } catch (CheckpointFormatException expected) {
            return;
        }
        assertEquals(p, Provenance.parse(p.toJsonString(), "rewritten"));
        assertEquals(p, Provenance.parse(p.toMetadata().get(Provenance.METADATA_KEY), "metadata"));
    }
}
