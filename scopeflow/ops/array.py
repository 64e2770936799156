"""Array ops: identity, reshape, expand_dims / squeeze, transpose, broadcasting, roll,
ensure_shape, bitcast (joining and splitting live in joining.py)."""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape, dims_str
from scopeflow.core.tensor import SymbolicTensor, Tensor
from scopeflow.ops import array_base as _b
from scopeflow.ops.array_base import ShapeError, check_rank, dims_of, dims_text, static_value, xp
from scopeflow.ops.constant import convert_to_tensor
from scopeflow.ops.registry import ANY, INDEX, op, spec
from scopeflow.ops.value_checks import failed


@op("Identity", types={"input": ANY})
def _identity(input):  # noqa: A002 - TF's arg name
    return input


def identity(input, name=None):  # noqa: A002
    """`tf.identity`: a new tensor with the same value.

    >>> import scopeflow as tf
    >>> tf.identity(tf.constant(1.0)).name
    'Identity:0'
    """
    if type(input) is not SymbolicTensor and hasattr(input, "_identity_input"):
        input = input._identity_input()
    return _identity(input, name=name or "Identity")


def _identity_n_shape(input):  # noqa: A002
    return [(t.shape, t.dtype.base_dtype) for t in input]


@op("IdentityN", infer=_identity_n_shape, lists=("input",), types={"input": ANY}, multi=True)
def _identity_n(input):  # noqa: A002
    return _b.outputs(input)


def identity_n(input, name=None):  # noqa: A002
    """`tf.identity_n`: one IdentityN op passing several tensors through."""
    return _identity_n(list(input), name=name or "IdentityN")


@op("StopGradient", types={"input": ANY})
def _stop_gradient(input):  # noqa: A002
    import jax
    return input if _b.is_numpy(input) else jax.lax.stop_gradient(input)


def stop_gradient(input, name=None):  # noqa: A002
    """`tf.stop_gradient`: the value of `input`, with no gradient flowing back."""
    return _stop_gradient(input, name=name or "StopGradient")


# ---- reshape / expand_dims / squeeze --------------------------------------------------------
def _reshape_shape(tensor, shape):
    check_rank(shape, 1)
    out = _b.partial_shape(shape)
    if out is None:
        return spec(None, tensor.dtype.base_dtype)
    return spec(_infer_minus_one(dims_of(tensor), out), tensor.dtype.base_dtype)


def _infer_minus_one(din, out):
    """TF's SetOutputShapeForReshape: infers one unknown dim on either side from the counts."""
    if din is None:
        return out
    out_known, out_unknown = _known_count(out)
    in_known, in_unknown = _known_count(din)
    if len(out_unknown) > 1 or len(in_unknown) > 1:
        return out
    if not in_unknown and not out_unknown:
        if in_known != out_known:
            raise ShapeError("Cannot reshape a tensor with %d elements to shape %s (%d elements)"
                             % (in_known, dims_text(out), out_known))
    elif not in_unknown and out_known > 0:
        out = list(out)
        out[out_unknown[0]] = _divide(in_known, out_known)
        return tuple(out)
    elif in_unknown and not out_unknown and in_known != 0:
        _divide(out_known, in_known)
    return out


def _known_count(dims):
    """(product of the known dims, positions of the unknown ones); a known 0 makes the count
    known (0), as TF's NumElements."""
    if 0 in dims:
        return 0, []
    n = 1
    for d in dims:
        n *= 1 if d is None else d
    return n, [i for i, d in enumerate(dims) if d is None]


def _divide(n, by):
    if n % by:
        raise ShapeError("Dimension size must be evenly divisible by %d but is %d" % (by, n))
    return n // by


@op("Reshape", infer=_reshape_shape, types={"shape": INDEX})
def _reshape(tensor, shape):
    if np.ndim(shape) > 1:  # (a value fed with a rank the graph did not know)
        raise ValueError("sizes input must be 1-D, not [%s]" % ",".join(map(str, np.shape(shape))))
    return xp(tensor).reshape(tensor, _b.reshape_dims(tuple(np.shape(tensor)), shape))


