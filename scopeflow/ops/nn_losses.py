"""Losses of tf.nn: L2Loss, softmax / sparse softmax / sigmoid cross entropies, log-Poisson."""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.errors import InvalidArgumentError
from scopeflow.ops import eigen_softmax, eigen_sum, nn_jax
from scopeflow.ops.op_util import array_ops as array
from scopeflow.ops.op_util import name_scope, raw, tensor, typed_op
from scopeflow.ops.registry import ANY, ShapeError, spec
from scopeflow.ops.rounding import round_each


@typed_op("L2Loss", infer=lambda t: spec((), t.dtype.base_dtype))
def _l2_loss(t):
    squares = round_each(jnp.square(t))
    # TF's kernel: the flat tensor's squares summed as Eigen's full reduction, halved
    summed = eigen_sum.tf_sum(squares.reshape(-1), (0,)) if t.ndim else None
    return (jnp.sum(squares) if summed is None else summed.reshape(())) / 2


def l2_loss(t, name=None):
    """`tf.nn.l2_loss`: sum(t ** 2) / 2.

    >>> import scopeflow as tf
    >>> tf.nn.l2_loss(tf.ones([3])).name
    'L2Loss:0'
    """
    return _l2_loss(t, name=name or "L2Loss")


# ---- softmax cross entropy ------------------------------------------------------------------
def _xent_shape(features, labels):
    f, lab = features.shape._dims, labels.shape._dims
    dt = features.dtype.base_dtype
    for d in (f, lab):
        if d is not None and len(d) != 2:
            raise ShapeError("Shape must be rank 2 but is rank %d" % len(d))
    if f is None or lab is None:
        batch = (f or lab or (None, None))[0]
        return [spec((batch,), dt), spec((batch, (f or lab or (None, None))[1]), dt)]
    dims = []
    for a, b in zip(f, lab):
        if a is not None and b is not None and a != b and 1 not in (a, b):
            raise ShapeError("Dimensions must be equal, but are %d and %d" % (a, b))
        dims.append(a if a not in (None, 1) else b)
    return [spec((dims[0],), dt), spec(tuple(dims), dt)]


def _neg_log_softmax(features):
    """-log_softmax as TF's kernels form it, log(sum(exp(shifted))) - shifted: a row predicted
    with certainty gets a loss of +0 (the negated log_softmax would give -0, printed "-0.0")."""
    shifted = features - jax.lax.stop_gradient(jnp.max(features, axis=-1, keepdims=True))
    return jnp.log(jnp.sum(jnp.exp(shifted), axis=-1, keepdims=True)) - shifted


def _xent_smooth(features, labels):
    return jnp.sum(labels * _neg_log_softmax(features), axis=-1), nn_jax.softmax(features) - labels


@jax.custom_jvp
def _xent(features, labels):
    if features.dtype == jnp.float32 and features.size:
        return eigen_softmax.xent(features, labels)
    return _xent_smooth(features, labels)


@_xent.defjvp
def _xent_jvp(primals, tangents):
    # TF's gradient of the loss is the op's backprop output, softmax - labels, even when a row
    # of labels does not sum to 1 (the exact derivative would scale softmax by that sum)
    (features, labels), (t_f, t_l) = primals, tangents
    log_p = -_neg_log_softmax(features)
    p, back_t = jax.jvp(lambda f, lab: nn_jax.softmax(f) - lab, primals, tangents)
    loss_t = jnp.sum(p * t_f, axis=-1) - jnp.sum(log_p * t_l, axis=-1)
    return _xent(features, labels), (loss_t, back_t)


@typed_op("SoftmaxCrossEntropyWithLogits", infer=_xent_shape, multi=True)
def _softmax_xent(features, labels):
    try:
        np.broadcast_shapes(np.shape(features), np.shape(labels))
    except ValueError:
        raise ValueError("logits and labels must be broadcastable: logits_size=[%s] "
                         "labels_size=[%s]" % (",".join(map(str, np.shape(features))),
                                               ",".join(map(str, np.shape(labels))))) from None
    return _xent(*jnp.broadcast_arrays(features, labels))


