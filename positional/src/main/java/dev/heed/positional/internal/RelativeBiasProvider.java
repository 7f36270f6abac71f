package dev.heed.positional.internal;

import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.nn.init.Init;
import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import dev.heed.positional.spi.PositionalDims;
import dev.heed.positional.spi.PositionalFactory;
import dev.heed.positional.spi.PositionalProvider;
import dev.heed.positional.spi.PositionalScheme;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.apiguardian.api.API;

/**
 * {@code relative-bias}: a learnable scalar per head per relative distance bucket added to the
 * scores, {@code e_ij += b_h[bucket(j − i)]}. Buckets are the clipped distances
 * {@code clamp(j − i, −L, L)} or T5's logarithmic buckets.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class RelativeBiasProvider implements PositionalProvider {

    /** Creates the provider (ServiceLoader). */
    public RelativeBiasProvider() {}

    @Override
    public String name() {
        return "relative-bias";
    }

    @Override
    public String description() {
        return "a learned scalar per head per relative distance added to the scores (clipped, or T5 log buckets)";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.ofEnum("buckets", "clipped", "clipped: one bucket per distance in [-L, L]; "
                        + "t5: T5's logarithmic buckets", List.of("clipped", "t5")),
                OptionSpec.ofInt("maxDistance", 16, "clipped: L; t5: distance from which on the last bucket is used "
                        + "(128 in T5)").range(1, 1 << 16),
                OptionSpec.ofInt("numBuckets", 32, "t5 only: number of buckets (32 in T5)").range(2, 1 << 16),
                OptionSpec.ofBoolean("bidirectional", true, "t5 only: separate buckets for keys after the query "
                        + "(false for causal models)"),
                OptionSpec.ofEnum("share", "all-layers", "one bias table for every layer (as in T5) or one per layer",
                        List.of("all-layers", "per-layer")),
                OptionSpec.ofDouble("initStd", 0.02, "standard deviation of the N(0, σ²) initial values").atLeast(0));
    }

    @Override
    public PositionalFactory create(Options options) {
        boolean t5 = options.getString("buckets").equals("t5");
        int maxDistance = options.getInt("maxDistance");
        int numBuckets = options.getInt("numBuckets");
        boolean bidirectional = options.getBoolean("bidirectional");
        boolean perLayer = options.getString("share").equals("per-layer");
        double std = options.getDouble("initStd");
        int k;
        IntUnaryOperator bucket;
        if (t5) {
            int half = bidirectional ? numBuckets / 2 : numBuckets;
            int maxExact = half / 2;
            if (maxExact < 1) {
                throw new IllegalArgumentException("provider 'relative-bias': numBuckets " + numBuckets + " with bidirectional="
                        + bidirectional + " leaves no exact bucket; use numBuckets >= " + (bidirectional ? 4 : 2));
            }
            if (maxDistance <= maxExact) {
                throw new IllegalArgumentException("provider 'relative-bias': maxDistance " + maxDistance
                        + " must exceed the " + maxExact + " exactly-bucketed distances of numBuckets " + numBuckets
                        + " (bidirectional=" + bidirectional + "); use maxDistance > " + maxExact + " (T5 uses 128)");
            }
            k = numBuckets;
            bucket = d -> Tables.t5Bucket(d, bidirectional, numBuckets, maxDistance);
        } else {
            k = 2 * maxDistance + 1;
            bucket = d -> Tables.clipped(d, maxDistance);
        }
        String desc = t5 ? "t5 numBuckets=" + numBuckets + " maxDistance=" + maxDistance + " bidirectional=" + bidirectional
                : "clipped maxDistance=" + maxDistance;
        return (dims, rng) -> new RelativeBias(dims, k, bucket, perLayer, std, rng, desc);
    }

    /** The scheme: parameter {@code table} [H, K] (shared) or {@code table0 ..} (per layer). */
    static final class RelativeBias extends PositionalScheme {
        private final int buckets;
        private final IntUnaryOperator bucket;
        private final boolean perLayer;
        private final String desc;

        RelativeBias(PositionalDims dims, int buckets, IntUnaryOperator bucket, boolean perLayer, double std, Rng rng,
                String desc) {
            super("relative-bias", dims);
            this.buckets = buckets;
            this.bucket = bucket;
            this.perLayer = perLayer;
            this.desc = desc;
            if (perLayer) {
                for (int l = 0; l < dims.layers(); l++) {
                    registerParameter("table" + l, Init.normal(Tensor.zeros(dims.heads(), buckets), 0.0, std, rng));
                }
            } else {
                registerParameter("table", Init.normal(Tensor.zeros(dims.heads(), buckets), 0.0, std, rng));
            }
        }

        @Override
        public boolean hasScoreTerm() {
            return true;
        }

        @Override
        public boolean isScoreBias() {
            return true;
        }

        @Override
        protected Tensor computeScoreBias(int layer, DType dtype, int queryOffset, int queryLength, int keyOffset,
                int keyLength) {
            Tensor table = param(perLayer ? "table" + layer : "table");
            if (table.dtype() != dtype) {
                table = table.to(dtype);
            }
            Tensor idx = Tables.buckets(bucket, queryOffset, queryLength, keyOffset, keyLength).reshape(-1);
            return table.indexSelect(1, idx).reshape(dims().heads(), queryLength, keyLength);
        }

        @Override
        protected String extraRepr() {
            return super.extraRepr() + " " + desc + " (" + buckets + " buckets)" + (perLayer ? " per-layer" : " shared");
        }
    }
}
