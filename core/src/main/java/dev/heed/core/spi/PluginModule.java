package dev.heed.core.spi;

import com.google.inject.Module;
import org.apiguardian.api.API;

/**
 * A Guice module that a plugin jar ships to bind the collaborators its providers need.
 *
 * <p>Register the implementation in {@code META-INF/services/dev.heed.core.spi.PluginModule}; it
 * must have a public no-argument constructor. {@code PluginBindings.pluginModules(ClassLoader)}
 * installs every module found this way into the injector, and the providers of the plugin (which
 * Guice constructs, one per injector) then receive those collaborators through {@code @Inject}
 * fields or methods. A module is installed once per injector, so it must not keep state in static
 * fields.
 *
 * <pre>{@code
 * public final class AcmeModule extends AbstractModule implements PluginModule {
 *     protected void configure() { bind(AcmeTokenizer.class).to(FastAcmeTokenizer.class); }
 * }
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface PluginModule extends Module {}
