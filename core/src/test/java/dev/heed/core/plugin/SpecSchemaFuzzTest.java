package dev.heed.core.plugin;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.heed.core.plugin.fake.ScorerProvider;
import dev.heed.core.spi.InvalidOptionException;
import dev.heed.core.spi.OptionSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzz targets for configuration typed by hand: stack-spec JSON documents and option values given
 * as text (command line, properties). Contract: any input either parses or throws the documented
 * error ({@link SpecException} with a JSON path, {@link InvalidOptionException}); never another
 * exception, a stack overflow or a hang. Corpus: {@code SpecSchemaFuzzTestInputs/<method>/}.
 */
class SpecSchemaFuzzTest {

    // Test classes may hold fixtures in static fields; the no-mutable-static rule covers production code.
    private static final SpecSchema SCHEMA = schema();

    private static SpecSchema schema() {
        PluginRegistry<ScorerProvider> scorers = PluginRegistry.load(ScorerProvider.class);
        SpecSchema attention = SpecSchema.builder("attention")
                .option(OptionSpec.ofInt("heads", 1, "number of heads").range(1, 64))
                .option(OptionSpec.ofDouble("dropout", 0.0, "dropout").range(0, 1))
                .option(OptionSpec.ofBoolean("causal", false, "causal mask"))
                .option(OptionSpec.ofEnum("norm", "pre", "where to normalise", List.of("pre", "post")))
                .provider("similarity", scorers, "scaled-dot")
                .provider("positional", scorers)
                .build();
        SpecSchema block = SpecSchema.builder("block")
                .option(OptionSpec.ofString("name", "b", "label"))
                .section("attention", attention)
                .build();
        return SpecSchema.builder("stack").option(OptionSpec.ofInt("layers", 2, "depth").atLeast(1))
                .section("block", block).build();
    }

    @FuzzTest(maxDuration = "2m")
    void parseJson(byte[] input) {
        String json = new String(input, StandardCharsets.UTF_8);
        try {
            Spec spec = SCHEMA.parse(json);
            spec.toString(); // a parsed spec is fully usable
        } catch (SpecException expected) {
            if (expected.path() == null || !expected.getMessage().startsWith(expected.path() + ": ")) {
                throw new AssertionError("a spec error must start with its JSON path: " + expected.getMessage(),
                        expected);
            }
        }
    }

    @FuzzTest(maxDuration = "1m")
    void parseOptionText(FuzzedDataProvider data) {
        int which = data.consumeInt(0, 4);
        String text = data.consumeRemainingAsString();
        OptionSpec spec;
        switch (which) {
            case 0: spec = OptionSpec.ofInt("heads", 1, "heads").range(1, 64); break;
            case 1: spec = OptionSpec.ofDouble("lr", 1e-3, "learning rate").greaterThan(0).atMost(1); break;
            case 2: spec = OptionSpec.ofBoolean("causal", false, "causal"); break;
            case 3: spec = OptionSpec.ofEnum("norm", "pre", "norm", List.of("pre", "post")); break;
            default: spec = OptionSpec.ofString("name", "x", "name"); break;
        }
        try {
            spec.parse("provider 'fuzz'", text);
        } catch (InvalidOptionException expected) {
            // documented
        }
    }
}
