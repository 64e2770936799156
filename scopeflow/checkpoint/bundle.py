"""TF's V2 tensor bundle: `<prefix>.index` (a table of BundleEntryProto) + `<prefix>.data-*`.

The index maps "" to a BundleHeaderProto and every tensor name to its dtype, shape, data shard,
byte offset, size and masked crc32c. Numeric tensors are stored as raw little-endian bytes;
strings as varint64 lengths, a masked crc32c of the lengths (as uint32), then the bytes.
Partitioned tensors keep one entry under their name (full shape + slice list, no data) and one
entry per piece under an OrderedCode key (slices.slice_key).

>>> import os, tempfile, numpy as np
>>> prefix = os.path.join(tempfile.mkdtemp(), "model")
>>> write_bundle(prefix, {"w": np.arange(3, dtype=np.float32)})
>>> BundleReader(prefix).lookup("w")
array([0., 1., 2.], dtype=float32)
"""

import os
import struct
import sys

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow import errors
from scopeflow.checkpoint import protos, slices
from scopeflow.checkpoint.table import (
    TableWriter,
    crc32c,
    get_varint,
    mask,
    put_varint,
    read_table,
    unmask,
)

BUNDLE_VERSION = 1  # kTensorBundleVersion
HEADER_KEY = b""


def data_filename(prefix, shard, num_shards):
    return "%s.data-%05d-of-%05d" % (prefix, shard, num_shards)


def index_filename(prefix):
    return prefix + ".index"


def temp_file(path):
    """(fd, name) of a new temp file beside `path` (`<path>.tempstate<n>`, as TF names them),
    created with mode 0666 less the process umask, as TF creates files (mkstemp's are 0600)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = "%s.tempstate%d" % (path, int.from_bytes(os.urandom(8), "little"))
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError("no free temporary name beside %s" % path)


def atomic_write(path, data):
    """Writes `data` to `path` through a temp file in the same folder: fsync, then rename."""
    fd, tmp = temp_file(path)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


# ---- encoding -------------------------------------------------------------------------------
def _as_bytes(x):
    return x if isinstance(x, bytes) else str(x).encode()


def encode_strings(values):
    """Data-file bytes and crc32c (unmasked) of a string tensor, as TF's WriteStringTensor."""
    items = [_as_bytes(x) for x in np.asarray(values, dtype=object).reshape(-1)]
    lengths = bytearray()
    crc = 0
    for s in items:
        put_varint(lengths, len(s))
        crc = crc32c(struct.pack("<I", len(s)) if len(s) <= 0xFFFFFFFF
                     else struct.pack("<Q", len(s)), crc)
    length_crc = struct.pack("<I", mask(crc))
    crc = crc32c(length_crc, crc)
    body = b"".join(items)
    return bytes(lengths) + length_crc + body, crc32c(body, crc)


def decode_strings(buf, count):
    """(object array of `count` bytes values, crc32c) from a string tensor's data bytes."""
    out = np.empty(count, dtype=object)
    if not len(buf):
        return out, 0
    pos, crc, lengths = 0, 0, []
    for _ in range(count):
        n, pos = get_varint(buf, pos)
        lengths.append(n)
        crc = crc32c(struct.pack("<I", n) if n <= 0xFFFFFFFF else struct.pack("<Q", n), crc)
    stored = struct.unpack_from("<I", buf, pos)[0]
    if unmask(stored) != crc:
        raise errors.DataLossError(None, None, "The length checksum does not match: expected "
                                   "%08d but actual is %08d" % (unmask(stored), crc))
    crc = crc32c(buf[pos:pos + 4], crc)
    pos += 4
    crc = crc32c(buf[pos:pos + sum(lengths)], crc)
    for i, n in enumerate(lengths):
        out[i] = bytes(buf[pos:pos + n])
        pos += n
    return out, crc


def _encode(value, dtype):
    if dtype is _dt.string:
        return encode_strings(value)
    raw = _swap(np.ascontiguousarray(value, dtype=np.dtype(dtype.as_numpy_dtype)),
                sys.byteorder == "big").tobytes()
    return raw, crc32c(raw)


def _swap(arr, swap):
    """`arr` with its bytes reversed per element when `swap` (files are little-endian)."""
    if not swap or arr.dtype.itemsize == 1:
        return arr
    width = arr.dtype.itemsize // (2 if arr.dtype.kind == "c" else 1)
    raw = arr.view("u%d" % width).byteswap()
    return raw.view(arr.dtype)


