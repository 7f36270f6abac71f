package dev.heed.attention.tasks;

import dev.heed.attention.model.LanguageModel;
import dev.heed.attention.model.TransformerConfig;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.optim.AdamW;
import dev.heed.core.optim.GradClip;
import dev.heed.core.optim.Optimizer;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntConsumer;
import org.apiguardian.api.API;

/**
 * Trains a decoder-only {@link LanguageModel} on a {@link SyntheticTask} and measures answer
 * accuracy and time per step: the entry point behind {@code heed demo} and the similarity
 * comparison.
 *
 * <pre>{@code
 * TaskResult r = TaskTraining.train(new TaskRun(SyntheticTask.of("copy", 6, 8),
 *         TransformerConfig.builder().dModel(32).heads(2).layers(1).similarity("cosine").build(),
 *         300, 32, 3e-3, 1, 256), null);
 * }</pre>
 *
 * <p>AdamW (β 0.9/0.999, weight decay 0.01), linear warm-up over the first 10% of steps,
 * gradient-norm clipping at 1. Deterministic for a seed on one JVM and thread count.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class TaskTraining {

    private TaskTraining() {}

    /**
     * @param run what to train
     * @param progress called with the step number after each step, or null
     * @return accuracy, loss and speed
     */
    public static TaskResult train(TaskRun run, IntConsumer progress) {
        Objects.requireNonNull(run, "run");
        SyntheticTask task = run.task();
        TransformerConfig cfg = run.model().toBuilder().vocabSize(task.vocabSize())
                .contextLength(Math.max(run.model().contextLength(), task.sequenceLength())).build();
        Rng root = Rng.seeded(run.seed());
        LanguageModel model = new LanguageModel(cfg, root.child(0));
        Rng data = root.child(1);
        Optimizer opt = new AdamW(model.parameters(), AdamW.config().lr(run.lr()));
        int warm = Math.max(1, run.steps() / 10);
        double[] ms = new double[run.steps()];
        double lossSum = 0;
        int lossCount = 0;
        model.train();
        for (int step = 0; step < run.steps(); step++) {
            long t0 = System.nanoTime();
            opt.setLr(run.lr() * Math.min(1.0, (step + 1.0) / warm));
            TaskBatch b = task.sample(run.batch(), data);
            opt.zeroGrad();
            Tensor loss = model.loss(b.inputs(), b.targets(), b.weights());
            loss.backward();
            GradClip.clipGradNorm(model.parameters(), 1.0);
            opt.step();
            ms[step] = (System.nanoTime() - t0) / 1e6;
            if (step >= run.steps() - Math.max(1, run.steps() / 10)) {
                lossSum += loss.item();
                lossCount++;
            }
            if (progress != null) {
                progress.accept(step + 1);
            }
        }
        double[] acc = evaluate(model, task, run.evalExamples(), root.child(2));
        Arrays.sort(ms);
        return new TaskResult(task.name(), cfg.similarity(), cfg.positional(), acc[0], acc[1], lossSum / lossCount,
                ms[ms.length / 2], run.steps(), model.parameterCount());
    }

    /**
     * Trains one {@link TaskRun#quick} model per similarity on the same task, data and seed: the
     * comparison {@code heed demo} shows.
     *
     * @param task task name
     * @param similarities similarity provider names
     * @param positional positional provider name
     * @param seed seed shared by all runs
     * @param progress called with (similarity index, step) after each step, or null
     * @return one result per similarity, in order
     */
    public static java.util.List<TaskResult> compare(String task, java.util.List<String> similarities, String positional,
                                                     long seed, java.util.function.BiConsumer<Integer, Integer> progress) {
        java.util.List<TaskResult> out = new java.util.ArrayList<>();
        for (int i = 0; i < similarities.size(); i++) {
            int idx = i;
            out.add(train(TaskRun.quick(task, similarities.get(i), positional, seed),
                    progress == null ? null : step -> progress.accept(idx, step)));
        }
        return out;
    }

    /**
     * Teacher-forced greedy accuracy on fresh examples.
     *
     * @param model a trained model
     * @param task the task
     * @param examples number of examples
     * @param rng generator for the examples
     * @return {@code {token accuracy, sequence accuracy}}
     */
    public static double[] evaluate(LanguageModel model, SyntheticTask task, int examples, Rng rng) {
        boolean was = model.isTraining();
        model.eval();
        int v = task.vocabSize();
        long tokensRight = 0;
        long tokens = 0;
        int seqRight = 0;
        try (NoGrad ignored = NoGrad.enter()) {
            for (int done = 0; done < examples; done += 64) {
                int n = Math.min(64, examples - done);
                TaskBatch b = task.sample(n, rng);
                float[] logits = model.forward(b.inputs()).toFloatArray();
                long[] y = b.targets().toLongArray();
                float[] w = b.weights();
                int t = task.sequenceLength();
                for (int e = 0; e < n; e++) {
                    boolean all = true;
                    for (int i = 0; i < t; i++) {
                        int pos = e * t + i;
                        if (w[pos] == 0f) {
                            continue;
                        }
                        int best = 0;
                        for (int c = 1; c < v; c++) {
                            if (logits[pos * v + c] > logits[pos * v + best]) {
                                best = c;
                            }
                        }
                        tokens++;
                        if (best == y[pos]) {
                            tokensRight++;
                        } else {
                            all = false;
                        }
                    }
                    if (all) {
                        seqRight++;
                    }
                }
            }
        } finally {
            model.train(was);
        }
        return new double[] {(double) tokensRight / tokens, (double) seqRight / examples};
    }
}
