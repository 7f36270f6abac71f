package dev.heed.core.internal.kernel.vector;

import dev.heed.core.internal.kernel.DetMath;
import dev.heed.core.internal.kernel.Kernels.BinaryOp;
import dev.heed.core.internal.kernel.Kernels.UnaryOp;

/** Scalar definitions of the elementwise ops, for loop tails and for ops kept scalar. */
final class Scalar {

    private Scalar() {}

    static double apply(BinaryOp op, double x, double y) {
        switch (op) {
            case ADD: return x + y;
            case SUB: return x - y;
            case MUL: return x * y;
            case DIV: return x / y;
            case MAX: return Math.max(x, y);
            case MIN: return Math.min(x, y);
            default: throw new IllegalArgumentException("binary: unknown op " + op);
        }
    }

    static double apply(UnaryOp op, double x) {
        switch (op) {
            case NEG: return -x;
            case EXP: return DetMath.exp(x);
            case LOG: return DetMath.log(x);
            case TANH: return DetMath.tanh(x);
            case SIGMOID: return DetMath.sigmoid(x);
            case RELU: return x > 0 ? x : 0.0;
            case SQRT: return Math.sqrt(x);
            case ABS: return Math.abs(x);
            default: throw new IllegalArgumentException("unary: unknown op " + op);
        }
    }

    /** float32 version: the transcendentals round once from {@link DetMath}'s float64 evaluation. */
    static float apply(UnaryOp op, float x) {
        switch (op) {
            case EXP: return DetMath.exp(x);
            case LOG: return DetMath.log(x);
            case TANH: return DetMath.tanh(x);
            case SIGMOID: return DetMath.sigmoid(x);
            default: return (float) apply(op, (double) x);
        }
    }
}
