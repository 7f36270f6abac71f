package dev.heed.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.heed.core.plugin.fake.CountingProvider;
import dev.heed.core.plugin.fake.GreeterProvider;
import dev.heed.core.plugin.fake.HelloProvider;
import dev.heed.core.plugin.fake.ScorerProvider;
import dev.heed.core.spi.Options;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PluginBindingsTest {

    private static Injector injector() {
        ClassLoader loader = PluginBindingsTest.class.getClassLoader();
        return Guice.createInjector(
                PluginBindings.of(PluginRegistry.load(GreeterProvider.class, loader)),
                PluginBindings.discover(ScorerProvider.class, loader),
                PluginBindings.pluginModules(loader));
    }

    @Test
    void everyDiscoveredProviderIsBoundByName() {
        Injector injector = injector();
        Map<String, GreeterProvider> greeters = injector.getInstance(PluginBindings.mapKey(GreeterProvider.class));
        assertEquals(Set.of("hello", "counting", "injected"), greeters.keySet());
        assertEquals(HelloProvider.class, greeters.get("hello").getClass());
        assertEquals(Set.of("relative-bias", "scaled-dot"),
                injector.getInstance(PluginBindings.mapKey(ScorerProvider.class)).keySet());
        // One instance per injector (singleton scope inside it).
        assertSame(greeters.get("hello"), injector.getInstance(PluginBindings.mapKey(GreeterProvider.class)).get("hello"));
    }

    @Test
    void pluginModuleSuppliesCollaboratorsToItsProvider() {
        GreeterProvider injected = injector().getInstance(PluginBindings.mapKey(GreeterProvider.class)).get("injected");
        assertEquals("ahoy matey", injected.create(Options.defaults(injected)).greet("matey"));
    }

    @Test
    void twoInjectorsNeverShareProviderState() {
        Injector a = injector();
        Injector b = injector();
        CountingProvider ca = (CountingProvider) a.getInstance(PluginBindings.mapKey(GreeterProvider.class)).get("counting");
        CountingProvider cb = (CountingProvider) b.getInstance(PluginBindings.mapKey(GreeterProvider.class)).get("counting");
        assertNotSame(ca, cb);
        ca.create(Options.defaults(ca));
        ca.create(Options.defaults(ca));
        assertEquals(2, ca.created());
        assertEquals(0, cb.created());
        assertEquals("#1 b", cb.create(Options.defaults(cb)).greet("b"));
    }

    @Test
    void spiModulesCanAddExplicitEntriesNextToDiscoveredOnes() {
        Injector injector = Guice.createInjector(
                PluginBindings.of(PluginRegistry.of(GreeterProvider.class, java.util.List.of(new HelloProvider()))),
                new AbstractModule() {
                    @Override
                    protected void configure() {
                        PluginBindings.mapBinder(binder(), GreeterProvider.class).addBinding("counting").to(CountingProvider.class);
                    }
                });
        PluginRegistry<GreeterProvider> fromInjector = PluginBindings.registry(injector, GreeterProvider.class);
        assertEquals(Set.of("hello", "counting"), fromInjector.names());
    }
}
