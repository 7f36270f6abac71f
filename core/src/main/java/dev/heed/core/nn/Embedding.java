package dev.heed.core.nn;

import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.nn.init.Init;
import java.util.Arrays;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A lookup table: INT64 indices of any shape {@code [...]} map to rows of {@code weight}
 * [num, dim], giving {@code [..., dim]}, like {@code torch.nn.Embedding}. Default initialisation
 * N(0, 1) as in PyTorch.
 *
 * <p>Implementation note: when a gradient is recorded the lookup is a one-hot matrix product
 * (the tensor engine has no differentiable gather yet), which costs O(tokens x num x dim); without
 * grad (inference, {@link dev.heed.core.NoGrad}) it is a direct row copy.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Embedding extends UnaryModule {

    private final int num;
    private final int dim;

    /**
     * @param num number of rows (vocabulary size, > 0)
     * @param dim embedding size (> 0)
     * @param rng generator for the N(0, 1) initial values
     */
    public Embedding(int num, int dim, Rng rng) {
        if (num <= 0 || dim <= 0) {
            throw new IllegalArgumentException("Embedding: num and dim must be positive, got num=" + num + ", dim=" + dim);
        }
        Objects.requireNonNull(rng, "Embedding: rng");
        this.num = num;
        this.dim = dim;
        registerParameter("weight", Init.normal(Tensor.zeros(num, dim), 0.0, 1.0, rng));
    }

    /** @return the table [num, dim] */
    public Tensor weight() {
        return param("weight");
    }

    /** @return the number of rows */
    public int numEmbeddings() {
        return num;
    }

    /** @return the embedding size */
    public int embeddingDim() {
        return dim;
    }

    /**
     * @param indices INT64 indices in [0, num), any shape
     * @return the rows, shape {@code indices.shape() + [dim]}
     */
    @Override
    public Tensor forward(Tensor indices) {
        return lookup(weight(), indices);
    }

    /**
     * Differentiable row lookup {@code table[indices]}.
     *
     * @param table [num, dim], float
     * @param indices INT64 indices in [0, num), any shape
     * @return {@code indices.shape() + [dim]}
     */
    public static Tensor lookup(Tensor table, Tensor indices) {
        if (indices.dtype() != DType.INT64) {
            throw new IllegalArgumentException("Embedding: indices must be INT64, got " + indices.dtype()
                    + "; convert with .to(DType.INT64)");
        }
        int[] ts = table.shape();
        if (ts.length != 2) {
            throw new IllegalArgumentException("Embedding: table must be [num, dim], got " + Arrays.toString(ts));
        }
        int num = ts[0];
        int dim = ts[1];
        long[] idx = indices.toLongArray();
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= num) {
                throw new IllegalArgumentException("Embedding: index " + idx[i] + " at flat position " + i
                        + " is out of range for a table of " + num + " rows (valid: 0 .. " + (num - 1) + ")");
            }
        }
        // The tensor's gather-based lookup: the gradient scatters into the used rows only.
        return Tensor.embedding(indices, table);
    }

    @Override
    protected String extraRepr() {
        return "Embedding(" + num + ", " + dim + ")";
    }
}
