package dev.heed.attention.model;

import dev.heed.attention.AttentionMask;
import dev.heed.attention.KVCache;
import dev.heed.attention.MultiHeadAttention;
import dev.heed.attention.spi.SimilarityFactory;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.nn.Activation;
import dev.heed.core.nn.Dropout;
import dev.heed.core.nn.LayerNorm;
import dev.heed.core.nn.Linear;
import dev.heed.core.nn.Module;
import dev.heed.positional.spi.PositionalScheme;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One transformer block: self-attention and a feed-forward MLP ({@code dModel → mlpRatio·dModel →
 * dModel}), each in a residual branch with LayerNorm and dropout.
 *
 * <ul>
 *   <li>pre-LN (default): {@code x = x + drop(attn(ln1(x)))}, {@code x = x + drop(mlp(ln2(x)))};
 *   <li>post-LN: {@code x = ln1(x + drop(attn(x)))}, {@code x = ln2(x + drop(mlp(x)))}.
 * </ul>
 *
 * <p>Submodules: {@code ln1}, {@code attn}, {@code ln2}, {@code fc1}, {@code fc2} (the MLP). Not thread-safe while training.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class TransformerBlock extends Module {

    private final boolean preNorm;
    private final Dropout drop;
    private final Activation activation;

    /**
     * @param config widths, dropout, normalisation placement
     * @param similarity the similarity factory
     * @param positional the model's positional scheme (null for none)
     * @param layer this block's index for the scheme
     * @param rng initial values and dropout masks
     */
    public TransformerBlock(TransformerConfig config, SimilarityFactory similarity, PositionalScheme positional, int layer,
                            Rng rng) {
        Objects.requireNonNull(config, "config");
        this.preNorm = config.preNorm();
        int d = config.dModel();
        registerModule("ln1", new LayerNorm(new int[] {d}, 1e-5, true));
        registerModule("attn", MultiHeadAttention.builder(d, config.heads()).bias(config.bias()).dropout(config.dropout())
                .similarity(similarity).positional(positional, layer).build(rng));
        registerModule("ln2", new LayerNorm(new int[] {d}, 1e-5, true));
        registerModule("fc1", new Linear(d, config.mlpRatio() * d, config.bias(), rng));
        registerModule("fc2", new Linear(config.mlpRatio() * d, d, config.bias(), rng));
        this.activation = config.activation();
        drop = registerModule("drop", new Dropout(config.dropout(), Rng.seeded(rng.nextLong())));
    }

    /** @return the attention layer */
    public MultiHeadAttention attention() {
        return (MultiHeadAttention) submodule("attn");
    }

    /**
     * @param x {@code [B, T, dModel]}
     * @param mask attention mask (causal for decoders)
     * @param cache this block's KV cache for incremental decoding, or null
     * @return {@code [B, T, dModel]}
     */
    public Tensor forward(Tensor x, AttentionMask mask, KVCache cache) {
        LayerNorm ln1 = (LayerNorm) submodule("ln1");
        LayerNorm ln2 = (LayerNorm) submodule("ln2");
        MultiHeadAttention attn = attention();
        if (preNorm) {
            x = x.add(drop.forward(attn.forward(ln1.forward(x), mask, cache)));
            return x.add(drop.forward(mlp(ln2.forward(x))));
        }
        x = ln1.forward(x.add(drop.forward(attn.forward(x, mask, cache))));
        return ln2.forward(x.add(drop.forward(mlp(x))));
    }

    private Tensor mlp(Tensor x) {
        Tensor h = ((Linear) submodule("fc1")).forward(x);
        switch (activation) {
            case GELU:
                h = h.gelu();
                break;
            case GELU_TANH:
                h = h.gelu(true);
                break;
            default:
                h = activation.apply(h);
                break;
        }
        return ((Linear) submodule("fc2")).forward(h);
    }

    @Override
    protected String extraRepr() {
        return "TransformerBlock(preNorm=" + preNorm + ")";
    }
}
