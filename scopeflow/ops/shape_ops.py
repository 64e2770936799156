"""Shapes as values and filled tensors: shape / size / rank, fill, zeros / ones, range, one_hot."""

import builtins

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.core.tensor import Tensor
from scopeflow.ops import array_base as _b
from scopeflow.ops.array_base import ShapeError, check_rank, dims_of, static_value, xp
from scopeflow.ops.constant import constant, convert_to_tensor
from scopeflow.ops.registry import ANY, INDEX, op, spec

_HOST_LIMIT = 1024  # outputs this small are built in NumPy: they stay static under jit


def _full(shape, value, dtype):
    """`value` broadcast to `shape`: a host array when small, else an XLA broadcast."""
    shape = tuple(shape)
    if int(np.prod(shape)) <= _HOST_LIMIT and _b.is_numpy(value):
        return np.full(shape, value, dtype=dtype)
    import jax.numpy as jnp
    return jnp.full(shape, value, dtype=dtype)


# ---- Shape / Size / Rank / ShapeN -----------------------------------------------------------
def _shape_shape(input, *, out_type):  # noqa: A002
    d = dims_of(input)
    return spec((None if d is None else len(d),), out_type)


@op("Shape", infer=_shape_shape, types={"input": ANY})
def _shape_op(input, *, out_type):  # noqa: A002
    return np.asarray(np.shape(input), dtype=out_type.as_numpy_dtype)


@op("Size", infer=lambda input, *, out_type: spec((), out_type), types={"input": ANY})
def _size_op(input, *, out_type):  # noqa: A002
    return np.asarray(np.size(input), dtype=out_type.as_numpy_dtype)


@op("Rank", infer=lambda input: spec((), _dt.int32), types={"input": ANY})
def rank_op(input):  # noqa: A002
    return np.asarray(np.ndim(input), dtype=np.int32)


def _shape_n_shape(input, *, out_type):  # noqa: A002
    return [_shape_shape(t, out_type=out_type) for t in input]


@op("ShapeN", infer=_shape_n_shape, lists=("input",), types={"input": ANY}, multi=True)
def _shape_n_op(input, *, out_type):  # noqa: A002
    return _b.outputs(np.asarray(np.shape(t), dtype=out_type.as_numpy_dtype) for t in input)


def shape_as_tensor(s, name=None):
    """TF's TensorShape conversion: a Const 'shape_as_tensor' (int64 if a dim needs it)."""
    s = TensorShape(s)
    if not s.is_fully_defined():
        raise ValueError("Cannot convert a partially known TensorShape %s to a Tensor." % s)
    dims = s.as_list()
    dt = _dt.int64 if any(d >= 2 ** 31 for d in dims) else _dt.int32
    return constant(dims, dtype=dt, name=name or "shape_as_tensor")


def _sparse_shape(x):
    """A SparseTensor's dense_shape (TF's shape ops read it), or None for other inputs."""
    from scopeflow.sparse_tensor import SparseTensor, SparseTensorValue
    if isinstance(x, SparseTensorValue):
        x = SparseTensor.from_value(x)
    return x.dense_shape if isinstance(x, SparseTensor) else None


def shape_internal(input, name=None, optimize=True, out_type=None):  # noqa: A002
    with _b.scope(name, "Shape", [input]) as scope:
        dense = _sparse_shape(input)
        if dense is not None:  # (TF's gen cast: a Cast op even to the same type)
            from scopeflow.ops.math_cast import _cast_op
            return _cast_op(dense, name="Cast", DstT=_dt.as_dtype(out_type or _dt.int32))
        input = convert_to_tensor(input)
        s = input.shape
        if optimize and s.is_fully_defined():
            if out_type is None:
                return shape_as_tensor(s)
            return constant(s.as_list(), out_type, name=scope)
        return _shape_op(input, name=scope, out_type=_dt.as_dtype(out_type or _dt.int32))


def shape(input, name=None, out_type=None):  # noqa: A002
    """`tf.shape`: the dynamic shape (a Const 'Shape' when fully known).

    >>> import scopeflow as tf
    >>> tf.shape(tf.placeholder(tf.float32, [None, 3])).name
    'Shape:0'
    """
    return shape_internal(input, name, True, out_type or _dt.int32)


