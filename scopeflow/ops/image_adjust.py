"""TF1's image preprocessing as TF builds it: crop / pad to a box, flips (random ones seeded as
TF's), brightness, contrast (the AdjustContrastv2 op), per-image standardization and dtype
conversion; the graph of each is TF's composition of ordinary ops under TF's name scope.

    >>> import scopeflow as tf
    >>> tf.image.resize_image_with_crop_or_pad(tf.zeros([32, 32, 3]), 24, 24).shape.as_list()
    [24, 24, 3]
"""

import functools

import jax.numpy as jnp

from scopeflow import dtypes as _dt
from scopeflow.core.tensor import Tensor
from scopeflow.ops import math as _m
from scopeflow.ops import math_cast as _c
from scopeflow.ops import reductions as _r
from scopeflow.ops.math_unary import round as round_
from scopeflow.ops.math_unary import rsqrt
from scopeflow.ops.op_types import ALLOWED
from scopeflow.ops.op_util import array_ops as array
from scopeflow.ops.op_util import name_scope, tensor, typed_op

__all__ = ["adjust_brightness", "adjust_contrast", "central_crop", "convert_image_dtype",
           "crop_to_bounding_box", "flip_left_right", "flip_up_down", "pad_to_bounding_box",
           "per_image_standardization", "random_brightness", "random_contrast",
           "random_flip_left_right", "random_flip_up_down", "resize_image_with_crop_or_pad"]

ALLOWED["AdjustContrastv2"] = ((0, "images", ("half", "float32")),)


@typed_op("AdjustContrastv2")
def _adjust_contrastv2(images, contrast_factor):
    if jnp.ndim(images) < 3:  # a fed rank
        raise ValueError("input must be at least 3-D, got shape[%s]"
                         % ",".join(map(str, jnp.shape(images))))
    # (..., height, width, channels): each channel moves away from its mean over the image
    x = images.astype(jnp.float32)
    mean = jnp.mean(x, axis=(-3, -2), keepdims=True)
    return ((x - mean) * contrast_factor + mean).astype(images.dtype)


# ---- checks ---------------------------------------------------------------------------------
def _is_tensor(x):
    return isinstance(x, Tensor) or hasattr(x, "_variable")


def _assert(cond, ex_type, msg):
    """TF's polymorphic assert: an Assert op for a tensor condition, else raised at once."""
    if _is_tensor(cond):
        from scopeflow.ops.checks import Assert
        return [Assert(cond, [msg])]
    if not cond:
        raise ex_type(msg)
    return []


def _check_3d(image, require_static=True):
    """TF's _CheckAtLeast3DImage: the assert ops an image's unknown inner dims need."""
    from scopeflow.ops.checks import assert_greater_equal, assert_positive
    try:
        shape = (image.shape.with_rank(3) if image.shape.ndims is None
                 else image.shape.with_rank_at_least(3))
    except ValueError:
        raise ValueError("'image' (shape %s) must be at least three-dimensional."
                         % image.shape) from None
    if require_static and not shape.is_fully_defined():
        raise ValueError("'image' must be fully defined.")
    if any(x == 0 for x in shape.as_list()[-3:] if x is not None):
        raise ValueError("inner 3 dims of 'image.shape' must be > 0: %s" % shape)
    if not shape[-3:].is_fully_defined():
        return [assert_positive(array.shape(image)[-3:],
                                ["inner 3 dims of 'image.shape' must be > 0."]),
                assert_greater_equal(array.rank(image), 3,
                                     message="'image' must be at least three-dimensional.")]
    return []


def _at_least_3d(image):
    from scopeflow.ops.state import with_dependencies
    return with_dependencies(_check_3d(image, require_static=False), image)


def _dims(image, rank):
    """Static dimensions where known, else the dynamic ones (TF's _ImageDimensions)."""
    if image.shape.is_fully_defined():
        return image.shape.as_list()
    static = image.shape.with_rank(rank).as_list()
    dynamic = array.unstack(array.shape(image), rank)
    return [s if s is not None else d for s, d in zip(static, dynamic)]


def _as_batch(image):
    """(image as 4-D, whether it was a batch)."""
    n = image.shape.ndims
    if n == 3 or n is None:
        image = array.expand_dims(image, 0)
        if n is None:
            image.set_shape([None] * 4)
        return image, False
    if n != 4:
        raise ValueError("'image' (shape %s) must have either 3 or 4 dimensions." % image.shape)
    return image, True


