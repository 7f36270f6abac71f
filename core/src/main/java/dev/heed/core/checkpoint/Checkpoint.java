package dev.heed.core.checkpoint;

import dev.heed.core.NonFiniteException;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.internal.FiniteScan;
import dev.heed.core.internal.TensorInternals;
import dev.heed.core.io.CheckpointFormatException;
import dev.heed.core.io.Provenance;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.io.SafeTensorsContent;
import dev.heed.core.io.TensorBlob;
import dev.heed.core.nn.Module;
import dev.heed.core.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apiguardian.api.API;

/**
 * A training checkpoint in one safetensors file: the module's state dict under its own names (so
 * {@code safetensors.torch.load_file} followed by {@code model.load_state_dict} works on the
 * model part), optionally the optimizer state under {@value #OPTIMIZER_PREFIX}, generator states
 * under {@value #RNG_PREFIX} (INT64 [7]), and string metadata (e.g. {@link Provenance}) in the
 * {@code __metadata__} section, which also carries {@code heed.format = heed-checkpoint/1}.
 *
 * <pre>{@code
 * Checkpoint.of(model).optimizer(adam).rng("env", rng).provenance(p).metadata("step", "1000").save(file);
 * Checkpoint.Loaded ck = Checkpoint.read(file);       // validates the file; nothing changed yet
 * ck.loadInto(model, adam, true);                     // all-or-nothing
 * Rng envRng = ck.rng("env");
 * }</pre>
 *
 * <p>Writes are atomic ({@link dev.heed.core.io.AtomicFiles}) and refuse NaN or infinite module
 * and optimizer tensors unless {@link #allowNonFinite()} is called. Reading validates the whole file
 * first and throws {@link CheckpointFormatException} on any format problem; loading into a module
 * and optimizer changes nothing unless everything fits. Builders are not thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Checkpoint {

    /** Name prefix of optimizer state tensors. */
    public static final String OPTIMIZER_PREFIX = "__optimizer__.";
    /** Name prefix of generator states. */
    public static final String RNG_PREFIX = "__rng__.";
    /** Metadata key recording the layout version. */
    public static final String FORMAT_KEY = "heed.format";
    /** Value of {@link #FORMAT_KEY}. */
    public static final String FORMAT = "heed-checkpoint/1";

    private final Module module;
    private Optimizer optimizer;
    private final Map<String, Rng> rngs = new LinkedHashMap<>();
    private final Map<String, String> metadata = new TreeMap<>();
    private boolean allowNonFinite;

    private Checkpoint(Module module) {
        this.module = Objects.requireNonNull(module, "Checkpoint: module");
    }

    /**
     * @param module the module to save
     * @return a checkpoint builder
     */
    public static Checkpoint of(Module module) {
        return new Checkpoint(module);
    }

    /**
     * @param opt the optimizer whose state to save too
     * @return this
     */
    public Checkpoint optimizer(Optimizer opt) {
        this.optimizer = Objects.requireNonNull(opt, "Checkpoint: optimizer");
        return this;
    }

    /**
     * Saves a generator's full state (it continues exactly where it was after {@link Loaded#rng}).
     *
     * @param name a name without dots
     * @param rng the generator
     * @return this
     */
    public Checkpoint rng(String name, Rng rng) {
        if (name == null || name.isEmpty() || name.indexOf('.') >= 0) {
            throw new IllegalArgumentException("Checkpoint.rng: name must be non-empty without dots, got '" + name + "'");
        }
        rngs.put(name, Objects.requireNonNull(rng, "Checkpoint: rng"));
        return this;
    }

    /**
     * @param key metadata key (not {@value #FORMAT_KEY})
     * @param value metadata value (e.g. a JSON document)
     * @return this
     */
    public Checkpoint metadata(String key, String value) {
        Objects.requireNonNull(key, "metadata key");
        Objects.requireNonNull(value, "metadata value");
        if (key.equals(FORMAT_KEY)) {
            throw new IllegalArgumentException("Checkpoint.metadata: key '" + FORMAT_KEY + "' is reserved");
        }
        metadata.put(key, value);
        return this;
    }

    /**
     * @param entries metadata entries
     * @return this
     */
    public Checkpoint metadata(Map<String, String> entries) {
        entries.forEach(this::metadata);
        return this;
    }

    /**
     * Records how the artifact was made ({@link Provenance#toMetadata()}).
     *
     * @param provenance the provenance
     * @return this
     */
    public Checkpoint provenance(Provenance provenance) {
        return metadata(provenance.toMetadata());
    }

    /**
     * @return every tensor that {@link #save} would write, by name (copies)
     * @throws IllegalArgumentException if a module name collides with the reserved prefixes
     */
    public Map<String, TensorBlob> blobs() {
        Map<String, TensorBlob> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : module.stateDict().entrySet()) {
            if (e.getKey().startsWith(OPTIMIZER_PREFIX) || e.getKey().startsWith(RNG_PREFIX)) {
                throw new IllegalArgumentException("Checkpoint: module state name '" + e.getKey()
                        + "' uses a reserved prefix (" + OPTIMIZER_PREFIX + ", " + RNG_PREFIX + "); rename that submodule");
            }
            out.put(e.getKey(), TensorBlobs.toBlob(e.getValue()));
        }
        if (optimizer != null) {
            optimizer.stateDict().forEach((k, v) -> out.put(OPTIMIZER_PREFIX + k, TensorBlobs.toBlob(v)));
        }
        rngs.forEach((k, r) -> out.put(RNG_PREFIX + k, TensorBlob.ofLongs(new long[] {7}, r.state())));
        return out;
    }

    /**
     * Lets {@link #save} write NaN and infinite values (e.g. to keep a diverged run for inspection
     * under another file name). By default saving refuses them, so a diverged run never overwrites
     * the last good checkpoint.
     *
     * @return this
     */
    public Checkpoint allowNonFinite() {
        this.allowNonFinite = true;
        return this;
    }

    /**
     * Writes the checkpoint atomically.
     *
     * @param file the target file; its directory must exist
     * @throws NonFiniteException if a module or optimizer tensor holds NaN or infinity and
     *     {@link #allowNonFinite()} was not called; nothing is written then
     * @throws IOException if writing fails (the previous file is then intact)
     */
    public void save(Path file) throws IOException {
        if (!allowNonFinite) {
            refuseNonFinite(file, "", module.stateDict());
            if (optimizer != null) {
                refuseNonFinite(file, OPTIMIZER_PREFIX, optimizer.stateDict());
            }
        }
        Map<String, String> meta = new TreeMap<>(metadata);
        meta.put(FORMAT_KEY, FORMAT);
        SafeTensors.write(file, blobs(), meta);
    }

    private static void refuseNonFinite(Path file, String prefix, Map<String, Tensor> state) {
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            FiniteScan.Result r = FiniteScan.scan(e.getValue());
            if (!r.allFinite()) {
                String name = prefix + e.getKey();
                throw new NonFiniteException(NonFiniteException.Phase.CHECKPOINT, name, "Checkpoint.save(" + file
                        + "): tensor '" + name + "' " + java.util.Arrays.toString(e.getValue().shape()) + " holds "
                        + FiniteScan.describe(e.getValue(), r) + "; refusing to write non-finite weights, so the"
                        + " previous checkpoint stays intact. Training has diverged: resume from the last good"
                        + " checkpoint with a lower learning rate or gradient clipping (TrainingGuard stops a run"
                        + " before this happens). To keep the diverged state for inspection anyway, call"
                        + " allowNonFinite() and save it under another name.");
            }
        }
    }

    /**
     * Reads and validates a checkpoint (or any safetensors file: then every tensor is module
     * state). Nothing is loaded anywhere yet.
     *
     * @param file the file
     * @return the content
     * @throws CheckpointFormatException on any format problem, naming file and tensor
     * @throws IOException if the file cannot be read
     */
    public static Loaded read(Path file) throws IOException {
        SafeTensorsContent content = SafeTensors.read(file);
        String name = file.toString();
        Map<String, Tensor> model = new LinkedHashMap<>();
        Map<String, Tensor> optim = new LinkedHashMap<>();
        Map<String, long[]> rngStates = new LinkedHashMap<>();
        for (Map.Entry<String, TensorBlob> e : content.tensors().entrySet()) {
            String k = e.getKey();
            Tensor t = TensorBlobs.toTensor(e.getValue(), name, k);
            if (k.startsWith(OPTIMIZER_PREFIX)) {
                optim.put(k.substring(OPTIMIZER_PREFIX.length()), t);
            } else if (k.startsWith(RNG_PREFIX)) {
                long[] s = t.dtype() == dev.heed.core.DType.INT64 && t.numel() == 7 ? t.toLongArray() : null;
                if (s == null) {
                    throw new CheckpointFormatException(name, k, "a generator state must be INT64 with 7 elements, got "
                            + t.dtype() + " " + java.util.Arrays.toString(t.shape()));
                }
                try {
                    Rng.restore(s);
                } catch (IllegalArgumentException ex) {
                    throw new CheckpointFormatException(name, k, "invalid generator state: " + ex.getMessage(), ex);
                }
                rngStates.put(k.substring(RNG_PREFIX.length()), s);
            } else {
                model.put(k, t);
            }
        }
        return new Loaded(name, model, optim, rngStates, content.metadata());
    }

    /**
     * Reads {@code file} and loads it into {@code module} (and {@code optimizer} when not null),
     * all or nothing.
     *
     * @param file the checkpoint
     * @param module the module to fill
     * @param optimizer the optimizer to restore, or null
     * @param strict whether missing/unexpected module names are errors
     * @return the checkpoint's content (metadata, generators)
     * @throws IOException on a read or format error (nothing changed)
     */
    public static Loaded load(Path file, Module module, Optimizer optimizer, boolean strict) throws IOException {
        Loaded l = read(file);
        l.loadInto(module, optimizer, strict);
        return l;
    }

    /** A validated checkpoint in memory (immutable; tensors are private copies). */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public static final class Loaded {
        private final String file;
        private final Map<String, Tensor> model;
        private final Map<String, Tensor> optim;
        private final Map<String, long[]> rngs;
        private final Map<String, String> metadata;

        Loaded(String file, Map<String, Tensor> model, Map<String, Tensor> optim, Map<String, long[]> rngs,
                Map<String, String> metadata) {
            this.file = file;
            this.model = Collections.unmodifiableMap(model);
            this.optim = Collections.unmodifiableMap(optim);
            this.rngs = rngs;
            this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }

        /** @return the module state by name (do not mutate the tensors) */
        public Map<String, Tensor> modelState() {
            return model;
        }

        /** @return the optimizer state by name without prefix; empty if none was saved */
        public Map<String, Tensor> optimizerState() {
            return optim;
        }

        /** @return the metadata, including {@value #FORMAT_KEY} for Heed checkpoints */
        public Map<String, String> metadata() {
            return metadata;
        }

        /**
         * @return the provenance recorded in the metadata, if any
         * @throws CheckpointFormatException if it is present but malformed
         */
        public Optional<Provenance> provenance() throws CheckpointFormatException {
            String json = metadata.get(Provenance.METADATA_KEY);
            return json == null ? Optional.empty() : Optional.of(Provenance.parse(json, file));
        }

        /**
         * @param name a generator name given to {@link Checkpoint#rng}
         * @return a generator continuing exactly where the saved one was (a new one per call)
         * @throws IllegalArgumentException if there is no such generator
         */
        public Rng rng(String name) {
            long[] s = rngs.get(name);
            if (s == null) {
                throw new IllegalArgumentException("Checkpoint " + file + ": no generator '" + name + "'; saved: "
                        + rngs.keySet());
            }
            return Rng.restore(s.clone());
        }

        /**
         * Loads the module state and, if {@code optimizer} is not null, the optimizer state.
         * Nothing changes unless both fit: the module is validated by
         * {@link Module#loadStateDict}, and if the optimizer then rejects its state the module is
         * restored to its previous values before the exception propagates.
         *
         * @param module the module
         * @param optimizer the optimizer, or null
         * @param strict whether missing/unexpected module names are errors
         * @return the module's load result
         * @throws dev.heed.core.nn.StateDictException if the module state does not fit
         * @throws IllegalArgumentException if the optimizer state does not fit or is absent
         */
        public Module.LoadResult loadInto(Module module, Optimizer optimizer, boolean strict) {
            if (optimizer != null && optim.isEmpty()) {
                throw new IllegalArgumentException("Checkpoint " + file + ": no optimizer state was saved; pass null as"
                        + " the optimizer to load only the module");
            }
            Map<String, Tensor> backup = new LinkedHashMap<>();
            if (optimizer != null) {
                module.stateDict().forEach((k, v) -> backup.put(k, copyOf(v)));
            }
            Module.LoadResult r = module.loadStateDict(model, strict);
            if (optimizer != null) {
                try {
                    optimizer.loadStateDict(optim);
                } catch (IllegalArgumentException e) {
                    module.loadStateDict(backup, true);
                    throw e;
                }
            }
            return r;
        }

        private static Tensor copyOf(Tensor t) {
            switch (t.dtype()) {
                case FLOAT32: return TensorInternals.wrap(t.toFloatArray(), t.shape());
                case FLOAT64: return TensorInternals.wrap(t.toDoubleArray(), t.shape());
                case INT64: return TensorInternals.wrap(t.toLongArray(), t.shape());
                default: return Tensor.of(t.toBooleanArray(), t.shape());
            }
        }
    }
}
