"""`tf.data.experimental.CsvDataset`: a CSVDatasetV2 op whose host kernel parses records as
TF's CSV reader does (RFC 4180 quotes, CR/LF/CRLF line ends, a header line skipped, selected or
excluded columns, NA values, typed fields with defaults) and fails a bad record with TF's
message, going on with the next record on the next call.

>>> import os, tempfile, scopeflow as tf
>>> p = os.path.join(tempfile.mkdtemp(), "a.csv")
>>> _ = open(p, "w").write('n,s\\n1,"a,b"\\n,c\\n')
>>> ds = CsvDataset(p, [tf.constant([7]), tf.string], header=True)
>>> nxt = tf.data.make_one_shot_iterator(ds).get_next()
>>> with tf.Session() as sess:
...     [tuple(sess.run(nxt)) for _ in range(2)]
[(np.int32(1), b'a,b'), (np.int32(7), b'c')]
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow import errors
from scopeflow.core.shape import TensorShape
from scopeflow.core.tensor import Tensor
from scopeflow.data import graph_ops as g
from scopeflow.data import host
from scopeflow.data import structure as st
from scopeflow.data.dataset import DatasetV1, _int64
from scopeflow.data.readers import _kind, _names, _open
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops.constant import constant, convert_to_tensor
from scopeflow.ops.registry import ShapeError
from scopeflow.ops.strings_text import parse_number

_TYPES = (_dt.float32, _dt.float64, _dt.int32, _dt.int64, _dt.string)
_BUFFER = 4 * 1024 * 1024  # TF's default reader buffer
_TYPE_TEXT = {"int32": "int32", "int64": "int64", "float32": "float", "float64": "double"}

def _csv_spec(*inputs, **attrs):
    """TF's shape rule: each record default a scalar or a vector of at most one value."""
    for d in inputs[8]:
        dims = d.shape._dims
        if dims is not None and len(dims) > 1:
            raise ShapeError("Shape must be at most rank 1 but is rank %d" % len(dims))
        if dims and dims[0] is not None and dims[0] > 1:
            raise ShapeError("Shape of a default must be a length-0 or length-1 vector, or a "
                             "scalar.")
    return TensorShape([]), _dt.variant


csv_dataset_v2 = g._register(
    "CSVDatasetV2", ["filenames", "compression_type", "buffer_size", "header", "field_delim",
                     "use_quote_delim", "na_value", "select_cols", "record_defaults",
                     "exclude_cols"], lists=["record_defaults"], infer=_csv_spec)


def CsvDataset(filenames, record_defaults, compression_type=None, buffer_size=None,  # noqa: N802
               header=False, field_delim=",", use_quote_delim=True, na_value="",
               select_cols=None):
    """`tf.data.experimental.CsvDataset`: one tuple of scalars per CSV record; a dtype (or an
    empty tensor) in `record_defaults` makes its field required, a value its default."""
    names = convert_to_tensor(filenames, dtype=_dt.string, name="filenames")
    compression = convert_to_tensor("" if compression_type is None else compression_type,
                                    dtype=_dt.string, name="compression_type")
    defaults = [x if isinstance(x, Tensor) or _dt_or_none(x) is None
                else constant([], dtype=_dt_or_none(x)) for x in record_defaults]
    defaults = [x if isinstance(x, Tensor) else
                convert_to_tensor(x, name="record_defaults_%d" % i)
                for i, x in enumerate(defaults)]
    size = _int64(_BUFFER if buffer_size is None else buffer_size, "buffer_size")
    flags = [convert_to_tensor(header, dtype=_dt.bool, name="header"),
             convert_to_tensor(field_delim, dtype=_dt.string, name="field_delim"),
             convert_to_tensor(use_quote_delim, dtype=_dt.bool, name="use_quote_delim"),
             convert_to_tensor(na_value, dtype=_dt.string, name="na_value")]
    select = _columns(select_cols, "select_cols")
    exclude = _columns(None, "exclude_cols")  # (TF1's CsvDataset has no exclude_cols)
    structure = tuple(st.TensorSpec([], d.dtype.base_dtype) for d in defaults)
    variant = csv_dataset_v2(names, compression, size, *flags, select, defaults, exclude,
                             output_types=[s.dtype for s in structure],
                             output_shapes=[s.shape for s in structure])
    return DatasetV1(variant, structure, "CsvDatasetV2")


