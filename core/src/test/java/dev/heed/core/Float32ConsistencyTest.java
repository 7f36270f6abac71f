package dev.heed.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The float32 code paths (separate loops from float64) give the same values and gradients as the
 * gradient-checked float64 paths, to float32 precision.
 */
class Float32ConsistencyTest {

    private static void consistent(String name, Function<Tensor[], Tensor> f, Tensor... inputs64) {
        Tensor[] in32 = new Tensor[inputs64.length];
        Tensor[] in64 = new Tensor[inputs64.length];
        for (int i = 0; i < inputs64.length; i++) {
            in64[i] = inputs64[i].detach().requiresGrad(true);
            // round through float32 so both paths see identical inputs
            in32[i] = inputs64[i].to(DType.FLOAT32).detach().requiresGrad(true);
            in64[i] = in32[i].to(DType.FLOAT64).detach().requiresGrad(true);
        }
        Tensor y64 = f.apply(in64);
        Tensor y32 = f.apply(in32);
        assertTrue(y32.to(DType.FLOAT64).allClose(y64, 1e-4, 1e-5), name + ": forward differs\n" + y32 + "\n" + y64);
        Tensor w = Tensor.randn(Rng.seeded(5), DType.FLOAT64, y64.shape());
        y64.mul(w).sum().backward();
        y32.mul(w.to(DType.FLOAT32)).sum().backward();
        for (int i = 0; i < in32.length; i++) {
            assertTrue(in32[i].grad().to(DType.FLOAT64).allClose(in64[i].grad(), 1e-3, 1e-4),
                    name + ": gradient of input " + i + " differs\n" + in32[i].grad() + "\n" + in64[i].grad());
        }
    }

    private static Tensor r(long seed, int... shape) {
        return Tensor.randn(Rng.seeded(seed), DType.FLOAT64, shape);
    }

    @Test
    void everyOpFamilyAgreesAcrossFloatTypes() {
        consistent("mlp", x -> x[0].matmul(x[1]).add(x[2]).tanh().matmul(x[3]).sigmoid(), r(1, 5, 3), r(2, 3, 4), r(3, 4), r(4, 4, 2));
        consistent("batched matmul", x -> x[0].matmul(x[1].mT()), r(5, 2, 3, 4), r(6, 2, 5, 4));
        consistent("softmax", x -> x[0].softmax(-1).add(x[0].logSoftmax(1)).add(x[0].softmax(0)), r(7, 3, 5));
        consistent("layerNorm", x -> x[0].layerNorm(new int[] {6}, x[1], x[2], 1e-5), r(8, 4, 6), r(9, 6), r(10, 6));
        // widths with whole vectors and a scalar tail, weight only and no affine parameters
        consistent("layerNorm 128", x -> x[0].layerNorm(new int[] {128}, x[1], x[2], 1e-5), r(20, 2, 3, 128), r(21, 128), r(22, 128));
        consistent("layerNorm 37", x -> x[0].layerNorm(new int[] {37}, x[1], null, 1e-5), r(23, 5, 37), r(24, 37));
        consistent("layerNorm plain", x -> x[0].layerNorm(new int[] {2, 24}, null, null, 1e-5), r(25, 3, 2, 24));
        // a matrix shared by a batch: the weight gradient folds the batch into one product
        consistent("linear over a batch", x -> x[0].matmul(x[1].mT()), r(26, 3, 4, 5), r(27, 6, 5));
        consistent("elementwise", x -> x[0].gelu().add(x[0].gelu(true)).add(x[0].softplus()).add(x[0].exp().log1p())
                .add(x[0].relu()).add(x[0].abs().add(1).sqrt()).add(x[0].clamp(-0.5, 0.5)).add(x[0].erf()), r(11, 3, 4));
        consistent("broadcast arithmetic", x -> x[0].sub(x[1]).mul(x[1]).div(x[1].abs().add(1)).pow(2.0), r(12, 3, 4), r(13, 4));
        consistent("reductions", x -> Tensor.concat(0, x[0].sum(0), x[0].mean(0), x[0].max(0), x[0].logSumExp(0),
                x[0].var(new int[] {0}, true, false)), r(14, 3, 4));
        consistent("indexing", x -> x[0].gather(1, Tensor.of(new long[] {1, 0, 2, 2}, 2, 2))
                .add(x[0].indexSelect(1, Tensor.of(new long[] {2, 0})).mul(2)), r(15, 2, 3));
    }
}
