"""Composite math functions (add_n, polyval, lbeta, top_k, bincount, ...), built as TF does."""

import collections

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape, dims_str
from scopeflow.ops.constant import constant
from scopeflow.ops.op_util import _host_eval, name_scope, raw, static_value, tensor, typed_op
from scopeflow.ops.registry import ANY, INDEX, ShapeError, spec
from scopeflow.ops.value_checks import check


# ---- AddN -----------------------------------------------------------------------------------
def _add_n_shape(inputs):
    s = TensorShape(None)
    for t in inputs:
        a, b = s._dims, t.shape._dims
        if a is not None and b is not None:
            if len(a) != len(b):
                raise ShapeError("Shapes must be equal rank, but are %d and %d\n\tFrom merging "
                                 "shape 0 with other shapes." % (len(a), len(b)))
            for i, (x, y) in enumerate(zip(a, b)):
                if x is not None and y is not None and x != y:
                    raise ShapeError(
                        "Dimension %d in both shapes must be equal, but are %d and %d. Shapes "
                        "are %s and %s.\n\tFrom merging shape 0 with other shapes."
                        % (i, x, y, dims_str(a), dims_str(b)))
        s = s.merge_with(t.shape)
    return s, inputs[0].dtype.base_dtype


@typed_op("AddN", infer=_add_n_shape, lists=("inputs",), context=True)
def _add_n(ctx, inputs):
    shapes = [np.shape(x) for x in inputs if isinstance(x, (np.ndarray, jax.Array))]
    for i, shape in enumerate(shapes[1:], 1):
        if shape != shapes[0]:  # fed shapes
            check(ctx, False, "Inputs to operation %s of type AddN must have the same size and "
                  "shape.  Input 0: [%s] != input %d: [%s]"
                  % (ctx.op._name if ctx is not None else "AddN",
                     ",".join(map(str, shapes[0])), i, ",".join(map(str, shape))))
            return jnp.zeros(shapes[0], jnp.result_type(inputs[0]))
    return _add_n_sum(inputs)


@_host_eval
def _add_n_sum(inputs):
    from scopeflow.ops.ta_state import TAState, add_flows
    add = add_flows if any(isinstance(x, TAState) for x in inputs) else (lambda a, b: a + b)

    def fold(xs):
        out = xs[0]
        for x in xs[1:]:
            out = add(out, x)  # (TensorArray flows: TF sums a gradient array's flows too)
        return out

    # TF's kernel: the first n % 8 inputs (8 or 9 where that leaves 0 or 1) in one sum, then
    # each further 8 summed on their own and added to it
    first = len(inputs) % 8
    first = first + 8 if first < 2 else first
    out = fold(inputs[:first])
    for k in range(first, len(inputs), 8):
        out = add(out, fold(inputs[k:k + 8]))
    return out


def add_n(inputs, name=None):
    """`tf.add_n`: one AddN op summing same-shaped tensors.

    >>> import scopeflow as tf
    >>> tf.add_n([tf.ones([2]), tf.ones([2])]).name
    'AddN:0'
    """
    if not inputs or not isinstance(inputs, (list, tuple)):
        raise ValueError("Inputs must be an iterable of at least one Tensor/IndexedSlices with "
                         "the same dtype and shape.")
    inputs = [tensor(x) for x in inputs]
    names = [x.dtype.base_dtype.name for x in inputs]
    if len(set(names)) > 1:
        raise TypeError("Tensors in list passed to 'inputs' of 'AddN' Op have types [%s] that "
                        "don't all match." % ", ".join(names))
    if len(inputs) == 1:
        if name:
            from scopeflow.ops.array import identity
            return identity(inputs[0], name=name)
        return inputs[0]
    return _add_n(inputs, name=name or "AddN")


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None):
    """`tf.math.accumulate_n`: add_n after checking `shape` and `tensor_dtype`."""
    if not inputs or not isinstance(inputs, (list, tuple)):
        raise ValueError("inputs must be a list of at least one Tensor with the same dtype and "
                         "shape")
    inputs = [tensor(x) for x in inputs]
    if tensor_dtype is not None and any(x.dtype.base_dtype != _dt.as_dtype(tensor_dtype)
                                        for x in inputs):
        raise TypeError("tensor_dtype is {}, but input is of type {}".format(
            tensor_dtype, inputs[0].dtype))
    return add_n(inputs, name=name)