def size(input, name=None, out_type=None):  # noqa: A002
    """`tf.size`: number of elements (a Const when the shape is fully known)."""
    out_type = _dt.as_dtype(out_type or _dt.int32)
    with _b.scope(name, "Size", [input]) as scope:
        dense = _sparse_shape(input)
        if dense is not None:
            from scopeflow.ops.math_cast import _cast_op
            from scopeflow.ops.reductions import REDUCERS
            return REDUCERS["Prod"](_cast_op(dense, name="Cast", DstT=out_type), 0,
                                    name=scope, keep_dims=False)
        input = convert_to_tensor(input)
        s = input.shape
        if s.is_fully_defined():
            return constant(s.num_elements(), out_type, name=scope)
        if s._dims and 0 in s._dims:
            return constant(0, out_type, name=scope)
        return _size_op(input, name=scope, out_type=out_type)


def rank(input, name=None):  # noqa: A002
    """`tf.rank`: number of dimensions (a Const 'Rank' when statically known).

    >>> import scopeflow as tf
    >>> tf.rank(tf.zeros([2, 3])).op.type
    'Const'
    """
    with _b.scope(name, "Rank", [input]) as scope:
        dense = _sparse_shape(input)
        if dense is not None:
            return _size_op(dense, name=scope, out_type=_dt.int32)
        input = convert_to_tensor(input)
        if input.shape.ndims is not None:
            return constant(input.shape.ndims, _dt.int32, name=scope)
        return rank_op(input, name=scope)


def shape_n(input, out_type=_dt.int32, name=None):  # noqa: A002
    """`tf.shape_n`: one ShapeN op giving the shape of each input."""
    return _shape_n_op(list(input), name=name or "ShapeN", out_type=_dt.as_dtype(out_type))


# ---- Fill / zeros / ones --------------------------------------------------------------------
def _fill_shape(dims, value):
    check_rank(dims, 1)
    check_rank(value, 0)
    shape = _b.partial_shape(dims)
    known = static_value(dims)
    if known is not None and (known < 0).any():
        raise ShapeError("Fill dimensions must be >= 0")
    return spec(shape, value.dtype.base_dtype)


@op("Fill", infer=_fill_shape, types={"dims": INDEX, "value": ANY})
def _fill(dims, value):
    if np.ndim(dims) > 1:  # (a value fed with a rank the graph did not know)
        raise ValueError("dims must represent a vector, got shape [%s]"
                         % ",".join(map(str, np.shape(dims))))
    return _full(_b.shape_dims(dims), value, np.asarray(value).dtype if _b.is_numpy(value)
                 else value.dtype)


def fill(dims, value, name=None):
    """`tf.fill`: a tensor of shape `dims` holding `value` everywhere."""
    return _fill(dims, value, name=name or "Fill")


def _filled(shape, value, dtype, name, default):
    """TF's `zeros` / `ones`: a Const when small and known, else Fill(shape, value)."""
    dtype = _dt.as_dtype(dtype).base_dtype
    with _b.scope(name, default, [shape]) as scope:
        if not isinstance(shape, Tensor):
            try:  # (a negative dim fails both: Fill then raises TF's shape error)
                small = _constant_if_small(value, shape, dtype, scope)
                if small is not None:
                    return small
                shape = shape_as_tensor(TensorShape(shape))
            except (TypeError, ValueError):
                shape = convert_to_tensor(shape, dtype=_dt.int32)
        if not shape.shape._dims:
            from scopeflow.ops.array import reshape
            shape = reshape(shape, [-1])
        return _fill(shape, constant(value, dtype=dtype), name=scope)


def _constant_if_small(value, shape, dtype, name):
    try:
        if np.prod(shape) < 1000:
            dims = [_int_dim(d) for d in shape]  # TF's make_tensor_proto: an int is no shape
            return constant(value, shape=dims, dtype=dtype, name=name)
    except (NotImplementedError, TypeError):
        pass
    return None


def _int_dim(d):
    d = getattr(d, "value", d)
    if d is None:
        raise TypeError("int() argument must be a string, a bytes-like object or a real number, "
                        "not 'NoneType'")
    return int(d)


def _zero(dtype):
    dtype = _dt.as_dtype(dtype).base_dtype
    return False if dtype is _dt.bool else "" if dtype is _dt.string else 0


