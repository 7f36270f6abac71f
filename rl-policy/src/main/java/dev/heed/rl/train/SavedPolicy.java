package dev.heed.rl.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.io.CheckpointFormatException;
import dev.heed.core.io.Provenance;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.io.SafeTensorsContent;
import dev.heed.core.io.TensorBlob;
import dev.heed.rl.ActorCritic;
import dev.heed.rl.PolicyConfig;
import dev.heed.rl.env.Env;
import dev.heed.rl.env.wrappers.DiscretizeAction;
import dev.heed.rl.env.wrappers.RunningMeanStd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A trained policy as a deployable artifact: the actor-critic's weights together with the
 * observation-normalisation statistics it was trained with, the env id and the settings, in one
 * safetensors file ({@value #FILE} in a run's output directory). Loading needs no optimizer plugin.
 *
 * <pre>{@code
 * SavedPolicy p = SavedPolicy.load(Path.of("runs/a2c-cartpole/policy.safetensors"));
 * double[] action = p.act(observation);                 // normalised as in training, deterministic
 * EvalResult r = p.evaluate(20, 7L, true);
 * }</pre>
 *
 * <p>Tensors: {@code policy.<name>} (SB3 names), and with normalisation {@code obs_rms.mean},
 * {@code obs_rms.var}, {@code obs_rms.count}; metadata {@code heed.policy} (JSON: format, algorithm,
 * env, settings) and the provenance. Immutable apart from the policy's parameters; not thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class SavedPolicy {

    /** File name used in a run's output directory. */
    public static final String FILE = "policy.safetensors";
    private static final String META = "heed.policy";
    private static final String FORMAT = "heed-rl-policy/1";
    private static final double OBS_EPS = 1e-8;
    private static final double OBS_CLIP = 10.0;

    private final String algorithm;
    private final String env;
    private final Map<String, String> settings;
    private final ActorCritic policy;
    private final RunningMeanStd obsStats;

    private SavedPolicy(String algorithm, String env, Map<String, String> settings, ActorCritic policy,
            RunningMeanStd obsStats) {
        this.algorithm = algorithm;
        this.env = env;
        this.settings = settings;
        this.policy = policy;
        this.obsStats = obsStats;
    }

    /**
     * Writes the trainer's current policy (and observation statistics) atomically.
     *
     * @param trainer the trainer
     * @param file target file
     * @throws IOException if writing fails (the previous file stays intact)
     */
    public static void save(Trainer trainer, Path file) throws IOException {
        Objects.requireNonNull(trainer, "trainer");
        Map<String, TensorBlob> t = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : trainer.policy().namedParameters().entrySet()) {
            t.put("policy." + e.getKey(), Trainer.toBlob(e.getValue()));
        }
        RunningMeanStd stats = trainer.observationStatistics();
        if (stats != null) {
            double[][] a = stats.toArrays();
            t.put("obs_rms.mean", TensorBlob.ofDoubles(new long[] {a[0].length}, a[0]));
            t.put("obs_rms.var", TensorBlob.ofDoubles(new long[] {a[1].length}, a[1]));
            t.put("obs_rms.count", TensorBlob.ofDoubles(new long[] {1}, a[2]));
        }
        TrainConfig c = trainer.config();
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode node = mapper.createObjectNode();
        node.put("format", FORMAT);
        node.put("algorithm", c.algorithm());
        node.put("env", c.env());
        ObjectNode s = node.putObject("settings");
        c.toMap().forEach(s::put);
        Provenance prov = Provenance.capture(node, c.seed(), null);
        Map<String, String> meta = new LinkedHashMap<>(prov.toMetadata());
        meta.put(META, node.toString());
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        SafeTensors.write(file, t, meta);
    }

    /**
     * @param file written by {@link #save}
     * @return the policy, ready to act
     * @throws IOException if the file cannot be read, is not a saved policy, or does not match the
     *     recorded architecture
     */
    public static SavedPolicy load(Path file) throws IOException {
        SafeTensorsContent content = SafeTensors.read(file);
        String json = content.metadata().get(META);
        if (json == null) {
            throw new CheckpointFormatException(file.toString(), null, "no '" + META
                    + "' metadata; this is not a policy written by SavedPolicy.save (a training checkpoint is resumed"
                    + " with Trainer.resume)");
        }
        com.fasterxml.jackson.databind.JsonNode parsed;
        try {
            parsed = new ObjectMapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CheckpointFormatException(file.toString(), null, "'" + META + "' metadata is not well-formed JSON: "
                    + e.getOriginalMessage(), e);
        }
        if (parsed == null || !parsed.isObject()) {
            throw new CheckpointFormatException(file.toString(), null, "'" + META
                    + "' metadata must be a JSON object; this is not a policy written by SavedPolicy.save");
        }
        ObjectNode node = (ObjectNode) parsed;
        if (!FORMAT.equals(node.path("format").asText())) {
            throw new CheckpointFormatException(file.toString(), null, "unknown format '" + node.path("format").asText()
                    + "', expected " + FORMAT);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        node.path("settings").properties().forEach(e -> settings.put(e.getKey(), e.getValue().asText()));
        String env = node.path("env").asText();
        // Everything below is built from values read from the file: a value that does not fit (an unknown
        // env, a bad setting, parameters or statistics of the wrong shape or dtype) is a format error.
        try {
            PolicyConfig pc = TrainConfig.policyConfig(settings);
            int bins = (int) TrainConfig.lng(settings, "discretizeActions", 0);
            Env probe = makeEnv(env, bins);
            long obs = probe.observationSpace().flatDim();
            long act = probe.actionSpace().flatDim();
            double planned = Trainer.layerParams(obs, pc.piLayers(), act) + Trainer.layerParams(obs, pc.vfLayers(), 1);
            long stored = 0;
            for (Map.Entry<String, TensorBlob> e : content.tensors().entrySet()) {
                if (e.getKey().startsWith("policy.")) {
                    stored += e.getValue().byteLength() / Math.max(1, e.getValue().dtype().byteSize());
                }
            }
            // The recorded architecture decides how much is allocated; it must match the parameters
            // actually stored (up to the small log-std and shared-trunk differences), so a damaged
            // setting cannot make loading allocate more than the file holds.
            if (planned > 2.0 * stored + 4096) {
                probe.close();
                throw new IllegalArgumentException("the recorded architecture needs about " + (long) planned
                        + " parameters but the file stores " + stored);
            }
            ActorCritic policy = ActorCritic.create(probe.observationSpace(), probe.actionSpace(), pc, Rng.seeded(0));
            probe.close();
            Map<String, Tensor> params = new LinkedHashMap<>();
            RunningMeanStd stats = null;
            for (Map.Entry<String, TensorBlob> e : content.tensors().entrySet()) {
                if (e.getKey().startsWith("policy.")) {
                    params.put(e.getKey().substring(7), Trainer.toTensor(e.getValue()));
                }
            }
            if (content.tensors().containsKey("obs_rms.mean")) {
                stats = RunningMeanStd.fromArrays(new double[][] {reals(content, "obs_rms.mean"),
                    reals(content, "obs_rms.var"), reals(content, "obs_rms.count")});
            }
            policy.loadParameters(params);
            return new SavedPolicy(node.path("algorithm").asText(), env, settings, policy, stats);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file.toString(), null, e.getMessage(), e);
        }
    }

    private static double[] reals(SafeTensorsContent content, String name) {
        TensorBlob b = content.tensors().get(name);
        if (b == null || b.dtype() != dev.heed.core.io.SafeDType.F64) {
            throw new IllegalArgumentException("observation statistics '" + name + "' must be an F64 tensor, got "
                    + (b == null ? "none" : b.dtype().toString()));
        }
        return b.toDoubles();
    }

    private static Env makeEnv(String env, int bins) {
        Env e = dev.heed.rl.env.Envs.make(env);
        return bins > 0 ? new DiscretizeAction(e, bins, DiscretizeAction.Mode.PER_DIMENSION) : e;
    }

    /** @return the optimizer that trained it */
    public String algorithm() {
        return algorithm;
    }

    /** @return the env id */
    public String env() {
        return env;
    }

    /** @return the recorded settings ({@link TrainConfig#toMap()} of the run) */
    public Map<String, String> settings() {
        return Map.copyOf(settings);
    }

    /** @return the policy */
    public ActorCritic policy() {
        return policy;
    }

    /** @return the observation statistics, or null when the run did not normalise */
    public RunningMeanStd observationStatistics() {
        return obsStats == null ? null : obsStats.copy();
    }

    /**
     * @param rawObservation an observation as the env returns it
     * @return it normalised as during training (identity without statistics)
     */
    public double[] normalize(double[] rawObservation) {
        return obsStats == null ? rawObservation.clone() : obsStats.normalize(rawObservation, OBS_EPS, OBS_CLIP);
    }

    /**
     * @param rawObservation an observation as the env returns it
     * @return the deterministic env action
     */
    public double[] act(double[] rawObservation) {
        return policy.predict(normalize(rawObservation));
    }

    /**
     * Runs episodes on fresh envs (made as in training), all stepped together.
     *
     * @param episodes number of episodes
     * @param seed env k is reset with the k-th {@code nextLong()} of {@code Rng.seeded(seed)}
     * @param deterministic modes instead of samples
     * @return returns and lengths
     */
    public EvalResult evaluate(int episodes, long seed, boolean deterministic) {
        int bins = (int) TrainConfig.lng(settings, "discretizeActions", 0);
        return Evaluator.run(policy.inference(), () -> makeEnv(env, bins), obsStats == null ? null : this::normalize,
                episodes, Rng.seeded(seed), deterministic, -1);
    }
}
