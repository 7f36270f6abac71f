package dev.heed.rl;

import dev.heed.core.DType;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.rl.distributions.Categorical;
import dev.heed.rl.distributions.DiagGaussian;
import dev.heed.rl.distributions.MultiCategorical;
import dev.heed.rl.distributions.Distribution;
import dev.heed.rl.distributions.SquashedDiagGaussian;
import dev.heed.rl.env.Box;
import dev.heed.rl.env.Discrete;
import dev.heed.rl.env.MultiDiscrete;
import dev.heed.rl.env.Space;
import dev.heed.rl.internal.Arrays2;
import dev.heed.rl.internal.Dense;
import dev.heed.rl.internal.FusedPolicy;
import dev.heed.rl.internal.Mlp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * An actor-critic policy: an actor network producing an action {@link Distribution} and a critic
 * network producing the state value {@code V(s)}, as Stable-Baselines3's {@code ActorCriticPolicy}.
 * Action spaces: {@link Discrete} (categorical), {@link MultiDiscrete} (independent categoricals, e.g.
 * a Box discretised by {@code DiscretizeAction}) and {@link Box} (diagonal Gaussian, optionally squashed).
 *
 * <p>Architecture ({@link PolicyConfig}): separate actor and critic MLPs (default {@code [64, 64]},
 * tanh) or one shared trunk; a linear action head (logits for {@link Discrete} spaces, the mean for
 * {@link Box} spaces, plus a log-σ head in {@link PolicyConfig.LogStdMode#HEAD} mode) and a linear
 * value head. With {@code orthoInit} every weight matrix is orthogonal with gain √2 (hidden
 * layers), 0.01 (action head) or 1 (value head), biases are 0 and log σ starts at
 * {@code logStdInit}. Parameter names follow SB3's state dict ({@code mlp_extractor.policy_net.0.weight},
 * {@code action_net.weight}, {@code value_net.bias}, {@code log_std}, …), shapes follow
 * {@code torch.nn.Linear} ({@code [out, in]}).
 *
 * <p>Actions: one row of {@link #actionDim()} values per observation, the encoding of the env's action
 * space. Gaussian policies produce the UNCLIPPED sample in {@link PolicyStep#actions()} (stored in the
 * rollout buffer, used for log-probabilities) and the sample clipped into the Box bounds in
 * {@link PolicyStep#envActions()} (sent to the env); squashed policies map {@code [−1, 1]} affinely onto
 * the bounds.
 *
 * <p>Inference ({@link #act}, {@link #predict}, {@link #predictValues}) records no graph. Not
 * thread-safe: use one policy from one thread at a time.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class ActorCritic {

    private static final double SQRT2 = Math.sqrt(2);

    private final Space observationSpace;
    private final Space actionSpace;
    private final PolicyConfig config;
    private final int obsDim;
    private final int actDim;
    private final boolean discrete;
    private final int[] nvec;
    private final Mlp trunk;
    private final Mlp piNet;
    private final Mlp vfNet;
    private final Dense actionHead;
    private final Dense valueHead;
    private final Tensor logStd;
    private final Map<String, Tensor> named;
    private final List<Tensor> policyParams;
    private final List<Tensor> valueParams;

    private ActorCritic(Space observationSpace, Space actionSpace, PolicyConfig config, Rng rng) {
        this.observationSpace = observationSpace;
        this.actionSpace = actionSpace;
        this.config = config;
        this.obsDim = observationSpace.flatDim();
        DType dt = config.dtype();
        boolean tanh = config.activation() == PolicyConfig.Activation.TANH;
        double hiddenGain = config.orthoInit() ? SQRT2 : Double.NaN;
        int headOut;
        int[] multi = null;
        if (actionSpace instanceof MultiDiscrete) {
            discrete = true;
            multi = ((MultiDiscrete) actionSpace).nvec();
            actDim = multi.length;
            int total = 0;
            for (int k : multi) {
                total += k;
            }
            headOut = total;
            if (config.squash()) {
                throw new IllegalArgumentException("ActorCritic: squash=true needs a Box action space, got " + actionSpace
                        + "; set squash=false for discrete actions");
            }
        } else if (actionSpace instanceof Discrete) {
            discrete = true;
            actDim = 1;
            headOut = ((Discrete) actionSpace).n();
            if (config.squash()) {
                throw new IllegalArgumentException("ActorCritic: squash=true needs a Box action space, got " + actionSpace
                        + "; set squash=false for discrete actions");
            }
        } else if (actionSpace instanceof Box) {
            discrete = false;
            actDim = actionSpace.flatDim();
            headOut = config.logStdMode() == PolicyConfig.LogStdMode.HEAD ? 2 * actDim : actDim;
        } else {
            throw new IllegalArgumentException("ActorCritic: action space " + actionSpace
                    + " is not supported; use Discrete, MultiDiscrete or Box");
        }
        this.nvec = multi;
        Map<String, Tensor> names = new LinkedHashMap<>();
        if (config.sharedTrunk()) {
            trunk = new Mlp(obsDim, config.piLayers(), tanh, hiddenGain, dt, rng);
            piNet = null;
            vfNet = null;
            trunk.collect("mlp_extractor.shared_net", names);
        } else {
            trunk = null;
            piNet = new Mlp(obsDim, config.piLayers(), tanh, hiddenGain, dt, rng);
            vfNet = new Mlp(obsDim, config.vfLayers(), tanh, hiddenGain, dt, rng);
            piNet.collect("mlp_extractor.policy_net", names);
            vfNet.collect("mlp_extractor.value_net", names);
        }
        int piOut = trunk != null ? trunk.outDim() : piNet.outDim();
        int vfOut = trunk != null ? trunk.outDim() : vfNet.outDim();
        actionHead = new Dense(piOut, headOut, config.orthoInit() ? 0.01 : Double.NaN, dt, rng);
        valueHead = new Dense(vfOut, 1, config.orthoInit() ? 1.0 : Double.NaN, dt, rng);
        names.put("action_net.weight", actionHead.weight());
        names.put("action_net.bias", actionHead.bias());
        names.put("value_net.weight", valueHead.weight());
        names.put("value_net.bias", valueHead.bias());
        if (!discrete && config.logStdMode() == PolicyConfig.LogStdMode.PARAMETER) {
            logStd = Tensor.full(dt, config.logStdInit(), actDim).requiresGrad(true);
            names.put("log_std", logStd);
        } else {
            logStd = null;
        }
        this.named = Collections.unmodifiableMap(names);
        List<Tensor> pol = new ArrayList<>();
        List<Tensor> val = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : names.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("mlp_extractor.shared_net")) {
                pol.add(e.getValue());
                val.add(e.getValue());
            } else if (k.startsWith("mlp_extractor.value_net") || k.startsWith("value_net")) {
                val.add(e.getValue());
            } else {
                pol.add(e.getValue());
            }
        }
        this.policyParams = Collections.unmodifiableList(pol);
        this.valueParams = Collections.unmodifiableList(val);
    }

    /**
     * Builds and initialises a policy; the generator is consumed in a fixed order (actor layers,
     * critic layers, action head, value head), so the same seed gives the same weights.
     *
     * @param observationSpace observations are flattened to {@code flatDim()} inputs
     * @param actionSpace {@link Discrete} or {@link Box}
     * @param config the architecture
     * @param rng initial weights
     * @return the policy
     * @throws IllegalArgumentException for an unsupported action space or squash on a discrete space
     */
    public static ActorCritic create(Space observationSpace, Space actionSpace, PolicyConfig config, Rng rng) {
        Objects.requireNonNull(observationSpace, "observationSpace");
        Objects.requireNonNull(actionSpace, "actionSpace");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(rng, "rng");
        return new ActorCritic(observationSpace, actionSpace, config, rng);
    }

    /** @return the observation space */
    public Space observationSpace() {
        return observationSpace;
    }

    /** @return the action space */
    public Space actionSpace() {
        return actionSpace;
    }

    /** @return the architecture */
    public PolicyConfig config() {
        return config;
    }

    /** @return the number of inputs (flattened observation size) */
    public int observationDim() {
        return observationSpace.flatDim();
    }

    /** @return values per action row: 1 for {@link Discrete}, the component count for {@link MultiDiscrete}, the flat size for {@link Box} */
    public int actionDim() {
        return actDim;
    }

    /** @return true for a categorical (Discrete or MultiDiscrete) policy */
    public boolean isDiscrete() {
        return discrete;
    }

    /** @return the parameter dtype */
    public DType dtype() {
        return config.dtype();
    }

    /** @return every parameter by its SB3-style name, in a fixed order; unmodifiable */
    public Map<String, Tensor> namedParameters() {
        return named;
    }

    /** @return every parameter, in the order of {@link #namedParameters()} */
    public List<Tensor> parameters() {
        return List.copyOf(named.values());
    }

    /**
     * @return the parameters the action distribution depends on (actor MLP or shared trunk, action
     *     head, log σ); with a shared trunk these overlap {@link #valueParameters()}
     */
    public List<Tensor> policyParameters() {
        return policyParams;
    }

    /** @return the parameters the value depends on (critic MLP or shared trunk, value head) */
    public List<Tensor> valueParameters() {
        return valueParams;
    }

    /**
     * @param obs {@code [n][obsDim]}
     * @return a {@code [n, obsDim]} tensor in the policy's dtype
     * @throws IllegalArgumentException if a row has the wrong length
     */
    public Tensor observations(double[][] obs) {
        Objects.requireNonNull(obs, "obs");
        for (int i = 0; i < obs.length; i++) {
            if (obs[i] == null || obs[i].length != obsDim) {
                throw new IllegalArgumentException("ActorCritic: observation " + i + " has length "
                        + (obs[i] == null ? "null" : obs[i].length) + " but the policy expects " + obsDim
                        + " (observation space " + observationSpace + ")");
            }
        }
        return Arrays2.matrix(obs, config.dtype());
    }

    /**
     * @param actions {@code [n][actionDim]} raw actions, e.g. from {@link PolicyStep#actions()}
     * @return a {@code [n, actionDim]} tensor in the policy's dtype (the encoding {@link #evaluate} takes)
     * @throws IllegalArgumentException if a row has the wrong length
     */
    public Tensor actions(double[][] actions) {
        Objects.requireNonNull(actions, "actions");
        for (int i = 0; i < actions.length; i++) {
            if (actions[i] == null || actions[i].length != actDim) {
                throw new IllegalArgumentException("ActorCritic: action " + i + " has length "
                        + (actions[i] == null ? "null" : actions[i].length) + " but the policy's actions have " + actDim
                        + " values (action space " + actionSpace + ")");
            }
        }
        return Arrays2.matrix(actions, config.dtype());
    }

    private void checkObs(Tensor obs, String op) {
        Objects.requireNonNull(obs, "obs");
        if (obs.dim() != 2 || obs.size(1) != obsDim || obs.dtype() != config.dtype()) {
            throw new IllegalArgumentException("ActorCritic." + op + ": observations must be a " + config.dtype() + " [N, "
                    + obsDim + "] tensor, got " + obs.dtype() + " " + Arrays.toString(obs.shape())
                    + "; build one with policy.observations(double[][])");
        }
    }

    private Distribution distributionFromLatent(Tensor latentPi) {
        Tensor out = actionHead.forward(latentPi);
        if (nvec != null) {
            return MultiCategorical.fromLogits(out, nvec);
        }
        if (discrete) {
            return Categorical.fromLogits(out);
        }
        Tensor mean;
        Tensor ls;
        if (logStd != null) {
            mean = out;
            ls = logStd;
        } else {
            mean = splitColumns(out, 0, actDim);
            ls = splitColumns(out, actDim, actDim);
        }
        return config.squash() ? SquashedDiagGaussian.of(mean, ls) : DiagGaussian.of(mean, ls);
    }

    /** Columns {@code [from, from + count)} of a {@code [N, C]} tensor, differentiably (a matmul with a selector). */
    private Tensor splitColumns(Tensor x, int from, int count) {
        int c = x.size(1);
        double[] sel = new double[c * count];
        for (int j = 0; j < count; j++) {
            sel[(from + j) * count + j] = 1;
        }
        return x.matmul(Arrays2.tensor(sel, x.dtype(), c, count));
    }

    /**
     * @param obs {@code [N, obsDim]} in the policy's dtype
     * @return the action distributions (differentiable in {@link #policyParameters()})
     */
    public Distribution distribution(Tensor obs) {
        checkObs(obs, "distribution");
        return distributionFromLatent(trunk != null ? trunk.forward(obs) : piNet.forward(obs));
    }

    /**
     * @param obs {@code [N, obsDim]}
     * @return {@code [N]} values (differentiable in {@link #valueParameters()})
     */
    public Tensor value(Tensor obs) {
        checkObs(obs, "value");
        Tensor latent = trunk != null ? trunk.forward(obs) : vfNet.forward(obs);
        return valueHead.forward(latent).reshape(obs.size(0));
    }

    /**
     * Values, log-probabilities and entropies for stored actions, in one forward pass (the trunk is
     * computed once when shared).
     *
     * @param obs {@code [N, obsDim]}
     * @param actions {@code [N, actionDim]} as stored from {@link PolicyStep#actions()}
     * @return differentiable outputs
     */
    public Evaluation evaluate(Tensor obs, Tensor actions) {
        checkObs(obs, "evaluate");
        Tensor latentPi;
        Tensor latentVf;
        if (trunk != null) {
            latentPi = trunk.forward(obs);
            latentVf = latentPi;
        } else {
            latentPi = piNet.forward(obs);
            latentVf = vfNet.forward(obs);
        }
        Distribution dist = distributionFromLatent(latentPi);
        Tensor values = valueHead.forward(latentVf).reshape(obs.size(0));
        return new Evaluation(values, dist.logProb(actions), dist.entropy(), dist);
    }

    /**
     * A frozen copy of the current parameters for fast inference; take a new one after the
     * parameters change.
     *
     * @return the inference view
     */
    public PolicyInference inference() {
        float[][] pw;
        float[][] pb;
        float[][] vw = null;
        float[][] vb = null;
        Mlp pi = trunk != null ? trunk : piNet;
        pw = weights(pi, true);
        pb = weights(pi, false);
        if (trunk == null) {
            vw = weights(vfNet, true);
            vb = weights(vfNet, false);
        }
        double[] ls = logStd == null ? null : logStd.toDoubleArray();
        FusedPolicy.Head head = nvec != null ? FusedPolicy.Head.MULTI_CATEGORICAL
                : discrete ? FusedPolicy.Head.CATEGORICAL
                : logStd != null ? FusedPolicy.Head.GAUSSIAN_PARAM : FusedPolicy.Head.GAUSSIAN_HEAD;
        FusedPolicy f = new FusedPolicy(pw, pb, vw, vb, trunk != null, config.activation() == PolicyConfig.Activation.TANH,
                actionHead.weight().toFloatArray(), actionHead.bias().toFloatArray(), valueHead.weight().toFloatArray(),
                valueHead.bias().toFloatArray(), ls, head, config.squash(), obsDim, actDim, actionHead.out(), nvec);
        return new PolicyInference(this, f);
    }

    private static float[][] weights(Mlp m, boolean weight) {
        float[][] out = new float[m.layers().size()][];
        for (int i = 0; i < out.length; i++) {
            Dense d = m.layers().get(i);
            out[i] = (weight ? d.weight() : d.bias()).toFloatArray();
        }
        return out;
    }

    /**
     * Samples actions for a batch of observations without recording a graph (through a fresh
     * {@link #inference()} copy; inside a loop where parameters do not change, reuse one
     * {@code inference()} instead).
     *
     * @param obs {@code [n][obsDim]}
     * @param rng sampling generator
     * @return actions (raw and for the env), values and log-probabilities
     */
    public PolicyStep act(double[][] obs, Rng rng) {
        return inference().act(obs, rng);
    }

    /**
     * Actions for the env, without recording a graph.
     *
     * @param obs {@code [n][obsDim]}
     * @param deterministic the distribution's mode instead of a sample
     * @param rng sampling generator; may be null when {@code deterministic}
     * @return {@code [n][actionDim]} actions for the env (clipped or rescaled into the bounds)
     */
    public double[][] predict(double[][] obs, boolean deterministic, Rng rng) {
        return inference().predict(obs, deterministic, rng).envActions();
    }

    /**
     * Deterministic action for one observation (the distribution's mode, mapped into the bounds).
     *
     * @param obs one observation of length {@link #observationDim()}
     * @return the env action
     */
    public double[] predict(double[] obs) {
        return predict(new double[][] {obs}, true, null)[0];
    }

    /**
     * @param obs {@code [n][obsDim]}
     * @return {@code [n]} critic values, without recording a graph
     */
    public double[] predictValues(double[][] obs) {
        return inference().predictValues(obs);
    }

    /**
     * Maps raw distribution actions to env actions: identity for discrete spaces, clipping into the
     * bounds for Gaussian policies, the affine map {@code low + (a + 1)(high − low)/2} for squashed ones.
     *
     * @param raw {@code [n][actionDim]}
     * @return a new array
     */
    public double[][] toEnvActions(double[][] raw) {
        double[][] out = new double[raw.length][];
        if (discrete) {
            for (int i = 0; i < raw.length; i++) {
                out[i] = raw[i].clone();
            }
            return out;
        }
        Box box = (Box) actionSpace;
        for (int i = 0; i < raw.length; i++) {
            double[] r = raw[i];
            double[] e = new double[r.length];
            for (int j = 0; j < r.length; j++) {
                double lo = box.low(j);
                double hi = box.high(j);
                if (config.squash()) {
                    e[j] = Double.isFinite(lo) && Double.isFinite(hi) ? lo + (r[j] + 1) * 0.5 * (hi - lo) : r[j];
                } else {
                    e[j] = Math.max(lo, Math.min(hi, r[j]));
                }
            }
            out[i] = e;
        }
        return out;
    }

    /**
     * Copies parameter values from {@code values} (e.g. a loaded checkpoint) into this policy.
     *
     * @param values name to tensor, exactly the names of {@link #namedParameters()} with equal shapes
     * @throws IllegalArgumentException naming missing, unexpected or mis-shaped entries; nothing is
     *     copied then
     */
    public void loadParameters(Map<String, Tensor> values) {
        Objects.requireNonNull(values, "values");
        Set<String> missing = new LinkedHashSet<>(named.keySet());
        missing.removeAll(values.keySet());
        Set<String> extra = new LinkedHashSet<>(values.keySet());
        extra.removeAll(named.keySet());
        if (!missing.isEmpty() || !extra.isEmpty()) {
            throw new IllegalArgumentException("ActorCritic.loadParameters: parameter names differ; missing " + missing
                    + ", unexpected " + extra + "; was the checkpoint saved with another architecture?");
        }
        for (Map.Entry<String, Tensor> e : named.entrySet()) {
            Tensor v = values.get(e.getKey());
            if (!Arrays.equals(v.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("ActorCritic.loadParameters: '" + e.getKey() + "' has shape "
                        + Arrays.toString(v.shape()) + " but the policy expects " + Arrays.toString(e.getValue().shape()));
            }
        }
        try (NoGrad ignored = NoGrad.enter()) {
            for (Map.Entry<String, Tensor> e : named.entrySet()) {
                Tensor v = values.get(e.getKey());
                e.getValue().copyFrom(v.dtype() == config.dtype() ? v : v.to(config.dtype()));
            }
        }
    }

    @Override
    public String toString() {
        return "ActorCritic[obs=" + obsDim + ", action=" + actionSpace + ", " + config + "]";
    }
}
