package dev.heed.plugin.tribuo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.provenance.TrainerProvenance;

/** The hyperparameters are real OLCUT {@code @Config} fields, validated when configured. */
class OlcutConfigurationTest {

    private static Path config(Path dir, String type, Map<String, String> props) throws IOException {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<config>\n");
        xml.append("  <component name=\"trainer\" type=\"").append(type).append("\">\n");
        props.forEach((k, v) -> xml.append("    <property name=\"").append(k).append("\" value=\"").append(v)
                .append("\"/>\n"));
        xml.append("  </component>\n</config>\n");
        Path f = dir.resolve("trainer.xml");
        Files.writeString(f, xml);
        return f;
    }

    @Test
    void configurationFilesSetTheFieldsAndProvenanceRecordsThem(@TempDir Path dir) throws IOException {
        Path f = config(dir, AttentionSequenceTrainer.class.getName(),
                Map.of("similarity", "cosine", "positional", "relative-bias", "heads", "4", "width", "24", "seed", "7"));
        ConfigurationManager cm = new ConfigurationManager(f.toString());
        AttentionSequenceTrainer t = (AttentionSequenceTrainer) cm.lookup("trainer");
        TrainerProvenance p = t.getProvenance();
        assertEquals("cosine", p.getConfiguredParameters().get("similarity").toString());
        assertEquals("relative-bias", p.getConfiguredParameters().get("positional").toString());
        assertEquals("4", p.getConfiguredParameters().get("heads").toString());
        assertEquals("24", p.getConfiguredParameters().get("width").toString());
        assertEquals("7", p.getConfiguredParameters().get("seed").toString());
        // Defaults are recorded too.
        assertEquals("20", p.getConfiguredParameters().get("epochs").toString());
    }

    @Test
    void aBadValueInAConfigurationFileFailsWithTheFieldNamed(@TempDir Path dir) throws IOException {
        Path f = config(dir, AttentionClassificationTrainer.class.getName(), Map.of("positional", "nope"));
        ConfigurationManager cm = new ConfigurationManager(f.toString());
        // OLCUT wraps postConfig's IllegalArgumentException in its PropertyException, message kept.
        Throwable e = assertThrows(PropertyException.class, () -> cm.lookup("trainer"));
        assertTrue(e.getMessage().contains("positional = 'nope'") && e.getMessage().contains("sinusoidal"),
                e.getMessage());
    }
}
