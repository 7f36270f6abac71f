package dev.heed.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Graph intermediates become unreachable once backward has freed the graph. */
class GraphMemoryTest {

    private static final class Step {
        final Tensor loss;
        final WeakReference<Tensor> hidden;

        Step(Tensor loss, Tensor hidden) {
            this.loss = loss;
            this.hidden = new WeakReference<>(hidden);
        }
    }

    private static Step trainingStep(Tensor x, Tensor w1, Tensor w2, boolean retain) {
        Tensor hidden = x.matmul(w1).tanh();
        Tensor loss = hidden.matmul(w2).pow(2.0).mean();
        loss.backward(null, retain, false);
        try (NoGrad ignored = NoGrad.enter()) {
            w1.addInPlace(w1.grad(), -0.01);
            w2.addInPlace(w2.grad(), -0.01);
            w1.zeroGrad();
            w2.zeroGrad();
        }
        return new Step(loss, hidden);
    }

    private static int liveHidden(List<Step> steps) throws InterruptedException {
        for (int attempt = 0; attempt < 20; attempt++) {
            System.gc();
            int live = 0;
            for (Step s : steps) {
                if (s.hidden.get() != null) {
                    live++;
                }
            }
            if (live == 0) {
                return 0;
            }
            Thread.sleep(10);
        }
        int live = 0;
        for (Step s : steps) {
            if (s.hidden.get() != null) {
                live++;
            }
        }
        return live;
    }

    @Test
    void repeatedTrainingStepsDoNotRetainIntermediates() throws InterruptedException {
        Rng rng = Rng.seeded(7);
        Tensor x = Tensor.randn(rng, 64, 16);
        Tensor w1 = Tensor.randn(rng, 16, 32).mul(0.1).requiresGrad(true);
        Tensor w2 = Tensor.randn(rng, 32, 4).mul(0.1).requiresGrad(true);
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            // the caller keeps every loss tensor (e.g. for logging): its freed graph must not pin anything
            steps.add(trainingStep(x, w1, w2, false));
        }
        assertEquals(0, liveHidden(steps));
    }

    @Test
    void retainedGraphKeepsIntermediatesReachable() throws InterruptedException {
        // control: proves the weak-reference probe can see a retained graph
        Rng rng = Rng.seeded(8);
        Tensor x = Tensor.randn(rng, 8, 4);
        Tensor w1 = Tensor.randn(rng, 4, 4).requiresGrad(true);
        Tensor w2 = Tensor.randn(rng, 4, 2).requiresGrad(true);
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            steps.add(trainingStep(x, w1, w2, true));
        }
        assertEquals(3, liveHidden(steps));
        assertNotNull(steps.get(0).loss.gradFnName());
    }
}
