"""TFRecord files: `tf.io.TFRecordWriter`, `tf.io.tf_record_iterator`, `tf.train.summary_iterator`.

A record is its length (uint64), the masked CRC-32C of the length, the bytes, and their masked
CRC-32C, little-endian; a file may be GZIP or ZLIB compressed as a whole. Event files (what
FileWriter writes) are TFRecord files of Event protos.

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "r")
>>> with TFRecordWriter(path) as w:
...     w.write(b"hello")
>>> list(tf_record_iterator(path))
[b'hello']
"""

import struct
import zlib

import google_crc32c

from scopeflow import errors


class TFRecordCompressionType:
    """How a whole TFRecord file is compressed."""

    NONE = 0
    ZLIB = 1
    GZIP = 2


_NAMES = {TFRecordCompressionType.NONE: "", TFRecordCompressionType.ZLIB: "ZLIB",
          TFRecordCompressionType.GZIP: "GZIP"}


class TFRecordOptions:
    """`tf.io.TFRecordOptions`: the compression of a TFRecord file."""

    compression_type_map = dict(_NAMES)

    def __init__(self, compression_type=None, flush_mode=None, input_buffer_size=None,
                 output_buffer_size=None, window_bits=None, compression_level=None,
                 compression_method=None, mem_level=None, compression_strategy=None):
        if compression_type is None:
            compression_type = TFRecordCompressionType.NONE
        if isinstance(compression_type, str):
            compression_type = {v: k for k, v in _NAMES.items()}.get(compression_type,
                                                                      compression_type)
        if compression_type not in _NAMES:
            raise ValueError('compression_type must be one of "", "ZLIB", "GZIP", or None, '
                             "got %r" % (compression_type,))
        self.compression_type = compression_type
        self.compression_level = compression_level

    @classmethod
    def get_compression_type_string(cls, options):
        """"" / "ZLIB" / "GZIP" for options given as TFRecordOptions, a name or None."""
        if not options:
            return ""
        if isinstance(options, TFRecordOptions):
            return _NAMES[options.compression_type]
        if isinstance(options, int) and options in _NAMES:
            return _NAMES[options]
        return _NAMES[TFRecordOptions(options).compression_type]


def _masked_crc(data):
    crc = google_crc32c.value(data)
    return (((crc >> 15) | (crc << 17)) + 0xa282ead8) & 0xffffffff


class TFRecordWriter:
    """`tf.io.TFRecordWriter(path, options)`: appends records to a new file at `path`.

    Records stream to the file as TF's writer does (a reader sees them after `flush`).
    """

    def __init__(self, path, options=None):
        kind = TFRecordOptions.get_compression_type_string(options)
        level = getattr(options, "compression_level", None)
        level = 6 if level is None or level < 0 else level
        try:
            raw = open(path, "wb")
        except OSError as e:
            raise errors.NotFoundError(None, None, "%s; %s" % (path, e.strerror)) from None
        self._raw = raw
        if kind == "GZIP":
            # zlib's own gzip wrapper, as TF's: the same header bytes (no name, OS 3)
            self._out = _ZlibWriter(raw, level, wbits=31)
        elif kind == "ZLIB":
            self._out = _ZlibWriter(raw, level)
        else:
            self._out = raw

    def write(self, record):
        if self._out is None:
            raise errors.FailedPreconditionError(None, None, "Writer is closed.")
        if isinstance(record, str):
            record = record.encode()
        header = struct.pack("<Q", len(record))
        self._out.write(header + struct.pack("<I", _masked_crc(header)) + record
                        + struct.pack("<I", _masked_crc(record)))

    def flush(self):
        if self._out is not None:
            self._out.flush()
            self._raw.flush()

    def close(self):
        if self._out is None:
            return
        if self._out is not self._raw:
            self._out.close()  # the compressor's last bytes
        self._raw.close()
        self._out = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


class _ZlibWriter:
    def __init__(self, raw, level, wbits=zlib.MAX_WBITS):
        self._raw = raw
        self._z = zlib.compressobj(level, zlib.DEFLATED, wbits)

    def write(self, data):
        self._raw.write(self._z.compress(data))

    def flush(self):
        self._raw.write(self._z.flush(zlib.Z_SYNC_FLUSH))

    def close(self):
        self._raw.write(self._z.flush())


def tf_record_iterator(path, options=None):
    """`tf.io.tf_record_iterator`: the records of a TFRecord file, as bytes.

    A damaged file raises TF's DataLossError ("corrupted record at N", "truncated record
    at N") when the iteration reaches the damage.
    """
    kind = TFRecordOptions.get_compression_type_string(options)
    try:
        raw = open(path, "rb")
    except OSError as e:
        raise errors.NotFoundError(None, None, "%s; %s" % (path, e.strerror)) from None
    return _records(raw, kind)


