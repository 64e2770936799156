"""The per-image functions of `tf.keras.preprocessing.image`: affine transforms (rotation,
shift, shear, zoom about the image's centre, resampled by `scipy.ndimage` as Keras does),
channel and brightness shifts, flips, and the PIL conversions (`array_to_img`,
`img_to_array`, `load_img`, `save_img`). Images are 3-D arrays; axes are given per call."""

import io
import pathlib
import warnings

import numpy as np


def _pil(what):
    try:
        from PIL import Image, ImageEnhance
    except ImportError:
        raise ImportError("Could not import PIL.Image. The use of `%s` requires PIL."
                          % what) from None
    return Image, ImageEnhance


def _floatx():
    from scopeflow.keras import backend
    return backend.floatx()


def _data_format(data_format):
    from scopeflow.keras import backend
    return backend.image_data_format() if data_format is None else data_format


def flip_axis(x, axis):
    return np.flip(np.asarray(x), axis)


def _matrix(theta, tx, ty, shear, zx, zy):
    """The product rotation . shift . shear . zoom of those not the identity (None if none),
    in Keras' (row, column) coordinates; angles in degrees."""
    parts = []
    if theta != 0:
        t = np.deg2rad(theta)
        parts.append(np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0],
                               [0, 0, 1]]))
    if tx != 0 or ty != 0:
        parts.append(np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]]))
    if shear != 0:
        s = np.deg2rad(shear)
        parts.append(np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]]))
    if zx != 1 or zy != 1:
        parts.append(np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]]))
    if not parts:
        return None
    m = parts[0]
    for p in parts[1:]:
        m = np.dot(m, p)
    return m


def transform_matrix_offset_center(matrix, x, y):
    """`matrix` applied about the centre of an `x` by `y` image."""
    ox, oy = float(x) / 2 - 0.5, float(y) / 2 - 0.5
    to_centre = np.array([[1, 0, ox], [0, 1, oy], [0, 0, 1]])
    back = np.array([[1, 0, -ox], [0, 1, -oy], [0, 0, 1]])
    return np.dot(np.dot(to_centre, matrix), back)


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=1, col_axis=2,
                           channel_axis=0, fill_mode="nearest", cval=0.0, order=1):
    try:
        from scipy import ndimage
    except ImportError:
        raise ImportError("Image transformations require SciPy. Install SciPy.") from None
    axes = {row_axis, col_axis, channel_axis}
    if len(axes) != 3:
        raise ValueError("'row_axis', 'col_axis', and 'channel_axis' must be distinct")
    if axes != {0, 1, 2}:
        raise ValueError("Invalid axis' indices: %s" % (axes - {0, 1, 2}))
    if x.ndim != 3:
        raise ValueError("Input arrays must be multi-channel 2D images.")
    if channel_axis not in (0, 2):
        raise ValueError("Channels are allowed and the first and last dimensions.")
    m = _matrix(theta, tx, ty, shear, zx, zy)
    if m is None:
        return x
    m = transform_matrix_offset_center(m, x.shape[row_axis], x.shape[col_axis])
    planes = np.rollaxis(x, channel_axis, 0)
    if col_axis > row_axis:  # the planes are (row, col): swap Keras' x and y
        m[:, [0, 1]] = m[:, [1, 0]]
        m[[0, 1]] = m[[1, 0]]
    out = np.stack([ndimage.affine_transform(p, m[:2, :2], m[:2, 2], order=order,
                                             mode=fill_mode, cval=cval) for p in planes])
    return np.rollaxis(out, 0, channel_axis + 1)


def _keyed(x, row_axis, col_axis, channel_axis, fill_mode, cval, order, **params):
    return apply_affine_transform(x, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=order, **params)


def random_rotation(x, rg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                    cval=0.0, interpolation_order=1):
    theta = np.random.uniform(-rg, rg)
    return _keyed(x, row_axis, col_axis, channel_axis, fill_mode, cval, interpolation_order,
                  theta=theta)


