package dev.heed.core.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apiguardian.api.API;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format,
 * interoperable with PyTorch's and NumPy's {@code safetensors} library.
 *
 * <p>Layout: an 8-byte little-endian unsigned header length {@code N}; {@code N} bytes of UTF-8 JSON
 * mapping each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets
 * relative to the data section) plus an optional {@code "__metadata__"} object of strings; then the
 * data section: raw little-endian, row-major tensor bytes.
 *
 * <p><b>Writing</b> follows the reference writer exactly: tensors ordered by descending dtype
 * alignment, then by name; the header is compact JSON listing {@code __metadata__} first (keys
 * sorted) and the tensors in data order, padded with spaces to a multiple of 8 bytes; tensors are
 * packed without gaps. Output is deterministic. Files are written through {@link AtomicFiles}.
 *
 * <p><b>Reading</b> validates the whole header before allocating anything for tensor data: header
 * length within {@value #MAX_HEADER_BYTES} bytes and within the file, strict UTF-8, well-formed JSON
 * object without duplicate keys, known dtypes, non-negative shapes whose element and byte counts do
 * not overflow, offsets inside the data section, sorted offsets that neither overlap nor leave gaps
 * and cover the data section exactly, and byte length = product(shape) &times; dtype size. Any
 * violation throws {@link CheckpointFormatException} naming the file, the tensor and the problem;
 * nothing partially loaded is ever returned. Nothing read from a file selects a class.
 *
 * <p>Thread-safe: the class holds no mutable state.
 *
 * <pre>{@code
 * SafeTensors.write(path, Map.of("w", TensorBlob.ofFloats(new long[] {2}, new float[] {1, 2})),
 *         Map.of("format", "pt"));
 * SafeTensorsContent c = SafeTensors.read(path);
 * float[] w = c.tensors().get("w").toFloats();
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class SafeTensors {

    /** Largest accepted JSON header, in bytes; the reference implementation uses the same limit. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Reserved header key for the string-to-string metadata map. */
    public static final String METADATA_KEY = "__metadata__";

    private static final int PREFIX = 8;

    // Immutable once built; reads a JSON tree only, so no class is ever chosen from file content.
    // Jackson's default string and name limits are far below the format's 100 MB header limit; the
    // header length check above already bounds the input, so lift them to match the reference.
    private static final ObjectReader JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxStringLength((int) MAX_HEADER_BYTES)
                            .maxNameLength((int) MAX_HEADER_BYTES)
                            .build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build()
            .reader();

    private static final Comparator<String> UTF8_ORDER = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private SafeTensors() {}

    // ------------------------------------------------------------------ reading

    /**
     * Reads and validates a whole file.
     *
     * @param file the file; not null
     * @return its tensors and metadata
     * @throws CheckpointFormatException if the file is not valid safetensors (nothing is returned)
     * @throws IOException if the file cannot be read
     */
    public static SafeTensorsContent read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Source src = new ChannelSource(ch);
            String where = file.toString();
            SafeTensorsHeader header = readHeader(src, where);
            return readData(src, where, header);
        }
    }

    /**
     * Reads and validates only the header: names, dtypes, shapes, offsets and metadata. The data
     * section is checked for size but not read.
     *
     * @param file the file; not null
     * @return the validated header
     * @throws CheckpointFormatException if the header is not valid
     * @throws IOException if the file cannot be read
     */
    public static SafeTensorsHeader readHeader(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeader(new ChannelSource(ch), file.toString());
        }
    }

    /**
     * Parses and validates a complete file image held in memory.
     *
     * @param bytes the whole file; not null
     * @param sourceName how to name the source in error messages, e.g. a file name or URL; not null
     * @return its tensors and metadata
     * @throws CheckpointFormatException if the bytes are not valid safetensors
     */
    public static SafeTensorsContent parse(byte[] bytes, String sourceName) throws CheckpointFormatException {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(sourceName, "sourceName");
        Source src = new ArraySource(bytes);
        try {
            return readData(src, sourceName, readHeader(src, sourceName));
        } catch (CheckpointFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("reading from memory cannot fail: " + e, e);
        }
    }

    private static SafeTensorsHeader readHeader(Source src, String where) throws IOException {
        long size = src.size();
        if (size < PREFIX) {
            throw new CheckpointFormatException(where, null, "file is " + size
                    + " bytes, shorter than the 8-byte header length; not a safetensors file");
        }
        ByteBuffer prefix = ByteBuffer.allocate(PREFIX);
        src.readFully(0, prefix.array(), where);
        long n = prefix.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new CheckpointFormatException(where, null, "header length " + Long.toUnsignedString(n)
                    + " exceeds the limit of " + MAX_HEADER_BYTES
                    + " bytes; the file is corrupt or not a safetensors file");
        }
        if (n > size - PREFIX) {
            throw new CheckpointFormatException(where, null, "header length " + n + " exceeds the "
                    + (size - PREFIX) + " bytes that follow it; the file is truncated or not a safetensors file");
        }
        byte[] headerBytes = new byte[(int) n];
        src.readFully(PREFIX, headerBytes, where);
        JsonNode root = parseJson(headerBytes, where);
        return validate(root, where, n, size - PREFIX - n);
    }

    private static JsonNode parseJson(byte[] headerBytes, String where) throws CheckpointFormatException {
        String text;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(headerBytes));
            text = chars.toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointFormatException(where, null, "header is not valid UTF-8 (" + e.getMessage()
                    + "); the file is corrupt or not a safetensors file", e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new CheckpointFormatException(where, null, "header is not well-formed JSON: "
                    + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new CheckpointFormatException(where, null, "header is empty; expected a JSON object");
        }
        if (!root.isObject()) {
            throw new CheckpointFormatException(where, null, "header is a JSON " + root.getNodeType()
                    .toString().toLowerCase(java.util.Locale.ROOT) + "; expected a JSON object of tensors");
        }
        return root;
    }

    private static SafeTensorsHeader validate(JsonNode root, String where, long headerLength, long dataLength)
            throws CheckpointFormatException {
        Map<String, String> metadata = new TreeMap<>();
        List<SafeTensorsHeader.Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String name = field.getKey();
            JsonNode node = field.getValue();
            if (METADATA_KEY.equals(name)) {
                readMetadata(node, where, metadata);
                continue;
            }
            entries.add(readEntry(name, node, where, dataLength));
        }
        // Sort by offsets, then check that the tensors tile the data section exactly.
        entries.sort(Comparator.comparingLong(SafeTensorsHeader.Entry::begin)
                .thenComparingLong(SafeTensorsHeader.Entry::end)
                .thenComparing(SafeTensorsHeader.Entry::name));
        long cursor = 0;
        SafeTensorsHeader.Entry previous = null;
        for (SafeTensorsHeader.Entry e : entries) {
            if (e.begin() < cursor) {
                throw new CheckpointFormatException(where, e.name(), "data_offsets [" + e.begin() + ", " + e.end()
                        + "] overlap tensor '" + previous.name() + "' at [" + previous.begin() + ", "
                        + previous.end() + "]; every byte must belong to exactly one tensor");
            }
            if (e.begin() > cursor) {
                String before = previous == null
                        ? "the data section starts at 0"
                        : "the previous tensor '" + previous.name() + "' ends at " + cursor;
                throw new CheckpointFormatException(where, e.name(), "data_offsets start at " + e.begin()
                        + " but " + before + "; the format allows no gaps between tensors");
            }
            cursor = e.end();
            previous = e;
        }
        if (cursor != dataLength) {
            throw new CheckpointFormatException(where, null, "the data section is " + dataLength
                    + " bytes but the tensors cover " + cursor + "; the file has trailing bytes or is not a safetensors file");
        }
        return new SafeTensorsHeader(entries, Collections.unmodifiableMap(metadata), headerLength, dataLength);
    }

    private static void readMetadata(JsonNode node, String where, Map<String, String> into)
            throws CheckpointFormatException {
        if (node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw new CheckpointFormatException(where, null, METADATA_KEY + " is a JSON "
                    + kind(node) + "; expected an object of strings");
        }
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            if (!f.getValue().isTextual()) {
                throw new CheckpointFormatException(where, null, METADATA_KEY + " value of '" + f.getKey()
                        + "' is a JSON " + kind(f.getValue()) + "; metadata values must be strings");
            }
            into.put(f.getKey(), f.getValue().textValue());
        }
    }

    private static SafeTensorsHeader.Entry readEntry(String name, JsonNode node, String where, long dataLength)
            throws CheckpointFormatException {
        if (!node.isObject()) {
            throw new CheckpointFormatException(where, name, "entry is a JSON " + kind(node)
                    + "; expected an object with dtype, shape and data_offsets");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("dtype") && !f.equals("shape") && !f.equals("data_offsets")) {
                throw new CheckpointFormatException(where, name, "unexpected field '" + f
                        + "'; a tensor entry has only dtype, shape and data_offsets");
            }
        }
        JsonNode dtypeNode = required(node, "dtype", name, where);
        if (!dtypeNode.isTextual()) {
            throw new CheckpointFormatException(where, name, "dtype is a JSON " + kind(dtypeNode)
                    + "; expected a string such as \"F32\"");
        }
        SafeDType dtype = SafeDType.fromFormatName(dtypeNode.textValue()).orElseThrow(() ->
                new CheckpointFormatException(where, name, "unknown dtype '" + dtypeNode.textValue()
                        + "'; Heed reads " + Arrays.toString(SafeDType.values())));

        JsonNode shapeNode = required(node, "shape", name, where);
        if (!shapeNode.isArray()) {
            throw new CheckpointFormatException(where, name, "shape is a JSON " + kind(shapeNode)
                    + "; expected an array of non-negative integers");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = nonNegativeLong(shapeNode.get(i), "shape[" + i + "]", name, where);
        }
        long expected = TensorBlob.byteLength(dtype, shape);
        if (expected < 0) {
            throw new CheckpointFormatException(where, name, "shape " + Arrays.toString(shape) + " of " + dtype
                    + " overflows a 64-bit byte count; the header is corrupt");
        }

        JsonNode offsets = required(node, "data_offsets", name, where);
        if (!offsets.isArray() || offsets.size() != 2) {
            throw new CheckpointFormatException(where, name, "data_offsets is " + describe(offsets)
                    + "; expected [begin, end]");
        }
        long begin = nonNegativeLong(offsets.get(0), "data_offsets[0]", name, where);
        long end = nonNegativeLong(offsets.get(1), "data_offsets[1]", name, where);
        if (end < begin) {
            throw new CheckpointFormatException(where, name, "data_offsets [" + begin + ", " + end
                    + "] end before they begin");
        }
        if (end > dataLength) {
            throw new CheckpointFormatException(where, name, "data_offsets [" + begin + ", " + end
                    + "] point past the end of the " + dataLength + "-byte data section; the file is truncated or corrupt");
        }
        if (end - begin != expected) {
            throw new CheckpointFormatException(where, name, "data_offsets [" + begin + ", " + end + "] hold "
                    + (end - begin) + " bytes but shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + expected);
        }
        if (expected > TensorBlob.MAX_BYTES) {
            throw new CheckpointFormatException(where, name, expected
                    + " bytes exceed the largest tensor Heed can hold in one array (" + TensorBlob.MAX_BYTES + ")");
        }
        return new SafeTensorsHeader.Entry(name, dtype, shape, begin, end);
    }

    private static JsonNode required(JsonNode node, String field, String name, String where)
            throws CheckpointFormatException {
        JsonNode v = node.get(field);
        if (v == null) {
            throw new CheckpointFormatException(where, name, "missing '" + field
                    + "'; a tensor entry needs dtype, shape and data_offsets");
        }
        return v;
    }

    private static long nonNegativeLong(JsonNode v, String what, String name, String where)
            throws CheckpointFormatException {
        if (v == null || !v.isIntegralNumber()) {
            throw new CheckpointFormatException(where, name, what + " is " + describe(v)
                    + "; expected a non-negative integer");
        }
        if (!v.canConvertToLong() || v.longValue() < 0) {
            throw new CheckpointFormatException(where, name, what + " is " + v.asText()
                    + "; expected a non-negative integer below 2^63");
        }
        return v.longValue();
    }

    private static String kind(JsonNode v) {
        return v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }

    private static String describe(JsonNode v) {
        if (v == null) {
            return "missing";
        }
        String text = v.toString();
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }

    private static SafeTensorsContent readData(Source src, String where, SafeTensorsHeader header)
            throws IOException {
        long maxHeap = Runtime.getRuntime().maxMemory();
        if (maxHeap != Long.MAX_VALUE && header.dataLength() > maxHeap) {
            throw new CheckpointFormatException(where, null, "tensor data is " + header.dataLength()
                    + " bytes but the Java heap is at most " + maxHeap + " bytes; raise -Xmx");
        }
        long base = PREFIX + header.headerLength();
        Map<String, TensorBlob> tensors = new LinkedHashMap<>();
        for (SafeTensorsHeader.Entry e : header.entries()) {
            byte[] bytes = new byte[(int) (e.end() - e.begin())];
            src.readFully(base + e.begin(), bytes, where);
            tensors.put(e.name(), TensorBlob.adopt(e.dtype(), e.rawShape(), bytes));
        }
        return new SafeTensorsContent(tensors, header.metadata());
    }

    // ------------------------------------------------------------------ writing

    /**
     * Writes tensors and metadata to {@code file} atomically (see {@link AtomicFiles}).
     *
     * @param file the target; its directory must exist; not null
     * @param tensors tensors by name; not null, no null keys or values, no key {@value #METADATA_KEY}
     * @param metadata string metadata; may be empty, not null, no null keys or values
     * @throws IllegalArgumentException on a reserved or null name
     * @throws IOException if the file cannot be written; the previous file is then intact
     */
    public static void write(Path file, Map<String, TensorBlob> tensors, Map<String, String> metadata)
            throws IOException {
        Objects.requireNonNull(file, "file");
        Layout layout = layout(tensors, metadata);
        AtomicFiles.write(file, out -> layout.writeTo(out));
    }

    /**
     * Serialises tensors and metadata into a complete file image in memory.
     *
     * @param tensors tensors by name; same rules as {@link #write(Path, Map, Map)}
     * @param metadata string metadata; same rules as {@link #write(Path, Map, Map)}
     * @return the file bytes
     * @throws IllegalArgumentException on a reserved or null name, or if the image exceeds 2 GB
     */
    public static byte[] toBytes(Map<String, TensorBlob> tensors, Map<String, String> metadata) {
        Layout layout = layout(tensors, metadata);
        long total = PREFIX + layout.header.length + layout.dataLength;
        if (total > TensorBlob.MAX_BYTES) {
            throw new IllegalArgumentException("SafeTensors.toBytes: file would be " + total
                    + " bytes, more than one array holds; use write(Path, ...) instead");
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) total);
        try {
            layout.writeTo(out);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail: " + e, e);
        }
        return out.toByteArray();
    }

    private static Layout layout(Map<String, TensorBlob> tensors, Map<String, String> metadata) {
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(metadata, "metadata");
        List<Map.Entry<String, TensorBlob>> order = new ArrayList<>(tensors.size());
        for (Map.Entry<String, TensorBlob> e : tensors.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("SafeTensors.write: null tensor name or value; every entry needs both");
            }
            if (METADATA_KEY.equals(e.getKey())) {
                throw new IllegalArgumentException("SafeTensors.write: '" + METADATA_KEY
                        + "' is reserved for metadata; rename the tensor");
            }
            order.add(e);
        }
        // The reference writer's order: descending dtype alignment, then name (UTF-8 byte order).
        order.sort(Comparator.<Map.Entry<String, TensorBlob>, SafeDType>comparing(e -> e.getValue().dtype())
                .reversed()
                .thenComparing(Map.Entry::getKey, UTF8_ORDER));
        List<Map.Entry<String, String>> meta = new ArrayList<>(metadata.entrySet());
        for (Map.Entry<String, String> m : meta) {
            if (m.getKey() == null || m.getValue() == null) {
                throw new IllegalArgumentException("SafeTensors.write: null metadata key or value; use an empty string instead");
            }
        }
        meta.sort(Map.Entry.comparingByKey(UTF8_ORDER));

        StringBuilder json = new StringBuilder(64 + 96 * order.size());
        json.append('{');
        boolean first = true;
        if (!meta.isEmpty()) {
            appendString(json, METADATA_KEY);
            json.append(":{");
            for (int i = 0; i < meta.size(); i++) {
                if (i > 0) {
                    json.append(',');
                }
                appendString(json, meta.get(i).getKey());
                json.append(':');
                appendString(json, meta.get(i).getValue());
            }
            json.append('}');
            first = false;
        }
        long offset = 0;
        List<TensorBlob> blobs = new ArrayList<>(order.size());
        for (Map.Entry<String, TensorBlob> e : order) {
            TensorBlob b = e.getValue();
            if (!first) {
                json.append(',');
            }
            first = false;
            appendString(json, e.getKey());
            json.append(":{\"dtype\":\"").append(b.dtype().formatName()).append("\",\"shape\":[");
            long[] shape = b.shape();
            for (int i = 0; i < shape.length; i++) {
                if (i > 0) {
                    json.append(',');
                }
                json.append(shape[i]);
            }
            json.append("],\"data_offsets\":[").append(offset).append(',');
            offset += b.byteLength();
            json.append(offset).append("]}");
            blobs.add(b);
        }
        json.append('}');
        byte[] raw = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (raw.length + 7) & ~7;
        if (padded > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("SafeTensors.write: header would be " + padded
                    + " bytes, over the format's limit of " + MAX_HEADER_BYTES + "; store fewer tensors or less metadata");
        }
        byte[] header = Arrays.copyOf(raw, padded);
        Arrays.fill(header, raw.length, padded, (byte) ' ');
        return new Layout(header, blobs, offset);
    }

    /** JSON string escaping exactly as the reference writer (serde_json) does it. */
    private static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\b':
                    sb.append("\\b");
                    break;
                case '\f':
                    sb.append("\\f");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        sb.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }

    private static final class Layout {
        final byte[] header;
        final List<TensorBlob> blobs;
        final long dataLength;

        Layout(byte[] header, List<TensorBlob> blobs, long dataLength) {
            this.header = header;
            this.blobs = blobs;
            this.dataLength = dataLength;
        }

        void writeTo(OutputStream out) throws IOException {
            byte[] prefix = ByteBuffer.allocate(PREFIX).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array();
            out.write(prefix);
            out.write(header);
            for (TensorBlob b : blobs) {
                out.write(b.rawBytes());
            }
        }
    }

    // ------------------------------------------------------------------ sources

    private interface Source {
        long size() throws IOException;

        void readFully(long position, byte[] into, String where) throws IOException;
    }

    private static final class ChannelSource implements Source {
        private final FileChannel ch;

        ChannelSource(FileChannel ch) {
            this.ch = ch;
        }

        @Override
        public long size() throws IOException {
            return ch.size();
        }

        @Override
        public void readFully(long position, byte[] into, String where) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(into);
            long pos = position;
            while (buf.hasRemaining()) {
                int n = ch.read(buf, pos);
                if (n < 0) {
                    throw new CheckpointFormatException(where, null, "file ended at byte " + pos
                            + " while reading; it changed while being read or is truncated",
                            new EOFException());
                }
                pos += n;
            }
        }
    }

    private static final class ArraySource implements Source {
        private final byte[] bytes;

        ArraySource(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public void readFully(long position, byte[] into, String where) {
            System.arraycopy(bytes, (int) position, into, 0, into.length);
        }
    }
}
