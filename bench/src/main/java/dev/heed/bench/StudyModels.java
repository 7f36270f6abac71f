package dev.heed.bench;

import dev.heed.attention.AttentionMask;
import dev.heed.attention.Similarities;
import dev.heed.attention.model.TransformerBlock;
import dev.heed.attention.model.TransformerConfig;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.nn.Activation;
import dev.heed.core.nn.Embedding;
import dev.heed.core.nn.GRU;
import dev.heed.core.nn.LSTM;
import dev.heed.core.nn.LayerNorm;
import dev.heed.core.nn.Linear;
import dev.heed.core.nn.MLP;
import dev.heed.core.nn.Module;
import dev.heed.core.nn.Sequential;
import dev.heed.core.nn.UnaryModule;

/**
 * The models of the attention-vs-recurrence study: sequence mixers (a minimal transformer block,
 * LSTM, GRU) of equal parameter count, and one sequence model around them in which only the mixer
 * changes.
 */
final class StudyModels {

    private StudyModels() {}

    /** Parameters of {@link Block} for width d: 4 projections with bias, 2 LayerNorms, MLP d-4d-d. */
    static long blockParams(int d) {
        return 12L * d * d + 13L * d;
    }

    /** Parameters of an LSTM (G = 4) or GRU (G = 3) with input d, hidden h, {@code layers} layers, biases. */
    static long recurrentParams(int gates, int d, int h, int layers) {
        return (long) gates * h * (d + h + 2) + (long) (layers - 1) * gates * h * (2L * h + 2);
    }

    /** Hidden size whose LSTM/GRU (input d) has the parameter count closest to {@code target}. */
    static int matchedHidden(int gates, int d, int layers, long target) {
        int best = 1;
        long bestDiff = Long.MAX_VALUE;
        for (int h = 1; h < 8 * d; h++) {
            long diff = Math.abs(recurrentParams(gates, d, h, layers) - target);
            if (diff < bestDiff) {
                bestDiff = diff;
                best = h;
            }
        }
        return best;
    }

    /**
     * Heed's {@link TransformerBlock} (attention module) as a causal sequence mixer: pre-LN, 4
     * heads of scaled-dot attention with a causal mask and no positional scheme inside the block,
     * MLP d-4d-d with exact GELU, biases, no dropout. The attention module picks its blocked
     * (online-softmax, linear-memory) path by itself where it applies.
     */
    static final class Block extends UnaryModule {
        private final TransformerBlock block;

        Block(int d, int heads, Rng rng) {
            TransformerConfig cfg = TransformerConfig.builder().dModel(d).heads(heads).layers(1).mlpRatio(4).dropout(0)
                    .preNorm(true).bias(true).activation(Activation.GELU).similarity("scaled-dot").positional("none")
                    .build();
            block = registerModule("block", new TransformerBlock(cfg, Similarities.factory("scaled-dot"), null, 0, rng));
        }

        @Override
        public Tensor forward(Tensor x) {
            return block.forward(x, AttentionMask.causal(), null);
        }
    }

    /** Which sequence mixer a model uses. */
    enum Mixer {
        TRANSFORMER, LSTM, GRU;

        String label() {
            return switch (this) {
                case TRANSFORMER -> "transformer block";
                case LSTM -> "LSTM";
                case GRU -> "GRU";
            };
        }
    }

    /**
     * A mixer with input width d and {@code layers} layers (transformer blocks or recurrent
     * layers). Recurrent mixers get the hidden size whose parameter count matches the transformer
     * stack's, so their output width ({@link #mixerWidth}) differs from d.
     */
    static UnaryModule mixer(Mixer kind, int d, int heads, int layers, Rng rng) {
        return switch (kind) {
            case TRANSFORMER -> {
                if (layers == 1) {
                    yield new Block(d, heads, rng);
                }
                Sequential seq = new Sequential();
                for (int l = 0; l < layers; l++) {
                    seq.add(new Block(d, heads, rng));
                }
                yield seq;
            }
            case LSTM -> new LSTM(d, mixerWidth(kind, d, layers), layers, true, 0.0, rng);
            case GRU -> new GRU(d, mixerWidth(kind, d, layers), layers, true, 0.0, rng);
        };
    }

    /** Output width of a mixer made by {@link #mixer}. */
    static int mixerWidth(Mixer kind, int d, int layers) {
        long target = layers * blockParams(d);
        return switch (kind) {
            case TRANSFORMER -> d;
            case LSTM -> matchedHidden(4, d, layers, target);
            case GRU -> matchedHidden(3, d, layers, target);
        };
    }

    /**
     * Token model: embedding (+ sinusoidal positions for the transformer), the mixer, a final
     * LayerNorm and a linear head. Only the mixer differs between compared models; the recurrent
     * mixers get no positional signal (order is built into the recurrence).
     */
    static final class TokenModel extends Module {
        private final Mixer kind;
        private final int d;
        private final Embedding emb;
        private final UnaryModule mixer;
        private final LayerNorm norm;
        private final Linear head;

        TokenModel(Mixer kind, int vocab, int d, int heads, int layers, int classes, Rng rng) {
            this.kind = kind;
            this.d = d;
            emb = registerModule("emb", new Embedding(vocab, d, rng));
            mixer = registerModule("mixer", mixer(kind, d, heads, layers, rng));
            int w = mixerWidth(kind, d, layers);
            norm = registerModule("norm", new LayerNorm(w));
            head = registerModule("head", new Linear(w, classes, rng));
        }

        /** @return features [B, T, w] before the head */
        Tensor features(Tensor tokens) {
            Tensor x = emb.forward(tokens);
            if (kind == Mixer.TRANSFORMER) {
                x = x.add(sinusoidal(tokens.size(1), d));
            }
            return norm.forward(mixer.forward(x));
        }

        /** @return logits [B, T, classes] */
        Tensor logits(Tensor tokens) {
            return head.forward(features(tokens));
        }

        /** @return logits [B, classes] at the last position only */
        Tensor lastLogits(Tensor tokens) {
            Tensor f = features(tokens);
            int t = f.size(1);
            float[] m = new float[t];
            m[t - 1] = 1;
            return head.forward(f.mul(Tensor.of(m, 1, t, 1)).sum(1));
        }

        long mixerParams() {
            return mixer.parameterCount();
        }
    }

    /** Sinusoidal positions [T, d] (Vaswani et al.): sin on even, cos on odd features. */
    static Tensor sinusoidal(int t, int d) {
        float[] p = new float[t * d];
        for (int pos = 0; pos < t; pos++) {
            for (int i = 0; i < d; i += 2) {
                double freq = Math.pow(10000, -(double) i / d);
                p[pos * d + i] = (float) Math.sin(pos * freq);
                if (i + 1 < d) {
                    p[pos * d + i + 1] = (float) Math.cos(pos * freq);
                }
            }
        }
        return Tensor.of(p, t, d);
    }

    /** Mean cross-entropy of logits [N, C] against integer targets. */
    static Tensor crossEntropy(Tensor logits, int[] targets) {
        int n = logits.size(0);
        int c = logits.size(1);
        float[] oh = new float[n * c];
        for (int i = 0; i < n; i++) {
            oh[i * c + targets[i]] = 1;
        }
        return logits.logSoftmax(-1).mul(Tensor.of(oh, n, c)).sum().mul(-1.0 / n);
    }
}
