package dev.heed.core.plugin.fake;

import dev.heed.core.spi.PluginProvider;

/** A second test-only plugin kind, to show registries of different kinds stay apart. */
public interface ScorerProvider extends PluginProvider<Scorer> {}
