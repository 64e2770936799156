"""More Keras backend functions as tf_keras builds them on a CPU: transposed, depthwise and
separable 2-D convolutions, pooling, locally connected products, batch normalization, the time
loop `rnn`, random variables and the sparse helpers.

>>> import scopeflow as tf
>>> K = tf.keras.backend
>>> K.pool2d(tf.zeros([1, 4, 4, 2]), (2, 2), strides=(2, 2)).shape.as_list()
[1, 2, 2, 2]
"""

import itertools

import numpy as np

from scopeflow.keras.backend_conv import _data_format, _padding
from scopeflow.layers.core import tf_api


def backend():
    """The name of the backend: always "tensorflow" (Keras' answer)."""
    return "tensorflow"


def _nhwc(x, data_format, rank=4):
    """Channels-first input transposed to channels last (TF's CPU kernels take no NCHW)."""
    if _data_format(data_format) == "channels_first":
        return tf_api().transpose(x, (0, *range(2, rank), 1))
    return x


def _back(x, data_format, rank=4):
    if _data_format(data_format) == "channels_first":
        return tf_api().transpose(x, (0, rank - 1, *range(1, rank - 1)))
    return x


def conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding="valid", data_format=None,
                     dilation_rate=(1, 1)):
    """The transposed 2-D convolution of `x` to `output_shape` (batch None: x's batch)."""
    tf = tf_api()
    first = _data_format(data_format) == "channels_first"
    x = _nhwc(x, data_format)
    if first:
        output_shape = (output_shape[0], output_shape[2], output_shape[3], output_shape[1])
    if output_shape[0] is None:
        output_shape = (tf.shape(x)[0], *tuple(output_shape[1:]))
    if isinstance(output_shape, (tuple, list)):
        output_shape = tf.stack(list(output_shape))
    padding = _padding(padding)
    if tuple(dilation_rate) == (1, 1):
        x = tf.nn.conv2d_transpose(x, kernel, output_shape, (1, *strides, 1), padding=padding,
                                   data_format="NHWC")
    else:
        if dilation_rate[0] != dilation_rate[1]:
            raise ValueError("Expected the 2 dimensions of the `dilation_rate` argument to be "
                             "equal to each other. Received: dilation_rate=%s"
                             % (dilation_rate,))
        x = tf.nn.atrous_conv2d_transpose(x, kernel, output_shape, rate=dilation_rate[0],
                                          padding=padding)
    return _back(x, data_format)


def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding="valid", data_format=None,
                     dilation_rate=(1, 1)):
    tf = tf_api()
    x = tf.nn.depthwise_conv2d(_nhwc(x, data_format), depthwise_kernel, (1, *strides, 1),
                               padding=_padding(padding), dilations=dilation_rate,
                               data_format="NHWC")
    return _back(x, data_format)


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1), padding="valid",
                     data_format=None, dilation_rate=(1, 1)):
    tf = tf_api()
    _data_format(data_format)
    if len(strides) != 2:
        raise ValueError("`strides` must be a tuple of 2 integers.")
    x = tf.nn.separable_conv2d(_nhwc(x, data_format), depthwise_kernel, pointwise_kernel,
                               (1, *tuple(strides), 1), padding=_padding(padding),
                               rate=dilation_rate, data_format="NHWC")
    return _back(x, data_format)


def pool2d(x, pool_size, strides=(1, 1), padding="valid", data_format=None, pool_mode="max"):
    _data_format(data_format)
    if len(pool_size) != 2:
        raise ValueError("`pool_size` must be a tuple of 2 integers.")
    if len(strides) != 2:
        raise ValueError("`strides` must be a tuple of 2 integers.")
    return _pool(x, pool_size, strides, padding, data_format, pool_mode)


def pool3d(x, pool_size, strides=(1, 1, 1), padding="valid", data_format=None,
           pool_mode="max"):
    return _pool(x, pool_size, strides, padding, data_format, pool_mode)


