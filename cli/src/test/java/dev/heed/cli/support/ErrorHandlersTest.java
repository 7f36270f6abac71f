package dev.heed.cli.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.cli.HeedCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Drives the real root command in-process with a test subcommand that fails in each way. */
class ErrorHandlersTest {

    @TempDir
    Path dir;

    @Command(name = "boom", description = "Fails on purpose.")
    static final class Boom implements Callable<Integer> {
        @Option(names = "--kind")
        String kind = "ok";

        @Option(names = "--steps")
        long steps;

        @Option(names = "--out")
        Path out;

        @Override
        public Integer call() throws Exception {
            switch (kind) {
                case "user":
                    throw new UserInputException("unknown environment 'CartPol-v1'",
                            "choose one of CartPole-v1, Pendulum-v1");
                case "bug":
                    throw new IllegalStateException("kaboom");
                case "nofile":
                    throw new NoSuchFileException("/nowhere/model.safetensors");
                case "checkpoint":
                    dev.heed.core.io.SafeTensors.read(out);
                    return 0;
                case "run":
                    RunDirectory.create(out, "test");
                    return 0;
                case "io":
                    throw new IOException("No space left on device");
                default:
                    return 0;
            }
        }
    }

    private record Result(int code, String out, List<String> errLines) {}

    private static Result run(String... args) {
        CommandLine cl = HeedCommand.commandLine();
        cl.addSubcommand("boom", new Boom());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString().lines().toList());
    }

    @Test
    void userErrorIsOneLineWithProblemAndFix() {
        Result r = run("boom", "--kind", "user");
        assertEquals(ErrorHandlers.EXIT_BAD_INPUT, r.code);
        assertEquals(List.of("heed boom: unknown environment 'CartPol-v1' — choose one of CartPole-v1, Pendulum-v1"),
                r.errLines);
    }

    @Test
    void verboseAddsTheStackTraceOnEitherSideOfTheSubcommand() {
        for (String[] args : List.of(new String[] {"boom", "--kind", "user", "--verbose"},
                new String[] {"--verbose", "boom", "--kind", "user"})) {
            Result r = run(args);
            assertEquals(ErrorHandlers.EXIT_BAD_INPUT, r.code);
            assertTrue(r.errLines.get(0).startsWith("heed boom: unknown environment"), r.errLines.get(0));
            assertTrue(r.errLines.stream().anyMatch(l -> l.startsWith("\tat ")), String.join("\n", r.errLines));
        }
    }

    @Test
    void bugsAreReportedAsInternalErrorsWithExitCode70() {
        Result r = run("boom", "--kind", "bug");
        assertEquals(ErrorHandlers.EXIT_INTERNAL, r.code);
        assertEquals(List.of("heed boom: internal error: IllegalStateException: kaboom — this is a bug in Heed; "
                + "please report it (run again with --verbose for the stack trace)"), r.errLines);
    }

    @Test
    void fileProblemsNameThePathAndTheFix() throws Exception {
        Result r = run("boom", "--kind", "nofile");
        assertEquals(List.of("heed boom: no such file or directory: /nowhere/model.safetensors — check the path"),
                r.errLines);
        assertEquals(1, r.code);

        r = run("boom", "--kind", "io");
        assertEquals(List.of("heed boom: I/O error: No space left on device — check the path, free disk space and permissions"),
                r.errLines);

        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, new byte[] {1, 2, 3});
        r = run("boom", "--kind", "checkpoint", "--out", bad.toString());
        assertEquals(1, r.code);
        assertEquals(1, r.errLines.size(), r.errLines.toString());
        assertTrue(r.errLines.get(0).startsWith("heed boom: " + bad + ": file is 3 bytes"), r.errLines.get(0));
        assertTrue(r.errLines.get(0).endsWith("re-create it or point to another one"), r.errLines.get(0));
    }

    @Test
    void outputDirectoryThatIsNotAHeedRunIsRefused() throws Exception {
        Path home = dir.resolve("home");
        Files.createDirectories(home);
        Files.writeString(home.resolve("thesis.tex"), "precious");
        Result r = run("boom", "--kind", "run", "--out", home.toString());
        assertEquals(1, r.code);
        assertEquals(List.of("heed boom: output directory " + home + " exists and is not a Heed run (no .heed-run "
                + "file in it) — choose a new --out directory, or empty this one"), r.errLines);
        assertEquals(List.of("thesis.tex"), List.of(home.toFile().list()));
    }

    @Test
    void commandLineMistakesExitWithUsageCodeAndOneLine() {
        Result r = run("boom", "--stpes", "3");
        assertEquals(ErrorHandlers.EXIT_USAGE, r.code);
        assertEquals(1, r.errLines.size(), r.errLines.toString());
        String line = r.errLines.get(0);
        assertTrue(line.startsWith("heed boom: Unknown options: '--stpes', '3' — did you mean --steps?"), line);
        assertTrue(line.endsWith("See 'heed boom --help'"), line);

        r = run("boom", "--steps", "many");
        assertEquals(ErrorHandlers.EXIT_USAGE, r.code);
        assertEquals(1, r.errLines.size(), r.errLines.toString());
        assertTrue(r.errLines.get(0).startsWith("heed boom: Invalid value for option '--steps': 'many' is not a long"),
                r.errLines.get(0));
        assertTrue(r.errLines.get(0).endsWith(" — see 'heed boom --help'"), r.errLines.get(0));

        r = run("boom", "--steps", "many", "--verbose");
        assertTrue(r.errLines.size() > 1 && r.errLines.stream().anyMatch(l -> l.startsWith("\tat ")));
    }

    @Test
    void successAndHelpAreUnaffected() {
        Result r = run("boom");
        assertEquals(0, r.code);
        assertTrue(r.errLines.isEmpty());
        r = run("--help");
        assertEquals(0, r.code);
        assertTrue(r.out.contains("--verbose"), r.out);
        assertFalse(r.out.contains("Exception"));
    }
}
