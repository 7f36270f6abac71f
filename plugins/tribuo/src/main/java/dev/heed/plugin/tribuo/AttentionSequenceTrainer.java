package dev.heed.plugin.tribuo;

import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import dev.heed.core.Rng;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.TrainerProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;
import org.tribuo.sequence.SequenceDataset;
import org.tribuo.sequence.SequenceExample;
import org.tribuo.sequence.SequenceModel;
import org.tribuo.sequence.SequenceTrainer;

/**
 * A Tribuo {@link SequenceTrainer} of token taggers built on Heed's attention stack: each
 * {@link SequenceExample} is a token sequence whose {@code i}-th {@link Example} is position
 * {@code i}; a position's vector is the sum of the embeddings of its known features (each scaled by
 * the feature's value, one embedding row per feature of the dataset's feature map), it runs
 * through a bidirectional transformer encoder with the chosen similarity and positional scheme,
 * and a linear head gives each position a label.
 *
 * <pre>{@code
 * AttentionSequenceTrainer trainer = new AttentionSequenceTrainer();
 * SequenceModel<Label> tagger = trainer.train(sequenceDataset);
 * List<Prediction<Label>> tags = tagger.predict(sequenceExample);
 * }</pre>
 *
 * <p>Hyperparameters, validation and reproducibility are those of
 * {@link AttentionClassificationTrainer} (same {@code @Config} fields and defaults). Train call
 * number {@code n} uses {@code Rng.seeded(seed).child(n)}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class AttentionSequenceTrainer extends AttentionTrainerSupport implements SequenceTrainer<Label> {

    /** A trainer with the default hyperparameters (also the OLCUT constructor). */
    public AttentionSequenceTrainer() {}

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
    public AttentionSequenceTrainer(String similarity, String positional, int heads, int layers, int width,
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

    @Override
    public SequenceModel<Label> train(SequenceDataset<Label> examples, Map<String, Provenance> runProvenance) {
        return train(examples, runProvenance, Trainer.INCREMENT_INVOCATION_COUNT);
    }

    /**
     * Trains a tagger with the given invocation count (or the trainer's own when
     * {@link Trainer#INCREMENT_INVOCATION_COUNT}).
     *
     * @param examples the sequences
     * @param runProvenance extra provenance to record
     * @param invocationCount the call number to use, or {@link Trainer#INCREMENT_INVOCATION_COUNT}
     * @return the tagger
     * @throws IllegalArgumentException if the dataset is empty, has fewer than 2 labels, or a
     *     sequence has no known feature or too many positions
     */
    public SequenceModel<Label> train(SequenceDataset<Label> examples, Map<String, Provenance> runProvenance,
                                      int invocationCount) {
        TrainerProvenance trainerProvenance;
        int invocation;
        synchronized (this) {
            if (invocationCount != Trainer.INCREMENT_INVOCATION_COUNT) {
                setInvocationCount(invocationCount);
            }
            trainerProvenance = getProvenance();
            invocation = nextInvocation();
        }
        if (examples.size() == 0) {
            throw new IllegalArgumentException("AttentionSequenceTrainer.train: the dataset is empty");
        }
        ImmutableFeatureMap features = examples.getFeatureIDMap();
        ImmutableOutputInfo<Label> labels = examples.getOutputIDInfo();
        if (labels.size() < 2) {
            throw new IllegalArgumentException("AttentionSequenceTrainer.train: the dataset has " + labels.size()
                    + " label(s) " + labels.getDomain() + "; a tagger needs at least 2");
        }
        TokenEncoder encoder = TokenEncoder.fit(TokenEncoder.Mode.PER_TOKEN, features);
        List<TokenEncoder.Encoded> xs = new ArrayList<>(examples.size());
        List<Target> ys = new ArrayList<>(examples.size());
        int i = 0;
        for (SequenceExample<Label> s : examples) {
            try {
                xs.add(encoder.encode(s));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("AttentionSequenceTrainer.train: sequence " + i + ": "
                        + ex.getMessage(), ex);
            }
            long[] t = new long[s.size()];
            float[] w = new float[s.size()];
            for (int k = 0; k < s.size(); k++) {
                Example<Label> tok = s.get(k);
                t[k] = labels.getID(tok.getOutput());
                w[k] = s.getWeight() * tok.getWeight();
            }
            ys.add(new Target(t, w));
            i++;
        }
        Rng rng = rngFor(invocation);
        AttentionNet net = fit(spec(encoder.tableRows(), labels.size(), "none"), xs, ys, true, rng);
        ModelProvenance provenance = new ModelProvenance(AttentionSequenceModel.class.getName(), OffsetDateTime.now(),
                examples.getProvenance(), trainerProvenance, runProvenance);
        return new AttentionSequenceModel("attention-tagger", provenance, features, labels, net, encoder,
                AttentionClassificationModel.labelNames(labels), batchSize);
    }

    @Override
    public TrainerProvenance getProvenance() {
        return new TrainerProvenanceImpl(this);
    }

    @Override
    public String toString() {
        return "AttentionSequenceTrainer(similarity=" + similarity + ", positional=" + positional + ", heads="
                + heads + ", layers=" + layers + ", width=" + width + ", epochs=" + epochs + ", learningRate="
                + learningRate + ", seed=" + seed + ", batchSize=" + batchSize + ", maxLength=" + maxLength + ")";
    }
}
