package dev.heed.core;

/**
 * One recorded op in the autograd graph: its inputs (edges towards the leaves) and the function
 * that maps the gradient of its output to gradients of its inputs. The backward function is
 * written with tensor ops, so running it with grad mode on records a graph of the gradient.
 * {@link #release()} drops the saved tensors once the graph has been used.
 */
final class Node {

    /** Maps the output gradient to one gradient per input (null where an input needs none). */
    interface Backward {
        Tensor[] apply(Tensor grad);
    }

    final String op;
    Tensor[] inputs;
    Backward fn;

    Node(String op, Tensor[] inputs, Backward fn) {
        this.op = op;
        this.inputs = inputs;
        this.fn = fn;
    }

    boolean released() {
        return fn == null;
    }

    void release() {
        inputs = null;
        fn = null;
    }
}
