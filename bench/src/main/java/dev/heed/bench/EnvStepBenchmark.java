package dev.heed.bench;

import dev.heed.core.Rng;
import dev.heed.rl.env.Env;
import dev.heed.rl.env.Envs;
import dev.heed.rl.env.Step;
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
 * Raw stepping speed of one built-in env (as made by {@code Envs.make}, i.e. with its TimeLimit),
 * random actions, resetting when an episode ends. One operation = one step; the score is steps/s.
 * Compare with Gymnasium's raw {@code env.step} rate on the same machine.
 *
 * <pre>java -jar bench/target/heed-benchmarks.jar EnvStepBenchmark</pre>
 */
@API(status = API.Status.INTERNAL, since = "0.1")
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EnvStepBenchmark {

    /** The env id. */
    @Param({"CartPole-v1", "Pendulum-v1"})
    public String env;

    private Env e;
    private double[][] actions;
    private int k;

    /** Creates the benchmark state (JMH). */
    public EnvStepBenchmark() {}

    /** Builds the env and a cycle of 4096 pre-drawn random actions. */
    @Setup
    public void setup() {
        e = Envs.make(env);
        e.reset(0);
        Rng rng = Rng.seeded(1);
        actions = new double[4096][];
        for (int i = 0; i < actions.length; i++) {
            actions[i] = e.actionSpace().sample(rng);
        }
    }

    /**
     * @return the step result (consumed by JMH)
     */
    @Benchmark
    public Step step() {
        Step s = e.step(actions[k++ & 4095]);
        if (s.done()) {
            e.reset();
        }
        return s;
    }
}
