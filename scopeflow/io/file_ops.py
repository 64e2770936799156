"""`tf.read_file` / `tf.io.read_file`, `tf.write_file` / `tf.io.write_file` and
`tf.matching_files` / `tf.io.matching_files`: ReadFile, WriteFile and MatchingFiles run on
the host (a file's bytes are a string), in the Session or inside `Dataset.map` (the classic
`tf.image.decode_jpeg(tf.read_file(path))` pipeline), with TF's errors ("<path>; No such file
or directory" as NotFoundError, a directory as FailedPreconditionError).

>>> import scopeflow as tf
>>> tf.read_file("/tmp/x.txt").op.type
'ReadFile'
"""

import os

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.data.graph_ops import matching_files as _matching_files
from scopeflow.io.gfile import _os_error
from scopeflow.io.parse_example import host_only
from scopeflow.lowering.context import run_error
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops.array_base import check_rank
from scopeflow.ops.registry import op


def _scalar_string(filename, **attrs):
    check_rank(filename, 0)
    return TensorShape([]), _dt.string


_read_file = op("ReadFile", infer=_scalar_string, types={"filename": _dt.string})(
    lambda filename: host_only("ReadFile")())


def _write_shape(filename, contents):
    check_rank(filename, 0)
    check_rank(contents, 0)
    return []


_write_file = op("WriteFile", infer=_write_shape, stateful=True,
                 types={"filename": _dt.string, "contents": _dt.string})(
    lambda filename, contents: host_only("WriteFile")())


def _text(x):
    x = np.asarray(x, dtype=object).item()
    return x.decode("utf-8", "surrogateescape") if isinstance(x, bytes) else str(x)


def _failed(op_, path, e):
    err = _os_error(path, e)
    return run_error(type(err), op_, err.message)


@host_kernel("ReadFile")
def _read_file_host(ctx, op_, filename):
    path = _text(filename)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise _failed(op_, path, e) from None
    return [np.asarray(data, dtype=object)]


@host_kernel("WriteFile")
def _write_file_host(ctx, op_, filename, contents):
    from scopeflow.checkpoint.bundle import atomic_write
    path = _text(filename)
    data = np.asarray(contents, dtype=object).item()
    data = data if isinstance(data, bytes) else str(data).encode()
    folder = os.path.dirname(path)
    try:
        if folder:  # TF creates the folders on the way (a file in the way: the write says so)
            os.makedirs(folder, exist_ok=True)
    except OSError:
        pass
    try:
        atomic_write(path, data)
    except OSError as e:
        raise _failed(op_, path, e) from None
    return []


def read_file(filename, name=None):
    """`tf.io.read_file`: the whole file's bytes as a scalar string."""
    return _read_file(filename, name=name or "ReadFile")


def write_file(filename, contents, name=None):
    """`tf.io.write_file`: writes the scalar string `contents` to `filename` (folders made,
    the file replaced atomically); returns the op."""
    return _write_file(filename, contents, name=name or "WriteFile")


def matching_files(pattern, name=None):
    """`tf.io.matching_files`: the sorted paths matching the glob `pattern` (a string or a
    vector of them)."""
    return _matching_files(pattern, name=name or "MatchingFiles")
