package dev.heed.cli.bench;

import java.util.concurrent.Callable;
import org.apiguardian.api.API;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code heed bench} command group: quick speed checks on the user's own machine. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measure speed on this machine: matrix products, attention, RL training.",
        subcommands = {GemmBenchCommand.class, AttentionBenchCommand.class, RlBenchCommand.class},
        footer = {"", "Examples:",
            "  heed bench gemm --sizes 256,512,1024",
            "  heed bench attention --batch 8 --seq 256 --dim 256 --heads 8 --causal",
            "  heed bench rl --env CartPole-v1 --algo ppo-clip --steps 20000 --json"})
public final class BenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Creates the command group. */
    public BenchCommand() {}

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}
