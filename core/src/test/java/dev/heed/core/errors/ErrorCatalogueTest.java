package dev.heed.core.errors;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Anomaly;
import dev.heed.core.DType;
import dev.heed.core.NoGrad;
import dev.heed.core.NonFiniteException;
import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.checkpoint.Checkpoint;
import dev.heed.core.checkpoint.TensorBlobs;
import dev.heed.core.io.CheckpointFormatException;
import dev.heed.core.io.Provenance;
import dev.heed.core.io.SafeDType;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.io.TensorBlob;
import dev.heed.core.nn.Activation;
import dev.heed.core.nn.Linear;
import dev.heed.core.nn.MLP;
import dev.heed.core.nn.StateDictException;
import dev.heed.core.optim.Adam;
import dev.heed.core.optim.TrainingGuard;
import dev.heed.core.plugin.PluginConflictException;
import dev.heed.core.plugin.PluginRegistry;
import dev.heed.core.plugin.SpecException;
import dev.heed.core.plugin.SpecSchema;
import dev.heed.core.plugin.UnknownPluginException;
import dev.heed.core.plugin.fake.DotScorerProvider;
import dev.heed.core.plugin.fake.ScorerProvider;
import dev.heed.core.spi.InvalidOptionException;
import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Every error with a golden file: triggers it, checks the exception type and compares the message
 * with {@code errors/<id>.txt}. The ids are those of {@code docs/errors.md}; the last test checks
 * that every id used here is documented there.
 */
class ErrorCatalogueTest {

    private record Case(String id, Class<? extends Throwable> type, Executable call) {}

    private final List<Case> cases = new ArrayList<>();

    private void add(String id, Class<? extends Throwable> type, Executable call) {
        cases.add(new Case(id, type, call));
    }

    private static byte[] safetensors(String headerJson, int dataBytes) {
        byte[] h = headerJson.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[8 + h.length + dataBytes];
        java.nio.ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(h.length);
        System.arraycopy(h, 0, out, 8, h.length);
        return out;
    }

