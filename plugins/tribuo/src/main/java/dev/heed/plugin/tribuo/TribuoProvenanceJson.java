package dev.heed.plugin.tribuo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import com.oracle.labs.mlrg.olcut.provenance.io.FlatMarshalledProvenance;
import com.oracle.labs.mlrg.olcut.provenance.io.ListMarshalledProvenance;
import com.oracle.labs.mlrg.olcut.provenance.io.MapMarshalledProvenance;
import com.oracle.labs.mlrg.olcut.provenance.io.ObjectMarshalledProvenance;
import com.oracle.labs.mlrg.olcut.provenance.io.SimpleMarshalledProvenance;
import com.oracle.labs.mlrg.olcut.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * Tribuo provenance as JSON: {@link ProvenanceUtil#marshalProvenance} flattens an
 * {@link ObjectProvenance} into marshalled records, which this class writes as a JSON array (and
 * reads back before {@link ProvenanceUtil#unmarshalProvenance}).
 *
 * <p>The JSON is an array of objects {@code {"name", "object-class", "provenance-class", "map"}};
 * a map value is a simple record {@code {"key", "value", "provenance-class", "additional",
 * "is-reference"}}, a JSON array (a list) or {@code {"map": {...}}} (a map).
 *
 * <p>Reading: unmarshalling instantiates provenance classes named in the JSON, so
 * {@link #fromJson(String)} first checks that every provenance class lies in {@code org.tribuo.},
 * {@code com.oracle.labs.mlrg.olcut.} or {@code dev.heed.plugin.tribuo.} and rejects the document
 * otherwise. Stateless and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class TribuoProvenanceJson {

    private static final List<String> ALLOWED_PREFIXES =
            List.of("org.tribuo.", "com.oracle.labs.mlrg.olcut.", "dev.heed.plugin.tribuo.");

    private TribuoProvenanceJson() {}

    private static ObjectMapper mapper() {
        return new ObjectMapper();
    }

    /**
     * @param provenance a provenance, e.g. a model's {@code ModelProvenance}; not null
     * @return compact JSON
     */
    public static String toJson(ObjectProvenance provenance) {
        ObjectMapper json = mapper();
        ArrayNode out = json.createArrayNode();
        for (ObjectMarshalledProvenance o : ProvenanceUtil.marshalProvenance(provenance)) {
            ObjectNode n = out.addObject();
            n.put("name", o.getName());
            n.put("object-class", o.getObjectClassName());
            n.put("provenance-class", o.getProvenanceClassName());
            ObjectNode map = n.putObject("map");
            o.getMap().forEach((k, v) -> map.set(k, flat(json, v)));
        }
        try {
            return json.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("TribuoProvenanceJson.toJson: cannot write JSON: " + e.getMessage(), e);
        }
    }

    private static JsonNode flat(ObjectMapper json, FlatMarshalledProvenance p) {
        if (p instanceof SimpleMarshalledProvenance s) {
            ObjectNode n = json.createObjectNode();
            n.put("key", s.getKey());
            n.put("value", s.getValue());
            n.put("provenance-class", s.getProvenanceClassName());
            n.put("additional", s.getAdditional());
            n.put("is-reference", s.isReference());
            return n;
        }
        if (p instanceof ListMarshalledProvenance l) {
            ArrayNode a = json.createArrayNode();
            for (FlatMarshalledProvenance e : l) {
                a.add(flat(json, e));
            }
            return a;
        }
        if (p instanceof MapMarshalledProvenance m) {
            ObjectNode n = json.createObjectNode();
            ObjectNode entries = n.putObject("map");
            for (Pair<String, FlatMarshalledProvenance> e : m) {
                entries.set(e.getA(), flat(json, e.getB()));
            }
            return n;
        }
        throw new IllegalArgumentException("TribuoProvenanceJson.toJson: unknown marshalled provenance type "
                + p.getClass().getName());
    }

    /**
     * @param json a document written by {@link #toJson(ObjectProvenance)}
     * @return the unmarshalled provenance (equal to the one written)
     * @throws IllegalArgumentException for malformed JSON, a missing field or a provenance class
     *     outside the allowed packages
     */
    public static ObjectProvenance fromJson(String json) {
        JsonNode root;
        try {
            root = mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("TribuoProvenanceJson.fromJson: not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw new IllegalArgumentException("TribuoProvenanceJson.fromJson: expected a non-empty JSON array of "
                    + "marshalled provenance objects");
        }
        List<ObjectMarshalledProvenance> list = new ArrayList<>();
        for (JsonNode n : root) {
            Map<String, FlatMarshalledProvenance> map = new LinkedHashMap<>();
            JsonNode m = field(n, "map");
            for (Map.Entry<String, JsonNode> e : m.properties()) {
                map.put(e.getKey(), readFlat(e.getValue()));
            }
            list.add(new ObjectMarshalledProvenance(text(n, "name"), map, text(n, "object-class"),
                    allowed(text(n, "provenance-class"))));
        }
        return ProvenanceUtil.unmarshalProvenance(list);
    }

    private static FlatMarshalledProvenance readFlat(JsonNode n) {
        if (n.isArray()) {
            List<FlatMarshalledProvenance> items = new ArrayList<>();
            for (JsonNode e : n) {
                items.add(readFlat(e));
            }
            return new ListMarshalledProvenance(items);
        }
        if (n.isObject() && n.has("map") && n.size() == 1) {
            Map<String, FlatMarshalledProvenance> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : n.get("map").properties()) {
                map.put(e.getKey(), readFlat(e.getValue()));
            }
            return new MapMarshalledProvenance(map);
        }
        JsonNode ref = field(n, "is-reference");
        return new SimpleMarshalledProvenance(text(n, "key"), nullableText(n, "value"),
                allowed(text(n, "provenance-class")), ref.asBoolean(), nullableText(n, "additional"));
    }

    private static String allowed(String className) {
        for (String p : ALLOWED_PREFIXES) {
            if (className.startsWith(p)) {
                return className;
            }
        }
        throw new IllegalArgumentException("TribuoProvenanceJson.fromJson: provenance class '" + className
                + "' is outside the allowed packages " + ALLOWED_PREFIXES + "; refusing to instantiate it");
    }

    private static JsonNode field(JsonNode n, String name) {
        JsonNode v = n == null ? null : n.get(name);
        if (v == null) {
            throw new IllegalArgumentException("TribuoProvenanceJson.fromJson: missing field '" + name + "' in " + n);
        }
        return v;
    }

    private static String text(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("TribuoProvenanceJson.fromJson: field '" + name
                    + "' must be a string, got " + v);
        }
        return v.asText();
    }

    private static String nullableText(JsonNode n, String name) {
        JsonNode v = n.get(name);
        return v == null || v.isNull() ? null : v.asText();
    }
}
