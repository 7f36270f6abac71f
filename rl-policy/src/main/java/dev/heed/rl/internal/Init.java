package dev.heed.rl.internal;

import dev.heed.core.Rng;
import org.apiguardian.api.API;

/** Weight initialisers for the actor-critic networks (row-major {@code [out, in]} weights). */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Init {

    private Init() {}

    /**
     * Orthogonal initialisation as {@code torch.nn.init.orthogonal_}: draw a standard normal
     * {@code [rows, cols]} matrix, take the Q factor of its QR decomposition (of the transpose when
     * {@code rows < cols}) with the signs fixed so that {@code R} has a positive diagonal, scale by
     * {@code gain}. The rows (or columns, whichever are fewer) are orthonormal times {@code gain}.
     * QR is computed by modified Gram-Schmidt in float64, which yields the same Q as Householder QR
     * with a positive-diagonal R.
     *
     * @param rows output size
     * @param cols input size
     * @param gain scale
     * @param rng normal samples are drawn row-major
     * @return {@code rows * cols} values, row-major
     */
    public static double[] orthogonal(int rows, int cols, double gain, Rng rng) {
        double[] a = new double[rows * cols];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextGaussian();
        }
        boolean transpose = rows < cols;
        int m = transpose ? cols : rows; // tall dimension
        int k = transpose ? rows : cols; // number of orthonormal columns
        // column j of the tall matrix T (m x k): T[i][j] = transpose ? a[j*cols + i] : a[i*cols + j]
        double[][] q = new double[k][m];
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < m; i++) {
                q[j][i] = transpose ? a[j * cols + i] : a[i * cols + j];
            }
        }
        for (int j = 0; j < k; j++) {
            for (int p = 0; p < j; p++) {
                double dot = 0;
                for (int i = 0; i < m; i++) {
                    dot += q[p][i] * q[j][i];
                }
                for (int i = 0; i < m; i++) {
                    q[j][i] -= dot * q[p][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < m; i++) {
                norm += q[j][i] * q[j][i];
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                throw new IllegalStateException("orthogonal: degenerate random matrix (probability zero); reseed");
            }
            for (int i = 0; i < m; i++) {
                q[j][i] /= norm;
            }
        }
        double[] out = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = gain * (transpose ? q[r][c] : q[c][r]);
            }
        }
        return out;
    }

    /**
     * PyTorch's default {@code nn.Linear} initialisation: uniform in {@code ±1/√fanIn} (for weights
     * this is Kaiming-uniform with {@code a = √5}).
     *
     * @param count number of values
     * @param fanIn input size
     * @param rng generator
     * @return the values
     */
    public static double[] uniformFanIn(int count, int fanIn, Rng rng) {
        double bound = 1.0 / Math.sqrt(fanIn);
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = rng.uniform(-bound, bound);
        }
        return out;
    }
}
