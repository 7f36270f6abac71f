package dev.heed.core;

import dev.heed.core.internal.TensorInternals;

/** Bridges {@link TensorInternals} to package-private tensor fields. */
final class InternalsAccess implements TensorInternals.Access {

    @Override
    public Object storage(Tensor t) {
        return t.storage();
    }

    @Override
    public int offset(Tensor t) {
        return t.offset;
    }

    @Override
    public int[] strides(Tensor t) {
        return t.strides.clone();
    }

    @Override
    public Tensor wrap(DType dtype, Object storage, int[] shape) {
        return Tensor.wrap(dtype, shape, storage);
    }
}
