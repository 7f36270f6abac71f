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

    @Test
    void softmaxRowsAndColumnsMatchHandValues() {
        // row [ln 1, ln 3, 5] with the causal limit 2: weights 1/4, 3/4 and a masked 0
        float[] rows = {(float) Math.log(1), (float) Math.log(3), 5f};
        Blas.softmaxRows(rows, 0, 1, 3, 1f, 2, 1);
        assertArrayEquals(new float[] {0.25f, 0.75f, 0f}, rows, 1e-7f);
        // the same numbers down a column of a 3 x 2 block; column 1 = [0, ln 2, x] scaled by 2 keeps all rows
        float ln2 = (float) Math.log(2);
        float[] cols = {(float) Math.log(1), 0f, (float) Math.log(3), ln2 / 2, 5f, ln2 / 2};
        Blas.softmaxColumns(cols, 0, 3, 2, 2f, 0, 0);
        // column 0 at scale 2: exp(0), exp(2 ln 3) = 9, exp(10); column 1: 1, 2, 2 over 5
        double e10 = Math.exp(10);
        assertArrayEquals(new float[] {(float) (1 / (10 + e10)), 0.2f, (float) (9 / (10 + e10)), 0.4f,
            (float) (e10 / (10 + e10)), 0.4f}, cols, 1e-6f);
        // backward: y = [1/4, 3/4], g = [1, 0] → Σ y g = 1/4, dx = y (g − 1/4) = [3/16, −3/16]
        float[] y = {0.25f, 0.75f};
        float[] g = {1f, 0f};
        Blas.softmaxRowsBackward(y, 0, g, 0, 1, 2, 1f);
        assertArrayEquals(new float[] {3f / 16, -3f / 16}, g, 1e-7f);
        float[] gc = {1f, 0f};
        Blas.softmaxColumnsBackward(y, 0, gc, 0, 2, 1, 2f); // one column of two rows, scale 2
        assertArrayEquals(new float[] {6f / 16, -6f / 16}, gc, 1e-7f);
    }

    @Test
    void softmaxRejectsBlocksThatDoNotFit() {
        float[] x = new float[6];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Blas.softmaxRows(x, 1, 2, 3, 1f, 0, 0));
        assertTrue(e.getMessage().contains("2 rows of 3 from x[1] do not fit its 6 elements"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Blas.softmaxColumns(x, 0, -1, 3, 1f, 0, 0));
        assertTrue(e.getMessage().contains("rows = -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Blas.softmaxColumns(x, 0, 2, 3, 0f, 0, 0));
        assertTrue(e.getMessage().contains("scale"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Blas.softmaxColumnsBackward(x, 0, new float[5], 0, 2, 3, 1f));
        assertTrue(e.getMessage().contains("from g[0] do not fit its 5 elements"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Blas.softmaxRowsBackward(x, 4, x, 0, 1, 3, 1f));
    }
}
