"""What every tf.metrics function builds on: metric variables, squeezing, collections.

`metric_variable` is TF's: a non-trainable zero-initialized variable in LOCAL_VARIABLES and
METRIC_VARIABLES (`mean/total:0`, initializer `mean/total/Initializer/zeros`).
"""

from scopeflow import dtypes as _dt
from scopeflow.core.graph import GraphKeys


def tf():
    """scopeflow's TF1 namespace (the metrics are written in TF's own vocabulary)."""
    import scopeflow.compat.v1 as tf1
    return tf1


def metric_variable(shape, dtype, validate_shape=True, name=None):
    """A zero-initialized local variable in LOCAL_VARIABLES and METRIC_VARIABLES.

    >>> import scopeflow as tf
    >>> metric_variable([], tf.float32, name="total").name
    'total:0'
    """
    t = tf()
    return t.Variable(lambda: t.zeros(shape, dtype), trainable=False,
                      collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES],
                      validate_shape=validate_shape,
                      synchronization=t.VariableSynchronization.ON_READ,
                      aggregation=t.VariableAggregation.SUM, name=name)


def remove_squeezable_dimensions(labels, predictions, expected_rank_diff=0, name=None):
    """TF's confusion_matrix.remove_squeezable_dimensions: drops a trailing 1 to align ranks."""
    t = tf()
    with t.name_scope(name, "remove_squeezable_dimensions", [labels, predictions]):
        predictions = t.convert_to_tensor(predictions)
        labels = t.convert_to_tensor(labels)
        p_shape, l_shape = predictions.get_shape(), labels.get_shape()
        p_rank, l_rank = p_shape.ndims, l_shape.ndims
        if l_rank is not None and p_rank is not None:
            diff = p_rank - l_rank
            if diff == expected_rank_diff + 1 and p_shape.dims[-1].is_compatible_with(1):
                predictions = t.squeeze(predictions, [-1])
            elif diff == expected_rank_diff - 1 and l_shape.dims[-1].is_compatible_with(1):
                labels = t.squeeze(labels, [-1])
            return labels, predictions
        diff = t.rank(predictions) - t.rank(labels)
        if p_rank is None or p_shape.dims[-1].is_compatible_with(1):
            predictions = t.cond(t.equal(expected_rank_diff + 1, diff),
                                 lambda: t.squeeze(predictions, [-1]), lambda: predictions)
        if l_rank is None or l_shape.dims[-1].is_compatible_with(1):
            labels = t.cond(t.equal(expected_rank_diff - 1, diff),
                            lambda: t.squeeze(labels, [-1]), lambda: labels)
        return labels, predictions


def squeeze_all(predictions, labels, weights):
    """TF's _remove_squeezable_dimensions: aligns labels with predictions, weights with both."""
    t = tf()
    predictions = t.convert_to_tensor(predictions)
    if labels is not None:
        labels, predictions = remove_squeezable_dimensions(labels, predictions)
        predictions.get_shape().assert_is_compatible_with(labels.get_shape())
    if weights is None:
        return predictions, labels, None
    weights = t.convert_to_tensor(weights)
    w_shape = weights.get_shape()
    w_rank, p_rank = w_shape.ndims, predictions.get_shape().ndims
    if w_rank == 0:
        return predictions, labels, weights
    if p_rank is not None and w_rank is not None:
        if w_rank - p_rank == 1:
            weights = t.squeeze(weights, [-1])
        elif p_rank - w_rank == 1:
            weights = t.expand_dims(weights, [-1])
        return predictions, labels, weights
    w_rank_t = t.rank(weights)
    diff = w_rank_t - t.rank(predictions)
    if w_rank is not None and not w_shape.dims[-1].is_compatible_with(1):
        maybe_squeeze = lambda: weights
    else:
        maybe_squeeze = lambda: t.squeeze(weights, [-1])

    def maybe_expand():
        return t.cond(t.equal(diff, -1), lambda: t.expand_dims(weights, [-1]), lambda: weights)

    weights = t.cond(t.equal(w_rank_t, 0), lambda: weights,
                     lambda: t.cond(t.equal(diff, 1), maybe_squeeze, maybe_expand))
    return predictions, labels, weights


def broadcast_weights(weights, values):
    from scopeflow.losses.util import broadcast_weights as bw
    return bw(weights, values)


def assert_broadcastable(weights, values):
    from scopeflow.losses.util import assert_broadcastable as ab
    return ab(weights, values)


def report(collections, value):
    """Adds `value` to `collections` (metrics_collections / updates_collections); returns it."""
    if collections:
        tf().add_to_collections(collections, value)
    return value


def safe_scalar_div(numerator, denominator, name):
    numerator.get_shape().with_rank_at_most(1)
    denominator.get_shape().with_rank_at_most(1)
    return tf().div_no_nan(numerator, denominator, name=name)


def as_float(x):
    return tf().cast(x, _dt.float32)


def _static(t):
    from scopeflow.ops.constant import constant_value
    v = constant_value(t)
    return None if v is None else int(v)


def assert_rank_in(x, ranks):
    """TF's check_ops.assert_rank_in where ranks are known: a no-op, or TF's ValueError."""
    t = tf()
    with t.name_scope(None, "assert_rank_in", (x,) + tuple(ranks)):
        x = t.convert_to_tensor(x, name="x")
        static = [r if isinstance(r, int) else _static(r) for r in ranks]
        rank = x.get_shape().ndims
        if rank is not None and all(isinstance(r, int) for r in static) and rank not in static:
            raise ValueError("Tensor %s must have rank in %s Received shape: %s"
                             % (x.name, tuple(static), x.get_shape()))
        return t.no_op()
