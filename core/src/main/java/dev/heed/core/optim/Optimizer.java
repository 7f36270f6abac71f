package dev.heed.core.optim;

import dev.heed.core.DType;
import dev.heed.core.Tensor;
import dev.heed.core.internal.TensorInternals;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * Base of the gradient-descent optimizers. Holds {@link ParamGroup}s and per-parameter state
 * (named buffers of the parameter's shape and dtype plus a step counter), updates parameters in
 * place on their contiguous storage with fused loops (no per-element allocation), and saves and
 * restores its state as named tensors for checkpoints.
 *
 * <p>Parameters whose {@link Tensor#grad()} is null are skipped by {@link #step()} (their state
 * and step counter are unchanged), as in PyTorch. Updates bypass autograd; call {@code step()}
 * outside any graph you still need. Not thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public abstract class Optimizer {

    /** Per-parameter state: the step counter and named buffers (float[] or double[]). */
    protected static final class State {
        /** number of updates applied to this parameter. */
        public long step;
        /** named buffers, each a float[] (FLOAT32 parameter) or double[] (FLOAT64) of numel entries. */
        public final Map<String, Object> buffers = new LinkedHashMap<>();

        State() {}
    }

    private final List<ParamGroup> groups;
    private final Tensor[] params;
    private final int[] groupOf;
    private final State[] states;

    /**
     * @param groups the parameter groups (each parameter in at most one group)
     * @param defaultLr learning rate for groups that do not set one
     * @param defaultWeightDecay weight decay for groups that do not set one
     */
    protected Optimizer(List<ParamGroup> groups, double defaultLr, double defaultWeightDecay) {
        Objects.requireNonNull(groups, "optimizer: groups");
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("optimizer: no parameter groups given");
        }
        this.groups = List.copyOf(groups);
        List<Tensor> all = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int g = 0; g < this.groups.size(); g++) {
            ParamGroup group = this.groups.get(g);
            group.fillDefaults(defaultLr, defaultWeightDecay);
            for (Tensor p : group.params()) {
                if (!seen.add(p)) {
                    throw new IllegalArgumentException("optimizer: a parameter of shape " + Arrays.toString(p.shape())
                            + " appears more than once (in group " + g + "); each parameter must be in exactly one group");
                }
                if (!p.isContiguous()) {
                    throw new IllegalArgumentException("optimizer: parameters must be contiguous; got a strided view of shape "
                            + Arrays.toString(p.shape()));
                }
                all.add(p);
                owner.add(g);
            }
        }
        this.params = all.toArray(new Tensor[0]);
        this.groupOf = owner.stream().mapToInt(Integer::intValue).toArray();
        this.states = new State[params.length];
        for (int i = 0; i < states.length; i++) {
            states[i] = new State();
        }
    }

    static List<ParamGroup> single(List<Tensor> params) {
        return List.of(ParamGroup.of(params));
    }

    /** Applies one update to every parameter that has a gradient. */
    public final void step() {
        for (int i = 0; i < params.length; i++) {
            Tensor p = params[i];
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            if (g.dtype() != p.dtype()) {
                throw new IllegalStateException(name() + ".step: gradient dtype " + g.dtype() + " differs from parameter dtype "
                        + p.dtype());
            }
            g = g.isContiguous() ? g : g.detach().contiguous();
            ParamGroup group = groups.get(groupOf[i]);
            State s = states[i];
            s.step++;
            if (p.dtype() == DType.FLOAT32) {
                update(s, group, TensorInternals.floatData(p), TensorInternals.offset(p), TensorInternals.floatData(g),
                        TensorInternals.offset(g), p.numel());
            } else {
                update(s, group, TensorInternals.doubleData(p), TensorInternals.offset(p), TensorInternals.doubleData(g),
                        TensorInternals.offset(g), p.numel());
            }
        }
    }

    /**
     * Updates one FLOAT32 parameter in place; {@code s.step} already counts this update.
     *
     * @param s the parameter's state
     * @param group its group
     * @param p parameter storage
     * @param po parameter offset
     * @param g gradient storage (read only)
     * @param go gradient offset
     * @param n number of elements
     */
    protected abstract void update(State s, ParamGroup group, float[] p, int po, float[] g, int go, int n);

    /**
     * FLOAT64 counterpart of {@link #update(State, ParamGroup, float[], int, float[], int, int)}.
     *
     * @param s the parameter's state
     * @param group its group
     * @param p parameter storage
     * @param po parameter offset
     * @param g gradient storage
     * @param go gradient offset
     * @param n number of elements
     */
    protected abstract void update(State s, ParamGroup group, double[] p, int po, double[] g, int go, int n);

    /** @return the names of the per-parameter buffers this optimizer may keep */
    protected abstract List<String> bufferNames();

    /** @return the optimizer's name for messages */
    protected abstract String name();

    /**
     * @param s state
     * @param key buffer name
     * @param n size
     * @return the float buffer, created as zeros if absent
     */
    protected static float[] floatBuffer(State s, String key, int n) {
        return (float[]) s.buffers.computeIfAbsent(key, k -> new float[n]);
    }

    /**
     * @param s state
     * @param key buffer name
     * @param n size
     * @return the double buffer, created as zeros if absent
     */
    protected static double[] doubleBuffer(State s, String key, int n) {
        return (double[]) s.buffers.computeIfAbsent(key, k -> new double[n]);
    }

    /** Zeroes the gradients of all parameters (keeping their buffers). */
    public final void zeroGrad() {
        for (Tensor p : params) {
            p.zeroGrad();
        }
    }

    /** @return the groups (unmodifiable; each group's lr is mutable) */
    public final List<ParamGroup> groups() {
        return groups;
    }

    /** @return every parameter, in group order */
    public final List<Tensor> params() {
        return List.of(params);
    }

    /** @return the learning rate of the first group */
    public final double lr() {
        return groups.get(0).lr();
    }

    /**
     * Sets the learning rate of every group (what a schedule does each step).
     *
     * @param lr the new rate, >= 0
     */
    public final void setLr(double lr) {
        for (ParamGroup g : groups) {
            g.lr(lr);
        }
    }

    /**
     * @param paramIndex index into {@link #params()}
     * @return how many updates that parameter has received
     */
    public final long stepCount(int paramIndex) {
        return states[paramIndex].step;
    }

    /**
     * A snapshot of the optimizer state as named tensors (copies): {@code param.<i>.step} (INT64
     * scalar), {@code param.<i>.<buffer>} (parameter shape and dtype, e.g. {@code exp_avg}) for
     * every parameter that has state, and {@code group.<g>.lr}, {@code group.<g>.weight_decay}
     * (FLOAT64 scalars). {@code i} indexes {@link #params()}.
     *
     * @return the state, ordered
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            out.put("group." + g + ".lr", Tensor.scalar(DType.FLOAT64, groups.get(g).lr()));
            out.put("group." + g + ".weight_decay", Tensor.scalar(DType.FLOAT64, groups.get(g).weightDecay()));
        }
        for (int i = 0; i < params.length; i++) {
            State s = states[i];
            if (s.step == 0 && s.buffers.isEmpty()) {
                continue;
            }
            out.put("param." + i + ".step", TensorInternals.wrap(new long[] {s.step}));
            int[] shape = params[i].shape();
            for (Map.Entry<String, Object> e : s.buffers.entrySet()) {
                Object b = e.getValue();
                Tensor t = b instanceof float[] ? TensorInternals.wrap(((float[]) b).clone(), shape)
                        : TensorInternals.wrap(((double[]) b).clone(), shape);
                out.put("param." + i + "." + e.getKey(), t);
            }
        }
        return out;
    }

    /**
     * Replaces the whole state with {@code state} (as produced by {@link #stateDict()} of an
     * optimizer of the same kind over parameters of the same shapes, in the same order). Every
     * problem (unknown name, index out of range, wrong shape or dtype, missing step counter) is
     * reported at once in one {@link IllegalArgumentException}, and then nothing is changed.
     * Parameters without entries get fresh state.
     *
     * @param state named tensors
     */
    public final void loadStateDict(Map<String, Tensor> state) {
        Objects.requireNonNull(state, "loadStateDict: state");
        List<String> problems = new ArrayList<>();
        double[] lrs = new double[groups.size()];
        double[] wds = new double[groups.size()];
        Arrays.fill(lrs, Double.NaN);
        Arrays.fill(wds, Double.NaN);
        State[] fresh = new State[params.length];
        for (int i = 0; i < fresh.length; i++) {
            fresh[i] = new State();
        }
        boolean[] hasStep = new boolean[params.length];
        boolean[] hasAny = new boolean[params.length];
        List<String> names = bufferNames();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String key = e.getKey();
            Tensor t = e.getValue();
            String[] parts = key.split("\\.", 3);
            int idx = parts.length == 3 ? parseIndex(parts[1]) : -1;
            if (parts.length == 3 && parts[0].equals("group") && idx >= 0 && idx < groups.size()) {
                if (t.numel() != 1 || !t.dtype().isFloating() || !(t.item() >= 0)) {
                    problems.add(key + ": expected a non-negative float scalar, got " + t.dtype() + " "
                            + Arrays.toString(t.shape()));
                } else if (parts[2].equals("lr")) {
                    lrs[idx] = t.item();
                } else if (parts[2].equals("weight_decay")) {
                    wds[idx] = t.item();
                } else {
                    problems.add(key + ": unknown group setting (known: lr, weight_decay)");
                }
            } else if (parts.length == 3 && parts[0].equals("param") && idx >= 0 && idx < params.length) {
                Tensor p = params[idx];
                hasAny[idx] = true;
                if (parts[2].equals("step")) {
                    if (t.dtype() != DType.INT64 || t.numel() != 1 || t.item() < 0) {
                        problems.add(key + ": expected a non-negative INT64 scalar, got " + t.dtype() + " "
                                + Arrays.toString(t.shape()));
                    } else {
                        fresh[idx].step = (long) t.item();
                        hasStep[idx] = true;
                    }
                } else if (!names.contains(parts[2])) {
                    problems.add(key + ": unknown buffer '" + parts[2] + "' for " + name() + " (known: " + names + ")");
                } else if (t.dtype() != p.dtype() || !Arrays.equals(t.shape(), p.shape())) {
                    problems.add(key + ": expected " + p.dtype() + " " + Arrays.toString(p.shape()) + ", got " + t.dtype()
                            + " " + Arrays.toString(t.shape()));
                } else {
                    fresh[idx].buffers.put(parts[2], p.dtype() == DType.FLOAT32 ? t.toFloatArray() : t.toDoubleArray());
                }
            } else {
                problems.add(key + ": unexpected name (this " + name() + " has " + groups.size() + " groups and "
                        + params.length + " parameters; names are group.<g>.lr|weight_decay and param.<i>.step|<buffer>)");
            }
        }
        for (int i = 0; i < params.length; i++) {
            if (hasAny[i] && !hasStep[i]) {
                problems.add("param." + i + ".step: missing (state buffers without a step counter)");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(name() + ".loadStateDict: the state does not fit this optimizer; nothing was"
                    + " loaded:\n  " + String.join("\n  ", problems));
        }
        for (int g = 0; g < groups.size(); g++) {
            if (!Double.isNaN(lrs[g])) {
                groups.get(g).lr(lrs[g]);
            }
            if (!Double.isNaN(wds[g])) {
                groups.get(g).weightDecay(wds[g]);
            }
        }
        System.arraycopy(fresh, 0, states, 0, states.length);
    }

    private static int parseIndex(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static void checkNonNegative(String op, String what, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(op + ": " + what + " must be finite and >= 0, got " + v);
        }
    }
}
