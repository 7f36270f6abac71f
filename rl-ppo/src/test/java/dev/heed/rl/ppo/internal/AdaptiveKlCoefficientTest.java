package dev.heed.rl.ppo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AdaptiveKlCoefficientTest {

    @Test
    void followsThePaperRule() {
        AdaptiveKlCoefficient c = new AdaptiveKlCoefficient(0.01, 1.0);
        // d_targ/1.5 = 0.00667, 1.5·d_targ = 0.015
        assertEquals(0.5, c.update(0.001));     // too small → halve
        assertEquals(0.25, c.update(0.0066));   // still below 0.00667 → halve
        assertEquals(0.25, c.update(0.0067));   // inside the band → keep
        assertEquals(0.25, c.update(0.015));    // exactly 1.5·d_targ is not above it → keep
        assertEquals(0.5, c.update(0.0151));    // above → double
        assertEquals(1.0, c.update(1.0));       // far above → double (once per update)
        assertEquals(1.0, c.update(Double.NaN)); // no information → keep
    }

    @Test
    void keepsWithinTheBand() {
        AdaptiveKlCoefficient c = new AdaptiveKlCoefficient(0.02, 3.0);
        for (double d : new double[] {0.014, 0.02, 0.029}) {
            assertEquals(3.0, c.update(d));
        }
    }

    @Test
    void rejectsBadOptions() {
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveKlCoefficient(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveKlCoefficient(0.01, -1));
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveKlCoefficient(Double.NaN, 1));
        AdaptiveKlCoefficient c = new AdaptiveKlCoefficient(0.01, 1);
        assertThrows(IllegalArgumentException.class, () -> c.setBeta(0));
    }
}
