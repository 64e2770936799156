"""Reductions (Sum, Mean, ... with axis/keepdims), logsumexp, variance, argmax, cumsum."""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.tensor import Tensor
from scopeflow.ops import eigen_sum
from scopeflow.ops.column_sum import column_sum
from scopeflow.ops.constant import constant
from scopeflow.ops.op_util import (name_scope, named, raw, static_axes, static_value, tensor,
                                    typed_op)
from scopeflow.ops.registry import ANY, INDEX, ShapeError, spec
from scopeflow.ops.true_div import true_divide


# ---- shape rules ----------------------------------------------------------------------------
def _reduce_shape(input, reduction_indices, *, keep_dims=False):  # noqa: A002 - TF's names
    dims = input.shape._dims
    _check_axis_rank(reduction_indices, "at most rank 1")
    axes = static_value(reduction_indices)
    dtype = input.dtype.base_dtype
    if dims is None:
        return spec(None, dtype)
    if axes is None:
        n = reduction_indices.shape.num_elements() if reduction_indices.shape._dims else None
        if keep_dims:
            return spec((None,) * len(dims), dtype)
        if n == 0:
            return spec(dims, dtype)
        return spec(None, dtype)
    r = len(dims)
    ax = set()
    for a in np.asarray(axes).reshape(-1).tolist():
        if not -r <= a < r:
            raise ShapeError("Invalid reduction dimension %d for input with %d dimensions."
                             % (a, r))
        ax.add(a % r)
    if keep_dims:
        return spec(tuple(1 if i in ax else d for i, d in enumerate(dims)), dtype)
    return spec(tuple(d for i, d in enumerate(dims) if i not in ax), dtype)


def _check_axis_rank(t, what):
    d = t.shape._dims
    if d is not None and len(d) > 1:
        raise ShapeError("Shape must be %s but is rank %d" % (what, len(d)))


def _bool_reduce_shape(input, reduction_indices, *, keep_dims=False):  # noqa: A002
    return _reduce_shape(input, reduction_indices, keep_dims=keep_dims)[0], _dt.bool


