package dev.heed.cli.attn;

import dev.heed.attention.AttentionMask;
import dev.heed.attention.AttentionOutput;
import dev.heed.attention.MultiHeadAttention;
import dev.heed.attention.model.LanguageModel;
import dev.heed.attention.model.SequenceMixer;
import dev.heed.attention.model.TransformerBlock;
import dev.heed.attention.model.TransformerConfig;
import dev.heed.attention.model.TransformerEncoder;
import dev.heed.attention.tasks.SyntheticTask;
import dev.heed.attention.tasks.TaskBatch;
import dev.heed.attention.tasks.TaskTraining;
import dev.heed.cli.support.UserInputException;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.nn.Embedding;
import dev.heed.core.nn.LayerNorm;
import dev.heed.core.optim.AdamW;
import dev.heed.core.optim.GradClip;
import dev.heed.core.optim.Optimizer;
import dev.heed.positional.spi.PositionalScheme;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.IntConsumer;
import org.apiguardian.api.API;

/**
 * Synthetic-task training for {@code heed attn train} and {@code heed demo}: the same recipe as
 * {@link TaskTraining#train} (AdamW, linear warm-up over the first 10% of steps, gradient-norm clip
 * 1, seeded streams {@code child(0)} model, {@code child(1)} data, {@code child(2)} evaluation), but
 * it keeps the trained model so it can be evaluated at other lengths and its attention weights drawn.
 *
 * <p>Stateless; not thread-safe per model.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class AttnRuns {

    /** Task names as the command line spells them, with their library names. */
    public static final List<String> TASKS = List.of("copy", "reverse", "sort", "recall");

    private AttnRuns() {}

    /**
     * @param cliName copy, reverse, sort or recall (associative recall)
     * @return the library's task name
     */
    public static String taskName(String cliName) {
        return "recall".equals(cliName) ? "associative-recall" : cliName;
    }

    /**
     * A trained model and its training trace.
     *
     * @param model the model (in evaluation mode)
     * @param task the training task
     * @param losses the training loss of every step
     * @param msPerStep median milliseconds per step
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public record Trained(LanguageModel model, SyntheticTask task, double[] losses, double msPerStep) {}

    /**
     * Trains a decoder-only model on {@code task}.
     *
     * @param task the task (sets the vocabulary)
     * @param model the architecture; its context length must cover every length it will be evaluated at
     * @param steps optimisation steps, &ge; 1
     * @param batch examples per step
     * @param lr peak AdamW learning rate
     * @param seed root seed
     * @param progress called with the step number after each step, or null
     * @return the trained model
     */
    public static Trained train(SyntheticTask task, TransformerConfig model, int steps, int batch, double lr, long seed,
                                IntConsumer progress) {
        Objects.requireNonNull(task, "task");
        TransformerConfig cfg = model.toBuilder().vocabSize(task.vocabSize())
                .contextLength(Math.max(model.contextLength(), task.sequenceLength())).build();
        Rng root = Rng.seeded(seed);
        LanguageModel lm = new LanguageModel(cfg, root.child(0));
        Rng data = root.child(1);
        Optimizer opt = new AdamW(lm.parameters(), AdamW.config().lr(lr));
        int warm = Math.max(1, steps / 10);
        double[] losses = new double[steps];
        double[] ms = new double[steps];
        lm.train();
        for (int step = 0; step < steps; step++) {
            long t0 = System.nanoTime();
            opt.setLr(lr * Math.min(1.0, (step + 1.0) / warm));
            TaskBatch b = task.sample(batch, data);
            opt.zeroGrad();
            Tensor loss = lm.loss(b.inputs(), b.targets(), b.weights());
            loss.backward();
            GradClip.clipGradNorm(lm.parameters(), 1.0);
            opt.step();
            losses[step] = loss.item();
            ms[step] = (System.nanoTime() - t0) / 1e6;
            if (progress != null) {
                progress.accept(step + 1);
            }
        }
        lm.eval();
        Arrays.sort(ms);
        return new Trained(lm, task, losses, ms[ms.length / 2]);
    }

    /**
     * Teacher-forced greedy accuracy on fresh examples of {@code task} (any length the model's
     * context covers).
     *
     * @return {@code {token accuracy, sequence accuracy}}
     */
    public static double[] accuracy(LanguageModel model, SyntheticTask task, int examples, long seed) {
        return TaskTraining.evaluate(model, task, examples, Rng.seeded(seed).child(2));
    }

    /**
     * The attention weights of every layer and head for one sequence, recomputed block by block
     * exactly as {@link LanguageModel#forward} runs them (evaluation mode, causal mask).
     *
     * @param model the model
     * @param tokens one sequence
     * @return {@code [layer][head][query][key]}
     */
    public static float[][][][] attentionWeights(LanguageModel model, long[] tokens) {
        int t = tokens.length;
        boolean was = model.isTraining();
        model.eval();
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor x = ((Embedding) model.submodule("tok")).forward(Tensor.of(tokens, 1, t));
            PositionalScheme pos = model.positional();
            x = pos.embed(x, 0);
            TransformerEncoder stack = (TransformerEncoder) model.submodule("stack");
            int layers = stack.blocks().size();
            int heads = model.config().heads();
            float[][][][] out = new float[layers][heads][t][t];
            boolean pre = model.config().preNorm();
            for (int l = 0; l < layers; l++) {
                TransformerBlock blk = stack.blocks().get(l);
                LayerNorm ln1 = (LayerNorm) blk.submodule("ln1");
                MultiHeadAttention attn = blk.attention();
                Tensor h = pre ? ln1.forward(x) : x;
                AttentionOutput o = attn.forward(h, h, h, AttentionMask.causal(), true, false, null);
                float[] w = o.weights().contiguous().toFloatArray();
                for (int hd = 0; hd < heads; hd++) {
                    for (int i = 0; i < t; i++) {
                        System.arraycopy(w, (hd * t + i) * t, out[l][hd][i], 0, t);
                    }
                }
                // The next layer sees this block's full output.
                x = blk.forward(x, AttentionMask.causal(), null);
            }
            return out;
        } finally {
            model.train(was);
        }
    }

    /**
     * Parses {@code --mixer} and checks it against {@code --positional}.
     *
     * @param mixer the option's value
     * @param positional the positional scheme's name
     * @return the mixer
     * @throws UserInputException for an unknown name, or a recurrent mixer with a scheme that works
     *     inside attention
     */
    static SequenceMixer mixer(String mixer, String positional) {
        SequenceMixer kind;
        try {
            kind = SequenceMixer.fromName(mixer);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--mixer: " + e.getMessage(), "use one of " + String.join(", ", SequenceMixer.specNames()));
        }
        if (kind.isRecurrent() && !List.of("none", "sinusoidal", "learned").contains(positional)) {
            throw new UserInputException("--mixer " + mixer + " with --positional " + positional
                    + ": that scheme works inside attention, which a recurrent block does not have",
                    "use --positional learned (or none, sinusoidal) with a recurrent mixer");
        }
        return kind;
    }
}
