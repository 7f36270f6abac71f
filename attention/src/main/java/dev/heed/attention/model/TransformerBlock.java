package dev.heed.attention.model;

import dev.heed.attention.AttentionMask;
import dev.heed.attention.MultiHeadAttention;
import dev.heed.attention.spi.SimilarityFactory;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.nn.Activation;
import dev.heed.core.nn.Dropout;
import dev.heed.core.nn.GRU;
import dev.heed.core.nn.LSTM;
import dev.heed.core.nn.LayerNorm;
import dev.heed.core.nn.Linear;
import dev.heed.core.nn.Module;
import dev.heed.core.nn.RNNBase;
import dev.heed.positional.spi.PositionalScheme;
import java.util.Arrays;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One transformer block: a sequence mixer (self-attention by default, or a recurrent layer, see
 * {@link SequenceMixer}) and a feed-forward MLP ({@code dModel → mlpRatio·dModel → dModel}), each
 * in a residual branch with LayerNorm and dropout.
 *
 * <ul>
 *   <li>pre-LN (default): {@code x = x + drop(mixer(ln1(x)))}, {@code x = x + drop(mlp(ln2(x)))};
 *   <li>post-LN: {@code x = ln1(x + drop(mixer(x)))}, {@code x = ln2(x + drop(mlp(x)))}.
 * </ul>
 *
 * <p>Submodules: {@code ln1}, the mixer — {@code attn} ({@link MultiHeadAttention}) or {@code rnn}
 * (a one-layer {@link LSTM} or {@link GRU} with input and hidden size {@code dModel}, biases as
 * {@code config.bias()}, PyTorch's parameter names) — {@code ln2}, {@code fc1}, {@code fc2} (the
 * MLP). Not thread-safe while training.
 *
 * <p><b>Masks with a recurrent mixer.</b> The recurrence runs left to right, so it is causal
 * whatever the mask says. It accepts only masks made of {@link AttentionMask#causal()} and
 * {@link AttentionMask#keyLengths} (padding after the real tokens): real positions are computed
 * before any padding is read, so their outputs do not depend on the padding; the outputs at padded
 * positions are computed but meaningless (the classifier's pooling skips them). Other masks
 * (boolean, additive, {@link AttentionMask#keyPadding}) cannot be expressed by a recurrence and are
 * rejected.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class TransformerBlock extends Module {

    private final boolean preNorm;
    private final Dropout drop;
    private final Activation activation;
    private final SequenceMixer mixer;

    /**
     * @param config widths, dropout, normalisation placement, the mixer
     * @param similarity the similarity factory (unused by recurrent mixers; may then be null)
     * @param positional the model's positional scheme (null for none)
     * @param layer this block's index for the scheme
     * @param rng initial values and dropout masks
     */
    public TransformerBlock(TransformerConfig config, SimilarityFactory similarity, PositionalScheme positional, int layer,
                            Rng rng) {
        Objects.requireNonNull(config, "config");
        this.preNorm = config.preNorm();
        this.mixer = config.mixer();
        int d = config.dModel();
        registerModule("ln1", new LayerNorm(new int[] {d}, 1e-5, true));
        switch (mixer) {
            case LSTM -> registerModule("rnn", new LSTM(d, d, 1, config.bias(), 0, rng));
            case GRU -> registerModule("rnn", new GRU(d, d, 1, config.bias(), 0, rng));
            default -> registerModule("attn", MultiHeadAttention.builder(d, config.heads()).bias(config.bias())
                    .dropout(config.dropout()).similarity(similarity).positional(positional, layer).build(rng));
        }
        registerModule("ln2", new LayerNorm(new int[] {d}, 1e-5, true));
        registerModule("fc1", new Linear(d, config.mlpRatio() * d, config.bias(), rng));
        registerModule("fc2", new Linear(config.mlpRatio() * d, d, config.bias(), rng));
        this.activation = config.activation();
        drop = registerModule("drop", new Dropout(config.dropout(), Rng.seeded(rng.nextLong())));
    }

    /** @return this block's sequence mixer */
    public SequenceMixer mixer() {
        return mixer;
    }

    /**
     * @return the attention layer
     * @throws IllegalStateException when the block's mixer is recurrent
     */
    public MultiHeadAttention attention() {
        if (mixer != SequenceMixer.ATTENTION) {
            throw new IllegalStateException("TransformerBlock.attention(): this block's mixer is " + mixer.specName()
                    + ", not attention; use recurrent() for it");
        }
        return (MultiHeadAttention) submodule("attn");
    }

    /**
     * @return the recurrent layer ({@link LSTM} or {@link GRU})
     * @throws IllegalStateException when the block's mixer is attention
     */
    public RNNBase recurrent() {
        if (!mixer.isRecurrent()) {
            throw new IllegalStateException("TransformerBlock.recurrent(): this block's mixer is attention; use attention()");
        }
        return (RNNBase) submodule("rnn");
    }

    /** @return a new empty cache for incremental decoding with this block */
    public MixerCache newCache() {
        return new MixerCache(mixer, mixer == SequenceMixer.ATTENTION ? attention().newCache() : null);
    }

    /**
     * @param x {@code [B, T, dModel]}
     * @param mask attention mask (causal for decoders); recurrent mixers accept only causal and
     *     key-length masks (see the class documentation)
     * @param cache this block's cache for incremental decoding (from {@link #newCache()}), or null
     * @return {@code [B, T, dModel]}
     * @throws IllegalArgumentException for a mask a recurrent mixer cannot honour, or a cache of another block kind
     */
    public Tensor forward(Tensor x, AttentionMask mask, MixerCache cache) {
        LayerNorm ln1 = (LayerNorm) submodule("ln1");
        LayerNorm ln2 = (LayerNorm) submodule("ln2");
        if (cache != null && cache.mixer() != mixer) {
            throw new IllegalArgumentException("TransformerBlock: a " + cache.mixer().specName() + " cache was passed to a "
                    + mixer.specName() + " block; create it with this block's newCache()");
        }
        if (preNorm) {
            x = x.add(drop.forward(mix(ln1.forward(x), mask, cache)));
            return x.add(drop.forward(mlp(ln2.forward(x))));
        }
        x = ln1.forward(x.add(drop.forward(mix(x, mask, cache))));
        return ln2.forward(x.add(drop.forward(mlp(x))));
    }

    private Tensor mix(Tensor x, AttentionMask mask, MixerCache cache) {
        if (mixer == SequenceMixer.ATTENTION) {
            return attention().forward(x, mask, cache == null ? null : cache.kvCache());
        }
        Objects.requireNonNull(mask, "TransformerBlock: mask");
        if (!mask.isStructured()) {
            throw new IllegalArgumentException("TransformerBlock: the " + mixer.specName() + " mixer reads the sequence left"
                    + " to right and can honour only causal and key-length masks, got " + mask
                    + "; put padding after the real tokens and use AttentionMask.keyLengths");
        }
        int[] lengths = mask.keyLengthsOrNull();
        if (lengths != null && lengths.length != x.size(0)) {
            throw new IllegalArgumentException("TransformerBlock: " + lengths.length + " key lengths "
                    + Arrays.toString(lengths) + " for a batch of " + x.size(0));
        }
        if (mixer == SequenceMixer.LSTM) {
            LSTM lstm = (LSTM) submodule("rnn");
            if (cache == null) {
                return lstm.forward(x);
            }
            LSTM.Result r = lstm.run(x, cache.hidden(), cache.cell());
            cache.advance(r.h(), r.c(), x.size(1));
            return r.output();
        }
        GRU gru = (GRU) submodule("rnn");
        if (cache == null) {
            return gru.forward(x);
        }
        GRU.Result r = gru.run(x, cache.hidden());
        cache.advance(r.h(), null, x.size(1));
        return r.output();
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
        return "TransformerBlock(preNorm=" + preNorm + ", mixer=" + mixer.specName() + ")";
    }
}