# ---- kernels --------------------------------------------------------------------------------
def _mean(x, axis, keepdims):
    n = int(np.prod([x.shape[a] for a in axis]))
    if jnp.issubdtype(x.dtype, jnp.integer):
        s = jnp.sum(x, axis=axis, keepdims=keepdims)
        return (jnp.sign(s) * (jnp.abs(s) // max(1, n))).astype(x.dtype)  # C++ truncates
    # TF's kernel divides the sum by the count (half types summed in float32)
    wide = jnp.float32 if x.dtype in (jnp.float16, jnp.bfloat16) else x.dtype
    s = _sum(x, axis, keepdims) if x.dtype == jnp.float32 else \
        jnp.sum(x, axis=axis, keepdims=keepdims, dtype=wide)
    return true_divide(s, np.asarray(n, wide)).astype(x.dtype)


def _sum(x, axis, keepdims):
    """TF's Sum: float32 sums in Eigen's order where it is reproduced (`ops/eigen_sum.py`)."""
    out = eigen_sum.tf_sum(x, axis)
    if out is None:
        return column_sum(x, axis, keepdims).astype(x.dtype)
    return out.reshape(_reduced_shape(x.shape, axis, keepdims))


def _reduced_shape(shape, axis, keepdims):
    if keepdims:
        return tuple(1 if i in axis else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axis)


def _same_dtype(fn):
    return lambda x, axis, keepdims: fn(x, axis=axis, keepdims=keepdims).astype(x.dtype)


def _euclidean(x, axis, keepdims):
    return jnp.sqrt(jnp.sum(x * jnp.conj(x), axis=axis, keepdims=keepdims)).astype(x.dtype)


def _extreme(fn, lowest):
    """Max / Min; over no elements TF gives the identity (-inf / lowest int for Max)."""

    def reduce(x, axis, keepdims):
        if np.size(x):
            return fn(x, axis=axis, keepdims=keepdims).astype(x.dtype)
        dt = np.dtype(x.dtype)
        if dt.kind in "iu":
            ident = np.iinfo(dt).min if lowest else np.iinfo(dt).max
        else:
            ident = -np.inf if lowest else np.inf
        return fn(x, axis=axis, keepdims=keepdims, initial=ident).astype(x.dtype)

    return reduce


_REDUCE = {
    "Sum": _sum, "Mean": _mean, "Max": _extreme(jnp.max, True),
    "Min": _extreme(jnp.min, False), "Prod": _same_dtype(jnp.prod),
    "All": lambda x, axis, keepdims: jnp.all(x, axis=axis, keepdims=keepdims),
    "Any": lambda x, axis, keepdims: jnp.any(x, axis=axis, keepdims=keepdims),
    "EuclideanNorm": _euclidean,
}


def _reducer(op_type, fn):
    bool_op = op_type in ("All", "Any")

    def kernel(input, reduction_indices, *, keep_dims=False):  # noqa: A002
        axes = static_axes(reduction_indices)
        for a in axes:
            if not -input.ndim <= a < input.ndim:
                raise ValueError("Invalid reduction dimension (%d for input with %d dimension(s)"
                                 % (a, input.ndim))
        ax = tuple(a % max(input.ndim, 1) for a in axes)
        if len(set(ax)) != len(ax):  # fed axes
            raise ValueError("Invalid reduction arguments: Axes contains duplicate dimension: %d"
                             % next(a for a in ax if ax.count(a) > 1))
        return fn(input, ax, keep_dims)

    types = {"reduction_indices": INDEX, "input": ANY if bool_op else "T"}
    return typed_op(op_type, infer=_bool_reduce_shape if bool_op else _reduce_shape,
                    types=types)(kernel)


REDUCERS = {t: _reducer(t, fn) for t, fn in _REDUCE.items()}


# ---- public reductions ----------------------------------------------------------------------
def reduction_dims(x, axis):
    """The reduction_indices input: `axis`, all dims of `x` as a Const, or range(rank(x))."""
    if axis is not None:
        return axis
    # TF reads `x.shape.rank` of anything that has one (a Variable too), else uses Range
    rank = getattr(getattr(x, "shape", None), "ndims", None)
    if rank:  # TF takes the range path for rank 0 too
        return constant(np.arange(rank, dtype=np.int32))
    from scopeflow.ops.op_util import array_ops as array
    return array.range(0, array.rank(x))


def may_reduce_to_scalar(keepdims, axis, output):
    """TF's `_may_reduce_to_scalar`: reducing all axes without keepdims gives a scalar."""
    if axis is None and not keepdims and output.shape.ndims is None:
        output.set_shape(())
    return output


def pick_axis(axis, reduction_indices, other="reduction_indices", mine="axis"):
    if axis is not None and reduction_indices is not None:
        raise ValueError("Cannot specify both '%s' and '%s'." % (other, mine))
    return axis if axis is not None else reduction_indices


def pick_keep(keepdims, keep_dims):
    if keepdims is not None and keep_dims is not None:
        raise ValueError("Cannot specify both 'keep_dims' and 'keepdims'.")
    return bool(keepdims if keepdims is not None else (keep_dims or False))


def _public_reduce(op_type):
    def reduce(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
        axis = pick_axis(axis, reduction_indices)
        keep = pick_keep(keepdims, keep_dims)
        if getattr(input_tensor, "_ragged_dispatch", False):  # (TF's dispatch to tf.ragged)
            from scopeflow.ragged.ragged_math import reduce_ragged
            return reduce_ragged(op_type, input_tensor, axis, keep, name)
        out = REDUCERS[op_type](input_tensor, reduction_dims(input_tensor, axis),
                                name=name or op_type, keep_dims=keep)
        return may_reduce_to_scalar(keep, axis, out)

    name = "reduce_" + {"EuclideanNorm": "euclidean_norm"}.get(op_type, op_type.lower())
    reduce.__doc__ = "`tf.%s`: op %s over `axis` (all axes when None)." % (name, op_type)
    return named(reduce, name)


reduce_sum = _public_reduce("Sum")
reduce_mean = _public_reduce("Mean")
reduce_max = _public_reduce("Max")
reduce_min = _public_reduce("Min")
reduce_prod = _public_reduce("Prod")
reduce_all = _public_reduce("All")
reduce_any = _public_reduce("Any")
reduce_euclidean_norm = _public_reduce("EuclideanNorm")


def reduce_logsumexp(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                     keep_dims=None):
    """`tf.reduce_logsumexp`: log(sum(exp(x))) computed around the (finite) max.

    >>> import scopeflow as tf
    >>> tf.reduce_logsumexp(tf.zeros([2, 3]), 1).name
    'ReduceLogSumExp:0'
    """
    axis = pick_axis(axis, reduction_indices)
    keep = pick_keep(keepdims, keep_dims)
    from scopeflow.ops import math as m
    with name_scope(name, "ReduceLogSumExp", [input_tensor]) as scope:
        raw_max = reduce_max(input_tensor, axis=axis, keepdims=True)
        my_max = raw("StopGradient", raw("SelectV2", m.UNARY["IsFinite"](raw_max), raw_max, 0))
        result = m.UNARY["Log"](reduce_sum(
            m.UNARY["Exp"](m.BINARY["Sub"](input_tensor, my_max)), axis=axis, keepdims=keep))
        if not keep:
            my_max = raw("Reshape", my_max, raw("Shape", result, out_type=_dt.int32))
        return may_reduce_to_scalar(keep, axis, m.add_v2(result, my_max, name=scope))


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """`tf.math.reduce_variance`: mean of squared deviations (scope 'reduce_variance')."""
    from scopeflow.ops import math as m
    with name_scope(name or "reduce_variance"):
        x = tensor(input_tensor)
        means = reduce_mean(x, axis=axis, keepdims=True)
        if means.dtype.is_integer:
            raise TypeError("Input must be either real or complex. Received integer type "
                            "<dtype: '%s'>." % means.dtype.name)
        diff = x - means
        if diff.dtype.is_complex:
            sq = m.UNARY["Real"](diff * m.conj(diff))
        else:
            sq = m.UNARY["Square"](diff)
        return reduce_mean(sq, axis=axis, keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """`tf.math.reduce_std`: sqrt of reduce_variance (scope 'reduce_std')."""
    from scopeflow.ops import math as m
    with name_scope(name or "reduce_std"):
        x = tensor(input_tensor)
        return m.UNARY["Sqrt"](reduce_variance(x, axis=axis, keepdims=keepdims))


def count_nonzero(input_tensor=None, axis=None, keepdims=None, dtype=_dt.int64, name=None,
                  reduction_indices=None, keep_dims=None, input=None):  # noqa: A002
    """`tf.count_nonzero`: int64 count of nonzero entries, cast to `dtype`."""
    x = pick_axis(input_tensor, input, "input", "input_tensor")
    axis = pick_axis(axis, reduction_indices)
    keep = pick_keep(keepdims, keep_dims)
    from scopeflow.ops import math as m
    with name_scope(name, "count_nonzero", [x]):
        x = tensor(x, name="input")
        if x.dtype.base_dtype is _dt.bool:  # (TF: a bool input is its own predicate)
            nz = m.cast(x, _dt.int64)
        else:
            zero = constant(np.zeros((), x.dtype.as_numpy_dtype) if x.dtype is not _dt.string
                            else b"", x.dtype, name="zeros")
            nz = m.cast(m.not_equal(x, zero, name="NotEqual"), _dt.int64)
        return m.cast(reduce_sum(nz, axis=axis, keepdims=keep), dtype)


# ---- argmax / argmin ------------------------------------------------------------------------
def _arg_shape(input, dimension, *, output_type=_dt.int64):  # noqa: A002
    dims = input.shape._dims
    if dimension.shape._dims not in (None, ()):
        raise ShapeError("Shape must be rank 0 but is rank %d" % len(dimension.shape._dims))
    if dims is None:
        return spec(None, output_type)
    if not dims:
        return spec((), output_type)
    d = static_value(dimension)
    if d is None:
        return spec((None,) * (len(dims) - 1), output_type)
    d = int(d)
    r = len(dims)
    if not -r <= d < r:
        raise ShapeError("Dimension (%d) must be in the range [%d, %d), where %d is the number "
                         "of dimensions in the input." % (d, -r, r, r))
    return spec(dims[:d % r] + dims[d % r + 1:], output_type)


def _arg_kernel(fn):
    def kernel(input, dimension, *, output_type=_dt.int64):  # noqa: A002
        axis = int(np.asarray(dimension))  # (a scalar has no dimension: TF's error)
        if not -input.ndim <= axis < input.ndim:
            raise ValueError("Expected dimension in the range [%d, %d), but got %d"
                             % (-input.ndim, input.ndim, axis))
        if input.shape[axis] == 0:
            raise ValueError("Reduction axis %d is empty in shape [%s]" % (
                axis % input.ndim, ",".join(str(d) for d in input.shape)))
        return fn(input, axis=axis).astype(output_type.as_numpy_dtype)

    return kernel


_arg_types = {"dimension": INDEX}
_argmax = typed_op("ArgMax", infer=_arg_shape, types=_arg_types)(_arg_kernel(jnp.argmax))
_argmin = typed_op("ArgMin", infer=_arg_shape, types=_arg_types)(_arg_kernel(jnp.argmin))


def _public_arg(builder, default):
    def f(input, axis=None, name=None, dimension=None, output_type=_dt.int64):  # noqa: A002
        axis = pick_axis(axis, dimension, "dimension", "axis")
        dt = getattr(axis, "dtype", None)
        if default == "ArgMax" and isinstance(axis, Tensor) and dt.base_dtype not in (
                _dt.int32, _dt.int64):  # TF's argmax checks this in Python, argmin does not
            raise TypeError("axis tensor dtypes %s is not supported" % dt)
        return builder(input, 0 if axis is None else axis, name=name or default,
                       output_type=_dt.as_dtype(output_type))

    f.__doc__ = "`tf.%s`: index of the extreme value along `axis` (int64 by default)." % (
        default.lower())
    return named(f, default.lower())


argmax, argmin = _public_arg(_argmax, "ArgMax"), _public_arg(_argmin, "ArgMin")


def arg_max(input, dimension, name=None, output_type=_dt.int64):  # noqa: A002
    return _argmax(input, dimension, name=name or "ArgMax", output_type=_dt.as_dtype(output_type))


def arg_min(input, dimension, name=None, output_type=_dt.int64):  # noqa: A002
    return _argmin(input, dimension, name=name or "ArgMin", output_type=_dt.as_dtype(output_type))


# ---- cumulative ops -------------------------------------------------------------------------
def _cum_shape(x, axis, *, exclusive=False, reverse=False):
    return x.shape, x.dtype.base_dtype


def _cumulative(fn, identity):
    """Inclusive scan `fn`, made exclusive by shifting in `identity`, reversed by flipping."""
    def kernel(x, axis, *, exclusive=False, reverse=False):
        a, n = int(np.asarray(axis)), x.ndim
        if not -n <= a < n:  # (TF's kernel: the wrapped axis; jnp would wrap it silently)
            raise ValueError("ScanOp: Expected scan axis in the range [%d, %d), but got %d"
                             % (-n, n, a + n if a < 0 else a))
        ax = a % max(n, 1)
        if reverse:
            x = jnp.flip(x, ax)
        out = fn(x, ax)
        if exclusive:
            pad = [(0, 0)] * x.ndim
            pad[ax] = (1, 0)
            out = jnp.pad(out, pad, constant_values=identity)
            out = jax.lax.slice_in_dim(out, 0, x.shape[ax], axis=ax)
        return jnp.flip(out, ax) if reverse else out

    return kernel


_cum_types = {"axis": INDEX}
_cumsum = typed_op("Cumsum", infer=_cum_shape, types=_cum_types)(
    _cumulative(lambda x, a: jnp.cumsum(x, axis=a, dtype=x.dtype), 0))
_cumprod = typed_op("Cumprod", infer=_cum_shape, types=_cum_types)(
    _cumulative(lambda x, a: jnp.cumprod(x, axis=a, dtype=x.dtype), 1))
_cumlse = typed_op("CumulativeLogsumexp", infer=_cum_shape, types=_cum_types)(
    _cumulative(lambda x, a: jax.lax.cumlogsumexp(x, axis=a), -np.inf))


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """`tf.cumsum`: running sum along `axis` (`exclusive`, `reverse` as in TF).

    >>> import scopeflow as tf
    >>> tf.cumsum(tf.ones([3])).name
    'Cumsum:0'
    """
    return _cumsum(x, axis, name=name or "Cumsum", exclusive=exclusive, reverse=reverse)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    return _cumprod(x, axis, name=name or "Cumprod", exclusive=exclusive, reverse=reverse)


def cumulative_logsumexp(x, axis=0, exclusive=False, reverse=False, name=None):
    return _cumlse(x, axis, name=name or "CumulativeLogsumexp", exclusive=exclusive,
                   reverse=reverse)
