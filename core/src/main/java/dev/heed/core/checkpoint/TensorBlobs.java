package dev.heed.core.checkpoint;

import dev.heed.core.DType;
import dev.heed.core.Tensor;
import dev.heed.core.internal.TensorInternals;
import dev.heed.core.io.CheckpointFormatException;
import dev.heed.core.io.SafeDType;
import dev.heed.core.io.TensorBlob;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * Conversions between {@link Tensor}s and safetensors {@link TensorBlob}s: FLOAT32 ↔ F32,
 * FLOAT64 ↔ F64, INT64 ↔ I64, BOOL ↔ BOOL. Values are copied bit for bit (NaN payloads
 * included). Stateless and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class TensorBlobs {

    private TensorBlobs() {}

    /**
     * @param t any tensor (views are copied in row-major order)
     * @return its blob
     */
    public static TensorBlob toBlob(Tensor t) {
        int[] s = t.shape();
        long[] shape = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            shape[i] = s[i];
        }
        switch (t.dtype()) {
            case FLOAT32:
                return TensorBlob.ofFloats(shape, t.toFloatArray());
            case FLOAT64:
                return TensorBlob.ofDoubles(shape, t.toDoubleArray());
            case INT64:
                return TensorBlob.ofLongs(shape, t.toLongArray());
            default: {
                boolean[] b = t.toBooleanArray();
                byte[] bytes = new byte[b.length];
                for (int i = 0; i < b.length; i++) {
                    bytes[i] = (byte) (b[i] ? 1 : 0);
                }
                return TensorBlob.ofBytes(SafeDType.BOOL, shape, bytes);
            }
        }
    }

    /**
     * @param tensors named tensors
     * @return named blobs in the same order
     */
    public static Map<String, TensorBlob> toBlobs(Map<String, Tensor> tensors) {
        Map<String, TensorBlob> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, toBlob(v)));
        return out;
    }

    /**
     * @param blob a blob of dtype F32, F64, I64 or BOOL
     * @param file the file it came from (for the error message)
     * @param name the tensor name (for the error message)
     * @return a new tensor owning a copy of the values
     * @throws CheckpointFormatException for another dtype, a dimension beyond 2^31 - 1, or a BOOL
     *     byte other than 0 or 1
     */
    public static Tensor toTensor(TensorBlob blob, String file, String name) throws CheckpointFormatException {
        long[] ls = blob.shape();
        int[] shape = new int[ls.length];
        for (int i = 0; i < ls.length; i++) {
            if (ls[i] > Integer.MAX_VALUE) {
                throw new CheckpointFormatException(file, name, "dimension " + ls[i] + " exceeds Heed's limit of 2^31 - 1");
            }
            shape[i] = (int) ls[i];
        }
        switch (blob.dtype()) {
            case F32:
                return TensorInternals.wrap(blob.toFloats(), shape);
            case F64:
                return TensorInternals.wrap(blob.toDoubles(), shape);
            case I64:
                return TensorInternals.wrap(blob.toLongs(), shape);
            case BOOL: {
                byte[] bytes = blob.toBytes();
                boolean[] b = new boolean[bytes.length];
                for (int i = 0; i < bytes.length; i++) {
                    if (bytes[i] != 0 && bytes[i] != 1) {
                        throw new CheckpointFormatException(file, name, "BOOL element " + i + " is " + bytes[i]
                                + "; only 0 and 1 are valid");
                    }
                    b[i] = bytes[i] == 1;
                }
                return Tensor.of(b, shape);
            }
            default:
                throw new CheckpointFormatException(file, name, "dtype " + blob.dtype().formatName()
                        + " has no Heed tensor type (supported: F32, F64, I64, BOOL); convert it to F32 before saving");
        }
    }

    /**
     * @param blobs named blobs
     * @param file the file they came from
     * @return named tensors in the same order
     * @throws CheckpointFormatException if any blob cannot become a tensor (checked before returning)
     */
    public static Map<String, Tensor> toTensors(Map<String, TensorBlob> blobs, String file)
            throws CheckpointFormatException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, TensorBlob> e : blobs.entrySet()) {
            out.put(e.getKey(), toTensor(e.getValue(), file, e.getKey()));
        }
        return out;
    }

    static DType dtypeOf(SafeDType d) {
        switch (d) {
            case F32: return DType.FLOAT32;
            case F64: return DType.FLOAT64;
            case I64: return DType.INT64;
            case BOOL: return DType.BOOL;
            default: return null;
        }
    }
}
