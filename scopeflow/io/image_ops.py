"""`tf.image.decode_png / decode_jpeg / decode_image / encode_png`: host kernels over Pillow.

As TF's kernels, every decoder reads any of the formats it knows (a JPEG given to decode_png
decodes); `channels` 0 keeps the file's own, 1 / 3 / 4 convert to gray / RGB / RGBA.

>>> import scopeflow as tf
>>> tf.image.decode_png(tf.placeholder(tf.string, []), channels=3).shape.as_list()
[None, None, 3]
"""

import io
import struct

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.errors import InternalError, InvalidArgumentError
from scopeflow.io.image_decode import _MODES, decode
from scopeflow.io.parse_example import host_only
from scopeflow.lowering.context import run_error
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops.array_base import check_rank
from scopeflow.ops.nn_conv import check_attr
from scopeflow.ops.registry import ShapeError, op, spec

def _image_shape(contents, *, channels, dtype=None, **attrs):
    check_rank(contents, 0)
    return spec((None, None, channels or None), dtype or _dt.uint8)


def _gif_shape(contents):
    check_rank(contents, 0)
    return spec((None, None, None, 3), _dt.uint8)


def _decode_image_shape(contents, *, channels, dtype, expand_animations):
    if expand_animations:
        return spec(None, dtype)
    return spec((None, None, channels or None), dtype)


_decode_png = op("DecodePng", infer=_image_shape, types={"contents": _dt.string})(
    lambda contents, *, channels, dtype: host_only("DecodePng")())
_decode_jpeg = op("DecodeJpeg", infer=_image_shape, types={"contents": _dt.string})(
    lambda contents, *, channels, ratio, fancy_upscaling, try_recover_truncated,
    acceptable_fraction, dct_method: host_only("DecodeJpeg")())
_decode_gif = op("DecodeGif", infer=_gif_shape, types={"contents": _dt.string})(
    lambda contents: host_only("DecodeGif")())
_decode_bmp = op("DecodeBmp", infer=_image_shape, types={"contents": _dt.string})(
    lambda contents, *, channels: host_only("DecodeBmp")())
_decode_image = op("DecodeImage", infer=_decode_image_shape, types={"contents": _dt.string})(
    lambda contents, *, channels, dtype, expand_animations: host_only("DecodeImage")())


def _encode_shape(image, *, compression):
    dims = image.shape._dims
    if dims is not None and len(dims) < 3:
        raise ShapeError("Shape must be at least rank 3 but is rank %d" % len(dims))
    return spec((), _dt.string)


_encode_png = op("EncodePng", infer=_encode_shape)(
    lambda image, *, compression: host_only("EncodePng")())


_encode_jpeg = op("EncodeJpeg", infer=lambda image, **attrs: _encode_shape(image, compression=0),
                  types={"image": _dt.uint8})(
    lambda image, *, format, quality, progressive, optimize_size, chroma_downsampling,  # noqa: A006
    density_unit, x_density, y_density, xmp_metadata: host_only("EncodeJpeg")())


def encode_jpeg(image, format="", quality=95, progressive=False, optimize_size=False,  # noqa: A002
                chroma_downsampling=True, density_unit="in", x_density=300, y_density=300,
                xmp_metadata="", name=None):
    """A (height, width, 1 or 3) uint8 image as JPEG bytes (a scalar string), by Pillow's
    libjpeg at TF's default quality 95 with 4:2:0 chroma subsampling (RGB), TF's bytes.

    >>> import scopeflow as tf
    >>> tf.image.encode_jpeg(tf.zeros([2, 2, 3], tf.uint8)).op.type
    'EncodeJpeg'
    """
    check_attr("EncodeJpeg", "format", format, ("", "grayscale", "rgb"))
    check_attr("EncodeJpeg", "density_unit", density_unit, ("in", "cm"))
    return _encode_jpeg(image, name=name, format=format, quality=int(quality),
                        progressive=bool(progressive), optimize_size=bool(optimize_size),
                        chroma_downsampling=bool(chroma_downsampling),
                        density_unit=density_unit, x_density=int(x_density),
                        y_density=int(y_density), xmp_metadata=xmp_metadata)


