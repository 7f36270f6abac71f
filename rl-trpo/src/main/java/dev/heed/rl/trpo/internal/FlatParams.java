package dev.heed.rl.trpo.internal;

import dev.heed.core.DType;
import dev.heed.core.NoGrad;
import dev.heed.core.Tensor;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Views a list of parameter tensors as one flat vector (row-major, in list order), as TRPO's
 * natural-gradient step needs.
 *
 * <p>Not thread-safe: mutates the parameters it was given.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class FlatParams {

    private final List<Tensor> params;
    private final int size;

    /**
     * @param params the parameter tensors (floating dtypes)
     * @throws IllegalArgumentException if the list is empty or a tensor is not floating point
     */
    public FlatParams(List<Tensor> params) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("FlatParams: no parameters given; expected at least one tensor");
        }
        int n = 0;
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (!p.dtype().isFloating()) {
                throw new IllegalArgumentException("FlatParams: parameter " + i + " has dtype " + p.dtype()
                        + "; expected FLOAT32 or FLOAT64");
            }
            n += p.numel();
        }
        this.params = List.copyOf(params);
        this.size = n;
    }

    /** @return the parameters, in order */
    public List<Tensor> params() {
        return params;
    }

    /** @return the total number of scalars */
    public int size() {
        return size;
    }

    /** @return the current values, concatenated */
    public double[] get() {
        return concat(params.toArray(new Tensor[0]));
    }

    /**
     * Concatenates tensors shaped like the parameters into one vector.
     *
     * @param parts one tensor per parameter
     * @return the flat vector
     */
    public double[] concat(Tensor[] parts) {
        double[] out = new double[size];
        int off = 0;
        for (Tensor t : parts) {
            double[] v = t.toDoubleArray();
            System.arraycopy(v, 0, out, off, v.length);
            off += v.length;
        }
        return out;
    }

    /**
     * Splits a flat vector into tensors shaped and typed like the parameters.
     *
     * @param flat the vector, length {@link #size()}
     * @return one tensor per parameter (no grad)
     */
    public Tensor[] split(double[] flat) {
        checkLength("split", flat);
        Tensor[] out = new Tensor[params.size()];
        int off = 0;
        for (int i = 0; i < out.length; i++) {
            Tensor p = params.get(i);
            int n = p.numel();
            if (p.dtype() == DType.FLOAT64) {
                double[] part = new double[n];
                System.arraycopy(flat, off, part, 0, n);
                out[i] = Tensor.of(part, p.shape());
            } else {
                float[] part = new float[n];
                for (int j = 0; j < n; j++) {
                    part[j] = (float) flat[off + j];
                }
                out[i] = Tensor.of(part, p.shape());
            }
            off += n;
        }
        return out;
    }

    /**
     * Overwrites the parameters with the values of {@code flat}.
     *
     * @param flat the new values, length {@link #size()}
     */
    public void set(double[] flat) {
        Tensor[] parts = split(flat);
        try (NoGrad ignored = NoGrad.enter()) {
            for (int i = 0; i < parts.length; i++) {
                params.get(i).copyFrom(parts[i]);
            }
        }
    }

    private void checkLength(String op, double[] flat) {
        if (flat.length != size) {
            throw new IllegalArgumentException("FlatParams." + op + ": vector has length " + flat.length
                    + " but the parameters have " + size + " scalars");
        }
    }
}
