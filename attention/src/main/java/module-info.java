/**
 * Heed attention: multi-head attention, transformer models and tasks, the
 * {@code SimilarityProvider} SPI and the built-in similarity functions ({@code dot},
 * {@code scaled-dot}, {@code cosine}, {@code additive}).
 */
module dev.heed.attention {
    requires static transitive org.apiguardian.api;
    requires transitive dev.heed.core;
    requires transitive dev.heed.positional;

    exports dev.heed.attention;
    exports dev.heed.attention.model;
    exports dev.heed.attention.spi;
    exports dev.heed.attention.tasks;

    uses dev.heed.attention.spi.SimilarityProvider;
    provides dev.heed.attention.spi.SimilarityProvider with
            dev.heed.attention.internal.DotProvider,
            dev.heed.attention.internal.ScaledDotProvider,
            dev.heed.attention.internal.CosineProvider,
            dev.heed.attention.internal.AdditiveProvider;
}