def is_jpeg(contents, name=None):
    """Whether `contents` starts with the JPEG marker (a scalar bool).

    >>> import scopeflow as tf
    >>> tf.image.is_jpeg(tf.constant(b"\\xff\\xd8\\xff")).name
    'is_jpeg/Equal:0'
    """
    from scopeflow.ops.math import equal
    from scopeflow.ops.op_util import name_scope
    from scopeflow.ops.strings import substr
    with name_scope(name, "is_jpeg", [contents]):  # TF's names: is_jpeg/Equal, j/j
        return equal(substr(contents, 0, 3), b"\xff\xd8\xff", name=name)


def decode_png(contents, channels=0, dtype=_dt.uint8, name=None):
    """A PNG (or any known format) as a (height, width, channels) uint8/uint16 tensor.

    >>> import scopeflow as tf
    >>> tf.image.decode_png(tf.placeholder(tf.string, [])).op.type
    'DecodePng'
    """
    return _decode_png(contents, name=name, channels=int(channels), dtype=_dt.as_dtype(dtype))


def decode_jpeg(contents, channels=0, ratio=1, fancy_upscaling=True,
                try_recover_truncated=False, acceptable_fraction=1, dct_method="", name=None):
    """A JPEG (or any known format) as a (height, width, channels) uint8 tensor.

    >>> import scopeflow as tf
    >>> tf.image.decode_jpeg(tf.placeholder(tf.string, []), channels=1).shape.as_list()
    [None, None, 1]
    """
    return _decode_jpeg(contents, name=name, channels=int(channels), ratio=int(ratio),
                        fancy_upscaling=fancy_upscaling,
                        try_recover_truncated=try_recover_truncated,
                        acceptable_fraction=float(acceptable_fraction), dct_method=dct_method)


def decode_gif(contents, name=None):
    """A GIF (or a JPEG / PNG, as one frame) as (frames, height, width, 3) uint8.

    >>> import scopeflow as tf
    >>> tf.image.decode_gif(tf.placeholder(tf.string, [])).shape.as_list()
    [None, None, None, 3]
    """
    return _decode_gif(contents, name=name)


def decode_bmp(contents, channels=0, name=None):
    """A BMP (8, 24 or 32 bits a pixel, uncompressed) as (height, width, channels) uint8.

    >>> import scopeflow as tf
    >>> tf.image.decode_bmp(tf.placeholder(tf.string, []), channels=3).op.type
    'DecodeBmp'
    """
    return _decode_bmp(contents, name=name, channels=int(channels))


def decode_image(contents, channels=None, dtype=_dt.uint8, name=None, expand_animations=True):
    """Any known image format; animated GIFs as (frames, height, width, 3) when expanded.

    >>> import scopeflow as tf
    >>> tf.image.decode_image(tf.placeholder(tf.string, [])).name
    'decode_image/DecodeImage:0'
    """
    from scopeflow.ops.op_util import name_scope
    dtype = _dt.as_dtype(dtype)
    if dtype not in (_dt.uint8, _dt.uint16, _dt.float32):
        raise NotImplementedError("scopeflow's decode_image decodes to uint8, uint16 or float32 "
                                  "(dtype=%s is not implemented)" % dtype.name)
    with name_scope(name, "decode_image", [contents]):
        return _decode_image(contents, name="DecodeImage", channels=int(channels or 0),
                             dtype=dtype, expand_animations=expand_animations)


def encode_png(image, compression=-1, name=None):
    """A (height, width, channels) uint8/uint16 image as PNG bytes (a scalar string).

    >>> import scopeflow as tf
    >>> tf.image.encode_png(tf.zeros([2, 2, 3], tf.uint8)).op.type
    'EncodePng'
    """
    return _encode_png(image, name=name, compression=int(compression))


# ---- host kernels ---------------------------------------------------------------------------
@host_kernel("DecodePng")
def _decode_png_host(ctx, op_, contents):
    return [decode(op_, contents, op_._attrs["channels"], op_._attrs["dtype"])]


