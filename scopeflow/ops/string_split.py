"""`tf.string_split` / `tf.strings.split` (TF1): strings split into tokens, as a SparseTensor.

The number of tokens follows the values, so both ops are host ops (ops/dynamic_shape.py);
text pipelines call them in `Dataset.map` (the NMT tutorial's iterator_utils).

>>> import scopeflow as tf
>>> sp = tf.string_split(["a b", "c"])
>>> sp.indices.op.name, sp.indices.shape.as_list()
('StringSplit/StringSplit', [None, 2])
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops.array_base import check_rank
from scopeflow.ops.constant import convert_to_tensor
from scopeflow.ops.dynamic_shape import host_op
from scopeflow.ops.op_util import name_scope
from scopeflow.ops.registry import spec
from scopeflow.sparse_tensor import SparseTensor


def _split_shape(input, delimiter, **attrs):  # noqa: A002
    check_rank(input, 1)
    check_rank(delimiter, 0)
    return [spec((None, 2), _dt.int64), spec((None,), _dt.string), spec((2,), _dt.int64)]


def _as_sparse(rows):
    """(indices, values, dense_shape) of one token list per input string."""
    indices = [(i, j) for i, row in enumerate(rows) for j in range(len(row))]
    values = np.empty(len(indices), dtype=object)
    values[:] = [tok for row in rows for tok in row]
    width = max((len(row) for row in rows), default=0)
    return (np.asarray(indices, np.int64).reshape(-1, 2), values,
            np.asarray([len(rows), width], np.int64))


def _scalar_bytes(x):
    x = x.item() if isinstance(x, np.ndarray) else x
    return x.encode() if isinstance(x, str) else bytes(x)


def _on_any_of(text, delims):
    """TF's StringSplit: every byte of `delims` ends a token; no delimiter: single bytes."""
    if not delims:
        return [text[i:i + 1] for i in range(len(text))]
    out, start = [], 0
    for i, ch in enumerate(text):
        if ch in delims:
            out.append(text[start:i])
            start = i + 1
    return out + [text[start:]]


@host_op("StringSplit", _split_shape, multi=True)
def _string_split(input, delimiter, *, skip_empty=True):  # noqa: A002
    delims = _scalar_bytes(delimiter)
    rows = []
    for s in np.asarray(input).reshape(-1):
        toks = _on_any_of(bytes(s), delims) if s else []  # an empty string has no tokens
        rows.append([t for t in toks if t] if skip_empty else toks)
    return _as_sparse(rows)


@host_op("StringSplitV2", _split_shape, multi=True)
def _string_split_v2(input, sep, *, maxsplit=-1):  # noqa: A002
    sep = _scalar_bytes(sep)
    # Python's bytes.split is TF's rule: no separator splits on runs of whitespace
    return _as_sparse([bytes(s).split(sep or None, maxsplit)
                       for s in np.asarray(input).reshape(-1)])


def _sparse(outputs):
    from scopeflow.lowering import entries
    entries.mark(outputs[0], outputs[1])  # (a count of tokens per run: lowering/entries.py)
    return SparseTensor(*outputs)


def string_split(source, sep=None, skip_empty=True, delimiter=None,
                 result_type="SparseTensor", name=None):
    """`tf.string_split` (TF1): each string of the vector `source` split at any character of
    `delimiter` (default ' '; '' splits into bytes), empty tokens dropped when `skip_empty`."""
    if sep is not None and delimiter is not None:
        raise ValueError("Cannot specify both 'delimiter' and 'sep'.")
    delimiter = " " if sep is None and delimiter is None else \
        (sep if sep is not None else delimiter)
    with name_scope(name, "StringSplit", [source]):
        delimiter = convert_to_tensor(delimiter, dtype=_dt.string)
        source = convert_to_tensor(source, dtype=_dt.string)
        sparse = _sparse(_string_split(source, delimiter, skip_empty=bool(skip_empty),
                                       name="StringSplit"))
        _check_result_type(result_type)
        return sparse if result_type == "SparseTensor" else _rows_of(sparse)


def _rows_of(sparse):
    """TF's RaggedTensor of a split's SparseTensor: one row per input string."""
    from scopeflow.ragged.ragged_tensor import RaggedTensor
    return RaggedTensor.from_value_rowids(values=sparse.values,
                                          value_rowids=sparse.indices[:, 0],
                                          nrows=sparse.dense_shape[0], validate=False)


def _ragged_split(input, sep, maxsplit):  # noqa: A002
    """TF's ragged string_split_v2: tokens of each string as rows, any input rank."""
    from scopeflow.ops.joining import stack
    from scopeflow.ragged.ragged_tensor import RaggedTensor, convert_to_tensor_or_ragged_tensor
    with name_scope(None, "StringSplit", [input]):
        input = convert_to_tensor_or_ragged_tensor(input, dtype=_dt.string,  # noqa: A001
                                                   name="input")
        if isinstance(input, RaggedTensor):
            return input.with_flat_values(_ragged_split(input.flat_values, sep, maxsplit))
        rank = input.shape.ndims
        if rank == 0:
            return _ragged_split(stack([input]), sep, maxsplit)[0]
        if rank == 1 or rank is None:
            sep = convert_to_tensor("" if sep is None else sep, dtype=_dt.string)
            source = convert_to_tensor(input, dtype=_dt.string)
            return _rows_of(_sparse(_string_split_v2(source, sep, maxsplit=int(maxsplit),
                                                     name="StringSplitV2")))
        return _ragged_split(RaggedTensor.from_tensor(input), sep, maxsplit)


def strings_split(input=None, sep=None, maxsplit=-1, result_type="SparseTensor",  # noqa: A002
                  source=None, name=None):
    """`tf.strings.split` (TF1): split at the separator string `sep` (None: runs of
    whitespace), at most `maxsplit` times; a SparseTensor of tokens."""
    if input is not None and source is not None:
        raise ValueError("Cannot specify both 'source' and 'input'.")
    input = source if input is None else input  # noqa: A001
    if result_type != "SparseTensor":
        from scopeflow.ops.array import expand_dims
        from scopeflow.ragged.ragged_tensor import convert_to_tensor_or_ragged_tensor
        with name_scope(name, "StringSplit", [input]):
            input = convert_to_tensor_or_ragged_tensor(input, dtype=_dt.string,  # noqa: A001
                                                       name="input")
            if input.shape.rank == 0:
                input = expand_dims(input, 0)  # noqa: A001
            _check_result_type(result_type)
            return _ragged_split(input, sep, maxsplit)
    with name_scope(name, "StringSplit", [input]):
        sep = convert_to_tensor("" if sep is None else sep, dtype=_dt.string)
        input = convert_to_tensor(input, dtype=_dt.string)  # noqa: A001
        return _sparse(_string_split_v2(input, sep, maxsplit=int(maxsplit),
                                        name="StringSplitV2"))


def _check_result_type(result_type):
    if result_type not in ("RaggedTensor", "SparseTensor"):
        raise ValueError("result_type must be 'RaggedTensor' or 'SparseTensor'.")