def _sparse_xent_shape(features, labels):
    f, lab = features.shape._dims, labels.shape._dims
    dt = features.dtype.base_dtype
    if f is not None and len(f) != 2:
        raise ShapeError("Shape must be rank 2 but is rank %d" % len(f))
    if lab is not None and len(lab) != 1:
        raise ShapeError("Shape must be rank 1 but is rank %d" % len(lab))
    batch = f[0] if f is not None and f[0] is not None else (lab[0] if lab else None)
    return [spec((batch,), dt), spec((batch, None if f is None else f[1]), dt)]


@typed_op("SparseSoftmaxCrossEntropyWithLogits", infer=_sparse_xent_shape, multi=True,
          context=True, types={"labels": ANY})
def _sparse_xent(ctx, features, labels):
    n = features.shape[-1]
    if features.shape[0] != labels.shape[0]:  # (a tensor fed with a rank the graph did not know)
        raise ValueError("logits and labels must have the same first dimension, got logits shape "
                         "[%s] and labels shape [%s]" % (",".join(map(str, features.shape)),
                                                         ",".join(map(str, labels.shape))))
    ok = jnp.all((labels >= 0) & (labels < n))
    ctx.check(ok, InvalidArgumentError, lambda v: _label_text(v, n), [labels])
    safe = jnp.clip(labels, 0, n - 1).astype(jnp.int32)
    loss, backprop = _sparse_values(features, safe)
    return jnp.where((labels >= 0) & (labels < n), loss, jnp.nan), backprop


def _sparse_smooth(features, labels):
    neg_log_p = _neg_log_softmax(features)
    loss = jnp.take_along_axis(neg_log_p, labels[:, None], axis=-1)[:, 0]
    return loss, jnp.exp(-neg_log_p) - nn_jax.one_hot(labels, features.shape[-1], features.dtype)


@eigen_softmax.valued_as(lambda features, labels: (
    eigen_softmax.sparse_xent(features, labels, nn_jax.one_hot(labels, features.shape[-1],
                                                               features.dtype))
    if features.dtype == jnp.float32 and features.size else _sparse_smooth(features, labels)))
def _sparse_values(features, labels):
    return _sparse_smooth(features, labels)


def _label_text(labels, n):
    """TF's CheckInvalidLabelIndex message: the smallest label if negative, else the largest."""
    from scopeflow.ops.tensor_text import summarize_value
    lo, hi = int(labels.min()), int(labels.max())
    return ("Received a label value of %d which is outside the valid range of [0, %d).  Label "
            "values: %s" % (lo if lo < 0 else hi, n, summarize_value(labels, labels.size)))


def _ensure_xent_args(name, labels, logits):
    if labels is None or logits is None:
        raise ValueError("Both `labels` and `logits` must be provided for %sReceived: labels=%s "
                         "and logits=%s" % (name, labels, logits))


def _flatten_outer_dims(logits):
    """[..., n] -> [prod(...), n], keeping the static shape where known."""
    from scopeflow.ops import math as m
    rank = array.rank(logits)
    last = array.slice(array.shape(logits), [m.subtract(rank, 1)], [1])
    out = array.reshape(logits, array.concat([[-1], last], 0))
    d = logits.shape._dims
    if d is not None and all(x is not None for x in d[:-1]):
        n = 1
        for x in d[:-1]:
            n *= x
        out.set_shape([n, d[-1]])
    return out


def _move_dim_to_end(t, dim, rank):
    return array.transpose(t, array.concat([array.range(dim), array.range(dim + 1, rank),
                                            [dim]], 0))


