package dev.heed.core.plugin;

import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.MembersInjector;
import com.google.inject.Module;
import com.google.inject.Scopes;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.util.Types;
import dev.heed.core.spi.PluginModule;
import dev.heed.core.spi.PluginProvider;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * Guice wiring for plugins: every kind is a {@code MapBinder<String, P>} keyed by provider name.
 *
 * <p>An SPI module contributes its kind with {@link #of(PluginRegistry)} (everything discovered,
 * built-ins included, since they are registered through {@code META-INF/services} like any plugin)
 * and may add explicit entries with {@link #mapBinder(Binder, Class)}. Plugin jars may ship a
 * {@link PluginModule}; {@link #pluginModules(ClassLoader)} installs all of them.
 *
 * <p>Discovered providers are bound in singleton scope to a fresh instance made the way
 * {@link java.util.ServiceLoader} makes it (so it works for provider classes in packages a named
 * module does not export), with their {@code @Inject} members injected: each injector has its own
 * instances, and two injectors in one JVM never share provider state. Providers given as
 * instances to {@link PluginRegistry#of} are bound to those instances.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(
 *         PluginBindings.of(PluginRegistry.load(SimilarityProvider.class)),
 *         PluginBindings.pluginModules(Thread.currentThread().getContextClassLoader()));
 * Map<String, SimilarityProvider> sims = injector.getInstance(PluginBindings.mapKey(SimilarityProvider.class));
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class PluginBindings {

    private PluginBindings() {}

    /**
     * @param binder the binder of the module being configured
     * @param type the provider interface
     * @param <P> the provider interface
     * @return the map binder for {@code type}, keyed by provider name
     */
    public static <P extends PluginProvider<?>> MapBinder<String, P> mapBinder(Binder binder, Class<P> type) {
        return MapBinder.newMapBinder(binder, String.class, type);
    }

    /**
     * @param type the provider interface
     * @param <P> the provider interface
     * @return the key of the injected {@code Map<String, P>}
     */
    @SuppressWarnings("unchecked") // Types.mapOf builds exactly Map<String, P>
    public static <P extends PluginProvider<?>> Key<Map<String, P>> mapKey(Class<P> type) {
        return (Key<Map<String, P>>) Key.get(Types.mapOf(String.class, type));
    }

    /**
     * A module binding every usable provider of the registry into the kind's map. Names claimed by
     * several providers without a pin are configuration errors (Guice reports them when the
     * injector is created), so there is never a silent winner.
     *
     * @param registry the providers of one kind
     * @param <P> the provider interface
     * @return the module
     */
    public static <P extends PluginProvider<?>> Module of(PluginRegistry<P> registry) {
        return new RegistryModule<>(registry);
    }

    /**
     * Shorthand for {@code of(PluginRegistry.load(type, loader))}: the module an SPI contributes for
     * its kind.
     *
     * @param type the provider interface
     * @param loader the class loader to search; null means the system class loader
     * @param <P> the provider interface
     * @return the module
     */
    public static <P extends PluginProvider<?>> Module discover(Class<P> type, ClassLoader loader) {
        return of(PluginRegistry.load(type, loader));
    }

    /**
     * Builds a registry over the providers an injector holds for {@code type}, e.g. to resolve the
     * names in a stack spec with the injector's (member-injected) instances.
     *
     * @param injector an injector that includes {@link #of} or {@link #mapBinder} for {@code type}
     * @param type the provider interface
     * @param <P> the provider interface
     * @return a registry over the injected providers
     */
    public static <P extends PluginProvider<?>> PluginRegistry<P> registry(Injector injector, Class<P> type) {
        return PluginRegistry.of(type, injector.getInstance(mapKey(type)).values());
    }

    /**
     * A module installing every {@link PluginModule} that {@link java.util.ServiceLoader} finds.
     * Modules that fail to load are logged and skipped; {@link #pluginModuleFailures} lists them.
     *
     * @param loader the class loader to search; null means the system class loader
     * @return the combined module; install it once per injector
     */
    public static Module pluginModules(ClassLoader loader) {
        ServiceScan.Result<PluginModule> scan = ServiceScan.load(PluginModule.class, loader, "plugin-module");
        for (PluginLoadFailure f : scan.failures()) {
            System.getLogger(PluginBindings.class.getName()).log(System.Logger.Level.WARNING, f.describe());
        }
        List<Module> modules = scan.found().stream().map(f -> (Module) f.instance()).toList();
        return binder -> modules.forEach(binder::install);
    }

    /**
     * @param loader the class loader to search; null means the system class loader
     * @return the {@link PluginModule}s that failed to load, with class and jar
     */
    public static List<PluginLoadFailure> pluginModuleFailures(ClassLoader loader) {
        return ServiceScan.load(PluginModule.class, loader, "plugin-module").failures();
    }

    /**
     * A Guice provider making a new instance the way ServiceLoader does, then injecting its
     * {@code @Inject} members. Guice does not construct the class itself: on the module path a
     * provider's package is usually not exported (only {@code provides} names it), and Guice's
     * generated constructor accessor could not reach it.
     */
    private static <P, T extends P> com.google.inject.Provider<P> fresh(Binder binder, Class<T> type,
                                                                        Supplier<? extends P> factory) {
        MembersInjector<T> members = binder.getMembersInjector(type);
        return () -> {
            T instance = type.cast(factory.get());
            members.injectMembers(instance);
            return instance;
        };
    }

    private static final class RegistryModule<P extends PluginProvider<?>> extends AbstractModule {
        private final PluginRegistry<P> registry;

        RegistryModule(PluginRegistry<P> registry) {
            this.registry = registry;
        }

        @Override
        protected void configure() {
            MapBinder<String, P> map = mapBinder(binder(), registry.type());
            for (Map.Entry<String, PluginRegistry.Entry<P>> e : registry.usableEntries().entrySet()) {
                PluginRegistry.Entry<P> entry = e.getValue();
                if (entry.discovered()) {
                    map.addBinding(e.getKey()).toProvider(fresh(binder(), entry.implementation(), entry.factory()))
                            .in(Scopes.SINGLETON);
                } else {
                    map.addBinding(e.getKey()).toInstance(entry.provider());
                }
            }
            for (String name : registry.conflicts()) {
                try {
                    registry.get(name);
                } catch (PluginConflictException conflict) {
                    addError(new com.google.inject.spi.Message(conflict.getMessage()));
                }
            }
        }
    }
}
