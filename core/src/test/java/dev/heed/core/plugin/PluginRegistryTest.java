package dev.heed.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.plugin.fake.GreeterProvider;
import dev.heed.core.plugin.fake.HelloProvider;
import dev.heed.core.plugin.fake.ScorerProvider;
import dev.heed.core.spi.Options;
import dev.heed.core.spi.PluginProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PluginRegistryTest {

    @Test
    void discoversProvidersRegisteredInServiceFiles() {
        PluginRegistry<GreeterProvider> greeters = PluginRegistry.load(GreeterProvider.class);
        assertEquals("greeter", greeters.kind());
        assertEquals(Set.of("hello", "counting", "injected"), greeters.names());
        assertTrue(greeters.failures().isEmpty(), greeters.failures().toString());
        GreeterProvider hello = greeters.get("hello");
        assertEquals("HELLO BOB!", hello.create(Options.of(hello, Map.of("shout", true, "ending", "exclamation")))
                .greet("bob"));
        // Kinds stay apart: the scorer registry sees only scorers.
        assertEquals(Set.of("relative-bias", "scaled-dot"), PluginRegistry.load(ScorerProvider.class).names());
    }

    @Test
    void unknownNameListsAvailableNamesAndClosestMatch() {
        PluginRegistry<GreeterProvider> greeters = PluginRegistry.load(GreeterProvider.class);
        UnknownPluginException e = assertThrows(UnknownPluginException.class, () -> greeters.get("helo"));
        assertEquals("unknown greeter provider 'helo'; available: counting, hello, injected; did you mean 'hello'?",
                e.getMessage());
        assertEquals(List.of("counting", "hello", "injected"), e.available());
        UnknownPluginException far = assertThrows(UnknownPluginException.class, () -> greeters.get("transformer"));
        assertTrue(far.closest().isEmpty());
    }

    @Test
    void listingShowsKindNameDescriptionClassJarAndOptions() {
        PluginInfo hello = PluginRegistry.load(GreeterProvider.class).list().stream()
                .filter(i -> i.name().equals("hello")).findFirst().orElseThrow();
        assertEquals("greeter", hello.kind());
        assertEquals("says hello, possibly several times", hello.description());
        assertEquals(HelloProvider.class.getName(), hello.className());
        // Loaded from the test-classes directory of this module.
        assertTrue(Path.of(hello.location()).endsWith(Path.of("target", "test-classes")), hello.location());
        assertEquals(List.of("times", "shout", "ending"), hello.options().stream().map(o -> o.name()).toList());
        assertEquals(PluginInfo.Status.ACTIVE, hello.status());
    }

    @Test
    void eachLoadCreatesFreshInstances() {
        assertNotSame(PluginRegistry.load(GreeterProvider.class).get("hello"),
                PluginRegistry.load(GreeterProvider.class).get("hello"));
    }

    /** A provider breaking the naming contract, given programmatically. */
    static final class BadName implements GreeterProvider {
        @Override
        public String name() {
            return "Bad_Name";
        }

        @Override
        public String description() {
            return "not kebab-case";
        }

        @Override
        public dev.heed.core.plugin.fake.Greeter create(Options o) {
            return who -> who;
        }
    }

    @Test
    void contractBreakersAreReportedAndOthersStayUsable() {
        PluginRegistry<GreeterProvider> r = PluginRegistry.of(GreeterProvider.class, List.of(new BadName(), new HelloProvider()));
        assertEquals(Set.of("hello"), r.names());
        PluginLoadFailure f = r.failures().get(0);
        assertEquals(BadName.class.getName(), f.className());
        assertTrue(f.message().startsWith("name 'Bad_Name' is not kebab-case"), f.message());
        UnknownPluginException e = assertThrows(UnknownPluginException.class, () -> r.get("Bad_Name"));
        assertTrue(e.getMessage().contains("1 greeter provider(s) failed to load: " + BadName.class.getName()),
                e.getMessage());
    }

    interface PolicyOptimizerProvider extends PluginProvider<Object> {}

    @Test
    void kindLabelIsDerivedFromTheInterfaceName() {
        assertEquals("policy-optimizer", PluginRegistry.kindOf(PolicyOptimizerProvider.class));
        assertEquals("similarity", PluginRegistry.kindOf(SimilarityProvider.class));
    }

    interface SimilarityProvider extends PluginProvider<Object> {}
}