def _dt_or_none(x):
    try:
        d = _dt.as_dtype(x)
    except TypeError:
        return None
    return d if d in _TYPES else None


def _columns(cols, name):
    return convert_to_tensor([] if cols is None else cols, dtype=_dt.int64, name=name)


class _Bad(Exception):
    """A record TF rejects (its message); the reader has moved past the record."""


class CsvRows(host.HostDataset):
    """CSVDatasetV2's kernel: the checks it makes when the dataset is built, then the rows."""

    def __init__(self, filenames, compression, buffer_size, header, delim, quotes, na,
                 select, defaults, exclude):
        self.files = _names(filenames)
        try:
            self.kind = _kind(compression)
        except errors.InvalidArgumentError as e:
            raise host._invalid(e.message + ".") from None  # (the CSV reader's wording)
        self.defaults = [np.asarray(d) for d in defaults]
        for i, d in enumerate(self.defaults):
            if d.ndim > 1:
                raise host._invalid("Each record default should be at most rank 1")
            if d.size >= 2:
                raise host._invalid("There should only be 1 default per field but field %d "
                                    "has %d" % (i, d.size))
        self.select = [int(c) for c in np.asarray(select).reshape(-1)]
        self.exclude = [int(c) for c in np.asarray(exclude).reshape(-1)]
        if int(buffer_size) <= 0:
            raise host._invalid("buffer_size should be positive")
        delim = np.asarray(delim, dtype=object)[()]
        if len(delim) != 1:
            raise host._invalid("field_delim should be only 1 char")
        _check_columns(self.select, self.exclude, len(self.defaults))
        self.delim, self.header, self.quotes = delim, bool(header), bool(quotes)
        self.na = np.asarray(na, dtype=object)[()]

    def __iter__(self):
        return _CsvIterator(self)


def _check_columns(select, exclude, n):
    if select and len(select) != n:
        raise host._invalid("select_cols should match output size")
    for what, cols in (("select_cols", select), ("exclude_cols", exclude)):
        if any(a >= b for a, b in zip(cols, cols[1:])):
            raise host._invalid("%s should be strictly increasing indices" % what)
        if cols and cols[0] < 0:
            raise host._invalid("%s should be non-negative indices" % what)
        if what == "select_cols" and select and exclude:
            raise host._invalid("Either select_cols or exclude_cols should be empty")


class _CsvIterator:
    """Record after record, file after file; a bad record raises and the next call goes on
    after it (an iterator object, not a generator, so it survives the error)."""

    def __init__(self, rows):
        self.rows, self.file, self.buf, self.pos = rows, -1, b"", 0

    def __iter__(self):
        return self

    def __next__(self):
        rows = self.rows
        while True:
            if self.file >= 0 and self.pos < len(self.buf):
                out, error = _record(self, self._wanted)
                if error is None and len(out) != len(rows.defaults):
                    error = "Expect %d fields but have %d in record" % (
                        len(rows.defaults), len(out))
                if error is not None:
                    raise host._invalid(error)
                return tuple(out)
            if self.file + 1 >= len(rows.files):
                self.file = len(rows.files)
                raise StopIteration
            with _open(rows.files[self.file + 1], rows.kind) as f:  # (fails again if missing)
                self.buf, self.pos = f.read(), 0
            self.file += 1
            if rows.header:
                _, error = _record(self, lambda k: False) if self.buf else (None, "eof")
                if error is not None:
                    raise host._invalid("Can't read header of file")

    def _wanted(self, k):
        """Whether column `k` is one of the output's."""
        rows = self.rows
        if rows.select:
            return k in rows.select
        if rows.exclude:
            return k not in rows.exclude
        return True


