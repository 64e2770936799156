"""Snappy decompression for table blocks written compressed (older TF `.index` files).

Format: varint uncompressed length, then elements whose tag's low 2 bits say literal (0) or
copy with a 1-, 2- or 4-byte offset (1, 2, 3).

>>> decompress(bytes([3, 8]) + b"abc")
b'abc'
"""

from scopeflow import errors


def _fail(detail):  # (`detail`: what was wrong, for a reader of this code; TF says no more)
    return errors.DataLossError(None, None, "corrupted compressed block contents")


def _literal(src, pos, tag):
    n = tag >> 2
    if n >= 60:  # length-1 stored in the next (n - 59) bytes
        extra = n - 59
        n = int.from_bytes(src[pos:pos + extra], "little")
        pos += extra
    n += 1
    if pos + n > len(src):
        raise _fail("literal runs past the end")
    return src[pos:pos + n], pos + n


def _copy(src, pos, tag):
    kind = tag & 3
    if kind == 1:
        return 4 + ((tag >> 2) & 7), ((tag >> 5) << 8) | src[pos], pos + 1
    width = 2 if kind == 2 else 4
    return (tag >> 2) + 1, int.from_bytes(src[pos:pos + width], "little"), pos + width


def decompress(src):
    """The bytes that snappy-compressed `src` stands for."""
    size = shift = pos = 0
    while True:
        b = src[pos]
        pos += 1
        size |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            break
    out = bytearray()
    while pos < len(src):
        tag = src[pos]
        pos += 1
        if tag & 3 == 0:
            lit, pos = _literal(src, pos, tag)
            out += lit
            continue
        length, offset, pos = _copy(src, pos, tag)
        if offset == 0 or offset > len(out):
            raise _fail("bad copy offset")
        start = len(out) - offset
        if offset >= length:
            out += out[start:start + length]
        else:  # the copy overlaps its own output: a repeating pattern
            for i in range(length):
                out.append(out[start + i])
    if len(out) != size:
        raise _fail("length mismatch")
    return bytes(out)
