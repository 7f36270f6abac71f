/**
 * What similarity plugin authors implement: {@link dev.heed.attention.spi.SimilarityProvider}
 * (found with {@link java.util.ServiceLoader}) creating a {@link dev.heed.attention.spi.SimilarityFactory}
 * that builds a {@link dev.heed.attention.spi.Similarity} for given head dimensions.
 */
package dev.heed.attention.spi;
