package com.example.heed;

import dev.heed.attention.spi.SimilarityFactory;
import dev.heed.attention.spi.SimilarityProvider;
import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import java.util.List;

/** Provides {@code sq-euclidean}: the score −‖q − k‖² · scale (an RBF kernel's exponent). */
public final class SqEuclideanProvider implements SimilarityProvider {
    @Override public String name() { return "sq-euclidean"; }

    @Override public String description() { return "negative squared Euclidean distance -|q-k|^2 times a scale"; }

    @Override public List<OptionSpec> options() {
        return List.of(OptionSpec.ofDouble("scale", 1.0, "multiplies every score").greaterThan(0));
    }

    @Override public SimilarityFactory create(Options options) {
        double scale = options.getDouble("scale");                       // already validated
        // -|q-k|^2 = 2 q.k - |q|^2 - |k|^2, shapes [..., Tq, Tk] - [..., Tq, 1] - [..., 1, Tk]
        return ctx -> (q, k) -> q.matmul(k.mT()).mul(2).sub(q.mul(q).sum(-1, true))
                .sub(k.mul(k).sum(-1, true).mT()).mul(scale);
    }
}
