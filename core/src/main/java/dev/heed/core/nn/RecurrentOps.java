package dev.heed.core.nn;

import dev.heed.core.CustomOp;
import dev.heed.core.DType;
import dev.heed.core.Tensor;
import dev.heed.core.internal.autograd.GradMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Joins the fused recurrences ({@link RecurrentF32}, {@link RecurrentF64}) to the autograd graph.
 *
 * <p>The layer's three results (all outputs, final hidden state, final cell state) come from one
 * backward pass through time. The outputs are the recorded op; the final states are small ops on
 * top of it whose backward only parks their gradient for the recurrence (and passes zeros to the
 * outputs), so the recurrence's own backward, which the engine runs after every consumer of the
 * outputs, sees all three gradients at once. Only first-order gradients are supported.
 */
final class RecurrentOps {

    private RecurrentOps() {}

    /** Gradients of the final states, parked until the recurrence's backward runs. */
    private static final class Parked {
        Tensor hidden;
        Tensor cell;
    }

    /**
     * @return {output [B, T, H], h_n [B, H], c_n [B, H]}
     */
    static Tensor[] lstm(Tensor xp, Tensor whh, Tensor bhh, Tensor h0, Tensor c0, int batch, int steps, int hidden) {
        RecurrentRun run = xp.dtype() == DType.FLOAT64
                ? new RecurrentF64.Lstm(xp, whh, bhh, h0, c0, batch, steps, hidden)
                : new RecurrentF32.Lstm(xp, whh, bhh, h0, c0, batch, steps, hidden);
        return wire("lstm", run, true, xp, whh, bhh, h0, c0);
    }

    /**
     * @return {output [B, T, H], h_n [B, H]}
     */
    static Tensor[] gru(Tensor xp, Tensor whh, Tensor bhh, Tensor h0, int batch, int steps, int hidden) {
        RecurrentRun run = xp.dtype() == DType.FLOAT64
                ? new RecurrentF64.Gru(xp, whh, bhh, h0, batch, steps, hidden)
                : new RecurrentF32.Gru(xp, whh, bhh, h0, batch, steps, hidden);
        return wire("gru", run, false, xp, whh, bhh, h0, null);
    }

    private static Tensor[] wire(String name, RecurrentRun run, boolean cell, Tensor... inputs) {
        Parked parked = new Parked();
        // CustomOp takes no null inputs: pass the present ones and map the gradients back.
        List<Integer> present = new ArrayList<>();
        List<Tensor> given = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] != null) {
                present.add(i);
                given.add(inputs[i]);
            }
        }
        Tensor y = CustomOp.record(name, run.output(), g -> {
            firstOrderOnly(name);
            Tensor gh = parked.hidden;
            Tensor gc = parked.cell;
            parked.hidden = null;
            parked.cell = null;
            Tensor[] all = run.backward(g, gh, gc);
            Tensor[] out = new Tensor[present.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = all[present.get(i)];
            }
            return out;
        }, given.toArray(new Tensor[0]));
        Tensor hn = CustomOp.record(name + "_h_n", run.lastHidden(), g -> {
            firstOrderOnly(name);
            parked.hidden = parked.hidden == null ? g : parked.hidden.add(g);
            return new Tensor[] {Tensor.zeros(y.dtype(), y.shape())};
        }, y);
        if (!cell) {
            return new Tensor[] {y, hn};
        }
        Tensor cn = CustomOp.record(name + "_c_n", run.lastCell(), g -> {
            firstOrderOnly(name);
            parked.cell = parked.cell == null ? g : parked.cell.add(g);
            return new Tensor[] {Tensor.zeros(y.dtype(), y.shape())};
        }, y);
        return new Tensor[] {y, hn, cn};
    }

    private static void firstOrderOnly(String name) {
        if (GradMode.isEnabled()) {
            throw new IllegalStateException(name + ": the fused recurrence has a first-order backward only; "
                    + "createGraph = true (higher-order gradients) is not supported through it — unroll the "
                    + "sequence with " + (name.equals("lstm") ? "LSTMCell" : "GRUCell") + " instead, which is "
                    + "differentiable to any order");
        }
    }
}
