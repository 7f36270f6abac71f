package dev.heed.attention.model;

import dev.heed.attention.AttentionMask;
import dev.heed.attention.spi.SimilarityFactory;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.nn.LayerNorm;
import dev.heed.core.nn.Module;
import dev.heed.core.nn.ModuleList;
import dev.heed.positional.spi.PositionalScheme;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A stack of {@link TransformerBlock}s over embeddings {@code [B, T, dModel]}, followed by a final
 * LayerNorm when the blocks are pre-LN. The positional scheme's embedding hook is the caller's
 * (the models apply it); its attention hooks run inside every block. Every block uses the
 * configuration's {@link SequenceMixer}; with a recurrent mixer the scheme may only act on the
 * embeddings (there are no queries, keys or scores to act on).
 *
 * <p>Submodules: {@code blocks.<i>}, {@code lnF} (pre-LN only).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class TransformerEncoder extends Module {

    private final ModuleList<TransformerBlock> blocks = new ModuleList<>();
    private final boolean finalNorm;

    /**
     * @param config the stack's configuration
     * @param similarity similarity factory (one similarity per block)
     * @param positional the model's positional scheme, or null
     * @param rng initial values and dropout masks
     * @throws IllegalArgumentException when a recurrent mixer is combined with a positional scheme
     *     that acts inside attention (rotary, relative, ALiBi)
     */
    public TransformerEncoder(TransformerConfig config, SimilarityFactory similarity, PositionalScheme positional, Rng rng) {
        Objects.requireNonNull(config, "config");
        if (config.mixer().isRecurrent() && positional != null
                && (positional.actsOnQueryKey() || positional.hasScoreTerm() || positional.hasValueTerm())) {
            throw new IllegalArgumentException("TransformerEncoder: positional scheme '" + positional.schemeName()
                    + "' acts inside attention (on queries/keys or scores), but the blocks' mixer is "
                    + config.mixer().specName() + "; use a scheme that acts on the embeddings ('none', 'sinusoidal',"
                    + " 'learned') or mixer 'attention'");
        }
        for (int i = 0; i < config.layers(); i++) {
            blocks.add(new TransformerBlock(config, similarity, positional, i, rng));
        }
        registerModule("blocks", blocks);
        finalNorm = config.preNorm();
        if (finalNorm) {
            registerModule("lnF", new LayerNorm(new int[] {config.dModel()}, 1e-5, true));
        }
    }

    /** @return the blocks */
    public ModuleList<TransformerBlock> blocks() {
        return blocks;
    }

    /**
     * @param x embeddings {@code [B, T, dModel]}
     * @param mask attention mask
     * @param caches one cache per block for incremental decoding (see {@link TransformerBlock#newCache()}), or null
     * @return {@code [B, T, dModel]}
     */
    public Tensor forward(Tensor x, AttentionMask mask, MixerCache[] caches) {
        if (caches != null && caches.length != blocks.size()) {
            throw new IllegalArgumentException("TransformerEncoder: " + caches.length + " caches for " + blocks.size()
                    + " blocks; create one per block");
        }
        for (int i = 0; i < blocks.size(); i++) {
            x = blocks.get(i).forward(x, mask, caches == null ? null : caches[i]);
        }
        return finalNorm ? ((LayerNorm) submodule("lnF")).forward(x) : x;
    }
}
