package dev.heed.plugin.tribuo;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import dev.heed.attention.Similarities;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.optim.AdamW;
import dev.heed.core.optim.GradClip;
import dev.heed.core.plugin.PluginRegistry;
import dev.heed.positional.Positionals;
import dev.heed.positional.spi.PositionalProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tribuo.Trainer;

/**
 * The hyperparameters and training loop shared by {@link AttentionClassificationTrainer} and
 * {@link AttentionSequenceTrainer}. Fields are OLCUT {@code @Config} fields so that Tribuo's
 * configuration system can set them and {@code TrainerProvenanceImpl} records them.
 */
abstract class AttentionTrainerSupport implements Configurable {

    /** Gradient norm clip applied at every step (not configurable). */
    static final double CLIP_NORM = 1.0;

    @Config(description = "Similarity function, by Heed plugin name (e.g. scaled-dot, dot, cosine, additive).")
    protected String similarity = "scaled-dot";

    @Config(description = "Positional scheme, by Heed plugin name (e.g. none, sinusoidal, learned, relative-key, relative-bias).")
    protected String positional = "sinusoidal";

    @Config(description = "Attention heads per layer; width must be a multiple of heads.")
    protected int heads = 2;

    @Config(description = "Number of transformer blocks.")
    protected int layers = 1;

    @Config(description = "Model width (embedding and hidden size).")
    protected int width = 32;

    @Config(description = "Passes over the training data.")
    protected int epochs = 20;

    @Config(description = "AdamW learning rate (weight decay 0.01, gradient norm clipped at 1).")
    protected double learningRate = 3e-3;

    @Config(description = "Root seed; the seed of a train call derives from it and the invocation count.")
    protected long seed = Trainer.DEFAULT_SEED;

    @Config(description = "Sequences per optimiser step.")
    protected int batchSize = 16;

    @Config(description = "Longest sequence (positions) the model accepts.")
    protected int maxLength = 64;

    private int invocationCount;

    /** For OLCUT: fields keep their defaults until configured. */
    AttentionTrainerSupport() {}

    /** @return the trainer's class name for error messages */
    private String who() {
        return getClass().getSimpleName();
    }

    /**
     * Validates the hyperparameters.
     *
     * @throws IllegalArgumentException naming the field, its value and the allowed values
     */
    @Override
    public void postConfig() {
        positive("heads", heads);
        positive("layers", layers);
        positive("width", width);
        positive("epochs", epochs);
        positive("batchSize", batchSize);
        positive("maxLength", maxLength);
        if (width % heads != 0) {
            throw new IllegalArgumentException(who() + ": width = " + width + " is not a multiple of heads = " + heads
                    + "; choose width as heads × head size, e.g. " + (heads * Math.max(1, width / heads)));
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException(who() + ": learningRate = " + learningRate
                    + " must be a finite number > 0, e.g. 0.003");
        }
        if (similarity == null || !Similarities.registry().contains(similarity)) {
            throw new IllegalArgumentException(who() + ": similarity = " + quote(similarity)
                    + " is not a known similarity; available: " + names(Similarities.registry()));
        }
        PluginRegistry<PositionalProvider> positionals = Positionals.registry();
        if (positional == null || !positionals.contains(positional)) {
            throw new IllegalArgumentException(who() + ": positional = " + quote(positional)
                    + " is not a known positional scheme; available: " + names(positionals));
        }
        try {
            new AttentionNet(spec(2, 2, "check"), Rng.seeded(0));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(who() + ": similarity = '" + similarity + "' with positional = '"
                    + positional + "', width = " + width + ", heads = " + heads + " cannot be built: " + e.getMessage(), e);
        }
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }

    private static String names(PluginRegistry<?> r) {
        Set<String> names = r.usableNames();
        return String.join(", ", names);
    }

