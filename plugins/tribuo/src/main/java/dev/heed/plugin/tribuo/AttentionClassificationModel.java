package dev.heed.plugin.tribuo;

import com.oracle.labs.mlrg.olcut.util.Pair;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apiguardian.api.API;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.provenance.ModelProvenance;

/**
 * A whole-sequence classifier trained by {@link AttentionClassificationTrainer}.
 *
 * <p><b>How an {@link Example} becomes a token sequence.</b> Tribuo keeps an example's features
 * sorted by name, so order must be carried by the names: a feature named {@code t<k>=<token>}
 * (e.g. {@code t0=the}, {@code t1=cat}) is token {@code <token>} at position {@code k}. Positions
 * are taken in increasing {@code k} (gaps close up); several features with the same {@code k}
 * share that position, their embeddings summed, each scaled by the feature's value. A feature
 * whose name has no such prefix is a token of its own, placed after the positioned ones in
 * feature-id order. Tokens share one embedding row wherever they occur ({@code t0=A} and
 * {@code t5=A} are the same token {@code A}); the positional scheme tells the positions apart.
 * A feature {@code t<k>=<token>} that is not in the model's feature map but whose token is
 * known is used as well (so a model trained on sequences of length 6 reads {@code t9=a}); other
 * unknown features are ignored, and an example with no usable feature is an
 * {@link IllegalArgumentException}, as in Tribuo's own models. Sequences longer than the
 * trainer's {@code maxLength} are an {@link IllegalArgumentException}.
 *
 * <p><b>Predictions</b> carry a score per label: the softmax of the logits (probabilities, so
 * {@link #generatesProbabilities()} is true).
 *
 * <p><b>Persistence.</b> {@link #save(Path)} writes one safetensors file: the weights, plus the
 * model description and the Tribuo provenance (JSON, see {@link TribuoProvenanceJson}) in its
 * metadata; {@link #load(Path)} reads it. Java serialization is refused (this class throws
 * {@link NotSerializableException}), and so is Tribuo's protobuf {@link #serialize()}. A loaded
 * model predicts exactly as the saved one; its feature map keeps the names and ids but not the
 * training value statistics.
 *
 * <p>Prediction is synchronised on the model (the network is not thread-safe).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class AttentionClassificationModel extends Model<Label> {

    private static final long serialVersionUID = 1L;

    /** Kind tag in saved files. */
    static final String KIND = "classification";

    private final transient AttentionNet net;
    private final transient TokenEncoder encoder;
    private final transient String[] labelNames;
    private final transient int batchSize;

    AttentionClassificationModel(String name, ModelProvenance provenance, ImmutableFeatureMap features,
                                 ImmutableOutputInfo<Label> labels, AttentionNet net, TokenEncoder encoder,
                                 String[] labelNames, int batchSize) {
        super(name, provenance, features, labels, true);
        this.net = net;
        this.encoder = encoder;
        this.labelNames = labelNames.clone();
        this.batchSize = batchSize;
    }

    static String[] labelNames(ImmutableOutputInfo<Label> labels) {
        String[] names = new String[labels.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = labels.getOutput(i).getLabel();
        }
        return names;
    }

    /**
     * @param example a token sequence (see the class documentation)
     * @return the most probable label with the probability of every label
     * @throws IllegalArgumentException if none of the example's features is known
     */
    @Override
    public Prediction<Label> predict(Example<Label> example) {
        return predictBatch(List.of(example)).get(0);
    }

    @Override
    protected List<Prediction<Label>> innerPredict(Iterable<Example<Label>> examples) {
        List<Example<Label>> all = new ArrayList<>();
        examples.forEach(all::add);
        List<Prediction<Label>> out = new ArrayList<>(all.size());
        for (int start = 0; start < all.size(); start += batchSize) {
            out.addAll(predictBatch(all.subList(start, Math.min(all.size(), start + batchSize))));
        }
        return out;
    }

    private synchronized List<Prediction<Label>> predictBatch(List<Example<Label>> examples) {
        List<TokenEncoder.Encoded> xs = new ArrayList<>(examples.size());
        for (Example<Label> e : examples) {
            xs.add(encoder.encode(e));
        }
        double[] p;
        try (NoGrad g = NoGrad.enter()) {
            Tensor logits = net.classLogits(TokenEncoder.batch(xs));
            p = logits.softmax(1).toDoubleArray();
        }
        int c = labelNames.length;
        List<Prediction<Label>> out = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            Map<String, Label> scores = new LinkedHashMap<>();
            int best = 0;
            for (int k = 0; k < c; k++) {
                scores.put(labelNames[k], new Label(labelNames[k], p[i * c + k]));
                if (p[i * c + k] > p[i * c + best]) {
                    best = k;
                }
            }
            out.add(new Prediction<>(scores.get(labelNames[best]), scores, xs.get(i).used(), examples.get(i), true));
        }
        return out;
    }

    /** @return an empty map: attention models have no per-feature weights to rank */
    @Override
    public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) {
        return Map.of();
    }

    /** @return empty: excuses are not supported */
    @Override
    public Optional<Excuse<Label>> getExcuse(Example<Label> example) {
        return Optional.empty();
    }

    @Override
    protected synchronized AttentionClassificationModel copy(String newName, ModelProvenance newProvenance) {
        AttentionNet copy = new AttentionNet(net.spec(), Rng.seeded(0));
        Map<String, Tensor> state = new LinkedHashMap<>();
        net.stateDict().forEach((k, v) -> state.put(k, v.copy()));
        copy.loadStateDict(state);
        copy.eval();
        return new AttentionClassificationModel(newName, newProvenance, featureIDMap, outputIDInfo, copy, encoder,
                labelNames, batchSize);
    }

    /**
     * Saves the model as one safetensors file (weights, description and provenance JSON in the
     * metadata), atomically: the previous file is intact if writing fails.
     *
     * @param file target path; its directory must exist
     * @throws IOException if the file cannot be written
     */
    public synchronized void save(Path file) throws IOException {
        ModelFiles.save(file, KIND, name, net, encoder, featureIDMap, outputIDInfo, labelNames, batchSize, provenance);
    }

    /**
     * Loads a model saved by {@link #save(Path)}. Nothing in the file selects a Java class except
     * Tribuo/OLCUT provenance classes from an allow-list (see {@link TribuoProvenanceJson}).
     *
     * @param file a file written by {@link #save(Path)}
     * @return the model, with the saved provenance
     * @throws dev.heed.core.io.CheckpointFormatException if the file is not a valid saved
     *     classification model (the message says what is wrong)
     * @throws IOException if it cannot be read
     */
    public static AttentionClassificationModel load(Path file) throws IOException {
        ModelFiles.Loaded l = ModelFiles.load(file, KIND, TokenEncoder.Mode.POSITIONED);
        return new AttentionClassificationModel(l.name(), l.provenance(), l.features(), l.labels(), l.net(),
                l.encoder(), l.labelNames(), l.batchSize());
    }

    /**
     * Tribuo's protobuf serialization is not supported.
     *
     * @throws UnsupportedOperationException always; use {@link #save(Path)}
     */
    @Override
    public ModelProto serialize() {
        throw new UnsupportedOperationException("AttentionClassificationModel: Tribuo protobuf serialization is not "
                + "supported; use save(Path) and AttentionClassificationModel.load(Path) (safetensors + JSON provenance)");
    }

    private Object writeReplace() throws NotSerializableException {
        throw refused();
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        throw refused();
    }

    private void readObject(ObjectInputStream in) throws IOException {
        throw refused();
    }

    private static NotSerializableException refused() {
        return new NotSerializableException("AttentionClassificationModel: Java serialization is not supported; use "
                + "save(Path) and AttentionClassificationModel.load(Path) (safetensors + JSON provenance)");
    }
}
