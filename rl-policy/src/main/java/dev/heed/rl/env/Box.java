package dev.heed.rl.env;

import dev.heed.core.Rng;
import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * A box in R^n: every component {@code i} lies in {@code [low[i], high[i]]}; bounds may be infinite.
 * Elements are encoded row-major in a {@code double[]} of length {@code prod(shape)}.
 *
 * <p>{@link #sample(Rng)} follows Gymnasium: uniform on components bounded on both sides, standard
 * normal on unbounded ones, {@code low + Exp(1)} when only bounded below and {@code high - Exp(1)}
 * when only bounded above. Immutable and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Box implements Space {

    private final double[] low;
    private final double[] high;
    private final int[] shape;

    /**
     * @param low lower bounds, row-major, length {@code prod(shape)}; may hold {@code -Infinity}
     * @param high upper bounds, same length; may hold {@code +Infinity}
     * @param shape the logical shape, every dimension at least 1
     * @throws IllegalArgumentException if lengths disagree, a bound is NaN or {@code low > high}
     */
    public Box(double[] low, double[] high, int... shape) {
        if (low == null || high == null || shape == null) {
            throw new IllegalArgumentException("Box: low, high and shape must not be null");
        }
        long size = 1;
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("Box: every dimension must be at least 1, got shape "
                        + Arrays.toString(shape));
            }
            size *= d;
        }
        if (low.length != size || high.length != size) {
            throw new IllegalArgumentException("Box: shape " + Arrays.toString(shape) + " holds " + size
                    + " values but low has " + low.length + " and high has " + high.length
                    + "; pass one bound per component");
        }
        for (int i = 0; i < low.length; i++) {
            if (Double.isNaN(low[i]) || Double.isNaN(high[i]) || low[i] > high[i]) {
                throw new IllegalArgumentException("Box: component " + i + " has low=" + low[i] + ", high="
                        + high[i] + "; need low <= high and no NaN");
            }
        }
        this.low = low.clone();
        this.high = high.clone();
        this.shape = shape.clone();
    }

    /**
     * A one-dimensional box.
     *
     * @param low lower bounds
     * @param high upper bounds, same length
     * @return {@code new Box(low, high, low.length)}
     */
    public static Box of(double[] low, double[] high) {
        if (low == null) {
            throw new IllegalArgumentException("Box.of: low must not be null");
        }
        return new Box(low, high, low.length);
    }

    /**
     * A box with the same bounds on every component.
     *
     * @param low lower bound of every component
     * @param high upper bound of every component
     * @param shape the logical shape
     * @return the box
     */
    public static Box uniform(double low, double high, int... shape) {
        long size = 1;
        for (int d : shape) {
            size *= Math.max(d, 0);
        }
        double[] lo = new double[(int) size];
        double[] hi = new double[(int) size];
        Arrays.fill(lo, low);
        Arrays.fill(hi, high);
        return new Box(lo, hi, shape);
    }

    /** @return a copy of the lower bounds */
    public double[] low() {
        return low.clone();
    }

    /** @return a copy of the upper bounds */
    public double[] high() {
        return high.clone();
    }

    /**
     * @param i component index
     * @return lower bound of component {@code i}
     */
    public double low(int i) {
        return low[i];
    }

    /**
     * @param i component index
     * @return upper bound of component {@code i}
     */
    public double high(int i) {
        return high[i];
    }

    /** @return whether every component is bounded on both sides */
    public boolean isBounded() {
        for (int i = 0; i < low.length; i++) {
            if (Double.isInfinite(low[i]) || Double.isInfinite(high[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public int flatDim() {
        return low.length;
    }

    @Override
    public boolean contains(double[] x) {
        if (x == null || x.length != low.length) {
            return false;
        }
        for (int i = 0; i < x.length; i++) {
            if (!(x[i] >= low[i] && x[i] <= high[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public double[] sample(Rng rng) {
        double[] x = new double[low.length];
        for (int i = 0; i < x.length; i++) {
            boolean lo = !Double.isInfinite(low[i]);
            boolean hi = !Double.isInfinite(high[i]);
            if (lo && hi) {
                x[i] = low[i] == high[i] ? low[i] : low[i] + (high[i] - low[i]) * rng.nextDouble();
            } else if (lo) {
                x[i] = low[i] - Math.log1p(-rng.nextDouble());
            } else if (hi) {
                x[i] = high[i] + Math.log1p(-rng.nextDouble());
            } else {
                x[i] = rng.nextGaussian();
            }
        }
        return x;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Box)) {
            return false;
        }
        Box b = (Box) o;
        return Arrays.equals(shape, b.shape) && Arrays.equals(low, b.low) && Arrays.equals(high, b.high);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(shape) + Arrays.hashCode(low)) + Arrays.hashCode(high);
    }

    @Override
    public String toString() {
        return "Box(low=" + Space.format(low) + ", high=" + Space.format(high) + ", shape=" + Arrays.toString(shape)
                + ")";
    }
}
