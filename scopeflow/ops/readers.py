"""TF1's readers: `tf.TFRecordReader`, `tf.TextLineReader`, `tf.WholeFileReader`,
`tf.IdentityReader`, as host ops that take file names from a queue.

A reader keeps its place in the current file (its "work unit") between runs; when a file is
done it dequeues the next name from the queue (TF's OutOfRangeError once the queue is closed
and empty). Keys are TF's: "file:offset" (TFRecord), "file:line" (TextLine), the file name
(WholeFile), the work string itself (Identity).

>>> import scopeflow as tf
>>> r = tf.TFRecordReader()
>>> q = tf.FIFOQueue(2, tf.string)
>>> [t.name for t in r.read(q)]
['ReaderReadV2:0', 'ReaderReadV2:1']
"""

import gzip
import threading
import zlib

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow import errors
from scopeflow.core.shape import TensorShape
from scopeflow.lowering.context import run_error
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops import queue_state as qs
from scopeflow.ops.registry import ANY, op
from scopeflow.summary import records

__all__ = ["FixedLengthRecordReader", "IdentityReader", "ReaderBase", "TFRecordReader",
           "TextLineReader", "WholeFileReader"]

_SCALAR = TensorShape([])
_VECTOR = TensorShape([None])


def _host_only(*args, **attrs):
    raise NotImplementedError("reader ops run on the host, not in a compiled program")


def _reader_op(op_type):
    def creator(*, container="", shared_name="", compression_type="", skip_header_lines=0,
                header_bytes=0, record_bytes=0, footer_bytes=0, hop_bytes=0, encoding=""):
        _host_only()

    creator.__name__ = op_type
    return op(op_type, infer=lambda **a: [(_SCALAR, _dt.resource)], stateful=True)(creator)


_tfrecord_reader_v2 = _reader_op("TFRecordReaderV2")
_text_line_reader_v2 = _reader_op("TextLineReaderV2")
_whole_file_reader_v2 = _reader_op("WholeFileReaderV2")
_identity_reader_v2 = _reader_op("IdentityReaderV2")
_fixed_length_reader_v2 = _reader_op("FixedLengthRecordReaderV2")

_HANDLES = {"reader_handle": ANY, "queue_handle": ANY}


@op("ReaderReadV2", infer=lambda r, q: [(_SCALAR, _dt.string)] * 2, types=_HANDLES,
    stateful=True, multi=True)
def _reader_read_v2(reader_handle, queue_handle):
    _host_only()


@op("ReaderReadUpToV2", infer=lambda r, q, n: [(_VECTOR, _dt.string)] * 2,
    types=dict(_HANDLES, num_records=_dt.int64), stateful=True, multi=True)
def _reader_read_up_to_v2(reader_handle, queue_handle, num_records):
    _host_only()


def _counter_op(op_type):
    def counter(reader_handle):
        _host_only()

    counter.__name__ = op_type
    return op(op_type, infer=lambda r: [(_SCALAR, _dt.int64)], types=_HANDLES,
              stateful=True)(counter)


_num_records_produced_v2 = _counter_op("ReaderNumRecordsProducedV2")
_num_work_units_completed_v2 = _counter_op("ReaderNumWorkUnitsCompletedV2")


@op("ReaderResetV2", infer=lambda r: [], types=_HANDLES, stateful=True)
def _reader_reset_v2(reader_handle):
    _host_only()


