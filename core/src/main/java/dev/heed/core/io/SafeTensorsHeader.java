package dev.heed.core.io;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * The validated header of a safetensors file: which tensors it holds, where, and its string metadata.
 * Obtained from {@link SafeTensors#readHeader(java.nio.file.Path)} without reading any tensor data,
 * e.g. to check names and shapes before loading a model. Immutable and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class SafeTensorsHeader {

    private final List<Entry> entries;
    private final Map<String, String> metadata;
    private final long headerLength;
    private final long dataLength;

    SafeTensorsHeader(List<Entry> entries, Map<String, String> metadata, long headerLength, long dataLength) {
        this.entries = List.copyOf(entries);
        this.metadata = metadata;
        this.headerLength = headerLength;
        this.dataLength = dataLength;
    }

    /** @return every tensor, in file (offset) order; unmodifiable */
    public List<Entry> entries() {
        return entries;
    }

    /**
     * @param name a tensor name; not null
     * @return the tensor's entry, or empty when the file has no tensor of that name
     */
    public Optional<Entry> entry(String name) {
        Objects.requireNonNull(name, "name");
        return entries.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** @return the {@code __metadata__} map sorted by key, empty if absent; unmodifiable */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** @return the length of the JSON header in bytes (after the 8-byte length prefix), padding included */
    public long headerLength() {
        return headerLength;
    }

    /** @return the length of the data section in bytes */
    public long dataLength() {
        return dataLength;
    }

    /** One tensor's header entry. Immutable. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public static final class Entry {
        private final String name;
        private final SafeDType dtype;
        private final long[] shape;
        private final long begin;
        private final long end;

        Entry(String name, SafeDType dtype, long[] shape, long begin, long end) {
            this.name = name;
            this.dtype = dtype;
            this.shape = shape;
            this.begin = begin;
            this.end = end;
        }

        /** @return the tensor name */
        public String name() {
            return name;
        }

        /** @return the element type */
        public SafeDType dtype() {
            return dtype;
        }

        /** @return a copy of the dimensions */
        public long[] shape() {
            return shape.clone();
        }

        /** @return first byte of the tensor, relative to the start of the data section */
        public long begin() {
            return begin;
        }

        /** @return one past the last byte of the tensor, relative to the start of the data section */
        public long end() {
            return end;
        }

        long[] rawShape() {
            return shape;
        }

        @Override
        public String toString() {
            return name + ": " + dtype + " " + Arrays.toString(shape) + " @ [" + begin + ", " + end + ")";
        }
    }
}
