"""Clipping: clip_by_value, clip_by_norm, global_norm, clip_by_global_norm (TF's op layout)."""

import collections.abc

import jax.numpy as jnp

from scopeflow.core.tensor import Tensor
from scopeflow.ops.constant import constant
from scopeflow.ops.op_util import name_scope, raw, tensor, typed_op
from scopeflow.ops.registry import ShapeError


def _clip_shape(t, clip_value_min, clip_value_max):
    for b in (clip_value_min, clip_value_max):
        d, bd = t.shape._dims, b.shape._dims
        if bd and d is not None and bd != d and len(bd) > 0:
            raise ShapeError("Shapes must be equal rank, but are %d and %d" % (len(d), len(bd)))
    return t.shape, t.dtype.base_dtype


@typed_op("ClipByValue", infer=_clip_shape)
def clip_by_value_op(t, clip_value_min, clip_value_max):
    return jnp.minimum(jnp.maximum(t, clip_value_min), clip_value_max)


def _values(t, name):
    """The dense values of `t` (an IndexedSlices' `.values`) as a Tensor named `name`."""
    if hasattr(t, "indices") and hasattr(t, "values") and not isinstance(t, Tensor):
        t = t.values
    return tensor(t, name=name)


def _rewrap(t, values):
    if hasattr(t, "indices") and hasattr(t, "values") and not isinstance(t, Tensor):
        return type(t)(values, t.indices, getattr(t, "dense_shape", None))
    return values


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """`tf.clip_by_value`: Minimum then Maximum (the Maximum takes the scope's name).

    >>> import scopeflow as tf
    >>> tf.clip_by_value(tf.ones([2]), 0.0, 0.5).name
    'clip_by_value:0'
    """
    from scopeflow.ops import math as m
    with name_scope(name, "clip_by_value", [t, clip_value_min, clip_value_max]) as scope:
        values = _values(t, "t")
        t_min = m.minimum(values, clip_value_max)
        values.shape.assert_is_compatible_with(t_min.shape)
        t_max = m.maximum(t_min, clip_value_min, name=scope)
        values.shape.assert_is_compatible_with(t_max.shape)
        return _rewrap(t, t_max)


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """`tf.clip_by_norm`: t * clip_norm / max(l2norm(t), clip_norm), NaN-safe at zero."""
    from scopeflow.ops import math as m, reductions
    from scopeflow.ops.op_util import array_ops as array
    with name_scope(name, "clip_by_norm", [t, clip_norm]) as scope:
        values = _values(t, "t")
        l2sum = reductions.reduce_sum(values * values, axes, keepdims=True)
        pred = l2sum > 0
        # Two-tap where: the gradient of sqrt stays finite where the sum is 0.
        l2sum_safe = raw("Select", pred, l2sum, array.ones_like(l2sum))
        l2norm = raw("Select", pred, m.sqrt(l2sum_safe), l2sum)
        intermediate = values * clip_norm
        values.shape.assert_is_compatible_with(intermediate.shape)
        clipped = array.identity(intermediate / m.maximum(l2norm, clip_norm), name=scope)
        return _rewrap(t, clipped)


def global_norm(t_list, name=None):
    """`tf.global_norm`: sqrt of the sum of squared L2 norms ('global_norm/global_norm')."""
    from scopeflow.ops import math as m, reductions
    from scopeflow.ops.op_util import array_ops as array
    from scopeflow.ops.nn_losses import l2_loss
    _check_sequence(t_list)
    t_list = list(t_list)
    with name_scope(name, "global_norm", [t for t in t_list if t is not None]):
        values = [None if t is None else _values(t, "t_%d" % i) for i, t in enumerate(t_list)]
        halves = []
        for v in values:
            if v is not None:
                with v.graph.colocate_with(v.op):
                    halves.append(l2_loss(v))
        half = reductions.reduce_sum(array.stack(halves))
        two = constant(2.0, dtype=half.dtype)
        return m.sqrt(half * two, name="global_norm")


def _check_sequence(t_list):
    if not isinstance(t_list, collections.abc.Sequence) or isinstance(t_list, str):
        raise TypeError("`t_list` should be a sequence of tensors. Received %s." % type(t_list))


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """`tf.clip_by_global_norm`: ([t * clip_norm / max(global_norm, clip_norm)], global_norm)."""
    from scopeflow.ops import math as m
    from scopeflow.ops.op_util import array_ops as array
    _check_sequence(t_list)
    t_list = list(t_list)
    if use_norm is None:
        use_norm = global_norm(t_list, name)
    present = [t for t in t_list if t is not None]
    with name_scope(name, "clip_by_global_norm", present + [clip_norm]) as scope:
        scale_for_finite = clip_norm * m.minimum(
            1.0 / use_norm, constant(1.0, dtype=use_norm.dtype) / clip_norm)
        scale = scale_for_finite + (use_norm - use_norm)  # NaN scale for a non-finite norm
        values = [None if t is None else _values(t, "t_%d" % i) for i, t in enumerate(t_list)]
        clipped = []
        for i, v in enumerate(values):
            if v is None:
                clipped.append(None)
                continue
            with v.graph.colocate_with(v.op):
                clipped.append(array.identity(v * scale, name="%s_%d" % (scope, i)))
        return [None if t is None else _rewrap(t, c) for t, c in zip(t_list, clipped)], use_norm


def clip_by_average_norm(t, clip_norm, name=None):
    """`tf.clip_by_average_norm`: clip by the L2 norm divided by the number of elements."""
    from scopeflow.ops import math as m, reductions
    from scopeflow.ops.op_util import array_ops as array
    with name_scope(name, "clip_by_average_norm", [t, clip_norm]) as scope:
        t = tensor(t, name="t")
        n_element = m.cast(array.size(t), t.dtype)
        l2norm_inv = m.rsqrt(reductions.reduce_sum(t * t, reductions.reduction_dims(t, None)))
        tclip = array.identity(
            t * clip_norm * m.minimum(l2norm_inv * n_element, constant(1.0) / clip_norm),
            name=scope)
        return tclip
