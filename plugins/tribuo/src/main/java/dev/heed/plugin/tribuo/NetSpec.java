package dev.heed.plugin.tribuo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heed.attention.model.TransformerConfig;
import dev.heed.core.nn.Activation;
import dev.heed.core.spi.OptionSpec;
import dev.heed.positional.Positionals;
import dev.heed.positional.spi.PositionalProvider;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything needed to rebuild a trained network's shape: the hyperparameters, the table size and
 * the number of classes. Stored as JSON in the saved file.
 */
record NetSpec(String similarity, String positional, int heads, int layers, int width, int maxLength,
               String pooling, int tableRows, int classes) {

    /** The transformer configuration (no dropout, pre-LN, GELU, 4× MLP). */
    TransformerConfig transformer() {
        Map<String, Object> posOptions = new LinkedHashMap<>();
        PositionalProvider p = Positionals.registry().get(positional);
        for (OptionSpec o : p.options()) {
            if (o.name().equals("maxLength")) {
                posOptions.put("maxLength", maxLength);
            }
        }
        return TransformerConfig.builder()
                .vocabSize(tableRows).dModel(width).heads(heads).layers(layers).mlpRatio(4).dropout(0)
                .preNorm(true).bias(true).activation(Activation.GELU).contextLength(maxLength)
                .similarity(similarity).positional(positional, posOptions).build();
    }

    ObjectNode toJson(ObjectMapper json) {
        ObjectNode o = json.createObjectNode();
        o.put("similarity", similarity);
        o.put("positional", positional);
        o.put("heads", heads);
        o.put("layers", layers);
        o.put("width", width);
        o.put("maxLength", maxLength);
        o.put("pooling", pooling);
        o.put("tableRows", tableRows);
        o.put("classes", classes);
        return o;
    }

    static NetSpec fromJson(JsonNode o) {
        return new NetSpec(text(o, "similarity"), text(o, "positional"), integer(o, "heads"), integer(o, "layers"),
                integer(o, "width"), integer(o, "maxLength"), text(o, "pooling"), integer(o, "tableRows"),
                integer(o, "classes"));
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("model spec: field '" + field + "' must be a string, got " + v);
        }
        return v.asText();
    }

    private static int integer(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("model spec: field '" + field + "' must be an int, got " + v);
        }
        return v.asInt();
    }
}
