package dev.heed.rl.env;

import dev.heed.core.Rng;
import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * A vector of independent discrete choices; component {@code i} takes values {@code 0 .. nvec[i]-1}.
 * Encoded as one whole number per component.
 *
 * <p>{@link #sample(Rng)} draws each component uniformly. Immutable and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class MultiDiscrete implements Space {

    private final int[] nvec;

    /**
     * @param nvec number of values per component, each at least 1, at least one component
     * @throws IllegalArgumentException if {@code nvec} is empty or has a value below 1
     */
    public MultiDiscrete(int... nvec) {
        if (nvec == null || nvec.length == 0) {
            throw new IllegalArgumentException("MultiDiscrete: need at least one component, got "
                    + Arrays.toString(nvec));
        }
        for (int k : nvec) {
            if (k < 1) {
                throw new IllegalArgumentException("MultiDiscrete: every component needs at least 1 value, got nvec="
                        + Arrays.toString(nvec));
            }
        }
        this.nvec = nvec.clone();
    }

    /** @return a copy of the number of values per component */
    public int[] nvec() {
        return nvec.clone();
    }

    @Override
    public int[] shape() {
        return new int[] {nvec.length};
    }

    @Override
    public int flatDim() {
        return nvec.length;
    }

    @Override
    public boolean contains(double[] x) {
        if (x == null || x.length != nvec.length) {
            return false;
        }
        for (int i = 0; i < x.length; i++) {
            if (!(x[i] >= 0 && x[i] < nvec[i] && x[i] == Math.rint(x[i]))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public double[] sample(Rng rng) {
        double[] x = new double[nvec.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(nvec[i]);
        }
        return x;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiDiscrete && Arrays.equals(((MultiDiscrete) o).nvec, nvec);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(nvec);
    }

    @Override
    public String toString() {
        return "MultiDiscrete(" + Arrays.toString(nvec) + ")";
    }
}
