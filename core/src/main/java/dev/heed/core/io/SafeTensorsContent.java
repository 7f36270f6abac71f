package dev.heed.core.io;

import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Everything a safetensors file holds, fully loaded and validated.
 *
 * @param tensors tensors by name, in file (offset) order; unmodifiable
 * @param metadata the {@code __metadata__} map sorted by key, empty if the file has none; unmodifiable
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record SafeTensorsContent(Map<String, TensorBlob> tensors, Map<String, String> metadata) {

    /**
     * @param tensors tensors by name; not null
     * @param metadata metadata; not null
     */
    public SafeTensorsContent {
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(metadata, "metadata");
        tensors = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tensors));
        metadata = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(metadata));
    }
}
