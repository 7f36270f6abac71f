package dev.heed.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Golden user-facing error messages: each names the op, the offending values and the fix. */
class ErrorMessagesTest {

    private static void golden(Class<? extends RuntimeException> type, String message, Executable call) {
        assertEquals(message, assertThrows(type, call).getMessage());
    }

    @Test
    void shapeErrors() {
        golden(IllegalArgumentException.class,
                "matmul: [32, 64] @ [32, 64] — inner dimensions differ (64 vs 32); did you mean other.mT() (b.transpose(-2, -1))?",
                () -> Tensor.zeros(32, 64).matmul(Tensor.zeros(32, 64)));
        golden(IllegalArgumentException.class,
                "add: shapes [2, 3] and [4] do not broadcast (dimension -1: 3 vs 4); sizes must be equal or 1 when "
                        + "aligned from the right — reshape or unsqueeze one operand",
                () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)));
        golden(IllegalArgumentException.class,
                "sum: axis 3 is out of range for a tensor of rank 2 (valid: -2 .. 1)",
                () -> Tensor.zeros(2, 3).sum(3));
        golden(IllegalArgumentException.class,
                "reshape: cannot view shape [2, 3] (6 elements) as [4, 2] (8 elements)",
                () -> Tensor.zeros(2, 3).reshape(4, 2));
        golden(IllegalArgumentException.class,
                "indexSelect: index 5 is out of range for dimension 0 of size 3",
                () -> Tensor.zeros(3, 2).indexSelect(0, Tensor.of(new long[] {5})));
    }

    @Test
    void dtypeErrors() {
        golden(IllegalArgumentException.class,
                "add: dtypes differ (FLOAT32 vs FLOAT64); Heed does not promote silently — cast one operand, "
                        + "e.g. x.to(DType.FLOAT64) or x.to(DType.FLOAT32)",
                () -> Tensor.zeros(2).add(Tensor.zeros(DType.FLOAT64, 2)));
        golden(IllegalArgumentException.class,
                "tanh: needs a FLOAT32 or FLOAT64 tensor, got INT64 of shape [3]; convert with .to(DType.FLOAT32)",
                () -> Tensor.arange(3).tanh());
        golden(IllegalArgumentException.class,
                "maskedFill: needs a BOOL mask, got FLOAT32 of shape [3, 2]; build one with a comparison such as x.gt(0) or x.ne(0)",
                () -> Tensor.zeros(3, 2).maskedFill(Tensor.zeros(3, 2), 1));
    }

    @Test
    void autogradErrors() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        Tensor loss = x.sum();
        loss.backward();
        golden(IllegalStateException.class,
                "backward: trying to backpropagate through the graph a second time (through 'sum'), but its saved "
                        + "tensors were freed by the first backward. Pass retainGraph=true to the first backward(...) / "
                        + "Autograd.grad(...) call if you need to backpropagate twice, or recompute the forward pass",
                loss::backward);
        golden(IllegalStateException.class,
                "backward: output 0 has shape [2]; an implicit gradient exists only for one-element outputs — reduce it "
                        + "first (e.g. .sum()) or pass a gradient of that shape",
                () -> x.mul(2.0).backward());
        golden(IllegalStateException.class,
                "addInPlace: this tensor requires grad and grad mode is on, so an in-place change would corrupt the "
                        + "recorded graph; update parameters inside try (NoGrad ng = NoGrad.enter()) { ... }, or work on detach()",
                () -> x.addInPlace(1.0));
    }
}
