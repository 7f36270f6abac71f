package dev.heed.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.cli.Cli;
import org.junit.jupiter.api.Test;

class BenchCommandsTest {

    @Test
    void gemmJsonIsAListOfSizeAndGflops() throws Exception {
        Cli.Result r = Cli.run("bench", "gemm", "--sizes", "16,32", "--dtype", "f64", "--json");
        assertEquals(0, r.code(), r.all());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertTrue(j.isArray() && j.size() == 2, r.out());
        assertEquals(16, j.get(0).get("size").asInt());
        assertEquals(32, j.get(1).get("size").asInt());
        for (JsonNode n : j) {
            assertEquals(2, n.size(), "exactly size and gflops: " + n);
            assertTrue(n.get("gflops").asDouble() > 0, n.toString());
        }
    }

    @Test
    void gemmRejectsBadValues() {
        Cli.Result dtype = Cli.run("bench", "gemm", "--dtype", "f16");
        assertEquals(1, dtype.code());
        assertTrue(dtype.err().contains("f16") && dtype.err().contains("f32 or f64"), dtype.err());
        Cli.Result size = Cli.run("bench", "gemm", "--sizes", "0");
        assertEquals(1, size.code());
        Cli.Result text = Cli.run("bench", "gemm", "--sizes", "a,b");
        assertEquals(2, text.code());
        assertEquals(1, text.err().strip().lines().count(), text.err());
    }

    @Test
    void attentionReportsMediansAndHeap() throws Exception {
        Cli.Result r = Cli.run("bench", "attention", "--batch", "2", "--seq", "8", "--dim", "16", "--heads", "2", "--causal", "--json");
        assertEquals(0, r.code(), r.all());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertTrue(j.get("forward_ms").asDouble() > 0);
        assertTrue(j.get("forward_backward_ms").asDouble() > 0);
        assertTrue(j.get("peak_extra_heap_mb").asDouble() >= 0);
        Cli.Result bad = Cli.run("bench", "attention", "--batch", "2", "--seq", "8", "--dim", "10", "--heads", "4");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("multiple of --heads"), bad.err());
    }

    @Test
    void rlReportsThroughput() throws Exception {
        Cli.Result r = Cli.run("bench", "rl", "--env", "CartPole-v1", "--algo", "a2c", "--steps", "80", "--set", "nEnvs=2",
                "--set", "nSteps=8", "--json");
        assertEquals(0, r.code(), r.all());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(80, j.get("steps").asLong());
        assertEquals(5, j.get("updates").asLong());
        assertEquals(80 / j.get("wall_seconds").asDouble(), j.get("steps_per_second").asDouble(), 1e-6);
    }

    @Test
    void medianOfEvenAndOddCounts() {
        assertEquals(2.0, Timing.median(new double[] {3, 1, 2}), 0.0);
        assertEquals(2.5, Timing.median(new double[] {4, 1, 3, 2}), 0.0);
    }
}