# ---- small composites -----------------------------------------------------------------------
def polyval(coeffs, x, name=None):
    """`tf.math.polyval`: Horner's rule over the list `coeffs` (highest power first)."""
    if not isinstance(coeffs, list):
        raise ValueError("Argument coeffs must be list type. Received type %s." % type(coeffs))
    with name_scope(name, "polyval", list(coeffs) + [x]) as scope:
        x = tensor(x, name="x")
        if not coeffs:
            from scopeflow.ops.op_util import array_ops as array
            return array.zeros_like(x, name=scope)
        coeffs = [tensor(c, name="coeff_%d" % i) for i, c in enumerate(coeffs)]
        p = coeffs[0]
        for c in coeffs[1:]:
            p = c + p * x
        return p


def log_sigmoid(x, name=None):
    """`tf.math.log_sigmoid`: -softplus(-x), the last op named 'LogSigmoid'."""
    from scopeflow.ops import math as m
    with name_scope(name, "LogSigmoid", [x]) as scope:
        x = tensor(x, name="x")
        return m.UNARY["Neg"](raw("Softplus", m.UNARY["Neg"](x)), name=scope)


def lbeta(x, name=None):
    """`tf.math.lbeta`: log|Beta(x)| over the last axis."""
    from scopeflow.ops import math as m
    from scopeflow.ops.reductions import reduce_sum
    with name_scope(name, "lbeta", [x]):
        x = tensor(x, name="x")
        log_prod_gamma_x = reduce_sum(m.lgamma(x), axis=[-1])
        sum_x = reduce_sum(x, axis=[-1])
        return log_prod_gamma_x - m.lgamma(sum_x)


def erfcinv(x, name=None):
    """`tf.math.erfcinv`: -ndtri(x / 2) / sqrt(2)."""
    from scopeflow.ops import math as m
    with name_scope(name, "erfcinv", [x]):
        x = tensor(x, name="start")
        return -m.ndtri(0.5 * x) * np.sqrt(0.5).astype(x.dtype.as_numpy_dtype)


def reciprocal_no_nan(x, name=None):
    """`tf.math.reciprocal_no_nan`: 1 / x with 0 where x == 0."""
    from scopeflow.ops import math as m
    with name_scope(name, "reciprocal_no_nan", [x]) as scope:
        x = tensor(x, name="x")
        one = constant(1, dtype=x.dtype.base_dtype, name="one")
        return m.BINARY["DivNoNan"](one, x, name=scope)


def real_angle(x):
    """The argument of a real tensor: pi where x < 0, else 0 (a Select, in the caller's scope)."""
    from scopeflow.ops import math as m
    from scopeflow.ops.op_util import array_ops as array
    return raw("Select", m.less(x, 0), np.pi * array.ones_like(x), array.zeros_like(x))


# ---- TopKV2 / InTopKV2 ----------------------------------------------------------------------
def _top_k_shape(input, k, *, sorted=True, index_type=_dt.int32):  # noqa: A002
    from scopeflow.ops.array_base import scalar_dim
    d = input.shape._dims
    if d is not None and not d:
        raise ShapeError("Shape must be at least rank 1 but is rank 0")
    kv = scalar_dim(k, 1)  # (TF's MakeDimForScalarInput: a negative k fails)
    if d is None:
        return [spec(None, input.dtype.base_dtype), spec(None, index_type)]
    if kv is not None and d[-1] is not None and d[-1] < int(kv):
        raise ShapeError("input must have last dimension >= k = %d but is %d" % (kv, d[-1]))
    last = None if kv is None else int(kv)
    return [spec(d[:-1] + (last,), input.dtype.base_dtype), spec(d[:-1] + (last,), index_type)]


@typed_op("TopKV2", infer=_top_k_shape, types={"k": INDEX}, multi=True)
def _top_k(input, k, *, sorted=True, index_type=_dt.int32):  # noqa: A002
    k = int(np.asarray(k))
    if k < 0:
        raise ValueError("Need k >= 0, got %d" % k)
    if input.ndim < 1:  # (an input fed with a rank the graph did not know)
        raise ValueError("input must be >= 1-D, got shape []")
    if input.shape[-1] < k:
        raise ValueError("input must have at least k columns. Had %d, needed %d"
                         % (input.shape[-1], k))
    if not jnp.issubdtype(input.dtype, jnp.floating):
        values, indices = jax.lax.top_k(input, k)
        return values, indices.astype(index_type.as_numpy_dtype)
    # TF compares with `>`: -0.0 ties with 0.0 (the first index wins); XLA's order puts it
    # below, so the keys are compared without the sign of zero.
    _, indices = jax.lax.top_k(jnp.where(input == 0, jnp.zeros_like(input), input), k)
    values = jnp.take_along_axis(input, indices, axis=-1)
    return values, indices.astype(index_type.as_numpy_dtype)


TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def top_k(input, k=1, sorted=True, index_type=_dt.int32, name=None):  # noqa: A002
    """`tf.nn.top_k`: (values, indices) of the k largest entries of the last axis.

    >>> import scopeflow as tf
    >>> tf.nn.top_k(tf.ones([4, 3]), 2).values.shape.as_list()
    [4, 2]
    """
    return TopKV2(*_top_k(input, k, name=name or "TopKV2", sorted=sorted,
                          index_type=_dt.as_dtype(index_type)))


def _in_top_k_shape(predictions, targets, k):
    d = predictions.shape._dims
    if d is not None and len(d) != 2:
        raise ShapeError("Shape must be rank 2 but is rank %d" % len(d))
    t = targets.shape._dims
    if t is not None and len(t) != 1:
        raise ShapeError("Shape must be rank 1 but is rank %d" % len(t))
    batch = None if d is None else d[0]
    if t is not None and batch is not None and t[0] is not None and t[0] != batch:
        raise ShapeError("Dimensions must be equal, but are %d and %d" % (batch, t[0]))
    return spec((batch if batch is not None else (t[0] if t else None),), _dt.bool)


@typed_op("InTopKV2", infer=_in_top_k_shape, types={"predictions": ANY, "targets": INDEX,
                                                     "k": INDEX},
          same_index=("targets", "k"))
def _in_top_k(predictions, targets, k):
    if predictions.ndim != 2:  # (a tensor fed with a rank the graph did not know)
        raise ValueError("predictions must be 2-dimensional")
    # TF: true when the target's score is among the k largest (ties count as inside).
    target = jnp.take_along_axis(predictions, targets[:, None].astype(jnp.int32), axis=1)
    above = jnp.sum(predictions > target, axis=1)
    ok = jnp.all(jnp.isfinite(predictions), axis=1) & (targets >= 0) & (
        targets < predictions.shape[1])
    return (above < jnp.asarray(k)) & ok


def in_top_k(predictions, targets, k, name=None):
    """`tf.nn.in_top_k`: whether each target is among the top k predictions."""
    with name_scope(name, "in_top_k"):
        return _in_top_k(predictions, targets, k)


# ---- bincount, confusion matrix, zero fraction ----------------------------------------------
def _bincount_shape(input, size, weights, *, binary_output=False):  # noqa: A002
    # a rank-2 input counts per row: (rows, size)
    n = static_value(size)
    dtype = weights.dtype.base_dtype  # TF's T: the weights' type, empty or not
    n = None if n is None else int(n)
    dims = input.shape._dims
    return spec((n,) if dims is None or len(dims) != 2 else (dims[0], n), dtype)


@typed_op("DenseBincount", infer=_bincount_shape, types={"input": ANY, "size": ANY,
                                                          "weights": ANY}, context=True)
def _dense_bincount(ctx, input, size, weights, *, binary_output=False):  # noqa: A002
    from scopeflow.ops.value_checks import check_elements
    n = int(np.asarray(size))  # XLA needs the output length while compiling
    if np.size(weights) and np.shape(weights) != np.shape(input):
        raise ValueError("`weights` must be the same shape as `arr` or a length-0 `Tensor`, in "
                         "which case it acts as all weights equal to 1. Received %s"
                         % dims_str(np.shape(weights)))
    check_elements(ctx, input, input < 0, lambda pos, v: "Input arr must be non-negative!")
    if input.ndim == 2:  # per row: (rows, n)
        w = jnp.ones(input.shape, weights.dtype) if weights.size == 0 else weights
        rows = jnp.broadcast_to(jnp.arange(input.shape[0])[:, None], input.shape)
        out = jnp.zeros((input.shape[0], n), w.dtype).at[rows, input].add(w, mode="drop")
    else:
        x = input.reshape(-1)
        w = jnp.ones(x.shape, weights.dtype) if weights.size == 0 else weights.reshape(-1)
        out = jnp.zeros((n,), w.dtype).at[x].add(w, mode="drop")
    return (out > 0).astype(w.dtype) if binary_output else out


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=_dt.int32, name=None):
    """`tf.math.bincount` of a flattened int array (length must be known at run time)."""
    from scopeflow.ops import math as m, reductions
    from scopeflow.ops.op_util import array_ops as array
    with name_scope(name or "bincount"):
        arr = tensor(arr, name="arr")
        if weights is not None:
            weights = tensor(weights, name="weights")
        if not arr.dtype.is_integer:
            arr = m.cast(arr, _dt.int32)
        nonempty = m.greater(array.size(arr), 0)
        size = m.cast(nonempty, arr.dtype) * (reductions.reduce_max(arr) + 1)
        if minlength is not None:
            size = m.maximum(tensor(minlength, name="minlength", dtype=arr.dtype), size)
        if maxlength is not None:
            size = m.minimum(tensor(maxlength, name="maxlength", dtype=arr.dtype), size)
        arr = array.reshape(arr, [-1])
        if weights is None:
            weights = constant(np.zeros((0,), _dt.as_dtype(dtype).as_numpy_dtype))
        else:
            weights = array.reshape(weights, [-1])
        return _dense_bincount(arr, size, weights, binary_output=False)


