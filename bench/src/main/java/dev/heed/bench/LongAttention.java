package dev.heed.bench;

import dev.heed.attention.Attention;
import dev.heed.attention.AttentionMask;
import dev.heed.attention.AttentionOutput;
import dev.heed.attention.Similarities;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apiguardian.api.API;

/**
 * Long-sequence check of the memory-efficient path: causal scaled-dot attention over
 * {@code [1, heads, T, 64]} forward and backward, logging the time and the peak heap used. Run it
 * with a fixed heap at several T to show memory linear in T; one {@code [8, 16384, 16384]} score
 * matrix alone would be 8 GiB. The live heap after the forward pass is what the backward pass keeps
 * (inputs, output and one log-sum-exp per row):
 *
 * <pre>java -Xmx2g --add-modules jdk.incubator.vector -cp bench/target/heed-benchmarks.jar dev.heed.bench.LongAttention 16384 8</pre>
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class LongAttention {

    private static final System.Logger LOG = System.getLogger(LongAttention.class.getName());

    private LongAttention() {}

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /** @return the process's peak resident set (VmHWM) on Linux, else "n/a" */
    private static String peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return line.substring(6).trim();
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return "n/a";
        }
        return "n/a";
    }

    /**
     * @param args sequence length (default 16384) and heads (default 8)
     */
    public static void main(String[] args) {
        int t = args.length > 0 ? Integer.parseInt(args[0]) : 16384;
        int h = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        Rng rng = Rng.seeded(1);
        Tensor q = Tensor.randn(rng, 1, h, t, 64).requiresGrad(true);
        Tensor k = Tensor.randn(rng, 1, h, t, 64).requiresGrad(true);
        Tensor v = Tensor.randn(rng, 1, h, t, 64).requiresGrad(true);
        Tensor g = Tensor.randn(rng, 1, h, t, 64);
        System.gc();
        long base = usedHeap();
        long t0 = System.nanoTime();
        AttentionOutput o = Attention.attend(q, k, v, Similarities.create("scaled-dot", 64, h, rng), AttentionMask.causal());
        long t1 = System.nanoTime();
        System.gc();
        long saved = usedHeap() - base;
        o.output().backward(g);
        long t2 = System.nanoTime();
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        double qGradNorm = Math.sqrt(q.grad().mul(q.grad()).sum().item());
        LOG.log(System.Logger.Level.INFO, String.format(
                "T=%d heads=%d d=64 causal: blocked=%s forward %.1f s, backward %.1f s, inputs %.0f MiB, "
                        + "live after forward (saved for backward) %.0f MiB, peak heap %.0f MiB (max heap %.0f MiB), "
                        + "peak RSS %s, |dq| = %.3f", t, h, o.blocked(), (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                base / 1048576.0, saved / 1048576.0, peak / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0,
                peakRss(), qGradNorm));
    }
}
