package dev.heed.bench;

import dev.heed.attention.AttentionMask;
import dev.heed.attention.MultiHeadAttention;
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
 * Multi-head causal self-attention (projections included, scaled-dot, no dropout, FLOAT32) at the
 * four shapes PyTorch's {@code nn.MultiheadAttention} was measured at: forward, and forward plus
 * backward of {@code sum(y · g)} for a fixed random {@code g}. Weights are not requested, so the
 * blocked (online-softmax) path runs.
 *
 * <pre>java --add-modules jdk.incubator.vector -jar bench/target/heed-benchmarks.jar AttentionBenchmark</pre>
 */
@API(status = API.Status.INTERNAL, since = "0.1")
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class AttentionBenchmark {

    /** batch, sequence length, model width, heads. */
    @Param({"32,64,128,4", "8,256,256,8", "4,1024,512,8", "1,4096,512,8"})
    public String shape;

    private MultiHeadAttention mha;
    private Tensor x;
    private Tensor g;

    /** Creates the benchmark state (JMH). */
    public AttentionBenchmark() {}

    /** Builds the layer and inputs. */
    @Setup
    public void setup() {
        int[] s = AttentionShapes.parse(shape);
        Rng rng = Rng.seeded(1);
        mha = MultiHeadAttention.builder(s[2], s[3]).build(rng);
        x = Tensor.randn(rng, s[0], s[1], s[2]).requiresGrad(true);
        g = Tensor.randn(rng, s[0], s[1], s[2]);
    }

    /** @return the output (forward, recording the graph as in training) */
    @Benchmark
    public Tensor forward() {
        return mha.forward(x, AttentionMask.causal());
    }

    /** @return the input gradient after forward and backward */
    @Benchmark
    public Tensor forwardBackward() {
        mha.zeroGrad();
        x.zeroGrad();
        mha.forward(x, AttentionMask.causal()).backward(g);
        return x.grad();
    }
}
