/** Heed plugin: attention with linear biases ({@code alibi}). */
module dev.heed.plugin.alibi {
    requires static transitive org.apiguardian.api;
    requires transitive dev.heed.positional;

    exports dev.heed.plugin.alibi;

    provides dev.heed.positional.spi.PositionalProvider with dev.heed.plugin.alibi.AlibiProvider;
}
