"""TF1's image geometry and colour-space compositions, each the graph TF builds: rot90 (a
tf.case over the quarter turns), transpose, grayscale_to_rgb (a Tile), adjust_gamma, the
YIQ / YUV conversions (a tensordot with TF's kernels) and total_variation.

    >>> import scopeflow as tf
    >>> tf.image.rot90(tf.zeros([4, 6, 3])).shape.as_list()
    [None, None, 3]
"""

from scopeflow import dtypes as _dt
from scopeflow.ops import math as _m
from scopeflow.ops import reductions as _r
from scopeflow.ops.math_unary import abs as abs_
from scopeflow.ops.image_adjust import _assert, _at_least_3d, convert_image_dtype
from scopeflow.ops.op_util import array_ops as array
from scopeflow.ops.op_util import name_scope, tensor

__all__ = ["adjust_gamma", "grayscale_to_rgb", "rgb_to_yiq", "rgb_to_yuv", "rot90",
           "total_variation", "transpose", "yiq_to_rgb", "yuv_to_rgb"]

# TF's colour-space matrices (image_ops_impl.py): rows are the input channels
_RGB_TO_YIQ = [[0.299, 0.59590059, 0.2115], [0.587, -0.27455667, -0.52273617],
               [0.114, -0.32134392, 0.31119955]]
_YIQ_TO_RGB = [[1, 1, 1], [0.95598634, -0.27201283, -1.10674021],
               [0.6208248, -0.64720424, 1.70423049]]
_RGB_TO_YUV = [[0.299, -0.14714119, 0.61497538], [0.587, -0.28886916, -0.51496512],
               [0.114, 0.43601035, -0.10001026]]
_YUV_TO_RGB = [[1, 1, 1], [0, -0.394642334, 2.03206185], [1.13988303, -0.58062185, 0]]


def _by_rank(image, rank3, rank4):
    """TF's dispatch on an image's rank: static, or a tf.cond on tf.rank when unknown."""
    n = image.shape.ndims
    if n is None:
        from scopeflow.ops.control_flow import cond
        return cond(_m.equal(array.rank(image), 3), rank3, rank4)
    if n == 3:
        return rank3()
    if n == 4:
        return rank4()
    raise ValueError("'image' (shape %s) must have either 3 or 4 dimensions." % image.shape)


def _quarter_turns(image, k, scope, batch):
    """TF's _rot90_3D / _rot90_4D: a tf.case over k in {1, 2, 3}, the image itself else."""
    from scopeflow.ops.control_flow import case
    h, w = (1, 2) if batch else (0, 1)
    perm = [0, 2, 1, 3] if batch else [1, 0, 2]
    cases = [(_m.equal(k, 1),
              lambda: array.transpose(array.reverse(image, [w]), perm)),
             (_m.equal(k, 2), lambda: array.reverse(image, [h, w])),
             (_m.equal(k, 3),
              lambda: array.reverse(array.transpose(image, perm), [w]))]
    result = case(cases, default=lambda: image, exclusive=True, name=scope)
    if batch:
        shape = result.shape
        result.set_shape([shape[0], None, None, shape[3]])
    else:
        result.set_shape([None, None, image.shape[2]])
    return result


def rot90(image, k=1, name=None):
    """`tf.image.rot90`: the image turned counter-clockwise by k quarter turns."""
    with name_scope(name, "rot90", [image, k]) as scope:
        image = _at_least_3d(tensor(image, name="image"))
        k = tensor(k, dtype=_dt.int32, name="k")
        k.shape.assert_has_rank(0)
        k = _m.mod(k, 4, name="mod")
        return _by_rank(image, lambda: _quarter_turns(image, k, scope, False),
                        lambda: _quarter_turns(image, k, scope, True))


def transpose(image, name=None):
    """`tf.image.transpose`: height and width swapped."""
    with name_scope(name, "transpose", [image]):
        image = _at_least_3d(tensor(image, name="image"))
        return _by_rank(image, lambda: array.transpose(image, [1, 0, 2], name=name),
                        lambda: array.transpose(image, [0, 2, 1, 3], name=name))


