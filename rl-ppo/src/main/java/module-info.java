/** Heed PPO: the {@code ppo-clip} and {@code ppo-kl} policy optimizers. */
module dev.heed.rl.ppo {
    requires static transitive org.apiguardian.api;
    requires transitive dev.heed.rl;

    exports dev.heed.rl.ppo;

    provides dev.heed.rl.spi.PolicyOptimizerProvider with
            dev.heed.rl.ppo.PpoClipProvider,
            dev.heed.rl.ppo.PpoKlProvider;
}
