package dev.heed.rl.env;

import dev.heed.core.Rng;
import org.apiguardian.api.API;

/**
 * The integers {@code 0 .. n-1}, encoded as {@code double[]{k}}.
 *
 * <p>{@link #sample(Rng)} is uniform. Immutable and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Discrete implements Space {

    private final int n;

    /**
     * @param n number of actions, at least 1
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public Discrete(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("Discrete: n must be at least 1, got " + n);
        }
        this.n = n;
    }

    /** @return the number of elements */
    public int n() {
        return n;
    }

    @Override
    public int[] shape() {
        return new int[0];
    }

    @Override
    public int flatDim() {
        return 1;
    }

    @Override
    public boolean contains(double[] x) {
        return x != null && x.length == 1 && contains(x[0]);
    }

    /**
     * @param k a candidate value
     * @return whether {@code k} is a whole number in {@code [0, n)}
     */
    public boolean contains(double k) {
        return k >= 0 && k < n && k == Math.rint(k);
    }

    @Override
    public double[] sample(Rng rng) {
        return new double[] {rng.nextInt(n)};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Discrete && ((Discrete) o).n == n;
    }

    @Override
    public int hashCode() {
        return n;
    }

    @Override
    public String toString() {
        return "Discrete(" + n + ")";
    }
}