def zeros(shape, dtype=_dt.float32, name=None):
    """`tf.zeros`: a Const 'zeros' for small known shapes, else Fill.

    >>> import scopeflow as tf
    >>> tf.zeros([2, 3]).op.type
    'Const'
    """
    return _filled(shape, _zero(dtype), dtype, name, "zeros")


def ones(shape, dtype=_dt.float32, name=None):
    """`tf.ones`: a Const 'ones' for small known shapes, else Fill."""
    one = True if _dt.as_dtype(dtype).base_dtype is _dt.bool else 1
    return _filled(shape, one, dtype, name, "ones")


@op("ZerosLike", types={"x": ANY})
def _zeros_like_op(x):
    return xp(x).zeros_like(x)


@op("OnesLike", types={"x": ANY})
def _ones_like_op(x):
    return xp(x).ones_like(x)


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    """`tf.zeros_like`: Const when the shape is known, else ZerosLike (Fill for a new dtype)."""
    with _b.scope(name, "zeros_like", [tensor]) as scope:
        if not isinstance(tensor, Tensor):
            tensor = convert_to_tensor(tensor, name="tensor")
        dtype = None if dtype is None else _dt.as_dtype(dtype).base_dtype
        base = tensor.dtype.base_dtype
        if optimize and tensor.shape.is_fully_defined() and base is not _dt.variant:
            return zeros(tensor.shape, dtype=dtype or base, name=scope)
        if dtype is not None and dtype is not base and dtype is not _dt.variant:
            return zeros(shape_internal(tensor, optimize=optimize), dtype=dtype, name=scope)
        return _zeros_like_op(tensor, name=scope)


def ones_like(tensor, dtype=None, name=None, optimize=True):
    """`tf.ones_like`: Fill(shape, 1) named 'ones_like'."""
    with _b.scope(name, "ones_like", [tensor]) as scope:
        tensor = convert_to_tensor(tensor, name="tensor")
        s = shape_internal(tensor, optimize=optimize)
        out = ones(s, dtype=dtype or tensor.dtype.base_dtype, name=scope)
        out.set_shape(tensor.shape)
        return out


def ones_like_v2(tensor, dtype=None, name=None):
    """TF2's `tf.ones_like` (what Keras layers call): a Const when the shape is known, else
    OnesLike (Fill for a new dtype)."""
    with _b.scope(name, "ones_like", [tensor]) as scope:
        if not isinstance(tensor, Tensor):
            tensor = convert_to_tensor(tensor, name="tensor")
        dtype = None if dtype is None else _dt.as_dtype(dtype).base_dtype
        base = tensor.dtype.base_dtype
        if tensor.shape.is_fully_defined() and base is not _dt.variant:
            return ones(tensor.shape, dtype=dtype or base, name=scope)
        if dtype is not None and dtype is not base and dtype is not _dt.variant:
            return ones(shape_internal(tensor), dtype=dtype, name=scope)
        return _ones_like_op(tensor, name=scope)


# ---- Range / LinSpace -----------------------------------------------------------------------
def _range_size(start, limit, delta, kernel=False):
    if delta == 0:  # (TF's kernel adds the value)
        raise ShapeError("Requires delta != 0" + (": %s" % _num_text(delta) if kernel else ""))
    if delta > 0 and start > limit:
        raise ShapeError("Requires start <= limit when delta > 0: %s/%s"
                         % (_num_text(start), _num_text(limit)))
    if delta < 0 and start < limit:
        raise ShapeError("Requires start >= limit when delta < 0: %s/%s"
                         % (_num_text(start), _num_text(limit)))
    if isinstance(start, (int, np.integer)) and isinstance(delta, (int, np.integer)):
        return (builtins.abs(limit - start) + builtins.abs(delta) - 1) // builtins.abs(delta)
    return int(np.ceil(builtins.abs((limit - start) / delta)))


def _num_text(v):
    """A number as TF's StrCat writes it: floats with six significant digits."""
    return "%.6g" % v if isinstance(v, (float, np.floating)) else str(v)


def _range_shape(start, limit, delta):
    for t, what in ((start, "start"), (limit, "limit"), (delta, "delta")):
        check_rank(t, 0, "\n\t for '%s'" % what)
    vals = [static_value(t) for t in (start, limit, delta)]
    if any(v is None for v in vals):
        return spec((None,), start.dtype.base_dtype)
    return spec((_range_size(*(v.item() for v in vals)),), start.dtype.base_dtype)


