package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PluginsCommandTest {

    @Test
    void jsonListsEveryBuiltInAndPluginProviderOfTheThreeKinds() throws Exception {
        Cli.Result r = Cli.run("plugins", "--json");
        assertEquals(0, r.code(), r.all());
        JsonNode j = new ObjectMapper().readTree(r.out());
        Set<String> seen = new HashSet<>();
        for (JsonNode p : j.get("plugins")) {
            seen.add(p.get("kind").asText() + "/" + p.get("name").asText());
            assertTrue(p.get("class").asText().startsWith("dev.heed."), p.toString());
            assertTrue(!p.get("jar").asText().isEmpty(), p.toString());
            assertTrue(!p.get("description").asText().isBlank(), p.toString());
        }
        for (String s : new String[] {"dot", "scaled-dot", "cosine", "additive"}) {
            assertTrue(seen.contains("similarity/" + s), "missing similarity " + s + " in " + seen);
        }
        for (String s : new String[] {"none", "sinusoidal", "learned", "relative-key", "relative-bias", "rope", "alibi"}) {
            assertTrue(seen.contains("positional/" + s), "missing positional " + s + " in " + seen);
        }
        for (String s : new String[] {"a2c", "ppo-clip", "ppo-kl", "trpo"}) {
            assertTrue(seen.contains("policy-optimizer/" + s), "missing policy optimizer " + s + " in " + seen);
        }
        assertEquals(0, j.get("failures").size(), j.get("failures").toString());
    }

    @Test
    void optionsCarryNameTypeDefaultAndRange() throws Exception {
        JsonNode j = new ObjectMapper().readTree(Cli.run("plugins", "--json").out());
        JsonNode learned = null;
        for (JsonNode p : j.get("plugins")) {
            if (p.get("kind").asText().equals("positional") && p.get("name").asText().equals("learned")) {
                learned = p;
            }
        }
        assertTrue(learned != null);
        JsonNode maxLength = null;
        for (JsonNode o : learned.get("options")) {
            if (o.get("name").asText().equals("maxLength")) {
                maxLength = o;
            }
        }
        assertTrue(maxLength != null, learned.toString());
        assertEquals("int", maxLength.get("type").asText());
        assertTrue(maxLength.get("default").isInt(), maxLength.toString());
        assertEquals(1.0, maxLength.get("min").asDouble(), 0.0);
    }

    @Test
    void textListingGroupsByKind() {
        Cli.Result r = Cli.run("plugins");
        assertEquals(0, r.code(), r.all());
        int sim = r.out().indexOf("similarity:");
        int pos = r.out().indexOf("positional:");
        int pol = r.out().indexOf("policy-optimizer:");
        assertTrue(sim >= 0 && sim < pos && pos < pol, r.out());
        assertTrue(r.out().contains("ppo-clip"), r.out());
    }
}
