"""`tf.image.resize_image_with_pad` (TF1's): resized keeping the aspect ratio, then padded
with zeros to the target size, as TF composes it (float32 ratio arithmetic, floor, casts).

    >>> import scopeflow as tf
    >>> tf.image.resize_image_with_pad(tf.zeros([10, 20, 3]), 8, 8).shape.as_list()
    [8, 8, 3]
"""

from scopeflow import dtypes as _dt
from scopeflow.ops import math as _m
from scopeflow.ops import math_cast as _c
from scopeflow.ops.image_adjust import _dims, _either, checked_target, pad_to_bounding_box
from scopeflow.ops.math_unary import floor
from scopeflow.ops.op_util import array_ops as array
from scopeflow.ops.op_util import name_scope

__all__ = ["resize_image_with_pad"]


def resize_image_with_pad(image, target_height, target_width, method=0, align_corners=False):
    """`tf.image.resize_image_with_pad`: aspect-preserving resize, then zero padding."""
    from scopeflow.ops.image_resize import resize_images
    max_ = _either(_m.maximum, max)
    with name_scope(None, "resize_image_with_pad", [image]):
        image, is_batch, _ = checked_target(image, target_height, target_width)
        _, height, width, _ = _dims(image, 4)
        f_height, f_width, f_target_height, f_target_width = (
            _c.cast(v, dtype=_dt.float32)
            for v in (height, width, target_height, target_width))
        ratio = max_(f_width / f_target_width, f_height / f_target_height)
        resized_height_float = f_height / ratio
        resized_width_float = f_width / ratio
        resized_height = _c.cast(floor(resized_height_float), dtype=_dt.int32)
        resized_width = _c.cast(floor(resized_width_float), dtype=_dt.int32)
        padding_height = (f_target_height - resized_height_float) / 2
        padding_width = (f_target_width - resized_width_float) / 2
        f_padding_height, f_padding_width = floor(padding_height), floor(padding_width)
        p_height = max_(0, _c.cast(f_padding_height, dtype=_dt.int32))
        p_width = max_(0, _c.cast(f_padding_width, dtype=_dt.int32))
        resized = resize_images(image, [resized_height, resized_width], method,
                                align_corners=align_corners)
        padded = pad_to_bounding_box(resized, p_height, p_width, target_height, target_width)
        if padded.shape.ndims is None:
            raise ValueError("padded contains no shape.")
        _dims(padded, 4)
        return padded if is_batch else array.squeeze(padded, axis=[0])
