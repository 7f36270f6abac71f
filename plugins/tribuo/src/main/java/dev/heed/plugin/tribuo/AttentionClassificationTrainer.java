package dev.heed.plugin.tribuo;

import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import dev.heed.core.Rng;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.TrainerProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;

/**
 * A Tribuo {@link Trainer} of whole-sequence classifiers built on Heed's attention stack: each
 * {@link Example} is a token sequence (see {@link AttentionClassificationModel} for the encoding),
 * embedded, run through a bidirectional transformer encoder with the chosen similarity and
 * positional scheme, mean-pooled over its positions and classified by a linear head.
 *
 * <pre>{@code
 * AttentionClassificationTrainer trainer = new AttentionClassificationTrainer();   // defaults
 * trainer.setSimilarity("cosine").setPositional("relative-bias").setEpochs(30);   // optional
 * Model<Label> model = trainer.train(dataset);
 * LabelEvaluation eval = new LabelEvaluator().evaluate(model, testSet);
 * }</pre>
 *
 * <p>Hyperparameters are OLCUT {@code @Config} fields (settable from Tribuo configuration files):
 * {@code similarity} (default {@code scaled-dot}), {@code positional} ({@code sinusoidal}),
 * {@code heads} (2), {@code layers} (1), {@code width} (32), {@code epochs} (20),
 * {@code learningRate} (0.003), {@code seed} ({@link Trainer#DEFAULT_SEED}), {@code batchSize} (16),
 * {@code maxLength} (64). They are validated by {@link #postConfig()}, which the setters call too.
 *
 * <p>Reproducibility: train call number {@code n} (see {@link #getInvocationCount()}) uses the
 * generator {@code Rng.seeded(seed).child(n)}; the same seed and invocation count give the same
 * model, bit for bit. Training is single-threaded; a trainer may be shared between threads (the
 * invocation count is synchronised) but each call trains alone.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class AttentionClassificationTrainer extends AttentionTrainerSupport implements Trainer<Label> {

    /** A trainer with the default hyperparameters (also the OLCUT constructor). */
    public AttentionClassificationTrainer() {}

    /**
     * @param similarity similarity name
     * @param positional positional scheme name
     * @param heads attention heads
     * @param layers transformer blocks
     * @param width model width (a multiple of heads)
     * @param epochs passes over the data
     * @param learningRate AdamW learning rate
     * @param seed root seed
     * @param batchSize sequences per step
     * @param maxLength longest sequence
     * @throws IllegalArgumentException if a value is invalid (see {@link #postConfig()})
     */
    public AttentionClassificationTrainer(String similarity, String positional, int heads, int layers, int width,
                                          int epochs, double learningRate, long seed, int batchSize, int maxLength) {
        this.similarity = similarity;
        this.positional = positional;
        this.heads = heads;
        this.layers = layers;
        this.width = width;
        this.epochs = epochs;
        this.learningRate = learningRate;
        this.seed = seed;
        this.batchSize = batchSize;
        this.maxLength = maxLength;
        postConfig();
    }

    /**
     * Trains a model with the given invocation count (or the trainer's own when
     * {@link Trainer#INCREMENT_INVOCATION_COUNT}).
     *
     * @throws IllegalArgumentException if the dataset is empty, has fewer than 2 labels, or an
     *     example has no known feature or too many positions
     */
    @Override
    public Model<Label> train(Dataset<Label> examples, Map<String, Provenance> runProvenance, int invocationCount) {
        TrainerProvenance trainerProvenance;
        int invocation;
        synchronized (this) {
            if (invocationCount != INCREMENT_INVOCATION_COUNT) {
                setInvocationCount(invocationCount);
            }
            trainerProvenance = getProvenance();
            invocation = nextInvocation();
        }
        if (examples.size() == 0) {
            throw new IllegalArgumentException("AttentionClassificationTrainer.train: the dataset is empty");
        }
        ImmutableFeatureMap features = examples.getFeatureIDMap();
        ImmutableOutputInfo<Label> labels = examples.getOutputIDInfo();
        if (labels.size() < 2) {
            throw new IllegalArgumentException("AttentionClassificationTrainer.train: the dataset has "
                    + labels.size() + " label(s) " + labels.getDomain() + "; a classifier needs at least 2");
        }
        TokenEncoder encoder = TokenEncoder.fit(TokenEncoder.Mode.POSITIONED, features);
        List<TokenEncoder.Encoded> xs = new ArrayList<>(examples.size());
        List<Target> ys = new ArrayList<>(examples.size());
        int i = 0;
        for (Example<Label> e : examples) {
            try {
                xs.add(encoder.encode(e));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("AttentionClassificationTrainer.train: example " + i + ": "
                        + ex.getMessage(), ex);
            }
            ys.add(new Target(new long[] {labels.getID(e.getOutput())}, new float[] {e.getWeight()}));
            i++;
        }
        Rng rng = rngFor(invocation);
        NetSpec spec = spec(encoder.tableRows(), labels.size(), "mean");
        AttentionNet net = fit(spec, xs, ys, false, rng);
        ModelProvenance provenance = new ModelProvenance(AttentionClassificationModel.class.getName(),
                OffsetDateTime.now(), examples.getProvenance(), trainerProvenance, runProvenance);
        return new AttentionClassificationModel("attention-classifier", provenance, features, labels, net, encoder,
                AttentionClassificationModel.labelNames(labels), batchSize);
    }

    @Override
    public Model<Label> train(Dataset<Label> examples, Map<String, Provenance> runProvenance) {
        return train(examples, runProvenance, INCREMENT_INVOCATION_COUNT);
    }

    @Override
    public TrainerProvenance getProvenance() {
        return new TrainerProvenanceImpl(this);
    }

    /** @param v similarity name @return this @throws IllegalArgumentException if unknown */
    public AttentionClassificationTrainer setSimilarity(String v) {
        String old = similarity;
        similarity = v;
        try {
            postConfig();
        } catch (IllegalArgumentException e) {
            similarity = old;
            throw e;
        }
        return this;
    }

    /** @param v positional scheme name @return this @throws IllegalArgumentException if unknown */
    public AttentionClassificationTrainer setPositional(String v) {
        String old = positional;
        positional = v;
        try {
            postConfig();
        } catch (IllegalArgumentException e) {
            positional = old;
            throw e;
        }
        return this;
    }

    /** @param v number of passes over the data @return this @throws IllegalArgumentException if not positive */
    public AttentionClassificationTrainer setEpochs(int v) {
        int old = epochs;
        epochs = v;
        try {
            postConfig();
        } catch (IllegalArgumentException e) {
            epochs = old;
            throw e;
        }
        return this;
    }

    @Override
    public String toString() {
        return "AttentionClassificationTrainer(similarity=" + similarity + ", positional=" + positional + ", heads="
                + heads + ", layers=" + layers + ", width=" + width + ", epochs=" + epochs + ", learningRate="
                + learningRate + ", seed=" + seed + ", batchSize=" + batchSize + ", maxLength=" + maxLength + ")";
    }
}
