package dev.heed.plugin.alibi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.positional.Positionals;
import dev.heed.positional.spi.PositionalDims;
import dev.heed.positional.spi.PositionalProvider;
import dev.heed.positional.spi.PositionalScheme;
import dev.heed.testkit.arch.HeedArchitecture;
import dev.heed.testkit.arch.PluginRules;
import dev.heed.testkit.positional.PositionalConformanceSuite;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlibiTest extends PositionalConformanceSuite {

    @Override
    protected boolean includes(PositionalProvider p) {
        return p.name().equals("alibi");
    }

    @Override
    protected PositionalDims dims(PositionalProvider p) {
        return new PositionalDims(12, 3, 4, 2); // 3 heads: the non-power-of-two rule
    }

    @Test
    void slopesForEightHeadsAreOneHalfToOne256th() {
        double[] expected = {1.0 / 2, 1.0 / 4, 1.0 / 8, 1.0 / 16, 1.0 / 32, 1.0 / 64, 1.0 / 128, 1.0 / 256};
        assertArrayEquals(expected, Alibi.slopes(8), 1e-15);
    }

    @Test
    void slopesForTwelveHeadsFollowThePapersRule() {
        // The 8 slopes of 8 heads, then every other slope of 16 heads (2^-0.5, 2^-1.5, 2^-2.5, 2^-3.5).
        double[] expected = {
            0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125, 0.00390625,
            0.7071067811865476, 0.3535533905932738, 0.1767766952966369, 0.08838834764831845};
        assertArrayEquals(expected, Alibi.slopes(12), 1e-15);
    }

    @Test
    void slopesForOtherCounts() {
        assertArrayEquals(new double[] {1.0 / 16, 1.0 / 256}, Alibi.slopes(2), 1e-15);
        assertArrayEquals(new double[] {0.00390625}, Alibi.slopes(1), 1e-15);
        // 3 heads: 2 heads' slopes (2^-4, 2^-8), then the first of 4 heads' (2^-2)
        assertArrayEquals(new double[] {1.0 / 16, 1.0 / 256, 1.0 / 4}, Alibi.slopes(3), 1e-15);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Alibi.slopes(0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
    }

    @Test
    void biasIsMinusSlopeTimesDistance() {
        PositionalScheme s = Positionals.create("alibi", Map.of(), new PositionalDims(16, 4, 4, 1), Rng.seeded(0));
        double[] m = {Math.pow(2, -2), Math.pow(2, -4), Math.pow(2, -6), Math.pow(2, -8)};
        int qOff = 5;
        int tq = 3;
        int kOff = 2;
        int tk = 7;
        Tensor b = s.scoreBias(0, DType.FLOAT64, qOff, tq, kOff, tk);
        for (int h = 0; h < 4; h++) {
            for (int i = 0; i < tq; i++) {
                for (int j = 0; j < tk; j++) {
                    assertEquals(-m[h] * Math.abs((qOff + i) - (kOff + j)), b.get(h, i, j), 1e-15, h + "," + i + "," + j);
                }
            }
        }
        // through addScoreTerm on zero scores, batch-broadcast
        Tensor zeros = Tensor.zeros(DType.FLOAT64, 2, 4, tq, tk);
        Tensor q = Tensor.zeros(DType.FLOAT64, 2, 4, tq, 4);
        Tensor withBias = s.addScoreTerm(0, zeros, q, qOff, kOff);
        assertEquals(-m[3] * Math.abs(qOff + 2 - kOff), withBias.get(1, 3, 2, 0), 1e-15);
        assertTrue(s.isScoreBias() && s.supportsBlockwiseAttention() && s.parameters().isEmpty());
    }

    @Test
    void followsThePluginRules() {
        HeedArchitecture.checkAll(PluginRules.all("dev.heed.plugin.alibi.."), new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.heed.plugin.alibi"));
    }
}
