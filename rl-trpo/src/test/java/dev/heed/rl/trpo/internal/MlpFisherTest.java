package dev.heed.rl.trpo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.heed.core.DType;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.rl.ActorCritic;
import dev.heed.rl.MlpPolicyWeights;
import dev.heed.rl.PolicyConfig;
import dev.heed.rl.distributions.Distribution;
import dev.heed.rl.env.Box;
import dev.heed.rl.env.Discrete;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The analytic Fisher-vector product (forward- then reverse-mode pass, no tape) against the
 * double-backprop Hessian of the mean KL at θ = θ_old, in float64, for categorical and Gaussian
 * MLP actors with tanh and ReLU.
 */
class MlpFisherTest {

    private static final int N = 24;
    private static final int OBS = 3;

    private static ActorCritic policy(boolean discrete, PolicyConfig.Activation act, DType dtype, long seed) {
        PolicyConfig cfg = PolicyConfig.defaults().withLayers(List.of(7, 5), List.of(6)).withLogStdInit(-0.3)
                .withActivation(act).withDtype(dtype);
        return ActorCritic.create(Box.uniform(-1, 1, OBS), discrete ? new Discrete(3) : Box.uniform(-1, 1, 2), cfg,
                Rng.seeded(seed));
    }

    private static Tensor obs(ActorCritic pol, long seed) {
        Rng rng = Rng.seeded(seed);
        double[][] o = new double[N][OBS];
        for (double[] row : o) {
            for (int j = 0; j < OBS; j++) {
                row[j] = rng.uniform(-2, 2);
            }
        }
        return pol.observations(o);
    }

    private static double[] gaussians(int n, long seed) {
        Rng rng = Rng.seeded(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    private static void agreesWithDoubleBackprop(boolean discrete, PolicyConfig.Activation act) {
        ActorCritic pol = policy(discrete, act, DType.FLOAT64, 11);
        // Move log σ and the head away from their initial values so every block of F is non-trivial.
        FlatParams flat = new FlatParams(pol.policyParameters());
        double[] theta = flat.get();
        double[] jitter = gaussians(theta.length, 12);
        for (int i = 0; i < theta.length; i++) {
            theta[i] += 0.3 * jitter[i];
        }
        flat.set(theta);
        Tensor x = obs(pol, 13);
        Distribution old;
        try (NoGrad ignored = NoGrad.enter()) {
            old = pol.distribution(x).detach();
        }
        double damping = 0.01;
        FisherVectorProduct ref = new FisherVectorProduct(old.kl(pol.distribution(x)).mean(), flat, damping);
        MlpFisher fast = new MlpFisher(MlpPolicyWeights.ofAnyDtype(pol, "test"), flat, x, damping);
        for (long s = 0; s < 3; s++) {
            double[] v = gaussians(flat.size(), 20 + s);
            double[] want = ref.apply(v);
            double[] got = fast.apply(v);
            double scale = 0;
            for (double a : want) {
                scale = Math.max(scale, Math.abs(a));
            }
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-10 * scale, "element " + i + " of F·v, vector " + s);
            }
        }
    }

    @Test
    void categoricalTanhEqualsDoubleBackprop() {
        agreesWithDoubleBackprop(true, PolicyConfig.Activation.TANH);
    }

    @Test
    void gaussianTanhEqualsDoubleBackprop() {
        agreesWithDoubleBackprop(false, PolicyConfig.Activation.TANH);
    }

    @Test
    void categoricalReluEqualsDoubleBackprop() {
        agreesWithDoubleBackprop(true, PolicyConfig.Activation.RELU);
    }

    @Test
    void gaussianReluEqualsDoubleBackprop() {
        agreesWithDoubleBackprop(false, PolicyConfig.Activation.RELU);
    }

    @Test
    void logStdBlockIsTwiceTheIdentityPlusDamping() {
        // Hand-derived: ∂²/∂(log σ)² of log σ + (σ_old² + Δμ²)/(2σ²) at σ = σ_old, Δμ = 0 is 2.
        ActorCritic pol = policy(false, PolicyConfig.Activation.TANH, DType.FLOAT64, 3);
        FlatParams flat = new FlatParams(pol.policyParameters());
        MlpFisher f = new MlpFisher(MlpPolicyWeights.ofAnyDtype(pol, "test"), flat, obs(pol, 4), 0.5);
        double[] v = new double[flat.size()];
        int ls = flat.size() - 2; // log σ is the last actor parameter
        v[ls] = 1.0;
        v[ls + 1] = -3.0;
        double[] fv = f.apply(v);
        assertEquals(2.5, fv[ls], 1e-12);
        assertEquals(-7.5, fv[ls + 1], 1e-12);
        for (int i = 0; i < ls; i++) {
            assertEquals(0.0, fv[i], 1e-12, "mean block must not couple to log σ at θ_old, element " + i);
        }
    }

    @Test
    void float32ArrayPathAgreesWithFloat64() {
        // The float32 products run on arrays through Blas; the float64 ones (checked against double
        // backprop above) through tensor ops.
        float32AgreesWithFloat64(true, PolicyConfig.Activation.TANH);
        float32AgreesWithFloat64(false, PolicyConfig.Activation.RELU);
        float32AgreesWithFloat64(false, PolicyConfig.Activation.TANH);
    }

    private static void float32AgreesWithFloat64(boolean discrete, PolicyConfig.Activation act) {
        ActorCritic p32 = policy(discrete, act, DType.FLOAT32, 5);
        ActorCritic p64 = policy(discrete, act, DType.FLOAT64, 5);
        FlatParams f32 = new FlatParams(p32.policyParameters());
        FlatParams f64 = new FlatParams(p64.policyParameters());
        f64.set(f32.get());
        double[] v = gaussians(f32.size(), 6);
        double[] a = new MlpFisher(MlpPolicyWeights.of(p32, "test"), f32, obs(p32, 7), 0.1).apply(v);
        double[] b = new MlpFisher(MlpPolicyWeights.ofAnyDtype(p64, "test"), f64, obs(p64, 7), 0.1).apply(v);
        double scale = 0;
        for (double x : b) {
            scale = Math.max(scale, Math.abs(x));
        }
        for (int i = 0; i < a.length; i++) {
            assertEquals(b[i], a[i], 1e-5 * scale, "element " + i);
        }
    }

    @Test
    void rejectsParametersThatAreNotTheActors() {
        ActorCritic pol = policy(true, PolicyConfig.Activation.TANH, DType.FLOAT64, 8);
        MlpPolicyWeights w = MlpPolicyWeights.ofAnyDtype(pol, "test");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MlpFisher(w, new FlatParams(pol.valueParameters()), obs(pol, 9), 0.1));
        assertEquals(true, e.getMessage().contains("policyParameters()"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new MlpFisher(w, new FlatParams(pol.policyParameters()), obs(pol, 9), -1));
    }
}
