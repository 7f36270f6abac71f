package dev.heed.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Randomised shapes checked against naive index-by-index reference computations. */
class PropertyTest {

    private static final int CASES = 150;

    private static int[] randomShape(Rng rng, int maxRank) {
        int[] s = new int[rng.nextInt(maxRank + 1)];
        for (int i = 0; i < s.length; i++) {
            s[i] = 1 + rng.nextInt(4);
        }
        return s;
    }

    /** A random tensor of the given shape, sometimes laid out non-contiguously. */
    private static Tensor randomTensor(Rng rng, int[] shape) {
        if (shape.length >= 2 && rng.nextInt(2) == 0) {
            int[] swapped = shape.clone();
            swapped[0] = shape[shape.length - 1];
            swapped[shape.length - 1] = shape[0];
            return Tensor.randn(rng, DType.FLOAT64, swapped).transpose(0, shape.length - 1);
        }
        return Tensor.randn(rng, DType.FLOAT64, shape);
    }

    private static int numel(int[] s) {
        int n = 1;
        for (int v : s) {
            n *= v;
        }
        return n;
    }

    private static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    /** Index into a tensor broadcast to an output index (right-aligned, size-1 dims pinned). */
    private static double broadcastGet(Tensor t, int[] outIdx) {
        int[] s = t.shape();
        int[] idx = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            int o = outIdx[outIdx.length - s.length + i];
            idx[i] = s[i] == 1 ? 0 : o;
        }
        return t.get(idx);
    }

    @Test
    void broadcastingMatchesNaiveIndexing() {
        Rng rng = Rng.seeded(101);
        for (int c = 0; c < CASES; c++) {
            int[] out = randomShape(rng, 4);
            int[] sa = out.clone();
            int[] sb = Arrays.copyOfRange(out, rng.nextInt(out.length + 1), out.length);
            for (int i = 0; i < sa.length; i++) {
                if (rng.nextInt(3) == 0) {
                    sa[i] = 1;
                }
            }
            for (int i = 0; i < sb.length; i++) {
                if (rng.nextInt(3) == 0) {
                    sb[i] = 1;
                }
            }
            Tensor a = randomTensor(rng, sa);
            Tensor b = randomTensor(rng, sb);
            Tensor sum = a.add(b);
            Tensor prod = a.mul(b);
            Tensor diff = b.sub(a);
            int[] expectShape = Tensor.broadcastShapes("test", sa, sb);
            assertArrayEquals(expectShape, sum.shape());
            double[] sv = sum.toDoubleArray();
            double[] pv = prod.toDoubleArray();
            double[] dv = diff.toDoubleArray();
            for (int f = 0; f < sv.length; f++) {
                int[] idx = unravel(f, expectShape);
                double x = broadcastGet(a, idx);
                double y = broadcastGet(b, idx);
                assertEquals(x + y, sv[f], 0.0);
                assertEquals(x * y, pv[f], 0.0);
                assertEquals(y - x, dv[f], 0.0);
            }
        }
    }

    @Test
    void reductionsMatchNaiveLoops() {
        Rng rng = Rng.seeded(202);
        for (int c = 0; c < CASES; c++) {
            int[] shape = randomShape(rng, 4);
            if (shape.length == 0) {
                continue;
            }
            Tensor x = randomTensor(rng, shape);
            boolean[] red = new boolean[shape.length];
            int nAxes = 0;
            for (int i = 0; i < shape.length; i++) {
                red[i] = rng.nextInt(2) == 0;
                if (red[i]) {
                    nAxes++;
                }
            }
            if (nAxes == 0) {
                red[0] = true;
                nAxes = 1;
            }
            int[] axes = new int[nAxes];
            int[] keepShape = shape.clone();
            int count = 1;
            for (int i = 0, j = 0; i < shape.length; i++) {
                if (red[i]) {
                    axes[j++] = rng.nextInt(2) == 0 ? i : i - shape.length; // negative axes too
                    keepShape[i] = 1;
                    count *= shape[i];
                }
            }
            boolean keep = rng.nextInt(2) == 0;
            double[] sum = new double[numel(keepShape)];
            double[] max = new double[sum.length];
            Arrays.fill(max, Double.NEGATIVE_INFINITY);
            for (int f = 0; f < numel(shape); f++) {
                int[] idx = unravel(f, shape);
                int[] k = idx.clone();
                for (int i = 0; i < shape.length; i++) {
                    if (red[i]) {
                        k[i] = 0;
                    }
                }
                int o = 0;
                for (int i = 0; i < shape.length; i++) {
                    o = o * keepShape[i] + k[i];
                }
                double v = x.get(idx);
                sum[o] += v;
                max[o] = Math.max(max[o], v);
            }
            Tensor s = x.sum(axes, keep);
            Tensor m = x.mean(axes, keep);
            Tensor mx = x.max(axes, keep);
            if (keep) {
                assertArrayEquals(keepShape, s.shape());
            } else {
                assertEquals(shape.length - nAxes, s.dim());
            }
            double[] sv = s.toDoubleArray();
            double[] mv = m.toDoubleArray();
            double[] xv = mx.toDoubleArray();
            for (int i = 0; i < sum.length; i++) {
                assertEquals(sum[i], sv[i], 1e-12);
                assertEquals(sum[i] / count, mv[i], 1e-12);
                assertEquals(max[i], xv[i], 0.0);
            }
        }
    }

    @Test
    void reshapesAndPermutesPreserveRowMajorOrder() {
        Rng rng = Rng.seeded(303);
        for (int c = 0; c < CASES; c++) {
            int[] shape = randomShape(rng, 4);
            Tensor x = randomTensor(rng, shape);
            int[] perm = rng.permutation(shape.length);
            Tensor p = x.permute(perm);
            int[] ps = p.shape();
            double[] expected = new double[numel(ps)];
            for (int f = 0; f < expected.length; f++) {
                int[] pi = unravel(f, ps);
                int[] xi = new int[shape.length];
                for (int i = 0; i < shape.length; i++) {
                    xi[perm[i]] = pi[i];
                }
                expected[f] = x.get(xi);
            }
            assertArrayEquals(expected, p.toDoubleArray(), 0.0);
            // reshape to a random factorisation of numel, and back
            int n = numel(shape);
            int[] target = n % 2 == 0 && rng.nextInt(2) == 0 ? new int[] {2, -1} : new int[] {-1, 1};
            Tensor r = p.reshape(target);
            assertArrayEquals(expected, r.toDoubleArray(), 0.0);
            assertArrayEquals(expected, r.reshape(ps).toDoubleArray(), 0.0);
            assertArrayEquals(expected, p.flatten().toDoubleArray(), 0.0);
            int at = rng.nextInt(ps.length + 1);
            assertArrayEquals(expected, p.unsqueeze(at).squeeze(at).toDoubleArray(), 0.0);
        }
    }

    @Test
    void batchedMatmulMatchesNaiveProducts() {
        Rng rng = Rng.seeded(404);
        for (int c = 0; c < 60; c++) {
            int m = 1 + rng.nextInt(4);
            int k = 1 + rng.nextInt(4);
            int n = 1 + rng.nextInt(4);
            int[] batch = randomShape(rng, 2);
            int[] ba = batch.clone();
            for (int i = 0; i < ba.length; i++) {
                if (rng.nextInt(3) == 0) {
                    ba[i] = 1;
                }
            }
            int[] bb = Arrays.copyOfRange(batch, rng.nextInt(batch.length + 1), batch.length);
            int[] sa = Arrays.copyOf(ba, ba.length + 2);
            sa[ba.length] = m;
            sa[ba.length + 1] = k;
            int[] sb = Arrays.copyOf(bb, bb.length + 2);
            sb[bb.length] = k;
            sb[bb.length + 1] = n;
            Tensor a = rng.nextInt(2) == 0 ? randomTensor(rng, sa) : swapLast(randomTensor(rng, swapLast(sa)));
            Tensor b = rng.nextInt(2) == 0 ? randomTensor(rng, sb) : swapLast(randomTensor(rng, swapLast(sb)));
            Tensor out = a.matmul(b);
            int[] os = out.shape();
            double[] ov = out.toDoubleArray();
            for (int f = 0; f < ov.length; f++) {
                int[] idx = unravel(f, os);
                double e = 0;
                for (int p = 0; p < k; p++) {
                    int[] ia = idx.clone();
                    ia[ia.length - 1] = p;
                    int[] ib = idx.clone();
                    ib[ib.length - 2] = p;
                    e += broadcastGet(a, ia) * broadcastGet(b, ib);
                }
                assertEquals(e, ov[f], 1e-12);
            }
        }
    }

    private static int[] swapLast(int[] s) {
        int[] r = s.clone();
        r[r.length - 1] = s[s.length - 2];
        r[r.length - 2] = s[s.length - 1];
        return r;
    }

    private static Tensor swapLast(Tensor t) {
        return t.transpose(-1, -2);
    }
}
