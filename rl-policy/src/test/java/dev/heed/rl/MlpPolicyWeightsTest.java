package dev.heed.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The shared float32 activation helpers of the fused passes. */
class MlpPolicyWeightsTest {

    @Test
    void tanhInPlaceIsTheScalarTanhAndAccurate() {
        float[] z = new float[4001];
        for (int i = 0; i < z.length; i++) {
            z[i] = -12f + 24f * i / (z.length - 1);
        }
        float[] t = z.clone();
        MlpPolicyWeights.tanhInPlace(t, t.length - 1); // the last element stays as it was
        for (int i = 0; i < z.length - 1; i++) {
            assertEquals(MlpPolicyWeights.tanh(z[i]), t[i], 0f, "same bits as the scalar tanh at " + z[i]);
            assertEquals(Math.tanh(z[i]), t[i], 2e-6, "x = " + z[i]);
        }
        assertEquals(12f, t[z.length - 1]);
    }

    @Test
    void biasActivateAddsTheBiasPerRowThenActivates() {
        float[] z = {1, -2, 0.5f, 3, 0, -1, 9, 9};
        float[] bias = {0.5f, 1};
        // Three rows of two; the last two values are outside the rows and stay untouched.
        float[] lin = z.clone();
        MlpPolicyWeights.biasActivate(lin, 3, bias, false, true);
        assertArrayEquals(new float[] {1.5f, -1, 1, 4, 0.5f, 0, 9, 9}, lin);
        float[] relu = z.clone();
        MlpPolicyWeights.biasActivate(relu, 3, bias, true, false);
        assertArrayEquals(new float[] {1.5f, 0, 1, 4, 0.5f, 0, 9, 9}, relu);
        float[] th = z.clone();
        MlpPolicyWeights.biasActivate(th, 3, bias, true, true);
        double[] want = {Math.tanh(1.5), Math.tanh(-1), Math.tanh(1), Math.tanh(4), Math.tanh(0.5), 0};
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], th[i], 2e-6, "element " + i);
        }
        assertEquals(9f, th[6]);
    }

    @Test
    void activationBackwardMultipliesByTheDerivativeThroughTheOutput() {
        // tanh: d tanh(z)/dz = 1 − tanh²; at h = 0.5 the factor is 0.75, at h = 0 it is 1
        float[] dh = {2f, -4f, 7f};
        MlpPolicyWeights.activationBackward(dh, new float[] {0.5f, 0f, 0.9f}, 2, true);
        assertArrayEquals(new float[] {1.5f, -4f, 7f}, dh, 0f, "the third value is past n and untouched");
        // ReLU: the gradient passes where the output is positive, else 0
        float[] dr = {2f, -4f, 7f};
        MlpPolicyWeights.activationBackward(dr, new float[] {0.5f, 0f, -1f}, 3, false);
        assertArrayEquals(new float[] {2f, 0f, 0f}, dr, 0f);
    }
}