# ---- boxes ----------------------------------------------------------------------------------
def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """`tf.image.crop_to_bounding_box`: the box at the offsets, of the target size."""
    from scopeflow.ops.state import with_dependencies
    with name_scope(None, "crop_to_bounding_box", [image]):
        image = tensor(image, name="image")
        image, is_batch = _as_batch(image)
        checks = _check_3d(image, require_static=False)
        batch, height, width, depth = _dims(image, 4)
        # each condition is built just before its Assert, as TF's graph orders them
        for cond, msg in ((lambda: offset_width >= 0, "offset_width must be >= 0."),
                          (lambda: offset_height >= 0, "offset_height must be >= 0."),
                          (lambda: target_width > 0, "target_width must be > 0."),
                          (lambda: target_height > 0, "target_height must be > 0."),
                          (lambda: width >= (target_width + offset_width),
                           "width must be >= target + offset."),
                          (lambda: height >= (target_height + offset_height),
                           "height must be >= target + offset.")):
            checks += _assert(cond(), ValueError, msg)
        image = with_dependencies(checks, image)
        cropped = array.slice(
            image, array.stack([0, offset_height, offset_width, 0]),
            array.stack([array.shape(image)[0], target_height, target_width,
                         array.shape(image)[3]]))
        cropped.set_shape([None if _is_tensor(i) else i
                           for i in (batch, target_height, target_width, depth)])
        return cropped if is_batch else array.squeeze(cropped, axis=[0])


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """`tf.image.pad_to_bounding_box`: zeros around the image, up to the target size."""
    from scopeflow.ops.state import with_dependencies
    with name_scope(None, "pad_to_bounding_box", [image]):
        image = tensor(image, name="image")
        image, is_batch = _as_batch(image)
        batch, height, width, depth = _dims(image, 4)
        after_width = target_width - offset_width - width
        after_height = target_height - offset_height - height
        checks = _check_3d(image, require_static=False)
        for cond, msg in ((lambda: offset_height >= 0, "offset_height must be >= 0"),
                          (lambda: offset_width >= 0, "offset_width must be >= 0"),
                          (lambda: after_width >= 0, "width must be <= target - offset"),
                          (lambda: after_height >= 0, "height must be <= target - offset")):
            checks += _assert(cond(), ValueError, msg)
        image = with_dependencies(checks, image)
        paddings = array.reshape(array.stack([0, 0, offset_height, after_height, offset_width,
                                              after_width, 0, 0]), [4, 2])
        padded = array.pad(image, paddings)
        padded.set_shape([None if _is_tensor(i) else i
                          for i in (batch, target_height, target_width, depth)])
        return padded if is_batch else array.squeeze(padded, axis=[0])


def _either(op, fold):
    return lambda x, y: op(x, y) if _is_tensor(x) or _is_tensor(y) else fold(x, y)


def checked_target(image, target_height, target_width):
    """(image as a batch after TF's checks of it and of the positive target size, whether it
    was a batch, the checks): the common start of TF's resize-to-target functions."""
    from scopeflow.ops.state import with_dependencies
    image = tensor(image, name="image")
    image, is_batch = _as_batch(image)
    checks = _check_3d(image, require_static=False)
    checks += _assert(target_width > 0, ValueError, "target_width must be > 0.")
    checks += _assert(target_height > 0, ValueError, "target_height must be > 0.")
    return with_dependencies(checks, image), is_batch, checks


