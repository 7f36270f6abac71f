package dev.heed.cli.rl;

import dev.heed.cli.support.GracefulStop;
import dev.heed.cli.support.Progress;
import dev.heed.cli.support.RunDirectory;
import dev.heed.cli.support.UserInputException;
import dev.heed.rl.train.PolicyOptimizers;
import dev.heed.rl.train.TrainConfig;
import dev.heed.rl.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apiguardian.api.API;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code heed rl train}: trains a policy and writes a run directory; {@code --resume} continues one.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {"Train a policy with a policy optimizer on a built-in env.",
            "Starts from the tuned preset for (algo, env) when there is one; --set overrides any setting."},
        footer = {"", "Examples:",
            "  heed rl train --env CartPole-v1 --algo ppo-clip --out runs/ppo-cartpole",
            "  heed rl train --env Pendulum-v1 --algo trpo --steps 50000 --seed 3 --out runs/trpo-pendulum",
            "  heed rl train --env CartPole-v1 --algo a2c --envs 8 --set learningRate=7e-4 --set entCoef=0.01 --out runs/a2c",
            "  heed rl train --resume runs/ppo-cartpole --steps 200000",
            "", "Writes into --out: config.json (settings and provenance), metrics.csv (one row per update),",
            "summary.json, learning-curve.png/.svg, checkpoint/ (resume with --resume) and policy.safetensors",
            "(weights and observation statistics for deployment, loaded with SavedPolicy.load).",
            "Ctrl-C stops after the current update and saves the checkpoint."})
public final class TrainCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--env", paramLabel = "ID", description = "Env id, e.g. CartPole-v1, Pendulum-v1, Acrobot-v1.")
    String env;

    @Option(names = "--algo", paramLabel = "NAME", description = "Policy optimizer, e.g. ppo-clip, ppo-kl, trpo, a2c.")
    String algo;

    @Option(names = "--steps", paramLabel = "N", description = "Env steps to train (all envs together); default: the preset's.")
    Long steps;

    @Option(names = "--seed", paramLabel = "S", description = "Root seed (default 0).")
    Long seed;

    @Option(names = "--envs", paramLabel = "K", description = "Parallel env copies; default: the preset's.")
    Integer envs;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any setting: optimizer options (see 'heed plugins') or trainer keys (netArch, normalize, evalFreq, stopReward, ...).")
    List<String> sets;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (new, empty, or an earlier run of this command).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from its checkpoint.")
    Path resume;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "10000",
            description = "Env steps between checkpoints (default: ${DEFAULT-VALUE}); one is always written at the end.")
    long checkpointEvery;

    @Option(names = "--eval-episodes", paramLabel = "N", defaultValue = "20",
            description = "Deterministic episodes of the final evaluation (default: ${DEFAULT-VALUE}).")
    int evalEpisodes;

    /** Creates the command. */
    public TrainCommand() {}

    @Override
    public Integer call() throws Exception {
        if (checkpointEvery < 0 || evalEpisodes < 1) {
            throw new UserInputException("--checkpoint-every " + checkpointEvery + " / --eval-episodes " + evalEpisodes
                    + " out of range", "use --checkpoint-every >= 0 and --eval-episodes >= 1");
        }
        PolicyOptimizers optimizers = PolicyOptimizers.load();
        Map<String, String> setMap = RlRuns.parseSets(sets);
        RunDirectory dir;
        Trainer trainer;
        if (resume != null) {
            if (env != null || algo != null || envs != null || seed != null || out != null) {
                throw new UserInputException("--resume continues a run with its recorded settings; --env, --algo, --envs, "
                        + "--seed and --out cannot change them", "drop them, or start a new run with --out");
            }
            dir = RunDirectory.open(resume);
            Path ckpt = dir.resolve(RlRuns.CHECKPOINT);
            if (!Files.isRegularFile(ckpt.resolve(Trainer.CHECKPOINT_FILE))) {
                throw new UserInputException(resume + " has no checkpoint (" + RlRuns.CHECKPOINT + "/"
                        + Trainer.CHECKPOINT_FILE + ")", "pass the --out directory of an earlier 'heed rl train'");
            }
            Map<String, String> o = new LinkedHashMap<>(setMap);
            if (steps != null) {
                o.put("nTimesteps", Long.toString(steps));
            }
            try {
                trainer = Trainer.resume(ckpt, optimizers, o);
            } catch (IllegalArgumentException e) {
                throw new UserInputException(e.getMessage(), "change only settings that do not shape the saved state", e);
            }
        } else {
            if (env == null || algo == null || out == null) {
                throw new UserInputException("missing " + (env == null ? "--env " : "") + (algo == null ? "--algo " : "")
                        + (out == null ? "--out" : "").trim(), "e.g. heed rl train --env CartPole-v1 --algo ppo-clip --out runs/ppo");
            }
            TrainConfig cfg = RlRuns.resolve(optimizers, new RlRuns.Request(algo, env, seed, envs, steps, setMap));
            dir = RunDirectory.create(out, RlRuns.KIND);
            if (!RlRuns.KIND.equals(dir.kind())) {
                throw new UserInputException(out + " holds a Heed run of kind '" + dir.kind() + "', not a training run",
                        "choose a new --out directory");
            }
            if (Files.exists(dir.resolve(RlRuns.CHECKPOINT))) {
                throw new UserInputException(out + " already holds a training run",
                        "continue it with --resume " + out + ", or choose a new --out directory");
            }
            trainer = Trainer.create(cfg, optimizers);
        }
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter o = spec.commandLine().getOut();
        TrainConfig cfg = trainer.config();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("checkpoint_every", checkpointEvery);
        extra.put("eval_episodes", evalEpisodes);
        if (resume != null) {
            extra.put("resumed_at_step", trainer.timesteps());
        }
        dir.writeJson(RlRuns.CONFIG, RlRuns.configJson(optimizers, cfg, setMap, extra));
        RlRuns.Outcome r;
        String task = cfg.algorithm() + " " + cfg.env();
        try (trainer; GracefulStop stop = GracefulStop.install();
             Progress p = Progress.start(task, cfg.nTimesteps(), err)) {
            p.stepTo(trainer.timesteps());
            r = RlRuns.run(trainer, dir, checkpointEvery, evalEpisodes, stop, (t, ret) -> {
                p.stepTo(t);
                if (Double.isFinite(ret)) {
                    p.message(String.format(Locale.ROOT, "return %.1f", ret));
                }
            });
            if (r.interrupted()) {
                err.println("heed rl train: interrupted at step " + r.summary().timesteps() + "; checkpoint saved in "
                        + dir.resolve(RlRuns.CHECKPOINT) + " — continue with: heed rl train --resume " + dir.path());
                err.flush();
                return 130;
            }
        }
        o.println(String.format(Locale.ROOT, "%s on %s: %d steps in %.1f s (%.0f steps/s); evaluation over %d "
                        + "deterministic episodes: %.1f ± %.1f", cfg.algorithm(), cfg.env(), r.summary().timesteps(),
                r.summary().wallSeconds(), r.summary().stepsPerSecond(), r.eval().returns().length, r.eval().mean(),
                r.eval().std()));
        o.println("wrote " + dir.path() + " (config.json, metrics.csv, summary.json, learning-curve.png/.svg, checkpoint/, policy.safetensors)");
        o.flush();
        return 0;
    }
}
