/** Heed TRPO: the {@code trpo} policy optimizer. */
module dev.heed.rl.trpo {
    requires static transitive org.apiguardian.api;
    requires transitive dev.heed.rl;

    exports dev.heed.rl.trpo;

    provides dev.heed.rl.spi.PolicyOptimizerProvider with dev.heed.rl.trpo.TrpoProvider;
}
