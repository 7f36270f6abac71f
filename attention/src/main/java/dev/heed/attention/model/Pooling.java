package dev.heed.attention.model;

import org.apiguardian.api.API;

/** How a {@link SequenceClassifier} turns per-token states into one vector per sequence. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public enum Pooling {
    /** Mean over the real (unpadded) tokens. */
    MEAN,
    /** The first token's state (a [CLS]-style token at position 0). */
    FIRST,
    /** Elementwise maximum over the real tokens (the gradient goes to the maximal element). */
    MAX,
    /**
     * The last real token's state (position {@code lengths[b] − 1}): the usual read-out of a
     * unidirectional recurrent encoder, whose last state has seen the whole sequence.
     */
    LAST
}
