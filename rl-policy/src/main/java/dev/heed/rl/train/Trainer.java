package dev.heed.rl.train;

import dev.heed.rl.ActorCritic;
import dev.heed.rl.PolicyStep;
import dev.heed.rl.PolicyInference;
import dev.heed.rl.RolloutBuffer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.io.AtomicFiles;
import dev.heed.core.io.Provenance;
import dev.heed.core.io.SafeDType;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.io.SafeTensorsContent;
import dev.heed.core.io.TensorBlob;
import dev.heed.core.spi.Options;
import dev.heed.rl.env.Env;
import dev.heed.rl.env.EnvSnapshot;
import dev.heed.rl.env.Envs;
import dev.heed.rl.env.Step;
import dev.heed.rl.env.wrappers.DiscretizeAction;
import dev.heed.rl.env.wrappers.EpisodeRecord;
import dev.heed.rl.env.wrappers.RunningMeanStd;
import dev.heed.rl.spi.PolicyOptimizer;
import dev.heed.rl.spi.PolicyOptimizerProvider;
import dev.heed.rl.spi.RolloutSettings;
import dev.heed.rl.spi.TrainingProgress;
import dev.heed.core.optim.TrainingGuard;
import dev.heed.rl.vec.SyncVectorEnv;
import dev.heed.rl.vec.ThreadedVectorEnv;
import dev.heed.rl.vec.VecNormalize;
import dev.heed.rl.vec.VecStep;
import dev.heed.rl.vec.VectorEnv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * The on-policy training loop for any {@link PolicyOptimizer}: collect {@code nSteps} steps of
 * {@code nEnvs} envs → GAE → {@code optimizer.update} → metrics row → callbacks (evaluate, stop at a
 * reward threshold, checkpoint, user callbacks), repeated until {@code nTimesteps} env steps.
 *
 * <p><b>Collection</b> follows Stable-Baselines3: the policy samples under no-grad on the batch of
 * observations; the UNCLIPPED sample is stored, the clipped one goes to the envs; where an episode
 * is truncated (time limit) and not terminated, {@code γ·V(final observation)} is added to its
 * reward; episode returns and lengths (raw rewards, last 100 episodes) feed {@code return_mean} and
 * {@code return_std}.
 *
 * <p><b>Determinism</b>: one seed gives identical metrics (except {@code wall_seconds}) and weights.
 * Streams: {@code Rng.seeded(seed).child(0)} initialises the policy, {@code child(1)} samples actions,
 * {@code child(2)} is the optimizer's, {@code child(3).child(step)} seeds the evaluation envs; the
 * training envs are reset with {@code seed} (see {@link VectorEnv#reset(long)}).
 *
 * <p><b>Checkpoints</b> ({@link #saveCheckpoint}, {@link #resume}) hold the complete state —
 * parameters, optimizer state, generator states, env states (mid-episode), normalisation statistics,
 * counters and the metrics so far — so a resumed run continues with exactly the numbers of an
 * uninterrupted one.
 *
 * <p>Not thread-safe; close it to release the envs.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Trainer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Trainer.class.getName());
    /** File name of the checkpoint inside a checkpoint directory. */
    public static final String CHECKPOINT_FILE = "checkpoint.safetensors";
    /** File name of the metrics CSV inside the output directory. */
    public static final String METRICS_FILE = "metrics.csv";
    private static final String META_CONFIG = "heed.train_config";
    private static final String META_COLUMNS = "heed.metrics_columns";
    private static final String FORMAT = "heed-rl-checkpoint/1";
    private static final int EPISODE_WINDOW = 100;

    private final TrainConfig config;
    private final ActorCritic policy;
    private final PolicyOptimizer optimizer;
    private final VectorEnv venv;
    private final VecNormalize norm;
    private final RolloutBuffer buffer;
    private final int nEnvs;
    private final int logInterval;
    private final Rng actionRng;
    private final Rng optimizerRng;
    private final Rng evalRoot;
    private final List<TrainingCallback> callbacks = new ArrayList<>();
    private final ArrayDeque<double[]> recent = new ArrayDeque<>();
    private final List<Map<String, Double>> rows = new ArrayList<>();
    private List<String> columns;
    private double[][] obs;
    private boolean[] episodeStarts;
    private long timesteps;
    private long iteration;
    private long episodes;
    private double wallBefore;
    private long startNanos = -1;
    private long lastCsvNanos;
    private EvalResult lastEval;
    private Map<String, Double> currentRow;
    private boolean currentLogged;
    private boolean stopped;
    private String stopReason = "";

    private Trainer(TrainConfig config, PolicyOptimizerProvider provider, SafeTensorsContent checkpoint) {
        this.config = Objects.requireNonNull(config, "config");
        PolicyOptimizer opt = provider.create(Options.of(provider, config.optimizerOptions().asMap()));
        RolloutSettings rs = opt.rolloutSettings();
        checkFitsInMemory(config, rs);
        this.nEnvs = config.nEnvs();
        VectorEnv base = config.threadedEnvs() ? new ThreadedVectorEnv(nEnvs, i -> makeEnv(config))
                : new SyncVectorEnv(nEnvs, i -> makeEnv(config));
        this.norm = config.normalize()
                ? new VecNormalize(base, true, config.normalizeReward(), 10.0, 10.0, rs.gamma(), 1e-8) : null;
        this.venv = norm != null ? norm : base;
        Rng root = Rng.seeded(config.seed());
        this.policy = ActorCritic.create(venv.observationSpace(), venv.actionSpace(), config.policy(), root.child(0));
        this.buffer = RolloutBuffer.forPolicy(rs.nSteps(), nEnvs, rs.gamma(), rs.gaeLambda(), policy);
        int perIter = rs.nSteps() * nEnvs;
        this.logInterval = config.logInterval() > 0 ? config.logInterval() : Math.max(1, (int) Math.round(2048.0 / perIter));
        this.evalRoot = root.child(3);
        this.optimizer = opt;
        if (checkpoint == null) {
            this.actionRng = root.child(1);
            this.optimizerRng = root.child(2);
            opt.attach(policy, optimizerRng);
            this.obs = venv.reset(config.seed());
            this.episodeStarts = new boolean[nEnvs];
            java.util.Arrays.fill(episodeStarts, true);
        } else {
            Map<String, TensorBlob> t = checkpoint.tensors();
            this.actionRng = Rng.restore(longs(t, "rng.action", 7));
            this.optimizerRng = Rng.restore(longs(t, "rng.optimizer", 7));
            opt.attach(policy, optimizerRng);
            restoreState(checkpoint);
        }
        if (config.evalFreq() > 0) {
            callbacks.add(TrainingCallback.evaluateEvery(config.evalFreq(), config.evalEpisodes()));
        }
        if (!Double.isNaN(config.stopReward())) {
            callbacks.add(TrainingCallback.stopAtReward(config.stopReward()));
        }
        if (config.checkpointFreq() > 0) {
            callbacks.add(TrainingCallback.checkpointEvery(config.checkpointFreq(), config.outputDir().resolve("checkpoints")));
        }
    }

    /**
     * Fails fast, before anything large is allocated, when the configuration (typed by hand or read
     * from a checkpoint) cannot fit in the heap: policy parameters with gradients and optimizer state,
     * and the rollout buffer.
     */
    private static void checkFitsInMemory(TrainConfig config, RolloutSettings rs) {
        Env probe = makeEnv(config);
        long obs = probe.observationSpace().flatDim();
        long act = probe.actionSpace().flatDim();
        probe.close();
        double params = layerParams(obs, config.policy().piLayers(), act) + layerParams(obs, config.policy().vfLayers(), 1);
        double buffer = (double) rs.nSteps() * config.nEnvs() * (obs + act + 8);
        double envs = (double) config.nEnvs() * (obs + 64);
        double bytes = 8 * (6 * params + 2 * buffer + 4 * envs);
        long heap = Runtime.getRuntime().maxMemory();
        if (bytes > heap) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "Trainer: this configuration needs"
                    + " about %.0f MB (%.0f policy parameters, a rollout buffer of nSteps * nEnvs = %d * %d steps) but"
                    + " the Java heap is at most %d MB; reduce netArch, nSteps or nEnvs, or raise -Xmx",
                    bytes / 1e6, params, rs.nSteps(), config.nEnvs(), heap / 1_000_000));
        }
    }

    static double layerParams(long in, List<Integer> hidden, long out) {
        double total = 0;
        double prev = in;
        for (int h : hidden) {
            total += prev * h + h;
            prev = h;
        }
        return total + prev * out + out;
    }

    static Env makeEnv(TrainConfig config) {
        Env e = Envs.make(config.env());
        return config.discretizeActions() > 0
                ? new DiscretizeAction(e, config.discretizeActions(), DiscretizeAction.Mode.PER_DIMENSION) : e;
    }

    /**
     * Builds a trainer (envs, policy, optimizer) for a configuration.
     *
     * @param config the configuration, e.g. from {@link PolicyOptimizers#config}
     * @param optimizers where to find {@code config.algorithm()}
     * @return a trainer at step 0
     */
    public static Trainer create(TrainConfig config, PolicyOptimizers optimizers) {
        return new Trainer(config, optimizers.provider(config.algorithm()), null);
    }

    /**
     * Continues a run from a checkpoint written by {@link #saveCheckpoint}.
     *
     * @param checkpointDir a checkpoint directory (holding {@value #CHECKPOINT_FILE})
     * @param optimizers where to find the recorded algorithm
     * @param overrides settings to change on resume (e.g. {@code nTimesteps}, {@code outputDir});
     *     changing anything that shapes the state (envs, architecture) fails
     * @return a trainer in exactly the saved state
     * @throws IOException if the checkpoint cannot be read or is malformed
     */
    public static Trainer resume(Path checkpointDir, PolicyOptimizers optimizers, Map<String, String> overrides)
            throws IOException {
        SafeTensorsContent content = SafeTensors.read(checkpointDir.resolve(CHECKPOINT_FILE));
        Map<String, String> meta = content.metadata();
        String json = meta.get(META_CONFIG);
        if (json == null) {
            throw new dev.heed.core.io.CheckpointFormatException(checkpointDir.resolve(CHECKPOINT_FILE).toString(), null,
                    "no '" + META_CONFIG + "' metadata; this is not a Heed training checkpoint");
        }
        String file = checkpointDir.resolve(CHECKPOINT_FILE).toString();
        com.fasterxml.jackson.databind.JsonNode parsed;
        try {
            parsed = new ObjectMapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new dev.heed.core.io.CheckpointFormatException(file, null, "'" + META_CONFIG
                    + "' metadata is not well-formed JSON: " + e.getOriginalMessage(), e);
        }
        if (parsed == null || !parsed.isObject()) {
            throw new dev.heed.core.io.CheckpointFormatException(file, null, "'" + META_CONFIG
                    + "' metadata must be a JSON object; this is not a Heed training checkpoint");
        }
        ObjectNode node = (ObjectNode) parsed;
        if (!FORMAT.equals(node.path("format").asText())) {
            throw new dev.heed.core.io.CheckpointFormatException(checkpointDir.resolve(CHECKPOINT_FILE).toString(), null,
                    "unknown format '" + node.path("format").asText() + "', expected " + FORMAT);
        }
        Map<String, String> values = new LinkedHashMap<>();
        node.path("settings").properties().forEach(e -> values.put(e.getKey(), e.getValue().asText()));
        TrainConfig.merge(values, overrides);
        PolicyOptimizerProvider provider = optimizers.provider(node.path("algorithm").asText());
        TrainConfig cfg = TrainConfig.resolve(provider, node.path("env").asText(), values);
        // Checked before any env or buffer is allocated: the file holds one episode-start flag per env,
        // so a damaged or hostile nEnvs cannot make resume allocate more than the file justifies.
        long[] starts = longs(content.tensors(), "trainer.episode_starts", 1);
        if (starts.length != cfg.nEnvs()) {
            throw new IllegalArgumentException("resume: the checkpoint holds observations for " + starts.length
                    + " envs but the configuration has nEnvs = " + cfg.nEnvs() + "; do not change nEnvs on resume");
        }
        return new Trainer(cfg, provider, content);
    }

    /** @return the configuration */
    public TrainConfig config() {
        return config;
    }

    /** @return the policy being trained */
    public ActorCritic policy() {
        return policy;
    }

    /** @return the optimizer */
    public PolicyOptimizer optimizer() {
        return optimizer;
    }

    /** @return the training vector env (the {@link VecNormalize} when normalising) */
    public VectorEnv env() {
        return venv;
    }

    /** @return a copy of the observation statistics when normalising, else null */
    public RunningMeanStd observationStatistics() {
        return norm == null ? null : norm.observationStatistics();
    }

    /** @return env steps collected so far */
    public long timesteps() {
        return timesteps;
    }

    /** @return updates made so far */
    public long iterations() {
        return iteration;
    }

    /** @return episodes finished so far */
    public long episodes() {
        return episodes;
    }

    /** @return the latest evaluation, or null */
    public EvalResult lastEvaluation() {
        return lastEval;
    }

    /** @return true once training is complete or a callback stopped it */
    public boolean isDone() {
        return stopped || timesteps >= config.nTimesteps();
    }

    /**
     * @param callback runs after every iteration, after the built-in callbacks
     * @return this trainer
     */
    public Trainer addCallback(TrainingCallback callback) {
        callbacks.add(Objects.requireNonNull(callback, "callback"));
        return this;
    }

    /** @return the metrics rows so far (column name to value), oldest first; unmodifiable */
    public List<Map<String, Double>> metrics() {
        return Collections.unmodifiableList(rows);
    }

    /**
     * Runs iterations until done; with an output directory writes the metrics CSV, the trained
     * policy ({@link SavedPolicy#FILE}, with its normalisation statistics) and, when
     * {@code checkpointFreq > 0}, a final checkpoint to {@code outputDir/final}.
     *
     * @return the summary
     */
    public TrainSummary run() {
        if (config.outputDir() != null) {
            writeProvenance();
        }
        while (iterate()) {
            // one collect → update → callbacks per pass
        }
        if (config.outputDir() != null) {
            writeMetrics();
            try {
                SavedPolicy.save(this, config.outputDir().resolve(SavedPolicy.FILE));
            } catch (IOException e) {
                throw new UncheckedIOException("run: cannot write " + config.outputDir().resolve(SavedPolicy.FILE) + ": "
                        + e.getMessage(), e);
            }
            if (config.checkpointFreq() > 0) {
                saveCheckpoint(config.outputDir().resolve("final"));
            }
        }
        return summary();
    }

    /** @return the summary of the run so far */
    public TrainSummary summary() {
        double wall = wallSeconds();
        return new TrainSummary(timesteps, iteration, episodes, wall, wall > 0 ? timesteps / wall : Double.NaN,
                lastEval == null ? Double.NaN : lastEval.mean(), lastEval == null ? Double.NaN : lastEval.std(), stopped,
                stopped ? stopReason : "reached nTimesteps = " + config.nTimesteps(),
                config.outputDir() == null ? null : config.outputDir().resolve(METRICS_FILE));
    }

    private double wallSeconds() {
        return wallBefore + (startNanos < 0 ? 0 : (System.nanoTime() - startNanos) / 1e9);
    }

    /**
     * One iteration: collect a rollout, update, record metrics, run the callbacks.
     *
     * @return false when training is done (nothing was done then)
     */
    public boolean iterate() {
        if (isDone()) {
            return false;
        }
        if (startNanos < 0) {
            startNanos = System.nanoTime();
            lastCsvNanos = startNanos;
        }
        long before = timesteps;
        collect();
        iteration++;
        Map<String, Double> stats = optimizer.update(buffer.batch(),
                new TrainingProgress(timesteps, config.nTimesteps(), iteration));
        guard(stats);
        startRow(stats);
        if (iteration % logInterval == 0 || timesteps >= config.nTimesteps()) {
            logRow();
        }
        for (TrainingCallback c : callbacks) {
            if (!c.afterIteration(this, before)) {
                if (!stopped) {
                    markStopped("stopped by callback " + c.getClass().getSimpleName());
                }
                break;
            }
        }
        if (stopped) {
            logRow();
        }
        if (config.outputDir() != null && System.nanoTime() - lastCsvNanos > 10_000_000_000L) {
            writeMetrics();
        }
        return !isDone();
    }

    private void collect() {
        buffer.reset();
        int n = nEnvs;
        PolicyInference inf = policy.inference();
        for (int t = 0; t < buffer.nSteps(); t++) {
            PolicyStep ps = inf.act(obs, actionRng);
            VecStep vs = venv.step(ps.envActions());
            timesteps += n;
            double[] truncValues = null;
            List<Integer> truncIdx = null;
            for (int i = 0; i < n; i++) {
                if (vs.truncated()[i] && !vs.terminated()[i]) {
                    if (truncIdx == null) {
                        truncIdx = new ArrayList<>();
                    }
                    truncIdx.add(i);
                }
            }
            if (truncIdx != null) {
                double[][] fin = new double[truncIdx.size()][];
                for (int j = 0; j < fin.length; j++) {
                    fin[j] = vs.finalObservations()[truncIdx.get(j)];
                }
                double[] v = inf.predictValues(fin);
                truncValues = new double[n];
                java.util.Arrays.fill(truncValues, Double.NaN);
                for (int j = 0; j < fin.length; j++) {
                    truncValues[truncIdx.get(j)] = v[j];
                }
            }
            buffer.add(obs, ps.actions(), vs.rewards(), episodeStarts, ps.values(), ps.logProbs(), truncValues);
            obs = vs.observations();
            boolean[] starts = new boolean[n];
            for (int i = 0; i < n; i++) {
                starts[i] = vs.done(i);
            }
            episodeStarts = starts;
            for (EpisodeRecord r : venv.drainEpisodes()) {
                episodes++;
                recent.addLast(new double[] {r.episodeReturn(), r.length()});
                if (recent.size() > EPISODE_WINDOW) {
                    recent.removeFirst();
                }
            }
        }
        buffer.computeReturnsAndAdvantages(inf.predictValues(obs), episodeStarts);
    }

    private void startRow(Map<String, Double> stats) {
        Map<String, Double> row = new LinkedHashMap<>();
        row.put("step", (double) timesteps);
        row.put("wall_seconds", wallSeconds());
        row.put("iteration", (double) iteration);
        row.put("episodes", (double) episodes);
        double mean = Double.NaN;
        double std = Double.NaN;
        double len = Double.NaN;
        if (!recent.isEmpty()) {
            double s = 0;
            double l = 0;
            for (double[] e : recent) {
                s += e[0];
                l += e[1];
            }
            mean = s / recent.size();
            len = l / recent.size();
            double ss = 0;
            for (double[] e : recent) {
                ss += (e[0] - mean) * (e[0] - mean);
            }
            std = Math.sqrt(ss / recent.size());
        }
        row.put("return_mean", mean);
        row.put("return_std", std);
        row.put("ep_len_mean", len);
        row.putAll(stats);
        row.put("eval_return_mean", Double.NaN);
        row.put("eval_return_std", Double.NaN);
        currentRow = row;
        currentLogged = false;
    }

    private void logRow() {
        if (currentRow == null || currentLogged) {
            return;
        }
        if (columns == null) {
            columns = new ArrayList<>(currentRow.keySet());
        }
        rows.add(currentRow);
        currentLogged = true;
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, "step {0}: return_mean {1}", timesteps, currentRow.get("return_mean"));
        }
    }

    /**
     * Stores an evaluation: it becomes {@link #lastEvaluation()} and fills the {@code eval_*} columns
     * of this iteration's metrics row (which is then always logged).
     *
     * @param result an evaluation made at the current step
     */
    public void recordEvaluation(EvalResult result) {
        lastEval = Objects.requireNonNull(result, "result");
        if (currentRow != null) {
            currentRow.put("eval_return_mean", result.mean());
            currentRow.put("eval_return_std", result.std());
            logRow();
        }
    }

    /**
     * Ends training after the current iteration.
     *
     * @param reason recorded in the summary
     */
    public void markStopped(String reason) {
        stopped = true;
        stopReason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Runs {@code episodes} episodes on fresh envs (made as the training envs), all stepped together,
     * each with a seed from {@code Rng.seeded(seed).child(3).child(timesteps)}; observations are
     * normalised with the training statistics (frozen). Returns are undiscounted raw rewards.
     * Uses no training generator, so evaluating does not change the training run.
     *
     * @param episodes number of episodes, ≥ 1
     * @param deterministic use the distribution's mode (true) or sample from a generator derived
     *     from the evaluation seed
     * @return the result
     */
    public EvalResult evaluate(int episodes, boolean deterministic) {
        if (episodes < 1) {
            throw new IllegalArgumentException("evaluate: episodes must be >= 1, got " + episodes);
        }
        return evaluateWith(evalRoot.child(timesteps), episodes, deterministic);
    }

    /**
     * Like {@link #evaluate(int, boolean)}, but on held-out episodes: each env is reset with a seed
     * from {@code Rng.seeded(heldOutSeed)}, a stream no training or periodic evaluation uses. Use
     * it to check a policy that was selected by the periodic evaluations (for example one stopped
     * by {@code stopReward}) on start states the selection never saw.
     *
     * @param episodes number of episodes, ≥ 1
     * @param deterministic use the distribution's mode (true) or sample
     * @param heldOutSeed seed of the held-out episode stream
     * @return the result
     * @throws IllegalArgumentException if {@code episodes < 1}
     */
    public EvalResult evaluateHeldOut(int episodes, boolean deterministic, long heldOutSeed) {
        if (episodes < 1) {
            throw new IllegalArgumentException("evaluateHeldOut: episodes must be >= 1, got " + episodes);
        }
        return evaluateWith(Rng.seeded(heldOutSeed).child(Long.MIN_VALUE), episodes, deterministic);
    }

    private EvalResult evaluateWith(Rng seeds, int episodes, boolean deterministic) {
        return Evaluator.run(policy.inference(), () -> makeEnv(config),
                norm != null ? norm::normalizeObservation : null, episodes, seeds, deterministic, timesteps);
    }

    private void writeProvenance() {
        ObjectNode cfg = new ObjectMapper().createObjectNode();
        cfg.put("algorithm", config.algorithm());
        cfg.put("env", config.env());
        ObjectNode settings = cfg.putObject("settings");
        config.toMap().forEach(settings::put);
        try {
            Files.createDirectories(config.outputDir());
            Provenance.capture(cfg, config.seed(), null).write(config.outputDir().resolve(Provenance.FILE_NAME));
        } catch (IOException e) {
            throw new UncheckedIOException("run: cannot write " + config.outputDir().resolve(Provenance.FILE_NAME) + ": "
                    + e.getMessage(), e);
        }
    }

    /** Writes {@code outputDir/metrics.csv} atomically (no-op without an output directory). */
    public void writeMetrics() {
        if (config.outputDir() == null) {
            return;
        }
        lastCsvNanos = System.nanoTime();
        try {
            Files.createDirectories(config.outputDir());
            AtomicFiles.writeString(config.outputDir().resolve(METRICS_FILE), csv());
        } catch (IOException e) {
            throw new UncheckedIOException("writeMetrics: cannot write " + config.outputDir().resolve(METRICS_FILE)
                    + ": " + e.getMessage(), e);
        }
    }

    /** @return the metrics as CSV text (header, then one line per row; NaN as an empty field) */
    public String csv() {
        StringBuilder b = new StringBuilder();
        List<String> cols = columns == null ? List.of() : columns;
        b.append(String.join(",", cols)).append('\n');
        for (Map<String, Double> r : rows) {
            for (int c = 0; c < cols.size(); c++) {
                if (c > 0) {
                    b.append(',');
                }
                Double v = r.get(cols.get(c));
                if (v != null && !v.isNaN()) {
                    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                        b.append((long) v.doubleValue());
                    } else {
                        b.append(v);
                    }
                }
            }
            b.append('\n');
        }
        return b.toString();
    }

    /**
     * Stops training with a {@link dev.heed.core.NonFiniteException} as soon as a loss or a policy
     * parameter is NaN or infinite, before anything is logged as a good row or saved, so the last
     * checkpoint stays the last good one. Other statistics (e.g. explained variance) may be NaN.
     */
    private void guard(Map<String, Double> stats) {
        for (Map.Entry<String, Double> e : stats.entrySet()) {
            if (e.getKey().contains("loss") && e.getValue() != null) {
                TrainingGuard.checkValue(timesteps, e.getKey(), e.getValue());
            }
        }
        TrainingGuard.checkParameters(timesteps, policy.namedParameters());
    }

    // ----------------------------------------------------------------------------------------------
    // Checkpoints
    // ----------------------------------------------------------------------------------------------

    /**
     * Saves the complete training state to {@code dir/}{@value #CHECKPOINT_FILE} (atomically) plus
     * {@code dir/provenance.json}. Call between iterations.
     *
     * @param dir the checkpoint directory (created if needed)
     * @throws UncheckedIOException if writing fails (the previous checkpoint stays intact)
     */
    public void saveCheckpoint(Path dir) {
        Map<String, TensorBlob> t = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : policy.namedParameters().entrySet()) {
            t.put("policy." + e.getKey(), toBlob(e.getValue()));
        }
        for (Map.Entry<String, Tensor> e : optimizer.stateDict().entrySet()) {
            t.put("optimizer." + e.getKey(), toBlob(e.getValue()));
        }
        t.put("rng.action", TensorBlob.ofLongs(new long[] {7}, actionRng.state()));
        t.put("rng.optimizer", TensorBlob.ofLongs(new long[] {7}, optimizerRng.state()));
        EnvSnapshot snap = venv.snapshot();
        for (Map.Entry<String, double[]> e : snap.realEntries().entrySet()) {
            t.put("env." + e.getKey(), TensorBlob.ofDoubles(new long[] {e.getValue().length}, e.getValue()));
        }
        for (Map.Entry<String, long[]> e : snap.wordEntries().entrySet()) {
            t.put("env." + e.getKey(), TensorBlob.ofLongs(new long[] {e.getValue().length}, e.getValue()));
        }
        int obsDim = policy.observationDim();
        double[] flatObs = new double[nEnvs * obsDim];
        long[] starts = new long[nEnvs];
        for (int i = 0; i < nEnvs; i++) {
            System.arraycopy(obs[i], 0, flatObs, i * obsDim, obsDim);
            starts[i] = episodeStarts[i] ? 1 : 0;
        }
        t.put("trainer.obs", TensorBlob.ofDoubles(new long[] {nEnvs, obsDim}, flatObs));
        t.put("trainer.episode_starts", TensorBlob.ofLongs(new long[] {nEnvs}, starts));
        t.put("trainer.counters", TensorBlob.ofLongs(new long[] {3}, new long[] {timesteps, iteration, episodes}));
        t.put("trainer.wall_seconds", TensorBlob.ofDoubles(new long[] {1}, new double[] {wallSeconds()}));
        double[] rec = new double[recent.size() * 2];
        int k = 0;
        for (double[] e : recent) {
            rec[k++] = e[0];
            rec[k++] = e[1];
        }
        t.put("trainer.recent_episodes", TensorBlob.ofDoubles(new long[] {recent.size(), 2}, rec));
        t.put("trainer.last_eval", TensorBlob.ofDoubles(new long[] {3}, lastEval == null
                ? new double[] {Double.NaN, Double.NaN, -1} : new double[] {lastEval.mean(), lastEval.std(), lastEval.step()}));
        List<String> cols = columns == null ? List.of() : columns;
        double[] m = new double[rows.size() * cols.size()];
        k = 0;
        for (Map<String, Double> r : rows) {
            for (String c : cols) {
                Double v = r.get(c);
                m[k++] = v == null ? Double.NaN : v;
            }
        }
        t.put("trainer.metrics", TensorBlob.ofDoubles(new long[] {rows.size(), cols.size()}, m));
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode cfg = mapper.createObjectNode();
        cfg.put("format", FORMAT);
        cfg.put("algorithm", config.algorithm());
        cfg.put("env", config.env());
        ObjectNode settings = cfg.putObject("settings");
        config.toMap().forEach(settings::put);
        Provenance prov = Provenance.capture(cfg, config.seed(), null);
        Map<String, String> meta = new LinkedHashMap<>(prov.toMetadata());
        meta.put(META_CONFIG, cfg.toString());
        meta.put(META_COLUMNS, String.join(",", cols));
        try {
            Files.createDirectories(dir);
            SafeTensors.write(dir.resolve(CHECKPOINT_FILE), t, meta);
            prov.write(dir.resolve(Provenance.FILE_NAME));
        } catch (IOException e) {
            throw new UncheckedIOException("saveCheckpoint: cannot write " + dir + ": " + e.getMessage(), e);
        }
    }

    private void restoreState(SafeTensorsContent content) {
        Map<String, TensorBlob> t = content.tensors();
        Map<String, Tensor> params = new LinkedHashMap<>();
        Map<String, Tensor> optState = new LinkedHashMap<>();
        Map<String, double[]> envReals = new LinkedHashMap<>();
        Map<String, long[]> envWords = new LinkedHashMap<>();
        for (Map.Entry<String, TensorBlob> e : t.entrySet()) {
            String name = e.getKey();
            if (name.startsWith("policy.")) {
                params.put(name.substring(7), toTensor(e.getValue()));
            } else if (name.startsWith("optimizer.")) {
                optState.put(name.substring(10), toTensor(e.getValue()));
            } else if (name.startsWith("env.")) {
                if (e.getValue().dtype() == SafeDType.F64) {
                    envReals.put(name.substring(4), e.getValue().toDoubles());
                } else if (e.getValue().dtype() == SafeDType.I64) {
                    envWords.put(name.substring(4), e.getValue().toLongs());
                } else {
                    throw damaged(name, "F64 or I64", e.getValue());
                }
            }
        }
        policy.loadParameters(params);
        optimizer.loadStateDict(optState);
        try {
            venv.restore(EnvSnapshot.of(envReals, envWords));
        } catch (IndexOutOfBoundsException | IllegalStateException | NegativeArraySizeException e) {
            // Env states are restored by each env from arrays it wrote itself; arrays of the wrong
            // length or kind mean the file was damaged or made by something else.
            throw new IllegalArgumentException("resume: the env state in the checkpoint does not fit "
                    + config.env() + " x " + nEnvs + " (" + e.getMessage() + "); the checkpoint is damaged or was"
                    + " not written by Trainer.saveCheckpoint", e);
        }
        int obsDim = policy.observationDim();
        double[] flatObs = doubles(t, "trainer.obs", 0);
        long[] starts = longs(t, "trainer.episode_starts", 0);
        if (flatObs.length != nEnvs * obsDim || starts.length != nEnvs) {
            throw new IllegalArgumentException("resume: the checkpoint holds observations for " + starts.length
                    + " envs but the configuration has nEnvs = " + nEnvs + "; do not change nEnvs on resume");
        }
        obs = new double[nEnvs][obsDim];
        episodeStarts = new boolean[nEnvs];
        for (int i = 0; i < nEnvs; i++) {
            System.arraycopy(flatObs, i * obsDim, obs[i], 0, obsDim);
            episodeStarts[i] = starts[i] == 1;
        }
        long[] c = longs(t, "trainer.counters", 3);
        timesteps = c[0];
        iteration = c[1];
        episodes = c[2];
        wallBefore = doubles(t, "trainer.wall_seconds", 1)[0];
        double[] rec = doubles(t, "trainer.recent_episodes", 0);
        for (int k = 0; k + 1 < rec.length; k += 2) {
            recent.addLast(new double[] {rec[k], rec[k + 1]});
        }
        double[] le = doubles(t, "trainer.last_eval", 3);
        if (le[2] >= 0) {
            lastEval = new EvalResult((long) le[2], le[0], le[1], new double[0], new int[0]);
        }
        String colText = content.metadata().getOrDefault(META_COLUMNS, "");
        if (!colText.isEmpty()) {
            columns = new ArrayList<>(List.of(colText.split(",")));
            double[] m = doubles(t, "trainer.metrics", 0);
            int nc = columns.size();
            for (int r = 0; r < m.length / nc; r++) {
                Map<String, Double> row = new LinkedHashMap<>();
                for (int j = 0; j < nc; j++) {
                    row.put(columns.get(j), m[r * nc + j]);
                }
                rows.add(row);
            }
        }
    }

    private static TensorBlob blob(Map<String, TensorBlob> t, String name) {
        TensorBlob b = t.get(name);
        if (b == null) {
            throw new IllegalArgumentException("resume: the checkpoint has no tensor '" + name
                    + "'; it was not written by Trainer.saveCheckpoint");
        }
        return b;
    }

    private static long[] longs(Map<String, TensorBlob> t, String name, int minLength) {
        TensorBlob b = blob(t, name);
        if (b.dtype() != SafeDType.I64 || b.toLongs().length < minLength) {
            throw damaged(name, "I64 with at least " + minLength + " elements", b);
        }
        return b.toLongs();
    }

    private static double[] doubles(Map<String, TensorBlob> t, String name, int minLength) {
        TensorBlob b = blob(t, name);
        if (b.dtype() != SafeDType.F64 || b.toDoubles().length < minLength) {
            throw damaged(name, "F64 with at least " + minLength + " elements", b);
        }
        return b.toDoubles();
    }

    private static IllegalArgumentException damaged(String name, String expected, TensorBlob b) {
        return new IllegalArgumentException("resume: tensor '" + name + "' must be " + expected + ", got " + b.dtype()
                + " " + java.util.Arrays.toString(b.shape()) + "; the checkpoint is damaged or was not written by"
                + " Trainer.saveCheckpoint");
    }

    static TensorBlob toBlob(Tensor x) {
        int[] s = x.shape();
        long[] shape = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            shape[i] = s[i];
        }
        switch (x.dtype()) {
            case FLOAT32:
                return TensorBlob.ofFloats(shape, x.toFloatArray());
            case FLOAT64:
                return TensorBlob.ofDoubles(shape, x.toDoubleArray());
            case INT64:
                return TensorBlob.ofLongs(shape, x.toLongArray());
            default:
                throw new IllegalArgumentException("saveCheckpoint: cannot store a " + x.dtype() + " tensor");
        }
    }

    static Tensor toTensor(TensorBlob b) {
        long[] s = b.shape();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            shape[i] = (int) s[i];
        }
        switch (b.dtype()) {
            case F32:
                return Tensor.of(b.toFloats(), shape);
            case F64:
                return Tensor.of(b.toDoubles(), shape);
            case I64:
                return Tensor.of(b.toLongs(), shape);
            default:
                throw new IllegalArgumentException("resume: unsupported tensor dtype " + b.dtype() + " in checkpoint");
        }
    }

    @Override
    public void close() {
        venv.close();
    }
}
