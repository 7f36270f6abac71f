package dev.heed.plugin.tribuo;

import dev.heed.core.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Output;
import org.tribuo.sequence.SequenceExample;

/**
 * Turns Tribuo features into rows of the embedding table and examples into token sequences.
 *
 * <p>Row 0 is reserved for a token position that has no known feature (tagging only); rows 1..
 * are the token vocabulary. In {@link Mode#POSITIONED} mode (whole-sequence classification) a
 * feature named {@code t<k>=<token>} is token {@code <token>} at position {@code k}; other features
 * are tokens named by their whole name, placed after the positioned ones in feature-id order. In
 * A positioned feature that is not in the feature map but whose token is (e.g. {@code t9=a} when
 * training only had positions 0..5) is used too, so models can run on longer sequences. In
 * {@link Mode#PER_TOKEN} mode (tagging) every feature is its own token, and the position is the
 * index of the token's {@code Example} in the {@code SequenceExample}. Several features at one
 * position are summed, each embedding scaled by the feature's value.
 *
 * <p>Immutable; thread-safe.
 */
final class TokenEncoder {

    /** How positions are found. */
    enum Mode {
        /** One Example is a sequence; positions come from {@code t<k>=} name prefixes. */
        POSITIONED,
        /** One SequenceExample is a sequence; each of its Examples is one position. */
        PER_TOKEN
    }

    private static final Pattern POSITION = Pattern.compile("t(\\d{1,9})=(.+)", Pattern.DOTALL);

    /** A sequence of bags: {@code rows[t]} with {@code weights[t]}; {@code used} known features. */
    record Encoded(int[][] rows, float[][] weights, int used) {
        int length() {
            return rows.length;
        }
    }

    /** A padded batch. */
    record Batch(Tensor rows, Tensor weights, int[] lengths, int maxLength) {}

    private final Mode mode;
    private final ImmutableFeatureMap features;
    private final List<String> tokens;
    private final int[] rowOfFeature;
    private final int[] positionOfFeature;
    private final Map<String, Integer> rowOfToken = new LinkedHashMap<>();

    private TokenEncoder(Mode mode, ImmutableFeatureMap features, List<String> tokens, int[] rowOfFeature,
                         int[] positionOfFeature) {
        this.mode = mode;
        this.features = features;
        this.tokens = List.copyOf(tokens);
        this.rowOfFeature = rowOfFeature;
        this.positionOfFeature = positionOfFeature;
        for (int i = 0; i < this.tokens.size(); i++) {
            rowOfToken.put(this.tokens.get(i), i + 1);
        }
    }

    /**
     * Builds the vocabulary from a training feature map: tokens in order of first appearance over
     * feature ids.
     */
    static TokenEncoder fit(Mode mode, ImmutableFeatureMap features) {
        Map<String, Integer> rows = new LinkedHashMap<>();
        int n = features.size();
        int[] row = new int[n];
        int[] pos = new int[n];
        for (int id = 0; id < n; id++) {
            String name = features.get(id).getName();
            String token = tokenOf(mode, name);
            pos[id] = positionOf(mode, name);
            row[id] = rows.computeIfAbsent(token, t -> rows.size() + 1);
        }
        return new TokenEncoder(mode, features, new ArrayList<>(rows.keySet()), row, pos);
    }

    /**
     * Rebuilds an encoder for a saved vocabulary.
     *
     * @throws IllegalArgumentException if a feature's token is not in the vocabulary
     */
    static TokenEncoder restore(Mode mode, ImmutableFeatureMap features, List<String> tokens) {
        Map<String, Integer> rows = new LinkedHashMap<>();
        for (String t : tokens) {
            if (rows.putIfAbsent(t, rows.size() + 1) != null) {
                throw new IllegalArgumentException("token vocabulary lists '" + t + "' twice");
            }
        }
        int n = features.size();
        int[] row = new int[n];
        int[] pos = new int[n];
        for (int id = 0; id < n; id++) {
            String name = features.get(id).getName();
            Integer r = rows.get(tokenOf(mode, name));
            if (r == null) {
                throw new IllegalArgumentException("feature '" + name + "' has token '" + tokenOf(mode, name)
                        + "', which is not in the saved vocabulary of " + tokens.size() + " tokens");
            }
            row[id] = r;
            pos[id] = positionOf(mode, name);
        }
        return new TokenEncoder(mode, features, tokens, row, pos);
    }

    private static String tokenOf(Mode mode, String name) {
        if (mode == Mode.POSITIONED) {
            Matcher m = POSITION.matcher(name);
            if (m.matches()) {
                return m.group(2);
            }
        }
        return name;
    }

