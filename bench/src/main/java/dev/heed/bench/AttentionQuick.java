package dev.heed.bench;

import dev.heed.attention.AttentionMask;
import dev.heed.attention.MultiHeadAttention;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * Quick medians of multi-head causal self-attention at the benchmark shapes, with ratios to
 * PyTorch's figures; the table is logged (System.Logger, INFO) and, with a path argument, written
 * as Markdown. Arguments: {@code [output.md] [repetitions] [plain]} — {@code plain} disables the
 * blocked path (weights requested) for comparison. The main thread's CPU time is reported too: with
 * {@code -Dheed.threads=1} all work runs on that thread, so on a machine shared with other jobs it
 * measures the work without the time spent waiting for a core.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/heed-benchmarks.jar dev.heed.bench.AttentionQuick attention.md 10</pre>
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class AttentionQuick {

    private static final System.Logger LOG = System.getLogger(AttentionQuick.class.getName());

    /** Least warm-up time per shape. */
    private static final long WARM_UP_NANOS = 2_000_000_000L;

    private AttentionQuick() {}

    /**
     * @param args optional output path, repetitions (default 10) and "plain"
     * @throws IOException if the table cannot be written
     */
    public static void main(String[] args) throws IOException {
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        boolean plain = args.length > 2 && args[2].equals("plain");
        StringBuilder md = new StringBuilder();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        md.append("| (batch, seq, d_model, heads) | Heed fwd ms | Heed fwd+bwd ms | no-grad fwd ms |"
                + " main-thread CPU fwd / fwd+bwd ms | PyTorch 1T fwd / fwd+bwd | ratio vs best PyTorch fwd / fwd+bwd |"
                + "\n|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < AttentionShapes.SHAPES.length; i++) {
            int[] s = AttentionShapes.parse(AttentionShapes.SHAPES[i]);
            Rng rng = Rng.seeded(1);
            MultiHeadAttention mha = MultiHeadAttention.builder(s[2], s[3]).build(rng);
            Tensor x = Tensor.randn(rng, s[0], s[1], s[2]).requiresGrad(true);
            Tensor g = Tensor.randn(rng, s[0], s[1], s[2]);
            int r = s[1] >= 4096 ? Math.max(3, reps / 3) : reps;
            double[] fwd = new double[r];
            double[] both = new double[r];
            double[] inf = new double[r];
            double[] cpuF = new double[r];
            double[] cpuB = new double[r];
            // warm-up with the same steps, so that short shapes are timed compiled (a fixed two steps of the
            // smallest shape ended while C2 was still compiling its kernels)
            long warmStart = System.nanoTime();
            for (int w = 0; w < 2 || warming(w, System.nanoTime() - warmStart); w++) {
                Tensor y = plain ? mha.forward(x, x, x, AttentionMask.causal(), true, false, null).output()
                        : mha.forward(x, AttentionMask.causal());
                y.backward(g);
                try (NoGrad ignored = NoGrad.enter()) {
                    if (plain) {
                        mha.forward(x, x, x, AttentionMask.causal(), true, false, null);
                    } else {
                        mha.forward(x, AttentionMask.causal());
                    }
                }
                mha.zeroGrad();
                x.zeroGrad();
            }
            for (int k = 0; k < r; k++) {
                long c0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                Tensor y = plain ? mha.forward(x, x, x, AttentionMask.causal(), true, false, null).output()
                        : mha.forward(x, AttentionMask.causal());
                long t1 = System.nanoTime();
                long c1 = mx.getCurrentThreadCpuTime();
                y.backward(g);
                long t2 = System.nanoTime();
                long c2 = mx.getCurrentThreadCpuTime();
                long t3;
                try (NoGrad ignored = NoGrad.enter()) {
                    long a = System.nanoTime();
                    if (plain) {
                        mha.forward(x, x, x, AttentionMask.causal(), true, false, null);
                    } else {
                        mha.forward(x, AttentionMask.causal());
                    }
                    t3 = System.nanoTime() - a;
                }
                mha.zeroGrad();
                x.zeroGrad();
                if (k >= 0) {
                    fwd[k] = (t1 - t0) / 1e6;
                    both[k] = (t2 - t0) / 1e6;
                    inf[k] = t3 / 1e6;
                    cpuF[k] = (c1 - c0) / 1e6;
                    cpuB[k] = (c2 - c0) / 1e6;
                }
            }
            double f = median(fwd);
            double b = median(both);
            double n = median(inf);
            double bestF = Math.min(AttentionShapes.TORCH_1T[i][0], AttentionShapes.TORCH_2T[i][0]);
            double bestB = Math.min(AttentionShapes.TORCH_1T[i][1], AttentionShapes.TORCH_2T[i][1]);
            String row = String.format("| (%s) | %.1f | %.1f | %.1f | %.1f / %.1f | %.1f / %.1f | %.2f / %.2f |",
                    AttentionShapes.SHAPES[i].replace(",", ", "), f, b, n, median(cpuF), median(cpuB),
                    AttentionShapes.TORCH_1T[i][0], AttentionShapes.TORCH_1T[i][1], f / bestF, b / bestB);
            LOG.log(System.Logger.Level.INFO, row);
            md.append(row).append('\n');
        }
        Tensor a = Tensor.randn(Rng.seeded(3), 512, 512);
        double[] gemm = new double[reps];
        for (int k = -2; k < reps; k++) {
            long t0 = System.nanoTime();
            a.matmul(a);
            if (k >= 0) {
                gemm[k] = 2.0 * 512 * 512 * 512 / (System.nanoTime() - t0);
            }
        }
        String cal = String.format("calibration: 512x512 float32 matmul at %.0f GFLOP/s in this run "
                + "(about 190 on one idle core of the reference machine, 370 on two)", median(gemm));
        LOG.log(System.Logger.Level.INFO, cal);
        md.append('\n').append(cal).append('\n');
        md.append("\nratio = Heed time / PyTorch's best (1 or 2 threads) time; below 1 is faster. ")
                .append(plain ? "Plain path (weights requested).\n" : "Blocked path.\n");
        if (args.length > 0) {
            Files.writeString(Path.of(args[0]), md.toString());
        }
    }

    /**
     * Whether to keep warming up after {@code steps} steps and {@code nanos}: for at least
     * {@link #WARM_UP_NANOS}, and for at least ten steps unless that takes five times as long
     * (the first steps run interpreted and can use up the time alone).
     */
    private static boolean warming(int steps, long nanos) {
        return nanos < WARM_UP_NANOS || steps < 10 && nanos < 5 * WARM_UP_NANOS;
    }

    private static double median(double[] a) {
        double[] c = a.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