def reshape(tensor, shape, name=None):
    """`tf.reshape`: same values in a new shape (one dim may be -1).

    >>> import scopeflow as tf
    >>> tf.reshape(tf.zeros([2, 3]), [-1]).shape.as_list()
    [6]
    """
    return _reshape(tensor, shape, name=name or "Reshape")


def _expand_dims_shape(input, dim):  # noqa: A002
    dims = dims_of(input)
    d = static_value(dim)
    if d is not None and d.size != 1:
        raise ShapeError("'dim' input must be a tensor with a single value")
    if dims is None:
        return spec(None, input.dtype.base_dtype)
    r = len(dims)
    if d is None:
        return spec(None, input.dtype.base_dtype)
    a = int(d.reshape(-1)[0])
    if not -1 - r <= a <= r:
        raise ShapeError("dim %d not in the interval [%d, %d]." % (a, -1 - r, r))
    a = a + r + 1 if a < 0 else a
    return spec(dims[:a] + (1,) + dims[a:], input.dtype.base_dtype)


@op("ExpandDims", infer=_expand_dims_shape, types={"dim": INDEX})
def _expand_dims(input, dim):  # noqa: A002
    d, r = int(np.asarray(dim).reshape(-1)[0]), np.ndim(input)
    if not -1 - r <= d <= r:
        raise ValueError("Tried to expand dim index %d for tensor with %d dimensions." % (d, r))
    return xp(input).expand_dims(input, d)


def expand_dims(input, axis=None, name=None, dim=None):  # noqa: A002
    """`tf.expand_dims`: inserts a dimension of size 1 at `axis`."""
    axis = _deprecated_arg("axis", axis, "dim", dim)
    if axis is None:
        raise ValueError("Must specify an axis argument to tf.expand_dims()")
    return _expand_dims(input, axis, name=name or "ExpandDims")


def _deprecated_arg(new_name, new, old_name, old):
    if new is not None and old is not None:
        raise ValueError("Cannot specify both '%s' and '%s'" % (old_name, new_name))
    return new if new is not None else old


def _squeeze_shape(input, *, squeeze_dims):  # noqa: A002
    dims = dims_of(input)
    if dims is None:
        return spec(None, input.dtype.base_dtype)
    r = len(dims)
    drop = set()
    for i, a in enumerate(squeeze_dims):
        if not -r <= a < r:
            raise ShapeError("squeeze_dims[%d] not in [%d,%d)." % (i, -r, r))
        a %= r
        if dims[a] is not None and dims[a] != 1:
            raise ShapeError("Can not squeeze dim[%d], expected a dimension of 1, got %d"
                             % (a, dims[a]))
        drop.add(a)
    if not squeeze_dims:
        if None in dims:
            return spec(None, input.dtype.base_dtype)
        drop = {i for i, d in enumerate(dims) if d == 1}
    return spec(tuple(d for i, d in enumerate(dims) if i not in drop), input.dtype.base_dtype)


@op("Squeeze", infer=_squeeze_shape)
def _squeeze(input, *, squeeze_dims):  # noqa: A002
    shape = np.shape(input)  # TF's run-time checks (an input fed with a shape not known)
    for a in reversed(squeeze_dims):  # (TF names the last bad one)
        if not -len(shape) <= a < len(shape):
            raise ValueError("Tried to squeeze dim index %d for tensor with %d dimensions."
                             % (a, len(shape)))
    dims = tuple(sorted({a % len(shape) for a in squeeze_dims}))  # (an axis twice: once)
    for a in dims:
        if shape[a] != 1:
            raise ValueError("Can not squeeze dim[%d], expected a dimension of 1, got %d"
                             % (a, shape[a]))
    return xp(input).squeeze(input, dims or None)


def squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002
    """`tf.squeeze`: removes dimensions of size 1 (all of them, or those in `axis`)."""
    axis = _deprecated_arg("axis", axis, "squeeze_dims", squeeze_dims)
    if np.isscalar(axis):
        axis = [axis]
    return _squeeze(input, name=name or "Squeeze",
                    squeeze_dims=[int(a) for a in (axis or [])])


# ---- transpose ------------------------------------------------------------------------------
def _transpose_shape(x, perm):
    check_rank(perm, 1)
    dims = dims_of(x)
    pdims = dims_of(perm)
    n = len(dims) if dims is not None else (pdims[0] if pdims else None)
    if dims is not None and pdims and pdims[0] is not None and pdims[0] != len(dims):
        raise ShapeError("Dimension must be %d but is %d" % (len(dims), pdims[0]))
    p = static_value(perm)
    if n is None:
        return spec(None, x.dtype.base_dtype)
    if p is None:
        return spec(dims if n < 2 else (None,) * n, x.dtype.base_dtype)
    out = []
    for i in p.tolist():
        if not -n <= i < n:
            raise ShapeError("perm dim %d is out of range of input rank %d" % (i, n))
        out.append(None if dims is None else dims[i % n])
    return spec(out, x.dtype.base_dtype)


def _transpose_kernel(x, perm):
    n = np.ndim(x)
    perm = _b.as_int_list(perm)
    if not perm:  # TF's kernel: no permutation leaves any input as it is
        return x
    if len(perm) != n:  # (an input fed with a rank the graph did not know)
        raise ValueError("transpose expects a vector of size %d. But input(1) is a vector of "
                         "size %d" % (n, len(perm)))
    for i in perm:
        if not -n <= i < n:
            raise ValueError("%d is out of range [0 .. %d)" % (i, n))
    wrapped = [i % max(1, n) for i in perm]
    for i in range(n):
        if i not in wrapped:  # (a repeated axis: TF names the first one missing)
            raise ValueError("%d is missing from {%s}." % (i, ",".join(map(str, perm))))
    return xp(x).transpose(x, wrapped)


_transpose = op("Transpose", infer=_transpose_shape, types={"perm": INDEX})(_transpose_kernel)
_conj_transpose = op("ConjugateTranspose", infer=_transpose_shape, types={"perm": INDEX})(
    lambda x, perm: xp(x).conj(_transpose_kernel(x, perm)))


def transpose(a, perm=None, name="transpose", conjugate=False):
    """`tf.transpose`: permutes dimensions (reversed when `perm` is None).

    >>> import scopeflow as tf
    >>> tf.transpose(tf.zeros([2, 3])).shape.as_list()
    [3, 2]
    """
    with _b.scope(name, "transpose", [a]) as scope:
        if not isinstance(a, Tensor):
            a = convert_to_tensor(a, name="a")
        fn = _conj_transpose if conjugate and a.dtype.is_complex else _transpose
        if perm is None:
            r = a.shape.ndims
            if r is None:
                from scopeflow.ops.shape_ops import range_op, rank_op
                perm = range_op(_b.raw("Sub", rank_op(a, name="Rank"), 1, name="sub"), -1, -1,
                                name="Range")
            else:
                perm = np.arange(r - 1, -1, -1, dtype=np.int32)
        return fn(a, perm, name=scope)


# ---- broadcasting ---------------------------------------------------------------------------
def _broadcast_to_shape(input, shape):  # noqa: A002
    check_rank(shape, 1)
    out = _b.partial_shape(shape)
    dims = dims_of(input)
    if out is None:
        return spec(None, input.dtype.base_dtype)
    if dims is not None:
        if len(dims) > len(out):
            raise ShapeError("Rank of input (%d) must be no greater than rank of output shape "
                             "(%d)." % (len(dims), len(out)))
        pad = (None,) * (len(out) - len(dims))
        for a, b in zip(pad + dims, out):
            if a is not None and b is not None and a != 1 and a != b:
                raise ShapeError("Dimensions must be equal, but are %d and %d" % (a, b))
        # an input dimension above 1 is the output's (TF broadcasts only from 1)
        out = tuple(a if b is None and a is not None and a > 1 else b
                    for a, b in zip(pad + dims, out))
    return spec(out, input.dtype.base_dtype)


