package dev.heed.plugin.rope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.heed.core.DType;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.spi.InvalidOptionException;
import dev.heed.positional.Positionals;
import dev.heed.positional.spi.PositionalDims;
import dev.heed.positional.spi.PositionalProvider;
import dev.heed.positional.spi.PositionalScheme;
import dev.heed.testkit.arch.HeedArchitecture;
import dev.heed.testkit.arch.PluginRules;
import dev.heed.testkit.positional.PositionalConformanceSuite;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RopeTest extends PositionalConformanceSuite {

    @Override
    protected boolean includes(PositionalProvider p) {
        return p.name().equals("rope");
    }

    @Override
    protected List<Map<String, ?>> optionSets(PositionalProvider p) {
        return List.of(Map.of(), Map.of("base", 100.0, "pairing", "half"));
    }

    private static PositionalScheme rope(Map<String, ?> options, int heads, int headDim) {
        return Positionals.create("rope", options, new PositionalDims(heads * headDim, heads, headDim, 1), Rng.seeded(0));
    }

    /** One vector [1, 1, 1, d] at position p, rotated as a query. */
    private static double[] rotate(PositionalScheme s, double[] v, int position) {
        return s.query(0, Tensor.of(v, 1, 1, 1, v.length), position).toDoubleArray();
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void rotatesPairsByPositionTimesFrequency() {
        // d = 4, base 10000: pair 0 (dims 0, 1) turns 1 rad per position, pair 1 (dims 2, 3) turns 10000^(-1/2) = 0.01.
        PositionalScheme s = rope(Map.of(), 1, 4);
        double[] x = {0.3, -1.2, 2.0, 0.7};
        int p = 3;
        double a0 = p * 1.0;
        double a1 = p * 0.01;
        double[] expected = {
            0.3 * Math.cos(a0) - (-1.2) * Math.sin(a0), 0.3 * Math.sin(a0) + (-1.2) * Math.cos(a0),
            2.0 * Math.cos(a1) - 0.7 * Math.sin(a1), 2.0 * Math.sin(a1) + 0.7 * Math.cos(a1)};
        double[] got = rotate(s, x, p);
        for (int i = 0; i < 4; i++) {
            assertEquals(expected[i], got[i], 1e-12, "dim " + i);
        }
        // half pairing: pairs are (0, 2) and (1, 3)
        PositionalScheme h = rope(Map.of("pairing", "half"), 1, 4);
        double[] eh = {
            0.3 * Math.cos(a0) - 2.0 * Math.sin(a0), -1.2 * Math.cos(a1) - 0.7 * Math.sin(a1),
            0.3 * Math.sin(a0) + 2.0 * Math.cos(a0), -1.2 * Math.sin(a1) + 0.7 * Math.cos(a1)};
        double[] gh = rotate(h, x, p);
        for (int i = 0; i < 4; i++) {
            assertEquals(eh[i], gh[i], 1e-12, "half pairing, dim " + i);
        }
    }

    @Test
    void scoreDependsOnlyOnRelativePosition() {
        PositionalScheme s = rope(Map.of("base", 500.0), 1, 8);
        Rng rng = Rng.seeded(3);
        double[] q = Tensor.randn(rng, DType.FLOAT64, 8).toDoubleArray();
        double[] k = Tensor.randn(rng, DType.FLOAT64, 8).toDoubleArray();
        int[][] pairs = {{0, 0}, {2, 7}, {9, 3}, {5, 5}};
        for (int[] mn : pairs) {
            double base = dot(rotate(s, q, mn[0]), rotate(s, k, mn[1]));
            for (int shift : new int[] {1, 13, 1000}) {
                double shifted = dot(rotate(s, q, mn[0] + shift), rotate(s, k, mn[1] + shift));
                assertEquals(base, shifted, 1e-9, "q at " + mn[0] + ", k at " + mn[1] + ", both shifted by " + shift);
            }
        }
        // ... and it does depend on the distance (otherwise the check above would be vacuous)
        double d1 = dot(rotate(s, q, 0), rotate(s, k, 1));
        double d2 = dot(rotate(s, q, 0), rotate(s, k, 4));
        assertTrue(Math.abs(d1 - d2) > 1e-3, d1 + " vs " + d2);
        // rotations keep norms
        double[] r = rotate(s, q, 17);
        assertEquals(dot(q, q), dot(r, r), 1e-9);
    }

    @Test
    void oddHeadDimensionIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rope(Map.of(), 2, 3));
        assertTrue(e.getMessage().contains("head dimension 3 is odd") && e.getMessage().contains("even"), e.getMessage());
    }

    @Test
    void badBaseIsRejected() {
        InvalidOptionException e = assertThrows(InvalidOptionException.class, () -> rope(Map.of("base", 1.0), 1, 4));
        assertTrue(e.getMessage().contains("base"), e.getMessage());
        assertThrows(InvalidOptionException.class, () -> rope(Map.of("pairing", "diagonal"), 1, 4));
    }

    @Test
    void actsOnlyOnQueriesAndKeys() {
        PositionalScheme s = rope(Map.of(), 2, 4);
        assertTrue(s.actsOnQueryKey());
        assertTrue(!s.actsOnEmbeddings() && !s.hasScoreTerm() && !s.hasValueTerm());
        assertTrue(s.supportsBlockwiseAttention());
        assertEquals(0, s.parameters().size());
    }

    @Test
    void followsThePluginRules() {
        HeedArchitecture.checkAll(PluginRules.all("dev.heed.plugin.rope.."), new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.heed.plugin.rope"));
    }
}
