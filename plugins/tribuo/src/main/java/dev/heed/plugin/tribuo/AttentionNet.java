package dev.heed.plugin.tribuo;

import dev.heed.attention.AttentionMask;
import dev.heed.attention.Similarities;
import dev.heed.attention.model.TransformerConfig;
import dev.heed.attention.model.TransformerEncoder;
import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.nn.Embedding;
import dev.heed.core.nn.Linear;
import dev.heed.core.nn.Module;
import dev.heed.positional.Positionals;
import dev.heed.positional.spi.PositionalDims;
import dev.heed.positional.spi.PositionalScheme;

/**
 * Bag-of-features embedding per position → positional scheme → bidirectional transformer encoder
 * (padding keys masked) → linear head, either per token (tagging) or after mean pooling over the
 * real positions (classification).
 *
 * <p>Submodules: {@code tok}, {@code pos}, {@code stack}, {@code head}. Not thread-safe.
 */
final class AttentionNet extends Module {

    private final NetSpec spec;
    private final PositionalScheme pos;

    AttentionNet(NetSpec spec, Rng rng) {
        this.spec = spec;
        TransformerConfig c = spec.transformer();
        registerModule("tok", new Embedding(spec.tableRows(), spec.width(), rng));
        pos = registerModule("pos", Positionals.create(c.positional(), c.positionalOptions(),
                PositionalDims.of(c.dModel(), c.heads(), c.layers()), rng));
        registerModule("stack", new TransformerEncoder(c, Similarities.factory(c.similarity(), c.similarityOptions()),
                pos, rng));
        registerModule("head", new Linear(spec.width(), spec.classes(), true, rng));
    }

    NetSpec spec() {
        return spec;
    }

    /** @return token states {@code [B, T, width]} */
    Tensor states(TokenEncoder.Batch b) {
        if (b.maxLength() > spec.maxLength()) {
            throw new IllegalArgumentException("a sequence has " + b.maxLength() + " positions, more than maxLength = "
                    + spec.maxLength() + "; train with a larger maxLength");
        }
        Tensor e = ((Embedding) submodule("tok")).forward(b.rows());          // [B, T, K, d]
        Tensor x = e.mul(b.weights()).sum(2);                                 // [B, T, d]
        x = pos.embed(x, 0);
        AttentionMask mask = AttentionMask.keyLengths(b.lengths());
        return ((TransformerEncoder) submodule("stack")).forward(x, mask, null);
    }

    /** @return per-token logits {@code [B, T, classes]} */
    Tensor tagLogits(TokenEncoder.Batch b) {
        return ((Linear) submodule("head")).forward(states(b));
    }

    /** @return per-sequence logits {@code [B, classes]} after mean pooling over the real positions */
    Tensor classLogits(TokenEncoder.Batch b) {
        Tensor h = states(b);
        int n = b.lengths().length;
        int t = b.maxLength();
        float[] w = new float[n * t];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < b.lengths()[i]; j++) {
                w[i * t + j] = 1f / b.lengths()[i];
            }
        }
        Tensor pooled = h.mul(Tensor.of(w, n, t, 1).to(h.dtype())).sum(1);
        return ((Linear) submodule("head")).forward(pooled);
    }

    /**
     * Weighted mean cross-entropy.
     *
     * @param logits {@code [N, C]}
     * @param targets class per row
     * @param weights weight per row (0 drops the row)
     */
    static Tensor crossEntropy(Tensor logits, long[] targets, float[] weights) {
        int n = targets.length;
        Tensor logp = logits.logSoftmax(1).gather(1, Tensor.of(targets, n, 1));
        double total = 0;
        for (float w : weights) {
            total += w;
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("crossEntropy: the weights sum to " + total + "; give some rows weight > 0");
        }
        return logp.mul(Tensor.of(weights, n, 1).to(DType.FLOAT32)).sum().mul(-1.0 / total);
    }
}
