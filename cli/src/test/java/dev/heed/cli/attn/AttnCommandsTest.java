package dev.heed.cli.attn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.attention.model.TransformerConfig;
import dev.heed.attention.tasks.SyntheticTask;
import dev.heed.cli.Cli;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttnCommandsTest {

    @TempDir
    Path tmp;

    @Test
    void trainWritesAccuracyPerLengthAndAHeatMapPanelPerHead() throws Exception {
        Path out = tmp.resolve("copy");
        Cli.Result r = Cli.run("attn", "train", "--task", "copy", "--similarity", "cosine", "--positional", "sinusoidal",
                "--heads", "2", "--layers", "1", "--dim", "8", "--train-len", "3", "--test-lens", "2,3,5", "--steps", "3",
                "--batch", "4", "--eval-examples", "8", "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        JsonNode s = new ObjectMapper().readTree(Files.readString(out.resolve("summary.json")));
        assertEquals(3, s.get("accuracy").size());
        assertEquals(List.of(2, 3, 5), List.of(s.at("/accuracy/0/length").asInt(), s.at("/accuracy/1/length").asInt(),
                s.at("/accuracy/2/length").asInt()));
        for (JsonNode a : s.get("accuracy")) {
            double tok = a.get("token_accuracy").asDouble();
            double seq = a.get("sequence_accuracy").asDouble();
            assertTrue(tok >= 0 && tok <= 1 && seq <= tok + 1e-12, a.toString());
        }
        for (String f : List.of("config.json", "accuracy.csv", "loss.csv", "loss.png", "accuracy.png", "attention.png")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), "missing " + f);
        }
        BufferedImage img = ImageIO.read(out.resolve("attention.png").toFile());
        assertEquals(2 * dev.heed.cli.support.HeatMaps.PANEL, img.getWidth(), "one panel per head");
        assertEquals(4, Files.readAllLines(out.resolve("loss.csv")).size(), "header + one row per step");
    }

    @Test
    void unknownNamesAreOneLineWithTheChoices() {
        Cli.Result sim = Cli.run("attn", "train", "--task", "copy", "--similarity", "cosin", "--out", tmp.resolve("a").toString());
        assertEquals(1, sim.code());
        assertTrue(sim.err().contains("unknown similarity 'cosin'") && sim.err().contains("cosine"), sim.err());
        assertEquals(1, sim.err().strip().lines().count(), sim.err());
        Cli.Result task = Cli.run("attn", "train", "--task", "add", "--out", tmp.resolve("b").toString());
        assertEquals(1, task.code());
        assertTrue(task.err().contains("copy, reverse, sort, recall"), task.err());
        Cli.Result pos = Cli.run("attn", "train", "--task", "sort", "--positional", "rotary", "--out", tmp.resolve("c").toString());
        assertEquals(1, pos.code());
        assertTrue(pos.err().contains("rope"), pos.err());
    }

    @Test
    void attentionWeightsAreCausalRowStochastic() {
        SyntheticTask task = SyntheticTask.of("reverse", 3, 4);
        AttnRuns.Trained t = AttnRuns.train(task, TransformerConfig.builder().dModel(8).heads(2).layers(2)
                .positional("learned").build(), 1, 2, 1e-3, 5, null);
        long[] tokens = {0, 1, 2, 4, 2, 1};
        float[][][][] w = AttnRuns.attentionWeights(t.model(), tokens);
        assertEquals(2, w.length);
        assertEquals(2, w[0].length);
        for (float[][][] layer : w) {
            for (float[][] head : layer) {
                for (int q = 0; q < tokens.length; q++) {
                    double sum = 0;
                    for (int k = 0; k < tokens.length; k++) {
                        if (k > q) {
                            assertEquals(0f, head[q][k], "query " + q + " sees future key " + k);
                        }
                        sum += head[q][k];
                    }
                    assertEquals(1.0, sum, 1e-5);
                }
            }
        }
        // The first query can only attend to itself.
        assertEquals(1f, w[1][0][0][0], 1e-6f);
    }

    @Test
    void trainSwapsTheMixerWithoutOtherChanges() throws Exception {
        String[] common = {"--task", "copy", "--similarity", "scaled-dot", "--positional", "learned", "--heads", "2",
            "--layers", "1", "--dim", "8", "--train-len", "3", "--steps", "2", "--batch", "4", "--eval-examples", "4"};
        JsonNode[] s = new JsonNode[2];
        String[] mixers = {"attention", "gru"};
        for (int m = 0; m < 2; m++) {
            Path out = tmp.resolve("mix-" + mixers[m]);
            String[] args = new String[common.length + 6];
            args[0] = "attn";
            args[1] = "train";
            System.arraycopy(common, 0, args, 2, common.length);
            args[common.length + 2] = "--mixer";
            args[common.length + 3] = mixers[m];
            args[common.length + 4] = "--out";
            args[common.length + 5] = out.toString();
            Cli.Result r = Cli.run(args);
            assertEquals(0, r.code(), r.all());
            s[m] = new ObjectMapper().readTree(Files.readString(out.resolve("summary.json")));
            assertEquals(mixers[m], s[m].get("mixer").asText());
            assertEquals(m == 0, Files.isRegularFile(out.resolve("attention.png")), "heat map only for attention");
        }
        // a GRU mixer (3 gates: 2 * (3d*d + 3d)) replaces attention's four projections (4 * (d*d + d)): 2d^2 + 2d more
        int d = 8;
        assertEquals(2 * d * d + 2 * d, s[1].get("parameters").asInt() - s[0].get("parameters").asInt());
    }

    @Test
    void lmTrainsOnAFileAndReportsLosses() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            text.append("the quick brown fox jumps over the lazy dog. ");
        }
        Path data = tmp.resolve("text.txt");
        Files.writeString(data, text);
        Path out = tmp.resolve("lm");
        Cli.Result r = Cli.run("attn", "lm", "--data", data.toString(), "--steps", "4", "--layers", "1", "--heads", "2",
                "--dim", "16", "--context", "8", "--batch", "2", "--warmup", "1", "--eval-interval", "2", "--eval-batches", "2",
                "--sample-chars", "20", "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        JsonNode s = new ObjectMapper().readTree(Files.readString(out.resolve("summary.json")));
        assertEquals(4, s.get("steps").asInt());
        // 28 distinct characters; an untrained model is near ln(28) = 3.33 nats.
        assertEquals(28, s.get("vocab_size").asInt());
        assertTrue(Math.abs(s.get("final_val_loss").asDouble() - Math.log(28)) < 1.0, s.toString());
        assertTrue(s.get("ms_per_iteration").asDouble() > 0);
        String sample = Files.readString(out.resolve("sample.txt"));
        assertTrue(sample.endsWith("\n"));
        String body = sample.substring(0, sample.length() - 1);
        assertEquals(1 + 20, body.codePointCount(0, body.length()), "the prompt character and 20 generated ones");
        for (String f : List.of("loss.png", "loss.svg", "metrics.csv", "model.safetensors", "config.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), "missing " + f);
        }
    }

    @Test
    void lmSwapsTheSequenceMixerAndRejectsBadChoices() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            text.append("the quick brown fox jumps over the lazy dog. ");
        }
        Path data = tmp.resolve("mix.txt");
        Files.writeString(data, text);
        Path out = tmp.resolve("lstm");
        Cli.Result r = Cli.run("attn", "lm", "--data", data.toString(), "--mixer", "lstm", "--steps", "3", "--layers", "1",
                "--heads", "2", "--dim", "8", "--context", "8", "--batch", "2", "--warmup", "1", "--eval-interval", "3",
                "--eval-batches", "1", "--sample-chars", "5", "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        JsonNode cfg = new ObjectMapper().readTree(Files.readString(out.resolve("config.json")));
        assertEquals("lstm", cfg.findValue("mixer").asText(), cfg.toString());
        // one LSTM mixer with hidden size d = 8 has 4 gates: W_ih [32, 8], W_hh [32, 8] and two biases [32]
        dev.heed.core.io.TensorBlob wih = dev.heed.core.io.SafeTensors.read(out.resolve("model.safetensors"))
                .tensors().get("stack.blocks.0.rnn.weight_ih_l0");
        assertTrue(wih != null, "no LSTM weights in the checkpoint");
        assertEquals(java.util.List.of(32L, 8L), java.util.Arrays.stream(wih.shape()).boxed().toList());
        Cli.Result bad = Cli.run("attn", "lm", "--data", data.toString(), "--mixer", "lstn", "--out", tmp.resolve("b").toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("lstn") && bad.err().contains("lstm"), bad.err());
        Cli.Result combo = Cli.run("attn", "lm", "--data", data.toString(), "--mixer", "gru", "--positional", "rope",
                "--out", tmp.resolve("c").toString());
        assertEquals(1, combo.code());
        assertTrue(combo.err().contains("--positional rope") && combo.err().contains("learned"), combo.err());
    }

    @Test
    void lmRejectsMissingAndTinyFiles() throws Exception {
        Cli.Result missing = Cli.run("attn", "lm", "--data", tmp.resolve("nope.txt").toString(), "--out", tmp.resolve("o").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("nope.txt") && missing.err().contains("not a readable file"), missing.err());
        Path tiny = tmp.resolve("tiny.txt");
        Files.writeString(tiny, "abc");
        Cli.Result small = Cli.run("attn", "lm", "--data", tiny.toString(), "--out", tmp.resolve("o2").toString());
        assertEquals(1, small.code());
        assertTrue(small.err().contains("3 characters"), small.err());
    }
}
