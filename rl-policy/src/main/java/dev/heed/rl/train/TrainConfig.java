package dev.heed.rl.train;

import dev.heed.core.Suggestions;
import dev.heed.rl.PolicyConfig;
import dev.heed.core.DType;
import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import dev.heed.rl.spi.PolicyOptimizerProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apiguardian.api.API;

/**
 * Everything a training run needs, resolved from {@code key=value} text (see
 * {@link PolicyOptimizers#config}); immutable. Keys (camelCase; SB3's snake_case spelling is
 * accepted too, {@code n_envs} = {@code nEnvs}):
 *
 * <table>
 *   <caption>trainer and policy keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>nEnvs</td><td>1</td><td>parallel env copies</td></tr>
 *   <tr><td>nTimesteps</td><td>100000</td><td>env steps to train (all envs)</td></tr>
 *   <tr><td>seed</td><td>0</td><td>root seed</td></tr>
 *   <tr><td>normalize</td><td>false</td><td>VecNormalize observations and rewards (the zoo's {@code normalize: true})</td></tr>
 *   <tr><td>normalizeReward</td><td>= normalize</td><td>scale rewards (only with normalize)</td></tr>
 *   <tr><td>evalFreq</td><td>0</td><td>evaluate every this many env steps (0: never)</td></tr>
 *   <tr><td>evalEpisodes</td><td>20</td><td>deterministic episodes per evaluation</td></tr>
 *   <tr><td>stopReward</td><td>none</td><td>stop when an evaluation's mean return reaches this</td></tr>
 *   <tr><td>checkpointFreq</td><td>0</td><td>checkpoint every this many env steps (needs outputDir)</td></tr>
 *   <tr><td>outputDir</td><td>none</td><td>where metrics.csv and checkpoints go</td></tr>
 *   <tr><td>logInterval</td><td>0 (auto)</td><td>iterations per metrics row; auto ≈ every 2048 env steps</td></tr>
 *   <tr><td>threadedEnvs</td><td>false</td><td>step envs on a thread pool (same numbers)</td></tr>
 *   <tr><td>discretizeActions</td><td>0</td><td>K ≥ 2: K levels per Box component, categorical policy</td></tr>
 *   <tr><td>netArch / piArch / vfArch</td><td>64,64</td><td>hidden sizes (netArch sets both)</td></tr>
 *   <tr><td>activation</td><td>tanh</td><td>tanh or relu</td></tr>
 *   <tr><td>orthoInit</td><td>true</td><td>orthogonal initialisation</td></tr>
 *   <tr><td>sharedTrunk</td><td>false</td><td>one trunk (piArch) for actor and critic</td></tr>
 *   <tr><td>logStdInit</td><td>0</td><td>initial log σ</td></tr>
 *   <tr><td>logStdMode</td><td>parameter</td><td>parameter or head</td></tr>
 *   <tr><td>squash</td><td>false</td><td>tanh-squashed Gaussian</td></tr>
 *   <tr><td>dtype</td><td>float32</td><td>float32 or float64 parameters</td></tr>
 * </table>
 *
 * <p>Every other key is an option of the optimizer (e.g. a2c's {@code nSteps}, {@code entCoef}).
 * The zoo's {@code lin_<v>} syntax is accepted for an option {@code k} when the optimizer declares
 * {@code kSchedule}: {@code learningRate=lin_7e-4} sets {@code learningRate=7e-4} and
 * {@code learningRateSchedule=linear}.
 *
 * @param algorithm optimizer provider name
 * @param env env id
 * @param optimizerOptions validated optimizer options
 * @param nEnvs env copies
 * @param nTimesteps env steps to train
 * @param seed root seed
 * @param policy network architecture
 * @param normalize VecNormalize on
 * @param normalizeReward reward scaling (with normalize)
 * @param evalFreq env steps between evaluations, 0 = off
 * @param evalEpisodes episodes per evaluation
 * @param stopReward threshold, NaN = off
 * @param checkpointFreq env steps between checkpoints, 0 = off
 * @param outputDir output directory or null
 * @param logInterval iterations per metrics row, 0 = auto
 * @param threadedEnvs threaded vector env
 * @param discretizeActions K ≥ 2: wrap every env in {@code DiscretizeAction(env, K, PER_DIMENSION)}
 *     (categorical policy over K levels per Box component); 0: off
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record TrainConfig(String algorithm, String env, Options optimizerOptions, int nEnvs, long nTimesteps, long seed,
        PolicyConfig policy, boolean normalize, boolean normalizeReward, long evalFreq, int evalEpisodes,
        double stopReward, long checkpointFreq, Path outputDir, int logInterval, boolean threadedEnvs,
        int discretizeActions) {

    private static final Set<String> TRAINER_KEYS = Set.of("nEnvs", "nTimesteps", "seed", "normalize", "normalizeReward",
            "evalFreq", "evalEpisodes", "stopReward", "checkpointFreq", "outputDir", "logInterval", "threadedEnvs",
            "netArch", "piArch", "vfArch", "activation", "orthoInit", "sharedTrunk", "logStdInit", "logStdMode", "squash",
            "dtype", "discretizeActions");

    /** @throws IllegalArgumentException on out-of-range values */
    public TrainConfig {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(optimizerOptions, "optimizerOptions");
        Objects.requireNonNull(policy, "policy");
        if (nEnvs < 1 || nTimesteps < 1 || evalFreq < 0 || evalEpisodes < 1 || checkpointFreq < 0 || logInterval < 0) {
            throw new IllegalArgumentException("TrainConfig: need nEnvs >= 1, nTimesteps >= 1, evalFreq >= 0, evalEpisodes >= 1,"
                    + " checkpointFreq >= 0, logInterval >= 0; got nEnvs=" + nEnvs + ", nTimesteps=" + nTimesteps
                    + ", evalFreq=" + evalFreq + ", evalEpisodes=" + evalEpisodes + ", checkpointFreq=" + checkpointFreq
                    + ", logInterval=" + logInterval);
        }
        if (discretizeActions < 0 || discretizeActions == 1) {
            throw new IllegalArgumentException("TrainConfig: discretizeActions must be 0 (off) or >= 2 levels per component, got "
                    + discretizeActions);
        }
        if (checkpointFreq > 0 && outputDir == null) {
            throw new IllegalArgumentException("TrainConfig: checkpointFreq=" + checkpointFreq
                    + " needs an outputDir to write the checkpoints to; set outputDir=<directory>");
        }
        if (!Double.isNaN(stopReward) && evalFreq == 0) {
            throw new IllegalArgumentException("TrainConfig: stopReward=" + stopReward
                    + " is checked after evaluations, but evalFreq=0 disables them; set evalFreq (e.g. 10000)");
        }
    }

    /**
     * @param key camelCase or snake_case
     * @return camelCase ({@code n_envs} → {@code nEnvs})
     */
    static String camel(String key) {
        if (key.indexOf('_') < 0) {
            return key;
        }
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : key.toCharArray()) {
            if (c == '_') {
                up = b.length() > 0;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }

    /**
     * Applies {@code overrides} (camelCased) on top of {@code values}; {@code netArch} replaces any
     * earlier {@code piArch}/{@code vfArch}.
     */
    static void merge(Map<String, String> values, Map<String, String> overrides) {
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String k = camel(e.getKey());
            if (k.equals("netArch")) {
                values.remove("piArch");
                values.remove("vfArch");
            }
            values.put(k, e.getValue());
        }
    }

    static TrainConfig resolve(PolicyOptimizerProvider provider, String env, Map<String, String> values) {
        Map<String, OptionSpec> specs = new LinkedHashMap<>();
        for (OptionSpec s : provider.options()) {
            specs.put(s.name(), s);
        }
        Map<String, String> opt = new LinkedHashMap<>();
        Map<String, String> tr = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String k = e.getKey();
            String v = e.getValue().trim();
            if (TRAINER_KEYS.contains(k)) {
                tr.put(k, v);
            } else if (specs.containsKey(k)) {
                if (v.startsWith("lin_") && specs.containsKey(k + "Schedule")) {
                    opt.put(k, v.substring(4));
                    opt.put(k + "Schedule", "linear");
                } else {
                    opt.put(k, v);
                }
            } else {
                Set<String> known = new TreeSet<>(TRAINER_KEYS);
                known.addAll(specs.keySet());
                throw new IllegalArgumentException("training config for '" + provider.name() + "' on " + env
                        + ": unknown key '" + k + "'; known keys: " + String.join(", ", known) + closest(k, known));
            }
        }
        Options options = Options.parse(provider, opt);
        PolicyConfig pc = policyConfig(tr);
        boolean normalize = bool(tr, "normalize", false);
        return new TrainConfig(provider.name(), env, options, (int) lng(tr, "nEnvs", 1), lng(tr, "nTimesteps", 100_000),
                lng(tr, "seed", 0), pc, normalize, bool(tr, "normalizeReward", normalize), lng(tr, "evalFreq", 0),
                (int) lng(tr, "evalEpisodes", 20), dbl(tr, "stopReward", Double.NaN), lng(tr, "checkpointFreq", 0),
                tr.containsKey("outputDir") && !tr.get("outputDir").isEmpty() ? Path.of(tr.get("outputDir")) : null,
                (int) lng(tr, "logInterval", 0), bool(tr, "threadedEnvs", false), (int) lng(tr, "discretizeActions", 0));
    }

    private static String closest(String key, Set<String> known) {
        return Suggestions.didYouMean(key, known);
    }



    private static List<Integer> layers(String key, String v) {
        List<Integer> out = new ArrayList<>();
        String s = v.replace("[", "").replace("]", "").trim();
        if (s.isEmpty()) {
            return out;
        }
        for (String part : s.split(",")) {
            try {
                out.add(Integer.parseInt(part.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("training config: " + key + "=" + v
                        + " is not a comma-separated list of layer sizes, e.g. 64,64", e);
            }
        }
        return out;
    }

    private static <E extends Enum<E>> E enumValue(String key, String v, Class<E> type) {
        try {
            return Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            List<String> allowed = new ArrayList<>();
            for (E c : type.getEnumConstants()) {
                allowed.add(c.name().toLowerCase(Locale.ROOT));
            }
            throw new IllegalArgumentException("training config: " + key + "=" + v + " is not allowed; use one of "
                    + allowed, e);
        }
    }

    /**
     * @param tr trainer/policy settings (camelCase)
     * @return the policy architecture they describe (defaults for absent keys)
     */
    static PolicyConfig policyConfig(Map<String, String> tr) {
        PolicyConfig pc = PolicyConfig.defaults();
        List<Integer> pi = pc.piLayers();
        List<Integer> vf = pc.vfLayers();
        if (tr.containsKey("netArch")) {
            pi = layers("netArch", tr.get("netArch"));
            vf = pi;
        }
        if (tr.containsKey("piArch")) {
            pi = layers("piArch", tr.get("piArch"));
        }
        if (tr.containsKey("vfArch")) {
            vf = layers("vfArch", tr.get("vfArch"));
        }
        pc = pc.withLayers(pi, vf);
        if (tr.containsKey("activation")) {
            pc = pc.withActivation(enumValue("activation", tr.get("activation"), PolicyConfig.Activation.class));
        }
        pc = pc.withOrthoInit(bool(tr, "orthoInit", pc.orthoInit())).withSharedTrunk(bool(tr, "sharedTrunk", false))
                .withLogStdInit(dbl(tr, "logStdInit", 0.0)).withSquash(bool(tr, "squash", false));
        if (tr.containsKey("logStdMode")) {
            pc = pc.withLogStdMode(enumValue("logStdMode", tr.get("logStdMode"), PolicyConfig.LogStdMode.class));
        }
        if (tr.containsKey("dtype")) {
            pc = pc.withDtype(enumValue("dtype", tr.get("dtype"), DType.class));
        }
        return pc;
    }

    static boolean bool(Map<String, String> tr, String key, boolean dflt) {
        String v = tr.get(key);
        if (v == null) {
            return dflt;
        }
        String t = v.trim().toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("false")) {
            return Boolean.parseBoolean(t);
        }
        throw new IllegalArgumentException("training config: " + key + "=" + v + " is not a boolean; use true or false");
    }

    static long lng(Map<String, String> tr, String key, long dflt) {
        String v = tr.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            try {
                double d = Double.parseDouble(v.trim());
                if (d == Math.rint(d) && Math.abs(d) < 9e15) {
                    return (long) d; // the zoo writes 5e5 for 500000
                }
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
            throw new IllegalArgumentException("training config: " + key + "=" + v + " is not a whole number", e);
        }
    }

    private static double dbl(Map<String, String> tr, String key, double dflt) {
        String v = tr.get(key);
        if (v == null) {
            return dflt;
        }
        if (v.trim().equalsIgnoreCase("none")) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("training config: " + key + "=" + v + " is not a number", e);
        }
    }

    /**
     * Every setting as {@code key=value} text, enough to rebuild this configuration with
     * {@link PolicyOptimizers#config} (recorded in checkpoints and provenance).
     *
     * @return ordered map: trainer keys, policy keys, then optimizer options
     */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("nEnvs", Integer.toString(nEnvs));
        m.put("nTimesteps", Long.toString(nTimesteps));
        m.put("seed", Long.toString(seed));
        m.put("normalize", Boolean.toString(normalize));
        m.put("normalizeReward", Boolean.toString(normalizeReward));
        m.put("evalFreq", Long.toString(evalFreq));
        m.put("evalEpisodes", Integer.toString(evalEpisodes));
        m.put("stopReward", Double.isNaN(stopReward) ? "none" : Double.toString(stopReward));
        m.put("checkpointFreq", Long.toString(checkpointFreq));
        m.put("outputDir", outputDir == null ? "" : outputDir.toString());
        m.put("logInterval", Integer.toString(logInterval));
        m.put("threadedEnvs", Boolean.toString(threadedEnvs));
        m.put("discretizeActions", Integer.toString(discretizeActions));
        m.put("piArch", join(policy.piLayers()));
        m.put("vfArch", join(policy.vfLayers()));
        m.put("activation", policy.activation().name().toLowerCase(Locale.ROOT));
        m.put("orthoInit", Boolean.toString(policy.orthoInit()));
        m.put("sharedTrunk", Boolean.toString(policy.sharedTrunk()));
        m.put("logStdInit", Double.toString(policy.logStdInit()));
        m.put("logStdMode", policy.logStdMode().name().toLowerCase(Locale.ROOT));
        m.put("squash", Boolean.toString(policy.squash()));
        m.put("dtype", policy.dtype().name().toLowerCase(Locale.ROOT));
        for (Map.Entry<String, Object> e : optimizerOptions.asMap().entrySet()) {
            m.put(e.getKey(), String.valueOf(e.getValue()));
        }
        return m;
    }

    private static String join(List<Integer> l) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < l.size(); i++) {
            b.append(i == 0 ? "" : ",").append(l.get(i));
        }
        return b.toString();
    }

    /**
     * @param key a trainer, policy or optimizer key
     * @param value its text
     * @param optimizers to re-resolve the optimizer options
     * @return a copy with one setting changed
     */
    public TrainConfig with(String key, String value, PolicyOptimizers optimizers) {
        Map<String, String> m = toMap();
        m.put(camel(key), value);
        return resolve(optimizers.provider(algorithm), env, m);
    }
}