    private static int positionOf(Mode mode, String name) {
        if (mode == Mode.POSITIONED) {
            Matcher m = POSITION.matcher(name);
            if (m.matches()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return -1;
    }

    Mode mode() {
        return mode;
    }

    /** @return the token vocabulary (row {@code i + 1} is token {@code i}) */
    List<String> tokens() {
        return tokens;
    }

    /** @return rows of the embedding table: the vocabulary plus the reserved row 0 */
    int tableRows() {
        return tokens.size() + 1;
    }

    /**
     * @param example one whole sequence ({@link Mode#POSITIONED})
     * @throws IllegalArgumentException if none of its features is known
     */
    <T extends Output<T>> Encoded encode(Example<T> example) {
        TreeMap<Integer, List<float[]>> positioned = new TreeMap<>();
        TreeMap<Integer, float[]> loose = new TreeMap<>();
        int used = 0;
        for (Feature f : example) {
            int id = features.getID(f.getName());
            if (id < 0) {
                // A known token at a position never seen in training (e.g. a longer sequence).
                Matcher m = POSITION.matcher(f.getName());
                Integer row = m.matches() ? rowOfToken.get(m.group(2)) : null;
                if (row != null) {
                    used++;
                    positioned.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new ArrayList<>())
                            .add(new float[] {row, (float) f.getValue()});
                }
                continue;
            }
            used++;
            float[] rowAndValue = {rowOfFeature[id], (float) f.getValue()};
            if (positionOfFeature[id] >= 0) {
                positioned.computeIfAbsent(positionOfFeature[id], k -> new ArrayList<>()).add(rowAndValue);
            } else {
                loose.put(id, rowAndValue);
            }
        }
        if (used == 0) {
            throw new IllegalArgumentException("No features found in Example " + example
                    + ": none of its feature names is in the model's feature map of " + features.size()
                    + " features; a Heed attention model needs at least one known feature per example");
        }
        List<List<float[]>> bags = new ArrayList<>(positioned.values());
        for (float[] rv : loose.values()) {
            bags.add(List.of(rv));
        }
        int[][] rows = new int[bags.size()][];
        float[][] weights = new float[bags.size()][];
        for (int t = 0; t < bags.size(); t++) {
            List<float[]> bag = bags.get(t);
            rows[t] = new int[bag.size()];
            weights[t] = new float[bag.size()];
            for (int j = 0; j < bag.size(); j++) {
                rows[t][j] = (int) bag.get(j)[0];
                weights[t][j] = bag.get(j)[1];
            }
        }
        return new Encoded(rows, weights, used);
    }

    /**
     * @param sequence one token sequence ({@link Mode#PER_TOKEN})
     * @throws IllegalArgumentException if it is empty or none of its features is known
     */
    <T extends Output<T>> Encoded encode(SequenceExample<T> sequence) {
        int n = sequence.size();
        if (n == 0) {
            throw new IllegalArgumentException("SequenceExample has no tokens; a tagger needs at least one");
        }
        int[][] rows = new int[n][];
        float[][] weights = new float[n][];
        int used = 0;
        for (int t = 0; t < n; t++) {
            Example<T> token = sequence.get(t);
            int[] r = new int[token.size()];
            float[] w = new float[token.size()];
            int known = 0;
            for (Feature f : token) {
                int id = features.getID(f.getName());
                if (id >= 0) {
                    r[known] = rowOfFeature[id];
                    w[known] = (float) f.getValue();
                    known++;
                }
            }
            used += known;
            if (known == 0) {
                rows[t] = new int[] {0};
                weights[t] = new float[] {1f};
            } else {
                rows[t] = Arrays.copyOf(r, known);
                weights[t] = Arrays.copyOf(w, known);
            }
        }
        if (used == 0) {
            throw new IllegalArgumentException("No features found in SequenceExample " + sequence
                    + ": none of the feature names of its " + n + " tokens is in the model's feature map of "
                    + features.size() + " features");
        }
        return new Encoded(rows, weights, used);
    }

    /** Pads sequences to the longest one and bags to the largest one (row 0, weight 0). */
    static Batch batch(List<Encoded> items) {
        int b = items.size();
        int t = 0;
        int k = 1;
        int[] lengths = new int[b];
        for (int i = 0; i < b; i++) {
            Encoded e = items.get(i);
            lengths[i] = e.length();
            t = Math.max(t, e.length());
            for (int[] r : e.rows()) {
                k = Math.max(k, r.length);
            }
        }
        long[] rows = new long[b * t * k];
        float[] weights = new float[b * t * k];
        for (int i = 0; i < b; i++) {
            Encoded e = items.get(i);
            for (int p = 0; p < e.length(); p++) {
                int base = (i * t + p) * k;
                for (int j = 0; j < e.rows()[p].length; j++) {
                    rows[base + j] = e.rows()[p][j];
                    weights[base + j] = e.weights()[p][j];
                }
            }
        }
        return new Batch(Tensor.of(rows, b, t, k), Tensor.of(weights, b, t, k, 1), lengths, t);
    }

    @Override
    public String toString() {
        return "TokenEncoder[" + mode + ", " + rowOfFeature.length + " features, " + tokens.size() + " tokens]";
    }
}