@op("Range", infer=_range_shape, name="Range")
def range_op(start, limit, delta):
    dtype = np.asarray(start).dtype if _b.is_numpy(start) else start.dtype
    # (a value fed with a rank the graph did not know)
    for what, v in (("start", start), ("limit", limit), ("delta", delta)):
        if np.ndim(v):
            raise ValueError("%s must be a scalar, not shape [%s]"
                             % (what, ",".join(map(str, np.shape(v)))))
    s, lim, d = (np.asarray(v).item() for v in (start, limit, delta))
    n = _range_size(s, lim, d, kernel=True)
    if n <= _HOST_LIMIT:
        return (s + d * np.arange(n)).astype(dtype)
    import jax.numpy as jnp
    return (s + d * jnp.arange(n)).astype(dtype)


_RANGE_ORDER = ("int32", "int64", "float16", "bfloat16", "float32", "float64")


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001 - TF's name
    """`tf.range`: Range named 'range', dtype the widest of the arguments'.

    >>> import scopeflow as tf
    >>> tf.range(5).shape.as_list()
    [5]
    """
    from scopeflow.ops.math import cast
    if limit is None:
        start, limit = 0, start
    with _b.scope(name, "Range", [start, limit, delta]) as scope:
        args = []
        for v, n in ((start, "start"), (limit, "limit"), (delta, "delta")):
            args.append(v if isinstance(v, Tensor) else convert_to_tensor(v, dtype=dtype, name=n))
        if dtype is None:
            # TF asserts the inferred dtypes are in its order (a bare AssertionError)
            assert all(a.dtype.base_dtype.name in _RANGE_ORDER for a in args)  # noqa: S101
            dtype = max((a.dtype.base_dtype for a in args),
                        key=lambda d: _RANGE_ORDER.index(d.name))
        args = [cast(a, dtype) for a in args]
        return range_op(*args, name=scope)


def _linspace_shape(start, stop, num):
    for t, what in ((start, "start"), (stop, "stop"), (num, "num")):
        check_rank(t, 0, "\n\t for '%s'" % what)
    n = static_value(num)
    if n is not None and int(n) <= 0:
        raise ShapeError("Requires num > 0: %d" % int(n))
    return spec((None if n is None else int(n),), start.dtype.base_dtype)


@op("LinSpace", infer=_linspace_shape, types={"num": INDEX})
def _linspace_op(start, stop, num):
    """TF's CPU kernel: `start + step * i` with `step = (stop - start) / (num - 1)` in the
    values' own dtype, then exactly `stop` last (the op `tf.linspace` no longer builds)."""
    n = int(np.asarray(num))
    if n <= 0:
        raise ShapeError("Requires num > 0: %d" % n)
    dtype = np.asarray(start).dtype if _b.is_numpy(start) else start.dtype
    if _b.is_numpy(start, stop) and n <= _HOST_LIMIT:
        mod = np
    else:
        import jax.numpy as mod
    start, stop = mod.asarray(start, dtype), mod.asarray(stop, dtype)
    if n == 1:
        return mod.reshape(start, (1,))
    step = (stop - start) / mod.asarray(n - 1, dtype)
    values = start + step * mod.arange(n, dtype=dtype)
    return mod.concatenate([values[:-1], mod.reshape(stop, (1,))])


def gen_lin_space(start, stop, num, name=None):
    """TF's raw `LinSpace` op, one node (`gen_math_ops.lin_space`, which tf_slim builds).

    >>> import scopeflow as tf
    >>> gen_lin_space(-1.0, 1.0, 3).name
    'LinSpace:0'
    """
    return _linspace_op(start, stop, num, name=name or "LinSpace")


