package dev.heed.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the heed command in-process and captures its streams (test helper). */
public final class Cli {

    private Cli() {}

    /** Exit code and captured output of one command. */
    public record Result(int code, String out, String err) {
        /** @return out and err together, for assertion messages */
        public String all() {
            return "exit " + code + "\n--- out\n" + out + "\n--- err\n" + err;
        }
    }

    /**
     * @param args the command line after {@code heed}
     * @return the result
     */
    public static Result run(String... args) {
        CommandLine cl = HeedCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