def _records(raw, kind):
    if not kind:
        return _plain_records(raw)
    return _stream_records(raw, kind)


_BLOCK = 1 << 22


def _plain_records(raw):
    """The records of an uncompressed file, read in blocks of 4 MiB (the same checks and
    errors as `_stream_records`, fewer calls per record)."""
    unpack, crc = struct.unpack_from, _masked_crc
    with raw:
        buf, pos, offset = b"", 0, 0
        while True:
            if len(buf) - pos < 12:
                buf, pos = buf[pos:] + raw.read(max(_BLOCK, 12)), 0
                if len(buf) < 12:  # the end (TF reads a partial header as the end too)
                    return
            header = buf[pos:pos + 8]
            if unpack("<I", buf, pos + 8)[0] != crc(header):
                raise errors.DataLossError(None, None, "corrupted record at %d%s" % (
                    offset, " (Is this even a TFRecord file?)" if offset == 0 else ""))
            length = unpack("<Q", header)[0]
            end = pos + 12 + length + 4
            if end > len(buf):
                buf, pos = buf[pos:] + raw.read(max(_BLOCK, end - pos - len(buf) + pos)), 0
                end = 12 + length + 4
                if end > len(buf):
                    raise errors.DataLossError(None, None, "truncated record at %d' failed "
                                               "with Read less bytes than requested" % offset)
            data = buf[pos + 12:end - 4]
            if unpack("<I", buf, end - 4)[0] != crc(data):
                raise errors.DataLossError(None, None, "corrupted record at %d" % (offset + 12))
            yield data
            offset += 16 + length
            pos = end


def _stream_records(raw, kind):
    with raw:
        # zlib inflates both compressed kinds, as in TF: the same errors for damaged streams
        stream = _ZlibReader(raw, 31 if kind == "GZIP" else zlib.MAX_WBITS) if kind else raw
        short = "EOF reached" if kind else "Read less bytes than requested"
        offset = 0
        while True:
            header = _read(stream, 12, offset)
            if len(header) < 12:  # the end (TF reads a partial header as the end too)
                return
            if struct.unpack("<I", header[8:])[0] != _masked_crc(header[:8]):
                raise errors.DataLossError(None, None, "corrupted record at %d%s" % (
                    offset, " (Is this even a TFRecord file?)" if offset == 0 else ""))
            length = struct.unpack("<Q", header[:8])[0]
            body = _read(stream, length + 4, offset)
            if len(body) < length + 4:
                raise errors.DataLossError(None, None, "truncated record at %d' failed with %s"
                                           % (offset, short))
            data = body[:length]
            if struct.unpack("<I", body[length:])[0] != _masked_crc(data):
                raise errors.DataLossError(None, None, "corrupted record at %d" % (offset + 12))
            yield data
            offset += 16 + length


def _read(stream, n, offset):
    """`stream.read(n)`, a damaged compressed stream raising TF's DataLossError."""
    try:
        return stream.read(n)
    except zlib.error as e:  # "Error -3 while decompressing data: incorrect data check"
        code, _, text = str(e).partition(" while decompressing data: ")
        raise errors.DataLossError(None, None, "inflate() failed with error %s: %s" % (
            code.replace("Error ", ""), text or e)) from None


class _ZlibReader:
    def __init__(self, raw, wbits):
        self._raw = raw
        self._z = zlib.decompressobj(wbits)
        self._buf = b""

    def read(self, n):
        while len(self._buf) < n:
            chunk = self._raw.read(1 << 16)
            if not chunk:
                self._buf += self._z.flush()
                break
            self._buf += self._z.decompress(chunk)
        out, self._buf = self._buf[:n], self._buf[n:]
        return out


def summary_iterator(path):
    """`tf.train.summary_iterator`: the Event protos of an events file, in order.

    >>> import tempfile, scopeflow as tf
    >>> d = tempfile.mkdtemp()
    >>> with tf.summary.FileWriter(d) as w:
    ...     w.add_summary(tf.Summary(value=[tf.Summary.Value(tag="x", simple_value=1.0)]), 3)
    >>> import glob
    >>> [e.step for e in summary_iterator(glob.glob(d + "/events*")[0])]
    [0, 3]
    """
    from tensorboard.compat.proto import event_pb2
    for record in tf_record_iterator(path):
        yield event_pb2.Event.FromString(record)


__all__ = ["TFRecordCompressionType", "TFRecordOptions", "TFRecordWriter", "summary_iterator",
           "tf_record_iterator"]