    private List<Case> all() throws IOException {
        // ---------------------------------------------------------------- tensors
        add("HEED-TENSOR-001", IllegalArgumentException.class, () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)));
        add("HEED-TENSOR-002", IllegalArgumentException.class, () -> Tensor.zeros(32, 64).matmul(Tensor.zeros(32, 64)));
        add("HEED-TENSOR-003", IllegalArgumentException.class, () -> Tensor.zeros(2).add(Tensor.zeros(DType.FLOAT64, 2)));
        add("HEED-TENSOR-004", IllegalArgumentException.class, () -> Tensor.arange(3).tanh());
        add("HEED-TENSOR-005", IllegalArgumentException.class, () -> Tensor.zeros(2, 3).sum(3));
        add("HEED-TENSOR-006", IllegalArgumentException.class, () -> Tensor.zeros(2, 3).reshape(4, 2));
        add("HEED-TENSOR-007", IllegalArgumentException.class,
                () -> Tensor.zeros(3, 2).indexSelect(0, Tensor.of(new long[] {5})));
        add("HEED-TENSOR-008", IllegalStateException.class, () -> Tensor.zeros(2).item());

        // ---------------------------------------------------------------- autograd
        add("HEED-AUTOGRAD-001", IllegalStateException.class, () -> Tensor.ones(2).sum().backward());
        add("HEED-AUTOGRAD-002", IllegalStateException.class,
                () -> Tensor.ones(2).requiresGrad(true).mul(2.0).backward());
        add("HEED-AUTOGRAD-003", IllegalStateException.class, () -> {
            Tensor loss = Tensor.ones(2).requiresGrad(true).sum();
            loss.backward();
            loss.backward();
        });
        add("HEED-AUTOGRAD-004", IllegalStateException.class, () -> Tensor.ones(2).requiresGrad(true).addInPlace(1.0));
        add("HEED-AUTOGRAD-005", IllegalStateException.class, () -> {
            Tensor x = Tensor.ones(2).requiresGrad(true);
            Tensor y = x.mul(2.0);
            Tensor z = y.exp().sum();
            try (NoGrad ignored = NoGrad.enter()) {
                y.addInPlace(1.0);
            }
            z.backward();
        });

        // ---------------------------------------------------------------- non-finite values
        add("HEED-NUM-001", NonFiniteException.class, () -> {
            Tensor x = Tensor.of(new double[] {1, 0}, 2).requiresGrad(true);
            try (Anomaly ignored = Anomaly.detect()) {
                x.log();
            }
        });
        add("HEED-NUM-002", NonFiniteException.class, () -> {
            Tensor x = Tensor.of(new double[] {0, 4}, 2).requiresGrad(true);
            try (Anomaly ignored = Anomaly.detect()) {
                x.sqrt().sum().backward();
            }
        });
        add("HEED-NUM-003", NonFiniteException.class, () -> TrainingGuard.checkLoss(1200, Double.NaN));
        add("HEED-NUM-004", NonFiniteException.class, () -> {
            Tensor w = Tensor.of(new float[] {0, 1, 4, 0}, 2, 2).requiresGrad(true);
            w.sqrt().sum().backward();
            TrainingGuard.checkGradients(7, Map.of("fc.weight", w));
        });
        add("HEED-NUM-005", NonFiniteException.class, () -> {
            Linear l = new Linear(2, 2, Rng.seeded(1));
            try (NoGrad ignored = NoGrad.enter()) {
                l.weight().fill(Double.NaN);
            }
            Checkpoint.of(l).save(Path.of("model.safetensors")); // refused before anything is written
        });

        // ---------------------------------------------------------------- plugins and options
        PluginRegistry<ScorerProvider> scorers = PluginRegistry.load(ScorerProvider.class);
        add("HEED-PLUGIN-001", UnknownPluginException.class, () -> scorers.get("scaled_dot"));
        PluginRegistry<ScorerProvider> twice = PluginRegistry.of(ScorerProvider.class,
                List.of(new DotScorerProvider(), new DotScorerProvider()));
        add("HEED-PLUGIN-002", PluginConflictException.class, () -> twice.get("scaled-dot"));
        add("HEED-PLUGIN-003", IllegalArgumentException.class, () -> twice.pin("scaled-dot", "com.example.Missing"));
        ScorerProvider dot = scorers.get("scaled-dot");
        add("HEED-OPTION-001", InvalidOptionException.class, () -> Options.of(dot, Map.of("scael", 2.0)));
        add("HEED-OPTION-002", InvalidOptionException.class, () -> Options.of(dot, Map.of("scale", "big")));
        add("HEED-OPTION-003", InvalidOptionException.class, () -> Options.of(dot, Map.of("scale", 0.0)));
        OptionSpec norm = OptionSpec.ofEnum("norm", "pre", "where to normalise", List.of("pre", "post"));
        add("HEED-OPTION-004", InvalidOptionException.class, () -> norm.validate("provider 'block'", "pots"));
        add("HEED-OPTION-005", InvalidOptionException.class, () -> Options.validate("provider 'env'",
                List.of(OptionSpec.ofString("id", "CartPole-v1", "environment id").required()), Map.of()));
        add("HEED-OPTION-006", InvalidOptionException.class, () -> OptionSpec.ofInt("heads", 1, "heads").range(1, 64)
                .parse("provider 'attention'", "four"));

        // ---------------------------------------------------------------- stack specs
        SpecSchema attention = SpecSchema.builder("attention")
                .option(OptionSpec.ofInt("heads", 1, "number of heads").range(1, 64))
                .provider("similarity", scorers, "scaled-dot")
                .provider("positional", scorers)
                .build();
        SpecSchema stack = SpecSchema.builder("stack").section("attention", attention).build();
        add("HEED-SPEC-001", SpecException.class, () -> stack.parse("{\"attention\": {\"heads\": 4,}}"));
        add("HEED-SPEC-002", SpecException.class,
                () -> stack.parse("{\"attention\": {\"headz\": 2, \"positional\": \"relative-bias\"}}"));
        add("HEED-SPEC-003", SpecException.class,
                () -> stack.parse("{\"attention\": {\"heads\": null, \"positional\": \"relative-bias\"}}"));
        add("HEED-SPEC-004", SpecException.class, () -> stack.parse("{\"attention\": {\"positional\": 3}}"));
        add("HEED-SPEC-005", SpecException.class, () -> stack.parse(
                "{\"attention\": {\"positional\": {\"name\": \"relative-bias\", \"maxDistance\": 0}}}"));
        add("HEED-SPEC-006", SpecException.class,
                () -> stack.parse("{\"attention\": {\"similarity\": \"cosine\", \"positional\": \"relative-bias\"}}"));
        add("HEED-SPEC-007", SpecException.class, () -> stack.parse("{\"attention\": {}}"));

        // ---------------------------------------------------------------- checkpoint files
        add("HEED-CKPT-001", CheckpointFormatException.class, () -> SafeTensors.parse(new byte[3], "model.safetensors"));
        byte[] longHeader = new byte[16];
        java.nio.ByteBuffer.wrap(longHeader).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(1000);
        add("HEED-CKPT-002", CheckpointFormatException.class, () -> SafeTensors.parse(longHeader, "model.safetensors"));
        add("HEED-CKPT-003", CheckpointFormatException.class,
                () -> SafeTensors.parse(safetensors("{\"w\": {\"dtype\": \"F32\"", 0), "model.safetensors"));
        add("HEED-CKPT-004", CheckpointFormatException.class, () -> SafeTensors.parse(safetensors(
                "{\"w\":{\"dtype\":\"Q8\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2), "model.safetensors"));
        add("HEED-CKPT-005", CheckpointFormatException.class, () -> SafeTensors.parse(safetensors(
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", 12), "model.safetensors"));
        add("HEED-CKPT-006", CheckpointFormatException.class, () -> SafeTensors.parse(safetensors(
                "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
                        + "\"b\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[2,3]}}", 3), "model.safetensors"));
        add("HEED-CKPT-007", CheckpointFormatException.class, () -> TensorBlobs.toTensor(
                TensorBlob.ofBytes(SafeDType.U8, new long[] {2}, new byte[] {1, 2}), "model.safetensors", "tokens"));
        add("HEED-CKPT-008", CheckpointFormatException.class,
                () -> Provenance.parse("{\"format\": \"heed-provenance/1\", \"created_utc\": \"yesterday\"}",
                        "provenance.json"));
        MLP small = new MLP(new int[] {2, 3, 1}, Activation.TANH, Rng.seeded(1));
        Path dir = Files.createTempDirectory("heed-errors");
        Path modelOnly = dir.resolve("model.safetensors");
        Checkpoint.of(small).save(modelOnly);
        Checkpoint.Loaded loaded = Checkpoint.read(modelOnly);
        add("HEED-CKPT-009", IllegalArgumentException.class,
                () -> loaded.loadInto(small, new Adam(small.parameters(), 1e-3), true));
        add("HEED-CKPT-010", IllegalArgumentException.class, () -> loaded.rng("env"));

        // ---------------------------------------------------------------- state dicts
        MLP wider = new MLP(new int[] {2, 4, 1}, Activation.TANH, Rng.seeded(1));
        add("HEED-STATE-001", StateDictException.class, () -> wider.loadStateDict(small.stateDict(), true));
        Adam adam = new Adam(small.parameters(), 1e-3);
        add("HEED-STATE-002", IllegalArgumentException.class,
                () -> adam.loadStateDict(Map.of("param.9.exp_avg", Tensor.zeros(2))));
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> everyMessageMatchesItsGoldenFile() throws IOException {
        return all().stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> {
            Throwable t = assertThrows(c.type(), c.call());
            String msg = t.getMessage();
            // a relative path in a message must stay relative: nothing of this machine's layout leaks into goldens
            assertTrue(msg != null && !msg.isBlank(), c.id());
            Golden.check(c.id(), t);
        }));
    }

    @Test
    void everyGoldenIdIsDocumented() throws IOException {
        Path doc = Path.of("..", "docs", "errors.md");
        String text = Files.readString(doc);
        Map<String, Boolean> missing = new LinkedHashMap<>();
        for (Case c : all()) {
            if (!text.contains("### " + c.id())) {
                missing.put(c.id(), true);
            }
        }
        assertTrue(missing.isEmpty(), "ids without a section in docs/errors.md: " + missing.keySet());
    }
}
