package dev.heed.bench;

import dev.heed.attention.model.LanguageModel;
import dev.heed.attention.model.TransformerConfig;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.optim.AdamW;
import dev.heed.core.optim.GradClip;
import dev.heed.core.optim.LrSchedule;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.ParamGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeSet;
import org.apiguardian.api.API;

/**
 * Experiment 2 of the attention issue: a character language model with nanoGPT's small CPU
 * configuration (4 layers, 4 heads, 128 dims, context 64, batch 12, dropout 0, no biases in the
 * linear layers, tied embedding/head, AdamW β 0.9/0.99 with weight decay 0.1 on matrices only,
 * lr 1e-3 with 100 warm-up steps and cosine decay to 1e-4 at 2000, grad-norm clip 1.0); first 90%
 * of the text for training, the rest for validation, evaluation = mean of 20 batches. Writes a CSV
 * (iteration, train loss, val loss, median ms/iteration so far).
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/heed-benchmarks.jar \
 *     dev.heed.bench.CharLmExperiment input.txt curve.csv [iterations] [evalEvery] [similarity] [positional]</pre>
 *
 * <p>Differences from nanoGPT: LayerNorms keep their bias; the positional scheme is a name
 * ({@code learned} matches nanoGPT's wpe); initialisation is PyTorch's layer defaults rather than
 * nanoGPT's N(0, 0.02).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class CharLmExperiment {

    private static final System.Logger LOG = System.getLogger(CharLmExperiment.class.getName());

    private CharLmExperiment() {}

    /**
     * @param args text file, output CSV, iterations (2000), eval interval (250), similarity
     *     (scaled-dot), positional (learned)
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: CharLmExperiment <text file> <output.csv> [iterations] [evalEvery]"
                    + " [similarity] [positional]");
        }
        String text = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        int evalEvery = args.length > 3 ? Integer.parseInt(args[3]) : 250;
        String similarity = args.length > 4 ? args[4] : "scaled-dot";
        String positional = args.length > 5 ? args[5] : "learned";
        TreeSet<Character> chars = new TreeSet<>();
        for (char c : text.toCharArray()) {
            chars.add(c);
        }
        Character[] vocab = chars.toArray(new Character[0]);
        int[] index = new int[Character.MAX_VALUE + 1];
        for (int i = 0; i < vocab.length; i++) {
            index[vocab[i]] = i;
        }
        long[] data = new long[text.length()];
        for (int i = 0; i < data.length; i++) {
            data[i] = index[text.charAt(i)];
        }
        int split = (int) (data.length * 0.9);
        long[] train = Arrays.copyOfRange(data, 0, split);
        long[] val = Arrays.copyOfRange(data, split, data.length);
        int ctx = 64;
        int batch = 12;
        TransformerConfig cfg = TransformerConfig.builder().vocabSize(vocab.length).dModel(128).heads(4).layers(4)
                .contextLength(ctx).dropout(0).bias(false).tieWeights(true).similarity(similarity).positional(positional)
                .build();
        Rng rng = Rng.seeded(1337);
        LanguageModel model = new LanguageModel(cfg, rng.child(0));
        Optimizer opt = new AdamW(ParamGroup.decayMatricesOnly(model.namedParameters(), 0.1),
                AdamW.config().lr(1e-3).betas(0.9, 0.99));
        LrSchedule schedule = LrSchedule.cosineWithWarmup(1e-3, 1e-4, 100, 2000);
        Rng batches = rng.child(1);
        Rng evalRng = rng.child(2);
        double[] ms = new double[iterations];
        StringBuilder csv = new StringBuilder("iteration,train_loss,val_loss,median_ms_per_iteration\n");
        for (int it = 0; it <= iterations; it++) {
            if (it % evalEvery == 0 || it == iterations) {
                double tl = evaluate(model, train, batch, ctx, evalRng);
                double vl = evaluate(model, val, batch, ctx, evalRng);
                double med = it == 0 ? 0 : median(Arrays.copyOf(ms, it));
                String line = String.format("%d,%.4f,%.4f,%.1f", it, tl, vl, med);
                LOG.log(System.Logger.Level.INFO, line);
                csv.append(line).append('\n');
                Files.writeString(Path.of(args[1]), csv.toString());
            }
            if (it == iterations) {
                break;
            }
            long t0 = System.nanoTime();
            schedule.apply(opt, it);
            Tensor[] xy = sample(train, batch, ctx, batches);
            opt.zeroGrad();
            Tensor loss = model.loss(xy[0], xy[1], null);
            loss.backward();
            GradClip.clipGradNorm(model.parameters(), 1.0);
            opt.step();
            ms[it] = (System.nanoTime() - t0) / 1e6;
        }
    }

    private static Tensor[] sample(long[] data, int batch, int ctx, Rng rng) {
        long[] x = new long[batch * ctx];
        long[] y = new long[batch * ctx];
        for (int b = 0; b < batch; b++) {
            int start = rng.nextInt(data.length - ctx - 1);
            System.arraycopy(data, start, x, b * ctx, ctx);
            System.arraycopy(data, start + 1, y, b * ctx, ctx);
        }
        return new Tensor[] {Tensor.of(x, batch, ctx), Tensor.of(y, batch, ctx)};
    }

    private static double evaluate(LanguageModel model, long[] data, int batch, int ctx, Rng rng) {
        model.eval();
        double sum = 0;
        try (NoGrad ignored = NoGrad.enter()) {
            for (int i = 0; i < 20; i++) {
                Tensor[] xy = sample(data, batch, ctx, rng);
                sum += model.loss(xy[0], xy[1], null).item();
            }
        } finally {
            model.train();
        }
        return sum / 20;
    }

    private static double median(double[] a) {
        double[] c = a.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
