package dev.heed.testkit.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.heed.core.spi.PluginProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * ArchUnit rules for plugin jars, Heed's own built-ins and third-party plugins alike:
 * <ul>
 *   <li>{@link #usesOnlyApiAndSpi(String...)}: the plugin's classes use Heed only through its
 *       {@code api} and {@code spi} packages (never {@code ..internal..}, never the testkit, CLI or
 *       benchmarks);
 *   <li>{@link #PROVIDERS_ARE_REGISTERED}: every concrete {@link PluginProvider} is listed in
 *       {@code META-INF/services/<its SPI interface>};
 *   <li>{@link #PROVIDER_NAMES_ARE_KEBAB_CASE_AND_UNIQUE}: each provider's {@code name()} is
 *       kebab-case and no two providers of one kind share it.
 * </ul>
 *
 * <pre>{@code
 * JavaClasses mine = new ClassFileImporter().withImportOption(DO_NOT_INCLUDE_TESTS).importPackages("com.acme");
 * HeedArchitecture.checkAll(PluginRules.all("com.acme.."), mine);
 * }</pre>
 *
 * <p>The provider rules load and instantiate the provider classes (public no-argument constructor,
 * as ServiceLoader requires) with the context class loader of the calling thread.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class PluginRules {

    private static final Pattern KEBAB = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    private PluginRules() {}

    /**
     * @param packages the plugin's packages in ArchUnit syntax, e.g. {@code "com.acme.heed.."}
     * @return a rule: those classes do not use Heed's internal packages, testkit, CLI or benchmarks
     */
    public static ArchRule usesOnlyApiAndSpi(String... packages) {
        DescribedPredicate<JavaClass> nonApi = DescribedPredicate.describe(
                "are Heed classes outside the api/spi packages (..internal.., dev.heed.testkit, dev.heed.cli, dev.heed.bench)",
                c -> {
                    String p = c.getBaseComponentType().getPackageName();
                    if (!p.startsWith("dev.heed.")) {
                        return false;
                    }
                    boolean ownPlugin = false;
                    for (String pkg : packages) {
                        String root = pkg.endsWith("..") ? pkg.substring(0, pkg.length() - 2) : pkg;
                        ownPlugin |= p.equals(root) || p.startsWith(root + ".");
                    }
                    if (ownPlugin) {
                        return false;
                    }
                    boolean internal = p.contains(".internal.") || p.endsWith(".internal");
                    return internal || HeedModule.TESTKIT.contains(p) || HeedModule.CLI.contains(p)
                            || HeedModule.BENCH.contains(p);
                });
        return noClasses().that().resideInAnyPackage(packages)
                .should().dependOnClassesThat(nonApi)
                .because("plugins are built only against Heed's public api and spi packages, exactly as a third party would")
                .allowEmptyShould(true);
    }

    private static DescribedPredicate<JavaClass> concreteProviders() {
        return DescribedPredicate.describe("are concrete PluginProvider implementations",
                c -> c.isAssignableTo(PluginProvider.class) && !c.isInterface()
                        && !c.getModifiers().contains(JavaModifier.ABSTRACT));
    }

    /** The SPI interfaces (sub-interfaces of PluginProvider, or PluginProvider itself) a class implements. */
    private static Set<Class<?>> kindsOf(Class<?> type) {
        Set<Class<?>> kinds = new LinkedHashSet<>();
        List<Class<?>> todo = new ArrayList<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            todo.addAll(List.of(c.getInterfaces()));
        }
        while (!todo.isEmpty()) {
            Class<?> i = todo.remove(todo.size() - 1);
            if (PluginProvider.class.isAssignableFrom(i) && kinds.add(i)) {
                todo.addAll(List.of(i.getInterfaces()));
            }
        }
        return kinds;
    }

    private static ClassLoader loader() {
        ClassLoader l = Thread.currentThread().getContextClassLoader();
        return l != null ? l : PluginRules.class.getClassLoader();
    }

    private static Class<?> load(JavaClass c) throws ClassNotFoundException {
        return Class.forName(c.getName(), false, loader());
    }

    private static Set<String> listed(Class<?> kind) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        Enumeration<URL> urls = loader().getResources("META-INF/services/" + kind.getName());
        while (urls.hasMoreElements()) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(urls.nextElement().openStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    int hash = line.indexOf('#');
                    String cn = (hash >= 0 ? line.substring(0, hash) : line).trim();
                    if (!cn.isEmpty()) {
                        names.add(cn);
                    }
                }
            }
        }
        return names;
    }

    private static final ArchCondition<JavaClass> BE_REGISTERED =
            new ArchCondition<>("be listed in META-INF/services/<SPI interface>") {
                @Override
                public void check(JavaClass c, ConditionEvents events) {
                    try {
                        Set<Class<?>> kinds = kindsOf(load(c));
                        for (Class<?> kind : kinds) {
                            if (listed(kind).contains(c.getName())) {
                                return;
                            }
                        }
                        String kind = kinds.stream().filter(k -> k != PluginProvider.class).findFirst()
                                .orElse(PluginProvider.class).getName();
                        events.add(SimpleConditionEvent.violated(c, c.getName() + " is not registered: add the line '"
                                + c.getName() + "' to META-INF/services/" + kind));
                    } catch (ClassNotFoundException | IOException | LinkageError e) {
                        events.add(SimpleConditionEvent.violated(c, c.getName() + " could not be checked: " + e));
                    }
                }
            };

    /** Every concrete provider class is registered for ServiceLoader under one of its SPI interfaces. */
    public static final ArchRule PROVIDERS_ARE_REGISTERED = classes()
            .that(concreteProviders())
            .should(BE_REGISTERED)
            .because("ServiceLoader finds only registered providers; an unregistered one is silently missing")
            .allowEmptyShould(true);

    /** Checks each provider's name and, once all are seen, reports names shared within one kind. */
    private static final class KebabUnique extends ArchCondition<JavaClass> {
        private final Map<String, List<String>> classesByKindAndName = new LinkedHashMap<>();

        KebabUnique() {
            super("have a kebab-case name() that no other provider of the same kind uses");
        }

        @Override
        public void init(Collection<JavaClass> all) {
            classesByKindAndName.clear();
        }

        @Override
        public void check(JavaClass c, ConditionEvents events) {
            String name;
            Class<?> type;
            try {
                type = load(c);
                PluginProvider<?> p = (PluginProvider<?>) type.getConstructor().newInstance();
                name = p.name();
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
                events.add(SimpleConditionEvent.violated(c, c.getName()
                        + " could not be instantiated with its public no-argument constructor: " + cause));
                return;
            }
            if (name == null || !KEBAB.matcher(name).matches()) {
                events.add(SimpleConditionEvent.violated(c, c.getName() + ".name() returns "
                        + (name == null ? "null" : "'" + name + "'")
                        + ", which is not kebab-case (lower-case letters and digits joined by single hyphens)"));
            }
            for (Class<?> kind : kindsOf(type)) {
                if (kind != PluginProvider.class) {
                    classesByKindAndName.computeIfAbsent(kind.getName() + " '" + name + "'", k -> new ArrayList<>())
                            .add(c.getName());
                }
            }
        }

        @Override
        public void finish(ConditionEvents events) {
            classesByKindAndName.forEach((kindAndName, names) -> {
                if (names.size() > 1) {
                    events.add(SimpleConditionEvent.violated(names, "provider name " + kindAndName
                            + " is used by " + names.size() + " classes: " + String.join(", ", names)));
                }
            });
        }
    }

    /**
     * Every concrete provider's {@code name()} is kebab-case and unique within its kind. The
     * uniqueness bookkeeping is reset at the start of each evaluation; do not evaluate this rule
     * from several threads at once.
     */
    public static final ArchRule PROVIDER_NAMES_ARE_KEBAB_CASE_AND_UNIQUE = classes()
            .that(concreteProviders())
            .should(new KebabUnique())
            .because("stack specs, saved models and the registry select providers by this name")
            .allowEmptyShould(true);

    /**
     * @param packages the plugin's packages in ArchUnit syntax, e.g. {@code "com.acme.heed.."}
     * @return all plugin rules for those packages
     */
    public static List<ArchRule> all(String... packages) {
        return List.of(usesOnlyApiAndSpi(packages), PROVIDERS_ARE_REGISTERED, PROVIDER_NAMES_ARE_KEBAB_CASE_AND_UNIQUE);
    }
}
