"""Batch renormalization (Ioffe 2017) for `tf.layers.BatchNormalization(renorm=True)`.

Training normalizes with the batch statistics corrected by `r = batch_stddev / renorm_stddev`
and `d = (batch_mean - renorm_mean) / renorm_stddev` (clipped to `renorm_clipping`, no
gradient), where renorm_mean / renorm_stddev are moving averages (`renorm_momentum`) updated
on each training step; the inference statistics track moving_stddev, from which
moving_variance is set. Variables, ops and their names are TF's.
"""

from scopeflow.layers.core import smart_cond, tf_api
from scopeflow.ops.shape_ops import ones_like_v2

_CLIP_KEYS = ["rmax", "rmin", "dmax"]


def renorm_config(renorm_clipping):
    """The `renorm_clipping` dict, checked: only rmax, rmin and dmax may be set."""
    renorm_clipping = renorm_clipping or {}
    if set(renorm_clipping) - set(_CLIP_KEYS):
        raise ValueError("Received invalid keys for `renorm_clipping` argument: %s. Supported "
                         "values: %s." % (renorm_clipping, _CLIP_KEYS))
    return renorm_clipping


def add_renorm_variables(layer, shape, dtype):
    """moving_stddev, renorm_mean and renorm_stddev of `layer` (non-trainable, never
    partitioned); the stddevs start at the square root of the moving variance's initial
    value."""
    from scopeflow.core.variables import VariableAggregation
    tf = tf_api()

    def stddev_init(*args, **kwargs):
        return tf.sqrt(layer.moving_variance_initializer(*args, **kwargs))

    shape = [shape] if isinstance(shape, int) else shape
    partitioner = layer._scope.partitioner
    layer._scope.set_partitioner(None)
    try:
        layer.moving_stddev, layer.renorm_mean, layer.renorm_stddev = (layer.add_weight(
            name, shape=shape, dtype=dtype, initializer=init, trainable=False,
            aggregation=VariableAggregation.MEAN)
            for name, init in (("moving_stddev", stddev_init),
                               ("renorm_mean", layer.moving_mean_initializer),
                               ("renorm_stddev", stddev_init)))
    finally:
        layer._scope.set_partitioner(partitioner)


def renorm_correction(layer, mean, variance, training):
    """(r, d, mean, variance): the corrections from the renorm averages as they were before
    this step, and the batch statistics once those averages are updated."""
    tf = tf_api()
    stddev = tf.sqrt(variance + layer.epsilon)
    renorm_stddev = tf.maximum(layer.renorm_stddev, tf.sqrt(layer.epsilon))  # no 0-division
    r = stddev / renorm_stddev
    d = (mean - layer.renorm_mean) / renorm_stddev
    with tf.control_dependencies([r, d]):  # r and d read the averages before their update
        mean, stddev = tf.identity(mean), tf.identity(stddev)
    rmin, rmax, dmax = (layer.renorm_clipping.get(k) for k in ("rmin", "rmax", "dmax"))
    if rmin is not None:
        r = tf.maximum(r, rmin)
    if rmax is not None:
        r = tf.minimum(r, rmax)
    if dmax is not None:
        d = tf.minimum(tf.maximum(d, -dmax), dmax)
    r = smart_cond(training, lambda: r, lambda: ones_like_v2(r))  # TF2's ones_like
    d = smart_cond(training, lambda: d, lambda: tf.zeros_like(d))
    updates = [_update(layer, layer.renorm_mean, mean, training),
               _update(layer, layer.renorm_stddev, stddev, training)]
    with tf.control_dependencies(updates):
        return r, d, tf.identity(mean), tf.identity(variance)


def _update(layer, variable, value, training):
    """The variable's value after a renorm_momentum step when training, else its value."""
    tf = tf_api()
    value = tf.identity(value)
    return smart_cond(
        training,
        lambda: layer._assign_moving_average(variable, value, layer.renorm_momentum),
        lambda: tf.identity(variable))
