package dev.heed.core.nn;

import dev.heed.core.Tensor;

/** One fused recurrent layer run over a whole sequence (see {@link RecurrentF32}). */
interface RecurrentRun {

    /** @return the hidden states of every step, [B, T, H] (a fresh tensor outside the graph) */
    Tensor output();

    /** @return the hidden state after the last step, [B, H] */
    Tensor lastHidden();

    /** @return the cell state after the last step, [B, H] (LSTM only) */
    Tensor lastCell();

    /**
     * Backward through time.
     *
     * @param gradOut gradient of the outputs [B, T, H] or null
     * @param gradLastHidden gradient of the final hidden state [B, H] or null
     * @param gradLastCell gradient of the final cell state [B, H] or null
     * @return gradients of (input projections [B, T, G], weight_hh [G, H], bias_hh [G], h0 [B, H],
     *     c0 [B, H] or null for the GRU)
     */
    Tensor[] backward(Tensor gradOut, Tensor gradLastHidden, Tensor gradLastCell);
}
