package dev.heed.bench;

import dev.heed.attention.model.TransformerConfig;
import dev.heed.attention.tasks.SyntheticTask;
import dev.heed.attention.tasks.TaskResult;
import dev.heed.attention.tasks.TaskRun;
import dev.heed.attention.tasks.TaskTraining;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Experiment 1 of the attention issue: the similarity functions on the synthetic tasks at equal
 * steps, with the same model, data, seeds and optimiser. Writes a Markdown table (mean over seeds
 * of held-out token and sequence accuracy, final training loss, median ms per step).
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/heed-benchmarks.jar \
 *     dev.heed.bench.SimilarityExperiment docs/experiments/similarity.md [steps] [seeds] [positional]</pre>
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SimilarityExperiment {

    private static final System.Logger LOG = System.getLogger(SimilarityExperiment.class.getName());

    /** The similarities compared. */
    static final String[] SIMILARITIES = {"dot", "scaled-dot", "cosine", "additive", "general"};

    private SimilarityExperiment() {}

    /**
     * @param args output path, steps (default 600), seeds (default 3), positional (default learned)
     * @throws IOException if the table cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "similarity.md");
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 600;
        int seeds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String positional = args.length > 3 ? args[3] : "learned";
        int length = 8;
        int symbols = 10;
        TransformerConfig base = TransformerConfig.builder().dModel(64).heads(4).layers(2).positional(positional).build();
        StringBuilder md = new StringBuilder();
        md.append("| task | similarity | token accuracy | sequence accuracy | final loss | ms/step |\n")
                .append("|---|---|---|---|---|---|\n");
        List<String> missing = new ArrayList<>();
        for (String task : SyntheticTask.NAMES) {
            for (String sim : SIMILARITIES) {
                double tok = 0;
                double seq = 0;
                double loss = 0;
                double ms = 0;
                try {
                    for (int s = 0; s < seeds; s++) {
                        TaskResult r = TaskTraining.train(new TaskRun(SyntheticTask.of(task, length, symbols),
                                base.toBuilder().similarity(sim).build(), steps, 32, 3e-3, 100 + s, 512), null);
                        tok += r.tokenAccuracy() / seeds;
                        seq += r.sequenceAccuracy() / seeds;
                        loss += r.finalLoss() / seeds;
                        ms += r.msPerStep() / seeds;
                    }
                } catch (dev.heed.core.plugin.UnknownPluginException e) {
                    missing.add(sim);
                    continue;
                }
                String row = String.format("| %s | %s | %.3f | %.3f | %.3f | %.1f |", task, sim, tok, seq, loss, ms);
                LOG.log(System.Logger.Level.INFO, row);
                md.append(row).append('\n');
            }
        }
        md.append(String.format("%nSettings: length %d, %d symbols, 2 layers, d_model 64, 4 heads, positional '%s', "
                + "%d steps of 32 examples, AdamW lr 3e-3 (10%% warm-up), clip 1.0, %d seeds, 512 held-out examples.%n",
                length, symbols, positional, steps, seeds));
        if (!missing.isEmpty()) {
            md.append("Not on the class path: ").append(missing).append('\n');
        }
        Files.writeString(out, md.toString());
    }
}