def softmax_cross_entropy_with_logits_v2(labels, logits, axis=None, name=None, dim=None):
    """`tf.nn.softmax_cross_entropy_with_logits_v2`: -sum(labels * log_softmax(logits)) over
    `axis`; gradients flow into both labels and logits."""
    from scopeflow.ops import math as m
    if axis is not None and dim is not None:
        raise ValueError("Cannot specify both 'dim' and 'axis'.")
    axis = -1 if axis is None and dim is None else (axis if axis is not None else dim)
    with name_scope(name, "softmax_cross_entropy_with_logits", [logits, labels]) as scope:
        logits = tensor(logits, name="logits")
        labels = tensor(labels, name="labels")
        half = logits.dtype.base_dtype in (_dt.float16, _dt.bfloat16)
        precise = m.cast(logits, _dt.float32) if half else logits
        labels = m.cast(labels, precise.dtype)
        input_rank = array.rank(precise)
        shape = logits.shape
        if axis != -1:
            precise = _move_dim_to_end(precise, axis, input_rank)
            labels = _move_dim_to_end(labels, axis, input_rank)
        input_shape = array.shape(precise)
        precise = _flatten_outer_dims(precise)
        labels = _flatten_outer_dims(labels)
        cost = _softmax_xent(precise, labels, name=scope)[0]
        out_shape = array.slice(input_shape, [0], [m.subtract(input_rank, 1)])
        cost = array.reshape(cost, out_shape)
        if shape._dims is not None:
            dims = list(shape._dims)
            del dims[axis]
            cost.set_shape(dims)
        return m.cast(cost, logits.dtype) if half else cost


def softmax_cross_entropy_with_logits(labels=None, logits=None, dim=-1, name=None, axis=None):
    """TF1 `tf.nn.softmax_cross_entropy_with_logits`: the v2 loss with the labels' gradient
    stopped ('softmax_cross_entropy_with_logits_sg')."""
    if axis is not None and dim != -1:
        raise ValueError("Cannot specify both 'dim' and 'axis'.")
    dim = axis if axis is not None else dim
    _ensure_xent_args("softmax_cross_entropy_with_logits", labels, logits)
    with name_scope(name, "softmax_cross_entropy_with_logits_sg", [logits, labels]) as scope:
        labels = array.stop_gradient(labels, name="labels_stop_gradient")
    return softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits, axis=dim,
                                                name=scope)


def sparse_softmax_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """`tf.nn.sparse_softmax_cross_entropy_with_logits`: -log_softmax(logits)[label].

    >>> import scopeflow as tf
    >>> tf.nn.sparse_softmax_cross_entropy_with_logits(
    ...     labels=tf.zeros([4], tf.int32), logits=tf.ones([4, 3])).shape.as_list()
    [4]
    """
    from scopeflow.ops import math as m
    _ensure_xent_args("sparse_softmax_cross_entropy_with_logits", labels, logits)
    with name_scope(name, "SparseSoftmaxCrossEntropyWithLogits", [labels, logits]):
        labels, logits = tensor(labels), tensor(logits)
        half = logits.dtype.base_dtype is _dt.float16
        precise = m.cast(logits, _dt.float32) if half else logits
        labels_shape = array.shape(labels)
        _check_sparse_shapes(labels, logits)
        if logits.shape.ndims == 2:
            cost = _sparse_xent(precise, labels, name=name)[0]
            return m.cast(cost, _dt.float16) if half else cost
        from scopeflow.core.contexts import control_dependencies
        from scopeflow.ops.checks import assert_equal
        checks = []  # (TF's: labels shaped as the logits less their last dimension)
        if not (labels.shape.is_fully_defined() and logits.shape[:-1].is_fully_defined()):
            checks.append(assert_equal(array.shape(labels), array.shape(logits)[:-1]))
        with control_dependencies(checks):
            num_classes = array.shape(logits)[array.rank(logits) - 1]
            precise = array.reshape(precise, [-1, num_classes])
            flat_labels = array.reshape(labels, [-1])
        cost = _sparse_xent(precise, flat_labels, name=name)[0]
        cost = array.reshape(cost, labels_shape)
        cost.set_shape(labels.shape)
        return m.cast(cost, _dt.float16) if half else cost


def _check_sparse_shapes(labels, logits):
    ls, gs = labels.shape, logits.shape
    if gs.ndims == 0:
        raise ValueError("`logits` cannot be a scalar. Received logits=%s`" % logits)
    if gs.ndims is not None and ls.ndims is not None and ls.ndims != gs.ndims - 1:
        raise ValueError("`labels.shape.rank` must equal `logits.shape.rank - 1`. Received: "
                         "labels.shape=%s of rank %d and logits.shape=%s of rank %d"
                         % (ls, ls.ndims, gs, gs.ndims))
    if ls.is_fully_defined() and gs.ndims and gs[:-1].is_fully_defined() and \
            ls.as_list() != gs.as_list()[:-1]:
        raise ValueError("`labels.shape` must equal `logits.shape` except for the last "
                         "dimension. Received: labels.shape=%s and logits.shape=%s" % (ls, gs))


