package dev.heed.core.plugin.fake;

import com.google.inject.AbstractModule;
import dev.heed.core.spi.PluginModule;

/** The fake plugin's own Guice module, found through META-INF/services. */
public final class FakePluginModule extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        bind(Salutation.class).toInstance(() -> "ahoy");
    }
}
