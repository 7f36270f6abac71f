package dev.heed.core.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One tensor as stored in a checkpoint: a dtype, a shape and its elements as row-major (C order)
 * little-endian bytes. This is Heed's neutral interchange type between the file format and
 * whatever holds the numbers in memory; it knows nothing about autograd.
 *
 * <p>Immutable and thread-safe: factories copy their input and accessors copy their output, except
 * {@link #data()}, which gives a read-only view without copying.
 *
 * <pre>{@code
 * TensorBlob w = TensorBlob.ofFloats(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
 * float[] back = w.toFloats();
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class TensorBlob {

    /** Largest element payload a blob can hold: one Java array. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private final SafeDType dtype;
    private final long[] shape;
    private final byte[] bytes;

    private TensorBlob(SafeDType dtype, long[] shape, byte[] bytes) {
        this.dtype = dtype;
        this.shape = shape;
        this.bytes = bytes;
    }

    /**
     * Creates a blob from raw little-endian bytes.
     *
     * @param dtype element type; not null
     * @param shape dimensions, each &ge; 0; an empty array is a scalar (one element); not null
     * @param littleEndianData exactly {@code product(shape) * dtype.byteSize()} bytes; copied
     * @return the blob
     * @throws IllegalArgumentException if a dimension is negative, the element count overflows, or
     *     the byte length does not match the shape
     */
    public static TensorBlob ofBytes(SafeDType dtype, long[] shape, byte[] littleEndianData) {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(littleEndianData, "littleEndianData");
        long[] s = checkedShape(shape);
        long expected = byteLength(dtype, s);
        if (expected < 0) {
            throw new IllegalArgumentException("TensorBlob.ofBytes: shape " + Arrays.toString(s)
                    + " has more elements than fit in 2^63 bytes; check the dimensions");
        }
        if (expected != littleEndianData.length) {
            throw new IllegalArgumentException("TensorBlob.ofBytes: shape " + Arrays.toString(s) + " of "
                    + dtype + " needs " + expected + " bytes but " + littleEndianData.length
                    + " were given; pass exactly product(shape) * " + dtype.byteSize() + " bytes");
        }
        return new TensorBlob(dtype, s, littleEndianData.clone());
    }

    /** Wraps bytes the caller will never touch again (used by the reader after validation). */
    static TensorBlob adopt(SafeDType dtype, long[] shape, byte[] bytes) {
        return new TensorBlob(dtype, shape, bytes);
    }

    /**
     * @param shape dimensions; their product must equal {@code values.length}
     * @param values row-major elements; copied
     * @return an {@link SafeDType#F32} blob
     * @throws IllegalArgumentException if the shape does not hold exactly {@code values.length} elements
     */
    public static TensorBlob ofFloats(long[] shape, float[] values) {
        Objects.requireNonNull(values, "values");
        long[] s = checkedCount("ofFloats", shape, values.length);
        ByteBuffer b = allocate(values.length, 4);
        b.asFloatBuffer().put(values);
        return new TensorBlob(SafeDType.F32, s, b.array());
    }

    /**
     * @param shape dimensions; their product must equal {@code values.length}
     * @param values row-major elements; copied
     * @return an {@link SafeDType#F64} blob
     * @throws IllegalArgumentException if the shape does not hold exactly {@code values.length} elements
     */
    public static TensorBlob ofDoubles(long[] shape, double[] values) {
        Objects.requireNonNull(values, "values");
        long[] s = checkedCount("ofDoubles", shape, values.length);
        ByteBuffer b = allocate(values.length, 8);
        b.asDoubleBuffer().put(values);
        return new TensorBlob(SafeDType.F64, s, b.array());
    }

    /**
     * @param shape dimensions; their product must equal {@code values.length}
     * @param values row-major elements; copied
     * @return an {@link SafeDType#I64} blob
     * @throws IllegalArgumentException if the shape does not hold exactly {@code values.length} elements
     */
    public static TensorBlob ofLongs(long[] shape, long[] values) {
        Objects.requireNonNull(values, "values");
        long[] s = checkedCount("ofLongs", shape, values.length);
        ByteBuffer b = allocate(values.length, 8);
        b.asLongBuffer().put(values);
        return new TensorBlob(SafeDType.I64, s, b.array());
    }

    /**
     * @param shape dimensions; their product must equal {@code values.length}
     * @param values row-major elements; copied
     * @return an {@link SafeDType#I32} blob
     * @throws IllegalArgumentException if the shape does not hold exactly {@code values.length} elements
     */
    public static TensorBlob ofInts(long[] shape, int[] values) {
        Objects.requireNonNull(values, "values");
        long[] s = checkedCount("ofInts", shape, values.length);
        ByteBuffer b = allocate(values.length, 4);
        b.asIntBuffer().put(values);
        return new TensorBlob(SafeDType.I32, s, b.array());
    }

    /** @return the element type */
    public SafeDType dtype() {
        return dtype;
    }

    /** @return a copy of the dimensions */
    public long[] shape() {
        return shape.clone();
    }

    /** @return the number of dimensions */
    public int rank() {
        return shape.length;
    }

    /** @return the number of elements (1 for a scalar) */
    public long elementCount() {
        return bytes.length / dtype.byteSize();
    }

    /** @return the payload size in bytes */
    public int byteLength() {
        return bytes.length;
    }

    /** @return a read-only little-endian view of the payload, positioned at 0; no copy */
    public ByteBuffer data() {
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** @return a copy of the payload bytes */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /**
     * @return the elements as floats
     * @throws IllegalStateException if the dtype is not {@link SafeDType#F32}
     */
    public float[] toFloats() {
        require(SafeDType.F32, "toFloats");
        float[] out = new float[bytes.length / 4];
        data().asFloatBuffer().get(out);
        return out;
    }

    /**
     * @return the elements as doubles
     * @throws IllegalStateException if the dtype is not {@link SafeDType#F64}
     */
    public double[] toDoubles() {
        require(SafeDType.F64, "toDoubles");
        double[] out = new double[bytes.length / 8];
        data().asDoubleBuffer().get(out);
        return out;
    }

    /**
     * @return the elements as longs
     * @throws IllegalStateException if the dtype is not {@link SafeDType#I64}
     */
    public long[] toLongs() {
        require(SafeDType.I64, "toLongs");
        long[] out = new long[bytes.length / 8];
        data().asLongBuffer().get(out);
        return out;
    }

    /**
     * @return the elements as ints
     * @throws IllegalStateException if the dtype is not {@link SafeDType#I32}
     */
    public int[] toInts() {
        require(SafeDType.I32, "toInts");
        int[] out = new int[bytes.length / 4];
        data().asIntBuffer().get(out);
        return out;
    }

    /** Bytes backing this blob, never exposed; for the writer only. */
    byte[] rawBytes() {
        return bytes;
    }

    private void require(SafeDType wanted, String op) {
        if (dtype != wanted) {
            throw new IllegalStateException("TensorBlob." + op + ": blob holds " + dtype + ", not " + wanted
                    + "; use the accessor for " + dtype + " or data() for raw bytes");
        }
    }

    /** Two blobs are equal when dtype, shape and bytes are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof TensorBlob
                && ((TensorBlob) o).dtype == dtype
                && Arrays.equals(((TensorBlob) o).shape, shape)
                && Arrays.equals(((TensorBlob) o).bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
        return "TensorBlob[" + dtype + " " + Arrays.toString(shape) + ", " + bytes.length + " bytes]";
    }

    private static ByteBuffer allocate(int count, int size) {
        if ((long) count * size > MAX_BYTES) {
            throw new IllegalArgumentException("TensorBlob: " + count + " elements of " + size
                    + " bytes exceed the largest Java array; split the tensor");
        }
        return ByteBuffer.allocate(count * size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static long[] checkedShape(long[] shape) {
        Objects.requireNonNull(shape, "shape");
        long[] s = shape.clone();
        for (int i = 0; i < s.length; i++) {
            if (s[i] < 0) {
                throw new IllegalArgumentException("TensorBlob: shape " + Arrays.toString(s)
                        + " has negative dimension " + s[i] + " at index " + i + "; dimensions must be >= 0");
            }
        }
        return s;
    }

    private static long[] checkedCount(String op, long[] shape, int count) {
        long[] s = checkedShape(shape);
        long n = elementCount(s);
        if (n != count) {
            throw new IllegalArgumentException("TensorBlob." + op + ": shape " + Arrays.toString(s) + " holds "
                    + (n < 0 ? "more than 2^63" : String.valueOf(n)) + " elements but " + count
                    + " values were given");
        }
        return s;
    }

    /** @return product of the dimensions, or -1 on overflow */
    static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return n;
    }

    /** @return bytes needed, or -1 on overflow */
    static long byteLength(SafeDType dtype, long[] shape) {
        long n = elementCount(shape);
        if (n < 0) {
            return -1;
        }
        try {
            return Math.multiplyExact(n, (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            return -1;
        }
    }
}