def linspace(start, stop, num, name=None, axis=0):
    """`tf.linspace`: `num` evenly spaced values along `axis`, TF's own graph of ~70 ops.

    TF 2's `tf.compat.v1.linspace` is `linspace_nd`: N-D `start` / `stop`, the values
    `start + delta * range` between the exact end points, sliced out at the end (named
    'linspace/Slice'); the single `LinSpace` op below is only what imported graphs hold.

    >>> import scopeflow as tf
    >>> tf.linspace(0.0, 1.0, 5).op.type
    'Slice'
    """
    from scopeflow.ops import array, gather, joining, math, math_cast, slicing
    with _b.scope(name, "linspace", [start, stop]):
        start = convert_to_tensor(start, name="start")
        stop = convert_to_tensor(stop, name="stop", dtype=start.dtype)
        num_int = _int_tensor(num, "num")
        num = math_cast.cast(num_int, start.dtype)

        broadcast = array.broadcast_dynamic_shape(shape(start), shape(stop))
        start = array.broadcast_to(start, broadcast)
        stop = array.broadcast_to(stop, broadcast)
        first = array.expand_dims(start, axis=axis)  # (..., 1 at axis, ...)
        last = array.expand_dims(stop, axis=axis)
        out_shape = shape(first)
        ndims = shape(out_shape)[0]
        axis = gather.where_v2(axis >= 0, axis, ndims + axis)

        num_fill = math.maximum(num_int - 2, 0)  # values strictly between the end points
        n_steps = math.maximum(num_int - 1, 1)  # >= 1: no zero division when num == 1
        delta = (last - first) / math_cast.cast(n_steps, last.dtype)
        first = math_cast.cast(first, delta.dtype)
        last = math_cast.cast(last, delta.dtype)
        range_end = gather.where_v2(num_int >= 0, n_steps, -1)  # num < 0 fails in Range
        steps = math_cast.cast(range(1, range_end, dtype=_dt.int64), delta.dtype)
        mask = math.equal(axis, range(ndims))
        steps = array.reshape(steps, gather.where_v2(mask, num_fill, 1))
        values = first + delta * steps
        joined = joining.concat((first, values, last), axis=axis)
        begin = zeros_like(out_shape)
        size = joining.concat((out_shape[0:axis], array.reshape(num_int, [1]),
                               out_shape[axis + 1:]), axis=0)
        return slicing.slice(joined, begin, size)


def _int_tensor(value, name):
    """TF's convert_to_int_tensor: an int32 Cast of an integer tensor, else TypeError."""
    t = convert_to_tensor(value, name=name, preferred_dtype=_dt.int32)
    if not t.dtype.is_integer:
        raise TypeError("Argument `tensor` (name: %s) must be of type integer. Received "
                        "`tensor` = %s of dtype: %s" % (name, t, t.dtype))
    return _b.raw("Cast", t, name="Cast", SrcT=t.dtype.base_dtype, DstT=_dt.int32,
                  Truncate=False)


lin_space = linspace


# ---- one_hot / sequence_mask / meshgrid -----------------------------------------------------
def _one_hot_shape(indices, depth, on_value, off_value, *, axis=-1):
    from scopeflow.ops.op_util import check_allowed
    check_allowed(indices, "indices", ("uint8", "int8", "int32", "int64"))  # (TF's TI)
    if axis < -1:
        raise ShapeError("axis must be >= -1")
    depth_dim = _b.scalar_dim(depth, 1)
    dims = dims_of(indices)
    if dims is None:
        return spec(None, on_value.dtype.base_dtype)
    a = (axis + len(dims) + 1) % (len(dims) + 1)  # TF's C++ modulo, also past the end
    return spec(dims[:a] + (depth_dim,) + dims[a:], on_value.dtype.base_dtype)


@op("OneHot", infer=_one_hot_shape, name="one_hot",
    types={"indices": ANY, "depth": _dt.int32, "on_value": "T", "off_value": "T"})
def _one_hot_op(indices, depth, on_value, off_value, *, axis=-1):
    import jax.numpy as jnp
    n = int(np.asarray(depth))
    if n < 0:
        raise ValueError("depth must be non-negative, got: %d" % n)
    r = np.ndim(indices) + 1  # (indices fed with a rank the graph did not know)
    if not -1 <= axis < r:
        raise ValueError("Expected axis to be -1 or between [0, %d).  But received: %d"
                         % (r, axis))
    hot = jnp.arange(n) == jnp.expand_dims(jnp.asarray(indices), -1)
    out = jnp.where(hot, on_value, off_value)
    return jnp.moveaxis(out, -1, axis) if axis != -1 else out


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """`tf.one_hot`: OneHot named 'one_hot' (float32 1/0 unless told otherwise)."""
    with _b.scope(name, "one_hot", [indices, depth, on_value, off_value, axis, dtype]) as scope:
        dtype = None if dtype is None else _dt.as_dtype(dtype)
        if on_value is not None:
            on_value = convert_to_tensor(on_value, dtype_hint=dtype)
        if off_value is not None:
            off_value = convert_to_tensor(off_value, dtype_hint=dtype)
        dtype = _one_hot_dtype(on_value, off_value, dtype)
        if on_value is None:
            on_value = convert_to_tensor(1, dtype, name="on_value")
        if off_value is None:
            off_value = convert_to_tensor(0, dtype, name="off_value")
        if on_value.dtype.base_dtype is not off_value.dtype.base_dtype:
            raise TypeError("dtype {0} of on_value does not match dtype {1} of off_value".format(
                on_value.dtype.base_dtype, off_value.dtype.base_dtype))
        return _one_hot_op(indices, depth, on_value, off_value, name=scope,
                           axis=-1 if axis is None else axis)


