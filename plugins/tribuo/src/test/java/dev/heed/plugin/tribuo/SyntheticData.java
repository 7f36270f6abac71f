package dev.heed.plugin.tribuo;

import dev.heed.core.Rng;
import java.util.ArrayList;
import java.util.List;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.sequence.MutableSequenceDataset;
import org.tribuo.sequence.SequenceExample;

/** Synthetic Tribuo datasets for the tests. */
final class SyntheticData {

    private SyntheticData() {}

    static final String[] FILLER = {"c", "d", "e"};

    /**
     * "Does A come before B?": sequences of {@code length} tokens holding one {@code a} and one
     * {@code b} at distinct random positions, the rest filler; label {@code before} or {@code after}.
     */
    static MutableDataset<Label> aBeforeB(int n, int length, long seed) {
        LabelFactory f = new LabelFactory();
        MutableDataset<Label> d = new MutableDataset<>(new SimpleDataSourceProvenance("a-before-b seed " + seed, f), f);
        Rng rng = Rng.seeded(seed);
        for (int i = 0; i < n; i++) {
            String[] tokens = new String[length];
            for (int k = 0; k < length; k++) {
                tokens[k] = FILLER[rng.nextInt(FILLER.length)];
            }
            int pa = rng.nextInt(length);
            int pb = rng.nextInt(length - 1);
            if (pb >= pa) {
                pb++;
            }
            tokens[pa] = "a";
            tokens[pb] = "b";
            d.add(example(tokens, pa < pb ? "before" : "after"));
        }
        return d;
    }

    static Example<Label> example(String[] tokens, String label) {
        String[] names = new String[tokens.length];
        double[] values = new double[tokens.length];
        for (int k = 0; k < tokens.length; k++) {
            names[k] = "t" + k + "=" + tokens[k];
            values[k] = 1;
        }
        return new ArrayExample<>(new Label(label), names, values);
    }

    /**
     * Tagging by the left neighbour: each token is {@code x}, {@code y} or {@code z} (feature
     * {@code w=<token>}); its tag is {@code AFTER_X} when the previous token is {@code x}, else
     * {@code OTHER}. Depends on the neighbour, not on the token itself.
     */
    static MutableSequenceDataset<Label> afterX(int n, int minLength, int maxLength, long seed) {
        LabelFactory f = new LabelFactory();
        MutableSequenceDataset<Label> d =
                new MutableSequenceDataset<>(new SimpleDataSourceProvenance("after-x seed " + seed, f), f);
        Rng rng = Rng.seeded(seed);
        String[] words = {"x", "y", "z"};
        for (int i = 0; i < n; i++) {
            int len = minLength + rng.nextInt(maxLength - minLength + 1);
            List<Label> labels = new ArrayList<>();
            List<List<Feature>> features = new ArrayList<>();
            String prev = null;
            for (int k = 0; k < len; k++) {
                String w = words[rng.nextInt(words.length)];
                features.add(List.of(new Feature("w=" + w, 1.0)));
                labels.add(new Label("x".equals(prev) ? "AFTER_X" : "OTHER"));
                prev = w;
            }
            d.add(new SequenceExample<>(labels, features));
        }
        return d;
    }
}
