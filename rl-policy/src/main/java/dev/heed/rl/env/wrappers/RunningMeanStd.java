package dev.heed.rl.env.wrappers;

import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * Running mean and (population) variance per component, merged batch by batch with the parallel
 * algorithm of Chan et al., as Stable-Baselines3's {@code RunningMeanStd}: starts at mean 0,
 * variance 1 and count {@code epsilon} (default 1e-4).
 *
 * <p>The statistics are plain arrays ({@link #toArrays()} / {@link #fromArrays(double[][])}) so they
 * can be saved with a model (e.g. as safetensors entries). Not thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class RunningMeanStd {

    private final double[] mean;
    private final double[] var;
    private double count;

    /**
     * Starts with mean 0, variance 1 and count 1e-4.
     *
     * @param dim number of components, at least 1
     */
    public RunningMeanStd(int dim) {
        this(dim, 1e-4);
    }

    /**
     * @param dim number of components, at least 1
     * @param epsilon the initial count, positive (keeps the first update from dividing by zero)
     */
    public RunningMeanStd(int dim, double epsilon) {
        if (dim < 1 || !(epsilon > 0)) {
            throw new IllegalArgumentException("RunningMeanStd: need dim >= 1 and epsilon > 0, got dim=" + dim
                    + ", epsilon=" + epsilon);
        }
        mean = new double[dim];
        var = new double[dim];
        Arrays.fill(var, 1.0);
        count = epsilon;
    }

    private RunningMeanStd(double[] mean, double[] var, double count) {
        this.mean = mean;
        this.var = var;
        this.count = count;
    }

    /** @return the number of components */
    public int dim() {
        return mean.length;
    }

    /** @return a copy of the running mean */
    public double[] mean() {
        return mean.clone();
    }

    /** @return a copy of the running variance */
    public double[] var() {
        return var.clone();
    }

    /** @return the number of samples seen (plus the initial epsilon) */
    public double count() {
        return count;
    }

    /**
     * Merges one batch of samples: batch mean and population variance per component.
     *
     * @param batch {@code [batchSize][dim]}, at least one row
     * @throws IllegalArgumentException if a row has the wrong length or the batch is empty
     */
    public void update(double[][] batch) {
        if (batch == null || batch.length == 0) {
            throw new IllegalArgumentException("RunningMeanStd.update: the batch must hold at least one sample");
        }
        int d = mean.length;
        double n = batch.length;
        double[] bMean = new double[d];
        double[] bVar = new double[d];
        for (double[] row : batch) {
            if (row == null || row.length != d) {
                throw new IllegalArgumentException("RunningMeanStd.update: expected rows of " + d + " values, got "
                        + (row == null ? "null" : row.length + " values"));
            }
            for (int j = 0; j < d; j++) {
                bMean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            bMean[j] /= n;
        }
        for (double[] row : batch) {
            for (int j = 0; j < d; j++) {
                double c = row[j] - bMean[j];
                bVar[j] += c * c;
            }
        }
        for (int j = 0; j < d; j++) {
            bVar[j] /= n;
        }
        updateFromMoments(bMean, bVar, n);
    }

    /**
     * Merges one sample.
     *
     * @param x {@code dim} values
     */
    public void update(double[] x) {
        update(new double[][] {x});
    }

    /**
     * Merges precomputed batch moments.
     *
     * @param batchMean mean per component
     * @param batchVar population variance per component
     * @param batchCount number of samples, positive
     */
    public void updateFromMoments(double[] batchMean, double[] batchVar, double batchCount) {
        double tot = count + batchCount;
        for (int j = 0; j < mean.length; j++) {
            double delta = batchMean[j] - mean[j];
            double newMean = mean[j] + delta * batchCount / tot;
            double m2 = var[j] * count + batchVar[j] * batchCount + delta * delta * count * batchCount / tot;
            mean[j] = newMean;
            var[j] = m2 / tot;
        }
        count = tot;
    }

    /** @return an independent copy */
    public RunningMeanStd copy() {
        return new RunningMeanStd(mean.clone(), var.clone(), count);
    }

    /** @return {@code {mean, var, {count}}}, copies suitable for saving */
    public double[][] toArrays() {
        return new double[][] {mean.clone(), var.clone(), {count}};
    }

    /**
     * Restores statistics saved with {@link #toArrays()}.
     *
     * @param arrays {@code {mean, var, {count}}}
     * @return the statistics
     * @throws IllegalArgumentException if the arrays do not have that layout
     */
    public static RunningMeanStd fromArrays(double[][] arrays) {
        if (arrays == null || arrays.length != 3 || arrays[0] == null || arrays[1] == null || arrays[2] == null
                || arrays[0].length == 0 || arrays[0].length != arrays[1].length || arrays[2].length != 1
                || !(arrays[2][0] > 0)) {
            throw new IllegalArgumentException("RunningMeanStd.fromArrays: expected {mean[d], var[d], {count > 0}}"
                    + " as written by toArrays()");
        }
        for (double v : arrays[1]) {
            if (!(v >= 0)) {
                throw new IllegalArgumentException("RunningMeanStd.fromArrays: variances must be >= 0, got "
                        + Arrays.toString(arrays[1]));
            }
        }
        return new RunningMeanStd(arrays[0].clone(), arrays[1].clone(), arrays[2][0]);
    }

    /**
     * Normalises one sample: {@code clip((x - mean) / sqrt(var + epsilon), -clip, clip)}.
     *
     * @param x the sample
     * @param epsilon added to the variance
     * @param clip absolute bound of the result
     * @return a new array
     */
    public double[] normalize(double[] x, double epsilon, double clip) {
        double[] r = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            double z = (x[j] - mean[j]) / Math.sqrt(var[j] + epsilon);
            r[j] = Math.min(Math.max(z, -clip), clip);
        }
        return r;
    }
}