def resize_image_with_crop_or_pad(image, target_height, target_width):
    """`tf.image.resize_image_with_crop_or_pad`: a centred crop or zero padding to the size."""
    from scopeflow.ops.state import with_dependencies
    max_, min_ = _either(_m.maximum, max), _either(_m.minimum, min)
    equal_ = _either(_m.equal, lambda a, b: a == b)
    with name_scope(None, "resize_image_with_crop_or_pad", [image]):
        image, is_batch, checks = checked_target(image, target_height, target_width)
        if _is_tensor(target_height):
            target_height = with_dependencies(checks, target_height)
        if _is_tensor(target_width):
            target_width = with_dependencies(checks, target_width)
        _, height, width, _ = _dims(image, 4)
        width_diff = target_width - width  # TF's order of ops: width, then height
        crop_width, pad_width = max_(-width_diff // 2, 0), max_(width_diff // 2, 0)
        height_diff = target_height - height
        crop_height, pad_height = max_(-height_diff // 2, 0), max_(height_diff // 2, 0)
        cropped = crop_to_bounding_box(image, crop_height, crop_width,
                                       min_(target_height, height), min_(target_width, width))
        resized = pad_to_bounding_box(cropped, pad_height, pad_width, target_height,
                                      target_width)
        _, resized_height, resized_width, _ = _dims(resized, 4)
        checks = _assert(equal_(resized_height, target_height), ValueError,
                         "resized height is not correct.")
        checks += _assert(equal_(resized_width, target_width), ValueError,
                          "resized width is not correct.")
        resized = with_dependencies(checks, resized)
        return resized if is_batch else array.squeeze(resized, axis=[0])


def central_crop(image, central_fraction):
    """`tf.image.central_crop`: the central fraction of each image; dimensions (or a fraction)
    known only at run time are computed in the graph, as TF's."""
    from scopeflow.ops.constant import constant_value
    from scopeflow.ops.state import with_dependencies
    with name_scope(None, "central_crop", [image]):
        image = tensor(image, name="image")
        fraction = constant_value(central_fraction) if _is_tensor(central_fraction) \
            else central_fraction
        if fraction is not None:
            if fraction <= 0.0 or fraction > 1.0:
                raise ValueError("central_fraction must be within (0, 1]")
            if fraction == 1.0:
                return image
        else:
            checks = _assert(_m.logical_or(central_fraction > 0.0, central_fraction <= 1.0),
                             ValueError, "central_fraction must be within (0, 1]")
            image = with_dependencies(checks, image)
        _at_least_3d(image)  # TF builds its checked identity and leaves it unused
        rank = image.shape.ndims
        if rank not in (3, 4):
            raise ValueError("`image` should either be a Tensor with rank = 3 or rank = 4. "
                             "Had rank = %s." % rank)
        first = rank - 3
        dims = [image.shape.dims[first].value, image.shape.dims[first + 1].value]
        dynamic = [d is None or fraction is None for d in dims]
        dims = [array.shape(image)[first + k] if d is None else d for k, d in enumerate(dims)]
        begin = []
        for dim, dyn in zip(dims, dynamic):
            if dyn:
                dim_d = _c.cast(dim, _dt.float64)
                begin.append(_c.cast(
                    (dim_d - dim_d * _c.cast(central_fraction, _dt.float64)) / 2, _dt.int32))
            else:
                begin.append(int((float(dim) - float(dim) * fraction) / 2))
        size = [dim - start * 2 for dim, start in zip(dims, begin)]
        static = [None if dyn else n for dyn, n in zip(dynamic, size)]
        begin, size = [*begin, 0], [*size, -1]
        if rank == 4:
            begin, size = [0, *begin], [-1, *size]
        out = array.slice(image, array.stack(begin), array.stack(size))
        out.set_shape(image.shape.as_list()[:first] + static + [image.shape.dims[-1].value])
        return out


# ---- flips ----------------------------------------------------------------------------------
def _fix_flip_shape(image, result):
    shape = image.shape
    result.set_shape([None, None, None] if shape.ndims is None else shape)
    return result


def _flip(image, index, scope_name):
    with name_scope(None, scope_name, [image]):
        image = _at_least_3d(tensor(image, name="image"))
        n = image.shape.ndims
        if n == 3:
            return _fix_flip_shape(image, array.reverse(image, [index]))
        if n == 4:
            return array.reverse(image, [index + 1])
        if n is None:
            from scopeflow.ops.control_flow import cond
            return cond(_m.equal(array.rank(image), 3),
                        lambda: _fix_flip_shape(image, array.reverse(image, [index])),
                        lambda: array.reverse(image, [index + 1]))
        raise ValueError("'image' (shape %s)must have either 3 or 4 dimensions." % image.shape)


def _random_flip(image, index, seed, scope_name):
    from scopeflow.ops.control_flow import cond
    from scopeflow.ops.random import random_uniform
    uniform = functools.partial(random_uniform, seed=seed)
    with name_scope(None, scope_name, [image]) as scope:
        image = _at_least_3d(tensor(image, name="image"))
        shape = image.shape

        def rank3():
            mirror = _m.less(uniform(shape=[], minval=0, maxval=1.0), .5)
            result = cond(mirror, lambda: array.reverse(image, [index]), lambda: image,
                          name=scope)
            return _fix_flip_shape(image, result)

        def rank4():
            batch = array.shape(image)[0]
            flips = round_(array.reshape(uniform(shape=[batch], minval=0, maxval=1.0),
                                           [batch, 1, 1, 1]))
            flips = _c.cast(flips, image.dtype)
            flipped = array.reverse(image, [index + 1])
            return flips * flipped + (1 - flips) * image

        if shape.ndims is None:
            return cond(_m.equal(array.rank(image), 3), rank3, rank4)
        if shape.ndims == 3:
            return rank3()
        if shape.ndims == 4:
            return rank4()
        raise ValueError("'image' (shape %s) must have either 3 or 4 dimensions." % shape)


def flip_left_right(image):
    """`tf.image.flip_left_right`: the width axis reversed."""
    return _flip(image, 1, "flip_left_right")


def flip_up_down(image):
    """`tf.image.flip_up_down`: the height axis reversed."""
    return _flip(image, 0, "flip_up_down")


def random_flip_left_right(image, seed=None):
    """`tf.image.random_flip_left_right`: flipped with probability 1/2 (TF's draw)."""
    return _random_flip(image, 1, seed, "random_flip_left_right")


def random_flip_up_down(image, seed=None):
    """`tf.image.random_flip_up_down`: flipped upside down with probability 1/2."""
    return _random_flip(image, 0, seed, "random_flip_up_down")


# ---- values ---------------------------------------------------------------------------------
def convert_image_dtype(image, dtype, saturate=False, name=None):
    """`tf.image.convert_image_dtype`: rescaled between integer ranges and [0, 1] floats."""
    image = tensor(image, name="image")
    dtype = _dt.as_dtype(dtype)
    if not dtype.is_floating and not dtype.is_integer:
        raise AttributeError("dtype must be either floating point or integer")
    if not image.dtype.is_floating and not image.dtype.is_integer:
        raise AttributeError("image dtype must be either floating point or integer")
    if dtype == image.dtype:
        return array.identity(image, name=name)
    cast = _c.saturate_cast if saturate else _c.cast
    with name_scope(name, "convert_image", [image]) as scope:
        src = image.dtype
        if src.is_integer and dtype.is_integer:
            if src.max > dtype.max:  # scale down first, then cast
                return cast(_m.floordiv(image, (src.max + 1) // (dtype.max + 1)), dtype,
                            name=scope)
            return _m.multiply(cast(image, dtype), (dtype.max + 1) // (src.max + 1), name=scope)
        if src.is_floating and dtype.is_floating:
            return _c.cast(image, dtype, name=scope)
        if src.is_integer:
            return _m.multiply(_c.cast(image, dtype), 1. / src.max, name=scope)
        return cast(_m.multiply(image, dtype.max + 0.5), dtype, name=scope)


def rgb_to_grayscale(images, name=None):
    """`tf.image.rgb_to_grayscale`: TF's weights (0.2989, 0.5870, 0.1140) over the last axis,
    in float, back in the images' dtype; the result keeps a last axis of 1.

    >>> import scopeflow as tf
    >>> tf.image.rgb_to_grayscale(tf.zeros([2, 4, 4, 3], tf.uint8)).shape.as_list()
    [2, 4, 4, 1]
    """
    from scopeflow.ops.linalg import tensordot
    with name_scope(name, "rgb_to_grayscale", [images]) as scope:
        images = tensor(images, name="images")
        flt = convert_image_dtype(images, _dt.float32)
        gray = tensordot(flt, [0.2989, 0.5870, 0.1140], [-1, -1])
        return convert_image_dtype(array.expand_dims(gray, -1), images.dtype, name=scope)


def _float_image(image):
    return image if image.dtype in (_dt.float16, _dt.float32) else convert_image_dtype(
        image, _dt.float32)


def adjust_brightness(image, delta):
    """`tf.image.adjust_brightness`: `delta` added (in [0, 1] units for integer images)."""
    with name_scope(None, "adjust_brightness", [image, delta]) as name:
        image = tensor(image, name="image")
        flt = _float_image(image)
        adjusted = _m.add(flt, _c.cast(delta, flt.dtype), name=name)
        return convert_image_dtype(adjusted, image.dtype, saturate=True)


def adjust_contrast(images, contrast_factor):
    """`tf.image.adjust_contrast`: each channel scaled about its mean (AdjustContrastv2)."""
    with name_scope(None, "adjust_contrast", [images, contrast_factor]) as name:
        images = tensor(images, name="images")
        flt = _float_image(images)
        adjusted = _adjust_contrastv2(flt, tensor(contrast_factor, dtype=_dt.float32,
                                                  name="contrast_factor"), name=name)
        return convert_image_dtype(adjusted, images.dtype, saturate=True)


def random_brightness(image, max_delta, seed=None):
    """`tf.image.random_brightness`: a delta drawn in [-max_delta, max_delta)."""
    from scopeflow.ops.random import random_uniform
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    return adjust_brightness(image, random_uniform([], -max_delta, max_delta, seed=seed))


def random_contrast(image, lower, upper, seed=None):
    """`tf.image.random_contrast`: a contrast factor drawn in [lower, upper)."""
    from scopeflow.ops.random import random_uniform
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")
    return adjust_contrast(image, random_uniform([], lower, upper, seed=seed))


def per_image_standardization(image):
    """`tf.image.per_image_standardization`: (x - mean) / max(stddev, 1/sqrt(pixels))."""
    with name_scope(None, "per_image_standardization", [image]) as scope:
        image = _at_least_3d(tensor(image, name="image"))
        image = _c.cast(image, dtype=_dt.float32)
        num_pixels = _r.reduce_prod(array.shape(image)[-3:])
        mean = _r.reduce_mean(image, axis=[-1, -2, -3], keepdims=True)
        stddev = _r.reduce_std(image, axis=[-1, -2, -3], keepdims=True)
        adjusted_stddev = _m.maximum(stddev, rsqrt(_c.cast(num_pixels, _dt.float32)))
        image -= mean
        return _m.divide(image, adjusted_stddev, name=scope)
