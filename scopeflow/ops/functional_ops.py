"""`tf.map_fn`, `tf.scan`, `tf.foldl`, `tf.foldr` as TF1 builds them: a while_loop that reads
the elements from TensorArrays (and writes results into others), bounded by
`maximum_iterations=n`, so the loop lowers to a `lax.scan` of static length.

>>> import scopeflow as tf
>>> m = tf.map_fn(lambda r: tf.reduce_sum(r), tf.constant([[1, 2], [3, 4]]))
>>> m.name, m.shape.as_list()
('map/TensorArrayStack/TensorArrayGatherV3:0', [2])
"""

from scopeflow.core.shape import TensorShape
from scopeflow.ops import nest
from scopeflow.ops.array_base import scope
from scopeflow.ops.constant import constant, convert_to_tensor
from scopeflow.ops.control_flow import while_loop
from scopeflow.ops.tensor_array import TensorArray


def _n_of(elems_flat):
    n = elems_flat[0].shape._dims[0] if elems_flat[0].shape._dims else None
    if n is not None:
        return n
    from scopeflow.ops.shape_ops import shape
    return shape(elems_flat[0])[0]


def _static_n(elems_flat):
    dims = elems_flat[0].shape._dims
    return dims[0] if dims else None


def _check_callable(fn):
    if not callable(fn):
        raise TypeError("%s is not callable. Please provide a callable function."
                        % getattr(fn, "__name__", fn))


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True, swap_memory=False,
           infer_shape=True, name=None, fn_output_signature=None):
    """`fn` on each element of `elems` (unstacked on dimension 0); results stacked."""
    if fn_output_signature is None:
        fn_output_signature = dtype
    if not callable(fn):
        raise TypeError("The provided function %s is not callable.fn must be callable."
                        % getattr(fn, "__name__", fn))
    parallel_iterations = parallel_iterations or 10
    elems_flat = nest.flatten(elems)
    if not elems_flat:
        raise ValueError("elems must be a Tensor or (possibly nested) sequence of Tensors. "
                         "Got {}, which does not contain any Tensors.".format(elems))
    with scope(name, "map", elems_flat):
        elems_flat = [convert_to_tensor(t, name="elem") for t in elems_flat]
        first = elems_flat[0]
        if first.shape._dims is not None and len(first.shape._dims) < 1:
            raise ValueError("Elements in elems must be 1+ dimensional Tensors, not scalars")
        n_static = _static_n(elems_flat)
        n = n_static or _n_of(elems_flat)
        elems_ta = [TensorArray(t.dtype, size=n, dynamic_size=False, infer_shape=True)
                    for t in elems_flat]
        elems_ta = [ta.unstack(t) for ta, t in zip(elems_ta, elems_flat)]
        i = constant(0)
        if fn_output_signature is None:
            out_dtypes, pack = [t.dtype for t in elems_flat], elems
        else:
            out_dtypes, pack = nest.flatten(fn_output_signature), fn_output_signature
        result_ta = [TensorArray(d, size=n, dynamic_size=False, infer_shape=infer_shape,
                                 element_shape=TensorShape(None)) for d in out_dtypes]

        def compute(i, tas):
            value = nest.pack_sequence_as(elems, [ta.read(i) for ta in elems_ta])
            result = fn(value)
            nest.assert_same_structure(pack, result)
            tas = [ta.write(i, v) for ta, v in zip(tas, nest.flatten(result))]
            return i + 1, tas

        _, r_a = while_loop(lambda i, _: i < n, compute, (i, result_ta),
                            parallel_iterations=parallel_iterations, back_prop=back_prop,
                            swap_memory=swap_memory, maximum_iterations=n)
        results = [r.stack() for r in r_a]
        for r in results:
            r.set_shape(TensorShape([n_static]).concatenate(_rest(r.shape)))
        return nest.pack_sequence_as(pack, results)


def _rest(shape):
    return TensorShape(None) if shape._dims is None else TensorShape(shape._dims[1:])


