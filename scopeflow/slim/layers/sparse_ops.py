"""`tf_slim.layers.sparse_ops`: dense tensors and indicators to SparseTensors, row envelopes."""

import numbers

from scopeflow import dtypes as _dt
from scopeflow.layers.core import tf_api

__all__ = ["dense_to_sparse_tensor", "indicators_to_sparse_ids", "sparse_row_envelope"]


def _ignore_value(dtype, ignore_value=None):
    """`ignore_value` (default: the dtype's zero, '' for strings) as a tensor of `dtype`."""
    if ignore_value is None:
        ignore_value = "" if dtype == _dt.string else dtype.as_numpy_dtype()
    return tf_api().cast(ignore_value, dtype, name="ignore_value")


def dense_to_sparse_tensor(dense_tensor, ignore_value=None):
    """The SparseTensor of the cells of `dense_tensor` that differ from `ignore_value`.

    >>> import scopeflow as tf
    >>> dense_to_sparse_tensor(tf.constant([[0, 3], [4, 0]])).values.name
    'DenseToSparseTensor/values:0'
    """
    tf = tf_api()
    with tf.name_scope("DenseToSparseTensor"):
        dense_tensor = tf.convert_to_tensor(dense_tensor)
        ignore = _ignore_value(dense_tensor.dtype, ignore_value)
        indices = tf.where(tf.not_equal(dense_tensor, ignore), name="indices")
        return tf.SparseTensor(
            indices=indices, values=tf.gather_nd(dense_tensor, indices, name="values"),
            dense_shape=tf.shape(dense_tensor, out_type=_dt.int64, name="dense_shape"))


def indicators_to_sparse_ids(indicators, ignore_value=None, dtype=_dt.int64):
    """Indices along the last axis of the cells that are not `ignore_value`, as a SparseTensor
    of shape (d0, ..., dn, most ids in one row).

    >>> import scopeflow as tf
    >>> indicators_to_sparse_ids(tf.constant([[0, 1, 1], [1, 0, 0]])).values.dtype.name
    'int64'
    """
    tf = tf_api()
    dtype = _dt.as_dtype(dtype)
    if not dtype.is_integer:
        raise ValueError(f"Invalid dtype {dtype} not integer.")
    with tf.name_scope(None, "indicators_to_sparse_ids", (indicators, ignore_value)):
        indicators = tf.convert_to_tensor(indicators, name="indicators")
        missing = tf.equal(indicators, _ignore_value(indicators.dtype, ignore_value),
                           name="missing")
        zeros = tf.zeros_like(indicators, dtype=_dt.int64, name="zeros")
        present = tf.where(missing, zeros, tf.ones_like(indicators, dtype=_dt.int64,
                                                        name="ones"),
                           name="binary_indicators")
        # the 1-based rank of each present cell within its row (0 where missing)
        rank_in_row = tf.where(missing, zeros, tf.cumsum(present, axis=-1),
                               "row_index_indicators")
        last_dim = tf.reshape(tf.reduce_max(rank_in_row), shape=(1,), name="result_last_dim")
        ranks = dense_to_sparse_tensor(rank_in_row, ignore_value=0)
        return tf.SparseTensor(
            indices=tf.concat((ranks.indices[:, :-1], tf.reshape(ranks.values - 1, (-1, 1))),
                              axis=1, name="indices"),
            values=tf.cast(ranks.indices[:, -1], dtype=dtype, name="values"),
            dense_shape=tf.concat((ranks.dense_shape[0:-1], last_dim), axis=0,
                                  name="dense_shape"))


def sparse_row_envelope(sparse_input, row_axis=0, col_axis=1, name=None):
    """The length of each row of `sparse_input`: 1 + its last column index present (0 for an
    empty row).

    >>> import scopeflow as tf
    >>> st = tf.SparseTensor([[0, 0], [2, 0], [2, 1]], [1, 2, 3], [3, 3])
    >>> with tf.Session() as s:
    ...     s.run(sparse_row_envelope(st)).tolist()
    [1, 0, 2]
    """
    if not (isinstance(row_axis, numbers.Integral) and isinstance(col_axis, numbers.Integral)):
        raise ValueError("`row_axis` and `col_axis` must be integers.")  # noqa: TRY004 - TF's
    if row_axis == col_axis:
        raise ValueError("Row and column can not be the same axis.")
    tf = tf_api()
    with tf.name_scope(name, "sparse_row_envelope", [sparse_input]):
        rows = sparse_input.indices[:, row_axis]
        cols = sparse_input.indices[:, col_axis]
        num_rows = tf.cast(sparse_input.dense_shape[row_axis], _dt.int32)
        envelope = tf.unsorted_segment_max(cols + 1, rows, num_rows, name=name)
        zeros = tf.zeros_like(envelope)
        return tf.where(envelope > zeros, envelope, zeros)
