"""File datasets on the host: lines of text files, TFRecord records, fixed-length records.
Each takes one file name or a vector of them (bytes), read in order, "", "GZIP" or "ZLIB".

>>> import os, tempfile
>>> p = os.path.join(tempfile.mkdtemp(), "a.txt")
>>> _ = open(p, "w").write("x\\ny\\n")
>>> [e[0][()] for e in TextLines(p.encode(), b"")]
[b'x', b'y']
"""

import gzip
import io
import zlib

import numpy as np

from scopeflow import errors
from scopeflow.data.host import HostDataset
from scopeflow.summary.records import _records


def _names(filenames):
    return [f.decode() if isinstance(f, bytes) else str(f)
            for f in np.asarray(filenames, dtype=object).reshape(-1)]


def _kind(compression):
    c = np.asarray(compression, dtype=object)[()] if compression is not None else b""
    c = c.decode() if isinstance(c, bytes) else str(c)
    if c not in ("", "GZIP", "ZLIB"):
        raise errors.InvalidArgumentError(None, None, "Unsupported compression_type: %s" % c)
    return c


def _open(path, kind):
    try:
        raw = open(path, "rb")  # noqa: SIM115 - the stream owns it
    except OSError as e:
        raise errors.NotFoundError(None, None, "%s; %s" % (path, e.strerror)) from None
    if kind == "GZIP":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if kind == "ZLIB":
        with raw:
            return io.BytesIO(zlib.decompress(raw.read()))
    return raw


def _obj(b):
    return np.asarray(b, dtype=object)


class TextLines(HostDataset):
    """Lines without their "\\n" (or "\\r\\n")."""

    def __init__(self, filenames, compression):
        self.files, self.kind = _names(filenames), _kind(compression)

    def __iter__(self):
        for path in self.files:
            with _open(path, self.kind) as f:
                for line in f:
                    if line.endswith(b"\n"):
                        line = line[:-2] if line.endswith(b"\r\n") else line[:-1]
                    yield (_obj(line),)


class Records(HostDataset):
    """The records of TFRecord files (DataLossError at a damaged record)."""

    def __init__(self, filenames, compression):
        self.files, self.kind = _names(filenames), _kind(compression)

    def __iter__(self):
        for path in self.files:
            try:
                raw = open(path, "rb")  # noqa: SIM115 - _records closes it
            except OSError as e:
                raise errors.NotFoundError(None, None, "%s; %s" % (path, e.strerror)) from None
            for rec in _records(raw, self.kind):
                yield (_obj(rec),)


class FixedLength(HostDataset):
    """Records of `record_bytes` after `header_bytes`, before `footer_bytes`, per file."""

    def __init__(self, filenames, header, record, footer, compression):
        self.files, self.kind = _names(filenames), _kind(compression)
        self.header, self.record, self.footer = int(header), int(record), int(footer)

    def __iter__(self):
        for path in self.files:
            with _open(path, self.kind) as f:
                data = f.read()
            body = data[self.header:len(data) - self.footer]
            n = len(body) // self.record
            if self.kind == "" and len(body) % self.record:
                raise errors.InvalidArgumentError(None, None, (
                    'Excluding the header (%d bytes) and footer (%d bytes), input file "%s" has '
                    "body length %d bytes, which is not an exact multiple of the record length "
                    "(%d bytes).") % (self.header, self.footer, path, len(body), self.record))
            for i in range(n):
                yield (_obj(body[i * self.record:(i + 1) * self.record]),)
