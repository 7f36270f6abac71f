package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Black-box check of the module descriptors: child JVMs run Heed on the module path (nothing on the
 * class path) and must find every built-in provider and the plugin modules through
 * {@code uses}/{@code provides} alone.
 *
 * <p>The module path is this test's class path minus the test-only artifacts: the reactor modules
 * (exploded {@code target/classes} directories or jars, both are modules) and the run-time
 * dependencies. The plugin modules ({@code dev.heed.plugin.general}, {@code .rope}, {@code .alibi})
 * and the optimizer modules are required by no module the probe names, so they are resolved only by
 * service binding.
 */
class ModulePathTest {

    /** Test-only artifacts, kept off the module path (they are not part of a Heed application). */
    private static final List<String> TEST_ONLY = List.of("test-classes", "junit", "opentest4j", "archunit",
            "jazzer", "heed-testkit", "testkit" + File.separator + "target", "surefire");

    /** Expected provider name to the module that must provide it. */
    private static final Map<String, String> EXPECTED = new TreeMap<>(Map.ofEntries(
            Map.entry("similarity/dot", "dev.heed.attention"),
            Map.entry("similarity/scaled-dot", "dev.heed.attention"),
            Map.entry("similarity/cosine", "dev.heed.attention"),
            Map.entry("similarity/additive", "dev.heed.attention"),
            Map.entry("similarity/general", "dev.heed.plugin.general"),
            Map.entry("positional/none", "dev.heed.positional"),
            Map.entry("positional/sinusoidal", "dev.heed.positional"),
            Map.entry("positional/learned", "dev.heed.positional"),
            Map.entry("positional/relative-key", "dev.heed.positional"),
            Map.entry("positional/relative-bias", "dev.heed.positional"),
            Map.entry("positional/rope", "dev.heed.plugin.rope"),
            Map.entry("positional/alibi", "dev.heed.plugin.alibi"),
            Map.entry("policy-optimizer/a2c", "dev.heed.rl"),
            Map.entry("policy-optimizer/trpo", "dev.heed.rl.trpo"),
            Map.entry("policy-optimizer/ppo-clip", "dev.heed.rl.ppo"),
            Map.entry("policy-optimizer/ppo-kl", "dev.heed.rl.ppo"),
            Map.entry("sweep-engine/local", "dev.heed.rl")));

    private static String modulePath;
    /** Module name to its location on the module path. */
    private static Map<String, Path> modules;