def _check_grayscale(image):
    """TF's _CheckGrayscaleImage(require_static=False): the checks an unknown shape needs."""
    from scopeflow.ops.checks import assert_equal, assert_greater_equal
    shape = image.shape
    try:
        shape = shape.with_rank(2) if shape.ndims is None else shape.with_rank_at_least(2)
    except ValueError:
        raise ValueError("A grayscale image (shape %s) must be at least two-dimensional."
                         % image.shape) from None
    if shape.is_fully_defined():
        if shape[-1] != 1:
            raise ValueError("Last dimension of a grayscale image should be size 1.")
        return []
    return [assert_equal(array.shape(image)[-1], 1,
                         message="Last dimension of a grayscale image should be size 1."),
            assert_greater_equal(array.rank(image), 3,
                                 message="A grayscale image must be at least two-dimensional.")]


def grayscale_to_rgb(images, name=None):
    """`tf.image.grayscale_to_rgb`: the one channel tiled into three."""
    from scopeflow.ops.state import with_dependencies
    with name_scope(name, "grayscale_to_rgb", [images]) as name:
        images = tensor(images)
        images = with_dependencies(_check_grayscale(images), images)
        rank_1 = array.expand_dims(array.rank(images) - 1, 0)
        multiples = array.concat([array.ones(rank_1, dtype=_dt.int32),
                                  array.expand_dims(3, 0)], 0)
        rgb = array.tile(images, multiples, name=name)
        rgb.set_shape(images.shape[:-1].concatenate([3]))
        return rgb


def adjust_gamma(image, gamma=1, gain=1):
    """`tf.image.adjust_gamma`: gain * image ** gamma (in [0, 1] units for integer images)."""
    from scopeflow.ops.state import with_dependencies
    with name_scope(None, "adjust_gamma", [image, gamma, gain]):
        image = tensor(image, name="image")
        orig = image.dtype.base_dtype
        flt = image if orig in (_dt.float16, _dt.float32) else convert_image_dtype(
            image, _dt.float32)
        checks = _assert(gamma >= 0, ValueError, "Gamma should be a non-negative real number.")
        if checks:
            gamma = with_dependencies(checks, gamma)
        return convert_image_dtype(gain * flt ** gamma, orig, saturate=True)


def _colour_matrix(images, kernel):
    from scopeflow.ops.linalg import tensordot
    images = tensor(images, name="images")
    kernel = tensor(kernel, dtype=images.dtype, name="kernel")
    ndims = images.shape.ndims
    return tensordot(images, kernel, axes=[[ndims - 1], [0]])


def rgb_to_yiq(images):
    """`tf.image.rgb_to_yiq`: TF's YIQ matrix over the last axis."""
    return _colour_matrix(images, _RGB_TO_YIQ)


def yiq_to_rgb(images):
    """`tf.image.yiq_to_rgb`: TF's inverse YIQ matrix over the last axis."""
    return _colour_matrix(images, _YIQ_TO_RGB)


def rgb_to_yuv(images):
    """`tf.image.rgb_to_yuv`: TF's YUV matrix over the last axis."""
    return _colour_matrix(images, _RGB_TO_YUV)


def yuv_to_rgb(images):
    """`tf.image.yuv_to_rgb`: TF's inverse YUV matrix over the last axis."""
    return _colour_matrix(images, _YUV_TO_RGB)


def total_variation(images, name=None):
    """`tf.image.total_variation`: summed absolute differences of neighbouring pixels."""
    with name_scope(name, "total_variation"):
        ndims = images.shape.ndims
        if ndims == 3:
            dif1 = images[1:, :, :] - images[:-1, :, :]
            dif2 = images[:, 1:, :] - images[:, :-1, :]
            axis = None
        elif ndims == 4:
            dif1 = images[:, 1:, :, :] - images[:, :-1, :, :]
            dif2 = images[:, :, 1:, :] - images[:, :, :-1, :]
            axis = [1, 2, 3]
        else:
            raise ValueError("'images' must be either 3 or 4-dimensional.")
        return (_r.reduce_sum(abs_(dif1), axis=axis)
                + _r.reduce_sum(abs_(dif2), axis=axis))