@op("BroadcastTo", infer=_broadcast_to_shape, types={"shape": INDEX}, context=True)
def _broadcast_to(ctx, input, shape):  # noqa: A002
    dims = _b.as_int_list(shape)
    if failed(ctx, _broadcast_to_error(np.shape(input), dims)):
        return xp(input).zeros([max(0, d) for d in dims], input.dtype)
    return xp(input).broadcast_to(input, tuple(dims))


def _broadcast_to_error(have, want):
    """TF's BroadcastTo kernel check of a fed shape, or ''."""
    neg = [d for d in want if d < 0]
    if neg:
        return "Dimension %d must be >= 0" % neg[0]
    if len(have) > len(want):
        return ("Rank of input (%d) must be no greater than rank of output shape (%d)."
                % (len(have), len(want)))
    if any(h not in (1, w) for h, w in zip(have[::-1], want[::-1])):
        return "Incompatible shapes: %s vs. %s" % (dims_str(have), dims_str(want))
    return ""


def broadcast_to(input, shape, name=None):  # noqa: A002
    """`tf.broadcast_to`: `input` broadcast to `shape`."""
    return _broadcast_to(input, shape, name=name or "BroadcastTo")


def _broadcast_args_shape(s0, s1):
    check_rank(s0, 1)
    check_rank(s1, 1)
    a, b = dims_of(s0), dims_of(s1)
    n = None if a is None or b is None or a[0] is None or b[0] is None else max(a[0], b[0])
    return spec((n,), s0.dtype.base_dtype)


@op("BroadcastArgs", infer=_broadcast_args_shape, types={"s0": INDEX, "s1": INDEX},
    same_index=("s0", "s1"))
def _broadcast_args(s0, s1):
    out = np.broadcast_shapes(tuple(_b.as_int_list(s0)), tuple(_b.as_int_list(s1)))
    return np.asarray(out, dtype=np.asarray(s0).dtype)


def broadcast_dynamic_shape(shape_x, shape_y):
    """`tf.broadcast_dynamic_shape`: the broadcast of two shape tensors (BroadcastArgs)."""
    return _broadcast_args(shape_x, shape_y, name="BroadcastArgs")


def broadcast_static_shape(shape_x, shape_y):
    """`tf.broadcast_static_shape`: the broadcast of two TensorShapes."""
    from scopeflow.ops.registry import broadcast_dims
    x, y = TensorShape(shape_x), TensorShape(shape_y)
    try:
        return TensorShape._of(broadcast_dims(x._dims, y._dims))
    except ShapeError:
        raise ValueError("Incompatible shapes for broadcasting. Two shapes are compatible if "
                         "for each dimension pair they are either equal or one of them is 1. "
                         "Received: %s and %s." % (x, y)) from None


# The diagonal family lives in diag_ops.py; TF's array_ops names it here too.
from scopeflow.ops.diag_ops import (  # noqa: E402,F401
    diag,
    diag_part,
    eye,
    matrix_band_part,
    matrix_diag,
    matrix_diag_part,
    matrix_set_diag,
)


# ---- roll / ensure_shape / guarantee_const / bitcast ----------------------------------------
def _roll_shape(input, shift, axis):  # noqa: A002
    s, a = dims_of(shift), dims_of(axis)
    if s is not None and len(s) > 1:
        raise ShapeError("shift must be a scalar or a 1-D vector. Found: %s" % dims_text(s))
    if a is not None and len(a) > 1:
        raise ShapeError("axis must be a scalar or a 1-D vector. Found: %s" % dims_text(a))
    return input.shape, input.dtype.base_dtype


