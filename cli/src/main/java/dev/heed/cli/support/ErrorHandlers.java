package dev.heed.cli.support;

import dev.heed.core.NonFiniteException;
import dev.heed.core.io.CheckpointFormatException;
import dev.heed.core.plugin.PluginConflictException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import org.apiguardian.api.API;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code heed} command's error convention: every failure prints <em>one</em> line to the
 * command's error stream, {@code <command>: <problem> — <fix>}, and exits non-zero; the full stack
 * trace follows only when {@code --verbose} is given.
 *
 * <p>Exit codes: {@value #EXIT_USAGE} for command-line mistakes (unknown option, bad option value,
 * missing argument), {@value #EXIT_BAD_INPUT} for bad input discovered while running (a
 * {@link UserInputException}, a damaged checkpoint, a missing or unreadable file, an invalid
 * setting, a plugin name claimed twice, a run that diverged to NaN/Inf), {@value #EXIT_INTERNAL}
 * for anything else, which is a Heed bug.
 *
 * <p>Stateless and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class ErrorHandlers {

    /** Exit code for command-line usage errors (picocli's convention). */
    public static final int EXIT_USAGE = 2;

    /** Exit code for bad input found while running. */
    public static final int EXIT_BAD_INPUT = 1;

    /** Exit code for internal errors (sysexits' EX_SOFTWARE). */
    public static final int EXIT_INTERNAL = 70;

    /** Name of the option that turns stack traces on. */
    public static final String VERBOSE = "--verbose";

    private ErrorHandlers() {}

    /**
     * Installs both handlers on {@code cl}; {@link CommandLine#execute(String...)} on {@code cl} uses
     * them for all its subcommands.
     *
     * @param cl the root command line; not null
     * @return {@code cl}
     */
    public static CommandLine install(CommandLine cl) {
        cl.setExecutionExceptionHandler(new Execution());
        cl.setParameterExceptionHandler(new Parameters());
        return cl;
    }

    /** Turns exceptions thrown while a command runs into one line and an exit code. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public static final class Execution implements IExecutionExceptionHandler {

        /** Creates the handler. */
        public Execution() {}

        @Override
        public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
            PrintWriter err = cl.getErr();
            boolean verbose = verbose(parsed);
            Described d = describe(ex);
            String line = cl.getCommandSpec().qualifiedName() + ": " + d.text;
            if (d.code == EXIT_INTERNAL && !verbose) {
                line += " (run again with " + VERBOSE + " for the stack trace)";
            }
            err.println(line);
            if (verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return d.code;
        }
    }

    /** Turns command-line parse errors into one line and exit code {@value #EXIT_USAGE}. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public static final class Parameters implements IParameterExceptionHandler {

        /** Creates the handler. */
        public Parameters() {}

        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            CommandLine cl = ex.getCommandLine();
            PrintWriter err = cl.getErr();
            String name = cl.getCommandSpec().qualifiedName();
            String problem = firstLine(ex.getMessage());
            String fix = "see '" + name + " --help'";
            if (ex instanceof UnmatchedArgumentException) {
                List<String> suggestions = ((UnmatchedArgumentException) ex).getSuggestions();
                if (!suggestions.isEmpty()) {
                    fix = "did you mean " + String.join(" or ", suggestions.subList(0, Math.min(3, suggestions.size())))
                            + "? See '" + name + " --help'";
                }
            }
            err.println(name + ": " + problem + " — " + fix);
            if (verbose(args)) {
                ex.printStackTrace(err);
            }
            err.flush();
            return EXIT_USAGE;
        }
    }

    private static final class Described {
        final String text;
        final int code;

        Described(String text, int code) {
            this.text = text;
            this.code = code;
        }
    }

    private static Described describe(Throwable ex) {
        Throwable t = ex instanceof UncheckedIOException && ex.getCause() != null ? ex.getCause() : ex;
        if (t instanceof UserInputException) {
            return new Described(t.getMessage(), EXIT_BAD_INPUT);
        }
        if (t instanceof CheckpointFormatException) {
            return new Described(t.getMessage()
                    + " — the file is damaged or not a Heed checkpoint; re-create it or point to another one",
                    EXIT_BAD_INPUT);
        }
        if (t instanceof NoSuchFileException) {
            return new Described("no such file or directory: " + ((NoSuchFileException) t).getFile()
                    + " — check the path", EXIT_BAD_INPUT);
        }
        if (t instanceof AccessDeniedException) {
            return new Described("permission denied: " + ((AccessDeniedException) t).getFile()
                    + " — check the file's permissions or choose another location", EXIT_BAD_INPUT);
        }
        if (t instanceof NotDirectoryException) {
            return new Described("not a directory: " + ((NotDirectoryException) t).getFile()
                    + " — give a directory path", EXIT_BAD_INPUT);
        }
        if (t instanceof FileAlreadyExistsException) {
            return new Described("already exists: " + ((FileAlreadyExistsException) t).getFile()
                    + " — choose another path or remove it", EXIT_BAD_INPUT);
        }
        if (t instanceof IOException) {
            return new Described("I/O error: " + firstLine(t.getMessage())
                    + " — check the path, free disk space and permissions", EXIT_BAD_INPUT);
        }
        if (t instanceof IllegalArgumentException) {
            return new Described(firstLine(t.getMessage()), EXIT_BAD_INPUT);
        }
        if (t instanceof NonFiniteException || t instanceof PluginConflictException) {
            // A diverged run or two plugins claiming one name: the user's setup, not a Heed bug.
            return new Described(firstLine(t.getMessage()), EXIT_BAD_INPUT);
        }
        return new Described("internal error: " + t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + firstLine(t.getMessage()))
                + " — this is a bug in Heed; please report it", EXIT_INTERNAL);
    }

    private static String firstLine(String message) {
        if (message == null || message.isEmpty()) {
            return "(no message)";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }

    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }

    private static boolean verbose(String[] args) {
        if (args == null) {
            return false;
        }
        for (String a : args) {
            if ("--".equals(a)) {
                return false;
            }
            if (VERBOSE.equals(a)) {
                return true;
            }
        }
        return false;
    }
}
