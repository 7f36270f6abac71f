package dev.heed.core;

import java.util.Arrays;

/**
 * One recorded op in the autograd graph: its inputs (edges towards the leaves) and the function
 * that maps the gradient of its output to gradients of its inputs. The backward function is
 * written with tensor ops, so running it with grad mode on records a graph of the gradient.
 * {@link #release()} drops the saved tensors once the graph has been used.
 *
 * <p>The in-place versions of the inputs and the output are remembered at record time, so a
 * backward pass through values that were modified in place afterwards fails instead of silently
 * producing wrong gradients.
 */
final class Node {

    /** Maps the output gradient to one gradient per input (null where an input needs none). */
    interface Backward {
        Tensor[] apply(Tensor grad);
    }

    final String op;
    Tensor[] inputs;
    Backward fn;
    private int[][] versionRefs;
    private int[] versions;
    private int[][] shapes;
    /** Where the op was created, captured only in {@link Anomaly} mode; null otherwise. */
    StackTraceElement[] origin;

    Node(String op, Tensor[] inputs, Backward fn, Tensor out) {
        this.op = op;
        this.inputs = inputs;
        this.fn = fn;
        int n = inputs.length + 1;
        versionRefs = new int[n][];
        versions = new int[n];
        shapes = new int[n][];
        for (int i = 0; i < n; i++) {
            Tensor t = i < inputs.length ? inputs[i] : out;
            if (t != null) {
                versionRefs[i] = t.version;
                versions[i] = t.version[0];
                shapes[i] = t.shape;
            }
        }
    }

    boolean released() {
        return fn == null;
    }

    void checkVersions(String caller) {
        for (int i = 0; i < versions.length; i++) {
            if (versionRefs[i] != null && versionRefs[i][0] != versions[i]) {
                String which = i < versions.length - 1 ? "input " + i : "the output";
                throw new IllegalStateException(caller + ": " + which + " of '" + op + "' (shape "
                        + Arrays.toString(shapes[i]) + ") was modified in place after the op recorded it (version "
                        + versionRefs[i][0] + ", expected " + versions[i] + "), so its gradient would be wrong. Update "
                        + "tensors only after backward(), or modify a copy()");
            }
        }
    }

    void release() {
        inputs = null;
        fn = null;
        versionRefs = null;
        versions = null;
        shapes = null;
    }
}
