package dev.heed.plugin.tribuo;

import dev.heed.core.Rng;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sequence.LabelSequenceEvaluation;
import org.tribuo.classification.sequence.LabelSequenceEvaluator;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.sequence.MutableSequenceDataset;
import org.tribuo.sequence.SequenceExample;
import org.tribuo.sequence.SequenceModel;

/** The end-to-end example of docs/tribuo.md (run with main; not a unit test). */
public final class DocsExample {

    private DocsExample() {}

    /** One example: tokens as features t0=..., t1=..., labelled whether "a" comes before "b". */
    static Example<Label> sentence(String[] tokens, String label) {
        String[] names = new String[tokens.length];
        double[] values = new double[tokens.length];
        for (int k = 0; k < tokens.length; k++) {
            names[k] = "t" + k + "=" + tokens[k];
            values[k] = 1.0;
        }
        return new ArrayExample<>(new Label(label), names, values);
    }

    static MutableDataset<Label> aBeforeB(int n, int length, long seed) {
        LabelFactory labels = new LabelFactory();
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("a-before-b", labels), labels);
        Rng rng = Rng.seeded(seed);
        String[] filler = {"c", "d", "e"};
        for (int i = 0; i < n; i++) {
            String[] tokens = new String[length];
            for (int k = 0; k < length; k++) {
                tokens[k] = filler[rng.nextInt(filler.length)];
            }
            int a = rng.nextInt(length);
            int b = (a + 1 + rng.nextInt(length - 1)) % length;
            tokens[a] = "a";
            tokens[b] = "b";
            data.add(sentence(tokens, a < b ? "before" : "after"));
        }
        return data;
    }

    /** Tags: AFTER_X when the previous token is "x", else OTHER. */
    static MutableSequenceDataset<Label> afterX(int n, long seed) {
        LabelFactory labels = new LabelFactory();
        MutableSequenceDataset<Label> data =
                new MutableSequenceDataset<>(new SimpleDataSourceProvenance("after-x", labels), labels);
        Rng rng = Rng.seeded(seed);
        String[] words = {"x", "y", "z"};
        for (int i = 0; i < n; i++) {
            int length = 3 + rng.nextInt(6);
            List<Label> tags = new ArrayList<>();
            List<List<Feature>> tokens = new ArrayList<>();
            String previous = "";
            for (int k = 0; k < length; k++) {
                String w = words[rng.nextInt(words.length)];
                tokens.add(List.of(new Feature("w=" + w, 1.0)));
                tags.add(new Label(previous.equals("x") ? "AFTER_X" : "OTHER"));
                previous = w;
            }
            data.add(new SequenceExample<>(tags, tokens));
        }
        return data;
    }

    /**
     * @param args ignored
     * @throws Exception on I/O failure
     */
    public static void main(String[] args) throws Exception {
        // Whole-sequence classification.
        MutableDataset<Label> train = aBeforeB(400, 6, 1);
        MutableDataset<Label> test = aBeforeB(200, 6, 2);
        AttentionClassificationTrainer trainer = new AttentionClassificationTrainer(
                "scaled-dot", "sinusoidal", 2, 1, 32, 20, 3e-3, 1L, 16, 64);
        long t0 = System.nanoTime();
        Model<Label> model = trainer.train(train);
        long t1 = System.nanoTime();
        LabelEvaluation eval = new LabelEvaluator().evaluate(model, test);
        System.out.println(eval);
        System.out.println(eval.getConfusionMatrix());
        System.out.printf("trained in %.1f s%n", (t1 - t0) / 1e9);

        // Longer sequences than in training: known tokens at new positions are used.
        LabelEvaluation longer = new LabelEvaluator().evaluate(model, aBeforeB(200, 12, 3));
        System.out.printf("accuracy on length 12 (trained on 6): %.3f%n", longer.accuracy());

        // Save and load: safetensors weights + JSON provenance in the file's metadata.
        Path file = Files.createTempDirectory("heed-tribuo").resolve("a-before-b.safetensors");
        ((AttentionClassificationModel) model).save(file);
        AttentionClassificationModel loaded = AttentionClassificationModel.load(file);
        System.out.println("same provenance after load: " + loaded.getProvenance().equals(model.getProvenance()));
        System.out.println(loaded.getProvenance().getTrainerProvenance());

        // Token tagging.
        AttentionSequenceTrainer tagTrainer = new AttentionSequenceTrainer();
        long t2 = System.nanoTime();
        SequenceModel<Label> tagger = tagTrainer.train(afterX(200, 3));
        long t3 = System.nanoTime();
        LabelSequenceEvaluation tagEval = new LabelSequenceEvaluator().evaluate(tagger, afterX(100, 4));
        System.out.println(tagEval);
        System.out.printf("tagger trained in %.1f s%n", (t3 - t2) / 1e9);
    }
}
