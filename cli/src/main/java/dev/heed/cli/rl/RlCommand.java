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
        subcommands = {TrainCommand.class, EvalCommand.class, CompareCommand.class, SweepCommand.class, ReplayCommand.class},
        footer = {"", "Examples:",
            "  heed rl train --env CartPole-v1 --algo ppo-clip --out runs/ppo",
            "  heed rl eval --run runs/ppo",
            "  heed rl compare --env CartPole-v1 --algos ppo-clip,trpo,a2c --seeds 3 --steps 50000 --out runs/cmp",
            "  heed rl sweep --envs CartPole-v1,Acrobot-v1 --algos ppo-clip,a2c --seeds 5 --steps 100000 --out runs/sweep"})
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
