package dev.heed.attention.model;

import dev.heed.core.Suggestions;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * The sequence mixer of every {@link TransformerBlock} of a model: the only part of the block that
 * changes between the options. Every block is {@code x + drop(mixer(ln1(x)))} followed by
 * {@code x + drop(mlp(ln2(x)))} (pre-LN; post-LN places the norms after the sums), so a
 * {@link LanguageModel} or {@link SequenceClassifier} with {@link #LSTM} differs from the attention
 * model only inside that one slot.
 *
 * <p><b>Parameter counts</b> (width d, MLP ratio r, with biases): the attention mixer has
 * {@code 4d² + 4d} (q, k, v, out projections; a similarity or positional scheme with parameters
 * adds its own); the {@link #LSTM} mixer (one layer, hidden size d) has {@code 8d² + 8d}, twice as
 * many; the {@link #GRU} mixer {@code 6d² + 6d}, 1.5 times. The rest of a block is the same for all
 * three: two LayerNorms ({@code 4d}) and the MLP ({@code 2rd² + rd + d}). With the default r = 4 a
 * block therefore holds about 12d² (attention), 16d² (LSTM) or 14d² (GRU) weights. For equal
 * block sizes give the recurrent models a smaller MLP: r = 2 for the LSTM and r = 3 for the GRU
 * give 12d² weights, like the attention block with r = 4.
 *
 * <p><b>Direction.</b> The recurrent mixers are unidirectional (left to right), so they are causal
 * whatever the mask: right for a language model; in a classifier each token's state summarises the
 * tokens up to it (pool with {@link Pooling#LAST}, {@link Pooling#MEAN} or {@link Pooling#MAX}).
 *
 * <p>In a JSON stack spec the mixer is the option {@code "mixer"} with the values of
 * {@link #specName()}: {@code "attention"} (default), {@code "lstm"}, {@code "gru"}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public enum SequenceMixer {
    /** Multi-head self-attention with the configured similarity and positional scheme (the default). */
    ATTENTION("attention"),
    /** A one-layer {@link dev.heed.core.nn.LSTM} with input and hidden size d_model. */
    LSTM("lstm"),
    /** A one-layer {@link dev.heed.core.nn.GRU} with input and hidden size d_model. */
    GRU("gru");

    private final String specName;

    SequenceMixer(String specName) {
        this.specName = specName;
    }

    /** @return the name used in stack specs and on the command line ({@code "attention"}, {@code "lstm"}, {@code "gru"}) */
    public String specName() {
        return specName;
    }

    /** @return true for {@link #LSTM} and {@link #GRU} */
    public boolean isRecurrent() {
        return this != ATTENTION;
    }

    /** @return the spec names of all mixers, in declaration order */
    public static List<String> specNames() {
        return Arrays.stream(values()).map(SequenceMixer::specName).toList();
    }

    /**
     * @param name a spec name, case-insensitive ({@code "attention"}, {@code "lstm"}, {@code "gru"})
     * @return the mixer
     * @throws IllegalArgumentException for an unknown name, listing the names on offer and the closest one
     */
    public static SequenceMixer fromName(String name) {
        Objects.requireNonNull(name, "SequenceMixer.fromName: name");
        for (SequenceMixer m : values()) {
            if (m.specName.equalsIgnoreCase(name.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("sequence mixer '" + name + "' is unknown; expected one of " + specNames()
                + Suggestions.didYouMean(name.trim().toLowerCase(java.util.Locale.ROOT), specNames()));
    }
}
