"""LevelDB tables, TF's `.index` container: sorted string keys to string values.

Layout (TF's `lib/io/table_builder.cc`, itself LevelDB's): data blocks, an empty metaindex
block, an index block (one entry per data block: a separator key >= the block's last key and
< the next block's first key, value = varint block handle), then a 48-byte footer (two block
handles padded to 40 bytes + magic). A block holds prefix-compressed entries
`varint shared | varint unshared | varint value_len | key suffix | value`, then restart offsets
(uint32 each) and their count; every block is followed by a 1-byte compression type and the
masked crc32c of contents + type byte.

>>> data = build_table([(b"", b"h"), (b"a", b"1")])
>>> read_table(data)
[(b'', b'h'), (b'a', b'1')]
"""

import struct

import google_crc32c

from scopeflow import errors

MAGIC = 0xDB4775248B80FB57
FOOTER_SIZE = 48
BLOCK_SIZE = 262144  # TF's table::Options default
RESTART_INTERVAL = 16
_MASK_DELTA = 0xA282EAD8
_NO_COMPRESSION, _SNAPPY = 0, 1


# ---- checksums and varints ------------------------------------------------------------------
def crc32c(data, crc=0):
    """Plain crc32c of `data`, extending `crc`."""
    return google_crc32c.extend(crc, bytes(data))


def mask(crc):
    """TF's masked crc (rotate right 15, add a constant): stored crcs are masked."""
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def unmask(masked):
    rot = (masked - _MASK_DELTA) & 0xFFFFFFFF
    return ((rot >> 17) | (rot << 15)) & 0xFFFFFFFF


