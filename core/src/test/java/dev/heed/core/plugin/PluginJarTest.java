package dev.heed.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import dev.heed.core.plugin.fake.GreeterProvider;
import dev.heed.core.plugin.fake.HelloProvider;
import dev.heed.core.spi.Options;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Duplicate and broken providers, shipped in real jars built by the test and loaded through a URLClassLoader. */
class PluginJarTest {

    private static final String KIND = GreeterProvider.class.getName();

    @TempDir
    Path dir;

    private URLClassLoader loader;

    @AfterEach
    void close() throws IOException {
        if (loader != null) {
            loader.close();
        }
    }

    private URLClassLoader loaderOver(Path... jars) throws IOException {
        URL[] urls = new URL[jars.length];
        for (int i = 0; i < jars.length; i++) {
            urls[i] = jars[i].toUri().toURL();
        }
        loader = new URLClassLoader(urls, getClass().getClassLoader());
        return loader;
    }

    @Test
    void duplicateNameNamesBothClassesAndJarsUntilPinned() throws IOException {
        Path jar = PluginJars.build(dir, "acme-hello.jar",
                Map.of("com.acme.AcmeHello", PluginJars.greeter("com.acme.AcmeHello", "hello", "")),
                Map.of(KIND, List.of("com.acme.AcmeHello")));
        PluginRegistry<GreeterProvider> r = PluginRegistry.load(GreeterProvider.class, loaderOver(jar));

        PluginConflictException e = assertThrows(PluginConflictException.class, () -> r.get("hello"));
        String testClasses = Path.of("target", "test-classes").toAbsolutePath().toString();
        assertEquals("greeter provider name 'hello' is claimed by 2 classes: "
                + HelloProvider.class.getName() + " (from " + testClasses + "), com.acme.AcmeHello (from " + jar + ");"
                + " remove one of these jars from the class path, or pin one with registry.pin(\"hello\", \""
                + HelloProvider.class.getName() + "\")", e.getMessage());
        assertEquals(Set.of("hello"), r.conflicts());
        // Other names stay usable.
        assertEquals("counting", r.get("counting").name());
        assertEquals(Set.of(PluginInfo.Status.CONFLICT), r.list().stream().filter(i -> i.name().equals("hello"))
                .map(PluginInfo::status).collect(java.util.stream.Collectors.toSet()));

        PluginRegistry<GreeterProvider> pinned = r.pin("hello", "com.acme.AcmeHello");
        GreeterProvider acme = pinned.get("hello");
        assertEquals("AcmeHello you", acme.create(Options.defaults(acme)).greet("you"));
        assertEquals(HelloProvider.class.getName(), r.pin("hello", HelloProvider.class.getName()).get("hello")
                .getClass().getName());
        IllegalArgumentException wrongPin = assertThrows(IllegalArgumentException.class,
                () -> r.pin("hello", "com.acme.Nope"));
        assertTrue(wrongPin.getMessage().contains("com.acme.Nope does not provide greeter 'hello'"), wrongPin.getMessage());

        // Wiring the unpinned registry into Guice fails with the same message; the pinned one works.
        CreationException ce = assertThrows(CreationException.class,
                () -> Guice.createInjector(PluginBindings.of(r), PluginBindings.pluginModules(loader)));
        assertTrue(ce.getMessage().contains("is claimed by 2 classes"), ce.getMessage());
        var map = Guice.createInjector(PluginBindings.of(pinned), PluginBindings.pluginModules(loader))
                .getInstance(PluginBindings.mapKey(GreeterProvider.class));
        assertEquals("com.acme.AcmeHello", map.get("hello").getClass().getName());
    }

    @Test
    void brokenProvidersAreReportedWithClassJarAndCauseWhileOthersWork() throws IOException {
        Path broken = PluginJars.build(dir, "broken.jar",
                Map.of("com.acme.Exploding", PluginJars.greeter("com.acme.Exploding", "exploding",
                                "if (true) throw new IllegalStateException(\"no licence key\");"),
                        "com.acme.Fine", PluginJars.greeter("com.acme.Fine", "fine", ""),
                        "com.acme.NotAProvider", "package com.acme; public final class NotAProvider {}"),
                Map.of(KIND, List.of("com.acme.Exploding", "com.acme.Missing", "com.acme.NotAProvider", "com.acme.Fine")));
        PluginRegistry<GreeterProvider> r = PluginRegistry.load(GreeterProvider.class, loaderOver(broken));

        assertEquals(Set.of("counting", "fine", "hello", "injected"), r.names());
        assertEquals("Fine x", r.get("fine").create(Options.defaults(r.get("fine"))).greet("x"));

        List<PluginLoadFailure> failures = r.failures();
        assertEquals(3, failures.size(), failures.toString());
        PluginLoadFailure exploding = failures.stream().filter(f -> f.className().equals("com.acme.Exploding"))
                .findFirst().orElseThrow();
        assertEquals(broken.toString(), exploding.location());
        assertTrue(exploding.message().contains("IllegalStateException: no licence key"), exploding.message());
        assertTrue(exploding.describe().startsWith("greeter provider com.acme.Exploding (from " + broken + ")"),
                exploding.describe());
        PluginLoadFailure missing = failures.stream().filter(f -> f.className().equals("com.acme.Missing"))
                .findFirst().orElseThrow();
        assertEquals(broken.toString(), missing.location());
        assertTrue(missing.message().contains("not found"), missing.message());
        PluginLoadFailure notSub = failures.stream().filter(f -> f.className().equals("com.acme.NotAProvider"))
                .findFirst().orElseThrow();
        assertTrue(notSub.message().contains("not a subtype"), notSub.message());
    }

    @Test
    void brokenPluginModuleIsReportedAndTheRestStillWires() throws IOException {
        Path jar = PluginJars.build(dir, "bad-module.jar",
                Map.of("com.acme.BadModule", "package com.acme;\n"
                        + "public final class BadModule extends com.google.inject.AbstractModule"
                        + " implements dev.heed.core.spi.PluginModule {\n"
                        + "  public BadModule() { throw new IllegalStateException(\"config file missing\"); }\n"
                        + "}\n"),
                Map.of("dev.heed.core.spi.PluginModule", List.of("com.acme.BadModule")));
        ClassLoader l = loaderOver(jar);
        List<PluginLoadFailure> failures = PluginBindings.pluginModuleFailures(l);
        assertEquals(1, failures.size(), failures.toString());
        assertEquals("com.acme.BadModule", failures.get(0).className());
        assertEquals(jar.toString(), failures.get(0).location());
        assertTrue(failures.get(0).message().contains("config file missing"), failures.get(0).message());
        // The test's own FakePluginModule is still installed, so the injected provider works.
        var greeters = Guice.createInjector(PluginBindings.discover(GreeterProvider.class, l), PluginBindings.pluginModules(l))
                .getInstance(PluginBindings.mapKey(GreeterProvider.class));
        GreeterProvider injected = greeters.get("injected");
        assertEquals("ahoy x", injected.create(Options.defaults(injected)).greet("x"));
    }
}
