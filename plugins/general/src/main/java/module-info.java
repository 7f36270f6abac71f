/** Heed plugin: Luong's general (bilinear) similarity ({@code general}). */
module dev.heed.plugin.general {
    requires static transitive org.apiguardian.api;
    requires transitive dev.heed.attention;

    exports dev.heed.plugin.general;

    provides dev.heed.attention.spi.SimilarityProvider with dev.heed.plugin.general.GeneralProvider;
}
