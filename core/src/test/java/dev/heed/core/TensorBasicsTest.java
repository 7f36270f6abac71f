package dev.heed.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorBasicsTest {

    @Test
    void factoriesFillShapesAndDtypes() {
        Tensor z = Tensor.zeros(2, 3);
        assertEquals(DType.FLOAT32, z.dtype());
        assertArrayEquals(new int[] {2, 3}, z.shape());
        assertArrayEquals(new float[6], z.toFloatArray());
        assertArrayEquals(new double[] {1, 1, 1, 1}, Tensor.ones(DType.FLOAT64, 2, 2).toDoubleArray());
        assertArrayEquals(new double[] {2.5, 2.5}, Tensor.full(2.5, 2).toDoubleArray());
        Tensor s = Tensor.scalar(4.0);
        assertEquals(0, s.dim());
        assertEquals(1, s.numel());
        assertEquals(4.0, s.item());
        assertArrayEquals(new long[] {0, 1, 2, 3}, Tensor.arange(4).toLongArray());
        assertEquals(DType.INT64, Tensor.arange(4).dtype());
        assertArrayEquals(new double[] {1, 1.5, 2, 2.5}, Tensor.arange(DType.FLOAT64, 1, 3, 0.5).toDoubleArray());
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1}, Tensor.linspace(DType.FLOAT64, 0, 1, 5).toDoubleArray());
        assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, Tensor.eye(3).toDoubleArray());
        assertArrayEquals(new boolean[] {true, false}, Tensor.of(new boolean[] {true, false}).toBooleanArray());
        Tensor m = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertEquals(6.0, m.get(1, 2));
        assertEquals(4.0, m.get(-1, 0));
    }

    @Test
    void ofCopiesItsInput() {
        double[] data = {1, 2};
        Tensor t = Tensor.of(data);
        data[0] = 99;
        assertEquals(1.0, t.get(0));
        double[] out = t.toDoubleArray();
        out[1] = 77;
        assertEquals(2.0, t.get(1));
    }

    @Test
    void randomFactoriesAreSeededAndPlausible() {
        Tensor a = Tensor.randn(Rng.seeded(3), DType.FLOAT64, 4000);
        Tensor b = Tensor.randn(Rng.seeded(3), DType.FLOAT64, 4000);
        assertArrayEquals(a.toDoubleArray(), b.toDoubleArray());
        assertEquals(0.0, a.mean().item(), 0.06); // 4 sigma of the sample mean
        assertEquals(1.0, a.mul(a).mean().item(), 0.1);
        Tensor u = Tensor.rand(Rng.seeded(4), 1000);
        for (float v : u.toFloatArray()) {
            assertTrue(v >= 0 && v < 1);
        }
    }

    @Test
    void conversionsBetweenDtypes() {
        Tensor x = Tensor.of(new double[] {1.75, -2.5, 0});
        assertArrayEquals(new float[] {1.75f, -2.5f, 0f}, x.toFloatArray());
        assertArrayEquals(new long[] {1, -2, 0}, x.toLongArray());
        assertArrayEquals(new boolean[] {true, true, false}, x.toBooleanArray());
        assertEquals(DType.FLOAT32, x.to(DType.FLOAT32).dtype());
        assertArrayEquals(new double[] {1, 0}, Tensor.of(new boolean[] {true, false}).to(DType.FLOAT64).toDoubleArray());
    }

    @Test
    void badInputsGiveHelpfulErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(new float[] {1, 2, 3}, 2, 2));
        assertTrue(e.getMessage().contains("[2, 2]") && e.getMessage().contains("3"), e.getMessage());
        IllegalStateException item = assertThrows(IllegalStateException.class, () -> Tensor.zeros(2).item());
        assertTrue(item.getMessage().contains("item"), item.getMessage());
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(2).add(Tensor.zeros(DType.FLOAT64, 2)));
        assertTrue(mixed.getMessage().contains("to(DType.FLOAT64)"), mixed.getMessage());
        IllegalArgumentException ints = assertThrows(IllegalArgumentException.class,
                () -> Tensor.arange(3).exp());
        assertTrue(ints.getMessage().contains("INT64"), ints.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).get(2, 0));
        assertThrows(IllegalArgumentException.class, () -> Tensor.linspace(0, 1, 0));
        assertThrows(IllegalStateException.class, () -> Tensor.arange(3).requiresGrad(true));
    }

    @Test
    void toStringLooksLikeNumpy() {
        assertEquals("tensor([[1., 2.],\n        [3., 4.]])", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).toString());
        assertEquals("tensor([ 0.5000, -1.2500], dtype=FLOAT64)", Tensor.of(new double[] {0.5, -1.25}).toString());
        assertEquals("tensor(3.)", Tensor.scalar(3).toString());
        assertEquals("tensor([0, 1, 2])", Tensor.arange(3).toString());
        Tensor x = Tensor.ones(2).requiresGrad(true);
        assertEquals("tensor([1., 1.], requiresGrad=true)", x.toString());
        assertEquals("tensor([2., 2.], gradFn=mul)", x.mul(2.0).toString());
        String big = Tensor.zeros(2000).toString();
        assertTrue(big.contains("..."), big);
        assertFalse(big.length() > 100, big);
    }

    @Test
    void inPlaceOpsRespectGradMode() {
        Tensor w = Tensor.ones(3).requiresGrad(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.addInPlace(Tensor.ones(3)));
        assertTrue(e.getMessage().contains("NoGrad"), e.getMessage());
        try (NoGrad ignored = NoGrad.enter()) {
            w.addInPlace(Tensor.of(new float[] {1, 2, 3}), -0.5).mulInPlace(2.0).addInPlace(1.0);
        }
        assertArrayEquals(new float[] {2, 1, 0}, w.toFloatArray());
        Tensor m = Tensor.zeros(2, 3);
        m.copyFrom(Tensor.of(new float[] {1, 2, 3}));
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, m.toFloatArray());
        m.transpose(0, 1).mulInPlace(Tensor.of(new float[] {1, 10}, 1, 2));
        assertArrayEquals(new float[] {1, 2, 3, 10, 20, 30}, m.toFloatArray());
        m.fill(7);
        assertArrayEquals(new float[] {7, 7, 7, 7, 7, 7}, m.toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> m.addInPlace(Tensor.zeros(4)));
    }
}