# ---- the Python API ---------------------------------------------------------------------------
class ReaderBase:
    """TF's reader base: `read`, `read_up_to` and the counters over one reader resource."""

    def __init__(self, reader_ref, supports_serialize=False):
        self._reader_ref = reader_ref
        self._supports_serialize = supports_serialize

    reader_ref = property(lambda self: self._reader_ref)
    supports_serialize = property(lambda self: self._supports_serialize)

    def read(self, queue, name=None):
        """(key, value) of the next record, taking file names from `queue` as needed."""
        ref = queue if hasattr(queue, "op") and not hasattr(queue, "queue_ref") \
            else queue.queue_ref
        return tuple(_reader_read_v2(self._reader_ref, ref, name=name))

    def read_up_to(self, queue, num_records, name=None):
        """Up to `num_records` (keys, values), from one file at a time."""
        ref = queue if hasattr(queue, "op") and not hasattr(queue, "queue_ref") \
            else queue.queue_ref
        return tuple(_reader_read_up_to_v2(self._reader_ref, ref, num_records, name=name))

    def num_records_produced(self, name=None):
        return _num_records_produced_v2(self._reader_ref, name=name)

    def num_work_units_completed(self, name=None):
        return _num_work_units_completed_v2(self._reader_ref, name=name)

    def reset(self, name=None):
        return _reader_reset_v2(self._reader_ref, name=name)

    def serialize_state(self, name=None):
        raise errors.UnimplementedError(None, None, "Reader SerializeState is not supported")

    def restore_state(self, state, name=None):
        raise errors.UnimplementedError(None, None, "Reader RestoreState is not supported")


class TFRecordReader(ReaderBase):
    """`tf.TFRecordReader(name=None, options=None)`: the records of TFRecord files."""

    def __init__(self, name=None, options=None):
        kind = records.TFRecordOptions.get_compression_type_string(options) or ""
        super().__init__(_tfrecord_reader_v2(name=name, container="", shared_name="",
                                              compression_type=kind))


class TextLineReader(ReaderBase):
    """`tf.TextLineReader(skip_header_lines=None)`: the lines of text files."""

    def __init__(self, skip_header_lines=None, name=None):
        super().__init__(_text_line_reader_v2(name=name, skip_header_lines=skip_header_lines or 0,
                                              container="", shared_name=""))


class WholeFileReader(ReaderBase):
    """`tf.WholeFileReader()`: each file's name and whole contents."""

    def __init__(self, name=None):
        super().__init__(_whole_file_reader_v2(name=name, container="", shared_name=""),
                         supports_serialize=True)


class FixedLengthRecordReader(ReaderBase):
    """`tf.FixedLengthRecordReader(record_bytes, header_bytes, footer_bytes, hop_bytes)`:
    fixed-size records between a header and a footer (CIFAR-10's binary files)."""

    def __init__(self, record_bytes, header_bytes=None, footer_bytes=None, hop_bytes=None,
                 name=None, encoding=None):
        super().__init__(_fixed_length_reader_v2(
            name=name, record_bytes=record_bytes, header_bytes=header_bytes or 0,
            footer_bytes=footer_bytes or 0, hop_bytes=hop_bytes or 0, container="",
            shared_name="", encoding=encoding or ""))


class IdentityReader(ReaderBase):
    """`tf.IdentityReader()`: each work string as both key and value."""

    def __init__(self, name=None):
        super().__init__(_identity_reader_v2(name=name, container="", shared_name=""),
                         supports_serialize=True)


# ---- run time ---------------------------------------------------------------------------------
class ReaderState:
    """A reader's place: the current work unit and its records (a generator of (key, value))."""

    def __init__(self, records_of):
        self.records_of = records_of  # work string -> iterator of (key, value)
        self.lock = threading.Lock()
        self.current = None
        self.produced = 0
        self.completed = 0

    def read(self, op, queue, n, up_to):
        keys, values = [], []
        with self.lock:
            while not keys:
                if self.current is None:
                    try:
                        work = queue.dequeue(op)[0]
                    except errors.OutOfRangeError:
                        if up_to and keys:
                            break
                        raise
                    self.current = self._open(op, _text(work))
                while len(keys) < n:
                    item = self._next(op)
                    if item is None:
                        self.current = None
                        self.completed += 1
                        break
                    keys.append(item[0])
                    values.append(item[1])
                if not up_to and keys:
                    break
        self.produced += len(keys)
        return keys, values

    def _open(self, op, work):
        try:
            return iter(self.records_of(work))
        except errors.OpError as e:
            raise run_error(type(e), op, e.message) from None

    def _next(self, op):
        try:
            return next(self.current, None)
        except errors.OpError as e:
            self.current = _Failed(e)
            raise run_error(type(e), op, e.message) from None

    def reset(self):
        with self.lock:
            self.current = None
            self.produced = self.completed = 0


