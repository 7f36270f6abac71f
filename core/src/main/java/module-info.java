/**
 * Heed core: tensors, autograd, layers, optimizers, checkpoints and the plugin registry that every
 * SPI module uses.
 *
 * <p>The Vector API kernels ({@code jdk.incubator.vector}) are optional and not declared here:
 * javac 17 always warns about incubator modules in the module graph, and that warning cannot be
 * suppressed under {@code -Werror}. The kernel loader adds the read edge at run time when the JVM
 * was started with {@code --add-modules jdk.incubator.vector}.
 *
 * <p>commons-math3 has no {@code Automatic-Module-Name}; its automatic name {@code commons.math3}
 * comes from the jar file name. It is used only inside the implementation.
 */
module dev.heed.core {
    requires static transitive org.apiguardian.api;
    // Guice types (Module, MapBinder, Key) and Jackson trees (JsonNode) appear in the public API.
    requires transitive com.google.guice;
    // Guice is an automatic module, so it cannot require jakarta.inject (an explicit module) for
    // its users; its API extends jakarta.inject.Provider, and plugins use jakarta.inject.Inject.
    requires transitive jakarta.inject;
    requires transitive com.fasterxml.jackson.databind;
    requires commons.math3;

    exports dev.heed.core;
    exports dev.heed.core.checkpoint;
    exports dev.heed.core.io;
    exports dev.heed.core.nn;
    exports dev.heed.core.nn.init;
    exports dev.heed.core.optim;
    exports dev.heed.core.plugin;
    exports dev.heed.core.spi;

    // Plugin jars may contribute Guice modules (PluginBindings.pluginModules).
    uses dev.heed.core.spi.PluginModule;
}