def put_varint(out, value):
    """Appends the little-endian base-128 varint of `value` to bytearray `out`."""
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def get_varint(buf, pos):
    """(value, next position) of the varint at `buf[pos:]`."""
    result = shift = 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise _corrupt("bad varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def _corrupt(detail):
    return errors.DataLossError(None, None, detail)  # (TF's table code: errors::DataLoss)


# ---- writing --------------------------------------------------------------------------------
class _BlockBuilder:
    def __init__(self, restart_interval):
        self._interval = restart_interval
        self.reset()

    def reset(self):
        self.buf = bytearray()
        self._restarts = [0]
        self._count = 0
        self._last = b""

    def add(self, key, value):
        shared = 0
        if self._count < self._interval:
            n = min(len(key), len(self._last))
            while shared < n and key[shared] == self._last[shared]:
                shared += 1
        else:
            self._restarts.append(len(self.buf))
            self._count = 0
        put_varint(self.buf, shared)
        put_varint(self.buf, len(key) - shared)
        put_varint(self.buf, len(value))
        self.buf += key[shared:]
        self.buf += value
        self._last = key
        self._count += 1

    def size_estimate(self):
        return len(self.buf) + 4 * len(self._restarts) + 4

    def finish(self):
        out = self.buf + b"".join(struct.pack("<I", r) for r in self._restarts)
        return bytes(out + struct.pack("<I", len(self._restarts)))

    empty = property(lambda self: not self.buf)


def shortest_separator(start, limit):
    """A short key k with start <= k < limit (LevelDB's bytewise FindShortestSeparator)."""
    n = min(len(start), len(limit))
    i = 0
    while i < n and start[i] == limit[i]:
        i += 1
    if i < n:
        b = start[i]
        if b < 0xFF and b + 1 < limit[i]:
            return start[:i] + bytes([b + 1])
    return start


def short_successor(key):
    """A short key >= `key` (LevelDB's FindShortSuccessor)."""
    for i, b in enumerate(key):
        if b != 0xFF:
            return key[:i] + bytes([b + 1])
    return key


def _handle(offset, size):
    out = bytearray()
    put_varint(out, offset)
    put_varint(out, size)
    return bytes(out)


class TableWriter:
    """Builds a table in memory from keys added in increasing order; `finish()` -> bytes."""

    def __init__(self, block_size=BLOCK_SIZE):
        self._block_size = block_size
        self._out = bytearray()
        self._data = _BlockBuilder(RESTART_INTERVAL)
        self._index = _BlockBuilder(1)
        self._last = None
        self._pending = None  # handle of the last data block, indexed once the next key is known

    def add(self, key, value):
        if self._last is not None and key <= self._last:
            raise ValueError("table keys must be added in increasing order: %r after %r"
                             % (key, self._last))
        if self._pending is not None:
            self._index.add(shortest_separator(self._last, key), self._pending)
            self._pending = None
        self._data.add(key, value)
        self._last = key
        if self._data.size_estimate() >= self._block_size:
            self._flush()

    def _flush(self):
        if self._data.empty:
            return
        self._pending = self._write_block(self._data)

    def _write_block(self, block):
        contents = block.finish() + bytes([_NO_COMPRESSION])
        handle = _handle(len(self._out), len(contents) - 1)
        self._out += contents + struct.pack("<I", mask(crc32c(contents)))
        block.reset()
        return handle

    def finish(self):
        self._flush()
        meta = self._write_block(_BlockBuilder(RESTART_INTERVAL))
        if self._pending is not None:
            self._index.add(short_successor(self._last), self._pending)
        index = self._write_block(self._index)
        footer = (meta + index).ljust(FOOTER_SIZE - 8, b"\0") + struct.pack("<Q", MAGIC)
        return bytes(self._out + footer)


def build_table(items):
    """Bytes of a table holding the sorted (key, value) pairs `items`."""
    w = TableWriter()
    for k, v in items:
        w.add(k, v)
    return w.finish()


# ---- reading --------------------------------------------------------------------------------
def _block_at(data, handle, pos=0):
    """(block contents, position after the handle) for the varint handle at `handle[pos:]`."""
    offset, pos = get_varint(handle, pos)
    size, pos = get_varint(handle, pos)
    end = offset + size
    if end + 5 > len(data):
        raise _corrupt("truncated block read")
    stored = struct.unpack_from("<I", data, end + 1)[0]
    if unmask(stored) != crc32c(data[offset:end + 1]):
        raise _corrupt("block checksum mismatch")
    kind = data[end]
    if kind == _NO_COMPRESSION:
        return data[offset:end], pos
    if kind == _SNAPPY:
        from scopeflow.checkpoint.snappy import decompress
        return memoryview(decompress(bytes(data[offset:end]))), pos
    raise _corrupt("bad block type")


def _block_entries(block):
    if len(block) < 4:
        raise _corrupt("bad block contents")
    num_restarts = struct.unpack_from("<I", block, len(block) - 4)[0]
    limit = len(block) - 4 - 4 * num_restarts
    pos, key = 0, b""
    while pos < limit:
        shared, pos = get_varint(block, pos)
        unshared, pos = get_varint(block, pos)
        vlen, pos = get_varint(block, pos)
        if shared > len(key) or pos + unshared + vlen > limit:
            raise _corrupt("bad entry in block")
        key = key[:shared] + bytes(block[pos:pos + unshared])
        pos += unshared
        yield key, bytes(block[pos:pos + vlen])
        pos += vlen


def read_table(data):
    """All (key, value) pairs of the table `data` (bytes), in key order."""
    data = memoryview(data)
    if len(data) < FOOTER_SIZE:
        raise _corrupt("file is too short to be an sstable")
    footer = data[len(data) - FOOTER_SIZE:]
    if struct.unpack_from("<Q", footer, FOOTER_SIZE - 8)[0] != MAGIC:
        raise _corrupt("not an sstable (bad magic number)")
    _, pos = _block_at(data, footer)  # metaindex: TF writes no filter, nothing to use
    index, _ = _block_at(data, footer, pos)
    out = []
    for _, handle in _block_entries(index):
        block, _ = _block_at(data, handle)
        out.extend(_block_entries(block))
    return out
