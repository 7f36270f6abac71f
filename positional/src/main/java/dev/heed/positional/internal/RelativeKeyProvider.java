package dev.heed.positional.internal;

import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.nn.Module;
import dev.heed.core.nn.init.Init;
import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import dev.heed.positional.spi.PositionalDims;
import dev.heed.positional.spi.PositionalFactory;
import dev.heed.positional.spi.PositionalProvider;
import dev.heed.positional.spi.PositionalScheme;
import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;

/**
 * {@code relative-key}: Shaw et al. (2018) relative position representations. A learnable vector
 * {@code r_k} of size headDim for each clipped distance {@code k = clamp(j − i, −L, L)} adds
 * {@code q_i · r_{j−i} / √d_k} to score {@code e_ij}; optionally a second table adds
 * {@code Σ_j α_ij r^V_{j−i}} to the output. Tables are shared by all heads, and by all layers
 * unless {@code share = per-layer}.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class RelativeKeyProvider implements PositionalProvider {

    /** Creates the provider (ServiceLoader). */
    public RelativeKeyProvider() {}

    @Override
    public String name() {
        return "relative-key";
    }

    @Override
    public String description() {
        return "learned relative key vectors r(j-i), clipped at ±maxDistance, add q·r/√d to the scores (Shaw et al. 2018)";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.ofInt("maxDistance", 16, "L: distances beyond ±L share the vector of ±L").range(1, 1 << 16),
                OptionSpec.ofEnum("share", "all-layers", "one table for every layer (the seed's description) or one per layer",
                        List.of("all-layers", "per-layer")),
                OptionSpec.ofBoolean("valueTerm", false, "also add Σ_j α_ij r^V(j-i) to the output (Shaw's value term)"),
                OptionSpec.ofDouble("initStd", 0.02, "standard deviation of the N(0, σ²) initial values").atLeast(0));
    }

    @Override
    public PositionalFactory create(Options options) {
        int maxDistance = options.getInt("maxDistance");
        boolean perLayer = options.getString("share").equals("per-layer");
        boolean valueTerm = options.getBoolean("valueTerm");
        double std = options.getDouble("initStd");
        return (dims, rng) -> new RelativeKey(dims, maxDistance, perLayer, valueTerm, std, rng);
    }

    /** One layer's tables: {@code key} and optionally {@code value}, each [2L+1, headDim]. */
    static final class RelTables extends Module {
        RelTables(int buckets, int headDim, boolean value, double std, Rng rng) {
            registerParameter("key", Init.normal(Tensor.zeros(buckets, headDim), 0.0, std, rng));
            if (value) {
                registerParameter("value", Init.normal(Tensor.zeros(buckets, headDim), 0.0, std, rng));
            }
        }

        Tensor key() {
            return param("key");
        }

        Tensor value() {
            return param("value");
        }
    }

    /** The scheme. */
    static final class RelativeKey extends PositionalScheme {
        private final int maxDistance;
        private final boolean valueTerm;
        private final List<RelTables> tables = new ArrayList<>();

        RelativeKey(PositionalDims dims, int maxDistance, boolean perLayer, boolean valueTerm, double std, Rng rng) {
            super("relative-key", dims);
            this.maxDistance = maxDistance;
            this.valueTerm = valueTerm;
            int buckets = 2 * maxDistance + 1;
            if (perLayer) {
                for (int l = 0; l < dims.layers(); l++) {
                    tables.add(registerModule("layer" + l, new RelTables(buckets, dims.headDim(), valueTerm, std, rng)));
                }
            } else {
                tables.add(registerModule("tables", new RelTables(buckets, dims.headDim(), valueTerm, std, rng)));
            }
        }

        private RelTables tables(int layer) {
            return tables.size() == 1 ? tables.get(0) : tables.get(layer);
        }

        @Override
        public boolean hasScoreTerm() {
            return true;
        }

        @Override
        public boolean hasValueTerm() {
            return valueTerm;
        }

        /** Bucket of every (query, key) pair, expanded to {@code [B, H, Tq, Tk]}. */
        private Tensor index(int b, int queryOffset, int tq, int keyOffset, int tk) {
            int l = maxDistance;
            return Tables.buckets(d -> Tables.clipped(d, l), queryOffset, tq, keyOffset, tk)
                    .reshape(1, 1, tq, tk).expand(b, dims().heads(), tq, tk);
        }

        private static Tensor as(Tensor t, DType dtype) {
            return t.dtype() == dtype ? t : t.to(dtype);
        }

        @Override
        protected Tensor computeScoreTerm(int layer, Tensor q, int queryOffset, int keyOffset, int keyLength) {
            Tensor rk = as(tables(layer).key(), q.dtype());
            Tensor qr = q.matmul(rk.mT());                            // [B, H, Tq, 2L+1]: q_i · r_k for every k
            Tensor idx = index(q.size(0), queryOffset, q.size(2), keyOffset, keyLength);
            return qr.gather(3, idx).div(Math.sqrt(dims().headDim())); // [B, H, Tq, Tk]: q_i · r_{clip(j-i)}
        }

        @Override
        protected Tensor computeValueTerm(int layer, Tensor weights, int queryOffset, int keyOffset) {
            int b = weights.size(0);
            int tq = weights.size(2);
            Tensor rv = as(tables(layer).value(), weights.dtype());
            Tensor idx = index(b, queryOffset, tq, keyOffset, weights.size(3));
            // weight mass per distance bucket, then a product with the value table
            Tensor perBucket = Tensor.zeros(weights.dtype(), b, dims().heads(), tq, 2 * maxDistance + 1)
                    .scatterAdd(3, idx, weights);
            return perBucket.matmul(rv);
        }

        @Override
        protected String extraRepr() {
            return super.extraRepr() + " maxDistance=" + maxDistance + (tables.size() > 1 ? " per-layer" : " shared")
                    + (valueTerm ? " valueTerm" : "");
        }
    }
}
