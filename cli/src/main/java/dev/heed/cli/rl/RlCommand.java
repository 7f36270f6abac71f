package dev.heed.cli.rl;

import java.util.concurrent.Callable;
import org.apiguardian.api.API;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code heed rl} command group: reinforcement-learning tools. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
@Command(
        name = "rl",
        mixinStandardHelpOptions = true,
        description = "Reinforcement learning: environments, training and evaluation.",
        subcommands = ReplayCommand.class)
public final class RlCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Creates the command group. */
    public RlCommand() {}

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}
