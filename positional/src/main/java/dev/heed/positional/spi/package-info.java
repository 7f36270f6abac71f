/**
 * What positional-scheme plugin authors implement: {@link dev.heed.positional.spi.PositionalProvider}
 * (registered with {@code META-INF/services}) creates a {@link dev.heed.positional.spi.PositionalFactory},
 * which creates a {@link dev.heed.positional.spi.PositionalScheme} for a model's
 * {@link dev.heed.positional.spi.PositionalDims}.
 */
package dev.heed.positional.spi;