def random_shift(x, wrg, hrg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    tx = np.random.uniform(-hrg, hrg) * x.shape[row_axis]
    ty = np.random.uniform(-wrg, wrg) * x.shape[col_axis]
    return _keyed(x, row_axis, col_axis, channel_axis, fill_mode, cval, interpolation_order,
                  tx=tx, ty=ty)


def random_shear(x, intensity, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    shear = np.random.uniform(-intensity, intensity)
    return _keyed(x, row_axis, col_axis, channel_axis, fill_mode, cval, interpolation_order,
                  shear=shear)


def random_zoom(x, zoom_range, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                cval=0.0, interpolation_order=1):
    if len(zoom_range) != 2:
        raise ValueError("`zoom_range` should be a tuple or list of two floats. Received: %s"
                         % (zoom_range,))
    zx, zy = (1, 1) if zoom_range[0] == 1 and zoom_range[1] == 1 else \
        np.random.uniform(zoom_range[0], zoom_range[1], 2)
    return _keyed(x, row_axis, col_axis, channel_axis, fill_mode, cval, interpolation_order,
                  zx=zx, zy=zy)


def apply_channel_shift(x, intensity, channel_axis=0):
    """Each channel shifted by `intensity`, clipped to the image's own range."""
    planes = np.rollaxis(x, channel_axis, 0)
    lo, hi = np.min(planes), np.max(planes)
    out = np.stack([np.clip(p + intensity, lo, hi) for p in planes])
    return np.rollaxis(out, 0, channel_axis + 1)


def random_channel_shift(x, intensity_range, channel_axis=0):
    return apply_channel_shift(x, np.random.uniform(-intensity_range, intensity_range),
                               channel_axis=channel_axis)


def apply_brightness_shift(x, brightness, scale=True):
    """PIL's brightness enhancement of the image (as 8-bit), mapped back to its range when
    `scale` is False and the image was outside 0..255."""
    _, enhance = _pil("apply_brightness_shift")
    lo, hi = np.min(x), np.max(x)
    outside = lo < 0 or hi > 255
    img = enhance.Brightness(array_to_img(x, scale=outside or scale)).enhance(brightness)
    out = img_to_array(img)
    return out / 255 * (hi - lo) + lo if not scale and outside else out


def random_brightness(x, brightness_range, scale=True):
    if len(brightness_range) != 2:
        raise ValueError("`brightness_range should be tuple or list of two floats. Received: %s"
                         % (brightness_range,))
    return apply_brightness_shift(
        x, np.random.uniform(brightness_range[0], brightness_range[1]), scale)


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A PIL image of a 3-D array (1, 3 or 4 channels), stretched to 0..255 with `scale`."""
    data_format = _data_format(data_format)
    image, _ = _pil("array_to_img")
    x = np.asarray(x, dtype=dtype or _floatx())
    if x.ndim != 3:
        raise ValueError("Expected image array to have rank 3 (single image). Got array with "
                         "shape: %s" % (x.shape,))
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError("Invalid data_format: %s" % (data_format,))
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        top = np.max(x)
        if top != 0:
            x /= top
        x *= 255
    modes = {4: "RGBA", 3: "RGB"}
    if x.shape[2] in modes:
        return image.fromarray(x.astype("uint8"), modes[x.shape[2]])
    if x.shape[2] == 1:
        wide = np.max(x) > 255
        return image.fromarray(x[:, :, 0].astype("int32" if wide else "uint8"),
                               "I" if wide else "L")
    raise ValueError("Unsupported channel number: %s" % (x.shape[2],))


def img_to_array(img, data_format=None, dtype=None):
    data_format = _data_format(data_format)
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError("Unknown data_format: %s" % (data_format,))
    x = np.asarray(img, dtype=dtype or _floatx())
    if x.ndim == 3:
        return x.transpose(2, 0, 1) if data_format == "channels_first" else x
    if x.ndim == 2:
        return x[None] if data_format == "channels_first" else x[:, :, None]
    raise ValueError("Unsupported image shape: %s" % (x.shape,))


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    img = array_to_img(x, data_format=_data_format(data_format), scale=scale)
    if img.mode == "RGBA" and file_format in ("jpg", "jpeg"):
        warnings.warn("The JPG format does not support RGBA images, converting to RGB.")
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


_RESAMPLE = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def load_img(path, grayscale=False, color_mode="rgb", target_size=None,
             interpolation="nearest", keep_aspect_ratio=False):
    """A PIL image read from a path or BytesIO, converted to `color_mode` and resized to
    `target_size` (height, width), centre-cropped first to its ratio with
    `keep_aspect_ratio`."""
    if grayscale:
        warnings.warn('grayscale is deprecated. Please use color_mode = "grayscale"')
        color_mode = "grayscale"
    image, _ = _pil("load_img")
    if isinstance(path, io.BytesIO):
        img = image.open(path)
    elif isinstance(path, (pathlib.Path, bytes, str)):
        with open(str(path.resolve()) if isinstance(path, pathlib.Path) else path, "rb") as f:
            img = image.open(io.BytesIO(f.read()))
    else:
        raise TypeError("path should be path-like or io.BytesIO, not %s" % (type(path),))
    keep = {"grayscale": ("L", "I;16", "I"), "rgba": ("RGBA",), "rgb": ("RGB",)}
    if color_mode not in keep:
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')
    if img.mode not in keep[color_mode]:
        img = img.convert(keep[color_mode][0])
    if target_size is None or img.size == (target_size[1], target_size[0]):
        return img
    if interpolation not in _RESAMPLE:
        raise ValueError("Invalid interpolation method %s specified. Supported methods are %s"
                         % (interpolation, ", ".join(_RESAMPLE)))
    resample = getattr(image.Resampling, interpolation.upper())
    size = (target_size[1], target_size[0])
    if not keep_aspect_ratio:
        return img.resize(size, resample)
    width, height = img.size
    crop_h = min(height, (width * size[1]) // size[0])
    crop_w = min(width, (height * size[0]) // size[1])
    top, left = (height - crop_h) // 2, (width - crop_w) // 2
    return img.resize(size, resample, box=[left, top, left + crop_w, top + crop_h])
