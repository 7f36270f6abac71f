package dev.heed.cli.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heed.cli.HeedCommand;
import dev.heed.core.optim.TrainingGuard;
import dev.heed.core.plugin.PluginConflictException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A diverged run and a plugin name conflict are the user's setup, not Heed bugs: exit code 1, one line. */
class NonFiniteErrorHandlingTest {

    @Command(name = "diverge", description = "Fails like a diverged run.")
    static final class Diverge implements Callable<Integer> {
        @Option(names = "--kind")
        String kind = "nan";

        @Override
        public Integer call() {
            if (kind.equals("conflict")) {
                throw new PluginConflictException("similarity", "cosine", List.of("a.Cosine", "b.Cosine"),
                        "similarity provider name 'cosine' is claimed by 2 classes: a.Cosine, b.Cosine");
            }
            TrainingGuard.checkLoss(12, Double.NaN);
            return 0;
        }
    }

    private static List<Object> run(String... args) {
        CommandLine cl = HeedCommand.commandLine();
        cl.addSubcommand("diverge", new Diverge());
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return List.of(code, err.toString().lines().toList());
    }

    @Test
    void nonFiniteLossIsBadInputNotAnInternalError() {
        List<Object> r = run("diverge");
        assertEquals(ErrorHandlers.EXIT_BAD_INPUT, r.get(0));
        List<?> lines = (List<?>) r.get(1);
        assertEquals(1, lines.size(), lines.toString());
        assertEquals(true, ((String) lines.get(0)).startsWith("heed diverge: step 12: the loss is NaN; training stopped"),
                lines.get(0).toString());
    }

    @Test
    void pluginConflictIsBadInput() {
        List<Object> r = run("diverge", "--kind", "conflict");
        assertEquals(ErrorHandlers.EXIT_BAD_INPUT, r.get(0));
        assertEquals(List.of("heed diverge: similarity provider name 'cosine' is claimed by 2 classes: a.Cosine, b.Cosine"),
                r.get(1));
    }
}
