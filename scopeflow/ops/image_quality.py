"""TF1's image comparisons and filters as TF composes them: psnr, ssim (a Gaussian window by
depthwise convolution), image_gradients, sobel_edges.

    >>> import scopeflow as tf
    >>> tf.image.psnr(tf.ones([4, 4, 3]), tf.zeros([4, 4, 3]), 1.0).shape.as_list()
    []
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops import math as _m
from scopeflow.ops import math_cast as _c
from scopeflow.ops import reductions as _r
from scopeflow.ops.image_adjust import convert_image_dtype
from scopeflow.ops.op_util import array_ops as array
from scopeflow.ops.op_util import name_scope, tensor

__all__ = ["image_gradients", "psnr", "sobel_edges", "ssim"]


def _compatible(img1, img2):
    """TF's _verify_compatible_image_shapes: (shape1, shape2, Assert ops)."""
    from scopeflow.ops.checks import Assert
    shape1 = img1.shape.with_rank_at_least(3)
    shape2 = img2.shape.with_rank_at_least(3)
    shape1[-3:].assert_is_compatible_with(shape2[-3:])
    if shape1.ndims is not None and shape2.ndims is not None:
        for d1, d2 in zip(reversed(shape1.dims[:-3]), reversed(shape2.dims[:-3])):
            if not (d1 == 1 or d2 == 1 or d1.is_compatible_with(d2)):
                raise ValueError("Two images are not compatible: %s and %s" % (shape1, shape2))
    shape1, shape2 = array.shape_n([img1, img2])
    checks = [Assert(_m.greater_equal(array.size(shape1), 3), [shape1, shape2], summarize=10),
              Assert(_r.reduce_all(_m.equal(shape1[-3:], shape2[-3:])), [shape1, shape2],
                     summarize=10)]
    return shape1, shape2, checks


def psnr(a, b, max_val, name=None):
    """`tf.image.psnr`: peak signal-to-noise ratio over the last three axes, in dB."""
    from scopeflow.core.contexts import control_dependencies
    with name_scope(name, "PSNR", [a, b]):
        max_val = _c.cast(max_val, a.dtype)
        max_val = convert_image_dtype(max_val, _dt.float32)
        a = convert_image_dtype(a, _dt.float32)
        b = convert_image_dtype(b, _dt.float32)
        mse = _r.reduce_mean(_m.squared_difference(a, b), [-3, -2, -1])
        value = _m.subtract(20 * _m.log(max_val) / _m.log(10.0),
                            np.float32(10 / np.log(10)) * _m.log(mse), name="psnr")
        _, _, checks = _compatible(a, b)
        with control_dependencies(checks):
            return array.identity(value)


def _gauss(size, sigma):
    """TF's _fspecial_gauss: a [size, size, 1, 1] normalised Gaussian window."""
    from scopeflow.ops.nn import softmax
    size = tensor(size, dtype=_dt.int32)
    sigma = tensor(sigma)
    coords = _c.cast(array.range(size), sigma.dtype)
    coords -= _c.cast(size - 1, sigma.dtype) / 2.0
    g = _m.square(coords)
    g *= -0.5 / _m.square(sigma)
    g = array.reshape(g, shape=[1, -1]) + array.reshape(g, shape=[-1, 1])
    g = array.reshape(g, shape=[1, -1])
    g = softmax(g)
    return array.reshape(g, shape=[size, size, 1, 1])


