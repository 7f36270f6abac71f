package dev.heed.attention.tasks;

import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Algorithmic sequence tasks for testing attention, as next-token prediction for a decoder-only
 * model. Every task draws {@code length} symbols from {@code 0 .. symbols − 1}; token
 * {@code symbols} is the separator. Generators are deterministic given the {@link Rng}.
 *
 * <ul>
 *   <li>{@code copy}: {@code x₁ … xₙ SEP x₁ … xₙ};
 *   <li>{@code reverse}: {@code x₁ … xₙ SEP xₙ … x₁};
 *   <li>{@code sort}: {@code x₁ … xₙ SEP sorted(x)};
 *   <li>{@code associative-recall}: {@code n} pairs {@code kᵢ vᵢ} with distinct keys from
 *       {@code 0 .. symbols−1} and values from {@code symbols+1 .. 2·symbols}, then
 *       {@code SEP k} and the answer is the value paired with {@code k}.
 * </ul>
 *
 * Immutable and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class SyntheticTask {

    /** The task names. */
    public static final List<String> NAMES = List.of("copy", "reverse", "sort", "associative-recall");

    private final String name;
    private final int length;
    private final int symbols;

    private SyntheticTask(String name, int length, int symbols) {
        this.name = name;
        this.length = length;
        this.symbols = symbols;
    }

    /**
     * @param name one of {@link #NAMES}
     * @param length symbols per example (pairs for associative recall), ≥ 1
     * @param symbols alphabet size, ≥ 2 (≥ length for associative recall, whose keys are distinct)
     * @return the task
     */
    public static SyntheticTask of(String name, int length, int symbols) {
        Objects.requireNonNull(name, "name");
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("SyntheticTask: unknown task '" + name + "'; available: " + NAMES);
        }
        if (length < 1 || symbols < 2) {
            throw new IllegalArgumentException("SyntheticTask: length " + length + " must be >= 1 and symbols " + symbols
                    + " >= 2");
        }
        if (name.equals("associative-recall") && symbols < length) {
            throw new IllegalArgumentException("SyntheticTask: associative-recall needs distinct keys, so symbols (" + symbols
                    + ") must be >= length (" + length + ")");
        }
        return new SyntheticTask(name, length, symbols);
    }

    /** @return the task name */
    public String name() {
        return name;
    }

    /** @return symbols per example */
    public int length() {
        return length;
    }

    /** @return alphabet size */
    public int symbols() {
        return symbols;
    }

    /** @return the separator token */
    public int separator() {
        return symbols;
    }

    /** @return vocabulary size the model needs */
    public int vocabSize() {
        return name.equals("associative-recall") ? 2 * symbols + 1 : symbols + 1;
    }

    /** @return input length T of a batch */
    public int sequenceLength() {
        return name.equals("associative-recall") ? 2 * length + 2 : 2 * length;
    }

    /** @return number of answer tokens per example */
    public int answerLength() {
        return name.equals("associative-recall") ? 1 : length;
    }

    /**
     * One full example (inputs followed by the last target).
     *
     * @param rng generator
     * @return the token sequence of length {@link #sequenceLength()} + 1
     */
    public long[] example(Rng rng) {
        int n = length;
        long[] s = new long[sequenceLength() + 1];
        if (name.equals("associative-recall")) {
            int[] keys = rng.permutation(symbols);
            for (int i = 0; i < n; i++) {
                s[2 * i] = keys[i];
                s[2 * i + 1] = symbols + 1 + rng.nextInt(symbols);
            }
            int q = rng.nextInt(n);
            s[2 * n] = symbols;
            s[2 * n + 1] = s[2 * q];
            s[2 * n + 2] = s[2 * q + 1];
            return s;
        }
        long[] x = new long[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextInt(symbols);
        }
        System.arraycopy(x, 0, s, 0, n);
        s[n] = symbols;
        long[] y = x.clone();
        if (name.equals("reverse")) {
            for (int i = 0; i < n; i++) {
                y[i] = x[n - 1 - i];
            }
        } else if (name.equals("sort")) {
            Arrays.sort(y);
        }
        System.arraycopy(y, 0, s, n + 1, n);
        return s;
    }

    /**
     * @param batch examples (≥ 1)
     * @param rng generator
     * @return inputs, next-token targets and answer flags
     */
    public TaskBatch sample(int batch, Rng rng) {
        if (batch < 1) {
            throw new IllegalArgumentException("SyntheticTask.sample: batch " + batch + " must be >= 1");
        }
        int t = sequenceLength();
        long[] in = new long[batch * t];
        long[] out = new long[batch * t];
        float[] w = new float[batch * t];
        int firstAnswer = t - answerLength();
        for (int b = 0; b < batch; b++) {
            long[] s = example(rng);
            System.arraycopy(s, 0, in, b * t, t);
            System.arraycopy(s, 1, out, b * t, t);
            for (int i = firstAnswer; i < t; i++) {
                w[b * t + i] = 1f;
            }
        }
        return new TaskBatch(Tensor.of(in, batch, t), Tensor.of(out, batch, t), w);
    }

    @Override
    public String toString() {
        return "SyntheticTask(" + name + ", length=" + length + ", symbols=" + symbols + ")";
    }
}
