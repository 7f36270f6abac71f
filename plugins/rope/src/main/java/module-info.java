/** Heed plugin: rotary position embeddings ({@code rope}). */
module dev.heed.plugin.rope {
    requires static transitive org.apiguardian.api;
    requires transitive dev.heed.positional;

    exports dev.heed.plugin.rope;

    provides dev.heed.positional.spi.PositionalProvider with dev.heed.plugin.rope.RopeProvider;
}
