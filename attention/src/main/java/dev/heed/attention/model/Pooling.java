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
    MAX
}
