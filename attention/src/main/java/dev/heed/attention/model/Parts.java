package dev.heed.attention.model;

import dev.heed.attention.spi.SimilarityFactory;
import dev.heed.attention.spi.SimilarityProvider;
import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.plugin.PluginRegistry;
import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import dev.heed.positional.Positionals;
import dev.heed.positional.spi.PositionalDims;
import dev.heed.positional.spi.PositionalProvider;
import dev.heed.positional.spi.PositionalScheme;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Shared construction helpers of the models. */
final class Parts {

    private Parts() {}

    static SimilarityFactory similarity(TransformerConfig c) {
        PluginRegistry<SimilarityProvider> r = PluginRegistry.load(SimilarityProvider.class, Parts.class.getClassLoader());
        SimilarityProvider p = r.get(c.similarity());
        return p.create(Options.of(p, c.similarityOptions()));
    }

    /** Creates the scheme; a declared but unset {@code maxLength} option defaults to the context length. */
    static PositionalScheme positional(TransformerConfig c, Rng rng) {
        PluginRegistry<PositionalProvider> r = PluginRegistry.load(PositionalProvider.class, Parts.class.getClassLoader());
        PositionalProvider p = r.get(c.positional());
        Map<String, Object> opts = new LinkedHashMap<>(c.positionalOptions());
        for (OptionSpec o : p.options()) {
            if (o.name().equals("maxLength") && !opts.containsKey("maxLength")) {
                opts.put("maxLength", c.contextLength());
            }
        }
        return Positionals.create(p, Options.of(p, opts), PositionalDims.of(c.dModel(), c.heads(), c.layers()), rng);
    }

    static void checkTokens(String op, Tensor tokens, int vocab) {
        if (tokens.dtype() != DType.INT64 || tokens.dim() != 2) {
            throw new IllegalArgumentException(op + ": tokens must be an INT64 [B, T] tensor, got " + tokens.dtype() + " "
                    + Arrays.toString(tokens.shape()));
        }
        long[] t = tokens.toLongArray();
        for (int i = 0; i < t.length; i++) {
            if (t[i] < 0 || t[i] >= vocab) {
                throw new IllegalArgumentException(op + ": token " + t[i] + " at flat position " + i
                        + " is outside the vocabulary 0 .. " + (vocab - 1));
            }
        }
    }
}
