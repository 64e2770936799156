"""The tensor functions of `tf.keras.backend` (Keras' names over TF ops).

>>> import scopeflow as tf
>>> K = tf.keras.backend
>>> K.mean(K.constant([1.0, 3.0])).op.type
'Mean'
"""

import numpy as np

from scopeflow.layers.core import smart_cond, tf_api

__all__ = [
    "abs", "all", "any", "arange", "argmax", "argmin", "batch_dot", "batch_flatten",
    "binary_crossentropy", "cast", "categorical_crossentropy", "clip", "concatenate", "constant",
    "cos", "dot", "dropout", "elu", "equal", "exp", "expand_dims", "flatten", "function", "gather",
    "gradients", "greater", "greater_equal", "hard_sigmoid", "identity", "in_test_phase",
    "in_train_phase", "l2_normalize", "less", "less_equal", "log", "max", "maximum", "mean", "min",
    "minimum", "moving_average_update", "not_equal", "one_hot", "ones", "ones_like",
    "permute_dimensions", "pow", "prod", "random_normal", "random_uniform", "relu",
    "repeat_elements", "reshape", "resize_images", "resize_volumes", "round", "shape", "sigmoid", "sign", "sin", "softmax", "softplus",
    "softsign", "sparse_categorical_crossentropy",
    "sqrt", "square", "squeeze", "stack", "std", "stop_gradient", "sum", "switch", "tanh", "tile",
    "transpose", "update", "update_add", "update_sub", "var", "zeros", "zeros_like",
]


def _tf():
    return tf_api()


def constant(value, dtype=None, shape=None, name=None):
    from scopeflow.keras.backend import floatx
    return _tf().constant(value, dtype=dtype or floatx(), shape=shape, name=name)


def zeros(shape, dtype=None, name=None):
    from scopeflow.keras.backend import floatx, variable
    import numpy as np
    return variable(np.zeros(shape), dtype or floatx(), name)


def ones(shape, dtype=None, name=None):
    from scopeflow.keras.backend import floatx, variable
    import numpy as np
    return variable(np.ones(shape), dtype or floatx(), name)


def zeros_like(x, dtype=None, name=None):
    return _tf().zeros_like(x, dtype=dtype, name=name)


def ones_like(x, dtype=None, name=None):
    return _tf().ones_like(x, dtype=dtype, name=name)


def identity(x, name=None):
    return _tf().identity(x, name=name)


def cast(x, dtype):
    return _tf().cast(x, dtype)


def shape(x):
    return _tf().shape(x)


def reshape(x, shape):
    return _tf().reshape(x, shape)


def transpose(x):
    return _tf().transpose(x)


def permute_dimensions(x, pattern):
    return _tf().transpose(x, perm=pattern)


def expand_dims(x, axis=-1):
    return _tf().expand_dims(x, axis)


def squeeze(x, axis):
    return _tf().squeeze(x, [axis])


def flatten(x):
    return _tf().reshape(x, [-1])


def batch_flatten(x):
    tf = _tf()
    return tf.reshape(x, tf.stack([-1, tf.reduce_prod(tf.shape(x)[1:])]))


def concatenate(tensors, axis=-1):
    if axis < 0:
        rank = tensors[0].shape.ndims
        axis = axis % rank if rank else 0
    return _tf().concat(list(tensors), axis)


def stack(x, axis=0):
    return _tf().stack(x, axis=axis)


def tile(x, n):
    return _tf().tile(x, [n] if isinstance(n, int) else n)


def repeat_elements(x, rep, axis):
    """np.repeat along `axis`: Split/ConcatV2 over a static axis; over a dynamic one, a
    Tile of a new axis after it, reshaped (Keras' float `reps` array included)."""
    tf = _tf()
    dims = x.shape.as_list()
    if dims[axis] is not None:
        parts = tf.split(x, dims[axis], axis=axis)
        return concatenate([p for p in parts for _ in range(rep)], axis)
    shape = tf.shape(x)
    reps = np.ones(len(dims) + 1)
    reps[axis + 1] = rep
    out = tf.tile(tf.expand_dims(x, axis=axis + 1), reps)
    reps = np.delete(reps, axis + 1)
    reps[axis] = rep
    out = tf.reshape(out, shape * tf.constant(reps, dtype="int32"))
    out.set_shape(dims)
    return out