def _unstacked(elems_flat, n, element_shapes=False):
    tas = []
    for e in elems_flat:
        shape = _rest(e.shape) if element_shapes else None
        tas.append(TensorArray(e.dtype, size=n, dynamic_size=False, element_shape=shape,
                               infer_shape=True).unstack(e))
    return tas


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """`fn(a, x)` over the elements of `elems` from the first on; returns the last `a`."""
    _check_callable(fn)
    with scope(name, "foldl", [elems]):
        elems_flat = [convert_to_tensor(e, name="elem") for e in nest.flatten(elems)]
        n = _static_n(elems_flat) or _n_of(elems_flat)
        elems_ta = nest.pack_sequence_as(elems, _unstacked(elems_flat, n))
        if initializer is None:
            a = nest.map_structure(lambda ta: ta.read(0), elems_ta)
            i = constant(1)
        else:
            a, i = initializer, constant(0)

        def compute(i, a):
            a = fn(a, nest.map_structure(lambda ta: ta.read(i), elems_ta))
            return [i + 1, a]

        _, r_a = while_loop(lambda i, a: i < n, compute, [i, a],
                            parallel_iterations=parallel_iterations, back_prop=back_prop,
                            swap_memory=swap_memory, maximum_iterations=n)
        return r_a


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """`fn(a, x)` over the elements of `elems` from the last back; returns the last `a`."""
    _check_callable(fn)
    with scope(name, "foldr", [elems]):
        elems_flat = [convert_to_tensor(e, name="elem") for e in nest.flatten(elems)]
        n = _static_n(elems_flat) or _n_of(elems_flat)
        elems_ta = nest.pack_sequence_as(elems, _unstacked(elems_flat, n))
        if initializer is None:
            i = n - 1
            a = nest.map_structure(lambda ta: ta.read(i), elems_ta)
        else:
            i, a = n, initializer

        def compute(i, a):
            i -= 1
            a_out = fn(a, nest.map_structure(lambda ta: ta.read(i), elems_ta))
            return [i, a_out]

        _, r_a = while_loop(lambda i, a: i > 0, compute, [i, a],
                            parallel_iterations=parallel_iterations, back_prop=back_prop,
                            swap_memory=swap_memory, maximum_iterations=n)
        return r_a


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False,
         infer_shape=True, reverse=False, name=None):
    """The successive values of `a = fn(a, x)` over the elements of `elems`, stacked."""
    _check_callable(fn)
    in_nested = nest.is_nested(elems)
    out_like = elems if initializer is None else initializer
    out_nested = nest.is_nested(out_like)

    def pack(like, nested, xs):
        return nest.pack_sequence_as(like, xs) if nested else xs[0]

    elems_flat = nest.flatten(elems) if in_nested else [elems]
    with scope(name, "scan", elems_flat):
        elems_flat = [convert_to_tensor(e, name="elem") for e in elems_flat]
        n = _static_n(elems_flat)
        if n is None:
            n = _n_of(elems_flat)
        elems_ta = _unstacked(elems_flat, n, element_shapes=True)
        if initializer is None:
            a_flat = [ta.read(n - 1 if reverse else 0) for ta in elems_ta]
            i = 1
        else:
            a_flat = [convert_to_tensor(x) for x in
                      (nest.flatten(initializer) if out_nested else [initializer])]
            i = 0
        accs = [TensorArray(a.dtype, size=n, element_shape=a.shape if infer_shape else None,
                            dynamic_size=False, infer_shape=infer_shape) for a in a_flat]
        if initializer is None:
            accs = [ta.write(n - 1 if reverse else 0, a) for ta, a in zip(accs, a_flat)]

        def compute(i, a_flat, tas):
            packed_elems = pack(elems, in_nested, [ta.read(i) for ta in elems_ta])
            a_out = fn(pack(out_like, out_nested, a_flat), packed_elems)
            nest.assert_same_structure(out_like, a_out)
            flat_out = nest.flatten(a_out) if out_nested else [a_out]
            tas = [ta.write(i, v) for ta, v in zip(tas, flat_out)]
            return (i - 1 if reverse else i + 1), flat_out, tas

        if reverse:
            initial_i, condition = n - 1 - i, (lambda i, _1, _2: i >= 0)
        else:
            initial_i, condition = i, (lambda i, _1, _2: i < n)
        _, _, r_a = while_loop(condition, compute, (initial_i, a_flat, accs),
                               parallel_iterations=parallel_iterations, back_prop=back_prop,
                               swap_memory=swap_memory, maximum_iterations=n)
        results = [r.stack() for r in r_a]
        n_static = _static_n(elems_flat)
        for r in results:
            r.set_shape(TensorShape([n_static]).concatenate(_rest(r.shape)))
        return pack(out_like, out_nested, results)