    @BeforeAll
    static void modulePath() {
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.isBlank() && TEST_ONLY.stream().noneMatch(e::contains) && Files.exists(Path.of(e))) {
                entries.add(e);
            }
        }
        modulePath = String.join(File.pathSeparator, entries);
        modules = new HashMap<>();
        for (ModuleReference ref : ModuleFinder.of(entries.stream().map(Path::of).toArray(Path[]::new)).findAll()) {
            modules.put(ref.descriptor().name(), Path.of(ref.location().orElseThrow()));
        }
        for (String m : List.of("dev.heed.core", "dev.heed.positional", "dev.heed.attention", "dev.heed.rl",
                "dev.heed.rl.trpo", "dev.heed.rl.ppo", "dev.heed.plugin.general", "dev.heed.plugin.rope",
                "dev.heed.plugin.alibi", "dev.heed.cli")) {
            assertTrue(modules.containsKey(m), "module " + m + " is not on the module path " + modulePath);
        }
        assertFalse(modules.get("dev.heed.core").toString().isEmpty());
    }

    /**
     * A probe module that requires only {@code dev.heed.attention} and {@code dev.heed.rl} lists
     * what the plugin registry discovers, with the module and location of each provider, and builds
     * the Guice maps (Guice constructs the providers, whose classes are in unexported packages).
     */
    @Test
    void registryAndGuiceFindEveryProviderThroughProvides(@TempDir Path dir) throws IOException, InterruptedException {
        Path src = dir.resolve("src");
        Path out = dir.resolve("out");
        write(src.resolve("module-info.java"), """
                module heed.probe {
                    requires dev.heed.attention;
                    requires dev.heed.rl;
                }
                """);
        write(src.resolve("heed/probe/Probe.java"), """
                package heed.probe;

                import com.google.inject.Guice;
                import com.google.inject.Injector;
                import dev.heed.core.plugin.PluginBindings;
                import dev.heed.core.plugin.PluginInfo;
                import dev.heed.core.plugin.PluginRegistry;
                import dev.heed.core.spi.PluginProvider;
                import java.util.List;
                import java.util.Map;

                public final class Probe {
                    public static void main(String[] args) {
                        print(dev.heed.attention.spi.SimilarityProvider.class);
                        print(dev.heed.positional.spi.PositionalProvider.class);
                        print(dev.heed.rl.spi.PolicyOptimizerProvider.class);
                        print(dev.heed.rl.sweep.spi.SweepEngineProvider.class);
                    }

                    static <P extends PluginProvider<?>> void print(Class<P> type) {
                        PluginRegistry<P> registry = PluginRegistry.load(type);
                        registry.failures().forEach(f -> System.out.println("failure " + f.describe()));
                        for (PluginInfo info : registry.list()) {
                            P p = registry.get(info.name());
                            System.out.println("provider " + info.kind() + "/" + info.name() + " "
                                    + p.getClass().getModule().getName() + " " + info.location());
                        }
                        Injector injector = Guice.createInjector(PluginBindings.of(registry));
                        for (Map.Entry<String, P> e : injector.getInstance(PluginBindings.mapKey(type)).entrySet()) {
                            System.out.println("guice " + registry.kind() + "/" + e.getKey() + " "
                                    + e.getValue().getClass().getName());
                        }
                    }
                }
                """);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "this test needs a JDK (javac), not a JRE");
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "--release", "17", "-d", out.toString(),
                "--module-path", modulePath,
                src.resolve("module-info.java").toString(), src.resolve("heed/probe/Probe.java").toString());
        assertEquals(0, rc, "the probe module does not compile against the Heed modules:\n"
                + diagnostics.toString(StandardCharsets.UTF_8));

        Result r = run("--module-path", out + File.pathSeparator + modulePath, "-m", "heed.probe/heed.probe.Probe");
        assertEquals(0, r.exit, r.toString());
        assertFalse(r.out.contains("failure "), r.toString());

        Map<String, String> moduleOf = new TreeMap<>();
        Map<String, String> locationOf = new HashMap<>();
        List<String> guice = new ArrayList<>();
        for (String line : r.out.split("\\R")) {
            String[] f = line.split(" ", 4);
            if (f[0].equals("provider")) {
                moduleOf.put(f[1], f[2]);
                locationOf.put(f[1], f[3]);
            } else if (f[0].equals("guice")) {
                guice.add(f[1]);
            }
        }
        assertEquals(EXPECTED, moduleOf, "provider -> module, from:\n" + r);
        for (Map.Entry<String, String> e : EXPECTED.entrySet()) {
            assertEquals(modules.get(e.getValue()), Path.of(locationOf.get(e.getKey())),
                    "location reported for " + e.getKey());
        }
        assertEquals(EXPECTED.keySet(), new TreeSet<>(guice), "Guice map entries, from:\n" + r);
        assertFalse(r.err.contains("Heed runs slower"), "the Vector API kernels must load on the module path:\n" + r);
    }

    /** The command line itself runs as a module: {@code heed plugins --json}. */
    @Test
    void cliPluginsCommandRunsOnTheModulePath() throws IOException, InterruptedException {
        Result r = run("--module-path", modulePath, "-m", "dev.heed.cli/dev.heed.cli.HeedCommand", "plugins", "--json");
        assertEquals(0, r.exit, r.toString());
        JsonNode root = new ObjectMapper().readTree(r.out);
        assertEquals(0, root.get("failures").size(), r.toString());
        Map<String, Path> found = new TreeMap<>();
        for (JsonNode p : root.get("plugins")) {
            found.put(p.get("kind").asText() + "/" + p.get("name").asText(), Path.of(p.get("jar").asText()));
        }
        assertEquals(EXPECTED.keySet(), found.keySet(), r.toString());
        for (Map.Entry<String, String> e : EXPECTED.entrySet()) {
            assertEquals(modules.get(e.getValue()), found.get(e.getKey()), "location reported for " + e.getKey());
        }
    }

    /**
     * The descriptors themselves: no {@code internal} package is exported or opened, and each
     * {@code META-INF/services} file (kept for the class path) lists exactly the classes of the
     * matching {@code provides}.
     */
    @Test
    void descriptorsExportNoInternalsAndMatchTheServiceFiles() throws IOException {
        ModuleFinder finder = ModuleFinder.of(modules.values().toArray(Path[]::new));
        int heedModules = 0;
        for (ModuleReference ref : finder.findAll()) {
            ModuleDescriptor d = ref.descriptor();
            if (!d.name().startsWith("dev.heed.")) {
                continue;
            }
            heedModules++;
            assertFalse(d.isAutomatic(), d.name() + " has no module-info");
            for (ModuleDescriptor.Exports e : d.exports()) {
                assertFalse(e.source().contains(".internal"), d.name() + " exports " + e.source());
                assertFalse(e.isQualified(), d.name() + " exports " + e.source() + " to " + e.targets());
            }
            for (ModuleDescriptor.Opens o : d.opens()) {
                assertFalse(o.source().contains(".internal"), d.name() + " opens " + o.source());
                assertTrue(o.isQualified(), d.name() + " opens " + o.source() + " to everyone");
            }
            Map<String, List<String>> provides = new TreeMap<>();
            d.provides().forEach(p -> provides.put(p.service(), p.providers()));
            Map<String, List<String>> serviceFiles = new TreeMap<>();
            try (ModuleReader reader = ref.open()) {
                for (String resource : reader.list().filter(n -> n.startsWith("META-INF/services/")
                        && !n.endsWith("/")).toList()) {
                    try (InputStream in = reader.open(resource).orElseThrow()) {
                        List<String> classes = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                                .map(l -> l.replaceAll("#.*", "").trim()).filter(l -> !l.isEmpty()).toList();
                        serviceFiles.put(resource.substring("META-INF/services/".length()), classes);
                    }
                }
            }
            assertEquals(serviceFiles, provides, d.name() + ": provides vs META-INF/services");
        }
        assertEquals(10, heedModules, "Heed modules on the module path: " + modules.keySet());
    }

    private record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private static Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("CLASSPATH");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish: " + cmd);
        return new Result(p.exitValue(), out, err.join());
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
