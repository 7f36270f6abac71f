package dev.heed.bench;

import dev.heed.core.internal.kernel.KernelBackends;
import dev.heed.core.internal.kernel.Kernels;
import java.util.concurrent.TimeUnit;
import org.apiguardian.api.API;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Square matrix products {@code C = A * B} through Heed's kernel backends. GFLOP/s =
 * {@code 2 * n^3 / (time per op)}; {@link GemmGflops} prints that figure directly.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/heed-benchmarks.jar GemmBenchmark
 * java --add-modules jdk.incubator.vector -jar bench/target/heed-benchmarks.jar GemmBenchmark -p backend=plain -p n=512
 * </pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {

    /** Matrix size n (all of m, n, k). */
    @Param({"256", "512", "1024", "2048"})
    public int n;

    /** {@code f32} or {@code f64}. */
    @Param({"f32", "f64"})
    public String dtype;

    /** Kernel threads for one product. */
    @Param({"1", "2"})
    public int threads;

    /** {@code vector} or {@code plain}. */
    @Param({"vector"})
    public String backend;

    private Kernels kernels;
    private float[] af;
    private float[] bf;
    private float[] cf;
    private double[] ad;
    private double[] bd;
    private double[] cd;

    /** Creates the backend and fills the operands. */
    @Setup
    public void setUp() {
        kernels = KernelBackends.create(backend, threads);
        int size = n * n;
        dev.heed.core.Rng rng = dev.heed.core.Rng.seeded(1);
        if (dtype.equals("f32")) {
            af = new float[size];
            bf = new float[size];
            cf = new float[size];
            for (int i = 0; i < size; i++) {
                af[i] = rng.nextFloat() - 0.5f;
                bf[i] = rng.nextFloat() - 0.5f;
            }
        } else {
            ad = new double[size];
            bd = new double[size];
            cd = new double[size];
            for (int i = 0; i < size; i++) {
                ad[i] = rng.nextDouble() - 0.5;
                bd[i] = rng.nextDouble() - 0.5;
            }
        }
    }

    /** @return C, so the product is not optimised away */
    @Benchmark
    public Object gemm() {
        if (af != null) {
            kernels.sgemm(false, false, n, n, n, 1f, af, 0, n, bf, 0, n, 0f, cf, 0, n);
            return cf;
        }
        kernels.dgemm(false, false, n, n, n, 1, ad, 0, n, bd, 0, n, 0, cd, 0, n);
        return cd;
    }
}