    private void positive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(who() + ": " + field + " = " + value + " must be a positive integer");
        }
    }

    NetSpec spec(int tableRows, int classes, String pooling) {
        return new NetSpec(similarity, positional, heads, layers, width, maxLength, pooling, tableRows, classes);
    }

    /** @return the number of completed or started train calls */
    public synchronized int getInvocationCount() {
        return invocationCount;
    }

    /**
     * Sets the invocation count, so that the next train call uses the seed of that call number
     * (Tribuo's reproducibility contract).
     *
     * @param count the number of train calls to assume have happened (≥ 0)
     * @throws IllegalArgumentException for a negative count
     */
    public synchronized void setInvocationCount(int count) {
        if (count < 0) {
            throw new IllegalArgumentException(who() + ".setInvocationCount: count = " + count + " must be ≥ 0");
        }
        invocationCount = count;
    }

    /** Claims the next invocation number. */
    synchronized int nextInvocation() {
        return invocationCount++;
    }

    /** @return the generator for train call {@code invocation}: a child stream of the root seed */
    Rng rngFor(int invocation) {
        return Rng.seeded(seed).child(invocation);
    }

    /** Training targets: per sequence, the class of each scored position and its weight. */
    record Target(long[] classes, float[] weights) {}

    /**
     * Trains a new network with AdamW, gradient clipping and shuffled mini-batches.
     *
     * @param tagging per-token targets (true) or one target per sequence (false)
     */
    AttentionNet fit(NetSpec spec, List<TokenEncoder.Encoded> xs, List<Target> ys, boolean tagging, Rng rng) {
        for (int i = 0; i < xs.size(); i++) {
            if (xs.get(i).length() > maxLength) {
                throw new IllegalArgumentException(who() + ": training example " + i + " has " + xs.get(i).length()
                        + " positions, more than maxLength = " + maxLength + "; raise maxLength");
            }
        }
        AttentionNet net = new AttentionNet(spec, rng.child(0));
        net.train();
        AdamW opt = new AdamW(net.parameters(), learningRate);
        Rng order = rng.child(1);
        int n = xs.size();
        for (int epoch = 0; epoch < epochs; epoch++) {
            int[] perm = order.permutation(n);
            for (int start = 0; start < n; start += batchSize) {
                int end = Math.min(n, start + batchSize);
                List<TokenEncoder.Encoded> bx = new ArrayList<>(end - start);
                List<Target> by = new ArrayList<>(end - start);
                for (int j = start; j < end; j++) {
                    bx.add(xs.get(perm[j]));
                    by.add(ys.get(perm[j]));
                }
                TokenEncoder.Batch batch = TokenEncoder.batch(bx);
                Tensor loss = tagging ? tagLoss(net, batch, by) : classLoss(net, batch, by);
                opt.zeroGrad();
                loss.backward();
                GradClip.clipGradNorm(net.parameters(), CLIP_NORM);
                opt.step();
            }
        }
        net.eval();
        return net;
    }

    private static Tensor classLoss(AttentionNet net, TokenEncoder.Batch batch, List<Target> by) {
        long[] t = new long[by.size()];
        float[] w = new float[by.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = by.get(i).classes()[0];
            w[i] = by.get(i).weights()[0];
        }
        return AttentionNet.crossEntropy(net.classLogits(batch), t, w);
    }

    private static Tensor tagLoss(AttentionNet net, TokenEncoder.Batch batch, List<Target> by) {
        int b = by.size();
        int len = batch.maxLength();
        long[] t = new long[b * len];
        float[] w = new float[b * len];
        for (int i = 0; i < b; i++) {
            Target y = by.get(i);
            System.arraycopy(y.classes(), 0, t, i * len, y.classes().length);
            System.arraycopy(y.weights(), 0, w, i * len, y.weights().length);
        }
        Tensor logits = net.tagLogits(batch);
        return AttentionNet.crossEntropy(logits.reshape(b * len, logits.size(2)), t, w);
    }
}
