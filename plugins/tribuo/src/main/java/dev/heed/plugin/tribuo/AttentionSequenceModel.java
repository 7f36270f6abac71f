package dev.heed.plugin.tribuo;

import com.oracle.labs.mlrg.olcut.util.Pair;
import dev.heed.core.NoGrad;
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
import org.apiguardian.api.API;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.protos.core.SequenceModelProto;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.sequence.SequenceExample;
import org.tribuo.sequence.SequenceModel;

/**
 * A token tagger trained by {@link AttentionSequenceTrainer}: one {@link Prediction} per token,
 * each with the softmax probability of every label.
 *
 * <p>Encoding: token {@code i} of a {@link SequenceExample} is position {@code i}; its vector is
 * the sum of the embeddings of its features known to the model (each scaled by the feature's
 * value). A token with no known feature uses a reserved "unknown" row; a sequence with no known
 * feature at all is an {@link IllegalArgumentException}.
 *
 * <p>Persistence as for {@link AttentionClassificationModel}: {@link #save(Path)} /
 * {@link #load(Path)} with safetensors and JSON provenance; Java serialization and Tribuo's
 * protobuf {@link #serialize()} are refused. Prediction is synchronised on the model.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class AttentionSequenceModel extends SequenceModel<Label> {

    private static final long serialVersionUID = 1L;

    /** Kind tag in saved files. */
    static final String KIND = "tagging";

    private final transient AttentionNet net;
    private final transient TokenEncoder encoder;
    private final transient String[] labelNames;
    private final transient int batchSize;

    AttentionSequenceModel(String name, ModelProvenance provenance, ImmutableFeatureMap features,
                           ImmutableOutputInfo<Label> labels, AttentionNet net, TokenEncoder encoder,
                           String[] labelNames, int batchSize) {
        super(name, provenance, features, labels);
        this.net = net;
        this.encoder = encoder;
        this.labelNames = labelNames.clone();
        this.batchSize = batchSize;
    }

    /**
     * @param example a token sequence
     * @return one prediction per token, in order
     * @throws IllegalArgumentException if none of its features is known
     */
    @Override
    public List<Prediction<Label>> predict(SequenceExample<Label> example) {
        return predictBatch(List.of(example)).get(0);
    }

    @Override
    public List<List<Prediction<Label>>> predict(Iterable<SequenceExample<Label>> examples) {
        List<SequenceExample<Label>> all = new ArrayList<>();
        examples.forEach(all::add);
        List<List<Prediction<Label>>> out = new ArrayList<>(all.size());
        for (int start = 0; start < all.size(); start += batchSize) {
            out.addAll(predictBatch(all.subList(start, Math.min(all.size(), start + batchSize))));
        }
        return out;
    }

    private synchronized List<List<Prediction<Label>>> predictBatch(List<SequenceExample<Label>> examples) {
        List<TokenEncoder.Encoded> xs = new ArrayList<>(examples.size());
        for (SequenceExample<Label> e : examples) {
            xs.add(encoder.encode(e));
        }
        TokenEncoder.Batch batch = TokenEncoder.batch(xs);
        double[] p;
        try (NoGrad g = NoGrad.enter()) {
            Tensor logits = net.tagLogits(batch);
            p = logits.softmax(2).toDoubleArray();
        }
        int c = labelNames.length;
        int t = batch.maxLength();
        List<List<Prediction<Label>>> out = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            SequenceExample<Label> s = examples.get(i);
            List<Prediction<Label>> tags = new ArrayList<>(s.size());
            for (int k = 0; k < s.size(); k++) {
                int base = (i * t + k) * c;
                Map<String, Label> scores = new LinkedHashMap<>();
                int best = 0;
                for (int j = 0; j < c; j++) {
                    scores.put(labelNames[j], new Label(labelNames[j], p[base + j]));
                    if (p[base + j] > p[base + best]) {
                        best = j;
                    }
                }
                int used = 0;
                for (org.tribuo.Feature f : s.get(k)) {
                    if (featureIDMap.getID(f.getName()) >= 0) {
                        used++;
                    }
                }
                tags.add(new Prediction<>(scores.get(labelNames[best]), scores, used, s.get(k), true));
            }
            out.add(tags);
        }
        return out;
    }

    /** @return an empty map: attention models have no per-feature weights to rank */
    @Override
    public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) {
        return Map.of();
    }

    /**
     * Saves the tagger as one safetensors file (weights, description and provenance JSON in the
     * metadata), atomically.
     *
     * @param file target path; its directory must exist
     * @throws IOException if the file cannot be written
     */
    public synchronized void save(Path file) throws IOException {
        ModelFiles.save(file, KIND, name, net, encoder, featureIDMap, outputIDMap, labelNames, batchSize,
                getProvenance());
    }

    /**
     * Loads a tagger saved by {@link #save(Path)}.
     *
     * @param file a file written by {@link #save(Path)}
     * @return the tagger, with the saved provenance
     * @throws dev.heed.core.io.CheckpointFormatException if the file is not a valid saved tagger
     * @throws IOException if it cannot be read
     */
    public static AttentionSequenceModel load(Path file) throws IOException {
        ModelFiles.Loaded l = ModelFiles.load(file, KIND, TokenEncoder.Mode.PER_TOKEN);
        return new AttentionSequenceModel(l.name(), l.provenance(), l.features(), l.labels(), l.net(), l.encoder(),
                l.labelNames(), l.batchSize());
    }

    /**
     * Tribuo's protobuf serialization is not supported.
     *
     * @throws UnsupportedOperationException always; use {@link #save(Path)}
     */
    @Override
    public SequenceModelProto serialize() {
        throw new UnsupportedOperationException("AttentionSequenceModel: Tribuo protobuf serialization is not "
                + "supported; use save(Path) and AttentionSequenceModel.load(Path) (safetensors + JSON provenance)");
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
        return new NotSerializableException("AttentionSequenceModel: Java serialization is not supported; use "
                + "save(Path) and AttentionSequenceModel.load(Path) (safetensors + JSON provenance)");
    }
}
