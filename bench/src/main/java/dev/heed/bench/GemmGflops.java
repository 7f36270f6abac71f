package dev.heed.bench;

import dev.heed.core.Rng;
import dev.heed.core.internal.kernel.KernelBackends;
import dev.heed.core.internal.kernel.Kernels;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apiguardian.api.API;

/**
 * A quick GEMM throughput report: GFLOP/s per size, dtype and thread count for the vector
 * backend, with the plain-Java fallback measured in the same run as a ratio, plus the batched
 * attention-shaped products and the small products of an RL policy. Each figure is the median of
 * several timed repetitions after a warm-up; the best repetition is shown too, because on a
 * shared machine the median moves with other load, and so is the median of flops per second of
 * process CPU time, which shows the kernels' own speed when the machine is busy with other work.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/heed-benchmarks.jar dev.heed.bench.GemmGflops
 * options: --sizes 256,512,1024,2048  --dtypes f32,f64  --threads 1,2  --reps 7  --no-plain  --no-small
 * </pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class GemmGflops {

    private GemmGflops() {}

    /** One measured configuration. */
    public static final class Row {
        final String what;
        final double medianGflops;
        final double bestGflops;
        final double medianMicros;
        final double cpuGflops;

        Row(String what, double medianGflops, double bestGflops, double medianMicros, double cpuGflops) {
            this.what = what;
            this.medianGflops = medianGflops;
            this.bestGflops = bestGflops;
            this.medianMicros = medianMicros;
            this.cpuGflops = cpuGflops;
        }
    }

    /**
     * Runs the report and prints it.
     *
     * @param args options, see the class comment
     */
    public static void main(String[] args) {
        run(args, System.out);
    }

    /**
     * Runs the report, printing one line per measurement to {@code out} as it goes.
     *
     * @param args options, see the class comment
     * @param out where to print
     * @throws IllegalArgumentException for an unknown option or a malformed value
     */
    public static void run(String[] args, PrintStream out) {
        int[] sizes = {256, 512, 1024, 2048};
        String[] dtypes = {"f32", "f64"};
        int[] threadCounts = {1, 2};
        int reps = 7;
        boolean plain = true;
        boolean small = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sizes": sizes = ints(args, ++i); break;
                case "--dtypes": dtypes = value(args, ++i).split(","); break;
                case "--threads": threadCounts = ints(args, ++i); break;
                case "--reps": reps = Integer.parseInt(value(args, ++i)); break;
                case "--no-plain": plain = false; break;
                case "--no-small": small = false; break;
                default:
                    throw new IllegalArgumentException("gemm bench: unknown option '" + args[i]
                            + "'; expected --sizes, --dtypes, --threads, --reps, --no-plain or --no-small");
            }
        }
        out.printf(Locale.ROOT, "# Java %s, %s, %d processors; kernels: %s%n", Runtime.version(),
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), KernelBackends.get().name());
        out.println("# what                                   median GFLOP/s   best GFLOP/s   median time"
                + "   GFLOP per CPU-second (median)");
        for (String dtype : dtypes) {
            for (int n : sizes) {
                Row plainRow = null;
                if (plain) {
                    // The fallback is slow: fewer repetitions, one thread (it scales the same way).
                    plainRow = square(KernelBackends.create("plain", 1), dtype, n, Math.max(3, reps / 2));
                }
                for (int t : threadCounts) {
                    Row r = square(KernelBackends.create("vector", t), dtype, n, reps);
                    String ratio = plainRow == null ? "" : String.format(Locale.ROOT, "   (%.1fx plain 1-thread %.1f)",
                            r.medianGflops / plainRow.medianGflops, plainRow.medianGflops);
                    print(out, r, ratio);
                }
            }
        }
        for (int t : small ? threadCounts : new int[0]) {
            Kernels k = KernelBackends.create("vector", t);
            print(out, batched(k, 64, 64, 32, 128, true, reps), "");
            print(out, batched(k, 64, 32, 64, 128, false, reps), "");
            print(out, batched(k, 256, 256, 32, 32, true, reps), "");
            print(out, small(k, 64, 64, 64, reps), "");
            print(out, small(k, 64, 4, 64, reps), "");
        }
    }

    private static void print(PrintStream out, Row r, String extra) {
        out.printf(Locale.ROOT, "%-40s %10.1f %14.1f %11.1f us %9.1f%s%n", r.what, r.medianGflops, r.bestGflops,
                r.medianMicros, r.cpuGflops, extra);
        out.flush();
    }

    /** Times {@code n x n x n} products. */
    public static Row square(Kernels k, String dtype, int n, int reps) {
        Rng rng = Rng.seeded(n);
        int size = n * n;
        double flops = 2.0 * n * n * n;
        Runnable op;
        if (dtype.equals("f32")) {
            float[] a = new float[size];
            float[] b = new float[size];
            float[] c = new float[size];
            for (int i = 0; i < size; i++) {
                a[i] = rng.nextFloat() - 0.5f;
                b[i] = rng.nextFloat() - 0.5f;
            }
            op = () -> k.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        } else if (dtype.equals("f64")) {
            double[] a = new double[size];
            double[] b = new double[size];
            double[] c = new double[size];
            for (int i = 0; i < size; i++) {
                a[i] = rng.nextDouble() - 0.5;
                b[i] = rng.nextDouble() - 0.5;
            }
            op = () -> k.dgemm(false, false, n, n, n, 1, a, 0, n, b, 0, n, 0, c, 0, n);
        } else {
            throw new IllegalArgumentException("gemm bench: dtype '" + dtype + "'; expected f32 or f64");
        }
        String what = String.format(Locale.ROOT, "%s %s %d threads n=%d", k.name(), dtype, k.threads(), n);
        return time(what, op, flops, reps);
    }

    /** Times a batch of float32 products, {@code Q K^T}-like when {@code transB}. */
    public static Row batched(Kernels k, int m, int n, int kk, int batch, boolean transB, int reps) {
        Rng rng = Rng.seeded(7);
        float[] a = new float[batch * m * kk];
        float[] b = new float[batch * kk * n];
        float[] c = new float[batch * m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextFloat();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = rng.nextFloat();
        }
        int ldb = transB ? kk : n;
        Runnable op = () -> k.sgemmBatched(false, transB, m, n, kk, 1f, a, 0, kk, (long) m * kk,
                b, 0, ldb, (long) kk * n, 0f, c, 0, n, (long) m * n, batch);
        String what = String.format(Locale.ROOT, "%s f32 %d thr batch %d x %dx%dx%d%s", k.name(), k.threads(),
                batch, m, n, kk, transB ? " B^T" : "");
        return time(what, op, 2.0 * m * n * kk * batch, reps);
    }

    /** Times one small float32 product, as in an RL policy's layers. */
    public static Row small(Kernels k, int m, int n, int kk, int reps) {
        Rng rng = Rng.seeded(9);
        float[] a = new float[m * kk];
        float[] b = new float[kk * n];
        float[] c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextFloat();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = rng.nextFloat();
        }
        // Small products take microseconds: time a loop of them.
        int inner = 1000;
        Runnable op = () -> {
            for (int r = 0; r < inner; r++) {
                k.sgemm(false, false, m, n, kk, 1f, a, 0, kk, b, 0, n, 0f, c, 0, n);
            }
        };
        String what = String.format(Locale.ROOT, "%s f32 %d thr small %dx%dx%d", k.name(), k.threads(), m, n, kk);
        Row r = time(what, op, 2.0 * m * n * kk * inner, reps);
        return new Row(r.what, r.medianGflops, r.bestGflops, r.medianMicros / inner, r.cpuGflops);
    }

    private static Row time(String what, Runnable op, double flops, int reps) {
        // Warm up until the JIT has compiled the kernels: at least 5 runs and 0.5 s.
        long warmEnd = System.nanoTime() + 500_000_000L;
        for (int i = 0; i < 5 || System.nanoTime() < warmEnd; i++) {
            op.run();
        }
        long[] ids = kernelThreadIds();
        double[] secs = new double[reps];
        double[] cpuSecs = new double[reps];
        for (int r = 0; r < reps; r++) {
            long c0 = cpuNanos(ids);
            long t0 = System.nanoTime();
            op.run();
            secs[r] = (System.nanoTime() - t0) * 1e-9;
            cpuSecs[r] = (cpuNanos(ids) - c0) * 1e-9;
        }
        Arrays.sort(secs);
        Arrays.sort(cpuSecs);
        double median = median(secs);
        double cpu = median(cpuSecs);
        return new Row(what, flops / median / 1e9, flops / secs[0] / 1e9, median * 1e6, cpu > 0 ? flops / cpu / 1e9 : Double.NaN);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    /** @return the ids of this thread and of the kernel pool's workers */
    private static long[] kernelThreadIds() {
        List<Long> ids = new ArrayList<>();
        ids.add(Thread.currentThread().getId());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("heed-kernel-")) {
                ids.add(t.getId());
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * CPU time of the calling thread and the kernel workers: on a machine shared with other work
     * the wall-clock figure moves with the load, while flops per CPU-second shows the kernels' own
     * speed while they run.
     */
    private static long cpuNanos(long[] ids) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long id : ids) {
            long t = mx.getThreadCpuTime(id);
            if (t > 0) {
                sum += t;
            }
        }
        return sum;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException("gemm bench: option " + args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static int[] ints(String[] args, int i) {
        String v = value(args, i);
        List<Integer> list = new ArrayList<>();
        for (String s : v.split(",")) {
            try {
                list.add(Integer.parseInt(s.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("gemm bench: '" + v + "' is not a comma-separated list of integers", e);
            }
        }
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}
