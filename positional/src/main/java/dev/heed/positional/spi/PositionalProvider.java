package dev.heed.positional.spi;

import dev.heed.core.spi.PluginProvider;
import org.apiguardian.api.API;

/**
 * The positional-scheme plugin kind. Register implementations in
 * {@code META-INF/services/dev.heed.positional.spi.PositionalProvider}; the built-ins
 * ({@code none}, {@code sinusoidal}, {@code learned}, {@code relative-key}, {@code relative-bias})
 * are registered the same way.
 *
 * <p>{@link #create(dev.heed.core.spi.Options)} receives validated options and returns a
 * {@link PositionalFactory}; the model then calls {@link PositionalFactory#create} with its
 * dimensions. See {@link PositionalScheme} for what a scheme may do and the general
 * {@link PluginProvider} contract (kebab-case stable name, public no-argument constructor,
 * thread safety, no static state).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface PositionalProvider extends PluginProvider<PositionalFactory> {}
