package dev.heed.attention;

import dev.heed.core.DType;
import dev.heed.core.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Which keys each query may attend to. Immutable; combine masks with {@link #and}.
 *
 * <p><b>Polarity.</b> Boolean masks in Heed say what is <em>allowed</em>: {@code true} = attend,
 * {@code false} = masked out (the opposite of PyTorch's {@code attn_mask}/
 * {@code key_padding_mask}, where {@code true} means "masked"). Additive float masks are added to
 * the scores before the softmax: 0 keeps a key, {@code -inf} removes it, other values bias it.
 *
 * <p><b>Shapes.</b> Scores have shape {@code [B, H, Tq, Tk]}. {@link #allowed} and
 * {@link #additive} accept any tensor broadcastable to it (e.g. {@code [Tq, Tk]},
 * {@code [B, 1, Tq, Tk]}). {@link #keyLengths} and {@link #keyPadding} describe padded batches:
 * key {@code j} of sequence {@code b} is real when {@code j < lengths[b]}.
 *
 * <p><b>Causal alignment.</b> With {@code Tq ≤ Tk} (a KV cache holds {@code Tk − Tq} earlier
 * positions), query {@code i} sits at absolute position {@code Tk − Tq + i} and may attend keys
 * {@code j ≤ Tk − Tq + i}.
 *
 * <p><b>Fully masked rows.</b> A query whose every key is masked gets a zero output and zero
 * gradient (never NaN).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class AttentionMask {

    private static final AttentionMask NONE = new AttentionMask(false, null, List.of());

    private final boolean causal;
    private final int[] keyLengths;
    private final List<Tensor> additive;

    private AttentionMask(boolean causal, int[] keyLengths, List<Tensor> additive) {
        this.causal = causal;
        this.keyLengths = keyLengths;
        this.additive = additive;
    }

    /** @return the mask that allows everything */
    public static AttentionMask none() {
        return NONE;
    }

    /** @return a causal mask (each query sees itself and earlier keys) */
    public static AttentionMask causal() {
        return new AttentionMask(true, null, List.of());
    }

    /**
     * @param lengths number of real keys per batch element; each ≥ 0
     * @return a key-padding mask: key {@code j} of sequence {@code b} is allowed when {@code j < lengths[b]}
     */
    public static AttentionMask keyLengths(int... lengths) {
        Objects.requireNonNull(lengths, "AttentionMask.keyLengths: lengths");
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < 0) {
                throw new IllegalArgumentException("AttentionMask.keyLengths: lengths[" + i + "] = " + lengths[i]
                        + " is negative; give the number of real (unpadded) keys of each sequence");
            }
        }
        return new AttentionMask(false, lengths.clone(), List.of());
    }

    /**
     * @param realKeys BOOL {@code [B, Tk]}, {@code true} for real keys and {@code false} for padding
     * @return a key-padding mask
     */
    public static AttentionMask keyPadding(Tensor realKeys) {
        Objects.requireNonNull(realKeys, "AttentionMask.keyPadding: realKeys");
        if (realKeys.dtype() != DType.BOOL || realKeys.dim() != 2) {
            throw new IllegalArgumentException("AttentionMask.keyPadding: expected a BOOL [B, Tk] tensor with true = real key, got "
                    + realKeys.dtype() + " " + Arrays.toString(realKeys.shape()));
        }
        int b = realKeys.size(0);
        int tk = realKeys.size(1);
        return new AttentionMask(false, null, List.of(toAdditive(realKeys, DType.FLOAT32).reshape(b, 1, 1, tk)));
    }

    /**
     * @param allowed BOOL, broadcastable to {@code [B, H, Tq, Tk]}; {@code true} = may attend
     * @return the mask
     */
    public static AttentionMask allowed(Tensor allowed) {
        Objects.requireNonNull(allowed, "AttentionMask.allowed: allowed");
        if (allowed.dtype() != DType.BOOL) {
            throw new IllegalArgumentException("AttentionMask.allowed: expected a BOOL tensor (true = attend), got "
                    + allowed.dtype() + "; for float masks use AttentionMask.additive");
        }
        checkRank("allowed", allowed);
        return new AttentionMask(false, null, List.of(toAdditive(allowed, DType.FLOAT32)));
    }

    /**
     * @param scoresBias float, broadcastable to {@code [B, H, Tq, Tk]}: added to the scores
     *     ({@code -inf} removes a key); not differentiated
     * @return the mask
     */
    public static AttentionMask additive(Tensor scoresBias) {
        Objects.requireNonNull(scoresBias, "AttentionMask.additive: scoresBias");
        if (!scoresBias.dtype().isFloating()) {
            throw new IllegalArgumentException("AttentionMask.additive: expected a FLOAT32 or FLOAT64 tensor, got "
                    + scoresBias.dtype() + "; for boolean masks use AttentionMask.allowed");
        }
        checkRank("additive", scoresBias);
        for (double x : scoresBias.toDoubleArray()) {
            if (Double.isNaN(x) || x == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("AttentionMask.additive: the mask contains " + x
                        + "; use finite values or -inf");
            }
        }
        return new AttentionMask(false, null, List.of(scoresBias.detach()));
    }

    private static void checkRank(String op, Tensor t) {
        if (t.dim() < 1 || t.dim() > 4) {
            throw new IllegalArgumentException("AttentionMask." + op + ": mask of shape " + Arrays.toString(t.shape())
                    + " must have 1 to 4 dimensions, broadcastable to [B, H, Tq, Tk]");
        }
    }

    private static Tensor toAdditive(Tensor bool, DType dtype) {
        boolean[] b = bool.toBooleanArray();
        float[] f = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            f[i] = b[i] ? 0f : Float.NEGATIVE_INFINITY;
        }
        return Tensor.of(f, bool.shape()).to(dtype);
    }

    /**
     * @param other another mask
     * @return a mask allowing what both allow (additive parts add up)
     */
    public AttentionMask and(AttentionMask other) {
        Objects.requireNonNull(other, "AttentionMask.and: other");
        int[] lengths = keyLengths;
        if (other.keyLengths != null) {
            if (lengths == null) {
                lengths = other.keyLengths;
            } else {
                if (lengths.length != other.keyLengths.length) {
                    throw new IllegalArgumentException("AttentionMask.and: key lengths for " + lengths.length + " and "
                            + other.keyLengths.length + " sequences cannot be combined");
                }
                lengths = lengths.clone();
                for (int i = 0; i < lengths.length; i++) {
                    lengths[i] = Math.min(lengths[i], other.keyLengths[i]);
                }
            }
        }
        List<Tensor> add = new ArrayList<>(additive);
        add.addAll(other.additive);
        return new AttentionMask(causal || other.causal, lengths, Collections.unmodifiableList(add));
    }

    /** @return true if this mask is causal */
    public boolean isCausal() {
        return causal;
    }

    /** @return the key lengths per sequence (a copy), or null */
    public int[] keyLengthsOrNull() {
        return keyLengths == null ? null : keyLengths.clone();
    }

    /** @return true if nothing is masked */
    public boolean isNone() {
        return !causal && keyLengths == null && additive.isEmpty();
    }

    /** @return true if the mask is only causal and/or key lengths (what the blocked path supports) */
    public boolean isStructured() {
        return additive.isEmpty();
    }

    /**
     * The mask as one additive tensor for scores of shape {@code [B, H, Tq, Tk]}.
     *
     * @param b batch size
     * @param h heads
     * @param tq queries
     * @param tk keys
     * @param dtype the scores' dtype
     * @return a tensor broadcastable to {@code [B, H, Tq, Tk]} with 0 and {@code -inf} (or the user's
     *     biases), or null when nothing is masked
     * @throws IllegalArgumentException if a part does not broadcast to the scores' shape
     */
    public Tensor toAdditive(int b, int h, int tq, int tk, DType dtype) {
        int[] target = {b, h, tq, tk};
        Tensor sum = null;
        if (causal || keyLengths != null) {
            if (causal && tq > tk) {
                throw new IllegalArgumentException("AttentionMask: a causal mask needs Tq <= Tk, got Tq=" + tq + ", Tk=" + tk
                        + "; queries beyond the last key would see nothing");
            }
            if (keyLengths != null && keyLengths.length != b) {
                throw new IllegalArgumentException("AttentionMask: key lengths are given for " + keyLengths.length
                        + " sequences but the batch has " + b);
            }
            int bb = keyLengths == null ? 1 : b;
            int qq = causal ? tq : 1;
            float[] m = new float[bb * qq * tk];
            for (int x = 0; x < bb; x++) {
                int len = keyLengths == null ? tk : keyLengths[x];
                for (int i = 0; i < qq; i++) {
                    int last = causal ? tk - tq + i : tk - 1;
                    for (int j = 0; j < tk; j++) {
                        if (j > last || j >= len) {
                            m[(x * qq + i) * tk + j] = Float.NEGATIVE_INFINITY;
                        }
                    }
                }
            }
            sum = Tensor.of(m, bb, 1, qq, tk).to(dtype);
        }
        for (Tensor a : additive) {
            checkBroadcast(a.shape(), target);
            Tensor t = a.to(dtype);
            sum = sum == null ? t : sum.add(t);
        }
        return sum;
    }

    private static void checkBroadcast(int[] s, int[] target) {
        for (int i = 0; i < s.length; i++) {
            int ts = target[target.length - s.length + i];
            if (s[i] != 1 && s[i] != ts) {
                throw new IllegalArgumentException("AttentionMask: mask of shape " + Arrays.toString(s)
                        + " does not broadcast to the scores' shape [B, H, Tq, Tk] = " + Arrays.toString(target)
                        + " (dimension " + (i - s.length) + ": " + s[i] + " vs " + ts + ")");
            }
        }
    }

    @Override
    public String toString() {
        return "AttentionMask{causal=" + causal + ", keyLengths=" + Arrays.toString(keyLengths) + ", additive="
                + additive.size() + "}";
    }
}
