package dev.heed.core;

import dev.heed.core.internal.autograd.GradMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;

/** The reverse-mode engine: topological walk of the recorded graph from the outputs. */
final class Engine {

    private Engine() {}

    static void backward(Tensor[] outputs, Tensor[] gradOutputs, boolean retainGraph, boolean createGraph) {
        run("backward", outputs, gradOutputs, null, createGraph, retainGraph);
    }

    /**
     * @param inputs null to accumulate into every reachable leaf's {@code grad}; else the tensors
     *     whose gradients are returned (leaf grads are left untouched)
     */
    static Tensor[] run(String caller, Tensor[] outputs, Tensor[] gradOutputs, Tensor[] inputs,
                        boolean createGraph, boolean retainGraph) {
        if (outputs.length == 0) {
            throw new IllegalArgumentException(caller + ": no outputs given");
        }
        if (gradOutputs != null && gradOutputs.length != outputs.length) {
            throw new IllegalArgumentException(caller + ": " + outputs.length + " outputs but " + gradOutputs.length
                    + " gradOutputs; pass one gradient per output (null entries mean ones for scalars)");
        }
        IdentityHashMap<Object, Tensor> acc = new IdentityHashMap<>();
        List<Node> roots = new ArrayList<>();
        for (int i = 0; i < outputs.length; i++) {
            Tensor out = outputs[i];
            if (!out.requiresGrad) {
                throw new IllegalStateException(caller + ": output " + i + " (shape " + Arrays.toString(out.shape)
                        + ") does not require grad — no input of its computation had requiresGrad(true), or it was "
                        + "computed inside a NoGrad scope");
            }
            Tensor g = gradOutputs == null ? null : gradOutputs[i];
            if (g == null) {
                if (out.numel != 1) {
                    throw new IllegalStateException(caller + ": output " + i + " has shape " + Arrays.toString(out.shape)
                            + "; an implicit gradient exists only for one-element outputs — reduce it first (e.g. .sum()) "
                            + "or pass a gradient of that shape");
                }
                g = Tensor.full(out.dtype, 1.0, out.shape.clone());
            } else if (!Arrays.equals(g.shape, out.shape) || g.dtype != out.dtype) {
                throw new IllegalArgumentException(caller + ": gradient " + i + " has shape " + Arrays.toString(g.shape)
                        + " " + g.dtype + " but the output has shape " + Arrays.toString(out.shape) + " " + out.dtype);
            }
            Object key = out.gradFn != null ? out.gradFn : out;
            accumulate(acc, key, g);
            if (out.gradFn != null) {
                roots.add(out.gradFn);
            }
        }
        List<Node> order = topoOrder(caller, roots);

        IdentityHashMap<Object, Integer> targets = null;
        IdentityHashMap<Node, Boolean> needed = null;
        if (inputs != null) {
            targets = new IdentityHashMap<>();
            for (int i = 0; i < inputs.length; i++) {
                Tensor t = inputs[i];
                if (!t.requiresGrad) {
                    throw new IllegalArgumentException(caller + ": input " + i + " (shape " + Arrays.toString(t.shape)
                            + ") does not require grad; call requiresGrad(true) on it before the forward pass");
                }
                targets.put(t.gradFn != null ? t.gradFn : t, i);
            }
            needed = new IdentityHashMap<>();
            for (Node n : order) { // inputs before consumers
                boolean need = targets.containsKey(n);
                for (Tensor in : n.inputs) {
                    if (need) {
                        break;
                    }
                    if (in != null && in.requiresGrad) {
                        need = in.gradFn != null ? needed.containsKey(in.gradFn) || targets.containsKey(in.gradFn)
                                : targets.containsKey(in);
                    }
                }
                if (need) {
                    needed.put(n, Boolean.TRUE);
                }
            }
        }

        Tensor[] results = inputs == null ? null : new Tensor[inputs.length];
        boolean anomaly = Anomaly.checksBackward();
        if (anomaly) {
            for (int i = 0; i < outputs.length; i++) {
                if (gradOutputs != null && gradOutputs[i] != null) {
                    Anomaly.checkSeed(caller, i, gradOutputs[i]);
                }
            }
        }
        boolean previousSuspend = Anomaly.suspendForward();
        boolean previous = GradMode.set(createGraph);
        try {
            for (int i = order.size() - 1; i >= 0; i--) {
                Node n = order.get(i);
                Tensor g = acc.remove(n);
                if (g == null) {
                    continue;
                }
                if (targets != null) {
                    Integer idx = targets.get(n);
                    if (idx != null) {
                        results[idx] = g;
                    }
                    if (!needed.containsKey(n) || onlyTarget(n, targets, needed)) {
                        continue;
                    }
                }
                n.checkVersions(caller);
                Tensor[] gs = n.fn.apply(g);
                if (anomaly) {
                    Anomaly.checkBackward(n, g, gs);
                }
                Tensor[] ins = n.inputs;
                for (int j = 0; j < ins.length; j++) {
                    Tensor in = ins[j];
                    Tensor gj = gs[j];
                    if (in == null || gj == null || !in.requiresGrad) {
                        continue;
                    }
                    if (in.gradFn != null) {
                        if (needed == null || needed.containsKey(in.gradFn)) {
                            accumulate(acc, in.gradFn, gj);
                        }
                    } else if (targets == null || targets.containsKey(in)) {
                        accumulate(acc, in, gj);
                    }
                }
            }
            if (targets == null) {
                for (var e : acc.entrySet()) {
                    if (e.getKey() instanceof Tensor) {
                        accumulateLeaf((Tensor) e.getKey(), e.getValue(), createGraph);
                        if (anomaly) {
                            Anomaly.checkAccumulated((Tensor) e.getKey(), ((Tensor) e.getKey()).grad);
                        }
                    }
                }
            } else {
                for (int i = 0; i < inputs.length; i++) {
                    if (inputs[i].gradFn == null) {
                        results[i] = acc.get(inputs[i]);
                    }
                    if (results[i] == null) {
                        results[i] = Tensor.zeros(inputs[i].dtype, inputs[i].shape.clone());
                    }
                }
            }
        } finally {
            GradMode.set(previous);
            Anomaly.restoreForward(previousSuspend);
        }
        if (!retainGraph) {
            for (Node n : order) {
                n.release();
            }
        }
        return results;
    }

