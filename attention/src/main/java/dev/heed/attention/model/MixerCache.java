package dev.heed.attention.model;

import dev.heed.attention.KVCache;
import dev.heed.core.Tensor;
import org.apiguardian.api.API;

/**
 * What one {@link TransformerBlock}'s sequence mixer keeps between the steps of incremental
 * decoding: the {@link KVCache} of an attention mixer, or the hidden (and, for the LSTM, cell)
 * state of a recurrent one. Create one per block with {@link TransformerBlock#newCache()} (or all
 * at once with {@link LanguageModel#newCaches()}) and feed the sequence in pieces; each forward
 * call extends it. Feeding a sequence in pieces gives the same outputs as one full forward pass
 * (up to floating-point rounding).
 *
 * <p>Not thread-safe; one cache belongs to one decoding loop and one batch.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class MixerCache {

    private final SequenceMixer mixer;
    private final KVCache kv;
    private Tensor h;
    private Tensor c;
    private int steps;

    MixerCache(SequenceMixer mixer, KVCache kv) {
        this.mixer = mixer;
        this.kv = kv;
    }

    /** @return the mixer this cache belongs to */
    public SequenceMixer mixer() {
        return mixer;
    }

    /** @return number of positions consumed so far (the position offset of the next step) */
    public int length() {
        return kv != null ? kv.length() : steps;
    }

    /** @return the attention mixer's KV cache, or null for a recurrent mixer */
    public KVCache kvCache() {
        return kv;
    }

    /** @return the recurrent mixer's hidden state {@code [1, B, d]} after the last step, or null (attention, or empty) */
    public Tensor hidden() {
        return h;
    }

    /** @return the LSTM mixer's cell state {@code [1, B, d]} after the last step, or null (GRU, attention, or empty) */
    public Tensor cell() {
        return c;
    }

    /** Empties the cache (the next step starts at position 0 from a zero state). */
    public void clear() {
        if (kv != null) {
            kv.clear();
        }
        h = null;
        c = null;
        steps = 0;
    }

    void advance(Tensor hidden, Tensor cell, int t) {
        h = hidden;
        c = cell;
        steps += t;
    }
}
