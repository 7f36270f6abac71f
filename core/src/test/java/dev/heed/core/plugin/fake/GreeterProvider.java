package dev.heed.core.plugin.fake;

import dev.heed.core.spi.PluginProvider;

/** Test-only plugin kind, registered through src/test/resources/META-INF/services. */
public interface GreeterProvider extends PluginProvider<Greeter> {}
