package dev.heed.cli;

import dev.heed.cli.support.ErrorHandlers;
import java.util.concurrent.Callable;
import org.apiguardian.api.API;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code heed} command: entry point of the executable jar that the {@code ./heed} launcher runs.
 *
 * <p>Subcommands are registered in {@link #commandLine()} so tests can drive them in-process with
 * {@link CommandLine#execute(String...)}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
@Command(
        name = "heed",
        subcommands = {dev.heed.cli.rl.RlCommand.class, dev.heed.cli.bench.BenchCommand.class, dev.heed.cli.attn.AttnCommand.class, PluginsCommand.class, DemoCommand.class},
        footer = {"", "Examples:",
            "  heed demo",
            "  heed plugins",
            "  heed rl train --env CartPole-v1 --algo ppo-clip --out runs/ppo",
            "  heed bench gemm --sizes 256,512,1024"},
        mixinStandardHelpOptions = true,
        versionProvider = HeedCommand.Version.class,
        description = "Attention models and policy-gradient reinforcement learning in pure Java.")
public final class HeedCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(
            names = ErrorHandlers.VERBOSE,
            scope = CommandLine.ScopeType.INHERIT,
            description = "Print the full stack trace when a command fails.")
    boolean verbose;

    /** Creates the root command; use {@link #commandLine()} to get it with its subcommands. */
    public HeedCommand() {}

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /**
     * Builds the full command tree.
     *
     * @return a command line ready to {@code execute(args)}
     */
    public static CommandLine commandLine() {
        return ErrorHandlers.install(new CommandLine(new HeedCommand()));
    }

    /**
     * Runs the command and exits with its status.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Reads the version from the jar manifest, so it always matches the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = HeedCommand.class.getPackage().getImplementationVersion();
            return new String[] {
                "heed " + (v == null ? "development build" : v),
                "JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
            };
        }
    }
}
