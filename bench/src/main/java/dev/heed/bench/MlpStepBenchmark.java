package dev.heed.bench;

import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
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
 * RL's inner loop: a 64-64 tanh MLP (Stable-Baselines3's default policy/value network), forward
 * plus backward on a minibatch, and no-grad forward for per-step action selection. Measures
 * autograd and small-op overhead together with the kernels.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MlpStepBenchmark {

    /** Minibatch rows for the training step. */
    @Param({"64"})
    public int batch;

    /** Observation size (CartPole 4, Pendulum 3; 8 covers both with room). */
    @Param({"8"})
    public int obs;

    private Tensor x;
    private Tensor x1;
    private Tensor w1;
    private Tensor b1;
    private Tensor w2;
    private Tensor b2;
    private Tensor w3;
    private Tensor b3;

    /** Builds the network with a fixed seed. */
    @Setup
    public void setup() {
        Rng rng = Rng.seeded(0);
        x = Tensor.randn(rng, batch, obs);
        x1 = Tensor.randn(rng, 1, obs);
        w1 = Tensor.randn(rng, obs, 64).mul(0.3).requiresGrad(true);
        b1 = Tensor.zeros(64).requiresGrad(true);
        w2 = Tensor.randn(rng, 64, 64).mul(0.1).requiresGrad(true);
        b2 = Tensor.zeros(64).requiresGrad(true);
        w3 = Tensor.randn(rng, 64, 2).mul(0.1).requiresGrad(true);
        b3 = Tensor.zeros(2).requiresGrad(true);
    }

    private Tensor forward(Tensor in) {
        Tensor h = in.matmul(w1).add(b1).tanh();
        h = h.matmul(w2).add(b2).tanh();
        return h.matmul(w3).add(b3);
    }

    /**
     * @return the loss, so the work is not eliminated
     */
    @Benchmark
    public Tensor forwardBackward() {
        Tensor loss = forward(x).pow(2.0).mean();
        loss.backward();
        w1.zeroGrad();
        w2.zeroGrad();
        w3.zeroGrad();
        b1.zeroGrad();
        b2.zeroGrad();
        b3.zeroGrad();
        return loss;
    }

    /**
     * @return the action logits for one observation
     */
    @Benchmark
    public Tensor inferenceBatch1() {
        try (NoGrad ignored = NoGrad.enter()) {
            return forward(x1);
        }
    }
}
