package dev.heed.bench;

import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.nn.Activation;
import dev.heed.core.nn.MLP;
import dev.heed.core.optim.Adam;
import dev.heed.core.optim.GradClip;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.SGD;
import java.util.ArrayList;
import java.util.List;
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
 * Optimizer overhead on many small parameters, the RL case: an SB3-sized actor-critic (two
 * 8-64-64 MLPs with 4- and 1-unit heads: 9,797 FLOAT32 parameters in 12 tensors) with fixed
 * random gradients. One operation = one {@code step()} (or one clip-grad-norm).
 *
 * <pre>java -jar bench/target/heed-benchmarks.jar OptimizerStepBenchmark</pre>
 */
@API(status = API.Status.INTERNAL, since = "0.1")
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OptimizerStepBenchmark {

    /** Which update: adam, sgd-momentum or clip. */
    @Param({"adam", "sgd-momentum", "clip"})
    public String kind;

    private List<Tensor> params;
    private Optimizer opt;

    /** Creates the benchmark state (JMH). */
    public OptimizerStepBenchmark() {}

    /** Builds the networks, their gradients and the optimizer. */
    @Setup
    public void setup() {
        Rng rng = Rng.seeded(1);
        params = new ArrayList<>(new MLP(new int[] {8, 64, 64, 4}, Activation.TANH, rng).parameters());
        params.addAll(new MLP(new int[] {8, 64, 64, 1}, Activation.TANH, rng).parameters());
        for (Tensor p : params) {
            p.setGrad(Tensor.randn(rng, p.shape()));
        }
        opt = kind.equals("adam") ? new Adam(params, Adam.config().lr(3e-4).eps(1e-5))
                : new SGD(params, SGD.config().lr(1e-3).momentum(0.9));
    }

    /**
     * @return the norm for clip, else 0 (consumed by JMH)
     */
    @Benchmark
    public double step() {
        if (kind.equals("clip")) {
            return GradClip.clipGradNorm(params, 1e9);
        }
        opt.step();
        return 0;
    }
}
