package dev.heed.bench;

import dev.heed.attention.AttentionMask;
import dev.heed.attention.Similarities;
import dev.heed.attention.model.TransformerBlock;
import dev.heed.attention.model.TransformerConfig;
import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.nn.Activation;
import dev.heed.core.nn.GRU;
import dev.heed.core.nn.LSTM;
import dev.heed.core.nn.LayerNorm;
import dev.heed.core.nn.Linear;
import dev.heed.core.nn.MLP;
import dev.heed.core.nn.Sequential;
import dev.heed.core.nn.UnaryModule;
import java.util.HashMap;
import java.util.Map;

/**
 * The sequence mixers timed alone in part 1 of the attention-vs-recurrence study: Heed's
 * transformer block, a minimal block, and an LSTM and a GRU whose hidden size gives them the
 * block's parameter count. The trained models of parts 2–4 are the attention module's
 * {@code SequenceClassifier} and {@code LanguageModel} with the blocks' mixer swapped
 * ({@code TransformerConfig.Builder#mixer}).
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

    /**
     * A minimal pre-LayerNorm transformer block written from core ops for this study, as a second
     * reference next to the attention module's {@link Block}: causal multi-head scaled-dot
     * self-attention with q/k/v/out projections (bias), then an MLP d-4d-d with ReLU (the original
     * transformer's choice; core's composed GELU costs ~15x a ReLU pass on this machine and would
     * dominate the block's time), each with a residual connection. Plain (materialised) attention: the [B, heads, T, T] scores are
     * stored for the backward pass.
     */
    static final class MiniBlock extends UnaryModule {
        private final int d;
        private final int heads;
        private final LayerNorm ln1;
        private final LayerNorm ln2;
        private final Linear wq;
        private final Linear wk;
        private final Linear wv;
        private final Linear wo;
        private final MLP mlp;
        private final Map<Integer, Tensor> masks = new HashMap<>();

        MiniBlock(int d, int heads, Rng rng) {
            this.d = d;
            this.heads = heads;
            ln1 = registerModule("ln1", new LayerNorm(d));
            wq = registerModule("wq", new Linear(d, d, rng));
            wk = registerModule("wk", new Linear(d, d, rng));
            wv = registerModule("wv", new Linear(d, d, rng));
            wo = registerModule("wo", new Linear(d, d, rng));
            ln2 = registerModule("ln2", new LayerNorm(d));
            mlp = registerModule("mlp", new MLP(new int[] {d, 4 * d, d}, Activation.RELU, rng));
        }

        private Tensor causalMask(int t, DType dtype) {
            return masks.computeIfAbsent(t, n -> {
                float[] m = new float[n * n];
                for (int i = 0; i < n; i++) {
                    for (int j = i + 1; j < n; j++) {
                        m[i * n + j] = Float.NEGATIVE_INFINITY;
                    }
                }
                return Tensor.of(m, n, n);
            }).to(dtype);
        }

        @Override
        public Tensor forward(Tensor x) {
            int b = x.size(0);
            int t = x.size(1);
            int dh = d / heads;
            Tensor h = ln1.forward(x);
            Tensor q = wq.forward(h).reshape(b, t, heads, dh).permute(0, 2, 1, 3);
            Tensor k = wk.forward(h).reshape(b, t, heads, dh).permute(0, 2, 1, 3);
            Tensor v = wv.forward(h).reshape(b, t, heads, dh).permute(0, 2, 1, 3);
            Tensor s = q.matmul(k.mT()).mul(1.0 / Math.sqrt(dh)).add(causalMask(t, x.dtype()));
            Tensor a = s.softmax(-1).matmul(v).permute(0, 2, 1, 3).reshape(b, t, d);
            Tensor y = x.add(wo.forward(a));
            return y.add(mlp.forward(ln2.forward(y)));
        }
    }

    /** Which sequence mixer a model uses. */
    enum Mixer {
        TRANSFORMER, MINI, LSTM, GRU;

        String label() {
            return switch (this) {
                case TRANSFORMER -> "transformer block";
                case MINI -> "minimal block";
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
            case MINI -> {
                if (layers != 1) {
                    throw new IllegalArgumentException("minimal block: one layer only");
                }
                yield new MiniBlock(d, heads, rng);
            }
            case LSTM -> new LSTM(d, mixerWidth(kind, d, layers), layers, true, 0.0, rng);
            case GRU -> new GRU(d, mixerWidth(kind, d, layers), layers, true, 0.0, rng);
        };
    }

    /** Output width of a mixer made by {@link #mixer}. */
    static int mixerWidth(Mixer kind, int d, int layers) {
        long target = layers * blockParams(d);
        return switch (kind) {
            case TRANSFORMER, MINI -> d;
            case LSTM -> matchedHidden(4, d, layers, target);
            case GRU -> matchedHidden(3, d, layers, target);
        };
    }
}
