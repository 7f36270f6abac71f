package dev.heed.bench;

import dev.heed.core.Rng;
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
 * Elementwise transcendentals over 4096 contiguous elements: the vector backend's reproducible
 * lane-wise exp/tanh/sigmoid/log against the scalar loop of the plain backend (the same functions,
 * bit for bit). Time per call; divide by 4096 for time per element.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/heed-benchmarks.jar UnaryKernelBenchmark
 * </pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class UnaryKernelBenchmark {

    /** The op. */
    @Param({"EXP", "TANH", "SIGMOID", "LOG"})
    public String op;

    /** {@code vector} or {@code plain}. */
    @Param({"vector", "plain"})
    public String backend;

    /** {@code f32} or {@code f64}. */
    @Param({"f32", "f64"})
    public String dtype;

    private static final int N = 4096;
    private Kernels kernels;
    private Kernels.UnaryOp unaryOp;
    private float[] xf;
    private float[] of;
    private double[] xd;
    private double[] od;

    /** Fills the input with values where every op is defined. */
    @Setup
    public void setUp() {
        kernels = KernelBackends.create(backend, 1);
        unaryOp = Kernels.UnaryOp.valueOf(op);
        Rng rng = Rng.seeded(3);
        xf = new float[N];
        of = new float[N];
        xd = new double[N];
        od = new double[N];
        for (int i = 0; i < N; i++) {
            double v = rng.nextGaussian() * 4;
            xd[i] = unaryOp == Kernels.UnaryOp.LOG ? Math.abs(v) + 1e-3 : v;
            xf[i] = (float) xd[i];
        }
    }

    /** @return the output, so the work is not optimised away */
    @Benchmark
    public Object unary() {
        if (dtype.equals("f32")) {
            kernels.unary(unaryOp, xf, 0, of, 0, N);
            return of;
        }
        kernels.unary(unaryOp, xd, 0, od, 0, N);
        return od;
    }
}
