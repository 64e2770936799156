"""Tensor slices: partitioned variables stored as pieces of one full tensor.

A slice is a tuple of (start, length) per dimension, length -1 meaning the whole dimension.
Its spec string is TF's ("0,2:-"), a shape-and-slice string prefixes the full shape
("4 2 0,2:0,2"). Each stored piece lives under an OrderedCode-encoded key
(TF's `EncodeTensorNameSlice`), so pieces sort before every plain name.

>>> parse_shape_and_slice("4 2 2,2:-")
((4, 2), ((2, 2), (0, -1)))
"""

import numpy as np

from scopeflow import errors
from scopeflow.checkpoint.protos import TensorSliceProto

FULL = -1


def parse_shape_and_slice(text):
    """(full shape, slice) of a `shape_and_slices` string; ("", ...) means a plain tensor."""
    parts = text.split()
    if not parts:
        return None, None
    try:
        shape = tuple(int(p) for p in parts[:-1])
        spec = parse_slice(parts[-1], len(shape))
    except ValueError:
        raise errors.InvalidArgumentError(
            None, None, "Expected a shape followed by a slice spec, got: %r" % text) from None
    return shape, spec


def parse_slice(spec, rank):
    """Slice tuple of a spec string such as "0,2:-" for a tensor of `rank` dimensions."""
    if spec == "":
        return ((0, FULL),) * rank
    out = []
    for piece in spec.split(":"):
        if piece == "-":
            out.append((0, FULL))
        else:
            start, length = piece.split(",")
            out.append((int(start), int(length)))
    if len(out) != rank:
        raise ValueError("slice rank does not match shape")
    return tuple(out)


def slice_string(spec):
    """TF's text for a slice: "0,2:-"."""
    return ":".join("-" if n == FULL else "%d,%d" % (s, n) for s, n in spec)


def shape_and_slice_string(full_shape, spec):
    """`shape_and_slices` text for one piece: "4 2 0,2:0,2"."""
    return " ".join(str(d) for d in full_shape) + " " + slice_string(spec)


def is_full(spec, full_shape):
    """True when `spec` covers all of `full_shape` (TF's IsFullSlice)."""
    return all(n == FULL or (s == 0 and n == d) for (s, n), d in zip(spec, full_shape))


def to_proto(spec):
    proto = TensorSliceProto()
    for start, length in spec:
        e = proto.extent.add()
        if length != FULL:  # a whole dimension is an empty extent
            e.start = start
            e.length = length
    return proto


def from_proto(proto):
    return tuple((e.start, e.length) if e.HasField("length") else (0, FULL)
                 for e in proto.extent)


def index(spec, full_shape):
    """NumPy index selecting `spec` out of a tensor of `full_shape`."""
    return tuple(slice(0, d) if n == FULL else slice(s, s + n)
                 for (s, n), d in zip(spec, full_shape))


def piece_shape(spec, full_shape):
    return tuple(d if n == FULL else n for (_, n), d in zip(spec, full_shape))


def assemble(full_shape, dtype, pieces):
    """The full tensor from [(slice, array)]; InvalidArgumentError if they do not cover it."""
    out = np.zeros(full_shape, dtype)
    covered = np.zeros(full_shape, bool)
    for spec, value in pieces:
        idx = index(spec, full_shape)
        out[idx] = value
        covered[idx] = True
    if not covered.all():
        return None
    return out


# ---- OrderedCode keys -----------------------------------------------------------------------
def _num_increasing(val):
    body = val.to_bytes((val.bit_length() + 7) // 8, "big")
    return bytes([len(body)]) + body


def _string(s):
    """OrderedCode string: 0x00 -> 00 ff, 0xff -> ff 00, then the 00 01 separator."""
    out = bytearray()
    for b in s:
        if b == 0:
            out += b"\x00\xff"
        elif b == 0xFF:
            out += b"\xff\x00"
        else:
            out.append(b)
    return bytes(out) + b"\x00\x01"


# (encoded length) -> header bits xored into the first two bytes
_HEADER = {1: (0x80, 0), 2: (0xC0, 0), 3: (0xE0, 0), 4: (0xF0, 0), 5: (0xF8, 0), 6: (0xFC, 0),
           7: (0xFE, 0), 8: (0xFF, 0), 9: (0xFF, 0x80), 10: (0xFF, 0xC0)}


def _signed_increasing(val):
    x = ~val if val < 0 else val
    if x < 64:
        return bytes([(0x80 ^ val) & 0xFF])
    length = x.bit_length() // 7 + 1  # n bytes hold numbers in [-2^(7n-1), 2^(7n-1))
    buf = bytearray((val & ((1 << 80) - 1)).to_bytes(10, "big"))[10 - length:]
    h0, h1 = _HEADER[length]
    buf[0] ^= h0
    buf[1] ^= h1
    return bytes(buf)


def slice_key(name, spec):
    """The table key of one stored piece of tensor `name` (TF's EncodeTensorNameSlice)."""
    out = _num_increasing(0) + _string(name.encode()) + _num_increasing(len(spec))
    for start, length in spec:
        out += _signed_increasing(start) + _signed_increasing(length)
    return out
