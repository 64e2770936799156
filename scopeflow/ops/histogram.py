"""`tf.histogram_fixed_width`: counts of values in `nbins` equal bins over `value_range`.

    >>> import scopeflow as tf
    >>> tf.histogram_fixed_width([0.0, 1.0, 4.0], [0.0, 5.0], nbins=5).shape.as_list()
    [5]

The number of bins sizes the output, so it is read when the run is compiled (a fed `nbins`
is compiled into the run's signature, lowering/lower.py). Bins as TF's CPU kernel finds them:
values clipped to the range, their offset from the low end divided, in float64, by
hi / nbins - lo / nbins, capped at the last bin.
"""

import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops.array_base import dims_of, static_value
from scopeflow.ops.op_util import check_allowed, name_scope, tensor, typed_op
from scopeflow.ops.registry import ShapeError, spec
from scopeflow.ops.value_checks import check

_OUT_TYPES = (_dt.int32, _dt.int64)
_VALUE_TYPES = ("int32", "int64", "float32", "float64")


def _shape(values, value_range, nbins, *, dtype):
    r = dims_of(value_range)
    if r is not None:
        if len(r) != 1:
            raise ShapeError("Shape must be rank 1 but is rank %d" % len(r))
        if r[0] is not None and r[0] != 2:
            raise ShapeError("Dimension must be 2 but is %d" % r[0])
    n = dims_of(nbins)
    if n is not None and len(n) != 0:
        raise ShapeError("Shape must be rank 0 but is rank %d" % len(n))
    v = static_value(nbins)
    return spec((None if v is None else int(v),), dtype)


def _number(x, dtype):
    """C++ StrCat's spelling of a number: shortest %g that reads back (6 or 9 digits for
    float32, 15 or 17 for float64), plain digits for integers."""
    if not np.issubdtype(dtype, np.floating):
        return str(int(x))
    short, long_ = (6, 9) if np.dtype(dtype).itemsize == 4 else (15, 17)
    text = "%.*g" % (short, x)
    return text if np.asarray(float(text), dtype) == np.asarray(x, dtype) else "%.*g" % (long_, x)


def _checks(ctx, values, lo, hi, nbins):
    dt = np.dtype(values.dtype)
    check(ctx, lo < hi, lambda d: "value_range should satisfy value_range[0] < value_range[1],"
          " but got '[%s, %s]'" % (_number(d[0], dt), _number(d[1], dt)),
          [jnp.stack([lo, hi])])
    check(ctx, nbins > 0, lambda d: "nbins should be a positive number, but got '%d'" % int(d),
          [jnp.asarray(nbins)])
    if np.issubdtype(dt, np.floating):
        check(ctx, ~jnp.any(jnp.isnan(values)), "Histogram values must not contain NaN")


@typed_op("HistogramFixedWidth", infer=_shape, context=True, types={"nbins": _dt.int32})
def _histogram(ctx, values, value_range, nbins, *, dtype=_dt.int32):
    n = int(np.asarray(nbins))  # traced: compiled into the run's signature (lower.py)
    lo, hi = value_range[0], value_range[1]
    _checks(ctx, values, lo, hi, nbins)
    out_t = dtype.as_numpy_dtype
    if n <= 1:
        return jnp.full((max(n, 0),), np.size(values), out_t)
    flat = jnp.reshape(values, (-1,))
    step = hi.astype(jnp.float64) / n - lo.astype(jnp.float64) / n
    offset = jnp.clip(flat, lo, hi).astype(jnp.float64) - lo.astype(jnp.float64)
    bins = jnp.minimum(offset / step, n - 1).astype(jnp.int32)
    return jnp.zeros((n,), out_t).at[bins].add(1)


def histogram_fixed_width(values, value_range, nbins=100, dtype=_dt.int32, name=None):
    """`tf.histogram_fixed_width`: how many `values` fall in each of `nbins` equal bins.

    >>> import scopeflow as tf
    >>> tf.histogram_fixed_width([1, 2, 9], [0, 10], nbins=2, dtype=tf.int64).dtype.name
    'int64'
    """
    dtype = _dt.as_dtype(dtype)
    with name_scope(name, "histogram_fixed_width", [values, value_range, nbins]) as scope:
        if dtype not in _OUT_TYPES:
            raise TypeError("Value passed to parameter 'dtype' has DataType %s not in list of "
                            "allowed values: int32, int64" % dtype.name)
        values = tensor(values, name="values")
        check_allowed(values, "values", _VALUE_TYPES)  # before value_range takes its type
        value_range = tensor(value_range, name="value_range", preferred_dtype=values.dtype)
        nbins = tensor(nbins, name="nbins", dtype=_dt.int32)
        return _histogram(values, value_range, nbins, name=scope, dtype=dtype)


def histogram_fixed_width_bins(values, value_range, nbins=100, dtype=_dt.int32, name=None):
    """`tf.histogram_fixed_width_bins`: the bin index (0 .. nbins - 1) of each of `values`,
    built from ops as TF builds it (values outside `value_range` go to the end bins)."""
    from scopeflow.ops.array import reshape
    from scopeflow.ops.checks import Assert
    from scopeflow.ops.clip import clip_by_value
    from scopeflow.ops.math import floor, greater, truediv
    from scopeflow.ops.math_cast import cast
    from scopeflow.ops.shape_ops import shape as shape_of
    from scopeflow.ops.state import with_dependencies
    with name_scope(name, "histogram_fixed_width_bins", [values, value_range, nbins]):
        values = tensor(values, name="values")
        shape = shape_of(values)
        values = reshape(values, [-1])
        value_range = tensor(value_range, name="value_range")
        nbins = tensor(nbins, dtype=_dt.int32, name="nbins")
        check = Assert(greater(nbins, 0), ["nbins %s must > 0" % nbins])
        nbins = with_dependencies([check], nbins)
        nbins_float = cast(nbins, values.dtype)
        scaled_values = truediv(values - value_range[0], value_range[1] - value_range[0],
                                name="scaled_values")
        indices = floor(nbins_float * scaled_values, name="indices")
        indices = cast(clip_by_value(indices, 0, nbins_float - 1), _dt.int32)
        return reshape(indices, shape)