def _dtype_of(value):
    arr = np.asarray(value)
    if arr.dtype.kind in "SUO":
        return _dt.string
    return _dt.as_dtype(arr.dtype)


# ---- writing --------------------------------------------------------------------------------
class BundleWriter:
    """Streams tensors into a temp data file; `finish()` renames it and writes the `.index`.

    >>> w = BundleWriter("/tmp/x")  # doctest: +SKIP
    >>> w.add("w", np.ones(2, np.float32)); w.finish()  # doctest: +SKIP
    """

    def __init__(self, prefix):
        self._prefix = prefix
        self._entries = {}
        self._size = 0
        folder = os.path.dirname(prefix)
        if folder:
            os.makedirs(folder, exist_ok=True)
        fd, self._tmp = temp_file(data_filename(prefix, 0, 1))
        self._file = os.fdopen(fd, "wb")

    def add(self, key, value, dtype=None):
        """Adds the whole tensor `value` under `key`."""
        key = _as_bytes(key)
        if key == HEADER_KEY:
            raise ValueError("the empty key holds the bundle header")
        if key in self._entries:
            raise errors.InvalidArgumentError(None, None, "Adding duplicate key: %s"
                                              % key.decode("utf-8", "replace"))
        dtype = _dt.as_dtype(dtype).base_dtype if dtype is not None else _dtype_of(value)
        raw, crc = _encode(value, dtype)
        entry = self._entries[key] = protos.BundleEntryProto(
            dtype=dtype.as_datatype_enum, offset=self._size, size=len(raw), crc32c=mask(crc))
        entry.shape.SetInParent()  # TF always writes the shape, even a scalar's empty one
        for d in np.shape(value):
            entry.shape.dim.add(size=d)
        self._file.write(raw)
        self._size += len(raw)

    def add_slice(self, name, full_shape, spec, value, dtype=None):
        """Adds one piece `value` (the slice `spec` of a tensor of `full_shape`) of `name`."""
        if slices.is_full(spec, full_shape):
            return self.add(name, value, dtype)
        dtype = _dt.as_dtype(dtype).base_dtype if dtype is not None else _dtype_of(value)
        key = _as_bytes(name)
        full = self._entries.get(key)
        if full is None:
            full = self._entries[key] = protos.BundleEntryProto(dtype=dtype.as_datatype_enum)
            for d in full_shape:
                full.shape.dim.add(size=d)
        elif full.dtype != dtype.as_datatype_enum or not full.slices:
            raise errors.InvalidArgumentError(None, None, "Adding duplicate key: %s" % name)
        full.slices.append(slices.to_proto(spec))
        self.add(slices.slice_key(name, spec), value, dtype)

    def abort(self):
        """Drops what was written (the temp data file)."""
        if not self._file.closed:
            self._file.close()
        if os.path.exists(self._tmp):
            os.remove(self._tmp)

    def finish(self):
        """Syncs and renames the data file, then writes the index; the bundle is complete."""
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.replace(self._tmp, data_filename(self._prefix, 0, 1))
        except BaseException:
            self.abort()
            raise
        header = protos.BundleHeaderProto(num_shards=1)
        header.version.producer = BUNDLE_VERSION
        table = TableWriter()
        table.add(HEADER_KEY, header.SerializeToString())
        for key in sorted(self._entries):
            table.add(key, self._entries[key].SerializeToString())
        atomic_write(index_filename(self._prefix), table.finish())


def write_bundle(prefix, tensors):
    """Writes {name: array} as a bundle at `prefix`."""
    w = BundleWriter(prefix)
    try:
        for name in sorted(tensors):
            w.add(name, tensors[name])
    except BaseException:
        w.abort()
        raise
    w.finish()


