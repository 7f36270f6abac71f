/**
 * Heed policy-gradient RL: environments, vectorised environments, policies and distributions, the
 * trainer, the {@code PolicyOptimizerProvider} SPI and the built-in {@code a2c} optimizer, and
 * multi-run sweeps with the {@code SweepEngineProvider} SPI and the built-in {@code local} engine.
 */
module dev.heed.rl {
    requires static transitive org.apiguardian.api;
    requires transitive dev.heed.core;

    exports dev.heed.rl;
    exports dev.heed.rl.a2c;
    exports dev.heed.rl.distributions;
    exports dev.heed.rl.env;
    exports dev.heed.rl.env.wrappers;
    exports dev.heed.rl.spi;
    exports dev.heed.rl.sweep;
    exports dev.heed.rl.sweep.local;
    exports dev.heed.rl.sweep.spi;
    exports dev.heed.rl.train;
    exports dev.heed.rl.vec;

    uses dev.heed.rl.spi.PolicyOptimizerProvider;
    uses dev.heed.rl.sweep.spi.SweepEngineProvider;
    provides dev.heed.rl.spi.PolicyOptimizerProvider with dev.heed.rl.a2c.A2cProvider;
    provides dev.heed.rl.sweep.spi.SweepEngineProvider with dev.heed.rl.sweep.local.LocalEngineProvider;
}