def _ssim_per_channel(img1, img2, max_val, window, ks, return_index_map):
    """TF's _ssim_per_channel: (ssim, contrast-structure) per channel."""
    from scopeflow.ops.checks import Assert
    from scopeflow.ops.constant import constant
    from scopeflow.core.contexts import control_dependencies
    from scopeflow.ops.nn_conv_api import depthwise_conv2d
    filter_size = constant(window[0], dtype=_dt.int32)
    filter_sigma = constant(window[1], dtype=img1.dtype)
    shape1, shape2 = array.shape_n([img1, img2])
    checks = [Assert(_r.reduce_all(_m.greater_equal(shape1[-3:-1], filter_size)),
                     [shape1, filter_size], summarize=8),
              Assert(_r.reduce_all(_m.greater_equal(shape2[-3:-1], filter_size)),
                     [shape2, filter_size], summarize=8)]
    with control_dependencies(checks):
        img1 = array.identity(img1)
    kernel = _gauss(filter_size, filter_sigma)
    kernel = array.tile(kernel, multiples=[1, 1, shape1[-1], 1])

    def reducer(x):
        shape = array.shape(x)
        x = array.reshape(x, shape=array.concat([[-1], shape[-3:]], 0))
        y = depthwise_conv2d(x, kernel, strides=[1, 1, 1, 1], padding="VALID")
        return array.reshape(y, array.concat([shape[:-3], array.shape(y)[1:]], 0))

    k1, k2 = ks
    c1 = (k1 * max_val) ** 2
    c2 = (k2 * max_val) ** 2
    mean0, mean1 = reducer(img1), reducer(img2)
    num0 = mean0 * mean1 * 2.0
    den0 = _m.square(mean0) + _m.square(mean1)
    luminance = (num0 + c1) / (den0 + c1)
    num1 = reducer(img1 * img2) * 2.0
    den1 = reducer(_m.square(img1) + _m.square(img2))
    c2 *= 1.0
    cs = (num1 - num0 + c2) / (den1 - den0 + c2)
    if return_index_map:
        return luminance * cs, cs
    axes = constant([-3, -2], dtype=_dt.int32)
    return _r.reduce_mean(luminance * cs, axes), _r.reduce_mean(cs, axes)


def ssim(img1, img2, max_val, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
         return_index_map=False):
    """`tf.image.ssim`: structural similarity over a Gaussian window, averaged over channels."""
    from scopeflow.core.contexts import control_dependencies
    with name_scope(None, "SSIM", [img1, img2]):
        img1 = tensor(img1, name="img1")
        img2 = tensor(img2, name="img2")
        _, _, checks = _compatible(img1, img2)
        with control_dependencies(checks):
            img1 = array.identity(img1)
        max_val = _c.cast(max_val, img1.dtype)
        max_val = convert_image_dtype(max_val, _dt.float32)
        img1 = convert_image_dtype(img1, _dt.float32)
        img2 = convert_image_dtype(img2, _dt.float32)
        per_channel, _ = _ssim_per_channel(img1, img2, max_val, (filter_size, filter_sigma),
                                           (k1, k2), return_index_map)
        return _r.reduce_mean(per_channel, [-1])


def image_gradients(image):
    """`tf.image.image_gradients`: (dy, dx) forward differences, zero in the last row/col."""
    if image.shape.ndims != 4:
        raise ValueError("image_gradients expects a 4D tensor [batch_size, h, w, d], not {}."
                         .format(image.shape))
    image_shape = array.shape(image)
    batch_size, height, width, depth = array.unstack(image_shape)
    dy = image[:, 1:, :, :] - image[:, :-1, :, :]
    dx = image[:, :, 1:, :] - image[:, :, :-1, :]
    shape = array.stack([batch_size, 1, width, depth])
    dy = array.reshape(array.concat([dy, array.zeros(shape, image.dtype)], 1), image_shape)
    shape = array.stack([batch_size, height, 1, depth])
    dx = array.reshape(array.concat([dx, array.zeros(shape, image.dtype)], 2), image_shape)
    return dy, dx


def sobel_edges(image):
    """`tf.image.sobel_edges`: [..., 2] vertical and horizontal Sobel responses."""
    from scopeflow.ops.constant import constant
    from scopeflow.ops.nn_conv_api import depthwise_conv2d
    static_shape = image.shape
    image_shape = array.shape(image)
    kernels = np.array([[[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
                        [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]])
    kernels = np.expand_dims(np.transpose(kernels, (1, 2, 0)), -2)
    kernels = constant(kernels, dtype=image.dtype)
    kernels = array.tile(kernels, [1, 1, image_shape[-1], 1], name="sobel_filters")
    padded = array.pad(image, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
    output = depthwise_conv2d(padded, kernels, [1, 1, 1, 1], "VALID")
    output = array.reshape(output, shape=array.concat([image_shape, [2]], 0))
    output.set_shape(static_shape.concatenate([2]))
    return output
