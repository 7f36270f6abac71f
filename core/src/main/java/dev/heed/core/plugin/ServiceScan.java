package dev.heed.core.plugin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Spliterator;
import java.util.function.Supplier;

/**
 * Runs {@link ServiceLoader} so that one broken provider never hides the others: each failure is
 * turned into a {@link PluginLoadFailure} naming the class and the jar that listed it.
 */
final class ServiceScan {

    /** Upper bound on loop turns, in case a broken loader keeps failing without advancing. */
    private static final int MAX_TURNS = 100_000;

    private ServiceScan() {}

    /**
     * A loaded provider. {@code factory} creates further instances the way ServiceLoader does; on
     * the module path it is the only way to instantiate a provider whose package is not exported.
     */
    record Found<S>(S instance, Class<? extends S> type, String location, Supplier<? extends S> factory) {}

    record Result<S>(List<Found<S>> found, List<PluginLoadFailure> failures) {}

    static <S> Result<S> load(Class<S> service, ClassLoader loader, String kind) {
        List<Found<S>> found = new ArrayList<>();
        List<PluginLoadFailure> failures = new ArrayList<>();
        // On the module path ServiceLoader requires the calling module (dev.heed.core) to declare
        // `uses` for the service; core cannot name the SPIs of the modules above it, so the
        // dependence is added here (a no-op in the unnamed module, i.e. on the class path).
        ServiceScan.class.getModule().addUses(service);
        Spliterator<ServiceLoader.Provider<S>> providers = ServiceLoader.load(service, loader).stream().spliterator();
        Map<String, String> listed = null;
        for (int turn = 0; turn < MAX_TURNS; turn++) {
            List<ServiceLoader.Provider<S>> next = new ArrayList<>(1);
            try {
                if (!providers.tryAdvance(next::add)) {
                    break;
                }
            } catch (ServiceConfigurationError | LinkageError e) {
                if (listed == null) {
                    listed = listedClasses(service, loader);
                }
                failures.add(attribute(kind, e, listed));
                continue;
            }
            ServiceLoader.Provider<S> p = next.get(0);
            Class<? extends S> type = p.type();
            try {
                found.add(new Found<>(p.get(), type, location(type), p));
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                failures.add(new PluginLoadFailure(kind, type.getName(), location(type),
                        "could not be instantiated: " + summary(cause), cause));
            }
        }
        return new Result<>(found, failures);
    }

    /** A failure before the class was available: find which listed class the error is about. */
    private static PluginLoadFailure attribute(String kind, Throwable e, Map<String, String> listed) {
        String message = String.valueOf(e.getMessage());
        String best = null;
        for (String cn : listed.keySet()) {
            if (message.contains(cn) && (best == null || cn.length() > best.length())) {
                best = cn;
            }
        }
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String detail = summary(e) + (e.getCause() != null ? " (cause: " + summary(e.getCause()) + ")" : "");
        return new PluginLoadFailure(kind, best == null ? "?" : best, best == null ? "?" : listed.get(best), detail,
                cause);
    }

    static String summary(Throwable t) {
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /** Class name to the jar or directory whose service file lists it. */
    private static Map<String, String> listedClasses(Class<?> service, ClassLoader loader) {
        Map<String, String> listed = new LinkedHashMap<>();
        String resource = "META-INF/services/" + service.getName();
        try {
            Enumeration<URL> urls = loader == null ? ClassLoader.getSystemResources(resource) : loader.getResources(resource);
            while (urls.hasMoreElements()) {
                URL url = urls.nextElement();
                try (BufferedReader r = new BufferedReader(new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        int hash = line.indexOf('#');
                        String cn = (hash >= 0 ? line.substring(0, hash) : line).trim();
                        if (!cn.isEmpty()) {
                            listed.putIfAbsent(cn, container(url, resource));
                        }
                    }
                }
            }
        } catch (IOException e) {
            // Attribution is best effort: the failure is still reported, with "?" for the jar.
            return listed;
        }
        return listed;
    }

    /** {@code jar:file:/x/a.jar!/META-INF/...} to {@code /x/a.jar}; {@code file:/x/classes/META-INF/...} to {@code /x/classes}. */
    private static String container(URL url, String resource) {
        String s = url.toString();
        if (s.startsWith("jar:")) {
            int bang = s.indexOf("!/");
            return pathOf(s.substring(4, bang < 0 ? s.length() : bang));
        }
        if (s.endsWith(resource)) {
            return pathOf(s.substring(0, s.length() - resource.length() - 1));
        }
        return s;
    }

    private static String pathOf(String url) {
        try {
            URI uri = new URI(url);
            return "file".equals(uri.getScheme()) ? Path.of(uri).toString() : url;
        } catch (URISyntaxException | IllegalArgumentException e) {
            return url;
        }
    }

    /** The jar or directory a class was loaded from, as a file path when it is a file. */
    static String location(Class<?> type) {
        CodeSource cs = type.getProtectionDomain().getCodeSource();
        if (cs == null || cs.getLocation() == null) {
            Module m = type.getModule();
            return m.isNamed() ? "module " + m.getName() : "unknown location";
        }
        return pathOf(cs.getLocation().toString());
    }
}
