package dev.heed.core;

import dev.heed.core.internal.TensorInternals;
import dev.heed.core.internal.autograd.GradMode;
import dev.heed.core.internal.kernel.Kernels;
import dev.heed.core.internal.kernel.Kernels.BinaryOp;
import dev.heed.core.internal.kernel.Kernels.UnaryOp;
import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * An n-dimensional array with reverse-mode automatic differentiation, modelled on PyTorch's
 * {@code torch.Tensor}.
 *
 * <p><b>Layout.</b> A tensor is a view (shape, strides, offset) over a flat row-major storage
 * array of its {@link DType}: {@code float[]}, {@code double[]}, {@code long[]} or
 * {@code boolean[]}. Rank 0 is a scalar. View ops ({@link #reshape} of a contiguous tensor,
 * {@link #transpose}, {@link #permute}, {@link #unsqueeze}, {@link #squeeze}, {@link #expand},
 * {@link #detach}) share storage; every other op returns a new contiguous tensor.
 *
 * <p><b>Broadcasting</b> follows NumPy: shapes are aligned from the right and each pair of sizes
 * must be equal or one of them 1.
 *
 * <p><b>Autograd.</b> When grad mode is on (the default, per thread; see {@link NoGrad}) and an
 * input {@link #requiresGrad()}, an op records a node whose backward function is written with
 * tensor ops, so gradients can be differentiated again ({@link Autograd#grad}). Nothing is
 * recorded when no input requires grad.
 *
 * <p><b>Errors.</b> Bad shapes, dtypes or axes throw {@link IllegalArgumentException} naming the
 * op, the offending values and the fix. Null arguments throw {@link NullPointerException}.
 *
 * <p><b>Threads.</b> Tensors are not synchronised. Reading one tensor from several threads is
 * safe; mutating it (in-place methods, {@link #backward()} accumulating into {@link #grad()})
 * while other threads use it is not.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Tensor {

    static final Kernels K = Loops.K;

    static {
        TensorInternals.install(new InternalsAccess());
    }

    final DType dtype;
    final int[] shape;
    final int[] strides;
    final int offset;
    final int numel;
    final boolean contiguous;
    final float[] f;
    final double[] d;
    final long[] l;
    final boolean[] bo;

    boolean requiresGrad;
    Tensor grad;
    Node gradFn;

    Tensor(DType dtype, int[] shape, int[] strides, int offset, Object storage) {
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        this.numel = n;
        this.contiguous = isContiguous(shape, strides);
        this.f = storage instanceof float[] ? (float[]) storage : null;
        this.d = storage instanceof double[] ? (double[]) storage : null;
        this.l = storage instanceof long[] ? (long[]) storage : null;
        this.bo = storage instanceof boolean[] ? (boolean[]) storage : null;
    }

    private static boolean isContiguous(int[] shape, int[] strides) {
        int expect = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expect) {
                return false;
            }
            expect *= shape[i];
        }
        return true;
    }

    Object storage() {
        switch (dtype) {
            case FLOAT32: return f;
            case FLOAT64: return d;
            case INT64: return l;
            default: return bo;
        }
    }

    static Object allocate(DType dt, int n) {
        switch (dt) {
            case FLOAT32: return new float[n];
            case FLOAT64: return new double[n];
            case INT64: return new long[n];
            default: return new boolean[n];
        }
    }

    static Tensor empty(DType dt, int[] shape) {
        return new Tensor(dt, shape, Loops.contiguousStrides(shape), 0, allocate(dt, checkedNumel("new tensor", shape)));
    }

    static Tensor wrap(DType dt, int[] shape, Object storage) {
        return new Tensor(dt, shape, Loops.contiguousStrides(shape), 0, storage);
    }

    Tensor view(int[] newShape, int[] newStrides, int newOffset) {
        return new Tensor(dtype, newShape, newStrides, newOffset, storage());
    }

    static int checkedNumel(String op, int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException(op + ": negative dimension in shape " + Arrays.toString(shape));
            }
            n *= s;
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(op + ": shape " + Arrays.toString(shape)
                        + " has more than 2^31 elements, the largest Java array");
            }
        }
        return (int) n;
    }

    // =========================================================================================
    // Factories
    // =========================================================================================

    /**
     * @param shape dimensions (none for a scalar)
     * @return a FLOAT32 tensor of zeros
     */
    public static Tensor zeros(int... shape) {
        return zeros(DType.FLOAT32, shape);
    }

    /**
     * @param dtype element type
     * @param shape dimensions (none for a scalar)
     * @return a tensor of zeros ({@code false} for BOOL)
     */
    public static Tensor zeros(DType dtype, int... shape) {
        return empty(dtype, shape.clone());
    }

    /**
     * @param shape dimensions
     * @return a FLOAT32 tensor of ones
     */
    public static Tensor ones(int... shape) {
        return full(DType.FLOAT32, 1.0, shape);
    }

    /**
     * @param dtype element type
     * @param shape dimensions
     * @return a tensor of ones ({@code true} for BOOL)
     */
    public static Tensor ones(DType dtype, int... shape) {
        return full(dtype, 1.0, shape);
    }

    /**
     * @param value fill value
     * @param shape dimensions
     * @return a FLOAT32 tensor filled with {@code value}
     */
    public static Tensor full(double value, int... shape) {
        return full(DType.FLOAT32, value, shape);
    }

    /**
     * @param dtype element type
     * @param value fill value (cast to the dtype; non-zero is {@code true} for BOOL)
     * @param shape dimensions
     * @return a filled tensor
     */
    public static Tensor full(DType dtype, double value, int... shape) {
        Tensor t = empty(dtype, shape.clone());
        t.fillRaw(value);
        return t;
    }

    /**
     * @param value the value
     * @return a FLOAT32 scalar (rank 0)
     */
    public static Tensor scalar(double value) {
        return full(DType.FLOAT32, value);
    }

    /**
     * @param dtype element type
     * @param value the value
     * @return a scalar (rank 0) of the given dtype
     */
    public static Tensor scalar(DType dtype, double value) {
        return full(dtype, value);
    }

    /**
     * Copies {@code data} into a new FLOAT32 tensor.
     *
     * @param data row-major values
     * @param shape dimensions whose product is {@code data.length}; none means 1-D of
     *     {@code data.length}
     * @return a new tensor
     * @throws IllegalArgumentException if the shape does not hold exactly {@code data.length} values
     */
    public static Tensor of(float[] data, int... shape) {
        return wrap(DType.FLOAT32, dataShape("of", data.length, shape), data.clone());
    }

    /**
     * Copies {@code data} into a new FLOAT64 tensor; see {@link #of(float[], int...)}.
     *
     * @param data row-major values
     * @param shape dimensions; none means 1-D
     * @return a new tensor
     */
    public static Tensor of(double[] data, int... shape) {
        return wrap(DType.FLOAT64, dataShape("of", data.length, shape), data.clone());
    }

    /**
     * Copies {@code data} into a new INT64 tensor; see {@link #of(float[], int...)}.
     *
     * @param data row-major values
     * @param shape dimensions; none means 1-D
     * @return a new tensor
     */
    public static Tensor of(long[] data, int... shape) {
        return wrap(DType.INT64, dataShape("of", data.length, shape), data.clone());
    }

    /**
     * Copies {@code data} into a new BOOL tensor; see {@link #of(float[], int...)}.
     *
     * @param data row-major values
     * @param shape dimensions; none means 1-D
     * @return a new tensor
     */
    public static Tensor of(boolean[] data, int... shape) {
        return wrap(DType.BOOL, dataShape("of", data.length, shape), data.clone());
    }

    private static int[] dataShape(String op, int length, int[] shape) {
        if (shape.length == 0) {
            return new int[] {length};
        }
        int n = checkedNumel(op, shape);
        if (n != length) {
            throw new IllegalArgumentException(op + ": shape " + Arrays.toString(shape) + " holds " + n
                    + " elements but the array has " + length + "; pass a shape whose product is " + length);
        }
        return shape.clone();
    }

    /**
     * @param end exclusive end, non-negative
     * @return INT64 tensor {@code [0, 1, ..., end-1]}, as {@code torch.arange(end)}
     */
    public static Tensor arange(long end) {
        if (end < 0 || end > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("arange: end must be in [0, 2^31), got " + end);
        }
        long[] v = new long[(int) end];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        return wrap(DType.INT64, new int[] {v.length}, v);
    }

    /**
     * @param start first value
     * @param end exclusive end
     * @param step non-zero step
     * @return FLOAT32 tensor {@code start, start+step, ...} strictly before {@code end}
     */
    public static Tensor arange(double start, double end, double step) {
        return arange(DType.FLOAT32, start, end, step);
    }

    /**
     * @param dtype element type (FLOAT32, FLOAT64 or INT64)
     * @param start first value
     * @param end exclusive end
     * @param step non-zero step
     * @return tensor {@code start + i * step} for every i with the value strictly before end
     */
    public static Tensor arange(DType dtype, double start, double end, double step) {
        if (step == 0 || !Double.isFinite(step) || !Double.isFinite(start) || !Double.isFinite(end)) {
            throw new IllegalArgumentException("arange: start, end and step must be finite and step non-zero, got start="
                    + start + ", end=" + end + ", step=" + step);
        }
        double count = Math.ceil((end - start) / step);
        int n = (int) Math.max(0, Math.min(count, Integer.MAX_VALUE - 8));
        Tensor t = empty(dtype, new int[] {n});
        for (int i = 0; i < n; i++) {
            t.setRaw(i, start + i * step);
        }
        return t;
    }

    /**
     * @param start first value
     * @param end last value (inclusive)
     * @param steps number of values, at least 1
     * @return FLOAT32 tensor of {@code steps} evenly spaced values
     */
    public static Tensor linspace(double start, double end, int steps) {
        return linspace(DType.FLOAT32, start, end, steps);
    }

    /**
     * @param dtype a floating dtype
     * @param start first value
     * @param end last value (inclusive)
     * @param steps number of values, at least 1
     * @return tensor of {@code steps} evenly spaced values
     */
    public static Tensor linspace(DType dtype, double start, double end, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("linspace: steps must be at least 1, got " + steps);
        }
        Tensor t = empty(dtype, new int[] {steps});
        double h = steps == 1 ? 0 : (end - start) / (steps - 1);
        for (int i = 0; i < steps; i++) {
            t.setRaw(i, i == steps - 1 ? end : start + i * h);
        }
        return t;
    }

    /**
     * @param n rows and columns
     * @return FLOAT32 identity matrix
     */
    public static Tensor eye(int n) {
        return eye(DType.FLOAT32, n);
    }

    /**
     * @param dtype element type
     * @param n rows and columns
     * @return identity matrix
     */
    public static Tensor eye(DType dtype, int n) {
        Tensor t = empty(dtype, new int[] {n, n});
        for (int i = 0; i < n; i++) {
            t.setRaw(i * n + i, 1);
        }
        return t;
    }

    /**
     * @param rng generator (advanced by {@code numel} draws)
     * @param shape dimensions
     * @return FLOAT32 tensor of uniform samples in [0, 1)
     */
    public static Tensor rand(Rng rng, int... shape) {
        return rand(rng, DType.FLOAT32, shape);
    }

    /**
     * @param rng generator
     * @param dtype a floating dtype
     * @param shape dimensions
     * @return tensor of uniform samples in [0, 1)
     */
    public static Tensor rand(Rng rng, DType dtype, int... shape) {
        requireFloatingFactory("rand", dtype);
        Tensor t = empty(dtype, shape.clone());
        if (dtype == DType.FLOAT32) {
            for (int i = 0; i < t.numel; i++) {
                t.f[i] = rng.nextFloat();
            }
        } else {
            for (int i = 0; i < t.numel; i++) {
                t.d[i] = rng.nextDouble();
            }
        }
        return t;
    }

    /**
     * @param rng generator
     * @param shape dimensions
     * @return FLOAT32 tensor of standard normal samples
     */
    public static Tensor randn(Rng rng, int... shape) {
        return randn(rng, DType.FLOAT32, shape);
    }

    /**
     * @param rng generator
     * @param dtype a floating dtype
     * @param shape dimensions
     * @return tensor of standard normal samples
     */
    public static Tensor randn(Rng rng, DType dtype, int... shape) {
        requireFloatingFactory("randn", dtype);
        Tensor t = empty(dtype, shape.clone());
        for (int i = 0; i < t.numel; i++) {
            t.setRaw(i, rng.nextGaussian());
        }
        return t;
    }

    private static void requireFloatingFactory(String op, DType dtype) {
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException(op + ": dtype must be FLOAT32 or FLOAT64, got " + dtype);
        }
    }

    // =========================================================================================
    // Metadata and element access
    // =========================================================================================

    /** @return the element type */
    public DType dtype() {
        return dtype;
    }

    /** @return a copy of the shape */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * @param axis a dimension, negative counts from the end
     * @return the size of that dimension
     */
    public int size(int axis) {
        return shape[axis("size", axis, shape.length)];
    }

    /** @return the number of dimensions (0 for a scalar) */
    public int dim() {
        return shape.length;
    }

    /** @return the number of elements */
    public int numel() {
        return numel;
    }

    /** @return whether the elements are laid out densely in row-major order */
    public boolean isContiguous() {
        return contiguous;
    }

    /**
     * @return the value of a one-element tensor as a double (BOOL gives 1 or 0)
     * @throws IllegalStateException if the tensor has more than one element
     */
    public double item() {
        if (numel != 1) {
            throw new IllegalStateException("item: tensor of shape " + Arrays.toString(shape) + " has " + numel
                    + " elements; item() needs exactly one (reduce with sum()/mean() or index first)");
        }
        return getRaw(offset);
    }

    /**
     * @param index one index per dimension (negative counts from the end)
     * @return the element as a double
     */
    public double get(int... index) {
        return getRaw(storageIndex("get", index));
    }

    int storageIndex(String op, int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException(op + ": expected " + shape.length + " indices for shape "
                    + Arrays.toString(shape) + ", got " + Arrays.toString(index));
        }
        int p = offset;
        for (int i = 0; i < index.length; i++) {
            int ix = index[i] < 0 ? index[i] + shape[i] : index[i];
            if (ix < 0 || ix >= shape[i]) {
                throw new IllegalArgumentException(op + ": index " + index[i] + " is out of range for dimension " + i
                        + " of size " + shape[i] + " (shape " + Arrays.toString(shape) + ")");
            }
            p += ix * strides[i];
        }
        return p;
    }

    double getRaw(int storageIndex) {
        switch (dtype) {
            case FLOAT32: return f[storageIndex];
            case FLOAT64: return d[storageIndex];
            case INT64: return l[storageIndex];
            default: return bo[storageIndex] ? 1 : 0;
        }
    }

    void setRaw(int storageIndex, double v) {
        switch (dtype) {
            case FLOAT32: f[storageIndex] = (float) v; break;
            case FLOAT64: d[storageIndex] = v; break;
            case INT64: l[storageIndex] = (long) v; break;
            default: bo[storageIndex] = v != 0; break;
        }
    }

    /** @return a row-major copy of the elements as floats (converting from any dtype) */
    public float[] toFloatArray() {
        return (dtype == DType.FLOAT32 ? this : convert(DType.FLOAT32)).copyOut().f;
    }

    /** @return a row-major copy of the elements as doubles (converting from any dtype) */
    public double[] toDoubleArray() {
        return (dtype == DType.FLOAT64 ? this : convert(DType.FLOAT64)).copyOut().d;
    }

    /** @return a row-major copy of the elements as longs (floats truncate toward zero) */
    public long[] toLongArray() {
        return (dtype == DType.INT64 ? this : convert(DType.INT64)).copyOut().l;
    }

    /** @return a row-major copy of the elements as booleans (non-zero is true) */
    public boolean[] toBooleanArray() {
        return (dtype == DType.BOOL ? this : convert(DType.BOOL)).copyOut().bo;
    }

    /** A fresh contiguous copy with offset 0 and storage length == numel; no graph. */
    Tensor copyOut() {
        Tensor out = empty(dtype, shape.clone());
        Loops.copy(this, strides, out.storage(), 0, out.strides);
        return out;
    }

    /** This tensor if contiguous, else a contiguous copy; never records a graph. */
    Tensor dense() {
        return contiguous ? this : copyOut();
    }

    // =========================================================================================
    // Autograd API
    // =========================================================================================

    /** @return whether gradients flow to or through this tensor */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Marks a leaf tensor as a parameter whose gradient {@link #backward()} accumulates in
     * {@link #grad()}.
     *
     * @param requires the flag
     * @return this tensor
     * @throws IllegalStateException on a non-leaf (a result of a recorded op) or a non-float tensor
     */
    public Tensor requiresGrad(boolean requires) {
        if (gradFn != null) {
            throw new IllegalStateException("requiresGrad: only leaf tensors can change requiresGrad; this tensor is "
                    + "the result of '" + gradFn.op + "'. Use detach() to get a leaf that shares the data");
        }
        if (requires && !dtype.isFloating()) {
            throw new IllegalStateException("requiresGrad: only FLOAT32/FLOAT64 tensors can require grad, this one is "
                    + dtype + "; convert with .to(DType.FLOAT32)");
        }
        this.requiresGrad = requires;
        return this;
    }

    /** @return whether this tensor was created by the user rather than by a recorded op */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /** @return the name of the op that produced this tensor in the graph, or null for a leaf */
    public String gradFnName() {
        return gradFn == null ? null : gradFn.op;
    }

    /** @return the accumulated gradient, or null if no backward pass has reached this leaf yet */
    public Tensor grad() {
        return grad;
    }

    /**
     * Replaces the gradient (e.g. to load optimizer state). Null clears it.
     *
     * @param g a tensor of this tensor's shape and dtype, or null
     */
    public void setGrad(Tensor g) {
        if (g != null && (!Arrays.equals(g.shape, shape) || g.dtype != dtype)) {
            throw new IllegalArgumentException("setGrad: gradient must have shape " + Arrays.toString(shape) + " and dtype "
                    + dtype + ", got " + Arrays.toString(g.shape) + " " + g.dtype);
        }
        this.grad = g;
    }

    /** Sets the accumulated gradient to zeros in place (keeping its buffer); no-op without one. */
    public void zeroGrad() {
        if (grad != null) {
            if (grad.requiresGrad || grad.gradFn != null) {
                grad = null;
            } else {
                grad.fillRaw(0);
            }
        }
    }

    /**
     * Back-propagates from this scalar, accumulating gradients into every leaf that requires grad;
     * the graph is freed afterwards.
     *
     * @throws IllegalStateException if this tensor is not a scalar, does not require grad, or the
     *     graph was already freed by an earlier backward
     */
    public void backward() {
        Engine.backward(new Tensor[] {this}, null, false, false);
    }

    /**
     * @param gradient the gradient of some scalar with respect to this tensor (same shape and dtype)
     */
    public void backward(Tensor gradient) {
        Engine.backward(new Tensor[] {this}, new Tensor[] {gradient}, false, false);
    }

    /**
     * @param gradient the gradient with respect to this tensor, or null for a scalar
     * @param retainGraph keep the graph so that another backward can run through it
     * @param createGraph record the backward pass, making the accumulated gradients differentiable
     */
    public void backward(Tensor gradient, boolean retainGraph, boolean createGraph) {
        Engine.backward(new Tensor[] {this}, gradient == null ? null : new Tensor[] {gradient}, retainGraph, createGraph);
    }

    /** @return a leaf view of the same data that does not require grad */
    public Tensor detach() {
        return view(shape, strides, offset);
    }

    /** @return a contiguous copy (differentiable) */
    public Tensor copy() {
        Tensor out = copyOut();
        if (tracks(this)) {
            record(out, "copy", g -> new Tensor[] {g}, this);
        }
        return out;
    }

    /** @return this tensor if contiguous, else a contiguous copy (differentiable) */
    public Tensor contiguous() {
        return contiguous ? this : copy();
    }

    static boolean tracks(Tensor a) {
        return a.requiresGrad && GradMode.isEnabled();
    }

    static boolean tracks(Tensor a, Tensor b) {
        return (a.requiresGrad || b.requiresGrad) && GradMode.isEnabled();
    }

    static Tensor record(Tensor out, String op, Node.Backward fn, Tensor... inputs) {
        out.requiresGrad = true;
        out.gradFn = new Node(op, inputs, fn);
        return out;
    }

    // =========================================================================================
    // dtype conversion
    // =========================================================================================

    /**
     * @param target the dtype wanted
     * @return this tensor if it already has that dtype, else a converted copy (differentiable
     *     between FLOAT32 and FLOAT64; floats truncate toward zero when converted to INT64)
     */
    public Tensor to(DType target) {
        if (target == dtype) {
            return this;
        }
        Tensor out = convert(target);
        if (target.isFloating() && tracks(this)) {
            DType src = dtype;
            record(out, "to", g -> new Tensor[] {g.to(src)}, this);
        }
        return out;
    }

    private Tensor convert(DType target) {
        Tensor src = dense();
        Tensor out = empty(target, shape.clone());
        int o = src.offset;
        int n = numel;
        if (dtype == DType.FLOAT32 && target == DType.FLOAT64) {
            for (int i = 0; i < n; i++) {
                out.d[i] = src.f[o + i];
            }
        } else if (dtype == DType.FLOAT64 && target == DType.FLOAT32) {
            for (int i = 0; i < n; i++) {
                out.f[i] = (float) src.d[o + i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                out.setRaw(i, src.getRaw(o + i));
            }
        }
        return out;
    }

    // =========================================================================================
    // Checks and broadcasting helpers
    // =========================================================================================

    void requireFloating(String op) {
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException(op + ": needs a FLOAT32 or FLOAT64 tensor, got " + dtype
                    + " of shape " + Arrays.toString(shape) + "; convert with .to(DType.FLOAT32)");
        }
    }

    static void requireSameFloat(String op, Tensor a, Tensor b) {
        a.requireFloating(op);
        b.requireFloating(op);
        if (a.dtype != b.dtype) {
            DType wide = DType.FLOAT64;
            throw new IllegalArgumentException(op + ": dtypes differ (" + a.dtype + " vs " + b.dtype
                    + "); Heed does not promote silently — cast one operand, e.g. x.to(DType." + wide
                    + ") or x.to(DType.FLOAT32)");
        }
    }

    static int axis(String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for a tensor of rank " + rank
                    + " (valid: " + (-rank) + " .. " + (rank - 1) + ")");
        }
        return a;
    }

    static int[] broadcastShapes(String op, int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.length ? 1 : a[i - (r - a.length)];
            int db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast (dimension " + (i - r) + ": " + da + " vs " + db
                        + "); sizes must be equal or 1 when aligned from the right — reshape or unsqueeze one operand");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Strides that read this tensor as if expanded to {@code target} (0 on broadcast dims). */
    int[] broadcastStrides(int[] target) {
        int r = target.length;
        int lead = r - shape.length;
        int[] s = new int[r];
        for (int i = lead; i < r; i++) {
            s[i] = shape[i - lead] == 1 ? 0 : strides[i - lead];
        }
        return s;
    }

    /** Sums {@code g} down to {@code target} (the reverse of broadcasting); differentiable. */
    static Tensor sumTo(Tensor g, int[] target) {
        if (Arrays.equals(g.shape, target)) {
            return g;
        }
        int lead = g.shape.length - target.length;
        int[] axes = new int[g.shape.length];
        int n = 0;
        for (int i = 0; i < g.shape.length; i++) {
            if (i < lead || (target[i - lead] == 1 && g.shape[i] != 1)) {
                axes[n++] = i;
            }
        }
        Tensor s = n == 0 ? g : g.sum(Arrays.copyOf(axes, n), true);
        return Arrays.equals(s.shape, target) ? s : s.reshape(target);
    }

    // =========================================================================================
    // Elementwise binary ops
    // =========================================================================================

    static Tensor binaryForward(String op, BinaryOp kop, Tensor x, Tensor y) {
        requireSameFloat(op, x, y);
        int[] outShape;
        if (Arrays.equals(x.shape, y.shape)) {
            outShape = x.shape;
            if (x.contiguous && y.contiguous) {
                Tensor out = empty(x.dtype, outShape);
                if (x.dtype == DType.FLOAT32) {
                    K.binary(kop, x.f, x.offset, y.f, y.offset, out.f, 0, out.numel);
                } else {
                    K.binary(kop, x.d, x.offset, y.d, y.offset, out.d, 0, out.numel);
                }
                return out;
            }
        } else {
            outShape = broadcastShapes(op, x.shape, y.shape);
        }
        Tensor out = empty(x.dtype, outShape);
        int[] sx = x.broadcastStrides(outShape);
        int[] sy = y.broadcastStrides(outShape);
        if (x.dtype == DType.FLOAT32) {
            float[] xf = x.f;
            float[] yf = y.f;
            float[] of = out.f;
            Loops.iterate(outShape, x.offset, sx, y.offset, sy, 0, out.strides,
                    (a, b, c, n, sa, sb, sc) -> Loops.binRow(kop, xf, a, sa, yf, b, sb, of, c, sc, n));
        } else {
            double[] xd = x.d;
            double[] yd = y.d;
            double[] od = out.d;
            Loops.iterate(outShape, x.offset, sx, y.offset, sy, 0, out.strides,
                    (a, b, c, n, sa, sb, sc) -> Loops.binRow(kop, xd, a, sa, yd, b, sb, od, c, sc, n));
        }
        return out;
    }

    /**
     * @param other addend, broadcast against this tensor
     * @return {@code this + other}
     */
    public Tensor add(Tensor other) {
        Tensor out = binaryForward("add", BinaryOp.ADD, this, other);
        if (tracks(this, other)) {
            Tensor a = this;
            Tensor b = other;
            record(out, "add", g -> new Tensor[] {
                a.requiresGrad ? sumTo(g, a.shape) : null,
                b.requiresGrad ? sumTo(g, b.shape) : null}, a, b);
        }
        return out;
    }

    /**
     * @param other subtrahend, broadcast against this tensor
     * @return {@code this - other}
     */
    public Tensor sub(Tensor other) {
        Tensor out = binaryForward("sub", BinaryOp.SUB, this, other);
        if (tracks(this, other)) {
            Tensor a = this;
            Tensor b = other;
            record(out, "sub", g -> new Tensor[] {
                a.requiresGrad ? sumTo(g, a.shape) : null,
                b.requiresGrad ? sumTo(g.neg(), b.shape) : null}, a, b);
        }
        return out;
    }

    /**
     * @param other factor, broadcast against this tensor
     * @return {@code this * other} elementwise
     */
    public Tensor mul(Tensor other) {
        Tensor out = binaryForward("mul", BinaryOp.MUL, this, other);
        if (tracks(this, other)) {
            Tensor a = this;
            Tensor b = other;
            record(out, "mul", g -> new Tensor[] {
                a.requiresGrad ? sumTo(g.mul(b), a.shape) : null,
                b.requiresGrad ? sumTo(g.mul(a), b.shape) : null}, a, b);
        }
        return out;
    }

    /**
     * @param other divisor, broadcast against this tensor
     * @return {@code this / other} elementwise (IEEE semantics: division by zero gives ±inf/NaN)
     */
    public Tensor div(Tensor other) {
        Tensor out = binaryForward("div", BinaryOp.DIV, this, other);
        if (tracks(this, other)) {
            Tensor a = this;
            Tensor b = other;
            record(out, "div", g -> new Tensor[] {
                a.requiresGrad ? sumTo(g.div(b), a.shape) : null,
                b.requiresGrad ? sumTo(g.mul(a).div(b.mul(b)).neg(), b.shape) : null}, a, b);
        }
        return out;
    }

    /**
     * @param exponent exponent tensor, broadcast against this tensor
     * @return {@code this ^ exponent} elementwise
     */
    public Tensor pow(Tensor exponent) {
        requireSameFloat("pow", this, exponent);
        int[] outShape = broadcastShapes("pow", shape, exponent.shape);
        Tensor out = empty(dtype, outShape);
        int[] sx = broadcastStrides(outShape);
        int[] sy = exponent.broadcastStrides(outShape);
        Tensor x = this;
        Loops.iterate(outShape, offset, sx, exponent.offset, sy, 0, out.strides, (a, b, c, n, sa, sb, sc) -> {
            for (int i = 0; i < n; i++, a += sa, b += sb, c += sc) {
                out.setRaw(c, Math.pow(x.getRaw(a), exponent.getRaw(b)));
            }
        });
        if (tracks(this, exponent)) {
            Tensor e = exponent;
            record(out, "pow", g -> new Tensor[] {
                x.requiresGrad ? sumTo(g.mul(e).mul(x.pow(e.sub(1.0))), x.shape) : null,
                e.requiresGrad ? sumTo(g.mul(out).mul(x.log()), e.shape) : null}, x, e);
        }
        return out;
    }

    // ---- scalar overloads -------------------------------------------------------------------

    private static final int S_ADD = 0;
    private static final int S_MUL = 1;
    private static final int S_DIV = 2;
    private static final int S_RSUB = 3;
    private static final int S_POW = 4;

    private Tensor scalarForward(String op, int kind, double s) {
        requireFloating(op);
        Tensor x = dense();
        Tensor out = empty(dtype, shape);
        int o = x.offset;
        int n = numel;
        if (dtype == DType.FLOAT32) {
            float[] xf = x.f;
            float[] of = out.f;
            float sf = (float) s;
            switch (kind) {
                case S_ADD: for (int i = 0; i < n; i++) { of[i] = xf[o + i] + sf; } break;
                case S_MUL: for (int i = 0; i < n; i++) { of[i] = xf[o + i] * sf; } break;
                case S_DIV: for (int i = 0; i < n; i++) { of[i] = xf[o + i] / sf; } break;
                case S_RSUB: for (int i = 0; i < n; i++) { of[i] = sf - xf[o + i]; } break;
                default:
                    if (s == 2) {
                        for (int i = 0; i < n; i++) { of[i] = xf[o + i] * xf[o + i]; }
                    } else {
                        for (int i = 0; i < n; i++) { of[i] = (float) Math.pow(xf[o + i], s); }
                    }
            }
        } else {
            double[] xd = x.d;
            double[] od = out.d;
            switch (kind) {
                case S_ADD: for (int i = 0; i < n; i++) { od[i] = xd[o + i] + s; } break;
                case S_MUL: for (int i = 0; i < n; i++) { od[i] = xd[o + i] * s; } break;
                case S_DIV: for (int i = 0; i < n; i++) { od[i] = xd[o + i] / s; } break;
                case S_RSUB: for (int i = 0; i < n; i++) { od[i] = s - xd[o + i]; } break;
                default:
                    if (s == 2) {
                        for (int i = 0; i < n; i++) { od[i] = xd[o + i] * xd[o + i]; }
                    } else {
                        for (int i = 0; i < n; i++) { od[i] = Math.pow(xd[o + i], s); }
                    }
            }
        }
        return out;
    }

    /**
     * @param s scalar addend
     * @return {@code this + s}
     */
    public Tensor add(double s) {
        Tensor out = scalarForward("add", S_ADD, s);
        if (tracks(this)) {
            record(out, "add", g -> new Tensor[] {g}, this);
        }
        return out;
    }

    /**
     * @param s scalar subtrahend
     * @return {@code this - s}
     */
    public Tensor sub(double s) {
        Tensor out = scalarForward("sub", S_ADD, -s);
        if (tracks(this)) {
            record(out, "sub", g -> new Tensor[] {g}, this);
        }
        return out;
    }

    /**
     * @param s scalar minuend
     * @return {@code s - this} (like {@code torch.rsub})
     */
    public Tensor rsub(double s) {
        Tensor out = scalarForward("rsub", S_RSUB, s);
        if (tracks(this)) {
            record(out, "rsub", g -> new Tensor[] {g.neg()}, this);
        }
        return out;
    }

    /**
     * @param s scalar factor
     * @return {@code this * s}
     */
    public Tensor mul(double s) {
        Tensor out = scalarForward("mul", S_MUL, s);
        if (tracks(this)) {
            record(out, "mul", g -> new Tensor[] {g.mul(s)}, this);
        }
        return out;
    }

    /**
     * @param s scalar divisor
     * @return {@code this / s}
     */
    public Tensor div(double s) {
        Tensor out = scalarForward("div", S_DIV, s);
        if (tracks(this)) {
            record(out, "div", g -> new Tensor[] {g.div(s)}, this);
        }
        return out;
    }

    /**
     * @param p exponent
     * @return {@code this ^ p} elementwise
     */
    public Tensor pow(double p) {
        Tensor out = scalarForward("pow", S_POW, p);
        if (tracks(this)) {
            Tensor x = this;
            record(out, "pow", g -> new Tensor[] {
                p == 0 ? g.mul(0.0) : p == 1 ? g : p == 2 ? g.mul(x).mul(2.0) : g.mul(x.pow(p - 1).mul(p))}, x);
        }
        return out;
    }

    // =========================================================================================
    // Elementwise unary ops
    // =========================================================================================

    private Tensor unaryForward(String op, UnaryOp kop) {
        requireFloating(op);
        Tensor x = dense();
        Tensor out = empty(dtype, shape);
        if (dtype == DType.FLOAT32) {
            K.unary(kop, x.f, x.offset, out.f, 0, numel);
        } else {
            K.unary(kop, x.d, x.offset, out.d, 0, numel);
        }
        return out;
    }

    /** @return {@code -this} */
    public Tensor neg() {
        Tensor out = unaryForward("neg", UnaryOp.NEG);
        if (tracks(this)) {
            record(out, "neg", g -> new Tensor[] {g.neg()}, this);
        }
        return out;
    }

    /** @return {@code e^this} elementwise */
    public Tensor exp() {
        Tensor out = unaryForward("exp", UnaryOp.EXP);
        if (tracks(this)) {
            record(out, "exp", g -> new Tensor[] {g.mul(out)}, this);
        }
        return out;
    }

    /** @return natural logarithm elementwise (log 0 = -inf, negative gives NaN) */
    public Tensor log() {
        Tensor out = unaryForward("log", UnaryOp.LOG);
        if (tracks(this)) {
            Tensor x = this;
            record(out, "log", g -> new Tensor[] {g.div(x)}, this);
        }
        return out;
    }

    /** @return hyperbolic tangent elementwise */
    public Tensor tanh() {
        Tensor out = unaryForward("tanh", UnaryOp.TANH);
        if (tracks(this)) {
            record(out, "tanh", g -> new Tensor[] {
                GradMode.isEnabled() || g.requiresGrad ? g.mul(out.mul(out).rsub(1.0)) : fusedTanhGrad(g, out)}, this);
        }
        return out;
    }

    /** @return logistic sigmoid {@code 1 / (1 + e^-x)} elementwise */
    public Tensor sigmoid() {
        Tensor out = unaryForward("sigmoid", UnaryOp.SIGMOID);
        if (tracks(this)) {
            record(out, "sigmoid", g -> new Tensor[] {g.mul(out.mul(out.rsub(1.0)))}, this);
        }
        return out;
    }

    /** @return {@code max(this, 0)} elementwise; the gradient at 0 is 0 */
    public Tensor relu() {
        Tensor out = unaryForward("relu", UnaryOp.RELU);
        if (tracks(this)) {
            Tensor x = this;
            record(out, "relu", g -> new Tensor[] {g.mul(positiveMask(x))}, this);
        }
        return out;
    }

    /** @return square root elementwise */
    public Tensor sqrt() {
        Tensor out = unaryForward("sqrt", UnaryOp.SQRT);
        if (tracks(this)) {
            record(out, "sqrt", g -> new Tensor[] {g.div(out.mul(2.0))}, this);
        }
        return out;
    }

    /** @return absolute value elementwise; the gradient at 0 is 0 */
    public Tensor abs() {
        Tensor out = unaryForward("abs", UnaryOp.ABS);
        if (tracks(this)) {
            Tensor x = this;
            record(out, "abs", g -> new Tensor[] {g.mul(signOf(x))}, this);
        }
        return out;
    }

    /** 1 where x &gt; 0 else 0, same float dtype, no graph. */
    static Tensor positiveMask(Tensor x) {
        Tensor xd = x.dense();
        Tensor m = empty(x.dtype, x.shape);
        int o = xd.offset;
        if (x.dtype == DType.FLOAT32) {
            for (int i = 0; i < m.numel; i++) {
                m.f[i] = xd.f[o + i] > 0 ? 1f : 0f;
            }
        } else {
            for (int i = 0; i < m.numel; i++) {
                m.d[i] = xd.d[o + i] > 0 ? 1 : 0;
            }
        }
        return m;
    }

    /** Sign of x (0 at 0), no graph. */
    static Tensor signOf(Tensor x) {
        Tensor xd = x.dense();
        Tensor m = empty(x.dtype, x.shape);
        for (int i = 0; i < m.numel; i++) {
            m.setRaw(i, Math.signum(xd.getRaw(xd.offset + i)));
        }
        return m;
    }

    /** g * (1 - y^2) in one pass, used when the backward itself is not recorded. */
    private static Tensor fusedTanhGrad(Tensor g, Tensor y) {
        Tensor gd = g.dense();
        Tensor out = empty(y.dtype, y.shape);
        int go = gd.offset;
        if (y.dtype == DType.FLOAT32) {
            float[] gf = gd.f;
            float[] yf = y.f;
            float[] of = out.f;
            for (int i = 0; i < of.length; i++) {
                float v = yf[i];
                of[i] = gf[go + i] * (1f - v * v);
            }
        } else {
            double[] gv = gd.d;
            double[] yv = y.d;
            double[] ov = out.d;
            for (int i = 0; i < ov.length; i++) {
                double v = yv[i];
                ov[i] = gv[go + i] * (1 - v * v);
            }
        }
        return out;
    }

    // =========================================================================================
    // Reductions
    // =========================================================================================

    /** @return the sum of all elements as a scalar */
    public Tensor sum() {
        return reduceSum("sum", allAxes(), false, 1.0);
    }

    /**
     * @param axis dimension to reduce (negative counts from the end)
     * @return sum over that axis, which is removed
     */
    public Tensor sum(int axis) {
        return reduceSum("sum", new int[] {axis}, false, 1.0);
    }

    /**
     * @param axis dimension to reduce
     * @param keepDims keep the reduced dimension with size 1
     * @return the sum over {@code axis}
     */
    public Tensor sum(int axis, boolean keepDims) {
        return reduceSum("sum", new int[] {axis}, keepDims, 1.0);
    }

    /**
     * @param axes dimensions to reduce (distinct; negative count from the end; empty means none)
     * @param keepDims keep reduced dimensions with size 1
     * @return the sum over {@code axes}
     */
    public Tensor sum(int[] axes, boolean keepDims) {
        return reduceSum("sum", axes, keepDims, 1.0);
    }

    /** @return the mean of all elements as a scalar */
    public Tensor mean() {
        return reduceSum("mean", allAxes(), false, Double.NaN);
    }

    /**
     * @param axis dimension to average over (removed)
     * @return the mean over {@code axis}
     */
    public Tensor mean(int axis) {
        return reduceSum("mean", new int[] {axis}, false, Double.NaN);
    }

    /**
     * @param axis dimension to average over
     * @param keepDims keep it with size 1
     * @return the mean over {@code axis}
     */
    public Tensor mean(int axis, boolean keepDims) {
        return reduceSum("mean", new int[] {axis}, keepDims, Double.NaN);
    }

    /**
     * @param axes dimensions to average over
     * @param keepDims keep them with size 1
     * @return the mean over {@code axes}
     */
    public Tensor mean(int[] axes, boolean keepDims) {
        return reduceSum("mean", axes, keepDims, Double.NaN);
    }

    int[] allAxes() {
        int[] a = new int[shape.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        return a;
    }

    /** Normalised, sorted, distinct axes; errors name the op. */
    boolean[] axisMask(String op, int[] axes) {
        boolean[] m = new boolean[shape.length];
        for (int ax : axes) {
            int a = axis(op, ax, shape.length);
            if (m[a]) {
                throw new IllegalArgumentException(op + ": axis " + ax + " is listed twice in " + Arrays.toString(axes));
            }
            m[a] = true;
        }
        return m;
    }

    static int[] reducedShape(int[] shape, boolean[] mask, boolean keepDims) {
        int n = 0;
        for (int i = 0; i < shape.length; i++) {
            if (keepDims || !mask[i]) {
                n++;
            }
        }
        int[] out = new int[n];
        int j = 0;
        for (int i = 0; i < shape.length; i++) {
            if (!mask[i]) {
                out[j++] = shape[i];
            } else if (keepDims) {
                out[j++] = 1;
            }
        }
        return out;
    }

    /** scale NaN means "mean": divide by the number of reduced elements. */
    private Tensor reduceSum(String op, int[] axes, boolean keepDims, double scale) {
        requireFloating(op);
        boolean[] mask = axisMask(op, axes);
        int[] keepShape = reducedShape(shape, mask, true);
        int[] outShape = keepDims ? keepShape : reducedShape(shape, mask, false);
        int count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (mask[i]) {
                count *= shape[i];
            }
        }
        double sc = Double.isNaN(scale) ? 1.0 / count : scale;
        Tensor out = empty(dtype, outShape);
        sumInto(mask, count, sc, out);
        if (tracks(this)) {
            int[] inShape = shape;
            record(out, op, g -> {
                Tensor gk = keepDims ? g : g.reshape(keepShape);
                if (sc != 1.0) {
                    gk = gk.mul(sc);
                }
                return new Tensor[] {gk.expand(inShape)};
            }, this);
        }
        return out;
    }

    private void sumInto(boolean[] mask, int count, double sc, Tensor out) {
        if (numel == 0) {
            return;
        }
        int r = shape.length;
        int lastKept = -1;
        int firstReduced = r;
        int lastReduced = -1;
        int firstKept = r;
        for (int i = 0; i < r; i++) {
            if (shape[i] == 1) {
                continue;
            }
            if (mask[i]) {
                firstReduced = Math.min(firstReduced, i);
                lastReduced = i;
            } else {
                lastKept = i;
                firstKept = Math.min(firstKept, i);
            }
        }
        boolean suffix = lastKept < firstReduced;
        boolean prefix = lastReduced < firstKept;
        Tensor x = this;
        if (!contiguous || (!suffix && !prefix)) {
            // move reduced axes last, then copy densely
            int[] perm = new int[r];
            int j = 0;
            for (int i = 0; i < r; i++) {
                if (!mask[i]) {
                    perm[j++] = i;
                }
            }
            for (int i = 0; i < r; i++) {
                if (mask[i]) {
                    perm[j++] = i;
                }
            }
            int[] ps = new int[r];
            int[] pst = new int[r];
            for (int i = 0; i < r; i++) {
                ps[i] = shape[perm[i]];
                pst[i] = strides[perm[i]];
            }
            x = new Tensor(dtype, ps, pst, offset, storage()).copyOut();
            suffix = true;
        }
        int rows = out.numel;
        if (suffix) {
            int o = x.offset;
            if (dtype == DType.FLOAT32) {
                for (int i = 0; i < rows; i++) {
                    out.f[i] = (float) (K.sum(x.f, o + i * count, count) * sc);
                }
            } else {
                for (int i = 0; i < rows; i++) {
                    out.d[i] = K.sum(x.d, o + i * count, count) * sc;
                }
            }
        } else {
            int o = x.offset;
            int cols = rows;
            if (dtype == DType.FLOAT32) {
                float[] acc = out.f;
                System.arraycopy(x.f, o, acc, 0, cols);
                for (int i = 1; i < count; i++) {
                    K.binary(BinaryOp.ADD, acc, 0, x.f, o + i * cols, acc, 0, cols);
                }
                if (sc != 1.0) {
                    float s = (float) sc;
                    for (int i = 0; i < cols; i++) {
                        acc[i] *= s;
                    }
                }
            } else {
                double[] acc = out.d;
                System.arraycopy(x.d, o, acc, 0, cols);
                for (int i = 1; i < count; i++) {
                    K.binary(BinaryOp.ADD, acc, 0, x.d, o + i * cols, acc, 0, cols);
                }
                if (sc != 1.0) {
                    for (int i = 0; i < cols; i++) {
                        acc[i] *= sc;
                    }
                }
            }
        }
    }

    // =========================================================================================
    // Matrix product
    // =========================================================================================

    /**
     * Matrix product with {@code torch.matmul} semantics: 1-D operands are treated as a row (left)
     * or column (right) vector and that dimension is removed from the result; for rank &ge; 2 the
     * last two dimensions multiply ({@code [..., m, k] @ [..., k, n] -> [..., m, n]}) and the
     * leading batch dimensions broadcast. Transposed views are passed to the kernel as transposed
     * operands without a copy.
     *
     * @param other right operand, same float dtype
     * @return the product
     * @throws IllegalArgumentException on a scalar operand, mismatched inner dimensions, batch
     *     dimensions that do not broadcast or differing dtypes
     */
    public Tensor matmul(Tensor other) {
        requireSameFloat("matmul", this, other);
        if (shape.length == 0 || other.shape.length == 0) {
            throw new IllegalArgumentException("matmul: both operands need at least one dimension, got "
                    + Arrays.toString(shape) + " @ " + Arrays.toString(other.shape) + "; use mul() for scalars");
        }
        if (shape.length == 1 && other.shape.length == 1) {
            if (shape[0] != other.shape[0]) {
                throw new IllegalArgumentException("matmul: vectors " + Arrays.toString(shape) + " @ "
                        + Arrays.toString(other.shape) + " — lengths differ (" + shape[0] + " vs " + other.shape[0] + ")");
            }
            return unsqueeze(0).matmul(other.unsqueeze(1)).reshape();
        }
        if (shape.length == 1) {
            return unsqueeze(0).matmul(other).squeeze(-2);
        }
        if (other.shape.length == 1) {
            return matmul(other.unsqueeze(1)).squeeze(-1);
        }
        Tensor out = matmulForward(this, other);
        if (tracks(this, other)) {
            Tensor a = this;
            Tensor b = other;
            record(out, "matmul", g -> new Tensor[] {
                a.requiresGrad ? sumTo(g.matmul(b.mT()), a.shape) : null,
                b.requiresGrad ? sumTo(a.mT().matmul(g), b.shape) : null}, a, b);
        }
        return out;
    }

    /** @return the last two dimensions swapped (a view), like {@code x.mT} */
    public Tensor mT() {
        if (shape.length < 2) {
            throw new IllegalArgumentException("mT: needs at least 2 dimensions, got shape " + Arrays.toString(shape));
        }
        return transpose(-2, -1);
    }

    /** @return the transpose of a matrix (a view); vectors and scalars are returned unchanged */
    public Tensor t() {
        if (shape.length > 2) {
            throw new IllegalArgumentException("t: expects a tensor with at most 2 dimensions, got shape "
                    + Arrays.toString(shape) + "; use transpose(d0, d1) or mT()");
        }
        return shape.length < 2 ? this : transpose(0, 1);
    }

    /** {trans(0/1), leading dimension} of the last two dims, or null when the layout needs a copy. */
    private static int[] matLayout(Tensor t) {
        int r = t.shape.length;
        int rows = t.shape[r - 2];
        int cols = t.shape[r - 1];
        int sr = t.strides[r - 2];
        int sc = t.strides[r - 1];
        if ((cols <= 1 || sc == 1) && (rows <= 1 || sr >= Math.max(cols, 1))) {
            return new int[] {0, rows <= 1 ? Math.max(cols, 1) : sr};
        }
        if ((rows <= 1 || sr == 1) && (cols <= 1 || sc >= Math.max(rows, 1))) {
            return new int[] {1, cols <= 1 ? Math.max(rows, 1) : sc};
        }
        return null;
    }

    /** Single stride S with offset(i) = i*S over the flattened batch, or -1 if none exists. */
    private static long collapseStride(int[] bshape, int[] bstrides) {
        long s = -1;
        long inner = 1;
        for (int d = bshape.length - 1; d >= 0; d--) {
            if (bshape[d] == 1) {
                continue;
            }
            if (s < 0) {
                s = bstrides[d];
            } else if (bstrides[d] != s * inner) {
                return -1;
            }
            inner *= bshape[d];
        }
        return s < 0 ? 0 : s;
    }

    static Tensor matmulForward(Tensor a, Tensor b) {
        int ra = a.shape.length;
        int rb = b.shape.length;
        int m = a.shape[ra - 2];
        int k = a.shape[ra - 1];
        int k2 = b.shape[rb - 2];
        int n = b.shape[rb - 1];
        if (k != k2) {
            String hint = b.shape[rb - 1] == k ? "; did you mean other.mT() (b.transpose(-2, -1))?" : "";
            throw new IllegalArgumentException("matmul: " + Arrays.toString(a.shape) + " @ " + Arrays.toString(b.shape)
                    + " — inner dimensions differ (" + k + " vs " + k2 + ")" + hint);
        }
        int[] ba = Arrays.copyOf(a.shape, ra - 2);
        int[] bb = Arrays.copyOf(b.shape, rb - 2);
        int[] batchShape;
        try {
            batchShape = broadcastShapes("matmul", ba, bb);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matmul: " + Arrays.toString(a.shape) + " @ " + Arrays.toString(b.shape)
                    + " — batch dimensions " + Arrays.toString(ba) + " and " + Arrays.toString(bb) + " do not broadcast", e);
        }
        int[] outShape = Arrays.copyOf(batchShape, batchShape.length + 2);
        outShape[batchShape.length] = m;
        outShape[batchShape.length + 1] = n;
        Tensor out = empty(a.dtype, outShape);
        if (out.numel == 0) {
            return out;
        }
        int[] la = matLayout(a);
        if (la == null) {
            a = a.copyOut();
            la = new int[] {0, Math.max(k, 1)};
        }
        int[] lb = matLayout(b);
        if (lb == null) {
            b = b.copyOut();
            lb = new int[] {0, Math.max(n, 1)};
        }
        boolean ta = la[0] == 1;
        boolean tb = lb[0] == 1;
        int batch = 1;
        for (int s : batchShape) {
            batch *= s;
        }
        int ldc = Math.max(n, 1);
        if (batch == 1) {
            gemm(a, ta, la[1], a.offset, b, tb, lb[1], b.offset, out, 0, m, n, k, ldc);
            return out;
        }
        int[] sa = Arrays.copyOf(new Tensor(a.dtype, ba, Arrays.copyOf(a.strides, ra - 2), 0, a.storage())
                .broadcastStrides(batchShape), batchShape.length);
        int[] sb = new Tensor(b.dtype, bb, Arrays.copyOf(b.strides, rb - 2), 0, b.storage()).broadcastStrides(batchShape);
        long csa = collapseStride(batchShape, sa);
        long csb = collapseStride(batchShape, sb);
        if (csb == 0 && !ta && csa == (long) m * la[1]) {
            // [B, m, k] @ [k, n]: one product with B*m rows
            gemm(a, false, la[1], a.offset, b, tb, lb[1], b.offset, out, 0, batch * m, n, k, ldc);
            return out;
        }
        if (csa >= 0 && csb >= 0) {
            if (a.dtype == DType.FLOAT32) {
                K.sgemmBatched(ta, tb, m, n, k, 1f, a.f, a.offset, la[1], csa, b.f, b.offset, lb[1], csb,
                        0f, out.f, 0, ldc, (long) m * n, batch);
            } else {
                K.dgemmBatched(ta, tb, m, n, k, 1.0, a.d, a.offset, la[1], csa, b.d, b.offset, lb[1], csb,
                        0.0, out.d, 0, ldc, (long) m * n, batch);
            }
            return out;
        }
        int[] idx = new int[batchShape.length];
        for (int i = 0; i < batch; i++) {
            int oa = a.offset;
            int ob = b.offset;
            for (int dd = 0; dd < idx.length; dd++) {
                oa += idx[dd] * sa[dd];
                ob += idx[dd] * sb[dd];
            }
            gemm(a, ta, la[1], oa, b, tb, lb[1], ob, out, i * m * n, m, n, k, ldc);
            for (int dd = idx.length - 1; dd >= 0; dd--) {
                if (++idx[dd] < batchShape[dd]) {
                    break;
                }
                idx[dd] = 0;
            }
        }
        return out;
    }

    private static void gemm(Tensor a, boolean ta, int lda, int aOff, Tensor b, boolean tb, int ldb, int bOff,
                             Tensor c, int cOff, int m, int n, int k, int ldc) {
        if (a.dtype == DType.FLOAT32) {
            K.sgemm(ta, tb, m, n, k, 1f, a.f, aOff, lda, b.f, bOff, ldb, 0f, c.f, cOff, ldc);
        } else {
            K.dgemm(ta, tb, m, n, k, 1.0, a.d, aOff, lda, b.d, bOff, ldb, 0.0, c.d, cOff, ldc);
        }
    }

    // =========================================================================================
    // Shape ops
    // =========================================================================================

    /**
     * @param newShape the new shape; one entry may be -1 to infer it; none gives a scalar
     * @return a view when this tensor is contiguous, else a copy, with the same elements in
     *     row-major order
     * @throws IllegalArgumentException when the element counts differ
     */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape: only one dimension can be -1, got " + Arrays.toString(newShape));
                }
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("reshape: invalid size " + s[i] + " in " + Arrays.toString(newShape));
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel % known != 0) {
                throw new IllegalArgumentException("reshape: cannot infer -1 in " + Arrays.toString(newShape) + " for "
                        + numel + " elements (shape " + Arrays.toString(shape) + ")");
            }
            s[infer] = (int) (numel / known);
            known *= s[infer];
        }
        if (known != numel) {
            throw new IllegalArgumentException("reshape: cannot view shape " + Arrays.toString(shape) + " (" + numel
                    + " elements) as " + Arrays.toString(newShape) + " (" + known + " elements)");
        }
        if (Arrays.equals(s, shape)) {
            return this;
        }
        Tensor src = contiguous ? this : copyOut();
        Tensor out = new Tensor(dtype, s, Loops.contiguousStrides(s), src.offset, src.storage());
        if (tracks(this)) {
            int[] in = shape;
            record(out, "reshape", g -> new Tensor[] {g.reshape(in)}, this);
        }
        return out;
    }

    /** @return a 1-D view or copy of all elements */
    public Tensor flatten() {
        return reshape(-1);
    }

    /**
     * @param dim0 a dimension
     * @param dim1 another dimension
     * @return a view with the two dimensions swapped
     */
    public Tensor transpose(int dim0, int dim1) {
        int a = axis("transpose", dim0, shape.length);
        int b = axis("transpose", dim1, shape.length);
        if (a == b) {
            return this;
        }
        int[] s = shape.clone();
        int[] st = strides.clone();
        s[a] = shape[b];
        s[b] = shape[a];
        st[a] = strides[b];
        st[b] = strides[a];
        Tensor out = view(s, st, offset);
        if (tracks(this)) {
            record(out, "transpose", g -> new Tensor[] {g.transpose(a, b)}, this);
        }
        return out;
    }

    /**
     * @param dims a permutation of {@code 0..dim()-1} (negative entries count from the end)
     * @return a view whose dimension i is this tensor's dimension {@code dims[i]}
     */
    public Tensor permute(int... dims) {
        int r = shape.length;
        if (dims.length != r) {
            throw new IllegalArgumentException("permute: expected " + r + " dimensions for shape "
                    + Arrays.toString(shape) + ", got " + Arrays.toString(dims));
        }
        int[] p = new int[r];
        boolean[] seen = new boolean[r];
        for (int i = 0; i < r; i++) {
            p[i] = axis("permute", dims[i], r);
            if (seen[p[i]]) {
                throw new IllegalArgumentException("permute: " + Arrays.toString(dims) + " is not a permutation of 0.." + (r - 1));
            }
            seen[p[i]] = true;
        }
        int[] s = new int[r];
        int[] st = new int[r];
        int[] inv = new int[r];
        for (int i = 0; i < r; i++) {
            s[i] = shape[p[i]];
            st[i] = strides[p[i]];
            inv[p[i]] = i;
        }
        Tensor out = view(s, st, offset);
        if (tracks(this)) {
            record(out, "permute", g -> new Tensor[] {g.permute(inv)}, this);
        }
        return out;
    }

    /**
     * @param dim where to insert a dimension of size 1, in {@code [-dim()-1, dim()]}
     * @return a view with one more dimension
     */
    public Tensor unsqueeze(int dim) {
        int r = shape.length;
        int a = axis("unsqueeze", dim, r + 1);
        int[] s = new int[r + 1];
        int[] st = new int[r + 1];
        for (int i = 0, j = 0; i <= r; i++) {
            if (i == a) {
                s[i] = 1;
                st[i] = a < r ? strides[a] * shape[a] : 1;
            } else {
                s[i] = shape[j];
                st[i] = strides[j];
                j++;
            }
        }
        Tensor out = view(s, st, offset);
        if (tracks(this)) {
            record(out, "unsqueeze", g -> new Tensor[] {g.squeeze(a)}, this);
        }
        return out;
    }

    /**
     * @param dim a dimension; if its size is not 1 the tensor is returned unchanged (as in PyTorch)
     * @return a view without that dimension
     */
    public Tensor squeeze(int dim) {
        int a = axis("squeeze", dim, shape.length);
        if (shape[a] != 1) {
            return this;
        }
        return dropDims(new boolean[shape.length], a);
    }

    /** @return a view with every size-1 dimension removed */
    public Tensor squeeze() {
        boolean[] drop = new boolean[shape.length];
        boolean any = false;
        for (int i = 0; i < shape.length; i++) {
            drop[i] = shape[i] == 1;
            any |= drop[i];
        }
        return any ? dropDims(drop, -1) : this;
    }

    private Tensor dropDims(boolean[] drop, int also) {
        if (also >= 0) {
            drop[also] = true;
        }
        int n = 0;
        for (boolean b : drop) {
            if (!b) {
                n++;
            }
        }
        int[] s = new int[n];
        int[] st = new int[n];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (!drop[i]) {
                s[j] = shape[i];
                st[j] = strides[i];
                j++;
            }
        }
        Tensor out = view(s, st, offset);
        if (tracks(this)) {
            int[] in = shape;
            record(out, "squeeze", g -> new Tensor[] {g.reshape(in)}, this);
        }
        return out;
    }

    /**
     * Broadcasts this tensor to {@code sizes} without copying (stride 0 on expanded dimensions).
     *
     * @param sizes target shape; -1 keeps a dimension; new leading dimensions may be added
     * @return an expanded view (do not write into it)
     */
    public Tensor expand(int... sizes) {
        int r = sizes.length;
        int lead = r - shape.length;
        if (lead < 0) {
            throw new IllegalArgumentException("expand: target " + Arrays.toString(sizes) + " has fewer dimensions than "
                    + Arrays.toString(shape));
        }
        int[] s = new int[r];
        int[] st = new int[r];
        for (int i = 0; i < r; i++) {
            int src = i < lead ? 1 : shape[i - lead];
            int want = sizes[i] == -1 && i >= lead ? src : sizes[i];
            if (want != src && src != 1 || want < 0) {
                throw new IllegalArgumentException("expand: cannot expand shape " + Arrays.toString(shape) + " to "
                        + Arrays.toString(sizes) + " (dimension " + i + ": " + src + " -> " + sizes[i]
                        + "); only size-1 dimensions can grow");
            }
            s[i] = want;
            st[i] = i < lead || (src == 1 && want != 1) ? 0 : strides[i - lead];
        }
        if (Arrays.equals(s, shape)) {
            return this;
        }
        Tensor out = view(s, st, offset);
        if (tracks(this)) {
            int[] in = shape;
            record(out, "expand", g -> new Tensor[] {sumTo(g, in)}, this);
        }
        return out;
    }

    // =========================================================================================
    // Softmax family
    // =========================================================================================

    /**
     * Numerically stable softmax along {@code axis}. A slice that is entirely -inf (fully masked)
     * gives zeros, in value and gradient, never NaN.
     *
     * @param axis the dimension that sums to 1
     * @return the softmax
     */
    public Tensor softmax(int axis) {
        requireFloating("softmax");
        int a = axis("softmax", axis, Math.max(shape.length, 1));
        Tensor out = empty(dtype, shape);
        softmaxForward(dense(), out, a, false);
        if (tracks(this)) {
            record(out, "softmax", g -> {
                Tensor gy = g.mul(out);
                return new Tensor[] {gy.sub(out.mul(gy.sum(a, true)))};
            }, this);
        }
        return out;
    }

    /**
     * Numerically stable log-softmax along {@code axis}. A slice that is entirely -inf gives
     * zeros, in value and gradient, never NaN.
     *
     * @param axis the dimension to normalise
     * @return {@code x - logSumExp(x, axis)}
     */
    public Tensor logSoftmax(int axis) {
        requireFloating("logSoftmax");
        int a = axis("logSoftmax", axis, Math.max(shape.length, 1));
        Tensor out = empty(dtype, shape);
        Tensor validRows = softmaxForward(dense(), out, a, true);
        if (tracks(this)) {
            record(out, "logSoftmax", g -> {
                Tensor dx = g.sub(out.exp().mul(g.sum(a, true)));
                return new Tensor[] {validRows == null ? dx : dx.mul(validRows)};
            }, this);
        }
        return out;
    }

    /**
     * Writes softmax (or log-softmax) of contiguous x into out. Returns null when every slice had
     * a finite maximum, else a keepDims-shaped 0/1 tensor marking the valid slices.
     */
    private static Tensor softmaxForward(Tensor x, Tensor out, int axis, boolean log) {
        int r = x.shape.length;
        int n = r == 0 ? 1 : x.shape[axis];
        int inner = 1;
        for (int i = axis + 1; i < r; i++) {
            inner *= x.shape[i];
        }
        int outer = n == 0 || inner == 0 ? 0 : x.numel / (n * inner);
        boolean[] masked = null;
        int xo = x.offset;
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * n * inner + in;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    double v = x.getRaw(xo + base + j * inner);
                    if (v > max || Double.isNaN(v)) {
                        max = v;
                    }
                }
                if (max == Double.NEGATIVE_INFINITY) {
                    for (int j = 0; j < n; j++) {
                        out.setRaw(base + j * inner, 0);
                    }
                    if (masked == null) {
                        masked = new boolean[outer * inner];
                    }
                    masked[o * inner + in] = true;
                    continue;
                }
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    sum += Math.exp(x.getRaw(xo + base + j * inner) - max);
                }
                if (log) {
                    double lse = max + Math.log(sum);
                    for (int j = 0; j < n; j++) {
                        out.setRaw(base + j * inner, x.getRaw(xo + base + j * inner) - lse);
                    }
                } else {
                    double inv = 1.0 / sum;
                    for (int j = 0; j < n; j++) {
                        out.setRaw(base + j * inner, Math.exp(x.getRaw(xo + base + j * inner) - max) * inv);
                    }
                }
            }
        }
        if (masked == null) {
            return null;
        }
        int[] ks = x.shape.clone();
        if (r > 0) {
            ks[axis] = 1;
        }
        Tensor valid = empty(x.dtype, ks);
        for (int i = 0; i < masked.length; i++) {
            valid.setRaw(i, masked[i] ? 0 : 1);
        }
        return valid;
    }

    // =========================================================================================
    // In-place ops (for optimizers, under no-grad)
    // =========================================================================================

    private void checkInPlace(String op) {
        if (requiresGrad && GradMode.isEnabled()) {
            throw new IllegalStateException(op + ": this tensor requires grad and grad mode is on, so an in-place "
                    + "change would corrupt the recorded graph; update parameters inside "
                    + "try (NoGrad ng = NoGrad.enter()) { ... }, or work on detach()");
        }
    }

    private void inPlace(String op, BinaryOp kop, Tensor src, double alpha) {
        checkInPlace(op);
        requireSameFloat(op, this, src);
        int[] bs = broadcastShapes(op, shape, src.shape);
        if (!Arrays.equals(bs, shape)) {
            throw new IllegalArgumentException(op + ": source of shape " + Arrays.toString(src.shape)
                    + " does not broadcast to the target shape " + Arrays.toString(shape));
        }
        Tensor s = src;
        if (alpha != 1.0) {
            try (NoGrad ignored = NoGrad.enter()) {
                s = src.mul(alpha);
            }
        }
        if (contiguous && s.contiguous && Arrays.equals(s.shape, shape)) {
            if (dtype == DType.FLOAT32) {
                K.binary(kop, f, offset, s.f, s.offset, f, offset, numel);
            } else {
                K.binary(kop, d, offset, s.d, s.offset, d, offset, numel);
            }
            return;
        }
        int[] ss = s.broadcastStrides(shape);
        Tensor fs = s;
        if (dtype == DType.FLOAT32) {
            Loops.iterate(shape, offset, strides, fs.offset, ss, offset, strides,
                    (a, b, c, n, sa, sb, sc) -> Loops.binRow(kop, f, a, sa, fs.f, b, sb, f, c, sc, n));
        } else {
            Loops.iterate(shape, offset, strides, fs.offset, ss, offset, strides,
                    (a, b, c, n, sa, sb, sc) -> Loops.binRow(kop, d, a, sa, fs.d, b, sb, d, c, sc, n));
        }
    }

    /**
     * {@code this += other} in place.
     *
     * @param other source broadcastable to this shape, same dtype
     * @return this tensor
     * @throws IllegalStateException if this tensor requires grad while grad mode is on
     */
    public Tensor addInPlace(Tensor other) {
        inPlace("addInPlace", BinaryOp.ADD, other, 1.0);
        return this;
    }

    /**
     * {@code this += alpha * other} in place (axpy).
     *
     * @param other source broadcastable to this shape
     * @param alpha scale
     * @return this tensor
     */
    public Tensor addInPlace(Tensor other, double alpha) {
        if (contiguous && other.contiguous && Arrays.equals(other.shape, shape) && other.dtype == dtype
                && dtype.isFloating()) {
            checkInPlace("addInPlace");
            if (dtype == DType.FLOAT32) {
                K.axpy((float) alpha, other.f, other.offset, f, offset, f, offset, numel);
            } else {
                K.axpy(alpha, other.d, other.offset, d, offset, d, offset, numel);
            }
            return this;
        }
        inPlace("addInPlace", BinaryOp.ADD, other, alpha);
        return this;
    }

    /**
     * {@code this -= other} in place.
     *
     * @param other source broadcastable to this shape
     * @return this tensor
     */
    public Tensor subInPlace(Tensor other) {
        inPlace("subInPlace", BinaryOp.SUB, other, 1.0);
        return this;
    }

    /**
     * {@code this *= other} in place.
     *
     * @param other source broadcastable to this shape
     * @return this tensor
     */
    public Tensor mulInPlace(Tensor other) {
        inPlace("mulInPlace", BinaryOp.MUL, other, 1.0);
        return this;
    }

    /**
     * {@code this /= other} in place.
     *
     * @param other source broadcastable to this shape
     * @return this tensor
     */
    public Tensor divInPlace(Tensor other) {
        inPlace("divInPlace", BinaryOp.DIV, other, 1.0);
        return this;
    }

    /**
     * {@code this += s} in place.
     *
     * @param s scalar
     * @return this tensor
     */
    public Tensor addInPlace(double s) {
        checkInPlace("addInPlace");
        requireFloating("addInPlace");
        mapInPlace(1.0, s);
        return this;
    }

    /**
     * {@code this *= s} in place.
     *
     * @param s scalar
     * @return this tensor
     */
    public Tensor mulInPlace(double s) {
        checkInPlace("mulInPlace");
        requireFloating("mulInPlace");
        mapInPlace(s, 0.0);
        return this;
    }

    private void mapInPlace(double mul, double add) {
        int[] zero = new int[shape.length];
        if (dtype == DType.FLOAT32) {
            float fm = (float) mul;
            float fa = (float) add;
            Loops.iterate(shape, offset, strides, 0, zero, 0, zero, (a, b, c, n, sa, sb, sc) -> {
                for (int i = 0; i < n; i++, a += sa) {
                    f[a] = f[a] * fm + fa;
                }
            });
        } else {
            Loops.iterate(shape, offset, strides, 0, zero, 0, zero, (a, b, c, n, sa, sb, sc) -> {
                for (int i = 0; i < n; i++, a += sa) {
                    d[a] = d[a] * mul + add;
                }
            });
        }
    }

    /**
     * Sets every element to {@code value}.
     *
     * @param value the value (cast to the dtype)
     * @return this tensor
     */
    public Tensor fill(double value) {
        checkInPlace("fill");
        fillRaw(value);
        return this;
    }

    /** @return this tensor, zeroed in place */
    public Tensor zero() {
        return fill(0);
    }

    void fillRaw(double value) {
        if (contiguous) {
            int end = offset + numel;
            switch (dtype) {
                case FLOAT32: Arrays.fill(f, offset, end, (float) value); break;
                case FLOAT64: Arrays.fill(d, offset, end, value); break;
                case INT64: Arrays.fill(l, offset, end, (long) value); break;
                default: Arrays.fill(bo, offset, end, value != 0); break;
            }
            return;
        }
        int[] zero = new int[shape.length];
        Loops.iterate(shape, offset, strides, 0, zero, 0, zero, (a, b, c, n, sa, sb, sc) -> {
            for (int i = 0; i < n; i++, a += sa) {
                setRaw(a, value);
            }
        });
    }

    /**
     * Copies {@code src} (broadcast to this shape, same dtype) into this tensor.
     *
     * @param src the source
     * @return this tensor
     */
    public Tensor copyFrom(Tensor src) {
        checkInPlace("copyFrom");
        if (src.dtype != dtype) {
            throw new IllegalArgumentException("copyFrom: dtypes differ (" + dtype + " target vs " + src.dtype
                    + " source); convert the source with .to(DType." + dtype + ")");
        }
        int[] bs = broadcastShapes("copyFrom", shape, src.shape);
        if (!Arrays.equals(bs, shape)) {
            throw new IllegalArgumentException("copyFrom: source of shape " + Arrays.toString(src.shape)
                    + " does not broadcast to the target shape " + Arrays.toString(shape));
        }
        Tensor expanded = new Tensor(dtype, shape, src.broadcastStrides(shape), src.offset, src.storage());
        Loops.copy(expanded, expanded.strides, storage(), offset, strides);
        return this;
    }

    // =========================================================================================
    // Printing
    // =========================================================================================

    /**
     * Prints like NumPy/PyTorch, e.g. {@code tensor([[1., 2.], [3., 4.]])}; large tensors are
     * summarised with {@code ...}; non-default dtype and grad state are appended.
     */
    @Override
    public String toString() {
        return TensorFormat.format(this);
    }
}