# ---- reading --------------------------------------------------------------------------------
class BundleReader:
    """Reads a bundle: `lookup(name)`, `entries()`, `dtype_and_shape(name)`, `contains`."""

    def __init__(self, prefix):
        self._prefix = prefix
        path = index_filename(prefix)
        try:
            with open(path, "rb") as f:
                items = read_table(f.read())
        except FileNotFoundError:
            raise errors.NotFoundError(None, None, "%s; No such file or directory"
                                       % path) from None
        if not items or items[0][0] != HEADER_KEY:
            raise errors.InternalError(None, None, "Unable to read file (%s). Perhaps the file "
                                       "is corrupt or was produced by a newer version of "
                                       "TensorFlow with format changes (failed to seek to "
                                       "header entry)" % path)
        header = protos.BundleHeaderProto.FromString(items[0][1])
        self._num_shards = header.num_shards
        self._big_endian = header.endianness == 1
        self._entries = dict(items[1:])

    def names(self):
        """Names of whole tensors (slice pieces, whose keys start with 0x00, left out)."""
        return [k.decode("utf-8", "replace") for k in self._entries if not k.startswith(b"\0")]

    def raw_keys(self):
        """Every stored key (bytes), slice pieces included, in table order."""
        return list(self._entries)

    def contains(self, name):
        return _as_bytes(name) in self._entries

    def entry(self, name):
        raw = self._entries.get(_as_bytes(name))
        if raw is None:
            raise errors.NotFoundError(None, None, "Key %s not found in checkpoint" % (
                name if isinstance(name, str) else name.decode("utf-8", "replace")))
        return protos.BundleEntryProto.FromString(raw)

    def dtype_and_shape(self, name):
        e = self.entry(name)
        return _dt.as_dtype(e.dtype), tuple(d.size for d in e.shape.dim)

    def lookup(self, name):
        """The whole tensor `name` as a NumPy array (pieces of a partitioned one joined)."""
        e = self.entry(name)
        if not e.slices:
            return self._value(name, e)
        shape = tuple(d.size for d in e.shape.dim)
        pieces = [(spec, self._value(name, self.entry(slices.slice_key(name, spec))))
                  for spec in map(slices.from_proto, e.slices)]
        dtype = _dt.as_dtype(e.dtype)
        out = slices.assemble(shape, np.dtype(dtype.as_numpy_dtype), pieces)
        if out is None:
            raise errors.InvalidArgumentError(
                None, None, "Does not have sufficient slices for partitioned tensor %s to "
                "restore in slice_spec: %s" % (name, slices.slice_string(
                    ((0, slices.FULL),) * len(shape))))
        return out

    def lookup_slice(self, name, full_shape, spec):
        """The piece `spec` of tensor `name`, whatever pieces it was stored in."""
        return self.lookup(name)[slices.index(spec, full_shape)]

    def _read(self, e):
        """The `e.size` data bytes of entry `e`, read from its shard (files are not kept open)."""
        path = data_filename(self._prefix, e.shard_id, self._num_shards)
        try:
            with open(path, "rb") as f:
                f.seek(e.offset)
                return f.read(e.size)
        except FileNotFoundError:
            raise errors.NotFoundError(None, None, "%s; No such file or directory"
                                       % path) from None

    def _value(self, name, e):
        dtype = _dt.as_dtype(e.dtype)
        shape = tuple(d.size for d in e.shape.dim)
        buf = memoryview(self._read(e))
        if len(buf) != e.size:
            raise errors.OutOfRangeError(None, None, "Read less bytes than requested")
        if dtype is _dt.string:
            value, crc = decode_strings(buf, int(np.prod(shape, dtype=np.int64)))
            value = value.reshape(shape)
        else:
            value, crc = self._numeric(name, buf, dtype, shape, e), crc32c(buf)
        if unmask(e.crc32c) != crc:
            raise errors.DataLossError(
                None, None, "TensorBundle at %s shard %d (%d bytes): Checksum does not match: "
                "stored %08d vs. calculated on the restored bytes %d"
                % (self._prefix, e.shard_id, e.size, unmask(e.crc32c), crc))
        return value

    def _numeric(self, name, buf, dtype, shape, e):
        np_type = np.dtype(dtype.as_numpy_dtype)
        count = int(np.prod(shape, dtype=np.int64))
        if e.size != count * np_type.itemsize:
            raise errors.DataLossError(None, None, "Invalid size in bundle entry: key %s; stored "
                                       "size %d; expected size %d"
                                       % (name, e.size, count * np_type.itemsize))
        arr = np.frombuffer(buf, dtype=np_type, count=count).reshape(shape).copy()
        return _swap(arr, self._big_endian != (sys.byteorder == "big"))
