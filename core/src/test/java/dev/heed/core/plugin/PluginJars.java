package dev.heed.core.plugin;

import dev.heed.core.plugin.fake.GreeterProvider;
import dev.heed.core.spi.PluginProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Builds small plugin jars in a temp directory: compiles the given sources and adds service files. */
final class PluginJars {

    private PluginJars() {}

    /**
     * @param dir a temporary directory
     * @param jarName file name of the jar
     * @param sources fully qualified class name to Java source
     * @param services service interface name to the lines of its service file
     * @return the jar
     */
    static Path build(Path dir, String jarName, Map<String, String> sources, Map<String, List<String>> services)
            throws IOException {
        Path src = Files.createTempDirectory(dir, "src");
        Path classes = Files.createTempDirectory(dir, "classes");
        List<String> args = new ArrayList<>(List.of("--release", "17", "-d", classes.toString(), "-cp", classPath()));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        int rc = javac.run(null, null, new java.io.PrintStream(OutputStream.nullOutputStream()) {
            @Override
            public void write(byte[] b, int off, int len) {
                errors.write(new String(b, off, len, StandardCharsets.UTF_8));
            }
        }, args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("test plugin did not compile: " + errors);
        }
        Path jar = dir.resolve(jarName);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
            for (Map.Entry<String, List<String>> s : services.entrySet()) {
                out.putNextEntry(new JarEntry("META-INF/services/" + s.getKey()));
                out.write((String.join("\n", s.getValue()) + "\n").getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    private static String classPath() {
        return String.join(java.io.File.pathSeparator, locationOf(PluginProvider.class), locationOf(GreeterProvider.class),
                locationOf(org.apiguardian.api.API.class), locationOf(com.google.inject.AbstractModule.class));
    }

    private static String locationOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Source of a greeter provider class with the given name and constructor body. */
    static String greeter(String fqcn, String name, String constructorBody) {
        int dot = fqcn.lastIndexOf('.');
        String pkg = fqcn.substring(0, dot);
        String simple = fqcn.substring(dot + 1);
        return "package " + pkg + ";\n"
                + "import dev.heed.core.plugin.fake.*;\n"
                + "import dev.heed.core.spi.Options;\n"
                + "public final class " + simple + " implements GreeterProvider {\n"
                + "  public " + simple + "() { " + constructorBody + " }\n"
                + "  public String name() { return \"" + name + "\"; }\n"
                + "  public String description() { return \"from a jar\"; }\n"
                + "  public Greeter create(Options o) { return who -> \"" + simple + " \" + who; }\n"
                + "}\n";
    }
}
