package dev.heed.core.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.core.Rng;
import dev.heed.core.internal.kernel.Kernels.UnaryOp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The same exp, log, tanh, sigmoid and softmax calls give the same bits in a fresh JVM that only
 * interprets ({@code -Xint}: the Vector API runs its lane-by-lane Java fallback) and in this
 * JVM after the JIT has compiled the kernels to vector instructions.
 */
class CrossProcessDeterminismTest {

    /** Deterministic inputs: values in every range the kernels treat differently, odd lengths for the tails. */
    static long digest(Kernels k) {
        Rng rng = Rng.seeded(99);
        int n = 1037;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextGaussian() * (i % 5 == 0 ? 50 : 4);
        }
        x[7] = Double.NEGATIVE_INFINITY;
        x[600] = Double.NaN;
        x[900] = 1e-310;
        float[] xf = new float[n];
        for (int i = 0; i < n; i++) {
            xf[i] = (float) x[i];
        }
        long h = 17;
        for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH, UnaryOp.SIGMOID}) {
            double[] in = x.clone();
            float[] inF = xf.clone();
            if (op == UnaryOp.LOG) {
                for (int i = 0; i < n; i++) {
                    in[i] = Math.abs(in[i]);
                    inF[i] = Math.abs(inF[i]);
                }
            }
            float[] of = new float[n];
            double[] od = new double[n];
            k.unary(op, inF, 0, of, 0, n);
            k.unary(op, in, 0, od, 0, n);
            for (int i = 0; i < n; i++) {
                h = h * 31 + Float.floatToIntBits(of[i]);
                h = h * 31 + Double.doubleToLongBits(od[i]);
            }
        }
        int rows = 9;
        int cols = 67;
        float[] s = new float[rows * cols];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (rng.nextGaussian() * 3);
        }
        float[] out = new float[s.length];
        k.softmaxRows(s, 0, out, 0, rows, cols, 0.125f, 0, 0);
        k.softmaxRows(s, 0, out, 0, rows, cols, 1f, 30, rows);   // with a causal limit
        for (float v : out) {
            h = h * 31 + Float.floatToIntBits(v);
        }
        float[] g = new float[s.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) rng.nextGaussian();
        }
        float[] dx = new float[s.length];
        k.softmaxRowsBackward(out, 0, g, 0, dx, 0, rows, cols, 0.5f);
        for (float v : dx) {
            h = h * 31 + Float.floatToIntBits(v);
        }
        return h;
    }

    /**
     * Child entry point: prints the digest of the vector backend.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.println("digest " + Long.toHexString(digest(KernelBackends.create("vector", 1))));
    }

    @Test
    void interpretedChildGivesTheSameBitsAsThisCompiledJvm() throws IOException, InterruptedException {
        assumeTrue(KernelBackends.vectorModulePresent(), "needs --add-modules jdk.incubator.vector");
        Kernels k = KernelBackends.create("vector", 1);
        long first = digest(k);

        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "-Xint", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), CrossProcessDeterminismTest.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        // While the interpreted child runs (a few seconds), keep calling the kernels here so that
        // the JIT compiles them to vector instructions; every result must stay the same.
        long warm = first;
        for (int i = 0; i < 20_000 && (p.isAlive() || i < 200); i++) {
            warm = digest(k);
            assertEquals(first, warm, "call " + i + " differs from the first call in this JVM");
        }
        String digest = null;
        StringBuilder all = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                all.append(line).append('\n');
                if (line.startsWith("digest ")) {
                    digest = line.substring(7);
                }
            }
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the -Xint child did not finish");
        assertEquals(0, p.exitValue(), "child failed:\n" + all);
        assertEquals(Long.toHexString(warm), digest, "an interpreted JVM computed different bits:\n" + all);
    }
}
