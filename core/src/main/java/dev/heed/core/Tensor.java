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
 * {@link #narrow}, {@link #slice}, {@link #split}, {@link #chunk}, {@link #detach}) share storage
 * and its in-place version counter; every other op returns a new contiguous tensor.
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

    /** In-place modification count, shared by every view of the same storage. */
    final int[] version;

    boolean requiresGrad;
    Tensor grad;
    Node gradFn;

    Tensor(DType dtype, int[] shape, int[] strides, int offset, Object storage) {
        this(dtype, shape, strides, offset, storage, new int[1]);
    }

    Tensor(DType dtype, int[] shape, int[] strides, int offset, Object storage, int[] version) {
        this.version = version;
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
        return new Tensor(dtype, newShape, newStrides, newOffset, storage(), version);
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

    /** {@link #of(float[], int...)} without the copy, for {@link CustomOp#adopt}. */
    static Tensor adopt(float[] data, int... shape) {
        return wrap(DType.FLOAT32, dataShape("adopt", data.length, shape), data);
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
     * @param like a tensor whose shape and dtype are copied
     * @return zeros of that shape and dtype (no grad)
     */
    public static Tensor zerosLike(Tensor like) {
        return zeros(like.dtype, like.shape);
    }

    /**
     * @param like a tensor whose shape and dtype are copied
     * @return ones of that shape and dtype (no grad)
     */
    public static Tensor onesLike(Tensor like) {
        return ones(like.dtype, like.shape);
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

    /**
     * Like {@code torch.allclose}: {@code |this - other| <= atol + rtol * |other|} elementwise after
     * broadcasting; NaNs are never close.
     *
     * @param other tensor to compare with (any numeric dtype)
     * @param rtol relative tolerance
     * @param atol absolute tolerance
     * @return whether every element is close
     */
    public boolean allClose(Tensor other, double rtol, double atol) {
        int[] s = broadcastShapes("allClose", shape, other.shape);
        boolean[] ok = {true};
        int[] zero = new int[s.length];
        Loops.iterate(s, offset, broadcastStrides(s), other.offset, other.broadcastStrides(s), 0, zero,
                (a, b, c, n, sa, sb, sc) -> {
                    for (int i = 0; i < n && ok[0]; i++, a += sa, b += sb) {
                        double x = getRaw(a);
                        double y = other.getRaw(b);
                        if (!(x == y || Math.abs(x - y) <= atol + rtol * Math.abs(y))) {
                            ok[0] = false;
                        }
                    }
                });
        return ok[0];
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
                grad.version[0]++;
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
        out.gradFn = new Node(op, inputs, fn, out);
        Anomaly.onRecord(out.gradFn, out);
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
        if (!dtype.isFloating() && op.equals("sum")) {
            // counts of masks and sums of indices: exact in float64 up to 2^53
            return convert(DType.FLOAT64).reduceSum(op, axes, keepDims, scale).convert(DType.INT64);
        }
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
     * A linear layer, {@code this @ weight.mT() + bias}, like {@code torch.nn.functional.linear}:
     * this tensor is {@code [..., in]}, {@code weight} is {@code [out, in]}, {@code bias} is
     * {@code [out]} or null, and the result is {@code [..., out]}. With a bias the output starts as
     * the bias rows and the product is accumulated onto it in the same pass (no separate broadcast
     * add over the output); the value equals the composition up to float rounding (the bias may
     * join the sum at a different point). Differentiable to any order in all three operands.
     *
     * @param weight {@code [out, in]}, same float dtype
     * @param bias {@code [out]}, same float dtype, or null
     * @return the layer's output
     * @throws IllegalArgumentException if the shapes do not fit or the dtypes differ
     */
    public Tensor linear(Tensor weight, Tensor bias) {
        requireSameFloat("linear", this, weight);
        if (weight.shape.length != 2 || shape.length == 0 || shape[shape.length - 1] != weight.shape[1]) {
            throw new IllegalArgumentException("linear: input of shape " + Arrays.toString(shape)
                    + " does not fit a weight of shape " + Arrays.toString(weight.shape) + " (expected input [..., "
                    + (weight.shape.length == 2 ? weight.shape[1] : "?") + "] and a weight [out, in]); check the layer's in_features");
        }
        if (bias == null) {
            return matmul(weight.mT());
        }
        requireSameFloat("linear", this, bias);
        int nOut = weight.shape[0];
        int in = weight.shape[1];
        if (bias.shape.length != 1 || bias.shape[0] != nOut) {
            throw new IllegalArgumentException("linear: bias of shape " + Arrays.toString(bias.shape)
                    + " does not fit a weight of shape " + Arrays.toString(weight.shape) + "; expected [" + nOut + "]");
        }
        int[] lw = matLayout(weight);
        if (!contiguous || lw == null || numel == 0 || nOut == 0 || in == 0) {
            return matmul(weight.mT()).add(bias);
        }
        int rows = numel / in;
        int[] outShape = shape.clone();
        outShape[outShape.length - 1] = nOut;
        Tensor out = empty(dtype, outShape);
        Tensor b = bias.dense();
        // weight is [out, in]: the product needs weightᵀ, which is a transposed operand unless the
        // weight itself is a transposed view
        boolean tb = lw[0] == 0;
        if (dtype == DType.FLOAT32) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(b.f, b.offset, out.f, r * nOut, nOut);
            }
            K.sgemm(false, tb, rows, nOut, in, 1f, f, offset, in, weight.f, weight.offset, lw[1], 1f, out.f, 0, nOut);
        } else {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(b.d, b.offset, out.d, r * nOut, nOut);
            }
            K.dgemm(false, tb, rows, nOut, in, 1.0, d, offset, in, weight.d, weight.offset, lw[1], 1.0, out.d, 0, nOut);
        }
        if ((requiresGrad || weight.requiresGrad || bias.requiresGrad) && GradMode.isEnabled()) {
            Tensor x = this;
            record(out, "linear", g -> {
                Tensor g2 = g.reshape(-1, nOut);
                return new Tensor[] {
                    x.requiresGrad ? g.matmul(weight) : null,
                    weight.requiresGrad ? g2.mT().matmul(x.reshape(-1, in)) : null,
                    bias.requiresGrad ? sumTo(g, bias.shape) : null};
            }, x, weight, bias);
        }
        return out;
    }

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
                b.requiresGrad ? matmulGradShared(a, b, g) : null}, a, b);
        }
        return out;
    }

    /**
     * Gradient of the right operand of {@code a @ b}. When {@code b} is a matrix shared by every
     * batch entry of {@code a} (a linear layer's weight, {@code [..., m, k] @ [k, n]}), the batch
     * folds into the inner dimension: one product {@code a'ᵀ g'} with {@code a' = [B·m, k]},
     * {@code g' = [B·m, n]}, instead of B small products summed afterwards. When {@code b} is a
     * transposed view ({@code weight.mT()}), the gradient is computed in the weight's own layout
     * ({@code (g'ᵀ a')ᵀ}), so it reaches the weight contiguous. Same value, up to the order of the
     * additions.
     */
    private static Tensor matmulGradShared(Tensor a, Tensor b, Tensor g) {
        if (b.shape.length == 2 && a.shape.length >= 2 && g.shape.length == a.shape.length && a.numel > 0 && b.numel > 0) {
            int k = a.shape[a.shape.length - 1];
            int n = b.shape[1];
            Tensor a2 = a.shape.length == 2 ? a : a.reshape(-1, k);
            Tensor g2 = g.shape.length == 2 ? g : g.reshape(-1, n);
            boolean transposed = b.strides[0] == 1 && n > 1 && k > 1;
            return transposed ? g2.mT().matmul(a2).mT() : a2.mT().matmul(g2);
        }
        return sumTo(a.mT().matmul(g), b.shape);
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
        Tensor out = new Tensor(dtype, s, Loops.contiguousStrides(s), src.offset, src.storage(), src.version);
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
            boolean lastAxis = a == shape.length - 1 || shape.length == 0;
            record(out, "softmax", g -> {
                if (lastAxis && !GradMode.isEnabled()) {
                    return new Tensor[] {softmaxBackwardFused(g.dense(), out, false, null)};
                }
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
            boolean lastAxis = a == shape.length - 1 || shape.length == 0;
            record(out, "logSoftmax", g -> {
                if (lastAxis && !GradMode.isEnabled()) {
                    return new Tensor[] {softmaxBackwardFused(g.dense(), out, true, validRows)};
                }
                Tensor dx = g.sub(out.exp().mul(g.sum(a, true)));
                return new Tensor[] {validRows == null ? dx : dx.mul(validRows)};
            }, this);
        }
        return out;
    }

    /**
     * Softmax over the last axis of {@code scale · scores}, optionally with a causal mask, in one
     * fused pass (the attention weights of scaled dot-product attention). With {@code causal},
     * entry {@code [..., i, j]} is masked (weight 0, gradient 0) when {@code j > queryOffset + i};
     * {@code queryOffset = Tk − Tq} aligns the last query with the last key, as a KV cache needs.
     * A row with no unmasked finite score (all {@code -inf}, or every key masked) gives zeros in
     * value and gradient, never NaN.
     *
     * <p>FLOAT32 runs on the vectorised kernels (forward, and backward when no graph of the
     * gradient is built); FLOAT64, and the backward under {@code createGraph}, are composed of
     * ordinary tensor ops, so the result is differentiable to any order. Equivalent to
     * {@code scores.mul(scale).add(mask).softmax(-1)} with a {@code 0 / -inf} mask, within float
     * rounding. Thread-safe for distinct tensors.
     *
     * @param scores FLOAT32 or FLOAT64 scores {@code [..., Tq, Tk]} (rank 1 allowed without
     *     {@code causal}); not null
     * @param scale positive finite factor applied to the scores before the softmax
     * @param causal whether to mask keys after {@code queryOffset + i}
     * @param queryOffset position of query row 0 among the keys (ignored unless {@code causal})
     * @return the weights, same shape and dtype as {@code scores}
     * @throws IllegalArgumentException for a non-float tensor, a non-positive or non-finite scale,
     *     or {@code causal} with rank below 2
     */
    public static Tensor scaledMaskedSoftmax(Tensor scores, double scale, boolean causal, int queryOffset) {
        final String op = "scaledMaskedSoftmax";
        if (scores == null) {
            throw new IllegalArgumentException(op + ": scores is null; pass a [..., Tq, Tk] tensor");
        }
        scores.requireFloating(op);
        if (!(scale > 0) || Double.isInfinite(scale) || (scores.dtype == DType.FLOAT32 && (!((float) scale > 0) || Float.isInfinite((float) scale)))) {
            throw new IllegalArgumentException(op + ": scale = " + scale
                    + ", expected a positive finite factor (e.g. 1/sqrt(headDim))");
        }
        int r = scores.shape.length;
        if (r == 0 || (causal && r < 2)) {
            throw new IllegalArgumentException(op + ": scores of shape " + Arrays.toString(scores.shape)
                    + " — expected rank >= " + (causal ? 2 : 1) + " ([..., Tq, Tk]); reshape the scores first");
        }
        int n = scores.shape[r - 1];
        int tq = r >= 2 ? scores.shape[r - 2] : 1;
        if (scores.dtype != DType.FLOAT32) {
            Tensor z = scale == 1.0 ? scores : scores.mul(scale);
            if (causal) {
                double[] m = new double[tq * n];
                for (int i = 0; i < tq; i++) {
                    for (int j = 0; j < n; j++) {
                        if ((long) j > (long) queryOffset + i) {
                            m[i * n + j] = Double.NEGATIVE_INFINITY;
                        }
                    }
                }
                z = z.add(Tensor.of(m, tq, n));
            }
            return z.softmax(-1);
        }
        Tensor x = scores.dense();
        Tensor out = empty(DType.FLOAT32, scores.shape);
        int rows = n == 0 ? 0 : x.numel / n;
        float fs = (float) scale;
        long first = (long) queryOffset + 1;
        int firstLimit = (int) Math.min((long) n + 1, first);
        Loops.K.softmaxRows(x.f, x.offset, out.f, 0, rows, n, fs, firstLimit, causal ? tq : 0);
        if (tracks(scores)) {
            record(out, op, g -> {
                if (!GradMode.isEnabled()) {
                    Tensor gd = g.dense();
                    Tensor dx = empty(DType.FLOAT32, out.shape);
                    Loops.K.softmaxRowsBackward(out.f, 0, gd.f, gd.offset, dx.f, 0, rows, n, fs);
                    return new Tensor[] {dx};
                }
                Tensor gy = g.mul(out);
                Tensor dx = gy.sub(out.mul(gy.sum(-1, true)));
                return new Tensor[] {scale == 1.0 ? dx : dx.mul(scale)};
            }, scores);
        }
        return out;
    }

    /**
     * The gradient of {@link #scaledMaskedSoftmax} with respect to its scores, given its output
     * {@code weights} and the gradient {@code grad} of the output: per row
     * {@code scale · y ⊙ (g − Σ y ⊙ g)} (masked entries, whose weight is 0, get 0). For custom ops
     * that recompute attention weights in their backward pass. Not recorded for autograd; FLOAT32
     * runs on the vectorised kernels.
     *
     * @param weights the softmax output {@code [..., Tq, Tk]}; not null
     * @param grad the gradient of the output, same shape and dtype; not null
     * @param scale the factor given to the forward pass, positive and finite
     * @return the gradient of the scores, same shape
     * @throws IllegalArgumentException if the shapes or dtypes differ, or for a bad scale
     */
    public static Tensor scaledMaskedSoftmaxBackward(Tensor weights, Tensor grad, double scale) {
        final String op = "scaledMaskedSoftmaxBackward";
        if (weights == null || grad == null) {
            throw new IllegalArgumentException(op + ": weights and grad must not be null");
        }
        weights.requireFloating(op);
        if (weights.dtype != grad.dtype || !Arrays.equals(weights.shape, grad.shape)) {
            throw new IllegalArgumentException(op + ": weights " + weights.dtype + Arrays.toString(weights.shape)
                    + " and grad " + grad.dtype + Arrays.toString(grad.shape) + " differ; pass the gradient of the weights");
        }
        if (!(scale > 0) || Double.isInfinite(scale) || !((float) scale > 0) || Float.isInfinite((float) scale)) {
            throw new IllegalArgumentException(op + ": scale = " + scale + ", expected a positive finite factor");
        }
        if (weights.shape.length == 0) {
            throw new IllegalArgumentException(op + ": weights are a scalar; expected rank >= 1");
        }
        if (weights.dtype != DType.FLOAT32) {
            try (NoGrad ignored = NoGrad.enter()) {
                Tensor gy = grad.mul(weights);
                return gy.sub(weights.mul(gy.sum(-1, true))).mul(scale);
            }
        }
        int n = weights.shape[weights.shape.length - 1];
        Tensor y = weights.dense();
        Tensor g = grad.dense();
        Tensor dx = empty(DType.FLOAT32, weights.shape);
        int rows = n == 0 ? 0 : y.numel / n;
        Loops.K.softmaxRowsBackward(y.f, y.offset, g.f, g.offset, dx.f, 0, rows, n, (float) scale);
        return dx;
    }

    /**
     * Last-axis softmax backward in one pass: {@code y (g - sum(g y))}, or for log-softmax
     * {@code g - exp(y) sum(g)} with fully masked rows zeroed.
     */
    private static Tensor softmaxBackwardFused(Tensor g, Tensor y, boolean log, Tensor validRows) {
        int n = y.shape.length == 0 ? 1 : y.shape[y.shape.length - 1];
        int rows = n == 0 ? 0 : y.numel / n;
        Tensor dx = empty(y.dtype, y.shape);
        int go = g.offset;
        for (int r = 0; r < rows; r++) {
            int b = r * n;
            boolean zero = validRows != null && validRows.getRaw(r) == 0;
            if (y.dtype == DType.FLOAT32) {
                float[] gf = g.f;
                float[] yf = y.f;
                float[] df = dx.f;
                double dot = 0;
                if (log) {
                    for (int j = 0; j < n; j++) {
                        dot += gf[go + b + j];
                    }
                    for (int j = 0; j < n; j++) {
                        df[b + j] = zero ? 0f : (float) (gf[go + b + j] - Math.exp(yf[b + j]) * dot);
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        dot += gf[go + b + j] * yf[b + j];
                    }
                    float fd = (float) dot;
                    for (int j = 0; j < n; j++) {
                        df[b + j] = yf[b + j] * (gf[go + b + j] - fd);
                    }
                }
            } else {
                double[] gd = g.d;
                double[] yd = y.d;
                double[] dd = dx.d;
                double dot = 0;
                if (log) {
                    for (int j = 0; j < n; j++) {
                        dot += gd[go + b + j];
                    }
                    for (int j = 0; j < n; j++) {
                        dd[b + j] = zero ? 0 : gd[go + b + j] - Math.exp(yd[b + j]) * dot;
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        dot += gd[go + b + j] * yd[b + j];
                    }
                    for (int j = 0; j < n; j++) {
                        dd[b + j] = yd[b + j] * (gd[go + b + j] - dot);
                    }
                }
            }
        }
        return dx;
    }

    private static boolean[] softmaxStrided(Tensor x, Tensor out, int outer, int n, int inner, boolean log) {
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
        return masked;
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
        boolean[] masked = inner == 1 && n > 0
                ? (x.dtype == DType.FLOAT32 ? Loops.softmaxRows(x.f, x.offset, out.f, outer, n, log)
                        : Loops.softmaxRows(x.d, x.offset, out.d, outer, n, log))
                : softmaxStrided(x, out, outer, n, inner, log);
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
    // More elementwise ops
    // =========================================================================================

    private Tensor mapForward(String op, java.util.function.DoubleUnaryOperator fn) {
        requireFloating(op);
        Tensor x = dense();
        Tensor out = empty(dtype, shape);
        int o = x.offset;
        if (dtype == DType.FLOAT32) {
            float[] xf = x.f;
            float[] of = out.f;
            for (int i = 0; i < of.length; i++) {
                of[i] = (float) fn.applyAsDouble(xf[o + i]);
            }
        } else {
            double[] xd = x.d;
            double[] od = out.d;
            for (int i = 0; i < od.length; i++) {
                od[i] = fn.applyAsDouble(xd[o + i]);
            }
        }
        return out;
    }

    /** @return {@code log(1 + this)} elementwise, accurate near 0 */
    public Tensor log1p() {
        Tensor out = mapForward("log1p", Math::log1p);
        if (tracks(this)) {
            Tensor x = this;
            record(out, "log1p", g -> new Tensor[] {g.div(x.add(1.0))}, this);
        }
        return out;
    }

    /** @return {@code 1 / sqrt(this)} elementwise */
    public Tensor rsqrt() {
        Tensor out = mapForward("rsqrt", v -> 1.0 / Math.sqrt(v));
        if (tracks(this)) {
            record(out, "rsqrt", g -> new Tensor[] {g.mul(out.pow(3.0)).mul(-0.5)}, this);
        }
        return out;
    }

    /** @return the error function elementwise */
    public Tensor erf() {
        Tensor out = mapForward("erf", Tensor::erfScalar);
        if (tracks(this)) {
            Tensor x = this;
            record(out, "erf", g -> new Tensor[] {g.mul(x.mul(x).neg().exp().mul(2 / Math.sqrt(Math.PI)))}, this);
        }
        return out;
    }

    static double erfScalar(double v) {
        if (Double.isNaN(v)) {
            return v;
        }
        if (v > 6) {
            return 1.0;
        }
        if (v < -6) {
            return -1.0;
        }
        return org.apache.commons.math3.special.Erf.erf(v);
    }

    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double GELU_C = 0.044715;

    /**
     * GELU with the Gaussian CDF, {@code x * Phi(x)} (PyTorch's default). In float64 Phi is exact
     * (to double rounding); in float32 it is a fused kernel whose Phi has an absolute error below
     * 2e-7 and which computes the derivative in the same pass. Differentiable to any order (a
     * backward with {@code createGraph} uses the composite formula).
     *
     * @return GELU elementwise
     */
    public Tensor gelu() {
        if (dtype != DType.FLOAT32) {
            return gelu(false);
        }
        Tensor x = dense();
        Tensor out = empty(dtype, shape);
        if (!tracks(this)) {
            K.gelu(x.f, x.offset, out.f, 0, null, 0, numel);
            return out;
        }
        Tensor deriv = empty(dtype, shape);
        K.gelu(x.f, x.offset, out.f, 0, deriv.f, 0, numel);
        Tensor self = this;
        record(out, "gelu", g -> new Tensor[] {
            GradMode.isEnabled() || g.requiresGrad ? g.mul(geluDerivative(self)) : g.mul(deriv)}, this);
        return out;
    }

    /** The composite (differentiable) {@code Phi(x) + x phi(x)}, for higher-order gradients. */
    private static Tensor geluDerivative(Tensor x) {
        Tensor cdf = x.div(Math.sqrt(2)).erf().add(1.0).mul(0.5);
        Tensor pdf = x.mul(x).mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI));
        return cdf.add(x.mul(pdf));
    }

    /**
     * @param tanhApproximation use {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))} (as
     *     PyTorch's {@code approximate='tanh'}, GPT-2) instead of the exact {@code x * Phi(x)}
     * @return GELU elementwise
     */
    public Tensor gelu(boolean tanhApproximation) {
        if (!tanhApproximation && dtype == DType.FLOAT32) {
            return gelu();
        }
        Tensor out = tanhApproximation
                ? mapForward("gelu", v -> 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + GELU_C * v * v * v))))
                : mapForward("gelu", v -> 0.5 * v * (1 + erfScalar(v / Math.sqrt(2))));
        if (tracks(this)) {
            Tensor x = this;
            record(out, "gelu", g -> {
                Tensor dx;
                if (tanhApproximation) {
                    Tensor x2 = x.mul(x);
                    Tensor t = x.add(x2.mul(x).mul(GELU_C)).mul(SQRT_2_OVER_PI).tanh();
                    Tensor dinner = x2.mul(3 * GELU_C).add(1.0).mul(SQRT_2_OVER_PI);
                    dx = t.add(1.0).mul(0.5).add(x.mul(0.5).mul(t.mul(t).rsub(1.0)).mul(dinner));
                } else {
                    dx = geluDerivative(x);
                }
                return new Tensor[] {g.mul(dx)};
            }, this);
        }
        return out;
    }

    /** @return {@code log(1 + e^x)} elementwise (beta 1, threshold 20, as PyTorch) */
    public Tensor softplus() {
        return softplus(1.0, 20.0);
    }

    /**
     * @param beta sharpness, positive
     * @param threshold above {@code beta * x > threshold} the result is {@code x} (linear)
     * @return {@code log(1 + e^(beta x)) / beta} elementwise, computed stably
     */
    public Tensor softplus(double beta, double threshold) {
        if (!(beta > 0)) {
            throw new IllegalArgumentException("softplus: beta must be positive, got " + beta);
        }
        Tensor out = mapForward("softplus", v -> {
            double z = beta * v;
            return z > threshold ? v : (Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)))) / beta;
        });
        if (tracks(this)) {
            Tensor x = this;
            record(out, "softplus", g -> {
                Tensor s = x.mul(beta).sigmoid();
                Tensor linear = x.mul(beta).gt(threshold);
                return new Tensor[] {g.mul(where(linear, Tensor.scalar(x.dtype, 1.0), s))};
            }, this);
        }
        return out;
    }

    /**
     * @param min lower bound (use {@code Double.NEGATIVE_INFINITY} for none)
     * @param max upper bound (use {@code Double.POSITIVE_INFINITY} for none), at least min
     * @return this clamped to {@code [min, max]}; the gradient is 1 inside the closed interval and
     *     0 outside, as in PyTorch
     */
    public Tensor clamp(double min, double max) {
        if (min > max) {
            throw new IllegalArgumentException("clamp: min " + min + " exceeds max " + max);
        }
        Tensor out = mapForward("clamp", v -> v < min ? min : v > max ? max : v);
        if (tracks(this)) {
            Tensor x = this;
            record(out, "clamp", g -> new Tensor[] {g.mul(x.ge(min).logicalAnd(x.le(max)).to(x.dtype))}, this);
        }
        return out;
    }

    /**
     * @param min lower bound
     * @return {@code max(this, min)} elementwise
     */
    public Tensor clampMin(double min) {
        return clamp(min, Double.POSITIVE_INFINITY);
    }

    /**
     * @param max upper bound
     * @return {@code min(this, max)} elementwise
     */
    public Tensor clampMax(double max) {
        return clamp(Double.NEGATIVE_INFINITY, max);
    }

    /**
     * @param other broadcast against this tensor
     * @return elementwise maximum (on ties the gradient is split evenly, as in PyTorch)
     */
    public Tensor maximum(Tensor other) {
        Tensor out = binaryForward("maximum", BinaryOp.MAX, this, other);
        if (tracks(this, other)) {
            Tensor a = this;
            Tensor b = other;
            record(out, "maximum", g -> {
                Tensor pick = a.gt(b).to(a.dtype).add(a.eq(b).to(a.dtype).mul(0.5));
                return new Tensor[] {
                    a.requiresGrad ? sumTo(g.mul(pick), a.shape) : null,
                    b.requiresGrad ? sumTo(g.mul(pick.rsub(1.0)), b.shape) : null};
            }, a, b);
        }
        return out;
    }

    /**
     * @param other broadcast against this tensor
     * @return elementwise minimum (on ties the gradient is split evenly, as in PyTorch)
     */
    public Tensor minimum(Tensor other) {
        Tensor out = binaryForward("minimum", BinaryOp.MIN, this, other);
        if (tracks(this, other)) {
            Tensor a = this;
            Tensor b = other;
            record(out, "minimum", g -> {
                Tensor pick = a.lt(b).to(a.dtype).add(a.eq(b).to(a.dtype).mul(0.5));
                return new Tensor[] {
                    a.requiresGrad ? sumTo(g.mul(pick), a.shape) : null,
                    b.requiresGrad ? sumTo(g.mul(pick.rsub(1.0)), b.shape) : null};
            }, a, b);
        }
        return out;
    }

    // =========================================================================================
    // Comparisons, masks, where
    // =========================================================================================

    private static final int CMP_GT = 0;
    private static final int CMP_GE = 1;
    private static final int CMP_LT = 2;
    private static final int CMP_LE = 3;
    private static final int CMP_EQ = 4;
    private static final int CMP_NE = 5;

    private static boolean cmp(int kind, double a, double b) {
        switch (kind) {
            case CMP_GT: return a > b;
            case CMP_GE: return a >= b;
            case CMP_LT: return a < b;
            case CMP_LE: return a <= b;
            case CMP_EQ: return a == b;
            default: return a != b;
        }
    }

    private static boolean cmp(int kind, long a, long b) {
        switch (kind) {
            case CMP_GT: return a > b;
            case CMP_GE: return a >= b;
            case CMP_LT: return a < b;
            case CMP_LE: return a <= b;
            case CMP_EQ: return a == b;
            default: return a != b;
        }
    }

    private static Tensor compare(String op, int kind, Tensor x, Tensor y) {
        if (x.dtype.isFloating() && y.dtype.isFloating() && x.dtype != y.dtype) {
            requireSameFloat(op, x, y);
        }
        int[] outShape = broadcastShapes(op, x.shape, y.shape);
        Tensor out = empty(DType.BOOL, outShape);
        boolean[] ob = out.bo;
        boolean longs = x.dtype == DType.INT64 && y.dtype == DType.INT64;
        Loops.iterate(outShape, x.offset, x.broadcastStrides(outShape), y.offset, y.broadcastStrides(outShape),
                0, out.strides, (a, b, c, n, sa, sb, sc) -> {
                    for (int i = 0; i < n; i++, a += sa, b += sb, c += sc) {
                        ob[c] = longs ? cmp(kind, x.l[a], y.l[b]) : cmp(kind, x.getRaw(a), y.getRaw(b));
                    }
                });
        return out;
    }

    private Tensor compareScalar(String op, int kind, double s) {
        Tensor x = dense();
        Tensor out = empty(DType.BOOL, shape);
        int o = x.offset;
        if (dtype == DType.FLOAT32) {
            for (int i = 0; i < numel; i++) {
                out.bo[i] = cmp(kind, x.f[o + i], s);
            }
        } else {
            for (int i = 0; i < numel; i++) {
                out.bo[i] = cmp(kind, x.getRaw(o + i), s);
            }
        }
        return out;
    }

    /**
     * @param other compared elementwise with broadcasting (any numeric dtypes; floats must match)
     * @return BOOL mask {@code this > other}
     */
    public Tensor gt(Tensor other) {
        return compare("gt", CMP_GT, this, other);
    }

    /**
     * @param other compared elementwise with broadcasting
     * @return BOOL mask {@code this >= other}
     */
    public Tensor ge(Tensor other) {
        return compare("ge", CMP_GE, this, other);
    }

    /**
     * @param other compared elementwise with broadcasting
     * @return BOOL mask {@code this < other}
     */
    public Tensor lt(Tensor other) {
        return compare("lt", CMP_LT, this, other);
    }

    /**
     * @param other compared elementwise with broadcasting
     * @return BOOL mask {@code this <= other}
     */
    public Tensor le(Tensor other) {
        return compare("le", CMP_LE, this, other);
    }

    /**
     * @param other compared elementwise with broadcasting
     * @return BOOL mask {@code this == other}
     */
    public Tensor eq(Tensor other) {
        return compare("eq", CMP_EQ, this, other);
    }

    /**
     * @param other compared elementwise with broadcasting
     * @return BOOL mask {@code this != other}
     */
    public Tensor ne(Tensor other) {
        return compare("ne", CMP_NE, this, other);
    }

    /**
     * @param s scalar
     * @return BOOL mask {@code this > s}
     */
    public Tensor gt(double s) {
        return compareScalar("gt", CMP_GT, s);
    }

    /**
     * @param s scalar
     * @return BOOL mask {@code this >= s}
     */
    public Tensor ge(double s) {
        return compareScalar("ge", CMP_GE, s);
    }

    /**
     * @param s scalar
     * @return BOOL mask {@code this < s}
     */
    public Tensor lt(double s) {
        return compareScalar("lt", CMP_LT, s);
    }

    /**
     * @param s scalar
     * @return BOOL mask {@code this <= s}
     */
    public Tensor le(double s) {
        return compareScalar("le", CMP_LE, s);
    }

    /**
     * @param s scalar
     * @return BOOL mask {@code this == s}
     */
    public Tensor eq(double s) {
        return compareScalar("eq", CMP_EQ, s);
    }

    /**
     * @param s scalar
     * @return BOOL mask {@code this != s}
     */
    public Tensor ne(double s) {
        return compareScalar("ne", CMP_NE, s);
    }

    private void requireBool(String op) {
        if (dtype != DType.BOOL) {
            throw new IllegalArgumentException(op + ": needs a BOOL mask, got " + dtype + " of shape "
                    + Arrays.toString(shape) + "; build one with a comparison such as x.gt(0) or x.ne(0)");
        }
    }

    /** @return elementwise NOT of a BOOL mask */
    public Tensor logicalNot() {
        requireBool("logicalNot");
        Tensor x = dense();
        Tensor out = empty(DType.BOOL, shape);
        for (int i = 0; i < numel; i++) {
            out.bo[i] = !x.bo[x.offset + i];
        }
        return out;
    }

    /**
     * @param other BOOL mask, broadcast
     * @return elementwise AND
     */
    public Tensor logicalAnd(Tensor other) {
        return logical("logicalAnd", other, true);
    }

    /**
     * @param other BOOL mask, broadcast
     * @return elementwise OR
     */
    public Tensor logicalOr(Tensor other) {
        return logical("logicalOr", other, false);
    }

    private Tensor logical(String op, Tensor other, boolean and) {
        requireBool(op);
        other.requireBool(op);
        int[] outShape = broadcastShapes(op, shape, other.shape);
        Tensor out = empty(DType.BOOL, outShape);
        boolean[] xb = bo;
        boolean[] yb = other.bo;
        Loops.iterate(outShape, offset, broadcastStrides(outShape), other.offset, other.broadcastStrides(outShape),
                0, out.strides, (a, b, c, n, sa, sb, sc) -> {
                    for (int i = 0; i < n; i++, a += sa, b += sb, c += sc) {
                        out.bo[c] = and ? xb[a] && yb[b] : xb[a] || yb[b];
                    }
                });
        return out;
    }

    /**
     * Elementwise select, like {@code torch.where}: {@code cond ? a : b} with all three broadcast
     * together. Differentiable in {@code a} and {@code b}.
     *
     * @param cond BOOL mask
     * @param a values where cond is true
     * @param b values where cond is false (same float dtype as a)
     * @return the selection
     */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        cond.requireBool("where");
        requireSameFloat("where", a, b);
        int[] outShape = broadcastShapes("where", broadcastShapes("where", cond.shape, a.shape), b.shape);
        boolean[] c = new Tensor(DType.BOOL, outShape, cond.broadcastStrides(outShape), cond.offset, cond.bo).copyOut().bo;
        Tensor out = empty(a.dtype, outShape);
        Loops.iterate(outShape, a.offset, a.broadcastStrides(outShape), b.offset, b.broadcastStrides(outShape),
                0, out.strides, (ia, ib, ic, n, sa, sb, sc) -> {
                    if (a.dtype == DType.FLOAT32) {
                        for (int i = 0; i < n; i++, ia += sa, ib += sb, ic += sc) {
                            out.f[ic] = c[ic] ? a.f[ia] : b.f[ib];
                        }
                    } else {
                        for (int i = 0; i < n; i++, ia += sa, ib += sb, ic += sc) {
                            out.d[ic] = c[ic] ? a.d[ia] : b.d[ib];
                        }
                    }
                });
        if (tracks(a, b)) {
            Tensor condFull = wrap(DType.BOOL, outShape, c);
            record(out, "where", g -> {
                Tensor zero = Tensor.scalar(g.dtype, 0.0);
                return new Tensor[] {
                    a.requiresGrad ? sumTo(where(condFull, g, zero), a.shape) : null,
                    b.requiresGrad ? sumTo(where(condFull, zero, g), b.shape) : null};
            }, a, b);
        }
        return out;
    }

    /**
     * @param mask BOOL mask broadcastable to this shape
     * @param value written where the mask is true (e.g. {@code Double.NEGATIVE_INFINITY})
     * @return a copy with masked positions replaced; the gradient there is 0
     */
    public Tensor maskedFill(Tensor mask, double value) {
        mask.requireBool("maskedFill");
        requireFloating("maskedFill");
        int[] bs = broadcastShapes("maskedFill", shape, mask.shape);
        if (!Arrays.equals(bs, shape)) {
            throw new IllegalArgumentException("maskedFill: mask of shape " + Arrays.toString(mask.shape)
                    + " does not broadcast to the tensor's shape " + Arrays.toString(shape));
        }
        return where(mask, Tensor.scalar(dtype, value), this);
    }

    // =========================================================================================
    // More reductions: max, min, argmax, argmin, var, logSumExp
    // =========================================================================================

    /**
     * Views this tensor with the given axes moved last and flattened into one, e.g. reducing
     * {@code [A, B, C]} over {0, 2} gives {@code [B, A*C]}. Differentiable (permute + reshape).
     */
    private Tensor axesLast(String op, int[] axes) {
        boolean[] mask = axisMask(op, axes);
        int r = shape.length;
        int[] perm = new int[r];
        int j = 0;
        int kept = 0;
        for (int i = 0; i < r; i++) {
            if (!mask[i]) {
                perm[j++] = i;
                kept++;
            }
        }
        int red = 1;
        for (int i = 0; i < r; i++) {
            if (mask[i]) {
                perm[j++] = i;
                red *= shape[i];
            }
        }
        int[] ns = new int[kept + 1];
        for (int i = 0; i < kept; i++) {
            ns[i] = shape[perm[i]];
        }
        ns[kept] = red;
        return permute(perm).reshape(ns);
    }

    private Tensor reduceAxes(String op, int[] axes, boolean keepDims, java.util.function.BiFunction<Tensor, Integer, Tensor> along) {
        boolean[] mask = axisMask(op, axes);
        if (axes.length == 1) {
            int a = axis(op, axes[0], shape.length);
            Tensor out = along.apply(this, a);
            return keepDims ? out : out.squeeze(a);
        }
        Tensor flat = axesLast(op, axes);
        Tensor out = along.apply(flat, flat.shape.length - 1).squeeze(-1);
        return keepDims ? out.reshape(reducedShape(shape, mask, true)) : out;
    }

    /** @return the largest element as a scalar (NaN if any element is NaN) */
    public Tensor max() {
        return flatten().max(0);
    }

    /**
     * @param axis dimension to reduce (removed)
     * @return the maximum over {@code axis}; on ties the gradient is split evenly among the maximal
     *     elements (as PyTorch's {@code amax})
     */
    public Tensor max(int axis) {
        return max(new int[] {axis}, false);
    }

    /**
     * @param axis dimension to reduce
     * @param keepDims keep it with size 1
     * @return the maximum over {@code axis}
     */
    public Tensor max(int axis, boolean keepDims) {
        return max(new int[] {axis}, keepDims);
    }

    /**
     * @param axes dimensions to reduce
     * @param keepDims keep them with size 1
     * @return the maximum over {@code axes}
     */
    public Tensor max(int[] axes, boolean keepDims) {
        requireFloating("max");
        return reduceAxes("max", axes, keepDims, (t, a) -> t.extremeAlong("max", a, false));
    }

    /** @return the smallest element as a scalar */
    public Tensor min() {
        return flatten().min(0);
    }

    /**
     * @param axis dimension to reduce (removed)
     * @return the minimum over {@code axis}
     */
    public Tensor min(int axis) {
        return min(new int[] {axis}, false);
    }

    /**
     * @param axis dimension to reduce
     * @param keepDims keep it with size 1
     * @return the minimum over {@code axis}
     */
    public Tensor min(int axis, boolean keepDims) {
        return min(new int[] {axis}, keepDims);
    }

    /**
     * @param axes dimensions to reduce
     * @param keepDims keep them with size 1
     * @return the minimum over {@code axes}
     */
    public Tensor min(int[] axes, boolean keepDims) {
        requireFloating("min");
        return reduceAxes("min", axes, keepDims, (t, a) -> t.extremeAlong("min", a, true));
    }

    /** @return INT64 scalar: the flat row-major index of the first largest element */
    public Tensor argmax() {
        return flatten().argmax(0, false);
    }

    /**
     * @param axis dimension to search
     * @param keepDims keep it with size 1
     * @return INT64 indices of the first largest element along {@code axis}
     */
    public Tensor argmax(int axis, boolean keepDims) {
        Tensor idx = extremeIndex("argmax", axis(("argmax"), axis, Math.max(shape.length, 1)), false);
        return keepDims || shape.length == 0 ? idx : idx.squeeze(axis);
    }

    /**
     * @param axis dimension to search
     * @return INT64 indices of the first largest element along {@code axis} (removed)
     */
    public Tensor argmax(int axis) {
        return argmax(axis, false);
    }

    /**
     * @param axis dimension to search
     * @param keepDims keep it with size 1
     * @return INT64 indices of the first smallest element along {@code axis}
     */
    public Tensor argmin(int axis, boolean keepDims) {
        Tensor idx = extremeIndex("argmin", axis(("argmin"), axis, Math.max(shape.length, 1)), true);
        return keepDims || shape.length == 0 ? idx : idx.squeeze(axis);
    }

    /** Keep-dims indices (INT64) of the extreme along a normalised axis. */
    private Tensor extremeIndex(String op, int a, boolean min) {
        if (shape.length > 0 && shape[a] == 0) {
            throw new IllegalArgumentException(op + ": cannot reduce an empty dimension (shape " + Arrays.toString(shape) + ")");
        }
        Tensor x = dense();
        int n = shape.length == 0 ? 1 : shape[a];
        int inner = 1;
        for (int i = a + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        int outer = numel / Math.max(1, n * inner);
        int[] ks = shape.clone();
        if (ks.length > 0) {
            ks[a] = 1;
        }
        Tensor idx = empty(DType.INT64, ks);
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = x.offset + o * n * inner + in;
                int best = 0;
                double bv = x.getRaw(base);
                for (int j = 1; j < n && !Double.isNaN(bv); j++) {
                    double v = x.getRaw(base + j * inner);
                    if (Double.isNaN(v) || (min ? v < bv : v > bv)) {
                        bv = v;
                        best = j;
                    }
                }
                idx.l[o * inner + in] = best;
            }
        }
        return idx;
    }

    /**
     * Keep-dims max/min values along a normalised axis. The gradient is split evenly among the
     * elements equal to the extreme (as PyTorch's {@code amax}/{@code amin} and full {@code max()});
     * a NaN extreme sends it to the first NaN.
     */
    private Tensor extremeAlong(String op, int a, boolean min) {
        Tensor idx = extremeIndex(op, a, min);
        Tensor out = gatherForward(this, a, idx);
        if (tracks(this)) {
            Tensor weights = tieWeights(this.dense(), out, idx, a);
            record(out, op, g -> new Tensor[] {g.mul(weights)}, this);
        }
        return out;
    }

    /** 1/(number of ties) where an element equals its slice's extreme, else 0 (one-hot at idx for NaN). */
    private static Tensor tieWeights(Tensor x, Tensor out, Tensor idx, int a) {
        int[] shape = x.shape;
        int n = shape.length == 0 ? 1 : shape[a];
        int inner = 1;
        for (int i = a + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        int outer = x.numel / Math.max(1, n * inner);
        double[] w = new double[x.numel];
        Tensor best = out.dense();
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int slice = o * inner + in;
                double bv = best.getRaw(best.offset + slice);
                int base = o * n * inner + in;
                int ties = 0;
                for (int j = 0; j < n; j++) {
                    if (x.getRaw(x.offset + base + j * inner) == bv) {
                        ties++;
                    }
                }
                if (ties == 0) {
                    w[base + (int) idx.l[slice] * inner] = 1;
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    if (x.getRaw(x.offset + base + j * inner) == bv) {
                        w[base + j * inner] = 1.0 / ties;
                    }
                }
            }
        }
        Tensor t = Tensor.of(w, shape);
        return x.dtype == DType.FLOAT64 ? t : t.to(x.dtype);
    }

    /** @return the unbiased variance (correction 1, as {@code torch.var}) of all elements */
    public Tensor var() {
        return var(allAxes(), true, false);
    }

    /**
     * @param axis dimension to reduce (removed)
     * @return the unbiased variance over {@code axis}
     */
    public Tensor var(int axis) {
        return var(new int[] {axis}, true, false);
    }

    /**
     * @param axes dimensions to reduce
     * @param unbiased divide by {@code N - 1} (true, PyTorch's default) or {@code N} (false)
     * @param keepDims keep reduced dimensions with size 1
     * @return the variance over {@code axes}
     */
    public Tensor var(int[] axes, boolean unbiased, boolean keepDims) {
        requireFloating("var");
        boolean[] mask = axisMask("var", axes);
        int count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (mask[i]) {
                count *= shape[i];
            }
        }
        Tensor centered = sub(mean(axes, true));
        return centered.mul(centered).sum(axes, keepDims).div(Math.max(0, count - (unbiased ? 1 : 0)));
    }

    /** @return the unbiased standard deviation of all elements */
    public Tensor std() {
        return var().sqrt();
    }

    /**
     * @param axes dimensions to reduce
     * @param unbiased divide by {@code N - 1} (true) or {@code N}
     * @param keepDims keep reduced dimensions with size 1
     * @return the standard deviation over {@code axes}
     */
    public Tensor std(int[] axes, boolean unbiased, boolean keepDims) {
        return var(axes, unbiased, keepDims).sqrt();
    }

    /**
     * @param axis dimension to reduce (removed)
     * @return {@code log(sum(exp(x)))} over {@code axis}, computed stably; -inf for an all -inf
     *     slice, whose gradient is 0
     */
    public Tensor logSumExp(int axis) {
        return logSumExp(new int[] {axis}, false);
    }

    /**
     * @param axis dimension to reduce
     * @param keepDims keep it with size 1
     * @return log-sum-exp over {@code axis}
     */
    public Tensor logSumExp(int axis, boolean keepDims) {
        return logSumExp(new int[] {axis}, keepDims);
    }

    /**
     * @param axes dimensions to reduce
     * @param keepDims keep them with size 1
     * @return log-sum-exp over {@code axes}
     */
    public Tensor logSumExp(int[] axes, boolean keepDims) {
        requireFloating("logSumExp");
        return reduceAxes("logSumExp", axes, keepDims, (t, a) -> t.logSumExpAlong(a));
    }

    private Tensor logSumExpAlong(int a) {
        Tensor x = dense();
        int n = shape[a];
        int inner = 1;
        for (int i = a + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        int outer = n * inner == 0 ? 0 : numel / (n * inner);
        int[] ks = shape.clone();
        ks[a] = 1;
        Tensor out = empty(dtype, ks);
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = x.offset + o * n * inner + in;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    double v = x.getRaw(base + j * inner);
                    if (v > max || Double.isNaN(v)) {
                        max = v;
                    }
                }
                double r;
                if (Double.isInfinite(max)) {
                    r = max;
                } else {
                    double s = 0;
                    for (int j = 0; j < n; j++) {
                        s += Math.exp(x.getRaw(base + j * inner) - max);
                    }
                    r = max + Math.log(s);
                }
                out.setRaw(o * inner + in, r);
            }
        }
        if (n == 0) {
            out.fillRaw(Double.NEGATIVE_INFINITY);
        }
        if (tracks(this)) {
            Tensor self = this;
            record(out, "logSumExp", g -> new Tensor[] {g.mul(self.softmax(a))}, this);
        }
        return out;
    }

    // =========================================================================================
    // Slicing, joining, indexing
    // =========================================================================================

    /**
     * @param axis dimension to slice
     * @param start first index (negative counts from the end)
     * @param length number of elements kept
     * @return a view of {@code length} consecutive entries along {@code axis}
     */
    public Tensor narrow(int axis, int start, int length) {
        int a = axis("narrow", axis, shape.length);
        int s = start < 0 ? start + shape[a] : start;
        if (s < 0 || length < 0 || s + length > shape[a]) {
            throw new IllegalArgumentException("narrow: start " + start + " with length " + length
                    + " does not fit in dimension " + axis + " of size " + shape[a] + " (shape " + Arrays.toString(shape) + ")");
        }
        return sliceView(a, s, length, 1);
    }

    /**
     * Python-style slice {@code x[..., start:end, ...]} along {@code axis}; out-of-range bounds are
     * clamped, negative bounds count from the end.
     *
     * @param axis dimension to slice
     * @param start first index
     * @param end exclusive end
     * @return a view
     */
    public Tensor slice(int axis, int start, int end) {
        return slice(axis, start, end, 1);
    }

    /**
     * Python-style slice {@code x[..., start:end:step, ...]} along {@code axis}.
     *
     * @param axis dimension to slice
     * @param start first index (clamped, negative counts from the end)
     * @param end exclusive end (clamped, negative counts from the end)
     * @param step positive step
     * @return a view
     */
    public Tensor slice(int axis, int start, int end, int step) {
        int a = axis("slice", axis, shape.length);
        if (step <= 0) {
            throw new IllegalArgumentException("slice: step must be positive, got " + step);
        }
        int n = shape[a];
        int s = clampIndex(start, n);
        int e = clampIndex(end, n);
        int len = e <= s ? 0 : (e - s + step - 1) / step;
        return sliceView(a, s, len, step);
    }

    private static int clampIndex(int i, int n) {
        int v = i < 0 ? i + n : i;
        return Math.max(0, Math.min(n, v));
    }

    Tensor sliceView(int a, int start, int len, int step) {
        int[] s = shape.clone();
        int[] st = strides.clone();
        s[a] = len;
        st[a] = strides[a] * step;
        Tensor out = view(s, st, offset + (len == 0 ? 0 : start * strides[a]));
        if (tracks(this)) {
            int[] in = shape;
            record(out, "slice", g -> new Tensor[] {embedSlice(g, in, a, start, len, step)}, this);
        }
        return out;
    }

    /** Zeros of {@code inShape} with {@code g} written into the slice; the adjoint of slicing. */
    static Tensor embedSlice(Tensor g, int[] inShape, int a, int start, int len, int step) {
        Tensor out = empty(g.dtype, inShape);
        int[] st = out.strides.clone();
        st[a] *= step;
        Loops.copy(g, g.strides, out.storage(), start * out.strides[a], st);
        if (tracks(g)) {
            record(out, "sliceBackward", gg -> new Tensor[] {gg.sliceView(a, start, len, step)}, g);
        }
        return out;
    }

    /**
     * @param splitSize size of each piece along {@code axis} (the last may be smaller)
     * @param axis dimension to split
     * @return views covering the dimension in order
     */
    public Tensor[] split(int splitSize, int axis) {
        int a = axis("split", axis, shape.length);
        if (splitSize <= 0) {
            throw new IllegalArgumentException("split: splitSize must be positive, got " + splitSize);
        }
        int n = shape[a];
        int pieces = Math.max(1, (n + splitSize - 1) / splitSize);
        Tensor[] out = new Tensor[pieces];
        for (int i = 0; i < pieces; i++) {
            int s = i * splitSize;
            out[i] = sliceView(a, s, Math.min(splitSize, n - s), 1);
        }
        return out;
    }

    /**
     * @param sizes sizes of the pieces, summing to the size of {@code axis}
     * @param axis dimension to split
     * @return views covering the dimension in order
     */
    public Tensor[] split(int[] sizes, int axis) {
        int a = axis("split", axis, shape.length);
        long total = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("split: negative size in " + Arrays.toString(sizes));
            }
            total += s;
        }
        if (total != shape[a]) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " sum to " + total
                    + " but dimension " + axis + " has size " + shape[a]);
        }
        Tensor[] out = new Tensor[sizes.length];
        int s = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = sliceView(a, s, sizes[i], 1);
            s += sizes[i];
        }
        return out;
    }

    /**
     * @param chunks number of pieces wanted (fewer when the dimension is too small), as
     *     {@code torch.chunk}
     * @param axis dimension to split
     * @return views of size {@code ceil(n / chunks)} (the last may be smaller)
     */
    public Tensor[] chunk(int chunks, int axis) {
        if (chunks <= 0) {
            throw new IllegalArgumentException("chunk: chunks must be positive, got " + chunks);
        }
        int n = shape[axis("chunk", axis, shape.length)];
        return split(Math.max(1, (n + chunks - 1) / chunks), axis);
    }

    /**
     * Joins tensors along an existing dimension, like {@code torch.cat}.
     *
     * @param axis the dimension to join along
     * @param tensors at least one tensor; same dtype and rank, equal sizes except along axis
     * @return the concatenation
     */
    public static Tensor concat(int axis, Tensor... tensors) {
        if (tensors.length == 0) {
            throw new IllegalArgumentException("concat: needs at least one tensor");
        }
        Tensor first = tensors[0];
        int r = first.shape.length;
        int a = axis("concat", axis, r);
        int total = 0;
        boolean grad = false;
        for (int i = 0; i < tensors.length; i++) {
            Tensor t = tensors[i];
            if (t.dtype != first.dtype) {
                throw new IllegalArgumentException("concat: tensor " + i + " is " + t.dtype + " but tensor 0 is "
                        + first.dtype + "; convert with .to(DType." + first.dtype + ")");
            }
            boolean ok = t.shape.length == r;
            for (int dd = 0; ok && dd < r; dd++) {
                ok = dd == a || t.shape[dd] == first.shape[dd];
            }
            if (!ok) {
                throw new IllegalArgumentException("concat: tensor " + i + " has shape " + Arrays.toString(t.shape)
                        + " but tensor 0 has " + Arrays.toString(first.shape) + "; all sizes must match except along axis " + axis);
            }
            total += t.shape[a];
            grad |= t.requiresGrad;
        }
        int[] os = first.shape.clone();
        os[a] = total;
        Tensor out = empty(first.dtype, os);
        int[] starts = new int[tensors.length];
        int s = 0;
        for (int i = 0; i < tensors.length; i++) {
            starts[i] = s;
            Loops.copy(tensors[i], tensors[i].strides, out.storage(), s * out.strides[a], out.strides);
            s += tensors[i].shape[a];
        }
        if (grad && GradMode.isEnabled()) {
            Tensor[] ins = tensors.clone();
            record(out, "concat", g -> {
                Tensor[] gs = new Tensor[ins.length];
                for (int i = 0; i < ins.length; i++) {
                    if (ins[i].requiresGrad) {
                        gs[i] = g.sliceView(a, starts[i], ins[i].shape[a], 1);
                    }
                }
                return gs;
            }, ins);
        }
        return out;
    }

    /**
     * Joins tensors along a new dimension, like {@code torch.stack}.
     *
     * @param axis position of the new dimension, in {@code [-rank-1, rank]}
     * @param tensors at least one tensor, all of the same shape and dtype
     * @return the stacked tensor
     */
    public static Tensor stack(int axis, Tensor... tensors) {
        if (tensors.length == 0) {
            throw new IllegalArgumentException("stack: needs at least one tensor");
        }
        Tensor[] u = new Tensor[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            if (!Arrays.equals(tensors[i].shape, tensors[0].shape)) {
                throw new IllegalArgumentException("stack: tensor " + i + " has shape " + Arrays.toString(tensors[i].shape)
                        + " but tensor 0 has " + Arrays.toString(tensors[0].shape) + "; stack needs equal shapes");
            }
            u[i] = tensors[i].unsqueeze(axis);
        }
        return concat(axis, u);
    }

    private static long[] indexValues(String op, Tensor index) {
        if (index.dtype != DType.INT64) {
            throw new IllegalArgumentException(op + ": index must be INT64, got " + index.dtype
                    + "; convert with .to(DType.INT64)");
        }
        return index.toLongArray();
    }

    private static int checkIndex(String op, long k, int size, int axis) {
        if (k < -size || k >= size) {
            throw new IllegalArgumentException(op + ": index " + k + " is out of range for dimension " + axis
                    + " of size " + size);
        }
        return (int) (k < 0 ? k + size : k);
    }

    /**
     * Selects entries along {@code axis}, like {@code torch.index_select}.
     *
     * @param axis dimension to index
     * @param index 1-D (or scalar) INT64 indices, negative count from the end
     * @return a tensor whose {@code axis} has {@code index.numel()} entries
     */
    public Tensor indexSelect(int axis, Tensor index) {
        int a = axis("indexSelect", axis, shape.length);
        if (index.shape.length > 1) {
            throw new IllegalArgumentException("indexSelect: index must be 1-D, got shape " + Arrays.toString(index.shape)
                    + "; flatten it with reshape(-1) and reshape the result");
        }
        long[] idx = indexValues("indexSelect", index);
        int[] os = shape.clone();
        os[a] = idx.length;
        Tensor out = empty(dtype, os);
        int[] sliceShape = shape.clone();
        sliceShape[a] = 1;
        for (int j = 0; j < idx.length; j++) {
            int k = checkIndex("indexSelect", idx[j], shape[a], axis);
            Tensor src = new Tensor(dtype, sliceShape, strides, offset + k * strides[a], storage());
            Loops.copy(src, src.strides, out.storage(), j * out.strides[a], out.strides);
        }
        if (tracks(this)) {
            int[] in = shape;
            DType dt = dtype;
            record(out, "indexSelect", g -> new Tensor[] {Tensor.zeros(dt, in).indexAdd(a, index, g)}, this);
        }
        return out;
    }

    /**
     * Out-of-place {@code torch.index_add}: a copy of this tensor with {@code src}'s entry
     * {@code j} along {@code axis} added at position {@code index[j]} (repeated indices add up).
     *
     * @param axis dimension to index
     * @param index 1-D INT64 indices
     * @param src values; same shape as this except {@code axis} has {@code index.numel()} entries
     * @return the sum
     */
    public Tensor indexAdd(int axis, Tensor index, Tensor src) {
        int a = axis("indexAdd", axis, shape.length);
        requireSameFloat("indexAdd", this, src);
        long[] idx = indexValues("indexAdd", index);
        int[] want = shape.clone();
        want[a] = idx.length;
        if (!Arrays.equals(want, src.shape) || index.shape.length > 1) {
            throw new IllegalArgumentException("indexAdd: src must have shape " + Arrays.toString(want)
                    + " for 1-D index of " + idx.length + " entries, got src " + Arrays.toString(src.shape)
                    + " and index " + Arrays.toString(index.shape));
        }
        Tensor out = copyOut();
        int[] sliceShape = shape.clone();
        sliceShape[a] = 1;
        int[] sst = src.strides;
        for (int j = 0; j < idx.length; j++) {
            int k = checkIndex("indexAdd", idx[j], shape[a], axis);
            int outOff = k * out.strides[a];
            int srcOff = src.offset + j * sst[a];
            if (dtype == DType.FLOAT32) {
                Loops.iterate(sliceShape, outOff, out.strides, srcOff, sst, outOff, out.strides,
                        (p, q, c, n, sp, sq, sc) -> Loops.binRow(BinaryOp.ADD, out.f, p, sp, src.f, q, sq, out.f, c, sc, n));
            } else {
                Loops.iterate(sliceShape, outOff, out.strides, srcOff, sst, outOff, out.strides,
                        (p, q, c, n, sp, sq, sc) -> Loops.binRow(BinaryOp.ADD, out.d, p, sp, src.d, q, sq, out.d, c, sc, n));
            }
        }
        if (tracks(this, src)) {
            Tensor self = this;
            record(out, "indexAdd", g -> new Tensor[] {
                self.requiresGrad ? g : null,
                src.requiresGrad ? g.indexSelect(a, index) : null}, self, src);
        }
        return out;
    }

    /**
     * Gathers along {@code axis}, like {@code torch.gather}: for rank 2 and axis 1,
     * {@code out[i][j] = this[i][index[i][j]]}.
     *
     * @param axis dimension to index
     * @param index INT64 tensor of the same rank, no larger than this tensor in the other
     *     dimensions
     * @return a tensor of {@code index}'s shape
     */
    public Tensor gather(int axis, Tensor index) {
        int a = axis("gather", axis, shape.length);
        Tensor out = gatherForward(this, a, index);
        if (tracks(this)) {
            int[] in = shape;
            DType dt = dtype;
            record(out, "gather", g -> new Tensor[] {Tensor.zeros(dt, in).scatterAdd(a, index, g)}, this);
        }
        return out;
    }

    private static void checkScatterShapes(String op, Tensor x, int a, Tensor index) {
        if (index.dtype != DType.INT64) {
            throw new IllegalArgumentException(op + ": index must be INT64, got " + index.dtype + "; convert with .to(DType.INT64)");
        }
        boolean ok = index.shape.length == x.shape.length;
        for (int dd = 0; ok && dd < x.shape.length; dd++) {
            ok = dd == a || index.shape[dd] <= x.shape[dd];
        }
        if (!ok) {
            throw new IllegalArgumentException(op + ": index of shape " + Arrays.toString(index.shape)
                    + " must have the same rank as the tensor " + Arrays.toString(x.shape)
                    + " and be no larger in every dimension except " + a);
        }
    }

    static Tensor gatherForward(Tensor x, int a, Tensor index) {
        checkScatterShapes("gather", x, a, index);
        Tensor out = empty(x.dtype, index.shape.clone());
        int r = index.shape.length;
        int[] idx = new int[r];
        for (int p = 0; p < out.numel; p++) {
            int io = index.offset;
            int xo = x.offset;
            for (int dd = 0; dd < r; dd++) {
                io += idx[dd] * index.strides[dd];
                if (dd != a) {
                    xo += idx[dd] * x.strides[dd];
                }
            }
            int k = r == 0 ? 0 : checkIndex("gather", index.l[io], x.shape[a], a);
            out.setRaw(p, x.getRaw(xo + (r == 0 ? 0 : k * x.strides[a])));
            for (int dd = r - 1; dd >= 0; dd--) {
                if (++idx[dd] < index.shape[dd]) {
                    break;
                }
                idx[dd] = 0;
            }
        }
        return out;
    }

    /**
     * Out-of-place {@code torch.scatter_add}: a copy of this tensor where, for rank 2 and axis 1,
     * {@code out[i][index[i][j]] += src[i][j]}.
     *
     * @param axis dimension to index
     * @param index INT64 tensor of the same rank, no larger than this tensor except along axis
     * @param src values of exactly {@code index}'s shape, same float dtype
     * @return the sum
     */
    public Tensor scatterAdd(int axis, Tensor index, Tensor src) {
        int a = axis("scatterAdd", axis, shape.length);
        requireSameFloat("scatterAdd", this, src);
        checkScatterShapes("scatterAdd", this, a, index);
        if (!Arrays.equals(src.shape, index.shape)) {
            throw new IllegalArgumentException("scatterAdd: src shape " + Arrays.toString(src.shape)
                    + " must equal index shape " + Arrays.toString(index.shape));
        }
        Tensor out = copyOut();
        int r = index.shape.length;
        int[] idx = new int[r];
        for (int p = 0; p < index.numel; p++) {
            int io = index.offset;
            int so = src.offset;
            int oo = 0;
            for (int dd = 0; dd < r; dd++) {
                io += idx[dd] * index.strides[dd];
                so += idx[dd] * src.strides[dd];
                if (dd != a) {
                    oo += idx[dd] * out.strides[dd];
                }
            }
            if (r > 0) {
                oo += checkIndex("scatterAdd", index.l[io], shape[a], a) * out.strides[a];
            }
            out.setRaw(oo, out.getRaw(oo) + src.getRaw(so));
            for (int dd = r - 1; dd >= 0; dd--) {
                if (++idx[dd] < index.shape[dd]) {
                    break;
                }
                idx[dd] = 0;
            }
        }
        if (tracks(this, src)) {
            Tensor self = this;
            record(out, "scatterAdd", g -> new Tensor[] {
                self.requiresGrad ? g : null,
                src.requiresGrad ? g.gather(a, index) : null}, self, src);
        }
        return out;
    }

    /**
     * Embedding lookup, like {@code torch.nn.functional.embedding(indices, weight)}.
     *
     * @param indices INT64 indices of any shape, each in {@code [0, V)}
     * @param weight table of shape {@code [V, D]}
     * @return shape {@code indices.shape + [D]}; the gradient accumulates into the used rows
     */
    public static Tensor embedding(Tensor indices, Tensor weight) {
        if (weight.shape.length != 2) {
            throw new IllegalArgumentException("embedding: weight must be [numEmbeddings, dim], got "
                    + Arrays.toString(weight.shape));
        }
        int[] os = Arrays.copyOf(indices.shape, indices.shape.length + 1);
        os[indices.shape.length] = weight.shape[1];
        return weight.indexSelect(0, indices.reshape(-1)).reshape(os);
    }

    /**
     * @param numClasses number of classes, or -1 to use {@code max + 1}
     * @return INT64 one-hot encoding with a new last dimension, like {@code torch.nn.functional.one_hot}
     */
    public Tensor oneHot(int numClasses) {
        return oneHot(numClasses, DType.INT64);
    }

    /**
     * @param numClasses number of classes, or -1 to use {@code max + 1}
     * @param dtype element type of the result
     * @return one-hot encoding of this INT64 tensor with a new last dimension
     */
    public Tensor oneHot(int numClasses, DType dtype) {
        long[] v = indexValues("oneHot", this);
        int c = numClasses;
        if (c == -1) {
            long m = -1;
            for (long x : v) {
                m = Math.max(m, x);
            }
            c = (int) (m + 1);
        }
        int[] os = Arrays.copyOf(shape, shape.length + 1);
        os[shape.length] = c;
        Tensor out = empty(dtype, os);
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0 || v[i] >= c) {
                throw new IllegalArgumentException("oneHot: class index " + v[i] + " is outside [0, " + c + ")");
            }
            out.setRaw(i * c + (int) v[i], 1);
        }
        return out;
    }

    /**
     * Inverted dropout: zeroes each element with probability {@code p} and scales the rest by
     * {@code 1 / (1 - p)}. Apply only in training; the mask comes from {@code rng}, so the same
     * seed gives the same mask.
     *
     * @param p drop probability in [0, 1]
     * @param rng generator (advanced by {@code numel} draws when {@code 0 < p < 1})
     * @return the masked tensor (this tensor itself when p is 0)
     */
    public Tensor dropout(double p, Rng rng) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout: p must be in [0, 1], got " + p);
        }
        requireFloating("dropout");
        if (p == 0) {
            return this;
        }
        Tensor mask = empty(dtype, shape);
        if (p < 1) {
            double scale = 1 / (1 - p);
            for (int i = 0; i < mask.numel; i++) {
                mask.setRaw(i, rng.nextDouble() < p ? 0 : scale);
            }
        }
        return mul(mask);
    }

    // =========================================================================================
    // Layer normalisation
    // =========================================================================================

    /**
     * Layer normalisation over the trailing {@code normalizedShape} dimensions, like
     * {@code torch.nn.functional.layer_norm}: {@code (x - mean) / sqrt(var + eps) * weight + bias}
     * with the biased variance. Forward and first-order backward are fused; when the backward
     * pass itself is recorded ({@code createGraph}), it is expressed with tensor ops and so is
     * differentiable again.
     *
     * @param normalizedShape trailing dimensions to normalise over
     * @param weight scale of shape {@code normalizedShape}, or null for none
     * @param bias shift of shape {@code normalizedShape}, or null for none
     * @param eps added to the variance, e.g. 1e-5
     * @return the normalised tensor
     */
    public Tensor layerNorm(int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        requireFloating("layerNorm");
        int k = normalizedShape.length;
        boolean ok = k >= 1 && k <= shape.length;
        for (int i = 0; ok && i < k; i++) {
            ok = shape[shape.length - k + i] == normalizedShape[i];
        }
        if (!ok) {
            throw new IllegalArgumentException("layerNorm: normalizedShape " + Arrays.toString(normalizedShape)
                    + " must match the trailing dimensions of the input " + Arrays.toString(shape));
        }
        for (Tensor p : new Tensor[] {weight, bias}) {
            if (p != null) {
                requireSameFloat("layerNorm", this, p);
                if (!Arrays.equals(p.shape, normalizedShape)) {
                    throw new IllegalArgumentException("layerNorm: weight and bias must have shape "
                            + Arrays.toString(normalizedShape) + ", got " + Arrays.toString(p.shape));
                }
            }
        }
        int dim = checkedNumel("layerNorm", normalizedShape);
        int rows = dim == 0 ? 0 : numel / dim;
        Tensor x = dense();
        Tensor w = weight == null ? null : weight.dense();
        Tensor b = bias == null ? null : bias.dense();
        Tensor out = empty(dtype, shape);
        boolean wg = weight != null && weight.requiresGrad;
        boolean bg = bias != null && bias.requiresGrad;
        boolean recorded = (requiresGrad || wg || bg) && GradMode.isEnabled();
        int[] axes = new int[k];
        for (int i = 0; i < k; i++) {
            axes[i] = shape.length - k + i;
        }
        if (dtype == DType.FLOAT32) {
            // the float32 kernel: vectorised, mean and rstd kept for the fused backward
            float[] wf = w == null ? null : w.toFloatArray();
            float[] bf = b == null ? null : b.toFloatArray();
            float[] meanF = new float[rows];
            float[] rstdF = new float[rows];
            K.layerNorm(x.f, x.offset, wf, bf, out.f, 0, meanF, rstdF, rows, dim, (float) eps);
            if (recorded) {
                Tensor self = this;
                record(out, "layerNorm", g -> {
                    if (GradMode.isEnabled()) {
                        return layerNormBackwardComposite(self, weight, bias, g, axes, eps);
                    }
                    Tensor gd = g.dense();
                    Tensor dx = self.requiresGrad ? empty(DType.FLOAT32, self.shape) : null;
                    double[] dw = wg ? new double[dim] : null;
                    double[] db = bg ? new double[dim] : null;
                    K.layerNormBackward(x.f, x.offset, gd.f, gd.offset, wf, meanF, rstdF, dx == null ? null : dx.f, 0,
                            dw, db, rows, dim);
                    return new Tensor[] {
                        dx,
                        dw == null ? null : wrapDoubles(weight.dtype, weight.shape, dw),
                        db == null ? null : wrapDoubles(bias.dtype, bias.shape, db)};
                }, this, weight, bias);
            }
            return out;
        }
        double[] means = new double[rows];
        double[] rstds = new double[rows];
        double[] wv = w == null ? null : w.toDoubleArray();
        double[] bv = b == null ? null : b.toDoubleArray();
        double[] row = new double[dim];
        for (int r = 0; r < rows; r++) {
            loadRow(x, x.offset + r * dim, row, dim);
            double s = 0;
            for (int j = 0; j < dim; j++) {
                s += row[j];
            }
            double mu = s / dim;
            double v = 0;
            for (int j = 0; j < dim; j++) {
                double c = row[j] - mu;
                v += c * c;
            }
            double rstd = 1 / Math.sqrt(v / dim + eps);
            means[r] = mu;
            rstds[r] = rstd;
            for (int j = 0; j < dim; j++) {
                double y = (row[j] - mu) * rstd;
                if (wv != null) {
                    y *= wv[j];
                }
                if (bv != null) {
                    y += bv[j];
                }
                row[j] = y;
            }
            storeRow(out, r * dim, row, dim);
        }
        if (recorded) {
            Tensor self = this;
            record(out, "layerNorm", g -> {
                if (GradMode.isEnabled()) {
                    return layerNormBackwardComposite(self, weight, bias, g, axes, eps);
                }
                return layerNormBackwardFused(x, wv, g.dense(), means, rstds, rows, dim, self.requiresGrad, wg, bg,
                        weight, bias);
            }, this, weight, bias);
        }
        return out;
    }

    /** The layer-norm gradient written with tensor ops, so it can be differentiated again. */
    private static Tensor[] layerNormBackwardComposite(Tensor x, Tensor weight, Tensor bias, Tensor g, int[] axes,
                                                       double eps) {
        Tensor mu = x.mean(axes, true);
        Tensor xc = x.sub(mu);
        Tensor rstd = xc.mul(xc).mean(axes, true).add(eps).rsqrt();
        Tensor xhat = xc.mul(rstd);
        Tensor dxhat = weight == null ? g : g.mul(weight);
        Tensor dx = null;
        if (x.requiresGrad) {
            Tensor m1 = dxhat.mean(axes, true);
            Tensor m2 = dxhat.mul(xhat).mean(axes, true);
            dx = dxhat.sub(m1).sub(xhat.mul(m2)).mul(rstd);
        }
        Tensor dw = weight != null && weight.requiresGrad ? sumTo(g.mul(xhat), weight.shape) : null;
        Tensor db = bias != null && bias.requiresGrad ? sumTo(g, bias.shape) : null;
        return new Tensor[] {dx, dw, db};
    }

    private static Tensor[] layerNormBackwardFused(Tensor x, double[] wv, Tensor g, double[] means, double[] rstds,
                                                   int rows, int dim, boolean xg, boolean wg, boolean bg,
                                                   Tensor weight, Tensor bias) {
        Tensor dx = xg ? empty(x.dtype, x.shape) : null;
        double[] dw = wg ? new double[dim] : null;
        double[] db = bg ? new double[dim] : null;
        double[] xrow = new double[dim];
        double[] grow = new double[dim];
        for (int r = 0; r < rows; r++) {
            loadRow(x, x.offset + r * dim, xrow, dim);
            loadRow(g, g.offset + r * dim, grow, dim);
            double mu = means[r];
            double rstd = rstds[r];
            double m1 = 0;
            double m2 = 0;
            for (int j = 0; j < dim; j++) {
                double gj = grow[j];
                double xh = (xrow[j] - mu) * rstd;
                double dh = wv == null ? gj : gj * wv[j];
                xrow[j] = xh;
                grow[j] = dh;
                m1 += dh;
                m2 += dh * xh;
                if (dw != null) {
                    dw[j] += gj * xh;
                }
                if (db != null) {
                    db[j] += gj;
                }
            }
            if (dx != null) {
                m1 /= dim;
                m2 /= dim;
                for (int j = 0; j < dim; j++) {
                    grow[j] = (grow[j] - m1 - xrow[j] * m2) * rstd;
                }
                storeRow(dx, r * dim, grow, dim);
            }
        }
        return new Tensor[] {
            dx,
            dw == null ? null : wrapDoubles(weight.dtype, weight.shape, dw),
            db == null ? null : wrapDoubles(bias.dtype, bias.shape, db)};
    }

    private static void loadRow(Tensor t, int from, double[] row, int n) {
        if (t.dtype == DType.FLOAT32) {
            float[] src = t.f;
            for (int j = 0; j < n; j++) {
                row[j] = src[from + j];
            }
        } else {
            System.arraycopy(t.d, from, row, 0, n);
        }
    }

    private static void storeRow(Tensor t, int to, double[] row, int n) {
        if (t.dtype == DType.FLOAT32) {
            float[] dst = t.f;
            for (int j = 0; j < n; j++) {
                dst[to + j] = (float) row[j];
            }
        } else {
            System.arraycopy(row, 0, t.d, to, n);
        }
    }

    private static Tensor wrapDoubles(DType dt, int[] shape, double[] v) {
        Tensor t = empty(dt, shape);
        for (int i = 0; i < v.length; i++) {
            t.setRaw(i, v[i]);
        }
        return t;
    }

    // =========================================================================================
    // In-place ops (for optimizers, under no-grad)
    // =========================================================================================

    private void checkInPlace(String op) {
        version[0]++;
        if (requiresGrad && GradMode.isEnabled()) {
            version[0]--;
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
