package dev.heed.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.heed.core.plugin.fake.ScorerProvider;
import dev.heed.core.spi.OptionSpec;
import org.junit.jupiter.api.Test;

class SpecSchemaTest {

    private final PluginRegistry<ScorerProvider> scorers = PluginRegistry.load(ScorerProvider.class);

    private SpecSchema schema(PluginRegistry<ScorerProvider> registry) {
        SpecSchema attention = SpecSchema.builder("attention")
                .option(OptionSpec.ofInt("heads", 1, "number of heads").range(1, 64))
                .provider("similarity", registry, "scaled-dot")
                .provider("positional", registry)
                .build();
        return SpecSchema.builder("stack").section("attention", attention).build();
    }

    private SpecException fails(String json) {
        return assertThrows(SpecException.class, () -> schema(scorers).parse(json));
    }

    @Test
    void parsesNamesObjectsAndPlainOptions() {
        Spec spec = schema(scorers).parse("{\"attention\": {\"similarity\": \"scaled-dot\", \"heads\": 4,"
                + " \"positional\": {\"name\": \"relative-bias\", \"maxDistance\": 32, \"bias\": 0.5}}}");
        Spec att = spec.section("attention");
        assertEquals("$.attention", att.path());
        assertEquals(4, att.options().getInt("heads"));
        ProviderChoice<ScorerProvider> sim = att.provider("similarity", ScorerProvider.class);
        assertEquals("scaled-dot", sim.name());
        assertEquals(1.0, sim.options().getDouble("scale"));
        ProviderChoice<ScorerProvider> pos = att.provider("positional", ScorerProvider.class);
        assertEquals(32, pos.options().getInt("maxDistance"));
        // 2 * 3 + 0.5, from the configured bias.
        assertEquals(6.5, pos.provider().create(pos.options()).score(2, 3));
    }

    @Test
    void absentPartsTakeDefaults() {
        Spec att = schema(scorers).parse("{\"attention\": {\"positional\": \"relative-bias\"}}").section("attention");
        assertEquals(1, att.options().getInt("heads"));
        assertEquals("scaled-dot", att.provider("similarity", ScorerProvider.class).name());
        assertEquals(32, att.provider("positional", ScorerProvider.class).options().getInt("maxDistance"));
    }

    @Test
    void badProviderOptionCarriesItsJsonPath() {
        SpecException e = fails("{\"attention\": {\"positional\": {\"name\": \"relative-bias\", \"maxDistance\": 0}}}");
        assertEquals("$.attention.positional.maxDistance", e.path());
        assertEquals("$.attention.positional.maxDistance: provider 'relative-bias': option 'maxDistance' = 0"
                + " is out of range; allowed: an int in [1, 4096]", e.getMessage());
    }

    @Test
    void unknownKeysListAcceptedKeys() {
        SpecException e = fails("{\"attention\": {\"headz\": 2, \"positional\": \"relative-bias\"}}");
        assertEquals("$.attention.headz: unknown key 'headz' in attention; accepted keys: heads, positional,"
                + " similarity; did you mean 'heads'?", e.getMessage());
        SpecException option = fails("{\"attention\": {\"positional\": {\"name\": \"relative-bias\", \"maxDist\": 3}}}");
        assertEquals("$.attention.positional.maxDist", option.path());
        assertTrue(option.getMessage().contains("accepted options: maxDistance, bias; did you mean 'maxDistance'?"),
                option.getMessage());
        assertEquals("$.attentoin", fails("{\"attentoin\": {}}").path());
    }

    @Test
    void unknownProviderNameCarriesPathAndSuggestion() {
        SpecException e = fails("{\"attention\": {\"similarity\": \"scaled_dot\", \"positional\": \"relative-bias\"}}");
        assertEquals("$.attention.similarity: unknown scorer provider 'scaled_dot'; available: relative-bias,"
                + " scaled-dot; did you mean 'scaled-dot'?", e.getMessage());
        assertEquals("$.attention.positional.name",
                fails("{\"attention\": {\"positional\": {\"name\": \"rope\"}}}").path());
    }

    @Test
    void wrongShapesAreRejectedWithPaths() {
        assertEquals("$.attention.heads: section 'attention': option 'heads' = \"4\" (a string) has the wrong type;"
                + " allowed: an int in [1, 64]",
                fails("{\"attention\": {\"heads\": \"4\", \"positional\": \"relative-bias\"}}").getMessage());
        assertEquals("$.attention.heads: null is not a value; expected an int in [1, 64] (omit the key to use the default)",
                fails("{\"attention\": {\"heads\": null, \"positional\": \"relative-bias\"}}").getMessage());
        assertEquals("$.attention.heads", fails("{\"attention\": {\"heads\": [4], \"positional\": \"relative-bias\"}}").path());
        assertEquals("$.attention.positional", fails("{\"attention\": {\"positional\": 3}}").path());
        assertEquals("$.attention.positional.name", fails("{\"attention\": {\"positional\": {\"maxDistance\": 3}}}").path());
        assertEquals("$.attention", fails("{\"attention\": []}").path());
        assertTrue(fails("{\"attention\": {}}").getMessage()
                .startsWith("$.attention.positional: a scorer provider is required; available: relative-bias, scaled-dot"));
        assertEquals("$['odd key']", fails("{\"odd key\": 1}").path());
    }

    @Test
    void malformedJsonAndDuplicateKeysAreErrorsAtTheRoot() {
        SpecException syntax = fails("{\"attention\": {");
        assertEquals("$", syntax.path());
        assertTrue(syntax.getMessage().contains("not valid JSON"), syntax.getMessage());
        SpecException dup = fails("{\"attention\": {\"heads\": 2, \"heads\": 3}}");
        assertTrue(dup.getMessage().contains("Duplicate field 'heads'"), dup.getMessage());
        assertEquals("$", fails("").path());
    }

    @Test
    void specsResolveThroughTheInjectorsProviders() {
        ClassLoader loader = getClass().getClassLoader();
        Injector injector = Guice.createInjector(PluginBindings.of(PluginRegistry.load(ScorerProvider.class, loader)));
        PluginRegistry<ScorerProvider> injected = PluginBindings.registry(injector, ScorerProvider.class);
        ProviderChoice<ScorerProvider> sim = schema(injected)
                .parse("{\"attention\": {\"similarity\": {\"name\": \"scaled-dot\", \"scale\": 0.5},"
                        + " \"positional\": \"relative-bias\"}}")
                .section("attention").provider("similarity", ScorerProvider.class);
        // The injector's own instance was selected, and 4 * 3 * 0.5 = 6.
        assertTrue(injector.getInstance(PluginBindings.mapKey(ScorerProvider.class)).get("scaled-dot") == sim.provider());
        assertEquals(6.0, sim.provider().create(sim.options()).score(4, 3));
    }
}
