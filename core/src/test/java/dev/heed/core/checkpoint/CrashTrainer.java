package dev.heed.core.checkpoint;

import dev.heed.core.Rng;
import dev.heed.core.Tensor;
import dev.heed.core.io.AtomicFiles;
import dev.heed.core.nn.Activation;
import dev.heed.core.nn.MLP;
import dev.heed.core.optim.Adam;
import dev.heed.core.optim.TrainingGuard;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small but real training process for {@link CrashSafetyTest}: regression of a fixed linear map
 * with an MLP and Adam, resuming from {@code <dir>/model.safetensors} when it exists and saving a
 * full checkpoint (model, optimizer, data generator, step) every {@value #EVERY} steps. The
 * training is deterministic, so a run that is killed and resumed any number of times ends with
 * exactly the weights of an uninterrupted run.
 *
 * <p>Usage: {@code CrashTrainer <dir> <total-steps>}. Prints {@code ready <step> <cleaned>} once
 * resumed and {@code done <step>} at the end.
 */
public final class CrashTrainer {

    static final String FILE = "model.safetensors";
    static final int EVERY = 2;

    private CrashTrainer() {}

    static MLP model() {
        return new MLP(new int[] {4, 32, 32, 1}, Activation.TANH, Rng.seeded(11));
    }

    static Adam optimizer(MLP model) {
        return new Adam(model.parameters(), 1e-2);
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Path dir = Path.of(args[0]);
        long total = Long.parseLong(args[1]);
        Path ck = dir.resolve(FILE);
        int cleaned = AtomicFiles.deleteTemporaries(ck);
        MLP model = model();
        Adam adam = optimizer(model);
        Rng data = Rng.seeded(12);
        long step = 0;
        if (Files.exists(ck)) {
            Checkpoint.Loaded l = Checkpoint.load(ck, model, adam, true);
            data = l.rng("data");
            step = Long.parseLong(l.metadata().get("step"));
        }
        out.println("ready " + step + " " + cleaned);
        Tensor w = Tensor.of(new float[] {0.5f, -1f, 2f, 0.25f}, 4, 1);
        while (step < total) {
            Tensor x = Tensor.randn(data, 64, 4);
            Tensor y = x.matmul(w);
            Tensor loss = model.forward(x).sub(y).pow(2.0).mean();
            TrainingGuard.checkLoss(step, loss);
            adam.zeroGrad();
            loss.backward();
            TrainingGuard.checkGradients(step, model.namedParameters());
            adam.step();
            step++;
            if (step % EVERY == 0 || step == total) {
                Checkpoint.of(model).optimizer(adam).rng("data", data).metadata("step", Long.toString(step)).save(ck);
            }
        }
        out.println("done " + step);
    }
}
