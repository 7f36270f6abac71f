/**
 * Heed positional encodings: the {@code PositionalProvider} SPI and the built-in schemes
 * ({@code none}, {@code sinusoidal}, {@code learned}, {@code relative-key}, {@code relative-bias}).
 */
module dev.heed.positional {
    requires static transitive org.apiguardian.api;
    requires transitive dev.heed.core;

    exports dev.heed.positional;
    exports dev.heed.positional.spi;

    uses dev.heed.positional.spi.PositionalProvider;
    provides dev.heed.positional.spi.PositionalProvider with
            dev.heed.positional.internal.NoneProvider,
            dev.heed.positional.internal.SinusoidalProvider,
            dev.heed.positional.internal.LearnedProvider,
            dev.heed.positional.internal.RelativeKeyProvider,
            dev.heed.positional.internal.RelativeBiasProvider;
}