def resize_images(x, height_factor, width_factor, data_format, interpolation="nearest"):
    """Keras' UpSampling2D: `tf.image.resize` (TF2's, half-pixel centers) to the scaled
    size, channels-first inputs through two transposes."""
    from scopeflow.ops.image_resize import resize_v2
    tf = _tf()
    rows, cols = {"channels_first": (2, 3), "channels_last": (1, 2)}[data_format]
    size = x.shape[rows:cols + 1]
    size = (tf.constant(size.as_list(), dtype="int32") if size.is_fully_defined()
            else tf.shape(x)[rows:cols + 1])
    size *= tf.constant(np.array([height_factor, width_factor], dtype="int32"))
    if data_format == "channels_first":
        x = permute_dimensions(x, [0, 2, 3, 1])
    x = resize_v2(x, size, method=interpolation)
    if data_format == "channels_first":
        x = permute_dimensions(x, [0, 3, 1, 2])
    return x


def resize_volumes(x, depth_factor, height_factor, width_factor, data_format):
    """Keras' UpSampling3D: each spatial axis repeated in turn."""
    first = 2 if data_format == "channels_first" else 1
    for axis, rep in enumerate((depth_factor, height_factor, width_factor), first):
        x = repeat_elements(x, rep, axis)
    return x


def gather(reference, indices):
    return _tf().gather(reference, indices)


def one_hot(indices, num_classes):
    return _tf().one_hot(indices, depth=num_classes, axis=-1)


def arange(start, stop=None, step=1, dtype="int32"):
    return _tf().range(start, stop, step, dtype=dtype)


def dot(x, y):
    tf = _tf()
    if x.shape.ndims is not None and (x.shape.ndims > 2 or y.shape.ndims > 2):
        return tf.tensordot(x, y, [[x.shape.ndims - 1], [y.shape.ndims - 2]])
    return tf.matmul(x, y)


def batch_dot(x, y, axes=None):
    tf = _tf()
    if axes is None or tuple(axes) == (x.shape.ndims - 1, y.shape.ndims - 2):
        return tf.matmul(x, y)
    if isinstance(axes, int):
        axes = (axes, axes)
    if x.shape.ndims == 2 and y.shape.ndims == 2:
        # (batch, 1, n) @ (batch, n, 1) -> (batch, 1, 1), squeezed as Keras does
        return tf.squeeze(tf.matmul(tf.expand_dims(x, 1), tf.expand_dims(y, 2)), [2])
    return tf.matmul(x, y, adjoint_a=axes[0] == x.shape.ndims - 2,
                     adjoint_b=axes[1] == y.shape.ndims - 1)


def _reduce(fn):
    def reduce(x, axis=None, keepdims=False):
        return getattr(_tf(), fn)(x, axis, keepdims=keepdims)

    reduce.__name__ = fn
    return reduce


sum = _reduce("reduce_sum")  # noqa: A001 - Keras' names
mean = _reduce("reduce_mean")
max = _reduce("reduce_max")  # noqa: A001
min = _reduce("reduce_min")  # noqa: A001
prod = _reduce("reduce_prod")


