package dev.heed.attention.model;

import dev.heed.attention.AttentionMask;
import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.nn.Functional;
import dev.heed.core.nn.Dropout;
import dev.heed.core.nn.Embedding;
import dev.heed.core.nn.Linear;
import dev.heed.core.nn.Module;
import dev.heed.positional.spi.PositionalScheme;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * An encoder classifier: token embedding → positional scheme → bidirectional
 * {@link TransformerEncoder} (padding keys masked) → {@link Pooling} → linear head to class
 * logits.
 *
 * <p>With a recurrent {@link SequenceMixer} the encoder is unidirectional (each token's state
 * summarises the tokens up to it). Padding must come after the real tokens (as {@code lengths}
 * says): the recurrence computes every real position before it reads any padding, so the real
 * states, and therefore the pooled vector, do not depend on the padding; the pooling skips the
 * padded positions. {@link Pooling#FIRST} would see only the first token and is rejected for
 * recurrent mixers; use {@link Pooling#LAST}, {@link Pooling#MEAN} or {@link Pooling#MAX}.
 *
 * <p>Submodules: {@code tok}, {@code pos}, {@code drop}, {@code stack}, {@code head}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class SequenceClassifier extends Module {

    private final TransformerConfig config;
    private final Pooling pooling;
    private final int classes;
    private final PositionalScheme pos;

    /**
     * @param config the encoder's configuration
     * @param classes number of classes (≥ 2)
     * @param pooling how to pool token states
     * @param rng initial values and dropout masks
     * @throws IllegalArgumentException for fewer than 2 classes, or {@link Pooling#FIRST} with a recurrent mixer
     */
    public SequenceClassifier(TransformerConfig config, int classes, Pooling pooling, Rng rng) {
        this.config = Objects.requireNonNull(config, "config");
        this.pooling = Objects.requireNonNull(pooling, "pooling");
        if (pooling == Pooling.FIRST && config.mixer().isRecurrent()) {
            throw new IllegalArgumentException("SequenceClassifier: pooling FIRST with the " + config.mixer().specName()
                    + " mixer would read a state that has seen only the first token (the recurrence runs left to right);"
                    + " use Pooling.LAST, MEAN or MAX");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("SequenceClassifier: classes = " + classes + " must be at least 2");
        }
        this.classes = classes;
        registerModule("tok", new Embedding(config.vocabSize(), config.dModel(), rng));
        pos = registerModule("pos", Parts.positional(config, rng));
        registerModule("drop", new Dropout(config.dropout(), Rng.seeded(rng.nextLong())));
        registerModule("stack", new TransformerEncoder(config, Parts.similarity(config), pos, rng));
        registerModule("head", new Linear(config.dModel(), classes, true, rng));
    }

    /** @return the pooling */
    public Pooling pooling() {
        return pooling;
    }

    /** @return the number of classes */
    public int classes() {
        return classes;
    }

    /**
     * @param tokens INT64 {@code [B, T]}
     * @param lengths real tokens per sequence (padding after them), or null when all are full
     * @return class logits {@code [B, classes]}
     */
    public Tensor forward(Tensor tokens, int[] lengths) {
        Parts.checkTokens("SequenceClassifier", tokens, config.vocabSize());
        int b = tokens.size(0);
        int t = tokens.size(1);
        int[] lens = lengths;
        if (lens == null) {
            lens = new int[b];
            java.util.Arrays.fill(lens, t);
        }
        if (lens.length != b) {
            throw new IllegalArgumentException("SequenceClassifier: " + lens.length + " lengths for a batch of " + b);
        }
        for (int i = 0; i < b; i++) {
            if (lens[i] < 1 || lens[i] > t) {
                throw new IllegalArgumentException("SequenceClassifier: lengths[" + i + "] = " + lens[i]
                        + " must be in 1 .. " + t);
            }
        }
        Tensor x = ((Embedding) submodule("tok")).forward(tokens);
        x = pos.embed(x, 0);
        x = ((Dropout) submodule("drop")).forward(x);
        AttentionMask mask = lengths == null ? AttentionMask.none() : AttentionMask.keyLengths(lengths);
        Tensor h = ((TransformerEncoder) submodule("stack")).forward(x, mask, null);
        return ((Linear) submodule("head")).forward(pool(h, lens));
    }

    private Tensor pool(Tensor h, int[] lens) {
        int b = h.size(0);
        int t = h.size(1);
        int d = h.size(2);
        DType dt = h.dtype();
        switch (pooling) {
            case FIRST: {
                float[] sel = new float[t];
                sel[0] = 1f;
                return Tensor.of(sel, 1, t).to(dt).matmul(h).reshape(b, d);
            }
            case LAST: {
                float[] sel = new float[b * t];
                for (int i = 0; i < b; i++) {
                    sel[i * t + lens[i] - 1] = 1f;
                }
                return h.mul(Tensor.of(sel, b, t, 1).to(dt)).sum(1);
            }
            case MEAN: {
                float[] w = new float[b * t];
                for (int i = 0; i < b; i++) {
                    for (int j = 0; j < lens[i]; j++) {
                        w[i * t + j] = 1f / lens[i];
                    }
                }
                return h.mul(Tensor.of(w, b, t, 1).to(dt)).sum(1);
            }
            default: {
                double[] v = h.toDoubleArray();
                float[] pick = new float[b * t * d];
                for (int i = 0; i < b; i++) {
                    for (int c = 0; c < d; c++) {
                        int best = 0;
                        for (int j = 1; j < lens[i]; j++) {
                            if (v[(i * t + j) * d + c] > v[(i * t + best) * d + c]) {
                                best = j;
                            }
                        }
                        pick[(i * t + best) * d + c] = 1f;
                    }
                }
                return h.mul(Tensor.of(pick, b, t, d).to(dt)).sum(1);
            }
        }
    }

    /**
     * @param tokens INT64 {@code [B, T]}
     * @param lengths real tokens per sequence, or null
     * @param labels class per sequence
     * @return mean cross-entropy
     */
    public Tensor loss(Tensor tokens, int[] lengths, int[] labels) {
        Tensor logits = forward(tokens, lengths);
        long[] y = new long[labels.length];
        for (int i = 0; i < y.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("SequenceClassifier.loss: label " + labels[i] + " at " + i
                        + " is outside 0 .. " + (classes - 1));
            }
            y[i] = labels[i];
        }
        if (y.length != logits.size(0)) {
            throw new IllegalArgumentException("SequenceClassifier.loss: " + y.length + " labels for a batch of "
                    + logits.size(0));
        }
        return Functional.crossEntropy(logits, y, null);
    }
}