def _pool(x, pool_size, strides, padding, data_format, pool_mode):
    tf = tf_api()
    rank = len(pool_size) + 2
    x = _nhwc(x, data_format, rank)
    padding = _padding(padding)
    fns = {(4, "max"): tf.nn.max_pool, (4, "avg"): tf.nn.avg_pool,
           (5, "max"): tf.nn.max_pool3d, (5, "avg"): tf.nn.avg_pool3d}
    if (rank, pool_mode) not in fns:
        raise ValueError("Invalid pooling mode: " + str(pool_mode))
    fmt = "NHWC" if rank == 4 else "NDHWC"
    x = fns[rank, pool_mode](x, (1, *tuple(pool_size), 1), (1, *tuple(strides), 1),
                             padding=padding, data_format=fmt)
    return _back(x, data_format, rank)


def local_conv1d(inputs, kernel, kernel_size, strides, data_format=None):
    """Locally connected 1-D product: a separate kernel per output step."""
    return _local_conv(inputs, kernel, kernel_size, strides, (kernel.shape.as_list()[0],),
                       data_format)


def local_conv2d(inputs, kernel, kernel_size, strides, output_shape, data_format=None):
    """Locally connected 2-D product: a separate kernel per output position."""
    return _local_conv(inputs, kernel, kernel_size, strides, output_shape, data_format)


def _local_conv(inputs, kernel, kernel_size, strides, output_shape, data_format):
    """Each output position's input patch (flattened) times its own kernel slice: the patches
    stacked to (positions, batch, features), one batched matmul, then the positions back in
    place."""
    from scopeflow.keras import backend as K
    first = _data_format(data_format) == "channels_first"
    feature_dim, channels_out = kernel.shape.as_list()[1], kernel.shape.as_list()[-1]
    ndims = len(output_shape)
    patches = []
    for position in itertools.product(*[range(n) for n in output_shape]):
        slices = [slice(None)] * (2 if first else 1)
        slices += [slice(position[d] * strides[d], position[d] * strides[d] + kernel_size[d])
                   for d in range(ndims)]
        patches.append(K.reshape(inputs[tuple(slices)], (1, -1, feature_dim)))
    output = K.batch_dot(K.concatenate(patches, axis=0), kernel)
    output = K.reshape(output, (*tuple(output_shape), -1, channels_out))
    spatial = list(range(ndims))
    order = [ndims, ndims + 1, *spatial] if first else [ndims, *spatial, ndims + 1]
    return K.permute_dimensions(output, order)


def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=0.001):
    """`(x - mean) / sqrt(var + epsilon) * gamma + beta`; a rank-4 input normalized on its
    channel axis runs TF's fused inference kernel, as tf_keras does."""
    tf = tf_api()
    if x.shape.ndims != 4:
        return tf.nn.batch_normalization(x, mean, var, beta, gamma, epsilon)
    fmt = "NCHW" if axis in (1, -3) else "NHWC" if axis in (3, -1) else None
    if fmt == "NHWC":
        mean = tf.reshape(mean, [-1]) if mean.shape.ndims > 1 else mean
        var = tf.reshape(var, [-1]) if var.shape.ndims > 1 else var
        beta = tf.zeros_like(mean) if beta is None else \
            tf.reshape(beta, [-1]) if beta.shape.ndims > 1 else beta
        gamma = tf.ones_like(mean) if gamma is None else \
            tf.reshape(gamma, [-1]) if gamma.shape.ndims > 1 else gamma
    y, _, _ = tf.nn.fused_batch_norm(x, gamma, beta, epsilon=epsilon, mean=mean, variance=var,
                                     data_format=fmt, is_training=False)
    return y