class _Failed:
    """A work unit whose read failed: TF's reader keeps its place at the failing record (the
    work unit is not finished), so every later read fails the same way."""

    def __init__(self, error):
        self.error = error

    def __iter__(self):
        return self

    def __next__(self):
        raise self.error


def _text(work):
    if isinstance(work, np.ndarray):
        work = work.item()
    return work.decode() if isinstance(work, bytes) else str(work)


def _open_file(path):
    try:
        return open(path, "rb")
    except OSError as e:
        raise errors.NotFoundError(None, None, "%s; %s" % (path, e.strerror)) from None


# Each `records_of` opens its file at once (a missing file fails the work unit's start, and
# TF's reader then moves on to the next one) and returns the generator of its records.
def _tfrecords(kind):
    def records_of(path):
        raw = _open_file(path)
        return _keyed_records(path, records._records(raw, kind))

    return records_of


def _keyed_records(path, items):
    offset = 0
    for data in items:
        yield ("%s:%d" % (path, offset)).encode(), data
        offset += 16 + len(data)


def _lines(skip):
    def records_of(path):
        with _open_file(path) as f:
            data = f.read()
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        return ((("%s:%d" % (path, i + 1)).encode(), line.rstrip(b"\r"))
                for i, line in enumerate(lines) if i >= skip)

    return records_of


def _whole_file(path):  # TF reads the file in the read itself: a failure repeats
    with _open_file(path) as f:
        yield path.encode(), f.read()


def _fixed_length(a):
    header, size = a.get("header_bytes", 0), a["record_bytes"]
    footer, hop = a.get("footer_bytes", 0), a.get("hop_bytes", 0) or a["record_bytes"]
    encoding = _text(a.get("encoding") or "")

    def records_of(path):
        with _open_file(path) as f:
            return _fixed_records(path, f.read())

    def _fixed_records(path, data):
        if encoding == "GZIP":
            data = gzip.decompress(data)
        elif encoding == "ZLIB":
            data = zlib.decompress(data)
        body = data[header:len(data) - footer]
        start, i = 0, 0
        while start + size <= len(body):
            yield ("%s:%d" % (path, i)).encode(), body[start:start + size]
            start, i = start + hop, i + 1

    return records_of


def _identity(work):
    yield work.encode(), work.encode()


def _creator(make):
    def kernel(ctx, op):
        return [qs.get_or_create(ctx, op, lambda name: ReaderState(make(op._attrs)))]

    return kernel


host_kernel("TFRecordReaderV2")(_creator(
    lambda a: _tfrecords(_text(a.get("compression_type") or ""))))
host_kernel("TextLineReaderV2")(_creator(lambda a: _lines(a.get("skip_header_lines", 0))))
host_kernel("WholeFileReaderV2")(_creator(lambda a: _whole_file))
host_kernel("IdentityReaderV2")(_creator(lambda a: _identity))
host_kernel("FixedLengthRecordReaderV2")(_creator(_fixed_length))


def _strings(items):
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


@host_kernel("ReaderReadV2", blocking=True)
def _read(ctx, op, reader, queue):
    keys, values = reader.read(op, queue, 1, False)
    return [np.asarray(keys[0], dtype=object), np.asarray(values[0], dtype=object)]


@host_kernel("ReaderReadUpToV2", blocking=True)
def _read_up_to(ctx, op, reader, queue, n):
    n = int(n)
    if n <= 0:
        raise run_error(errors.InvalidArgumentError, op, "num_records must be positive, "
                        "received %d" % n)
    keys, values = reader.read(op, queue, n, True)
    return [_strings(keys), _strings(values)]


@host_kernel("ReaderNumRecordsProducedV2")
def _produced(ctx, op, reader):
    return [np.asarray(reader.produced, np.int64)]


@host_kernel("ReaderNumWorkUnitsCompletedV2")
def _completed(ctx, op, reader):
    return [np.asarray(reader.completed, np.int64)]


@host_kernel("ReaderResetV2")
def _reset(ctx, op, reader):
    reader.reset()
    return []
