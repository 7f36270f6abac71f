package dev.heed.core.plugin;

import dev.heed.core.Suggestions;
import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.PluginProvider;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apiguardian.api.API;

/**
 * The providers of one plugin kind, selectable by name.
 *
 * <p>Discovery uses {@link java.util.ServiceLoader}; Heed's built-ins are registered exactly like
 * third-party plugins. The failure rules:
 * <ul>
 *   <li>a provider that cannot be loaded or breaks the contract (name not kebab-case, blank or
 *       multi-line description, duplicate option names) is recorded in {@link #failures()} with its
 *       class and jar, logged as a warning, and the others stay usable;
 *   <li>two providers claiming one name make {@link #get(String)} of that name fail with a
 *       {@link PluginConflictException} naming both classes and jars, until one is chosen with
 *       {@link #pin(String, String)}; other names stay usable;
 *   <li>an unknown name fails with an {@link UnknownPluginException} listing the available names
 *       and the closest match.
 * </ul>
 *
 * <p>Immutable and thread-safe; {@link #pin} returns a new registry. There is no global registry:
 * each call to {@link #load} scans again and creates fresh provider instances.
 *
 * <pre>{@code
 * PluginRegistry<SimilarityProvider> sims = PluginRegistry.load(SimilarityProvider.class);
 * SimilarityProvider p = sims.get("cosine");
 * Similarity s = p.create(Options.of(p, Map.of("scale", 2.0)));   // Options from dev.heed.core.spi
 * }</pre>
 *
 * @param <P> the provider interface of this kind
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class PluginRegistry<P extends PluginProvider<?>> {

    private static final Pattern KEBAB = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final System.Logger LOG = System.getLogger(PluginRegistry.class.getName());

    private final Class<P> type;
    private final String kind;
    /** Name to candidates in discovery order. */
    private final Map<String, List<Entry<P>>> byName;
    private final List<PluginLoadFailure> failures;
    /** Name to pinned class name. */
    private final Map<String, String> pins;

    private PluginRegistry(Class<P> type, String kind, Map<String, List<Entry<P>>> byName,
                           List<PluginLoadFailure> failures, Map<String, String> pins) {
        this.type = type;
        this.kind = kind;
        this.byName = byName;
        this.failures = failures;
        this.pins = pins;
    }

    /** One usable provider and where it came from. */
    /** {@code factory} makes fresh instances of a discovered provider; null for given instances. */
    record Entry<P>(P provider, Class<? extends P> implementation, String location, Supplier<? extends P> factory) {

        boolean discovered() {
            return factory != null;
        }
    }

    /**
     * Discovers the providers of {@code type} with the thread's context class loader (or the
     * loader of {@code type} when there is none).
     *
     * @param type the provider interface, e.g. {@code SimilarityProvider.class}
     * @param <P> the provider interface
     * @return a registry of everything found; never fails because of a broken provider
     */
    public static <P extends PluginProvider<?>> PluginRegistry<P> load(Class<P> type) {
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        return load(type, tccl != null ? tccl : type.getClassLoader());
    }

    /**
     * Discovers the providers of {@code type} visible to {@code loader}, e.g. a
     * {@link java.net.URLClassLoader} over a plugin directory.
     *
     * @param type the provider interface
     * @param loader the class loader to search; null means the system class loader
     * @param <P> the provider interface
     * @return a registry of everything found
     */
    public static <P extends PluginProvider<?>> PluginRegistry<P> load(Class<P> type, ClassLoader loader) {
        String kind = kindOf(type);
        ServiceScan.Result<P> scan = ServiceScan.load(type, loader, kind);
        List<Entry<P>> entries = new ArrayList<>();
        for (ServiceScan.Found<P> f : scan.found()) {
            entries.add(new Entry<>(f.instance(), f.type(), f.location(), f.factory()));
        }
        return build(type, kind, entries, new ArrayList<>(scan.failures()));
    }

    /**
     * A registry over given provider instances (tests, programmatic registration, or the map an
     * injector built). The same contract checks apply as for discovered providers.
     *
     * @param type the provider interface
     * @param providers the providers
     * @param <P> the provider interface
     * @return a registry of those providers
     */
    public static <P extends PluginProvider<?>> PluginRegistry<P> of(Class<P> type, Collection<? extends P> providers) {
        String kind = kindOf(type);
        List<Entry<P>> entries = new ArrayList<>();
        for (P p : providers) {
            Class<? extends P> impl = p.getClass().asSubclass(type);
            entries.add(new Entry<>(p, impl, ServiceScan.location(impl), null));
        }
        return build(type, kind, entries, new ArrayList<>());
    }

    private static <P extends PluginProvider<?>> PluginRegistry<P> build(Class<P> type, String kind,
                                                                        List<Entry<P>> entries,
                                                                        List<PluginLoadFailure> failures) {
        Map<String, List<Entry<P>>> byName = new TreeMap<>();
        for (Entry<P> e : entries) {
            String problem;
            String name = null;
            try {
                name = e.provider().name();
                problem = contractProblem(e.provider(), name);
            } catch (RuntimeException | LinkageError t) {
                problem = "threw while describing itself: " + ServiceScan.summary(t);
            }
            if (problem != null) {
                failures.add(new PluginLoadFailure(kind, e.implementation().getName(), e.location(), problem, null));
                continue;
            }
            byName.computeIfAbsent(name, n -> new ArrayList<>()).add(e);
        }
        for (PluginLoadFailure f : failures) {
            LOG.log(System.Logger.Level.WARNING, f.describe());
        }
        Map<String, List<Entry<P>>> frozen = new TreeMap<>();
        byName.forEach((n, list) -> frozen.put(n, List.copyOf(list)));
        return new PluginRegistry<>(type, kind, Collections.unmodifiableMap(frozen), List.copyOf(failures), Map.of());
    }

    private static String contractProblem(PluginProvider<?> p, String name) {
        if (name == null || !KEBAB.matcher(name).matches()) {
            return "name " + (name == null ? "null" : "'" + name + "'")
                    + " is not kebab-case (lower-case letters and digits separated by single hyphens, e.g. 'scaled-dot')";
        }
        String d = p.description();
        if (d == null || d.isBlank() || d.contains("\n")) {
            return "provider '" + name + "': description must be one non-blank line, got "
                    + (d == null ? "null" : "\"" + d + "\"");
        }
        List<OptionSpec> options = p.options();
        if (options == null) {
            return "provider '" + name + "': options() returned null; return List.of() for no options";
        }
        Set<String> seen = new HashSet<>();
        for (OptionSpec o : options) {
            if (!seen.add(o.name())) {
                return "provider '" + name + "' declares option '" + o.name() + "' twice";
            }
        }
        return null;
    }

    /**
     * The kind label derived from the interface name: {@code SimilarityProvider} to
     * {@code similarity}, {@code PolicyOptimizerProvider} to {@code policy-optimizer}.
     */
    static String kindOf(Class<?> type) {
        String simple = type.getSimpleName();
        if (simple.endsWith("Provider") && simple.length() > "Provider".length()) {
            simple = simple.substring(0, simple.length() - "Provider".length());
        }
        return simple.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** @return the provider interface */
    public Class<P> type() {
        return type;
    }

    /** @return the kind label used in messages and listings, e.g. {@code "similarity"} */
    public String kind() {
        return kind;
    }

    /**
     * Chooses one of several providers that claim the same name.
     *
     * @param name a name with at least one provider
     * @param className the fully qualified class to use for it
     * @return a new registry with the pin; this one is unchanged
     * @throws UnknownPluginException if no provider has {@code name}
     * @throws IllegalArgumentException if {@code className} does not provide {@code name}, listing the classes that do
     */
    public PluginRegistry<P> pin(String name, String className) {
        List<Entry<P>> candidates = candidates(name);
        boolean present = candidates.stream().anyMatch(e -> e.implementation().getName().equals(className));
        if (!present) {
            throw new IllegalArgumentException("pin(" + name + ", " + className + "): " + className + " does not provide "
                    + kind + " '" + name + "'; the classes that do: " + describe(candidates));
        }
        Map<String, String> newPins = new LinkedHashMap<>(pins);
        newPins.put(name, className);
        return new PluginRegistry<>(type, kind, byName, failures, Collections.unmodifiableMap(newPins));
    }

    /**
     * @param name a provider name
     * @return the provider selected by that name
     * @throws UnknownPluginException if no provider has the name
     * @throws PluginConflictException if several have it and none is pinned
     */
    public P get(String name) {
        return resolve(name).provider();
    }

    Entry<P> resolve(String name) {
        Objects.requireNonNull(name, "name");
        List<Entry<P>> candidates = candidates(name);
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        String pinned = pins.get(name);
        if (pinned != null) {
            for (Entry<P> e : candidates) {
                if (e.implementation().getName().equals(pinned)) {
                    return e;
                }
            }
        }
        List<String> classes = candidates.stream().map(e -> e.implementation().getName()).collect(Collectors.toList());
        throw new PluginConflictException(kind, name, classes, kind + " provider name '" + name + "' is claimed by "
                + candidates.size() + " classes: " + describe(candidates)
                + "; remove one of these jars from the class path, or pin one with registry.pin(\"" + name + "\", \""
                + classes.get(0) + "\")");
    }

    private List<Entry<P>> candidates(String name) {
        List<Entry<P>> candidates = byName.get(name);
        if (candidates == null) {
            List<String> available = new ArrayList<>(byName.keySet());
            String closest = Suggestions.closest(name, available).orElse(null);
            StringBuilder m = new StringBuilder("unknown " + kind + " provider '" + name + "'; available: ");
            m.append(available.isEmpty() ? "none" : String.join(", ", available));
            if (closest != null) {
                m.append("; did you mean '").append(closest).append("'?");
            }
            if (!failures.isEmpty()) {
                m.append(" (").append(failures.size()).append(" ").append(kind)
                        .append(" provider(s) failed to load: ")
                        .append(failures.stream().map(f -> f.className() + " from " + f.location())
                                .collect(Collectors.joining(", ")))
                        .append("; see PluginRegistry.failures() or 'heed plugins')");
            }
            throw new UnknownPluginException(kind, name, available, closest, m.toString());
        }
        return candidates;
    }

    private static String describe(List<? extends Entry<?>> entries) {
        return entries.stream().map(e -> e.implementation().getName() + " (from " + e.location() + ")")
                .collect(Collectors.joining(", "));
    }

    /** @return true if {@code name} has at least one provider (even a conflicting one) */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** @return every provided name, sorted, including conflicting ones */
    public Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(byName.keySet()));
    }

    /** @return the names selectable without error: unique or pinned, sorted */
    public Set<String> usableNames() {
        Set<String> usable = new TreeSet<>();
        byName.forEach((n, list) -> {
            if (list.size() == 1 || pins.containsKey(n)) {
                usable.add(n);
            }
        });
        return Collections.unmodifiableSet(usable);
    }

    /** @return the providers selectable without error, in name order */
    public List<P> providers() {
        List<P> out = new ArrayList<>();
        for (String n : usableNames()) {
            out.add(get(n));
        }
        return out;
    }

    /** @return usable name to implementation class, for bindings */
    Map<String, Entry<P>> usableEntries() {
        Map<String, Entry<P>> out = new TreeMap<>();
        for (String n : usableNames()) {
            out.put(n, resolve(n));
        }
        return out;
    }

    /** @return names claimed by several providers with no pin, sorted */
    public Set<String> conflicts() {
        Set<String> names = new TreeSet<>(byName.keySet());
        names.removeAll(usableNames());
        return Collections.unmodifiableSet(names);
    }

    /** @return the providers that failed to load or broke the contract, in discovery order */
    public List<PluginLoadFailure> failures() {
        return failures;
    }

    /**
     * Everything found, for {@code heed plugins}: one row per provider, including conflicting and
     * shadowed ones, sorted by name then class.
     *
     * @return the listing
     */
    public List<PluginInfo> list() {
        List<PluginInfo> out = new ArrayList<>();
        byName.forEach((n, list) -> {
            String pinned = pins.get(n);
            for (Entry<P> e : list) {
                PluginInfo.Status status;
                if (list.size() == 1) {
                    status = PluginInfo.Status.ACTIVE;
                } else if (pinned == null) {
                    status = PluginInfo.Status.CONFLICT;
                } else {
                    status = pinned.equals(e.implementation().getName())
                            ? PluginInfo.Status.PINNED : PluginInfo.Status.SHADOWED;
                }
                out.add(new PluginInfo(kind, n, e.provider().description(), e.implementation().getName(),
                        e.location(), e.provider().options(), status));
            }
        });
        out.sort((a, b) -> a.name().equals(b.name()) ? a.className().compareTo(b.className())
                : a.name().compareTo(b.name()));
        return out;
    }

    /** @return e.g. {@code PluginRegistry[similarity: cosine, dot; 1 failure]} */
    @Override
    public String toString() {
        return "PluginRegistry[" + kind + ": " + String.join(", ", byName.keySet())
                + (failures.isEmpty() ? "" : "; " + failures.size() + " failure(s)") + "]";
    }
}
