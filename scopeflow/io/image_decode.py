"""The host side of TF's image decoders (DecodePng, DecodeJpeg, DecodeGif, DecodeBmp,
DecodeImage share one kernel in TF): the format is told by the first bytes, and each op
reads the formats TF's kernel lets it: every op but DecodeBmp reads JPEG, PNG and GIF (as
one frame, or four dims for DecodeGif), only DecodeBmp and DecodeImage read BMP. JPEG, PNG
and GIF go through Pillow; BMP is read as TF's own reader does (uncompressed 8, 24 or 32
bits a pixel, palette indices taken as gray).

>>> decode_bmp_bytes(b"BM" + bytes(8) + (26).to_bytes(4, "little") + bytes(4)
...                  + (1).to_bytes(4, "little") + (1).to_bytes(4, "little") + bytes(2)
...                  + (24).to_bytes(2, "little") + bytes(4) + b"\x03\x02\x01\x00", 0).tolist()
[[[1, 2, 3]]]
"""

import io
import struct
import zlib

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.errors import InvalidArgumentError
from scopeflow.lowering.context import run_error

_UNKNOWN = ("Unknown image file format. One of JPEG, JPEG XL, PNG, GIF, BMP, WebP required.")
_MODES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_FAILED = "jpeg::Uncompress failed. Invalid JPEG data or crop window."


def _png_problem(data):
    """TF's message for a damaged PNG, or None: libpng reads the chunks up to the first IDAT
    when it starts (a short or corrupt chunk there fails the decoder's start), then the image
    data up to IEND (any damage there is invalid data)."""
    pos, started = 8, False
    while True:
        if pos + 8 > len(data):
            break
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            started = True
        end = pos + 12 + length
        if not kind.isalpha() or end > len(data) or \
                zlib.crc32(data[pos + 4:end - 4]) != struct.unpack(">I", data[end - 4:end])[0]:
            break
        if kind == b"IEND":
            return None
        pos = end
    if started:
        return "Invalid PNG data, size %d" % len(data)
    return "Invalid PNG. Failed to initialize decoder."


def _open(op_, data):
    from PIL import Image
    if data.startswith(_PNG_SIGNATURE):  # TF's decoders go by the file's first bytes
        problem = _png_problem(data)
        if problem:
            raise run_error(InvalidArgumentError, op_, problem)
    try:
        img = Image.open(io.BytesIO(data))
        img.load()
        return img
    except Exception:  # noqa: BLE001 - an unreadable file is TF's one error for its kind
        jpeg = data.startswith(b"\xff\xd8\xff")
        raise run_error(InvalidArgumentError, op_, _JPEG_FAILED if jpeg else _UNKNOWN) from None


