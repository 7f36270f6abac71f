package dev.heed.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heed.attention.AttentionMask;
import dev.heed.attention.MultiHeadAttention;
import dev.heed.attention.Similarities;
import dev.heed.cli.support.Progress;
import dev.heed.cli.support.UserInputException;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apiguardian.api.API;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code heed bench attention}: multi-head self-attention (float32) forward and forward+backward
 * time, medians after warm-up, and the extra heap one forward+backward needs at its peak.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
@Command(
        name = "attention",
        mixinStandardHelpOptions = true,
        description = "Multi-head self-attention speed (forward, forward+backward) and peak extra heap.",
        footer = {"", "Examples:",
            "  heed bench attention --batch 32 --seq 64 --dim 128 --heads 4 --causal",
            "  heed bench attention --batch 4 --seq 1024 --dim 512 --heads 8 --causal --json",
            "", "JSON output: {\"forward_ms\": ..., \"forward_backward_ms\": ..., \"peak_extra_heap_mb\": ...}",
            "peak_extra_heap_mb: heap in use at the peak of one forward+backward minus the heap in use before it",
            "(sum of the JVM's heap-pool peaks; an upper bound)."})
public final class AttentionBenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--batch", required = true, paramLabel = "B", description = "Batch size.")
    int batch;

    @Option(names = "--seq", required = true, paramLabel = "T", description = "Sequence length.")
    int seq;

    @Option(names = "--dim", required = true, paramLabel = "D", description = "Model width (a multiple of --heads).")
    int dim;

    @Option(names = "--heads", required = true, paramLabel = "H", description = "Attention heads.")
    int heads;

    @Option(names = "--causal", description = "Use a causal mask (decoder self-attention).")
    boolean causal;

    @Option(names = "--similarity", defaultValue = "scaled-dot", paramLabel = "NAME",
            description = "Similarity function (default: ${DEFAULT-VALUE}); see 'heed plugins'.")
    String similarity;

    @Option(names = "--threads", paramLabel = "N", description = "Kernel threads (default: all cores).")
    Integer threads;

    @Option(names = "--json", description = "Print JSON on standard output.")
    boolean json;

    /** Creates the command. */
    public AttentionBenchCommand() {}

    @Override
    public Integer call() throws Exception {
        if (batch < 1 || seq < 1 || dim < 1 || heads < 1) {
            throw new UserInputException("--batch " + batch + ", --seq " + seq + ", --dim " + dim + ", --heads " + heads
                    + ": every size must be at least 1", "give positive sizes, e.g. --batch 8 --seq 256 --dim 256 --heads 8");
        }
        if (dim % heads != 0) {
            throw new UserInputException("--dim " + dim + " is not a multiple of --heads " + heads,
                    "choose --dim divisible by --heads, e.g. --dim " + (dim / heads + 1) * heads);
        }
        Timing.threads(threads);
        MultiHeadAttention mha = MultiHeadAttention.builder(dim, heads).similarity(Similarities.factory(similarity))
                .build(Rng.seeded(1));
        Tensor x = Tensor.randn(Rng.seeded(2), batch, seq, dim);
        AttentionMask mask = causal ? AttentionMask.causal() : AttentionMask.none();
        PrintWriter err = spec.commandLine().getErr();
        double fwd;
        double fwdBwd;
        double peakMb;
        try (Progress p = Progress.start("bench attention", 3, err)) {
            fwd = Timing.medianMillis(() -> {
                try (NoGrad ignored = NoGrad.enter()) {
                    mha.forward(x, mask);
                }
            }, 2, 5, 100, 1.0);
            p.stepBy(1);
            Tensor xg = x.detach().requiresGrad(true);
            Timing.Body fb = () -> {
                mha.zeroGrad();
                mha.forward(xg, mask).sum().backward();
            };
            fwdBwd = Timing.medianMillis(fb, 2, 5, 100, 1.0);
            p.stepBy(1);
            peakMb = peakExtraHeapMb(fb);
            p.stepBy(1);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode n = m.createObjectNode();
            n.put("batch", batch);
            n.put("seq", seq);
            n.put("dim", dim);
            n.put("heads", heads);
            n.put("causal", causal);
            n.put("similarity", similarity);
            n.put("forward_ms", round(fwd));
            n.put("forward_backward_ms", round(fwdBwd));
            n.put("peak_extra_heap_mb", round(peakMb));
            out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(n));
        } else {
            out.println(String.format(Locale.ROOT, "attention B=%d T=%d D=%d H=%d %s, %s: forward %.3f ms, "
                    + "forward+backward %.3f ms, peak extra heap %.1f MB (medians after warm-up)", batch, seq, dim, heads,
                    causal ? "causal" : "unmasked", similarity, fwd, fwdBwd, peakMb));
        }
        out.flush();
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** Runs {@code body} once between a full GC and a read of the heap pools' peak usage. */
    static double peakExtraHeapMb(Timing.Body body) {
        long before = 0;
        double best = Double.POSITIVE_INFINITY;
        // The GC may or may not run inside the body; the smallest of a few tries is the least disturbed.
        for (int trial = 0; trial < 3; trial++) {
            System.gc();
            before = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    pool.resetPeakUsage();
                    before += pool.getUsage().getUsed();
                }
            }
            body.run();
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            best = Math.min(best, Math.max(0, peak - before) / (1024.0 * 1024.0));
        }
        return best;
    }
}
