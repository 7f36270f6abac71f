/**
 * Positional schemes for attention models: {@link dev.heed.positional.Positionals} creates them by
 * name; the contract they follow is {@link dev.heed.positional.spi.PositionalScheme}.
 */
package dev.heed.positional;
