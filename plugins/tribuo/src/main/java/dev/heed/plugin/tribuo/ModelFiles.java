package dev.heed.plugin.tribuo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.checkpoint.TensorBlobs;
import dev.heed.core.io.CheckpointFormatException;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.io.SafeTensorsContent;
import dev.heed.core.nn.Module;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableFeatureMap;
import org.tribuo.MutableOutputInfo;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.provenance.ModelProvenance;

/**
 * The saved form of both model kinds: one safetensors file holding the network's state dict, with
 * the model description and the Tribuo provenance as JSON strings in its {@code __metadata__}.
 *
 * <p>Metadata keys: {@value #FORMAT_KEY} ({@value #FORMAT}), {@value #KIND_KEY}
 * ({@code classification} or {@code tagging}), {@value #MODEL_KEY} (name, network spec, token
 * vocabulary, feature names in id order, labels in head order with their counts, prediction
 * batch size) and {@value #PROVENANCE_KEY} ({@link TribuoProvenanceJson}).
 */
final class ModelFiles {

    static final String FORMAT_KEY = "heed.tribuo.format";
    static final String FORMAT = "heed-tribuo/1";
    static final String KIND_KEY = "heed.tribuo.kind";
    static final String MODEL_KEY = "heed.tribuo.model";
    static final String PROVENANCE_KEY = "tribuo.provenance";

    private ModelFiles() {}

    /** What a saved file holds. */
    record Loaded(String name, AttentionNet net, TokenEncoder encoder, ImmutableFeatureMap features,
                  ImmutableOutputInfo<Label> labels, String[] labelNames, int batchSize, ModelProvenance provenance) {}

    static void save(Path file, String kind, String name, AttentionNet net, TokenEncoder encoder,
                     ImmutableFeatureMap features, ImmutableOutputInfo<Label> labels, String[] labelNames, int batchSize,
                     ModelProvenance provenance) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode model = json.createObjectNode();
        model.put("name", name);
        model.set("spec", net.spec().toJson(json));
        ArrayNode tokens = model.putArray("tokens");
        encoder.tokens().forEach(tokens::add);
        ArrayNode names = model.putArray("features");
        for (int id = 0; id < features.size(); id++) {
            names.add(features.get(id).getName());
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        for (com.oracle.labs.mlrg.olcut.util.Pair<String, Long> p : labels.outputCountsIterable()) {
            counts.put(p.getA(), p.getB());
        }
        ArrayNode ls = model.putArray("labels");
        for (String l : labelNames) {
            ObjectNode o = ls.addObject();
            o.put("name", l);
            o.put("count", counts.getOrDefault(l, 1L));
        }
        model.put("batchSize", batchSize);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(FORMAT_KEY, FORMAT);
        metadata.put(KIND_KEY, kind);
        try {
            metadata.put(MODEL_KEY, json.writeValueAsString(model));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("save: cannot write the model description: " + e.getMessage(), e);
        }
        metadata.put(PROVENANCE_KEY, TribuoProvenanceJson.toJson(provenance));
        SafeTensors.write(file, TensorBlobs.toBlobs(net.stateDict()), metadata);
    }

    static Loaded load(Path file, String kind, TokenEncoder.Mode mode) throws IOException {
        String where = file.toString();
        SafeTensorsContent content = SafeTensors.read(file);
        Map<String, String> md = content.metadata();
        String format = md.get(FORMAT_KEY);
        if (!FORMAT.equals(format)) {
            throw new CheckpointFormatException(where, null, "metadata '" + FORMAT_KEY + "' is "
                    + (format == null ? "missing" : "'" + format + "'") + ", expected '" + FORMAT
                    + "'; this file was not saved by a heed-plugin-tribuo model");
        }
        String actualKind = md.get(KIND_KEY);
        if (!kind.equals(actualKind)) {
            throw new CheckpointFormatException(where, null, "holds a '" + actualKind + "' model, not '" + kind
                    + "'; load it with the other model class");
        }
        try {
            JsonNode model = new ObjectMapper().readTree(required(md, MODEL_KEY, where));
            NetSpec spec = NetSpec.fromJson(model.path("spec"));
            MutableFeatureMap fm = new MutableFeatureMap();
            for (JsonNode n : model.path("features")) {
                fm.add(n.asText(), 1.0);
            }
            ImmutableFeatureMap features = new ImmutableFeatureMap(fm);
            List<String> tokens = new ArrayList<>();
            model.path("tokens").forEach(n -> tokens.add(n.asText()));
            TokenEncoder encoder = TokenEncoder.restore(mode, features, tokens);
            MutableOutputInfo<Label> info = new LabelFactory().generateInfo();
            List<String> labelNames = new ArrayList<>();
            for (JsonNode l : model.path("labels")) {
                Label label = new Label(l.path("name").asText());
                labelNames.add(label.getLabel());
                long count = Math.max(1, l.path("count").asLong());
                for (long c = 0; c < count; c++) {
                    info.observe(label);
                }
            }
            if (labelNames.size() != spec.classes() || encoder.tableRows() != spec.tableRows()) {
                throw new CheckpointFormatException(where, null, "the model description is inconsistent: "
                        + labelNames.size() + " labels for " + spec.classes() + " classes, " + encoder.tableRows()
                        + " table rows for " + spec.tableRows());
            }
            ObjectProvenance prov = TribuoProvenanceJson.fromJson(required(md, PROVENANCE_KEY, where));
            if (!(prov instanceof ModelProvenance mp)) {
                throw new CheckpointFormatException(where, null, "the provenance is a " + prov.getClass().getName()
                        + ", expected a ModelProvenance");
            }
            Map<String, Tensor> state = TensorBlobs.toTensors(content.tensors(), where);
            AttentionNet net = new AttentionNet(spec, Rng.seeded(0));
            Module.LoadResult r = net.loadStateDict(state, true);
            if (!r.missingKeys().isEmpty() || !r.unexpectedKeys().isEmpty()) {
                throw new CheckpointFormatException(where, null, "state dict does not match the network: " + r);
            }
            net.eval();
            return new Loaded(model.path("name").asText(), net, encoder, features,
                    info.generateImmutableOutputInfo(), labelNames.toArray(new String[0]),
                    Math.max(1, model.path("batchSize").asInt(16)), mp);
        } catch (JsonProcessingException e) {
            throw new CheckpointFormatException(where, null, "metadata '" + MODEL_KEY + "' is not JSON: "
                    + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(where, null, e.getMessage(), e);
        }
    }

    private static String required(Map<String, String> md, String key, String where) throws CheckpointFormatException {
        String v = md.get(key);
        if (v == null) {
            throw new CheckpointFormatException(where, null, "metadata '" + key + "' is missing");
        }
        return v;
    }
}
