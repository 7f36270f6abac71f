package dev.heed.core.io;

import java.util.Optional;
import org.apiguardian.api.API;

/**
 * Element types of the safetensors format that Heed reads and writes.
 *
 * <p>The constants are declared in the same relative order as the reference (Rust) implementation's
 * {@code Dtype} enum, which orders them by increasing alignment. The writer lays tensors out by
 * <em>descending</em> dtype in this order, then by name, exactly like the reference writer, so a file
 * written by Heed is byte-identical to one written by the reference library for the same tensors
 * (metadata keys aside, which Heed sorts).
 *
 * <p>Heed interprets {@link #F32}, {@link #F64}, {@link #I32} and {@link #I64} numerically (see
 * {@link TensorBlob}); every other type is carried as raw little-endian bytes. Sub-byte types
 * ({@code F4}, {@code F6_*}) are not supported and are rejected when read.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public enum SafeDType {
    /** Boolean, one byte per element (0 or 1). */
    BOOL(1),
    /** Unsigned 8-bit integer. */
    U8(1),
    /** Signed 8-bit integer. */
    I8(1),
    /** 8-bit float, E5M2. */
    F8_E5M2(1),
    /** 8-bit float, E4M3. */
    F8_E4M3(1),
    /** Signed 16-bit integer. */
    I16(2),
    /** Unsigned 16-bit integer. */
    U16(2),
    /** IEEE 754 half precision. */
    F16(2),
    /** bfloat16. */
    BF16(2),
    /** Signed 32-bit integer. */
    I32(4),
    /** Unsigned 32-bit integer. */
    U32(4),
    /** IEEE 754 single precision. */
    F32(4),
    /** IEEE 754 double precision. */
    F64(8),
    /** Signed 64-bit integer. */
    I64(8),
    /** Unsigned 64-bit integer. */
    U64(8);

    private final int byteSize;

    SafeDType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** @return the number of bytes one element occupies */
    public int byteSize() {
        return byteSize;
    }

    /** @return the name used in the safetensors JSON header, e.g. {@code "F32"} */
    public String formatName() {
        return name();
    }

    /**
     * Looks a dtype up by its header name. Matching is exact (case-sensitive), as in the reference
     * implementation.
     *
     * @param formatName the header's {@code "dtype"} string; {@code null} gives empty
     * @return the dtype, or empty when Heed does not know it
     */
    public static Optional<SafeDType> fromFormatName(String formatName) {
        if (formatName == null) {
            return Optional.empty();
        }
        for (SafeDType t : values()) {
            if (t.name().equals(formatName)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
