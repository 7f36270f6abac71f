package dev.heed.rl;

import dev.heed.core.DType;
import dev.heed.core.Tensor;
import dev.heed.rl.internal.FusedPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * The parameter tensors of a Stable-Baselines3-style {@link ActorCritic} ({@code MlpPolicy}: separate
 * actor and critic MLPs, a linear action head and value head), laid out for hand-written fused
 * forward/backward paths such as the PPO and TRPO fast paths. The tensors are the policy's own
 * parameters (no copies), so updates to the policy are seen here and vice versa.
 *
 * @param piW actor hidden-layer weights, {@code [out, in]} each, input side first
 * @param piB actor hidden-layer biases
 * @param vfW critic hidden-layer weights
 * @param vfB critic hidden-layer biases
 * @param actW action-head weight {@code [actionOut, hidden]}
 * @param actB action-head bias
 * @param valW value-head weight {@code [1, hidden]}
 * @param valB value-head bias
 * @param logStd the state-independent log σ, or null for a categorical head
 * @param tanh whether hidden layers use tanh (otherwise ReLU)
 * @param discrete whether the action head gives categorical logits
 * @param obsDim observation size
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record MlpPolicyWeights(Tensor[] piW, Tensor[] piB, Tensor[] vfW, Tensor[] vfB, Tensor actW, Tensor actB,
                               Tensor valW, Tensor valB, Tensor logStd, boolean tanh, boolean discrete, int obsDim) {

    /**
     * @param p a policy
     * @return whether it has this layout: FLOAT32, separate actor and critic, no tanh squashing, a
     *     categorical head or a Gaussian with a state-independent log σ
     */
    public static boolean supports(ActorCritic p) {
        return p.config().dtype() == DType.FLOAT32 && hasLayout(p);
    }

    /**
     * @param p a policy
     * @return whether it has this layout in any floating dtype (as {@link #supports}, without the
     *     FLOAT32 requirement)
     */
    public static boolean hasLayout(ActorCritic p) {
        PolicyConfig c = p.config();
        return !c.sharedTrunk() && !c.squash()
                && (p.isDiscrete() || c.logStdMode() == PolicyConfig.LogStdMode.PARAMETER)
                && p.namedParameters().containsKey("action_net.weight");
    }

    /**
     * @param p a policy for which {@link #supports} is true
     * @param user the fast path asking, named in the error
     * @return its parameters in this layout
     * @throws IllegalArgumentException if {@link #supports} is false
     */
    public static MlpPolicyWeights of(ActorCritic p, String user) {
        if (!supports(p)) {
            throw new IllegalArgumentException(user + ": policy " + p + " is not supported (needs FLOAT32, separate"
                    + " actor/critic, no squash, state-independent log std)");
        }
        return layout(p);
    }

    /**
     * @param p a policy for which {@link #hasLayout} is true (any floating dtype)
     * @param user the caller, named in the error
     * @return its parameters in this layout
     * @throws IllegalArgumentException if {@link #hasLayout} is false
     */
    public static MlpPolicyWeights ofAnyDtype(ActorCritic p, String user) {
        if (!hasLayout(p)) {
            throw new IllegalArgumentException(user + ": policy " + p + " does not have the MlpPolicy layout (needs"
                    + " separate actor/critic, no squash, state-independent log std)");
        }
        return layout(p);
    }

    private static MlpPolicyWeights layout(ActorCritic p) {
        Map<String, Tensor> n = p.namedParameters();
        List<Tensor[]> pi = layers(n, "mlp_extractor.policy_net");
        List<Tensor[]> vf = layers(n, "mlp_extractor.value_net");
        return new MlpPolicyWeights(
                pi.stream().map(l -> l[0]).toArray(Tensor[]::new), pi.stream().map(l -> l[1]).toArray(Tensor[]::new),
                vf.stream().map(l -> l[0]).toArray(Tensor[]::new), vf.stream().map(l -> l[1]).toArray(Tensor[]::new),
                n.get("action_net.weight"), n.get("action_net.bias"), n.get("value_net.weight"), n.get("value_net.bias"),
                n.get("log_std"), p.config().activation() == PolicyConfig.Activation.TANH, p.isDiscrete(),
                p.observationDim());
    }

    /**
     * The float32 tanh that the fused passes use (policy inference included): a rational minimax
     * approximation with absolute error below 2e-6, pure arithmetic, so loops over it vectorise.
     *
     * @param x input
     * @return tanh(x)
     */
    public static float tanh(float x) {
        return FusedPolicy.tanhF(x);
    }

    /**
     * Adds a bias to every row of {@code z [rows, bias.length]} and, if {@code activation}, applies
     * tanh ({@link #tanh}) or ReLU in place. The loops run over the whole array with the bias tiled
     * once per call: C2 vectorises those but not 64-long row loops at an offset (measured about 6×
     * faster).
     *
     * @param z {@code rows × bias.length} values, row-major; only that prefix is touched
     * @param rows number of rows
     * @param bias the bias
     * @param activation whether to apply the activation after the bias
     * @param tanh tanh when true, ReLU when false (ignored without activation)
     */
    public static void biasActivate(float[] z, int rows, float[] bias, boolean activation, boolean tanh) {
        int out = bias.length;
        int n = rows * out;
        float[] tile = new float[n];
        if (n > 0) {
            System.arraycopy(bias, 0, tile, 0, out);
            for (int len = out; len < n; len *= 2) {
                System.arraycopy(tile, 0, tile, len, Math.min(len, n - len));
            }
        }
        if (!activation) {
            for (int i = 0; i < n; i++) {
                z[i] += tile[i];
            }
        } else if (tanh) {
            for (int i = 0; i < n; i++) {
                z[i] += tile[i];
            }
            tanhInPlace(z, n);
        } else {
            for (int i = 0; i < n; i++) {
                z[i] = Math.max(0f, z[i] + tile[i]);
            }
        }
    }

    /**
     * Backward of the hidden activation of {@link #biasActivate}, in place: multiplies the gradient
     * {@code dh} by the activation's derivative, written through its output {@code h}
     * ({@code 1 − h²} for tanh; 0 where ReLU gave 0, else 1).
     *
     * @param dh gradient of the activation's output, replaced by that of its input
     * @param h the activation's output
     * @param n how many leading values
     * @param tanh tanh when true, ReLU when false
     */
    public static void activationBackward(float[] dh, float[] h, int n, boolean tanh) {
        if (tanh) {
            for (int i = 0; i < n; i++) {
                dh[i] *= 1f - h[i] * h[i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                if (h[i] <= 0f) {
                    dh[i] = 0f;
                }
            }
        }
    }

    /**
     * {@link #tanh} over the first {@code n} values of {@code z}, in place. The polynomial is
     * written out here rather than called: when C2 declined to inline the call, the loop ran scalar
     * at several ns per element (seen in profiles, varying from run to run).
     *
     * @param z values, replaced by their tanh
     * @param n how many
     */
    public static void tanhInPlace(float[] z, int n) {
        for (int i = 0; i < n; i++) {
            float x = Math.max(-7.90531110763549805f, Math.min(7.90531110763549805f, z[i]));
            float x2 = x * x;
            float p = -2.76076847742355e-16f;
            p = p * x2 + 2.00018790482477e-13f;
            p = p * x2 + -8.60467152213735e-11f;
            p = p * x2 + 5.12229709037114e-08f;
            p = p * x2 + 1.48572235717979e-05f;
            p = p * x2 + 6.37261928875436e-04f;
            p = p * x2 + 4.89352455891786e-03f;
            p = p * x;
            float q = 1.19825839466702e-06f;
            q = q * x2 + 1.18534705686654e-04f;
            q = q * x2 + 2.26843463243900e-03f;
            q = q * x2 + 4.89352518554385e-03f;
            z[i] = p / q;
        }
    }

    // Linear layers sit at even indices of the Sequential (activations at odd ones), as in SB3.
    private static List<Tensor[]> layers(Map<String, Tensor> n, String prefix) {
        List<Tensor[]> out = new ArrayList<>();
        for (int i = 0; n.containsKey(prefix + "." + (2 * i) + ".weight"); i++) {
            out.add(new Tensor[] {n.get(prefix + "." + (2 * i) + ".weight"), n.get(prefix + "." + (2 * i) + ".bias")});
        }
        return out;
    }
}