def any(x, axis=None, keepdims=False):  # noqa: A001
    return _tf().reduce_any(_tf().cast(x, "bool"), axis, keepdims=keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001
    return _tf().reduce_all(_tf().cast(x, "bool"), axis, keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    return _tf().nn.moments(x, axes=axis if axis is not None else list(range(x.shape.ndims)),
                            keep_dims=keepdims)[1]


def std(x, axis=None, keepdims=False):
    return _tf().sqrt(var(x, axis, keepdims))


def argmax(x, axis=-1):
    return _tf().argmax(x, axis)


def argmin(x, axis=-1):
    return _tf().argmin(x, axis)


def _unary(fn_path):
    def fn(x):
        obj = _tf()
        for part in fn_path.split("."):
            obj = getattr(obj, part)
        return obj(x)

    fn.__name__ = fn_path.rsplit(".", 1)[-1]
    return fn


square, sqrt, exp, log, abs = (_unary("square"), _unary("sqrt"), _unary("exp"),  # noqa: A001
                               _unary("log"), _unary("abs"))
sign, round, sin, cos = _unary("sign"), _unary("round"), _unary("sin"), _unary("cos")  # noqa: A001
sigmoid, tanh, softplus, softsign = (_unary("sigmoid"), _unary("tanh"), _unary("nn.softplus"),
                                     _unary("nn.softsign"))
stop_gradient = _unary("stop_gradient")


def pow(x, a):  # noqa: A001
    return _tf().pow(x, a)


def _binary(fn):
    def op(x, y):
        return getattr(_tf(), fn)(x, y)

    op.__name__ = fn
    return op


maximum, minimum, equal, not_equal = (_binary("maximum"), _binary("minimum"), _binary("equal"),
                                      _binary("not_equal"))
greater, greater_equal, less, less_equal = (_binary("greater"), _binary("greater_equal"),
                                            _binary("less"), _binary("less_equal"))


def clip(x, min_value, max_value):
    if max_value is not None and max_value < min_value:
        max_value = min_value
    return _tf().clip_by_value(x, min_value, max_value)


def relu(x, alpha=0.0, max_value=None, threshold=0):
    tf = _tf()
    if alpha == 0 and max_value is None and threshold == 0:
        return tf.nn.relu(x)
    if alpha != 0 and max_value is None and threshold == 0:
        return tf.nn.leaky_relu(x, alpha=alpha)
    if alpha != 0:
        negative = tf.nn.relu(-x + threshold) if threshold else tf.nn.relu(-x)
    clip = max_value is not None
    if threshold != 0:
        x = x * tf.cast(tf.greater(x, threshold), x.dtype)
    elif max_value == 6:  # tf_keras' one Relu6 op
        x, clip = tf.nn.relu6(x), False
    else:
        x = tf.nn.relu(x)
    if clip:  # the bounds as constants first ('Const' the top, 'Const_1' zero), as tf_keras
        dtype = x.dtype.base_dtype
        top, zero = tf.constant(max_value, dtype=dtype), tf.constant(0, dtype=dtype)
        x = tf.clip_by_value(x, zero, top)
    if alpha != 0:
        x -= tf.constant(alpha, dtype=x.dtype.base_dtype) * negative
    return x


def elu(x, alpha=1.0):
    tf = _tf()
    res = tf.nn.elu(x)
    # tf_keras calls TF2's `tf.where`: a SelectV2 op
    return res if alpha == 1 else tf.where_v2(x > 0, res, alpha * res)


def softmax(x, axis=-1):
    return _tf().nn.softmax(x, axis=axis)


def hard_sigmoid(x):
    """`clip(0.2 x + 0.5, 0, 1)` as tf_keras builds it: Const, Const_1, Mul, Add, clip."""
    tf = _tf()
    dtype = x.dtype.base_dtype
    point_two, point_five = tf.constant(0.2, dtype), tf.constant(0.5, dtype)
    return tf.clip_by_value(tf.add(tf.multiply(x, point_two), point_five), 0.0, 1.0)


def l2_normalize(x, axis=None):
    return _tf().nn.l2_normalize(x, axis=axis)


def dropout(x, level, noise_shape=None, seed=None):
    return _tf().nn.dropout(x, rate=level, noise_shape=noise_shape, seed=seed)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    from scopeflow.keras.backend import floatx
    return _tf().random_normal(shape, mean, stddev, dtype=dtype or floatx(), seed=seed)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    from scopeflow.keras.backend import floatx
    return _tf().random_uniform(shape, minval, maxval, dtype=dtype or floatx(), seed=seed)


def _eps(x):
    from scopeflow.keras.backend import epsilon
    return _tf().constant(epsilon(), dtype=x.dtype.base_dtype)


def _get_logits(output, from_logits, op_type):
    """The logits under a Softmax/Sigmoid output: Keras computes the loss from them."""
    if getattr(getattr(output, "op", None), "type", None) == op_type:
        return output.op.inputs[0], True
    return output, from_logits


def binary_crossentropy(target, output, from_logits=False):
    """Keras' clipped log form on probabilities; TF's logistic loss on logits."""
    tf = _tf()
    output, from_logits = _get_logits(output, from_logits, "Sigmoid")
    if from_logits:
        return tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    eps = _eps(output)
    output = tf.clip_by_value(output, eps, 1.0 - eps)
    bce = target * tf.log(output + eps)
    bce += (1 - target) * tf.log(1 - output + eps)
    return -bce


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    tf = _tf()
    output, from_logits = _get_logits(output, from_logits, "Softmax")
    if from_logits:
        return tf.nn.softmax_cross_entropy_with_logits_v2(labels=target, logits=output, axis=axis)
    output = output / tf.reduce_sum(output, axis, True)
    eps = _eps(output)
    output = tf.clip_by_value(output, eps, 1.0 - eps)
    return -tf.reduce_sum(target * tf.log(output), axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    tf = _tf()
    output, from_logits = _get_logits(output, from_logits, "Softmax")
    if not from_logits:
        eps = _eps(output)
        output = tf.log(tf.clip_by_value(output, eps, 1 - eps))
    target = tf.cast(target, "int64")
    if target.shape.ndims is not None and output.shape.ndims is not None and \
            target.shape.ndims == output.shape.ndims:
        target = tf.squeeze(target, [-1])
    return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=target, logits=output)


def switch(condition, then_expression, else_expression):
    then_fn = then_expression if callable(then_expression) else (lambda: then_expression)
    else_fn = else_expression if callable(else_expression) else (lambda: else_expression)
    if condition.dtype.base_dtype.name != "bool":
        condition = _tf().cast(condition, "bool")
    return smart_cond(condition, then_fn, else_fn)


def in_train_phase(x, alt, training=None):
    from scopeflow.keras.backend import learning_phase
    training = learning_phase() if training is None else training
    if training is True or training == 1 and not hasattr(training, "op"):
        return x() if callable(x) else x
    if training is False or training == 0 and not hasattr(training, "op"):
        return alt() if callable(alt) else alt
    return switch(training, x, alt)


def in_test_phase(x, alt, training=None):
    return in_train_phase(alt, x, training=training)


def update(x, new_x):
    return _tf().assign(x, new_x)


def update_add(x, increment):
    return _tf().assign_add(x, increment)


def update_sub(x, decrement):
    return _tf().assign_sub(x, decrement)


def moving_average_update(x, value, momentum):
    tf = _tf()
    return tf.assign_sub(x, (x - tf.cast(value, x.dtype.base_dtype)) * (1.0 - momentum))


def gradients(loss, variables):
    return _tf().gradients(loss, variables, colocate_gradients_with_ops=True)


class GraphFunction:
    """`K.function(inputs, outputs, updates)`: one Session.run per call."""

    def __init__(self, inputs, outputs, updates=None, name=None):
        from scopeflow.ops import nest
        tf = _tf()
        self.inputs = nest.flatten(inputs)
        self._structure, self.outputs = outputs, nest.flatten(outputs)
        ops = [u if not isinstance(u, tuple) else tf.assign(*u) for u in (updates or [])]
        with tf.control_dependencies(self.outputs[:1]):
            self.updates_op = tf.group(*ops)  # TF's: a NoOp group_deps without updates

    def __call__(self, inputs):
        from scopeflow.keras.backend import get_session, learning_phase_feed
        feed = dict(zip(self.inputs, inputs))
        lp = learning_phase_feed()
        if lp != {} and lp not in feed:
            feed[lp] = False
        from scopeflow.ops import nest
        values = get_session().run(self.outputs + [self.updates_op], feed)[:len(self.outputs)]
        return nest.pack_sequence_as(self._structure, values)


def function(inputs, outputs, updates=None, name=None, **kwargs):
    return GraphFunction(inputs, outputs, updates=updates, name=name)
