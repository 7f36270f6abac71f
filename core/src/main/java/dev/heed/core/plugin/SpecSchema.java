package dev.heed.core.plugin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.heed.core.Suggestions;
import dev.heed.core.spi.InvalidOptionException;
import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import dev.heed.core.spi.PluginProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * The shape of one JSON object in a stack spec: plain options, provider slots and nested sections.
 * Parsing validates a document against it and reports the first problem with its JSON path.
 *
 * <pre>{@code
 * SpecSchema attention = SpecSchema.builder("attention")
 *         .option(OptionSpec.ofInt("heads", 1, "number of heads").atLeast(1))
 *         .provider("similarity", similarities, "scaled-dot")
 *         .provider("positional", positionals, "none")
 *         .build();
 * SpecSchema stack = SpecSchema.builder("stack").section("attention", attention).build();
 * Spec spec = stack.parse("{\"attention\": {\"similarity\": \"cosine\", \"heads\": 4,"
 *         + " \"positional\": {\"name\": \"relative-bias\", \"maxDistance\": 32}}}");
 * }</pre>
 *
 * <p>A provider reference is either a string (the provider's name, default options) or an object
 * with {@code "name"} and the provider's options. Unknown keys, unknown provider names, bad option
 * values, JSON {@code null} and duplicate keys are {@link SpecException}s. Immutable and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class SpecSchema {

    private static final Pattern SIMPLE_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    private final String label;
    private final List<OptionSpec> options;
    private final Map<String, Slot<?>> slots;
    private final Map<String, SpecSchema> sections;

    private SpecSchema(Builder b) {
        this.label = b.label;
        this.options = List.copyOf(b.options);
        this.slots = Map.copyOf(b.slots);
        this.sections = Map.copyOf(b.sections);
    }

    private record Slot<P extends PluginProvider<?>>(PluginRegistry<P> registry, String defaultName) {}

    /**
     * @param label how messages name objects of this shape, e.g. {@code "attention"}
     * @return a builder
     */
    public static Builder builder(String label) {
        return new Builder(label);
    }

    /** @return every key this object accepts, in declaration order */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        options.forEach(o -> keys.add(o.name()));
        keys.addAll(new java.util.TreeSet<>(slots.keySet()));
        keys.addAll(new java.util.TreeSet<>(sections.keySet()));
        return keys;
    }

    /**
     * @param json a JSON object
     * @return the validated spec
     * @throws SpecException for malformed JSON (path {@code $}, with line and column) or any value
     *     that does not fit, with its path
     */
    public Spec parse(String json) {
        Objects.requireNonNull(json, "json");
        JsonMapper mapper = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new SpecException("$", "not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new SpecException("$", "the document is empty; expected a JSON object", null);
        }
        return parse(root);
    }

    /**
     * @param root a JSON object (the document root)
     * @return the validated spec
     * @throws SpecException for any value that does not fit, with its path
     */
    public Spec parse(JsonNode root) {
        return parse(root, "$");
    }

    private Spec parse(JsonNode node, String path) {
        if (!node.isObject()) {
            throw new SpecException(path, "expected a JSON object for " + label + ", got " + describe(node), null);
        }
        List<String> accepted = keys();
        Map<String, Object> given = new LinkedHashMap<>();
        Map<String, ProviderChoice<?>> chosen = new LinkedHashMap<>();
        Map<String, Spec> nested = new LinkedHashMap<>();
        Map<String, OptionSpec> optionByName = new LinkedHashMap<>();
        options.forEach(o -> optionByName.put(o.name(), o));
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = field.getKey();
            String childPath = child(path, key);
            if (optionByName.containsKey(key)) {
                given.put(key, scalar(field.getValue(), childPath, optionByName.get(key)));
            } else if (!slots.containsKey(key) && !sections.containsKey(key)) {
                throw new SpecException(childPath, "unknown key '" + key + "' in " + label + "; accepted keys: "
                        + (accepted.isEmpty() ? "none" : String.join(", ", accepted))
                        + Suggestions.didYouMean(key, accepted), null);
            }
        }
        try {
            Options validated = Options.validate("section '" + label + "'", options, given);
            for (Map.Entry<String, Slot<?>> e : slots.entrySet()) {
                chosen.put(e.getKey(), choose(e.getValue(), node.get(e.getKey()), child(path, e.getKey())));
            }
            for (Map.Entry<String, SpecSchema> e : sections.entrySet()) {
                JsonNode sub = node.get(e.getKey());
                String subPath = child(path, e.getKey());
                nested.put(e.getKey(), e.getValue().parse(sub == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : sub, subPath));
            }
            return new Spec(path, validated, chosen, nested);
        } catch (InvalidOptionException e) {
            throw new SpecException(child(path, e.option()), e.getMessage(), e);
        }
    }

    private static <P extends PluginProvider<?>> ProviderChoice<P> choose(Slot<P> slot, JsonNode ref, String path) {
        PluginRegistry<P> registry = slot.registry();
        String name;
        Map<String, Object> given = new LinkedHashMap<>();
        JsonNode options = null;
        if (ref == null) {
            if (slot.defaultName() == null) {
                throw new SpecException(path, "a " + registry.kind() + " provider is required; available: "
                        + String.join(", ", registry.names()), null);
            }
            name = slot.defaultName();
        } else if (ref.isTextual()) {
            name = ref.asText();
        } else if (ref.isObject()) {
            JsonNode n = ref.get("name");
            if (n == null || !n.isTextual()) {
                throw new SpecException(child(path, "name"), "a " + registry.kind()
                        + " provider object needs a string \"name\"; available: " + String.join(", ", registry.names())
                        + (n == null ? "" : "; got " + describe(n)), null);
            }
            name = n.asText();
            options = ref;
        } else {
            throw new SpecException(path, "expected a " + registry.kind()
                    + " provider name (string) or an object with \"name\" and options, got " + describe(ref), null);
        }
        P provider;
        try {
            provider = registry.get(name);
        } catch (UnknownPluginException | PluginConflictException e) {
            throw new SpecException(ref != null && ref.isObject() ? child(path, "name") : path, e.getMessage(), e);
        }
        Map<String, OptionSpec> specs = new LinkedHashMap<>();
        provider.options().forEach(o -> specs.put(o.name(), o));
        if (options != null) {
            for (Map.Entry<String, JsonNode> f : options.properties()) {
                if (!f.getKey().equals("name")) {
                    given.put(f.getKey(), scalar(f.getValue(), child(path, f.getKey()), specs.get(f.getKey())));
                }
            }
        }
        try {
            return new ProviderChoice<>(path, provider, Options.of(provider, given));
        } catch (InvalidOptionException e) {
            throw new SpecException(child(path, e.option()), e.getMessage(), e);
        }
    }

    /** JSON scalar to the Java value {@link OptionSpec#validate} expects; containers and null are errors. */
    private static Object scalar(JsonNode v, String path, OptionSpec spec) {
        String expected = spec == null ? "a scalar" : spec.allowedDescription();
        if (v.isNull()) {
            throw new SpecException(path, "null is not a value; expected " + expected
                    + " (omit the key to use the default)", null);
        }
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isIntegralNumber()) {
            return v.canConvertToLong() ? (Object) v.asLong() : (Object) v.asText();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        throw new SpecException(path, "expected " + expected + ", got " + describe(v), null);
    }

    private static String describe(JsonNode n) {
        if (n.isObject()) {
            return "an object";
        }
        if (n.isArray()) {
            return "an array";
        }
        if (n.isNull()) {
            return "null";
        }
        if (n.isTextual()) {
            return "the string \"" + n.asText() + "\"";
        }
        return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + n;
    }

    private static String child(String path, String key) {
        return SIMPLE_KEY.matcher(key).matches() ? path + "." + key
                : path + "['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']";
    }

    /** Collects the parts of a {@link SpecSchema}; keys must be unique across options, slots and sections. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public static final class Builder {
        private final String label;
        private final List<OptionSpec> options = new ArrayList<>();
        private final Map<String, Slot<?>> slots = new LinkedHashMap<>();
        private final Map<String, SpecSchema> sections = new LinkedHashMap<>();
        private final java.util.Set<String> keys = new java.util.HashSet<>();

        private Builder(String label) {
            this.label = Objects.requireNonNull(label, "label");
        }

        private void claim(String key) {
            Objects.requireNonNull(key, "key");
            if (!keys.add(key)) {
                throw new IllegalArgumentException("SpecSchema '" + label + "': key '" + key + "' is declared twice");
            }
        }

        /**
         * @param option a plain option of this object (e.g. {@code heads})
         * @return this builder
         */
        public Builder option(OptionSpec option) {
            claim(option.name());
            options.add(option);
            return this;
        }

        /**
         * A required provider slot: the document must name a provider.
         *
         * @param key the JSON key
         * @param registry where names are looked up
         * @param <P> the provider interface
         * @return this builder
         */
        public <P extends PluginProvider<?>> Builder provider(String key, PluginRegistry<P> registry) {
            return provider(key, registry, null);
        }

        /**
         * @param key the JSON key
         * @param registry where names are looked up
         * @param defaultName the provider used when the key is absent; null makes the slot required
         * @param <P> the provider interface
         * @return this builder
         */
        public <P extends PluginProvider<?>> Builder provider(String key, PluginRegistry<P> registry, String defaultName) {
            claim(key);
            slots.put(key, new Slot<>(Objects.requireNonNull(registry, "registry"), defaultName));
            return this;
        }

        /**
         * A nested object; when the document omits it, it is parsed as {@code {}} (all defaults).
         *
         * @param key the JSON key
         * @param schema the nested object's shape
         * @return this builder
         */
        public Builder section(String key, SpecSchema schema) {
            claim(key);
            sections.put(key, Objects.requireNonNull(schema, "schema"));
            return this;
        }

        /** @return the immutable schema */
        public SpecSchema build() {
            return new SpecSchema(this);
        }
    }
}