@op("Roll", infer=_roll_shape, types={"shift": INDEX, "axis": INDEX})
def _roll(input, shift, axis):  # noqa: A002
    if np.shape(shift) != np.shape(axis):  # (TF's run-time checks of fed values)
        raise ValueError("shift and axis must have the same size")
    rank = np.ndim(input)
    if rank == 0:  # (a tensor fed with a rank the graph did not know)
        raise ValueError("input must be 1-D or higher")
    axes = []
    for a in _b.as_int_list(axis):
        a = a + rank if a < 0 else a
        if not 0 <= a < rank:
            raise ValueError("axis %d is out of range" % a)
        axes.append(a)
    return xp(input).roll(input, tuple(_b.as_int_list(shift)), tuple(axes))


def roll(input, shift, axis, name=None):  # noqa: A002
    """`tf.roll`: elements shifted cyclically by `shift` along `axis`."""
    return _roll(input, shift, axis, name=name or "Roll")


def _ensure_shape_shape(input, *, shape):  # noqa: A002
    dims, want = dims_of(input), shape._dims
    if dims is not None and want is not None:
        if len(dims) != len(want):
            raise ShapeError("Shape must be rank %d but is rank %d" % (len(want), len(dims)))
        return TensorShape._of(_b.merge_dims(dims, want, "")), input.dtype.base_dtype
    return (input.shape if want is None else shape), input.dtype.base_dtype


@op("EnsureShape", infer=_ensure_shape_shape, context=True)
def _ensure_shape(ctx, input, *, shape):  # noqa: A002
    if not TensorShape(np.shape(input)).is_compatible_with(shape):
        from scopeflow.errors import InvalidArgumentError
        ctx.check(False, InvalidArgumentError, "Shape of tensor %s %s is not compatible with "
                  "expected shape %s." % (ctx.node_name(ctx.op._inputs[0]),
                                          dims_text(np.shape(input)), dims_text(shape._dims)))
    return input


def ensure_shape(x, shape, name=None):
    """`tf.ensure_shape`: `x`, with its static shape refined and checked when run."""
    return _ensure_shape(x, name=name or "EnsureShape", shape=TensorShape(shape))


@op("GuaranteeConst", types={"input": ANY})
def _guarantee_const(input):  # noqa: A002
    return input


def guarantee_const(input, name=None):  # noqa: A002
    """`tf.guarantee_const`: `input`, promised constant for the run."""
    return _guarantee_const(input, name=name or "GuaranteeConst")


def _bitcast_shape(input, *, type):  # noqa: A002
    dims = dims_of(input)
    a, b = input.dtype.base_dtype.size, type.size
    if dims is None or a == b:
        return (input.shape if dims is not None else TensorShape(None)), type
    if a > b:
        return spec(dims + (a // b,), type)
    if dims and dims[-1] is not None and dims[-1] != b // a:
        raise ShapeError("Cannot bitcast from %s to %s" % (input.dtype.base_dtype.name,
                                                          type.name))
    return spec(dims[:-1], type)


@op("Bitcast", infer=_bitcast_shape, types={"input": ANY})
def _bitcast(input, *, type):  # noqa: A002
    import jax
    src = _dt.as_dtype(np.asarray(input).dtype if not hasattr(input, "dtype") else input.dtype)
    ratio = type.size // max(src.size, 1)
    if type.size > src.size and (np.ndim(input) == 0 or np.shape(input)[-1] != ratio):
        raise ValueError("Cannot bitcast from %d to %d" % (src.as_datatype_enum,
                                                          type.as_datatype_enum))
    return jax.lax.bitcast_convert_type(input, type.as_numpy_dtype)


def bitcast(input, type, name=None):  # noqa: A002
    """`tf.bitcast`: the same bits read as another dtype."""
    return _bitcast(input, name=name or "Bitcast", type=_dt.as_dtype(type))


# The diagonal family lives in diag_ops.py; TF's array_ops names it here too.
from scopeflow.ops.diag_ops import (diag, diag_part, eye, matrix_band_part,  # noqa: E402,F401
                                    matrix_diag, matrix_diag_part, matrix_set_diag)
