package dev.heed.bench;

import dev.heed.core.Rng;
import dev.heed.core.internal.kernel.KernelBackends;
import dev.heed.core.internal.kernel.Kernels;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import org.apiguardian.api.API;

/**
 * A quick report of the elementwise transcendentals and the row softmax: nanoseconds per element
 * of CPU time (median and best of timed repetitions after a warm-up) on one thread, for 16 Ki and 1 Mi contiguous
 * elements, float32 and float64. Softmax runs 256 rows of 64 (16 Ki) and 1024 rows of 1024 (1 Mi).
 * GELU (float32 only) is timed without and with its saved derivative.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/heed-benchmarks.jar dev.heed.bench.TranscendentalSpeed
 * options: --backend vector|plain  --reps 15
 * </pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class TranscendentalSpeed {

    private TranscendentalSpeed() {}

    /**
     * Runs the report and prints it.
     *
     * @param args options, see the class comment
     */
    public static void main(String[] args) {
        run(args, System.out);
    }

    /**
     * Runs the report, one line per measurement.
     *
     * @param args options, see the class comment
     * @param out where the lines go
     * @throws IllegalArgumentException on an unknown option
     */
    public static void run(String[] args, PrintStream out) {
        String backend = "vector";
        int reps = 15;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--backend": backend = args[++i]; break;
                case "--reps": reps = Integer.parseInt(args[++i]); break;
                default:
                    throw new IllegalArgumentException("TranscendentalSpeed: unknown option " + args[i]
                            + "; expected --backend vector|plain or --reps N");
            }
        }
        Kernels k = KernelBackends.create(backend, 1);
        out.printf(Locale.ROOT, "# Java %s; kernels: %s; CPU ns per element, median (best) of %d%n",
                Runtime.version(), k.name(), reps);
        Rng rng = Rng.seeded(11);
        for (int n : new int[] {1 << 14, 1 << 20}) {
            float[] xf = new float[n];
            float[] of = new float[n];
            double[] xd = new double[n];
            double[] od = new double[n];
            for (Kernels.UnaryOp op : new Kernels.UnaryOp[] {Kernels.UnaryOp.EXP, Kernels.UnaryOp.TANH,
                    Kernels.UnaryOp.SIGMOID, Kernels.UnaryOp.LOG}) {
                for (int i = 0; i < n; i++) {
                    double v = rng.nextGaussian() * 4;
                    xd[i] = op == Kernels.UnaryOp.LOG ? Math.abs(v) + 1e-3 : v;
                    xf[i] = (float) xd[i];
                }
                double[] f = time(reps, n, () -> k.unary(op, xf, 0, of, 0, n));
                double[] d = time(reps, n, () -> k.unary(op, xd, 0, od, 0, n));
                out.printf(Locale.ROOT, "%-8s n=%-8d f32 %7.3f (%7.3f)   f64 %7.3f (%7.3f)%n",
                        op.toString().toLowerCase(Locale.ROOT), n, f[0], f[1], d[0], d[1]);
            }
            for (int i = 0; i < n; i++) {
                xf[i] = (float) (rng.nextGaussian() * 2);
            }
            float[] df = new float[n];
            double[] g = time(reps, n, () -> k.gelu(xf, 0, of, 0, null, 0, n));
            double[] gd = time(reps, n, () -> k.gelu(xf, 0, of, 0, df, 0, n));
            out.printf(Locale.ROOT, "%-8s n=%-8d f32 %7.3f (%7.3f)   with derivative %7.3f (%7.3f)%n",
                    "gelu", n, g[0], g[1], gd[0], gd[1]);
            int cols = n == 1 << 14 ? 64 : 1024;
            int rows = n / cols;
            for (int i = 0; i < n; i++) {
                xf[i] = (float) (rng.nextGaussian() * 3);
            }
            double[] s = time(reps, n, () -> k.softmaxRows(xf, 0, of, 0, rows, cols, 0.125f, 0, 0));
            out.printf(Locale.ROOT, "%-8s n=%-8d f32 %7.3f (%7.3f)   rows of %d%n", "softmax", n, s[0], s[1], cols);
        }
    }

    /**
     * @return {median, best} nanoseconds per element, of the thread's CPU time when the JVM can
     *     measure it (so time the thread spends descheduled on a busy machine does not count),
     *     else of wall-clock time
     */
    private static double[] time(int reps, int n, Runnable body) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean cpu = mx.isCurrentThreadCpuTimeSupported();
        long warmEnd = System.nanoTime() + 700_000_000L;
        int inner = Math.max(1, (1 << 22) / n);
        while (System.nanoTime() < warmEnd) {
            body.run();
        }
        double[] t = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
            for (int i = 0; i < inner; i++) {
                body.run();
            }
            long t1 = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
            t[r] = (t1 - t0) / (double) inner / n;
        }
        Arrays.sort(t);
        return new double[] {t[reps / 2], t[0]};
    }
}
