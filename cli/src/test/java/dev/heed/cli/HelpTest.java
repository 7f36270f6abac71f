package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HelpTest {

    private static void collect(CommandLine cl, List<List<String>> paths, List<String> prefix) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            List<String> p = new ArrayList<>(prefix);
            p.add(sub.getCommandName());
            paths.add(p);
            collect(sub, paths, p);
        }
    }

    @Test
    void everyCommandHasHelpWithExamples() {
        List<List<String>> paths = new ArrayList<>();
        collect(HeedCommand.commandLine(), paths, new ArrayList<>());
        assertTrue(paths.size() >= 14, "expected the full command tree, got " + paths);
        for (List<String> p : paths) {
            if (p.get(p.size() - 1).equals("replay")) {
                continue; // its examples are in the description
            }
            List<String> args = new ArrayList<>(p);
            args.add("--help");
            Cli.Result r = Cli.run(args.toArray(new String[0]));
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r.all());
            assertTrue(r.out().contains("Examples:"), String.join(" ", args) + " has no examples:\n" + r.out());
            assertTrue(r.out().contains("heed " + String.join(" ", p)), String.join(" ", args) + " examples do not use the command:\n" + r.out());
        }
    }

    @Test
    void unknownSubcommandIsOneLineWithASuggestion() {
        Cli.Result r = Cli.run("plugin");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("plugins"), r.err());
    }
}