def _one_hot_dtype(on_value, off_value, dtype):
    given = [(t, w) for t, w in ((on_value, "on_value"), (off_value, "off_value"))
             if t is not None]
    if not given:
        return dtype or _dt.float32
    if dtype is None:
        return given[0][0].dtype.base_dtype
    for t, w in given:
        if t.dtype.base_dtype is not dtype:
            raise TypeError("dtype {0} of {1} does not match dtype parameter {2}".format(
                t.dtype.base_dtype, w, dtype))
    return dtype


def sequence_mask(lengths, maxlen=None, dtype=_dt.bool, name=None):
    """`tf.sequence_mask`: `range(maxlen) < lengths[..., None]` under 'SequenceMask'."""
    from scopeflow.ops.array import expand_dims
    with _b.scope(name, "SequenceMask", [lengths, maxlen]):
        lengths = convert_to_tensor(lengths)
        if maxlen is None:
            maxlen = _b.raw("Max", lengths, _all_dimensions(lengths), name="Max",
                            keep_dims=False)
            maxlen = _b.raw("Maximum", constant(0, maxlen.dtype), maxlen, name="Maximum")
        else:
            maxlen = convert_to_tensor(maxlen)
        if maxlen.shape.ndims not in (None, 0):
            raise ValueError("Argument `maxlen` must be scalar for sequence_mask, received "
                             "`maxlen` = %s with shape '%s' instead" % (maxlen, maxlen.shape))
        row = range_op(constant(0, maxlen.dtype), maxlen, constant(1, maxlen.dtype),
                       name="Range")
        matrix = _b.raw("Cast", expand_dims(lengths, -1), name="Cast",
                        DstT=maxlen.dtype.base_dtype)
        result = _b.raw("Less", row, matrix, name="Less")
        if dtype is None or _dt.as_dtype(dtype).base_dtype is _dt.bool:
            return result
        return _b.raw("Cast", result, name="Cast", DstT=_dt.as_dtype(dtype).base_dtype)


def _all_dimensions(x):
    if x.shape.ndims is not None:
        return constant(np.arange(x.shape.ndims), dtype=_dt.int32)
    return range_op(0, rank_op(x, name="Rank"), 1, name="Range")


def meshgrid(*args, **kwargs):
    """`tf.meshgrid`: coordinate grids ('xy' or 'ij' indexing) under 'meshgrid'."""
    from scopeflow.ops.array import reshape
    from scopeflow.ops.joining import stack
    indexing = kwargs.pop("indexing", "xy")
    name = kwargs.pop("name", "meshgrid")
    if kwargs:
        raise TypeError("'{}' is an invalid keyword argument for this function".format(
            list(kwargs)[0]))
    if indexing not in ("xy", "ij"):
        raise ValueError("Argument `indexing` parameter must be either 'xy' or 'ij', got '%s'"
                         % indexing)
    with _b.scope(name, "meshgrid", args):
        n = len(args)
        if not n:
            return []
        ones_ = (1,) * n
        out = [reshape(stack(x), ones_[:i] + (-1,) + ones_[i + 1:]) for i, x in enumerate(args)]
        shapes = [size(x) for x in args]
        dtype = convert_to_tensor(args[0]).dtype.base_dtype
        if indexing == "xy" and n > 1:
            out[0] = reshape(out[0], (1, -1) + (1,) * (n - 2))
            out[1] = reshape(out[1], (-1, 1) + (1,) * (n - 2))
            shapes[0], shapes[1] = shapes[1], shapes[0]
        mult = ones(shapes, dtype)
        return [x * mult for x in out]
