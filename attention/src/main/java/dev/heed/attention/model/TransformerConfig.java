package dev.heed.attention.model;

import dev.heed.attention.spi.SimilarityProvider;
import dev.heed.core.nn.Activation;
import dev.heed.core.plugin.PluginRegistry;
import dev.heed.core.plugin.ProviderChoice;
import dev.heed.core.plugin.Spec;
import dev.heed.core.plugin.SpecSchema;
import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import dev.heed.positional.spi.PositionalProvider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Hyperparameters of a transformer stack: widths, depth, normalisation placement, dropout, the
 * sequence mixer of the blocks, and the similarity and positional plugins by name. Immutable; build with {@link #builder()} or parse a
 * JSON stack spec with {@link #parse(String)}:
 *
 * <pre>{@code
 * {"vocabSize": 65, "dModel": 128, "heads": 4, "layers": 4, "contextLength": 64,
 *  "similarity": "scaled-dot", "positional": {"name": "learned", "maxLength": 64}}
 * }</pre>
 *
 * <p>{@code "mixer": "lstm"} (or {@code "gru"}) swaps every block's attention for a recurrent
 * layer and leaves the rest of the model as it is; see {@link SequenceMixer} for parameter counts
 * and semantics. A recurrent mixer ignores {@code heads} and {@code similarity} (both still
 * validated) and accepts only positional schemes that act on the embeddings ({@code none},
 * {@code sinusoidal}, {@code learned}); the models reject the others when they are built.
 *
 * @param vocabSize token vocabulary size (language models and classifiers)
 * @param dModel model width
 * @param heads attention heads per layer ({@code dModel} must be a multiple)
 * @param layers number of transformer blocks
 * @param mlpRatio hidden width of the feed-forward block as a multiple of {@code dModel} (4)
 * @param dropout dropout on attention weights, residual branches and embeddings (0)
 * @param preNorm LayerNorm before each sub-block (true, GPT-2 style) or after the residual sum
 *     (false, the original Transformer)
 * @param bias biases in the linear layers and LayerNorms (true)
 * @param activation feed-forward activation (GELU)
 * @param contextLength longest sequence the model is used with (generation crops to it)
 * @param tieWeights language models: the output head shares the token embedding matrix
 * @param similarity similarity provider name
 * @param similarityOptions its options (validated when the model is built)
 * @param positional positional provider name
 * @param positionalOptions its options
 * @param mixer the sequence mixer of every block ({@link SequenceMixer#ATTENTION} by default)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record TransformerConfig(int vocabSize, int dModel, int heads, int layers, int mlpRatio, double dropout,
                                boolean preNorm, boolean bias, Activation activation, int contextLength,
                                boolean tieWeights, String similarity, Map<String, Object> similarityOptions,
                                String positional, Map<String, Object> positionalOptions, SequenceMixer mixer) {

    /** Validates the values and copies the maps. */
    public TransformerConfig {
        positive("vocabSize", vocabSize);
        positive("dModel", dModel);
        positive("heads", heads);
        positive("layers", layers);
        positive("mlpRatio", mlpRatio);
        positive("contextLength", contextLength);
        if (dModel % heads != 0) {
            throw new IllegalArgumentException("TransformerConfig: dModel " + dModel + " must be a multiple of heads " + heads);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("TransformerConfig: dropout " + dropout + " must be in [0, 1)");
        }
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(similarity, "similarity");
        Objects.requireNonNull(positional, "positional");
        Objects.requireNonNull(mixer, "mixer");
        similarityOptions = Map.copyOf(similarityOptions);
        positionalOptions = Map.copyOf(positionalOptions);
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException("TransformerConfig: " + name + " = " + v + " must be positive");
        }
    }

    /** @return size of each head */
    public int headDim() {
        return dModel / heads;
    }

    /** @return a builder starting from the defaults (a 2-layer, 64-wide, 4-head attention model, scaled-dot, no positions) */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder starting from this configuration */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.vocabSize = vocabSize;
        b.dModel = dModel;
        b.heads = heads;
        b.layers = layers;
        b.mlpRatio = mlpRatio;
        b.dropout = dropout;
        b.preNorm = preNorm;
        b.bias = bias;
        b.activation = activation;
        b.contextLength = contextLength;
        b.tieWeights = tieWeights;
        b.similarity = similarity;
        b.similarityOptions = similarityOptions;
        b.positional = positional;
        b.positionalOptions = positionalOptions;
        b.mixer = mixer;
        return b;
    }

    /**
     * The JSON shape of a stack spec, with the similarity and positional slots bound to the given
     * registries.
     *
     * @param similarities similarity providers
     * @param positionals positional providers
     * @return the schema
     */
    public static SpecSchema schema(PluginRegistry<SimilarityProvider> similarities,
                                    PluginRegistry<PositionalProvider> positionals) {
        TransformerConfig d = builder().build();
        return SpecSchema.builder("model")
                .option(OptionSpec.ofInt("vocabSize", d.vocabSize, "token vocabulary size").atLeast(1))
                .option(OptionSpec.ofInt("dModel", d.dModel, "model width").atLeast(1))
                .option(OptionSpec.ofInt("heads", d.heads, "attention heads per layer").atLeast(1))
                .option(OptionSpec.ofInt("layers", d.layers, "transformer blocks").atLeast(1))
                .option(OptionSpec.ofInt("mlpRatio", d.mlpRatio, "feed-forward width / dModel").atLeast(1))
                .option(OptionSpec.ofDouble("dropout", d.dropout, "dropout probability").range(0, 0.99))
                .option(OptionSpec.ofEnum("norm", "pre", "LayerNorm placement", List.of("pre", "post")))
                .option(OptionSpec.ofBoolean("bias", d.bias, "biases in linear layers and LayerNorms"))
                .option(OptionSpec.ofEnum("activation", "gelu", "feed-forward activation",
                        List.of("gelu", "gelu-tanh", "relu")))
                .option(OptionSpec.ofInt("contextLength", d.contextLength, "longest sequence").atLeast(1))
                .option(OptionSpec.ofBoolean("tieWeights", d.tieWeights, "share embedding and output matrices"))
                .option(OptionSpec.ofEnum("mixer", d.mixer.specName(), "sequence mixer of every block",
                        SequenceMixer.specNames()))
                .provider("similarity", similarities, "scaled-dot")
                .provider("positional", positionals, "none")
                .build();
    }

    /**
     * Parses a JSON stack spec with the providers on the class path.
     *
     * @param json the spec (see the class documentation)
     * @return the configuration
     * @throws dev.heed.core.plugin.SpecException for a bad document, with its JSON path
     */
    public static TransformerConfig parse(String json) {
        Spec spec = schema(PluginRegistry.load(SimilarityProvider.class, TransformerConfig.class.getClassLoader()),
                PluginRegistry.load(PositionalProvider.class, TransformerConfig.class.getClassLoader())).parse(json);
        return fromSpec(spec);
    }

    /**
     * @param spec a spec validated by {@link #schema}
     * @return the configuration
     */
    public static TransformerConfig fromSpec(Spec spec) {
        Options o = spec.options();
        ProviderChoice<SimilarityProvider> sim = spec.provider("similarity", SimilarityProvider.class);
        ProviderChoice<PositionalProvider> pos = spec.provider("positional", PositionalProvider.class);
        Activation act = switch (o.getString("activation")) {
            case "gelu-tanh" -> Activation.GELU_TANH;
            case "relu" -> Activation.RELU;
            default -> Activation.GELU;
        };
        return new TransformerConfig(o.getInt("vocabSize"), o.getInt("dModel"), o.getInt("heads"), o.getInt("layers"),
                o.getInt("mlpRatio"), o.getDouble("dropout"), o.getString("norm").equals("pre"), o.getBoolean("bias"), act,
                o.getInt("contextLength"), o.getBoolean("tieWeights"), sim.name(), sim.options().asMap(), pos.name(),
                pos.options().asMap(), SequenceMixer.fromName(o.getString("mixer")));
    }

    /** Mutable builder of {@link TransformerConfig}; not thread-safe. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public static final class Builder {
        private int vocabSize = 16;
        private int dModel = 64;
        private int heads = 4;
        private int layers = 2;
        private int mlpRatio = 4;
        private double dropout;
        private boolean preNorm = true;
        private boolean bias = true;
        private Activation activation = Activation.GELU;
        private int contextLength = 64;
        private boolean tieWeights;
        private String similarity = "scaled-dot";
        private Map<String, Object> similarityOptions = Map.of();
        private String positional = "none";
        private Map<String, Object> positionalOptions = Map.of();
        private SequenceMixer mixer = SequenceMixer.ATTENTION;

        private Builder() {}

        /** @param v vocabulary size @return this */
        public Builder vocabSize(int v) {
            vocabSize = v;
            return this;
        }

        /** @param v model width @return this */
        public Builder dModel(int v) {
            dModel = v;
            return this;
        }

        /** @param v heads @return this */
        public Builder heads(int v) {
            heads = v;
            return this;
        }

        /** @param v blocks @return this */
        public Builder layers(int v) {
            layers = v;
            return this;
        }

        /** @param v feed-forward ratio @return this */
        public Builder mlpRatio(int v) {
            mlpRatio = v;
            return this;
        }

        /** @param v dropout @return this */
        public Builder dropout(double v) {
            dropout = v;
            return this;
        }

        /** @param v pre-LN (true) or post-LN (false) @return this */
        public Builder preNorm(boolean v) {
            preNorm = v;
            return this;
        }

        /** @param v biases @return this */
        public Builder bias(boolean v) {
            bias = v;
            return this;
        }

        /** @param v feed-forward activation @return this */
        public Builder activation(Activation v) {
            activation = v;
            return this;
        }

        /** @param v context length @return this */
        public Builder contextLength(int v) {
            contextLength = v;
            return this;
        }

        /** @param v weight tying @return this */
        public Builder tieWeights(boolean v) {
            tieWeights = v;
            return this;
        }

        /**
         * @param name similarity provider name
         * @param options its options
         * @return this
         */
        public Builder similarity(String name, Map<String, ?> options) {
            similarity = name;
            similarityOptions = new LinkedHashMap<>(options);
            return this;
        }

        /** @param name similarity provider name (default options) @return this */
        public Builder similarity(String name) {
            return similarity(name, Map.of());
        }

        /**
         * @param name positional provider name
         * @param options its options
         * @return this
         */
        public Builder positional(String name, Map<String, ?> options) {
            positional = name;
            positionalOptions = new LinkedHashMap<>(options);
            return this;
        }

        /** @param name positional provider name (default options) @return this */
        public Builder positional(String name) {
            return positional(name, Map.of());
        }

        /**
         * @param v the sequence mixer of every block (not null)
         * @return this
         */
        public Builder mixer(SequenceMixer v) {
            mixer = Objects.requireNonNull(v, "mixer");
            return this;
        }

        /**
         * @param name a mixer's spec name: {@code "attention"}, {@code "lstm"} or {@code "gru"}
         * @return this
         * @throws IllegalArgumentException for an unknown name (with the names on offer)
         */
        public Builder mixer(String name) {
            return mixer(SequenceMixer.fromName(name));
        }

        /** @return the configuration */
        public TransformerConfig build() {
            return new TransformerConfig(vocabSize, dModel, heads, layers, mlpRatio, dropout, preNorm, bias, activation,
                    contextLength, tieWeights, similarity, similarityOptions, positional, positionalOptions, mixer);
        }
    }
}