def confusion_matrix(labels, predictions, num_classes=None, dtype=_dt.int32, name=None,
                     weights=None):
    """`tf.math.confusion_matrix`: counts of (label, prediction) pairs, a ScatterNd."""
    from scopeflow.ops import math as m, reductions
    from scopeflow.ops.op_util import array_ops as array
    dtype = _dt.as_dtype(dtype)
    with name_scope(name, "confusion_matrix", (predictions, labels, num_classes, weights)):
        from scopeflow.ops.checks import assert_less, assert_non_negative
        from scopeflow.ops.state import with_dependencies
        labels = tensor(labels, name="labels")
        predictions = m.cast(tensor(predictions, name="predictions"), _dt.int64)
        labels = m.cast(labels, _dt.int64)
        # TF's sanity checks (asserts in the graph): ids outside [0, num_classes) raise
        labels = with_dependencies([assert_non_negative(
            labels, message="`labels` contains negative values")], labels)
        predictions = with_dependencies([assert_non_negative(
            predictions, message="`predictions` contains negative values")], predictions)
        if num_classes is None:
            num_classes = m.maximum(reductions.reduce_max(predictions),
                                    reductions.reduce_max(labels)) + 1
        else:
            num_classes = m.cast(num_classes, _dt.int64)
            labels = with_dependencies([assert_less(
                labels, num_classes, message="`labels` out of bound")], labels)
            predictions = with_dependencies([assert_less(
                predictions, num_classes, message="`predictions` out of bound")], predictions)
        indices = array.stack([labels, predictions], axis=1)
        values = (array.ones_like(predictions, dtype) if weights is None
                  else m.cast(weights, dtype))
        return raw("ScatterNd", indices, values, m.cast(array.stack([num_classes,
                                                                     num_classes]), _dt.int64))


def zero_fraction(value, name=None):
    """`tf.nn.zero_fraction`: the fraction of zeros in `value` ('zero_fraction/fraction')."""
    from scopeflow.ops import math as m
    from scopeflow.ops.op_util import array_ops as array
    from scopeflow.ops.reductions import count_nonzero
    with name_scope(name, "zero_fraction", [value]):
        value = tensor(value, name="value")
        size = m.cast(array.size(value, out_type=_dt.int64), _dt.int64)
        nonzero = count_nonzero(value)
        with name_scope(None, "counts_to_fraction"):
            zeros = size - nonzero
            fraction = m.truediv(m.cast(zeros, _dt.float32), m.cast(size, _dt.float32))
        return array.identity(fraction, name="fraction")


def is_non_decreasing(x, name=None):
    """`tf.math.is_non_decreasing` of the flattened `x`."""
    return _monotone(x, name, "is_non_decreasing", "GreaterEqual")


def is_strictly_increasing(x, name=None):
    return _monotone(x, name, "is_strictly_increasing", "Greater")


def _monotone(x, name, default, op_type):
    from scopeflow.ops import math as m, reductions
    from scopeflow.ops.op_util import array_ops as array
    with name_scope(name, default, [x]):
        x = array.reshape(tensor(x, name="x"), [-1])
        diff_ok = m.BINARY[op_type](x[1:], x[:-1])
        return reductions.reduce_all(diff_ok)