@host_kernel("DecodeJpeg")
def _decode_jpeg_host(ctx, op_, contents):
    return [decode(op_, contents, op_._attrs["channels"], _dt.uint8)]


@host_kernel("DecodeGif")
def _decode_gif_host(ctx, op_, contents):
    return [decode(op_, contents, 3, _dt.uint8, animations=True)]


@host_kernel("DecodeBmp")
def _decode_bmp_host(ctx, op_, contents):
    return [decode(op_, contents, op_._attrs["channels"], _dt.uint8)]


@host_kernel("DecodeImage")
def _decode_image_host(ctx, op_, contents):
    a = op_._attrs
    return [decode(op_, contents, a["channels"], a["dtype"], a["expand_animations"])]


@host_kernel("EncodePng")
def _encode_png_host(ctx, op_, image):
    from PIL import Image
    a = np.asarray(image)
    if a.ndim != 3:
        raise run_error(InvalidArgumentError, op_, "image must be 3-dimensional%s" % (
            "[%s]" % ",".join(map(str, a.shape))))
    c = a.shape[2]
    if c not in _MODES:
        raise run_error(InvalidArgumentError, op_, "image must have 1, 2, 3, or 4 channels, "
                                                   "got %d" % c)
    level = op_._attrs["compression"]
    buf = io.BytesIO()
    if a.dtype == np.uint16:
        if c != 1:
            raise run_error(InvalidArgumentError, op_, "scopeflow encodes 16-bit PNGs with one "
                                                       "channel only")
        Image.fromarray(a[:, :, 0].astype(">u2").astype(np.uint16), "I;16").save(
            buf, "PNG", compress_level=6 if level < 0 else level)
    else:
        img = Image.fromarray(a[:, :, 0] if c == 1 else a, _MODES[c])
        img.save(buf, "PNG", compress_level=6 if level < 0 else level)
    return [buf.getvalue()]


@host_kernel("EncodeJpeg")
def _encode_jpeg_host(ctx, op_, image):
    from PIL import Image
    a = np.asarray(image)
    attrs = op_._attrs
    if a.ndim != 3:
        raise run_error(InvalidArgumentError, op_, "image must be 3-dimensional[%s]"
                        % ",".join(map(str, a.shape)))
    shape = ",".join(map(str, a.shape))
    channels = {"grayscale": 1, "rgb": 3}.get(attrs["format"], a.shape[2])
    if a.shape[2] != channels:
        raise run_error(InvalidArgumentError, op_, "format %s expects %d channels, got [%s]"
                        % (attrs["format"], channels, shape))
    if channels not in (1, 3):
        raise run_error(InvalidArgumentError, op_, "image must have 1 or 3 channels, got [%s]"
                        % shape)
    if a.size == 0:  # libjpeg refuses an empty image
        raise run_error(InternalError, op_, "JPEG encoding failed")
    img = Image.fromarray(a[:, :, 0] if channels == 1 else a, "L" if channels == 1 else "RGB")
    buf = io.BytesIO()
    # TF leaves a grayscale component at 1x1 sampling (libjpeg's default); Pillow would set
    # the 2x2 of 4:2:0 on it, which changes only the SOF marker, not the scan
    subsampling = 2 if attrs["chroma_downsampling"] and channels == 3 else 0
    extra = {"xmp": attrs["xmp_metadata"].encode()} if attrs["xmp_metadata"] else {}
    img.save(buf, "JPEG", quality=attrs["quality"], progressive=attrs["progressive"],
             optimize=attrs["optimize_size"], subsampling=subsampling, dpi=(1, 1), **extra)
    return [_jfif_density(buf.getvalue(), attrs)]


def _jfif_density(data, attrs):
    """TF's JFIF density fields: unit 1 (in) or 2 (cm) and the densities as given (Pillow
    writes dots per inch only)."""
    assert data[6:11] == b"JFIF\0", "libjpeg writes JFIF APP0 first"
    unit = {"in": 1, "cm": 2}[attrs["density_unit"]]
    fields = bytes([unit]) + struct.pack(">HH", attrs["x_density"] & 0xFFFF,
                                             attrs["y_density"] & 0xFFFF)
    return data[:13] + fields + data[18:]