def normalize_batch_in_training(x, gamma, beta, reduction_axes, epsilon=0.001):
    """`(normed, mean, var)` of `x` over `reduction_axes`: fused for NHWC batches of images,
    else moments broadcast back to `x`."""
    tf = tf_api()
    axes, ndim = list(reduction_axes), x.shape.ndims
    if ndim == 4 and axes == [0, 1, 2]:
        channels = [x.shape[3]]
        gamma = tf.constant(1.0, dtype=x.dtype, shape=channels) if gamma is None else gamma
        beta = tf.constant(0.0, dtype=x.dtype, shape=channels) if beta is None else beta
        return tf.nn.fused_batch_norm(x, gamma, beta, epsilon=epsilon, data_format="NHWC")
    mean, var = tf.nn.moments(x, axes, None, None, False)
    if sorted(axes) == list(range(ndim))[:-1]:
        return tf.nn.batch_normalization(x, mean, var, beta, gamma, epsilon), mean, var
    target = tf.stack([1 if a in axes else tf.shape(x)[a] for a in range(ndim)])
    normed = tf.nn.batch_normalization(
        x, tf.reshape(mean, target), tf.reshape(var, target),
        None if beta is None else tf.reshape(beta, target),
        None if gamma is None else tf.reshape(gamma, target), epsilon)
    return normed, mean, var


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None,
        unroll=False, input_length=None, time_major=False, zero_output_for_mask=False,
        return_all_outputs=True):
    """`(last_output, outputs, new_states)` of `step_function(x_t, states [+ constants])`
    over the time axis of `inputs` (`tf.keras.backend.rnn`). Outside TF 2 behaviour Keras
    returns every step's output whatever `return_all_outputs` says, and so does this."""
    from scopeflow.keras.layers.rnn_loop import rnn as _rnn
    constants = list(constants or [])
    step = step_function if not constants else \
        (lambda x_t, states: step_function(x_t, list(states) + constants))
    return _rnn(step, inputs, initial_states, go_backwards, mask, unroll, time_major,
                zero_output_for_mask)


def eye(size, dtype=None, name=None):
    """An identity-matrix variable."""
    from scopeflow.keras import backend as K
    dtype = dtype or K.floatx()
    return K.variable(tf_api().eye(size, dtype=dtype), dtype, name)


def is_sparse(tensor):
    from scopeflow.sparse_tensor import SparseTensor
    return isinstance(tensor, SparseTensor)


def to_dense(tensor):
    return tf_api().sparse.to_dense(tensor) if is_sparse(tensor) else tensor


def random_bernoulli(shape, p=0.0, dtype=None, seed=None):
    """1 with probability `p`, else 0 (a seed drawn from numpy when none is given)."""
    from scopeflow.keras import backend as K
    tf = tf_api()
    dtype = dtype or K.floatx()
    seed = np.random.randint(10e6) if seed is None else seed
    return tf.where(tf.random_uniform(shape, dtype=dtype, seed=seed) <= p,
                    tf.ones(shape, dtype=dtype), tf.zeros(shape, dtype=dtype))


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    import warnings
    warnings.warn("`tf.keras.backend.random_binomial` is deprecated, and will be removed in a "
                  "future version.Please use `tf.keras.backend.random_bernoulli` instead.",
                  stacklevel=2)
    return random_bernoulli(shape, p, dtype, seed)


def random_uniform_variable(shape, low, high, dtype=None, name=None, seed=None):
    tf = tf_api()
    return _random_variable(tf.random_uniform_initializer, (low, high), shape, dtype, name,
                            seed)


def random_normal_variable(shape, mean, scale, dtype=None, name=None, seed=None):
    tf = tf_api()
    return _random_variable(tf.random_normal_initializer, (mean, scale), shape, dtype, name,
                            seed)


def _random_variable(initializer, args, shape, dtype, name, seed):
    from scopeflow.keras import backend as K
    dtype = dtype or K.floatx()
    seed = np.random.randint(10e8) if seed is None else seed
    value = initializer(*args, dtype=tf_api().as_dtype(dtype), seed=seed)(shape)
    return K.variable(value, dtype=dtype, name=name)
