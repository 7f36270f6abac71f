package dev.heed.rl.trpo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.DType;
import dev.heed.core.NoGrad;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.rl.ActorCritic;
import dev.heed.rl.PolicyConfig;
import dev.heed.rl.distributions.Distribution;
import dev.heed.rl.env.Box;
import dev.heed.rl.env.Discrete;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fast float32 passes agree with the policy's own tensor ops and autograd. */
class FastMlpTest {

    private static final int N = 32;
    private static final int OBS = 3;

    private static ActorCritic policy(boolean discrete, long seed) {
        PolicyConfig cfg = PolicyConfig.defaults().withLayers(List.of(8, 8), List.of(8, 8)).withLogStdInit(-0.2);
        return ActorCritic.create(Box.uniform(-1, 1, OBS), discrete ? new Discrete(3) : Box.uniform(-1, 1, 2), cfg,
                Rng.seeded(seed));
    }

    private static double[][] obs(long seed) {
        Rng rng = Rng.seeded(seed);
        double[][] o = new double[N][OBS];
        for (double[] row : o) {
            for (int j = 0; j < OBS; j++) {
                row[j] = rng.uniform(-2, 2);
            }
        }
        return o;
    }

    private static void assertClose(double[] want, double[] got, double tol) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol * (1 + Math.abs(want[i])), "element " + i);
        }
    }

    private static void fisherProductsAgree(boolean discrete) {
        ActorCritic pol = policy(discrete, 1);
        FastMlp fast = new FastMlp(pol);
        Tensor x = pol.observations(obs(2));
        FlatParams flat = new FlatParams(pol.policyParameters());
        double[] v = new double[flat.size()];
        Rng rng = Rng.seeded(3);
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        // Perturb the parameters away from the old policy so first and second derivatives are non-trivial.
        Distribution old;
        try (NoGrad ignored = NoGrad.enter()) {
            old = pol.distribution(x).detach();
        }
        double[] theta = flat.get();
        for (int i = 0; i < theta.length; i++) {
            theta[i] += 0.05 * rng.nextGaussian();
        }
        flat.set(theta);
        double[] ref = new FisherVectorProduct(old.kl(pol.distribution(x)).mean(), flat, 0.0).apply(v);
        double[] got = new FisherVectorProduct(old.kl(fast.distribution(x)).mean(), flat, 0.0).apply(v);
        assertClose(ref, got, 1e-3);
        double[] lpRef;
        double[] lpGot;
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor a = old.sample(Rng.seeded(4));
            lpRef = pol.distribution(x).logProb(a).toDoubleArray();
            lpGot = fast.distribution(x).logProb(a).toDoubleArray();
        }
        assertClose(lpRef, lpGot, 1e-5);
    }

    @Test
    void categoricalFisherProductsMatchThePolicysOwnOps() {
        fisherProductsAgree(true);
    }

    @Test
    void gaussianFisherProductsMatchThePolicysOwnOps() {
        fisherProductsAgree(false);
    }

    @Test
    void criticGradientsMatchAutograd() {
        ActorCritic pol = policy(true, 5);
        FastMlp fast = new FastMlp(pol);
        double[][] o = obs(6);
        float[] x = new float[N * OBS];
        double[] ret = new double[N];
        Rng rng = Rng.seeded(7);
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < OBS; j++) {
                x[i * OBS + j] = (float) o[i][j];
            }
            ret[i] = rng.nextGaussian();
        }
        double loss = fast.criticStep(x, ret);
        List<Tensor> vp = pol.valueParameters();
        double[][] fastGrads = new double[vp.size()][];
        for (int k = 0; k < vp.size(); k++) {
            fastGrads[k] = vp.get(k).grad().toDoubleArray();
            vp.get(k).setGrad(null);
        }
        Tensor diff = Tensor.of(ret, N).to(DType.FLOAT32).sub(pol.value(pol.observations(o)));
        Tensor ref = diff.mul(diff).mean();
        ref.backward();
        assertEquals(ref.item(), loss, 1e-5 * (1 + Math.abs(loss)));
        for (int k = 0; k < vp.size(); k++) {
            assertClose(vp.get(k).grad().toDoubleArray(), fastGrads[k], 1e-4);
        }
        assertTrue(loss > 0);
    }
}
