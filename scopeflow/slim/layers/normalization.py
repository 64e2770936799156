"""`tf_slim.layers.normalization`: instance_norm and group_norm with slim's variables.

>>> import scopeflow as tf
>>> y = group_norm(tf.ones([2, 4, 4, 8]), groups=2)
>>> y.op.name, [v.op.name for v in tf.global_variables()]
('GroupNorm/Reshape_2', ['GroupNorm/beta', 'GroupNorm/gamma'])
"""

from scopeflow.core.scopes import variable_scope
from scopeflow.layers.core import tf_api
from scopeflow.slim.arg_scope import add_arg_scope
from scopeflow.slim.utils import collect_named_outputs, get_variable_collections
from scopeflow.slim.variables import model_variable

__all__ = ["group_norm", "instance_norm"]

DATA_FORMAT_NCHW = "NCHW"
DATA_FORMAT_NHWC = "NHWC"


def _params(params_shape, dtype, center, scale, how):
    """The `beta` and `gamma` model variables (None when not centered / scaled)."""
    tf = tf_api()
    made = {}
    for name, wanted, default in (("beta", center, tf.zeros_initializer()),
                                  ("gamma", scale, tf.ones_initializer())):
        if not wanted:
            made[name] = None
            continue
        made[name] = model_variable(
            name, shape=params_shape, dtype=dtype,
            initializer=(how["initializers"] or {}).get(name, default),
            collections=get_variable_collections(how["collections"], name),
            trainable=how["trainable"])
        if how["broadcast"]:
            made[name] = tf.reshape(made[name], how["broadcast"])
    return made["beta"], made["gamma"]


@add_arg_scope
def instance_norm(inputs, center=True, scale=True, epsilon=1e-6, activation_fn=None,
                  param_initializers=None, reuse=None, variables_collections=None,
                  outputs_collections=None, trainable=True, data_format=DATA_FORMAT_NHWC,
                  scope=None):
    """Normalizes each example and channel over the spatial axes, in scope `InstanceNorm`."""
    tf = tf_api()
    inputs = tf.convert_to_tensor(inputs)
    shape, rank = inputs.shape, inputs.shape.ndims
    if rank is None:
        raise ValueError("Inputs %s has undefined rank." % inputs.name)
    if data_format not in (DATA_FORMAT_NCHW, DATA_FORMAT_NHWC):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    with variable_scope(scope, "InstanceNorm", [inputs], reuse=reuse) as sc:
        channels = 1 if data_format == DATA_FORMAT_NCHW else rank - 1
        broadcast = ([1, shape.dims[1].value] + [1] * (rank - 2)
                     if data_format == DATA_FORMAT_NCHW else None)
        moments_axes = [a for a in range(1, rank) if a != channels]
        params_shape = shape[channels:channels + 1]
        if not params_shape.is_fully_defined():
            raise ValueError("Inputs %s has undefined channels dimension %s."
                             % (inputs.name, params_shape))
        beta, gamma = _params(params_shape, inputs.dtype.base_dtype, center, scale,
                              {"initializers": param_initializers, "trainable": trainable,
                               "collections": variables_collections, "broadcast": broadcast})
        mean, variance = tf.nn.moments(inputs, moments_axes, keep_dims=True)
        outputs = tf.nn.batch_normalization(inputs, mean, variance, beta, gamma, epsilon,
                                            name="instancenorm")
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


def _group_axes(inputs, groups, channels_axis, reduction_axes):
    """(channels axis, channel count, reduction axes), checked as tf_slim checks them."""
    rank = inputs.shape.ndims
    if rank is None:
        raise ValueError("Inputs %s has undefined rank." % inputs.name)
    if channels_axis > rank - 1:
        raise ValueError("Axis is out of bounds.")
    if channels_axis < 0:
        channels_axis += rank
    channels = inputs.shape.dims[channels_axis].value
    if channels is None:
        raise ValueError("Inputs %s has undefined channel dimension: %d."
                         % (inputs.name, channels_axis))
    reduction_axes = [a + rank if a < 0 else a for a in reduction_axes]
    for a in reduction_axes:
        if a > rank:
            raise ValueError("Axis is out of bounds.")
        if inputs.shape.dims[a].value is None:
            raise ValueError("Inputs %s has undefined dimensions %d." % (inputs.name, a))
        if channels_axis == a:
            raise ValueError("reduction_axis must be mutually exclusive with channels_axis")
    if groups > channels:
        raise ValueError("Invalid groups %d for %d channels." % (groups, channels))
    if channels % groups != 0:
        raise ValueError("%d channels is not commensurate with %d groups."
                         % (channels, groups))
    return channels_axis, channels, reduction_axes


@add_arg_scope
def group_norm(inputs, groups=32, channels_axis=-1, reduction_axes=(-3, -2), center=True,
               scale=True, epsilon=1e-6, activation_fn=None, param_initializers=None,
               reuse=None, variables_collections=None, outputs_collections=None,
               trainable=True, scope=None, mean_close_to_zero=False):
    """Normalizes groups of channels over `reduction_axes`, in scope `GroupNorm`.

    The channels axis is split into (groups, channels // groups); moments run over the
    in-group axis and the reduction axes.
    """
    tf = tf_api()
    inputs = tf.convert_to_tensor(inputs)
    channels_axis, channels, reduction_axes = _group_axes(inputs, groups, channels_axis,
                                                          reduction_axes)
    dynamic = tf.shape(inputs)
    sizes = [d.value if d.value is not None else dynamic[i] for i, d in enumerate(inputs.shape.dims)]
    before, after = sizes[:channels_axis], sizes[channels_axis + 1:]
    broadcast = [1] * len(before) + [groups, channels // groups] + [1] * len(after)
    inputs = tf.reshape(inputs, before + [groups, channels // groups] + after)
    moments_axes = [channels_axis + 1] + [a + 1 if a > channels_axis else a
                                          for a in reduction_axes]
    with variable_scope(scope, "GroupNorm", [inputs], reuse=reuse) as sc:
        beta, gamma = _params([channels], inputs.dtype.base_dtype, center, scale,
                              {"initializers": param_initializers, "trainable": trainable,
                               "collections": variables_collections, "broadcast": broadcast})
        if mean_close_to_zero:
            counts, mean_ss, var_ss, _ = tf.nn.sufficient_statistics(inputs, moments_axes,
                                                                     keep_dims=True)
            mean, variance = tf.nn.normalize_moments(counts, mean_ss, var_ss, shift=None)
        else:
            mean, variance = tf.nn.moments(inputs, moments_axes, keep_dims=True)
        # y = x * gain + offset with gain = gamma / sqrt(var + eps), offset = beta - mean * gain
        gain = tf.rsqrt(variance + epsilon)
        offset = -mean * gain
        if gamma is not None:
            gain *= gamma
            offset *= gamma
        if beta is not None:
            offset += beta
        outputs = tf.reshape(inputs * gain + offset, sizes)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return collect_named_outputs(outputs_collections, sc.name, outputs)
