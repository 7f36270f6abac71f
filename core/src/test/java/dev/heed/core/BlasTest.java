package dev.heed.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Products into caller arrays: hand-computed values, transposed layouts, offsets and bad input. */
class BlasTest {

    // A = [[1, 2, 3], [4, 5, 6]], B = [[7, 8], [9, 10], [11, 12]]: A·B = [[58, 64], [139, 154]].
    private static final float[] A = {1, 2, 3, 4, 5, 6};
    private static final float[] B = {7, 8, 9, 10, 11, 12};

    @Test
    void productOfStoredMatrices() {
        float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        Blas.sgemm(false, false, 2, 2, 3, A, 0, 3, B, 0, 2, c, 0, 2);
        assertArrayEquals(new float[] {58, 64, 139, 154}, c);
    }

    @Test
    void transposedOperandsOffsetsAndStrides() {
        float[] at = {9, 1, 4, 2, 5, 3, 6}; // Aᵀ stored 3 x 2 after one padding element
        float[] bt = {7, 9, 11, 8, 10, 12}; // Bᵀ stored 2 x 3
        double[] c = new double[6];
        double[] atd = new double[at.length];
        double[] btd = new double[bt.length];
        for (int i = 0; i < at.length; i++) {
            atd[i] = at[i];
        }
        for (int i = 0; i < bt.length; i++) {
            btd[i] = bt[i];
        }
        Blas.dgemm(true, true, 2, 2, 3, atd, 1, 2, btd, 0, 3, c, 1, 3); // C rows 3 apart, from index 1
        assertArrayEquals(new double[] {0, 58, 64, 0, 139, 154}, c);
    }

    @Test
    void sameBitsAsTensorMatmul() {
        Rng rng = Rng.seeded(3);
        Tensor a = Tensor.randn(rng, DType.FLOAT32, 37, 19);
        Tensor b = Tensor.randn(rng, DType.FLOAT32, 23, 19);
        float[] c = new float[37 * 23];
        Blas.sgemm(false, true, 37, 23, 19, a.toFloatArray(), 0, 19, b.toFloatArray(), 0, 19, c, 0, 23);
        assertArrayEquals(a.matmul(b.mT()).toFloatArray(), c);
    }

    @Test
    void rejectsOperandsThatDoNotFit() {
        float[] c = new float[4];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Blas.sgemm(false, false, 2, 2, 3, A, 1, 3, B, 0, 2, c, 0, 2));
        assertTrue(e.getMessage().contains("A (2 x 3, offset 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Blas.sgemm(false, false, 2, 2, 3, A, 0, 2, B, 0, 2, c, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> Blas.sgemm(false, false, 2, 2, 3, A, 0, 3, B, 0, 2,
                new float[3], 0, 2));
        assertThrows(IllegalArgumentException.class, () -> Blas.sgemm(false, false, -1, 2, 3, A, 0, 3, B, 0, 2, c, 0, 2));
    }
}
