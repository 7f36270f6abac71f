package dev.heed.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heed.cli.support.Progress;
import dev.heed.cli.support.UserInputException;
import dev.heed.core.DType;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apiguardian.api.API;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code heed bench gemm}: GFLOP/s of square matrix products {@code a.matmul(b)} through the public
 * tensor API: median of timed repetitions after warm-up, {@code 2·n³ / time}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
@Command(
        name = "gemm",
        mixinStandardHelpOptions = true,
        description = "Matrix-product speed (GFLOP/s) of Tensor.matmul on n x n matrices.",
        footer = {"", "Examples:",
            "  heed bench gemm",
            "  heed bench gemm --sizes 512,1024 --dtype f64 --threads 1 --json",
            "", "JSON output: [{\"size\": 256, \"gflops\": 180.2}, ...]"})
public final class GemmBenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--sizes", split = ",", paramLabel = "N,N,...", defaultValue = "256,512,1024",
            description = "Matrix sizes n (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--dtype", paramLabel = "f32|f64", defaultValue = "f32",
            description = "Element type: f32 or f64 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--threads", paramLabel = "N",
            description = "Kernel threads (default: all cores). Sets the heed.threads property for this process.")
    Integer threads;

    @Option(names = "--json", description = "Print JSON on standard output.")
    boolean json;

    /** Creates the command. */
    public GemmBenchCommand() {}

    static DType dtype(String text) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "f32":
            case "float32":
                return DType.FLOAT32;
            case "f64":
            case "float64":
                return DType.FLOAT64;
            default:
                throw new UserInputException("--dtype " + text + " is not a supported element type", "use f32 or f64");
        }
    }

    @Override
    public Integer call() throws Exception {
        DType dt = dtype(dtype);
        for (int n : sizes) {
            if (n < 1 || n > 8192) {
                throw new UserInputException("--sizes: " + n + " is not a usable matrix size",
                        "give sizes between 1 and 8192, e.g. --sizes 256,512,1024");
            }
        }
        Timing.threads(threads);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ObjectMapper m = new ObjectMapper();
        ArrayNode result = m.createArrayNode();
        Rng rng = Rng.seeded(1);
        List<String> lines = new java.util.ArrayList<>();
        try (Progress p = Progress.start("bench gemm", sizes.size(), err); NoGrad ignored = NoGrad.enter()) {
            for (int n : sizes) {
                Tensor a = Tensor.randn(rng, dt, n, n);
                Tensor b = Tensor.randn(rng, dt, n, n);
                double ms = Timing.medianMillis(() -> a.matmul(b), 3, 5, 200, 1.0);
                double gflops = 2.0 * n * n * (double) n / (ms * 1e-3) / 1e9;
                ObjectNode row = result.addObject();
                row.put("size", n);
                // four significant digits: a slow (cold or tiny) measurement stays positive, never 0.0
                row.put("gflops", Double.isFinite(gflops) && gflops > 0
                        ? new java.math.BigDecimal(gflops).round(new java.math.MathContext(4)).doubleValue() : gflops);
                // Printed after the progress bar is gone, so the two never share a terminal line.
                lines.add(String.format(Locale.ROOT, "n = %5d  %8.3f ms  %7.1f GFLOP/s", n, ms, gflops));
                p.stepBy(1);
            }
        }
        if (json) {
            out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        } else {
            lines.forEach(out::println);
            out.println("dtype " + dt.name().toLowerCase(Locale.ROOT) + ", threads "
                    + (threads == null ? "all (" + Runtime.getRuntime().availableProcessors() + ")" : threads)
                    + "; median of timed repetitions after at least 3 warm-up products and 0.3 s");
        }
        out.flush();
        return 0;
    }
}