# ---- sigmoid losses -------------------------------------------------------------------------
def _same_shape(a, b, a_name, b_name):
    if not a.shape.is_compatible_with(b.shape):
        raise ValueError("`%s` and `%s` must have the same shape, received (%s vs %s)."
                         % (a_name, b_name, a.shape, b.shape))


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """`tf.nn.sigmoid_cross_entropy_with_logits`: max(x, 0) - x * z + log1p(exp(-|x|)),
    written with selects so the gradient at 0 is finite ('logistic_loss')."""
    from scopeflow.ops import math as m
    _ensure_xent_args("sigmoid_cross_entropy_with_logits", labels, logits)
    with name_scope(name, "logistic_loss", [logits, labels]) as scope:
        logits = tensor(logits, name="logits")
        labels = tensor(labels, name="labels")
        _same_shape(logits, labels, "logits", "labels")
        zeros = array.zeros_like(logits, dtype=logits.dtype)
        cond = logits >= zeros
        relu_logits = raw("Select", cond, logits, zeros)
        neg_abs_logits = raw("Select", cond, -logits, logits)
        return m.add(relu_logits - logits * labels, m.log1p(m.exp(neg_abs_logits)), name=scope)


def weighted_cross_entropy_with_logits(labels=None, logits=None, pos_weight=None, name=None,
                                       targets=None):
    """`tf.nn.weighted_cross_entropy_with_logits`: sigmoid cross entropy with positives
    weighted by `pos_weight` ('logistic_loss')."""
    from scopeflow.ops import math as m
    from scopeflow.ops.nn import relu
    if labels is not None and targets is not None:
        raise ValueError("Cannot specify both 'labels' and 'targets'.")
    labels = labels if labels is not None else targets
    with name_scope(name, "logistic_loss", [logits, labels]) as scope:
        logits = tensor(logits, name="logits")
        labels = tensor(labels, name="labels")
        _same_shape(logits, labels, "logits", "labels")
        log_weight = 1 + (pos_weight - 1) * labels
        return m.add((1 - labels) * logits,
                     log_weight * (m.log1p(m.exp(-m.abs(logits))) + relu(-logits)), name=scope)


def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None):
    """`tf.nn.log_poisson_loss`: exp(log_input) - log_input * targets (+ Stirling terms)."""
    import math

    from scopeflow.ops import math as m
    from scopeflow.ops.constant import constant
    with name_scope(name, "log_poisson_loss", [targets, log_input]):
        log_input = tensor(log_input, name="log_input")
        targets = tensor(targets, name="targets")
        _same_shape(log_input, targets, "log_input", "targets")
        result = m.exp(log_input) - log_input * targets
        if compute_full_loss:
            half = constant(0.5, dtype=targets.dtype)
            two_pi = constant(2 * math.pi, dtype=targets.dtype)
            stirling = (targets * m.log(targets)) - targets + (half * m.log(two_pi * targets))
            zeros = array.zeros_like(targets, dtype=targets.dtype)
            ones = array.ones_like(targets, dtype=targets.dtype)
            cond = m.logical_and(targets >= zeros, targets <= ones)
            result += raw("Select", cond, zeros, stirling)
        return result


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """`tf.nn.compute_average_loss`: sum of (weighted) losses / global batch size (one
    replica here)."""
    from scopeflow.ops import math as m
    from scopeflow.ops.reductions import reduce_sum
    loss = tensor(per_example_loss)
    if sample_weight is not None:
        loss = loss * m.cast(sample_weight, loss.dtype)
    if global_batch_size is None:
        global_batch_size = array.shape(loss)[0] * 1
    total = reduce_sum(loss)
    return m.div_no_nan(total, m.cast(global_batch_size, loss.dtype))


def scale_regularization_loss(regularization_loss):
    """`tf.nn.scale_regularization_loss`: the loss over the number of replicas (one here)."""
    from scopeflow.ops.math_extra import add_n
    from scopeflow.ops.reductions import reduce_sum
    if isinstance(regularization_loss, (list, tuple)):
        regularization_loss = add_n(list(regularization_loss))
    return reduce_sum(regularization_loss) / 1
