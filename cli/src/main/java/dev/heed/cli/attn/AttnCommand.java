package dev.heed.cli.attn;

import java.util.concurrent.Callable;
import org.apiguardian.api.API;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code heed attn} command group: attention models on synthetic tasks and text. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
@Command(
        name = "attn",
        mixinStandardHelpOptions = true,
        description = "Attention models: synthetic sequence tasks and a character language model.",
        subcommands = {AttnTrainCommand.class, LmCommand.class},
        footer = {"", "Examples:",
            "  heed attn train --task reverse --similarity cosine --positional rope --out runs/reverse-cosine",
            "  heed attn lm --data input.txt --out runs/shakespeare"})
public final class AttnCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Creates the command group. */
    public AttnCommand() {}

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}
