package dev.heed.core.nn;

import dev.heed.core.DType;
import dev.heed.core.NoGrad;
import dev.heed.core.Tensor;
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
 * Base class of every layer and model, modelled on PyTorch's {@code torch.nn.Module}.
 *
 * <p>A module owns named <b>parameters</b> (leaf tensors that require grad and are trained),
 * named <b>buffers</b> (tensors that are saved with the state but not trained, e.g. running
 * statistics) and named <b>submodules</b>. Names compose with dots, so a parameter
 * {@code weight} of submodule {@code wq} of submodule {@code attn} of the third entry of a
 * {@link ModuleList} called {@code blocks} is {@code blocks.2.attn.wq.weight}. Iteration order is
 * registration order everywhere.
 *
 * <p>Subclasses register their state in the constructor with {@link #registerParameter},
 * {@link #registerBuffer} and {@link #registerModule} and read it back with {@link #param} and
 * {@link #buffer} (rather than keeping their own fields), so that {@link #to(DType)} can replace
 * tensors. A tensor registered under two names (weight tying) is one parameter:
 * {@link #parameters()} lists it once, {@link #stateDict()} under both names.
 *
 * <p>Threads: modules are not synchronised; build and mutate them from one thread. Forward passes
 * on several threads at once are safe as long as nothing is mutated (no training, same mode).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public abstract class Module {

    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Creates an empty module in training mode. */
    protected Module() {}

    // ------------------------------------------------------------------------------------------
    // Registration
    // ------------------------------------------------------------------------------------------

    /**
     * Registers a trainable parameter; it is marked {@code requiresGrad(true)}.
     *
     * @param name a non-empty name without dots, unique within this module
     * @param value a floating-point leaf tensor
     * @return {@code value}
     * @throws IllegalArgumentException on a bad or duplicate name or a non-float tensor
     */
    protected final Tensor registerParameter(String name, Tensor value) {
        checkName(name);
        Objects.requireNonNull(value, "registerParameter: value");
        if (!value.dtype().isFloating()) {
            throw new IllegalArgumentException("registerParameter: parameter '" + name + "' must be FLOAT32 or FLOAT64, got "
                    + value.dtype() + "; register integer state with registerBuffer");
        }
        if (!value.isLeaf()) {
            throw new IllegalArgumentException("registerParameter: parameter '" + name + "' is the result of op '"
                    + value.gradFnName() + "'; register a leaf (e.g. value.detach())");
        }
        value.requiresGrad(true);
        params.put(name, value);
        return value;
    }

    /**
     * Registers a buffer: state that is saved and loaded but not trained.
     *
     * @param name a non-empty name without dots, unique within this module
     * @param value any tensor
     * @return {@code value}
     */
    protected final Tensor registerBuffer(String name, Tensor value) {
        checkName(name);
        Objects.requireNonNull(value, "registerBuffer: value");
        buffers.put(name, value);
        return value;
    }

    /**
     * Registers a submodule.
     *
     * @param name a non-empty name without dots, unique within this module
     * @param module the submodule (not this module)
     * @param <M> its type
     * @return {@code module}
     */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        Objects.requireNonNull(module, "registerModule: module");
        if (module == this) {
            throw new IllegalArgumentException("registerModule: a module cannot contain itself (name '" + name + "')");
        }
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.indexOf('.') >= 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name
                    + "' is invalid; names must be non-empty and contain no '.' (dots separate hierarchy levels)");
        }
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name
                    + "' is already registered in this module; choose another name");
        }
    }

    /**
     * @param name a parameter name of this module (no dots)
     * @return the parameter
     * @throws IllegalArgumentException if there is no such parameter
     */
    protected final Tensor param(String name) {
        Tensor t = params.get(name);
        if (t == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameter '" + name + "'; has "
                    + params.keySet());
        }
        return t;
    }

    /**
     * @param name a parameter name of this module (no dots)
     * @return the parameter or null when absent (e.g. an optional bias)
     */
    protected final Tensor paramOrNull(String name) {
        return params.get(name);
    }

    /**
     * @param name a buffer name of this module (no dots)
     * @return the buffer
     */
    protected final Tensor buffer(String name) {
        Tensor t = buffers.get(name);
        if (t == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no buffer '" + name + "'; has "
                    + buffers.keySet());
        }
        return t;
    }

    /**
     * Replaces the tensor registered under {@code name} (a parameter or buffer of this module),
     * e.g. to tie weights after construction. Shapes may differ; parameters stay trainable.
     *
     * @param name an existing parameter or buffer name
     * @param value the new tensor
     */
    protected final void replaceTensor(String name, Tensor value) {
        Objects.requireNonNull(value, "replaceTensor: value");
        if (params.containsKey(name)) {
            value.requiresGrad(true);
            params.put(name, value);
        } else if (buffers.containsKey(name)) {
            buffers.put(name, value);
        } else {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": replaceTensor: no parameter or buffer '"
                    + name + "'");
        }
    }

    // ------------------------------------------------------------------------------------------
    // Traversal
    // ------------------------------------------------------------------------------------------

    /** @return the direct submodules by name, in registration order (unmodifiable) */
    public final Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /**
     * @param name a dotted path such as {@code blocks.0.attn}
     * @return the submodule
     * @throws IllegalArgumentException if it does not exist
     */
    public final Module submodule(String name) {
        Module m = this;
        for (String part : name.split("\\.", -1)) {
            Module next = m.children.get(part);
            if (next == null) {
                throw new IllegalArgumentException("submodule: no submodule '" + name + "' (missing '" + part + "' in "
                        + m.getClass().getSimpleName() + ", which has " + m.children.keySet() + ")");
            }
            m = next;
        }
        return m;
    }

    /**
     * @return every module of the tree (this one first, as {@code ""}) by dotted name, depth first
     */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private void collectModules(String prefix, Map<String, Module> out, Set<Module> seen) {
        if (!seen.add(this)) {
            return;
        }
        out.put(prefix, this);
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collectModules(join(prefix, e.getKey()), out, seen);
        }
    }

    /**
     * @return every trainable parameter of the tree by dotted name, each tensor once (the first
     *     name wins for tied weights), in registration order
     */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Map.Entry<String, Tensor> e : collect(true, false).entrySet()) {
            if (seen.add(e.getValue())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** @return every trainable parameter of the tree, each tensor once */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** @return every buffer of the tree by dotted name */
    public final Map<String, Tensor> namedBuffers() {
        return collect(false, true);
    }

    /**
     * The module's state: every parameter and buffer by dotted name (tied tensors under each of
     * their names). The tensors are the live ones, not copies; use {@code t.copy()} to snapshot.
     *
     * @return an ordered map of name to tensor
     */
    public final Map<String, Tensor> stateDict() {
        return collect(true, true);
    }

    private Map<String, Tensor> collect(boolean withParams, boolean withBuffers) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectInto("", withParams, withBuffers, out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private void collectInto(String prefix, boolean withParams, boolean withBuffers, Map<String, Tensor> out,
            Set<Module> seen) {
        if (!seen.add(this)) {
            return;
        }
        if (withParams) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                out.put(join(prefix, e.getKey()), e.getValue());
            }
        }
        if (withBuffers) {
            for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
                out.put(join(prefix, e.getKey()), e.getValue());
            }
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collectInto(join(prefix, e.getKey()), withParams, withBuffers, out, seen);
        }
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    /** @return the number of trainable scalars (each tied tensor counted once) */
    public final long parameterCount() {
        long n = 0;
        for (Tensor t : parameters()) {
            n += t.numel();
        }
        return n;
    }

    /**
     * Calls {@code fn} on every submodule (children before parents) and then on this module, like
     * PyTorch's {@code Module.apply}; e.g. to re-initialise every {@link Linear}:
     * {@code model.apply(m -> { if (m instanceof Linear) Init.orthogonal(((Linear) m).weight(), Math.sqrt(2), rng); })}.
     *
     * @param fn the function
     * @return this module
     */
    public final Module apply(java.util.function.Consumer<Module> fn) {
        Objects.requireNonNull(fn, "apply: fn");
        applyPostOrder(fn, Collections.newSetFromMap(new IdentityHashMap<>()));
        return this;
    }

    private void applyPostOrder(java.util.function.Consumer<Module> fn, Set<Module> seen) {
        if (!seen.add(this)) {
            return;
        }
        for (Module child : children.values()) {
            child.applyPostOrder(fn, seen);
        }
        fn.accept(this);
    }

    // ------------------------------------------------------------------------------------------
    // Modes and housekeeping
    // ------------------------------------------------------------------------------------------

    /**
     * Sets training mode on this module and every submodule (affects e.g. {@link Dropout}).
     *
     * @param mode true for training, false for evaluation
     * @return this module
     */
    public Module train(boolean mode) {
        for (Module m : namedModules().values()) {
            m.training = mode;
        }
        return this;
    }

    /** @return this module, in training mode (recursively) */
    public final Module train() {
        return train(true);
    }

    /** @return this module, in evaluation mode (recursively) */
    public final Module eval() {
        return train(false);
    }

    /** @return whether this module is in training mode */
    public final boolean isTraining() {
        return training;
    }

    /**
     * Freezes ({@code false}) or unfreezes ({@code true}) every parameter of the tree, like
     * PyTorch's {@code requires_grad_}. Frozen parameters receive no gradient, so optimizers skip
     * them.
     *
     * @param requires the flag
     * @return this module
     */
    public final Module requiresGrad(boolean requires) {
        for (Tensor p : parameters()) {
            p.requiresGrad(requires);
        }
        return this;
    }

    /** Zeroes the gradient of every parameter (keeps the buffers, like {@code set_to_none=False}). */
    public final void zeroGrad() {
        for (Tensor p : parameters()) {
            p.zeroGrad();
        }
    }

    /**
     * Converts every floating-point parameter and buffer of the tree to {@code dtype}, in place
     * (the registered tensors are replaced; tied tensors stay tied; gradients are dropped).
     * Integer and boolean buffers are left alone. Create optimizers after calling this: they
     * hold references to the parameter tensors.
     *
     * @param dtype FLOAT32 or FLOAT64
     * @return this module
     */
    public Module to(DType dtype) {
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException("to: modules convert to FLOAT32 or FLOAT64 only, got " + dtype);
        }
        Map<Tensor, Tensor> converted = new IdentityHashMap<>();
        try (NoGrad ignored = NoGrad.enter()) {
            for (Module m : namedModules().values()) {
                m.convert(dtype, converted);
            }
        }
        return this;
    }

    private void convert(DType dtype, Map<Tensor, Tensor> converted) {
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            Tensor t = e.getValue();
            if (t.dtype() != dtype) {
                e.setValue(converted.computeIfAbsent(t, k -> k.detach().to(dtype).requiresGrad(true)));
            }
        }
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
            Tensor t = e.getValue();
            if (t.dtype().isFloating() && t.dtype() != dtype) {
                e.setValue(converted.computeIfAbsent(t, k -> k.detach().to(dtype)));
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Loading
    // ------------------------------------------------------------------------------------------

    /**
     * Copies values from {@code state} into this module's parameters and buffers.
     *
     * <p>Every problem is found before anything is copied: names the module has but
     * {@code state} lacks (missing), names {@code state} has but the module lacks (unexpected),
     * and tensors whose shape or dtype differ. Shape and dtype mismatches always fail; missing and
     * unexpected names fail only when {@code strict}. On failure a {@link StateDictException}
     * listing all problems is thrown and the module is unchanged.
     *
     * @param state name to tensor, e.g. from {@link #stateDict()} or a checkpoint
     * @param strict whether missing and unexpected names are errors
     * @return the missing and unexpected names (both empty after a successful strict load)
     * @throws StateDictException listing every problem
     */
    public final LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        Objects.requireNonNull(state, "loadStateDict: state");
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) {
                missing.add(e.getKey());
                continue;
            }
            Tensor dst = e.getValue();
            if (!Arrays.equals(src.shape(), dst.shape()) || src.dtype() != dst.dtype()) {
                mismatched.add(e.getKey() + ": checkpoint has " + src.dtype() + " " + Arrays.toString(src.shape())
                        + ", module has " + dst.dtype() + " " + Arrays.toString(dst.shape()));
            }
        }
        for (String k : state.keySet()) {
            if (!own.containsKey(k)) {
                unexpected.add(k);
            }
        }
        if (!mismatched.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            throw new StateDictException(getClass().getSimpleName(), strict ? missing : List.of(),
                    strict ? unexpected : List.of(), mismatched);
        }
        try (NoGrad ignored = NoGrad.enter()) {
            for (Map.Entry<String, Tensor> e : own.entrySet()) {
                Tensor src = state.get(e.getKey());
                if (src != null && src != e.getValue()) {
                    e.getValue().copyFrom(src);
                }
            }
        }
        return new LoadResult(missing, unexpected);
    }

    /**
     * Same as {@code loadStateDict(state, true)}.
     *
     * @param state name to tensor
     * @return an empty result
     */
    public final LoadResult loadStateDict(Map<String, Tensor> state) {
        return loadStateDict(state, true);
    }

    /** Missing and unexpected names of a non-strict {@link #loadStateDict} (immutable). */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public static final class LoadResult {
        private final List<String> missing;
        private final List<String> unexpected;

        LoadResult(List<String> missing, List<String> unexpected) {
            this.missing = List.copyOf(missing);
            this.unexpected = List.copyOf(unexpected);
        }

        /** @return names the module has but the state lacked (left unchanged) */
        public List<String> missingKeys() {
            return missing;
        }

        /** @return names the state had but the module lacks (ignored) */
        public List<String> unexpectedKeys() {
            return unexpected;
        }

        @Override
        public String toString() {
            return "LoadResult{missing=" + missing + ", unexpected=" + unexpected + "}";
        }
    }

    /** @return a one-line-per-module description with parameter counts */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        describe(sb, "", 0);
        return sb.toString();
    }

    private void describe(StringBuilder sb, String name, int depth) {
        sb.append("  ".repeat(depth));
        if (!name.isEmpty()) {
            sb.append('(').append(name).append("): ");
        }
        sb.append(extraRepr());
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            sb.append(' ').append(e.getKey()).append(Arrays.toString(e.getValue().shape()));
        }
        sb.append('\n');
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().describe(sb, e.getKey(), depth + 1);
        }
    }

    /** @return a short description of this module's configuration, used by {@link #toString()} */
    protected String extraRepr() {
        return getClass().getSimpleName();
    }
}