    /** True when n is a target whose own inputs lead to no other target (stop there). */
    private static boolean onlyTarget(Node n, IdentityHashMap<Object, Integer> targets, IdentityHashMap<Node, Boolean> needed) {
        for (Tensor in : n.inputs) {
            if (in != null && in.requiresGrad) {
                if (in.gradFn != null ? needed.containsKey(in.gradFn) : targets.containsKey(in)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void accumulate(IdentityHashMap<Object, Tensor> acc, Object key, Tensor g) {
        Tensor prev = acc.get(key);
        acc.put(key, prev == null ? g : prev.add(g));
    }

    private static void accumulateLeaf(Tensor leaf, Tensor g, boolean createGraph) {
        if (createGraph) {
            leaf.grad = leaf.grad == null ? g : leaf.grad.add(g);
            return;
        }
        if (leaf.grad == null || leaf.grad.requiresGrad || !Arrays.equals(leaf.grad.shape, leaf.shape)) {
            leaf.grad = g.copyOut();
        } else {
            boolean prev = GradMode.set(false);
            try {
                leaf.grad.addInPlace(g);
            } finally {
                GradMode.set(prev);
            }
        }
    }

    /** Post-order (inputs before consumers) of the nodes reachable from roots; iterative DFS. */
    private static List<Node> topoOrder(String caller, List<Node> roots) {
        List<Node> order = new ArrayList<>();
        IdentityHashMap<Node, Boolean> seen = new IdentityHashMap<>();
        Node[] stack = new Node[16];
        int[] next = new int[16];
        for (Node root : roots) {
            if (seen.containsKey(root)) {
                continue;
            }
            checkAlive(caller, root);
            seen.put(root, Boolean.TRUE);
            int sp = 0;
            stack[0] = root;
            next[0] = 0;
            while (sp >= 0) {
                Node n = stack[sp];
                Tensor[] ins = n.inputs;
                if (next[sp] < ins.length) {
                    Tensor in = ins[next[sp]++];
                    if (in != null && in.gradFn != null && in.requiresGrad && !seen.containsKey(in.gradFn)) {
                        checkAlive(caller, in.gradFn);
                        seen.put(in.gradFn, Boolean.TRUE);
                        sp++;
                        if (sp == stack.length) {
                            stack = Arrays.copyOf(stack, sp * 2);
                            next = Arrays.copyOf(next, sp * 2);
                        }
                        stack[sp] = in.gradFn;
                        next[sp] = 0;
                    }
                } else {
                    order.add(n);
                    stack[sp] = null;
                    sp--;
                }
            }
        }
        return order;
    }

    private static void checkAlive(String caller, Node n) {
        if (n.released()) {
            throw new IllegalStateException(caller + ": trying to backpropagate through the graph a second time "
                    + "(through '" + n.op + "'), but its saved tensors were freed by the first backward. Pass "
                    + "retainGraph=true to the first backward(...) / Autograd.grad(...) call if you need to "
                    + "backpropagate twice, or recompute the forward pass");
        }
    }
}
