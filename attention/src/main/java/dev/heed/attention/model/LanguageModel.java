package dev.heed.attention.model;

import dev.heed.attention.AttentionMask;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.nn.Functional;
import dev.heed.core.nn.Dropout;
import dev.heed.core.nn.Embedding;
import dev.heed.core.nn.Linear;
import dev.heed.core.nn.Module;
import dev.heed.positional.spi.PositionalScheme;
import dev.heed.core.nn.init.Init;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A decoder-only (GPT-style) language model: token embedding → positional scheme → dropout →
 * {@code layers} causal {@link TransformerBlock}s → final LayerNorm → linear head to vocabulary
 * logits, optionally tied to the embedding. Initialised as GPT-2 : N(0, 0.02)
 * weights, residual projections scaled by 1/√(2·layers), zero biases.
 *
 * <p>The blocks' sequence mixer is the configuration's {@link SequenceMixer}: attention by default,
 * or a unidirectional (hence causal) LSTM or GRU with {@code {"mixer": "lstm"}}; everything else
 * stays the same. A recurrent mixer keeps PyTorch's initialisation U(−1/√d, 1/√d), not GPT-2's.
 * Incremental decoding ({@link #generate}, {@link #forward(Tensor, MixerCache[])}) carries the
 * attention mixer's keys and values, or the recurrent mixer's hidden state, from step to step.
 *
 * <pre>{@code
 * LanguageModel lm = new LanguageModel(TransformerConfig.builder().vocabSize(65).dModel(128).heads(4)
 *         .layers(4).contextLength(64).positional("learned").tieWeights(true).build(), Rng.seeded(1));
 * Tensor loss = lm.loss(x, y, null);
 * long[] text = lm.generate(prompt, 200, 0.8, 40, Rng.seeded(2));
 * LanguageModel rnnLm = new LanguageModel(lm.config().toBuilder().mixer(SequenceMixer.LSTM).build(), Rng.seeded(1));
 * }</pre>
 *
 * <p>Submodules: {@code tok}, {@code pos}, {@code drop}, {@code stack}, {@code head}. Not
 * thread-safe while training.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class LanguageModel extends Module {

    private final TransformerConfig config;
    private final PositionalScheme pos;

    /**
     * @param config the model's configuration
     * @param rng initial values and dropout masks
     */
    public LanguageModel(TransformerConfig config, Rng rng) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(rng, "rng");
        Embedding tok = registerModule("tok", new Embedding(config.vocabSize(), config.dModel(), rng));
        pos = registerModule("pos", Parts.positional(config, rng));
        registerModule("drop", new Dropout(config.dropout(), Rng.seeded(rng.nextLong())));
        registerModule("stack", new TransformerEncoder(config, Parts.similarity(config), pos, rng));
        Linear head = registerModule("head", new Linear(config.dModel(), config.vocabSize(), false, rng));
        if (config.tieWeights()) {
            head.tieTo(tok.weight());
        }
        initGpt2(rng);
    }

    /**
     * GPT-2's initialisation (as nanoGPT): N(0, 0.02) for the token embedding and every linear
     * weight of the blocks and head, N(0, 0.02/√(2·layers)) for the residual output projections
     * ({@code attn.wo}, {@code fc2}), zero linear biases. LayerNorms, the similarity's, the
     * positional scheme's and a recurrent mixer's parameters keep their own initialisation.
     */
    private void initGpt2(Rng rng) {
        double proj = 0.02 / Math.sqrt(2.0 * config.layers());
        for (Map.Entry<String, Tensor> e : namedParameters().entrySet()) {
            String n = e.getKey();
            Tensor t = e.getValue();
            boolean ours = n.equals("tok.weight") || n.equals("head.weight")
                    || (n.startsWith("stack.blocks.") && !n.contains(".similarity.") && !n.contains(".ln") && !n.contains(".rnn."));
            if (!ours) {
                continue;
            }
            if (t.dim() == 2) {
                boolean residual = n.endsWith(".attn.wo.weight") || n.endsWith(".fc2.weight");
                Init.normal(t, 0, residual ? proj : 0.02, rng);
            } else if (n.endsWith(".bias")) {
                Init.zeros(t);
            }
        }
    }

    /** @return the configuration */
    public TransformerConfig config() {
        return config;
    }

    /** @return the positional scheme */
    public PositionalScheme positional() {
        return pos;
    }

    /**
     * @param tokens INT64 {@code [B, T]} with {@code T ≤ contextLength} (or the scheme's limit)
     * @return logits {@code [B, T, vocabSize]}
     */
    public Tensor forward(Tensor tokens) {
        return forward(tokens, null);
    }

    /**
     * Continues cached prefixes: {@code tokens} are the next positions after those the caches have
     * seen (positions {@code caches[0].length()} on). Feeding a sequence in pieces gives the same
     * logits as {@link #forward(Tensor)} over the whole sequence, up to rounding. Typically called
     * in evaluation mode under {@link NoGrad}.
     *
     * @param tokens INT64 {@code [B, T]}
     * @param caches one cache per block from {@link #newCaches()}, extended in place; or null (same as {@link #forward(Tensor)})
     * @return logits {@code [B, T, vocabSize]} of the new positions
     * @throws IllegalArgumentException for bad tokens, the wrong number of caches, or positions beyond the scheme's limit
     */
    public Tensor forward(Tensor tokens, MixerCache[] caches) {
        Parts.checkTokens("LanguageModel", tokens, config.vocabSize());
        int offset = caches == null || caches.length == 0 ? 0 : caches[0].length();
        Tensor x = ((Embedding) submodule("tok")).forward(tokens);
        x = pos.embed(x, offset);
        x = ((Dropout) submodule("drop")).forward(x);
        x = ((TransformerEncoder) submodule("stack")).forward(x, AttentionMask.causal(), caches);
        return ((Linear) submodule("head")).forward(x);
    }

    /**
     * Mean next-token cross-entropy.
     *
     * @param tokens INT64 {@code [B, T]} inputs
     * @param targets INT64 {@code [B, T]} the token expected at each position
     * @param weights per-position weights (0 = ignore, 1 = count), length {@code B·T}, or null for all
     * @return the scalar loss
     */
    public Tensor loss(Tensor tokens, Tensor targets, float[] weights) {
        Tensor logits = forward(tokens);
        if (!Arrays.equals(tokens.shape(), targets.shape())) {
            throw new IllegalArgumentException("LanguageModel.loss: tokens " + Arrays.toString(tokens.shape()) + " and targets "
                    + Arrays.toString(targets.shape()) + " must have the same shape");
        }
        Parts.checkTokens("LanguageModel.loss (targets)", targets, config.vocabSize());
        int n = tokens.numel();
        if (weights != null && weights.length != n) {
            throw new IllegalArgumentException("LanguageModel.loss: " + weights.length + " weights for " + n + " positions");
        }
        return Functional.crossEntropy(logits.reshape(n, config.vocabSize()), targets.toLongArray(), weights);
    }

    /** @return one empty cache per block (KV caches for attention, hidden states for recurrent mixers) */
    public MixerCache[] newCaches() {
        TransformerEncoder stack = (TransformerEncoder) submodule("stack");
        MixerCache[] c = new MixerCache[stack.blocks().size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = stack.blocks().get(i).newCache();
        }
        return c;
    }

    /**
     * Continues a prompt by sampling, with caches: one new token per step, carrying the attention
     * mixer's keys and values or the recurrent mixer's hidden state (never recomputing the prefix
     * inside the window). Runs in evaluation mode without gradients and restores the previous
     * mode. When the sequence would exceed {@code contextLength} the window is cropped to the last
     * {@code contextLength} tokens and the caches rebuilt from it, for every mixer (so a recurrent
     * model, too, only ever conditions on the window it was trained on).
     *
     * @param prompt at least one token
     * @param newTokens how many tokens to add (≥ 0)
     * @param temperature divides the logits; 0 picks the most likely token (greedy)
     * @param topK sample only among the k most likely tokens; 0 for all
     * @param rng the sampling generator (same seed, same text)
     * @return prompt followed by the new tokens
     */
    public long[] generate(long[] prompt, int newTokens, double temperature, int topK, Rng rng) {
        Objects.requireNonNull(prompt, "generate: prompt");
        Objects.requireNonNull(rng, "generate: rng");
        if (prompt.length == 0 || newTokens < 0 || temperature < 0 || topK < 0) {
            throw new IllegalArgumentException("generate: need a non-empty prompt, newTokens >= 0, temperature >= 0 and topK >= 0; got "
                    + prompt.length + " prompt tokens, newTokens=" + newTokens + ", temperature=" + temperature + ", topK=" + topK);
        }
        boolean wasTraining = isTraining();
        eval();
        long[] out = Arrays.copyOf(prompt, prompt.length + newTokens);
        int len = prompt.length;
        int ctx = config.contextLength();
        try (NoGrad ignored = NoGrad.enter()) {
            MixerCache[] caches = newCaches();
            int start = Math.max(0, len - ctx);
            Tensor logits = forward(Tensor.of(Arrays.copyOfRange(out, start, len), 1, len - start), caches);
            for (int step = 0; step < newTokens; step++) {
                int v = config.vocabSize();
                float[] all = logits.toFloatArray();
                float[] last = Arrays.copyOfRange(all, all.length - v, all.length);
                out[len] = sample(last, temperature, topK, rng);
                len++;
                if (step + 1 == newTokens) {
                    break;
                }
                if (caches[0].length() + 1 > ctx) {
                    caches = newCaches();
                    start = len - ctx;
                    logits = forward(Tensor.of(Arrays.copyOfRange(out, start, len), 1, ctx), caches);
                } else {
                    logits = forward(Tensor.of(new long[] {out[len - 1]}, 1, 1), caches);
                }
            }
        } finally {
            train(wasTraining);
        }
        return out;
    }

    static int sample(float[] logits, double temperature, int topK, Rng rng) {
        int v = logits.length;
        if (temperature == 0) {
            int best = 0;
            for (int i = 1; i < v; i++) {
                if (logits[i] > logits[best]) {
                    best = i;
                }
            }
            return best;
        }
        double cut = Double.NEGATIVE_INFINITY;
        if (topK > 0 && topK < v) {
            float[] sorted = logits.clone();
            Arrays.sort(sorted);
            cut = sorted[v - topK];
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[v];
        double z = 0;
        for (int i = 0; i < v; i++) {
            p[i] = logits[i] < cut ? 0 : Math.exp((logits[i] - max) / temperature);
            z += p[i];
        }
        double u = rng.nextDouble() * z;
        for (int i = 0; i < v; i++) {
            u -= p[i];
            if (u < 0 && p[i] > 0) {
                return i;
            }
        }
        for (int i = v - 1; i >= 0; i--) {
            if (p[i] > 0) {
                return i;
            }
        }
        return 0;
    }
}