def _frame(img, channels, dtype):
    """One frame as a (h, w, c) array of `dtype` (uint8 values scaled x257 for uint16)."""
    png = img.format == "PNG"
    mode = img.mode
    if mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
        mode = img.mode
    sixteen = mode in ("I;16", "I;16B", "I")
    if channels:
        if png and channels == 1 and mode in ("RGB", "RGBA"):
            a = _png_gray(np.asarray(img))
        elif sixteen and channels == 1:
            a = np.asarray(img, dtype=np.uint16)
        else:
            a = np.asarray(img.convert(_MODES[channels]))
    elif sixteen:
        a = np.asarray(img, dtype=np.uint16)
    else:
        a = np.asarray(img if mode in _MODES.values() else img.convert("RGB"))
    if a.ndim == 2:
        a = a[:, :, None]
    if not png:
        return _from_bytes(a, dtype)
    if dtype is _dt.float32:  # TF: through uint16, times float32(1 / 65535)
        wide = a.astype(np.float32) * (257 if a.dtype == np.uint8 else 1)
        return wide * np.float32(1 / 65535.)
    if dtype is _dt.uint16 and a.dtype == np.uint8:
        return a.astype(np.uint16) * 257
    if dtype is _dt.uint8 and a.dtype == np.uint16:
        return (a // 257).astype(np.uint8)
    return a.astype(dtype.as_numpy_dtype)


def _png_gray(rgb):
    """libpng's RGB to gray as TF's PNG decoder asks for it: ITU-R 601 weights in 15-bit fixed
    point, truncated; grey pixels kept as they are."""
    r, g, b = (rgb[..., i].astype(np.int32) for i in range(3))
    gray = np.where((r == g) & (r == b), r, (9797 * r + 19234 * g + 3737 * b) >> 15)
    return gray.astype(np.uint8)[..., None]


def _from_bytes(a, dtype):
    """An 8-bit decode in `dtype` as TF converts it: uint16 times 256, float times
    float32(1 / 255)."""
    if dtype is _dt.float32:
        return a.astype(np.float32) * np.float32(1. / 255)
    if dtype is _dt.uint16:
        return a.astype(np.uint16) * 256
    return a.astype(dtype.as_numpy_dtype)


def _classify(data):
    for magic, kind in ((b"\xff\xd8\xff", "JPEG"), (_PNG_SIGNATURE, "PNG"), (b"GIF8", "GIF"),
                        (b"BM", "BMP")):
        if data.startswith(magic):
            return kind
    return None


def _wrong_op(kind, op_type):
    """TF's refusal of a format by DecodeBmp (or of BMP by the others), or ''."""
    if kind == "BMP":
        return "" if op_type in ("DecodeBmp", "DecodeImage") else (
            "Trying to decode BMP format using a wrong op. Use `decode_bmp` or `decode_image` "
            "instead. Op used: %s" % op_type)
    if op_type != "DecodeBmp" or kind is None:  # (an unknown format fails when read)
        return ""
    return ("Trying to decode %s format using DecodeBmp op. Use `decode_%s` or `decode_image` "
            "instead." % (kind, kind.lower()))


def _fail(op_, message):
    if message:
        raise run_error(InvalidArgumentError, op_, message)


def _gif(op_, data, channels, dtype, animations):
    _fail(op_, "" if channels in (0, 3) else
          "channels must be 0 or 3 for GIF, got %d" % channels)
    _fail(op_, _wrong_op("GIF", op_.type))
    img = _open(op_, data)
    count = getattr(img, "n_frames", 1)
    if op_.type in ("DecodePng", "DecodeJpeg") and count > 1:
        _fail(op_, "Got %d frames, but animated gifs can only be decoded by tf.io.decode_gif "
                   "or tf.io.decode_image" % count)
    frames = []
    for i in range(count if animations else 1):
        img.seek(i)
        frames.append(_from_bytes(np.asarray(img.convert("RGB")), dtype))
    return np.stack(frames) if animations else frames[0]


def _pillow(kind):
    def decode(op_, data, channels, dtype, animations):
        if kind == "JPEG":
            _fail(op_, "" if channels != 4 else "JPEG does not support 4 channels")
        if kind != "PNG":  # (libpng's start fails first, then the op is refused)
            _fail(op_, _wrong_op(kind, op_.type))
        img = _open(op_, data)
        _fail(op_, _wrong_op(kind, op_.type))
        out = _frame(img, channels, dtype)
        return out[None] if op_.type == "DecodeGif" else out
    return decode


def decode_bmp_bytes(data, channels):
    """(height, width, channels) uint8 of a BMP file as TF's reader takes it; raises
    ValueError with TF's message for what it refuses."""
    if len(data) < 32:
        raise ValueError("Incomplete bmp content, requires at least 32 bytes to find the "
                         "header size, width, height, and bpp, got %d bytes" % len(data))
    offset, = struct.unpack_from("<i", data, 10)
    width, height = struct.unpack_from("<ii", data, 18)
    bpp, = struct.unpack_from("<h", data, 28)
    depth = int(bpp / 8)  # (C++ division truncates)
    if depth not in (1, 3, 4):
        raise ValueError("Number of channels inherent in the image must be 1, 3 or 4, was %d"
                         % depth)
    for bad, message in ((width <= 0, "Width must be positive"),
                         (height == 0, "Height must be nonzero"),
                         (offset < 0, "header size must be nonnegative"),
                         (width * abs(height) >= (2 ** 31 - 1) // 8,
                          "Total possible pixel bytes must be less than 2^30")):
        if bad:
            raise ValueError(message)
    rows = abs(height)
    row_size = (depth * width + 3) // 4 * 4
    diff = len(data) - offset - row_size * rows
    if diff:
        raise ValueError("Input size should match (header_size + row_size * abs_height) but "
                         "they differ by %d" % diff)
    pixels = np.frombuffer(data, np.uint8, row_size * rows, offset).reshape(rows, row_size)
    pixels = pixels[:, :depth * width].reshape(rows, width, depth)
    if height > 0:  # bottom-up rows
        pixels = pixels[::-1]
    want = channels or depth
    if depth == 1:
        out = np.repeat(pixels, 3, axis=2) if want >= 3 else pixels
    else:
        out = pixels[:, :, [2, 1, 0, 3][:depth]]  # BGR(A) -> RGB(A)
        out = out[:, :, :3] if want == 3 else out
    if want == 4 and out.shape[2] == 3:
        out = np.concatenate([out, np.full(out.shape[:2] + (1,), 255, np.uint8)], axis=2)
    return np.ascontiguousarray(out)


def _bmp(op_, data, channels, dtype, animations):
    _fail(op_, "" if channels != 1 else
          "`channels` must be 0, 3 or 4 for BMP, but got %d" % channels)
    _fail(op_, _wrong_op("BMP", op_.type))
    try:
        out = decode_bmp_bytes(data, channels)
    except ValueError as e:
        raise run_error(InvalidArgumentError, op_, str(e)) from None
    return _from_bytes(out, dtype)


_DECODERS = {"JPEG": _pillow("JPEG"), "PNG": _pillow("PNG"), "GIF": _gif, "BMP": _bmp,
             None: _pillow(None)}


def decode(op_, contents, channels, dtype, animations=False):
    """The decoded image of scalar string `contents` for op `op_` (its type picks TF's rules):
    (h, w, c), or (frames, h, w, c) for DecodeGif and an expanding DecodeImage."""
    if channels not in (0, 1, 3, 4):  # TF's kernels check the attribute before the bytes
        raise run_error(InvalidArgumentError, op_,
                        "`channels` must be 0, 1, 3 or 4 but got %d" % channels)
    data = np.asarray(contents, dtype=object).item()
    data = data if isinstance(data, bytes) else str(data).encode()
    _fail(op_, "" if data else "Input is empty.")
    return _DECODERS[_classify(data)](op_, data, channels, dtype, animations)