def _record(it, wanted):
    """Parses one record at `it.pos`: (its output values, the first error or None)."""
    out, errors, k, end = [], [], 0, False
    while not end:
        include = wanted(k)
        field, end, bad = _field(it)
        if bad:
            errors.append(bad)
        elif include:
            errors.extend(e for e in [_to_output(it.rows, field, out)] if e)
        k += 1
    return out, (errors[0] if errors else None)


def _field(it):
    """(field bytes, record ended, error or None) of the field at `it.pos`; moves past it."""
    buf, delim, n = it.buf, it.rows.delim, len(it.buf)
    if it.pos >= n:  # a delimiter ended the file: one last, empty field
        return b"", True, None
    if it.rows.quotes and buf[it.pos:it.pos + 1] == b'"':
        return _quoted(it)
    start, bad = it.pos, None
    while it.pos < n:
        ch = buf[it.pos:it.pos + 1]
        if ch == delim:
            it.pos += 1
            return buf[start:it.pos - 1], False, bad
        if ch in (b"\n", b"\r"):
            field = buf[start:it.pos]
            it.pos += 1
            if ch == b"\r" and buf[it.pos:it.pos + 1] == b"\n":
                it.pos += 1
            return field, True, bad
        if it.rows.quotes and ch == b'"' and bad is None:
            bad = "Unquoted fields cannot have quotes inside"
        it.pos += 1
    return buf[start:], True, bad


def _quoted(it):
    buf, delim, n = it.buf, it.rows.delim, len(it.buf)
    start, bad = it.pos, None
    it.pos += 1
    while True:
        if it.pos >= n:
            return None, True, "Reached end of file without closing quoted field in record"
        if buf[it.pos:it.pos + 1] != b'"':
            it.pos += 1
            continue
        it.pos += 1
        if it.pos >= n:
            return _unescape(buf[start:it.pos]), True, bad
        nxt = buf[it.pos:it.pos + 1]
        it.pos += 1
        if nxt == delim:
            return _unescape(buf[start:it.pos - 1]), False, bad
        if nxt in (b"\n", b"\r"):
            field = _unescape(buf[start:it.pos - 1])
            if nxt == b"\r" and buf[it.pos:it.pos + 1] == b"\n":
                it.pos += 1
            return field, True, bad
        if nxt != b'"' and bad is None:
            bad = "Quote inside a string has to be escaped by another quote"


def _unescape(field):
    """A quoted field without its framing quotes, each doubled quote made one."""
    return field[1:-1].replace(b'""', b'"')


def _to_output(rows, field, out):
    """Appends `field` converted to the next output's type; returns TF's error or None."""
    i = len(out)
    if i >= len(rows.defaults):
        return "Expect %d fields but have more in record" % len(rows.defaults)
    default = rows.defaults[i]
    dtype = default.dtype if default.dtype != object else None
    missing = field == b"" or field == rows.na
    if missing and default.size != 1:
        out.append(None)
        return "Field %d is required but missing in record!" % i
    if missing:
        out.append(default.reshape(()))
        return None
    if dtype is None:
        out.append(np.asarray(field, dtype=object))
        return None
    value = parse_number(field, dtype)
    if value is None:
        out.append(None)
        return "Field %d in record is not a valid %s: %s" % (
            i, _TYPE_TEXT[dtype.name], field.decode("utf-8", "replace"))
    out.append(np.asarray(value, dtype))
    return None


@host_kernel("CSVDatasetV2")
def _csv_kernel(ctx, op, *inputs):
    from scopeflow.data.kernels import _at
    try:  # (the inputs: 8 scalars, the record defaults, exclude_cols)
        return [CsvRows(*inputs[:8], inputs[8:-1], inputs[-1])]
    except errors.OpError as e:  # a check of the op's inputs: TF names the op
        raise _at(e, op) from None
