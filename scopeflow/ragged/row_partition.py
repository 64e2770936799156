"""How a RaggedTensor's values split into rows: `row_splits` and what is cached beside it.

TF's RowPartition builds the same ops: each factory converts its argument (int64 unless given
int32), adds TF's validation asserts behind a `control_dependency` Identity when `validate`,
and derives `row_splits` with TF's ops (Cumsum, Bincount, ConcatV2).

    >>> import scopeflow as tf
    >>> p = RowPartition.from_row_lengths([2, 0, 3], validate=False)
    >>> p.row_splits().op.type, p.dtype
    ('ConcatV2', tf.int64)
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import dimension_value
from scopeflow.core.tensor import Tensor
from scopeflow.ops import checks
from scopeflow.ops.constant import constant, constant_value, convert_to_tensor
from scopeflow.ops.joining import concat
from scopeflow.ops.math_cast import cast
from scopeflow.ops.op_util import name_scope
from scopeflow.ops.reductions import cumsum
from scopeflow.ops.shape_ops import shape as _shape
from scopeflow.ops.shape_ops import zeros
from scopeflow.ops.state import with_dependencies

_KEY = object()  # (the constructor is private, as TF's)


def _check_validate(validate):
    if not isinstance(validate, bool):
        raise TypeError("validate must have type bool")


def convert_partition(value, name, dtype=None, dtype_hint=None):
    """TF's _convert_row_partition: an int32/int64 tensor (int64 unless told or int32 numpy)."""
    if dtype_hint is None:
        dtype_hint = _dt.int64
    if isinstance(value, np.ndarray) and value.dtype == np.int32 and dtype is None:
        value = convert_to_tensor(value, name=name)
    else:
        value = convert_to_tensor(value, dtype=dtype, dtype_hint=dtype_hint, name=name)
    if value.dtype not in (_dt.int32, _dt.int64):
        raise ValueError("%s must have dtype int32 or int64" % name)
    return value


def assert_monotonic_increasing(tensor, message=None):
    return checks.assert_non_negative(tensor[1:] - tensor[:-1], message=message)


def assert_zero(tensor, message=None):
    return checks.assert_equal(tensor, constant(0, dtype=tensor.dtype), message=message)


class RowPartition:
    """`row_splits` (int32/int64, shape [nrows + 1]) and the encodings known beside it."""

    def __init__(self, row_splits, row_lengths=None, value_rowids=None, nrows=None,
                 uniform_row_length=None, nvals=None, internal=False):
        if internal is not _KEY:
            raise ValueError("RowPartition constructor is private; please use one of the "
                             "factory methods instead (e.g., RowPartition.from_row_lengths())")
        if not isinstance(row_splits, Tensor):
            raise TypeError("Row-partitioning argument must be a Tensor, got %r" % row_splits)
        if row_splits.dtype not in (_dt.int32, _dt.int64):
            raise ValueError("Row-partitioning argument must be int32 or int64")
        row_splits.shape.assert_has_rank(1)
        row_splits.set_shape([None])
        self._row_splits = row_splits
        self._row_lengths = row_lengths
        self._value_rowids = value_rowids
        self._nrows = nrows
        self._uniform_row_length = uniform_row_length
        self._nvals = nvals

    def _replace(self, **parts):
        kw = dict(row_splits=self._row_splits, row_lengths=self._row_lengths,
                  value_rowids=self._value_rowids, nrows=self._nrows,
                  uniform_row_length=self._uniform_row_length, nvals=self._nvals)
        kw.update(parts)
        return RowPartition(internal=_KEY, **kw)

    # ---- factories (TF's op sequences) ----------------------------------------------------
    @classmethod
    def from_value_rowids(cls, value_rowids, nrows=None, validate=True, dtype=None,
                          dtype_hint=None):
        from scopeflow.ops.math_extra import bincount
        _check_validate(validate)
        with name_scope(None, "RowPartitionFromValueRowIds", [value_rowids, nrows]):
            value_rowids = convert_partition(value_rowids, "value_rowids", dtype, dtype_hint)
            if nrows is None:
                const_rowids = constant_value(value_rowids)
                if const_rowids is None:
                    nrows = concat([value_rowids[-1:], [-1]], axis=0)[0] + 1
                    const_nrows = None
                else:
                    const_nrows = const_rowids[-1] + 1 if const_rowids.size > 0 else 0
                    nrows = convert_to_tensor(const_nrows, value_rowids.dtype, name="nrows")
            else:
                nrows = convert_to_tensor(nrows, value_rowids.dtype, "nrows")
                const_nrows = constant_value(nrows)
                if const_nrows is not None:
                    _check_nrows(const_nrows, constant_value(value_rowids))
            value_rowids.shape.assert_has_rank(1)
            nrows.shape.assert_has_rank(0)
            if validate:
                msg = "Arguments to from_value_rowids do not form a valid RowPartition"
                deps = [checks.assert_rank(value_rowids, 1, message=msg),
                        checks.assert_rank(nrows, 0, message=msg),
                        checks.assert_non_negative(value_rowids[:1], message=msg),
                        assert_monotonic_increasing(value_rowids, message=msg),
                        checks.assert_less(value_rowids[-1:], nrows, message=msg)]
                value_rowids = with_dependencies(deps, value_rowids)
            ids32 = cast(value_rowids, _dt.int32)
            nrows32 = cast(nrows, _dt.int32)
            row_lengths = bincount(ids32, minlength=nrows32, maxlength=nrows32,
                                   dtype=value_rowids.dtype)
            row_splits = concat([[0], cumsum(row_lengths)], axis=0)
            if const_nrows is not None:
                row_lengths.set_shape([int(const_nrows)])
                row_splits.set_shape([int(const_nrows) + 1])
            return cls(row_splits, row_lengths=row_lengths, value_rowids=value_rowids,
                       nrows=nrows, internal=_KEY)

    @classmethod
    def from_row_splits(cls, row_splits, validate=True, dtype=None, dtype_hint=None):
        _check_validate(validate)
        if isinstance(row_splits, (list, tuple)) and not row_splits:
            raise ValueError("row_splits tensor may not be empty.")
        with name_scope(None, "RowPartitionFromRowSplits", [row_splits]):
            row_splits = convert_partition(row_splits, "row_splits", dtype, dtype_hint)
            row_splits.shape.assert_has_rank(1)
            if validate:
                msg = "Arguments to from_row_splits do not form a valid RaggedTensor:"
                deps = [checks.assert_rank(row_splits, 1, message=msg + "rank"),
                        assert_zero(row_splits[0], message=msg + "zero"),
                        assert_monotonic_increasing(row_splits, message=msg + "monotonic")]
                row_splits = with_dependencies(deps, row_splits)
            return cls(row_splits, internal=_KEY)

    @classmethod
    def from_row_lengths(cls, row_lengths, validate=True, dtype=None, dtype_hint=None):
        _check_validate(validate)
        with name_scope(None, "RowPartitionFromRowLengths", [row_lengths]):
            row_lengths = convert_partition(row_lengths, "row_lengths", dtype, dtype_hint)
            row_lengths.shape.assert_has_rank(1)
            if validate:
                msg = "Arguments to from_row_lengths do not form a valid RowPartition"
                deps = [checks.assert_rank(row_lengths, 1, message=msg),
                        checks.assert_non_negative(row_lengths, message=msg)]
                row_lengths = with_dependencies(deps, row_lengths)
            row_splits = concat([[0], cumsum(row_lengths)], axis=0)
            return cls(row_splits, row_lengths=row_lengths, internal=_KEY)

    @classmethod
    def from_row_starts(cls, row_starts, nvals, validate=True, dtype=None, dtype_hint=None):
        _check_validate(validate)
        with name_scope(None, "RowPartitionFromRowStarts", [row_starts]):
            row_starts = convert_partition(row_starts, "row_starts", dtype, dtype_hint)
            row_starts.shape.assert_has_rank(1)
            nvals = cast(nvals, row_starts.dtype)
            if validate:
                msg = "Arguments to from_row_starts do not form a valid RaggedTensor"
                deps = [checks.assert_rank(row_starts, 1, message=msg),
                        assert_zero(row_starts[:1], message=msg),
                        assert_monotonic_increasing(row_starts, message=msg),
                        checks.assert_less_equal(row_starts[-1:], nvals, message=msg)]
                row_starts = with_dependencies(deps, row_starts)
            row_splits = concat([row_starts, [nvals]], axis=0)
            return cls(row_splits, nvals=nvals, internal=_KEY)

    @classmethod
    def from_row_limits(cls, row_limits, validate=True, dtype=None, dtype_hint=None):
        _check_validate(validate)
        with name_scope(None, "RowPartitionFromRowLimits", [row_limits]):
            row_limits = convert_partition(row_limits, "row_limits", dtype, dtype_hint)
            row_limits.shape.assert_has_rank(1)
            if validate:
                msg = "Arguments to from_row_limits do not form a valid RaggedTensor"
                deps = [checks.assert_rank(row_limits, 1, message=msg),
                        checks.assert_non_negative(row_limits[:1], message=msg),
                        assert_monotonic_increasing(row_limits, message=msg)]
                row_limits = with_dependencies(deps, row_limits)
            row_splits = concat([zeros([1], row_limits.dtype), row_limits], axis=0)
            return cls(row_splits, internal=_KEY)

    @classmethod
    def from_uniform_row_length(cls, uniform_row_length, nvals=None, nrows=None, validate=True,
                                dtype=None, dtype_hint=None):
        """Rows of one length `uniform_row_length` (TF's checks when `validate`)."""
        _check_validate(validate)
        if nrows is None and nvals is None:
            raise ValueError("Either (or both) of nvals and nrows must be specified")
        with name_scope(None, "RowPartitionFromUniformRowLength", [uniform_row_length, nrows]):
            uniform_row_length, nvals, nrows = _convert_all(
                [(uniform_row_length, "uniform_row_length"), (nvals, "nvals"),
                 (nrows, "nrows")], dtype, dtype_hint)
            uniform_row_length.shape.assert_has_rank(0)
            row_splits, nrows, nvals, deps = _uniform_splits(uniform_row_length, nvals, nrows,
                                                             validate)
            if validate:
                row_splits = with_dependencies(deps, row_splits)
            return cls(row_splits, uniform_row_length=uniform_row_length, nrows=nrows,
                       nvals=nvals, internal=_KEY)

    # ---- encodings -------------------------------------------------------------------------
    dtype = property(lambda self: self._row_splits.dtype)

    def row_splits(self):
        return self._row_splits

    def value_rowids(self):
        if self._value_rowids is not None:
            return self._value_rowids
        from scopeflow.ragged.segment_ids import row_splits_to_segment_ids
        return row_splits_to_segment_ids(self._row_splits)

    def nvals(self):
        return self._row_splits[-1]

    def nrows(self):
        if self._nrows is not None:
            return self._nrows
        nsplits = dimension_value(self._row_splits.shape[0])
        if nsplits is None:
            return _shape(self._row_splits, out_type=self.dtype)[0] - 1
        return constant(nsplits - 1, dtype=self.dtype)

    def uniform_row_length(self):
        return self._uniform_row_length

    def row_starts(self):
        return self._row_splits[:-1]

    def row_limits(self):
        return self._row_splits[1:]

    def row_lengths(self):
        if self._row_lengths is not None:
            return self._row_lengths
        splits = self._row_splits
        return splits[1:] - splits[:-1]

    @property
    def static_nrows(self):
        n = dimension_value(self._row_splits.shape[0])
        if n is not None:
            return n - 1
        if self._row_lengths is not None:
            n = dimension_value(self._row_lengths.shape[0])
            if n is not None:
                return n
        if self._nrows is not None:
            v = constant_value(self._nrows)
            return None if v is None else int(v)
        return None

    @property
    def static_uniform_row_length(self):
        if self._uniform_row_length is not None:
            v = constant_value(self._uniform_row_length)
            return None if v is None else int(v)
        return None

    def _merge_precomputed_encodings(self, other, validate=True):
        """One partition of two that must be equal (TF's: run-time checks of one encoding)."""
        names = ("_row_splits", "_row_lengths", "_value_rowids", "_nrows", "_nvals",
                 "_uniform_row_length")
        if self is other or all(getattr(self, n) is getattr(other, n) for n in names):
            return self
        nrows, nrows_validated = _merge_tensors(self._nrows, other._nrows, "nrows", validate)
        nvals, _ = _merge_tensors(self._nvals, other._nvals, "nvals", validate)
        uniform_row_length, uniform_validated = _merge_tensors(
            self._uniform_row_length, other._uniform_row_length, "uniform_row_length", validate)
        if uniform_validated and nrows_validated:
            validate = False
        row_splits, validated = _merge_tensors(self._row_splits, other._row_splits,
                                               "row_splits", validate)
        if validated:
            validate = False
        row_lengths, validated = _merge_tensors(self._row_lengths, other._row_lengths,
                                                "row_lengths", validate)
        if validated:
            validate = False
        value_rowids, _ = _merge_tensors(self._value_rowids, other._value_rowids,
                                         "value_rowids", validate)
        merged = (row_splits, row_lengths, value_rowids, nrows, uniform_row_length)
        for part in (self, other):
            if all(a is getattr(part, n) for a, n in zip(merged, names[:4] + names[5:])):
                return part
        return RowPartition(row_splits, row_lengths, value_rowids, nrows, uniform_row_length,
                            nvals, internal=_KEY)

    def with_dependencies(self, dependencies):
        return self._replace(row_splits=with_dependencies(dependencies, self._row_splits),
                             nvals=None)

    def with_dtype(self, dtype):
        dtype = _dt.as_dtype(dtype)
        if dtype not in (_dt.int32, _dt.int64):
            raise ValueError("dtype must be int32 or int64")
        if self.dtype == dtype:
            return self

        def c(t):
            return None if t is None else cast(t, dtype)
        return RowPartition(c(self._row_splits), c(self._row_lengths), c(self._value_rowids),
                            c(self._nrows), c(self._uniform_row_length), internal=_KEY)

    def __repr__(self):
        return "tf.RowPartition(row_splits=%s)" % self._row_splits


def _merge_tensors(t1, t2, name, validate):
    if t1 is None:
        return t2, False
    if t2 is None:
        return t1, False
    if t1 is t2:
        return t1, True
    msg = "RowPartition._merge_precomputed_encodings: partitions have incompatible %s" % name
    if not t1.shape.is_compatible_with(t2.shape):
        raise ValueError(msg)
    if validate:
        return with_dependencies([checks.assert_equal(t1, t2, message=msg)], t1), True
    return t1, False


def _check_nrows(const_nrows, const_rowids):
    if const_nrows < 0:
        raise ValueError("Expected nrows >= 0; got %d" % const_nrows)
    if const_rowids is not None and const_rowids.size > 0 and \
            not const_nrows >= const_rowids[-1] + 1:
        raise ValueError("Expected nrows >= value_rowids[-1] + 1; got nrows=%d, "
                         "value_rowids[-1]=%d" % (const_nrows, const_rowids[-1]))


def _uniform_splits(length, nvals, nrows, validate):
    """(row_splits, nrows, nvals, checks) of rows of the scalar tensor `length` (TF's)."""
    from scopeflow.ops.math import maximum
    from scopeflow.ops.shape_ops import range as _range
    dtype = length.dtype
    const_len = _const(length)
    if nrows is None:
        if const_len is None:
            nrows = nvals // maximum(length, constant(1, dtype))
        elif const_len == 0:
            nrows = constant(0, dtype=dtype)
        else:
            nrows = nvals // const_len
    const_nrows = None if nrows is None else _const(nrows)
    const_nvals = None if nvals is None else _const(nvals)
    deps = []
    if const_nvals is None and const_nrows is not None and const_len is not None:
        const_nvals = const_nrows * const_len
        if nvals is not None and validate:
            deps.append(checks.assert_equal(nvals, const_nvals))
        nvals = constant(const_nvals, dtype)
    if nvals is None:
        nvals = nrows * length
    if const_nrows is not None and const_len is not None:
        row_splits = constant([v * const_len for v in range(const_nrows + 1)], dtype)
    else:
        row_splits = _range(nrows + 1, dtype=dtype) * length
    if validate:
        if const_nrows is None or const_len is None or const_nvals is None:
            deps.append(checks.assert_equal(
                nrows * length, nvals, ("uniform_row_length", length, "times nrows", nrows,
                                        "must equal nvals", nvals)))
        elif const_nrows * const_len != const_nvals:
            raise ValueError("uniform_row_length=%d times nrows=%d must equal nvals=%d"
                             % (const_len, const_nrows, const_nvals))
        if length.shape.rank is None:
            deps.append(checks.assert_rank(length, 0,
                                           message="uniform_row_length must be a scalar."))
        if const_len is None:
            deps.append(checks.assert_greater_equal(
                length, constant(0, dtype), message="uniform_row_length must be >= 0."))
        elif const_len < 0:
            raise ValueError("uniform_row_length must be >= 0.")
    return row_splits, nrows, nvals, deps


def _const(t):
    v = constant_value(t)
    return None if v is None else int(v)


def _convert_all(values, dtype=None, dtype_hint=None):
    """TF's _convert_all_to_tensors: one dtype for all (given, a tensor's, numpy's, hint)."""
    target = dtype
    if target is None:
        target = next((x.dtype for x, _ in values if isinstance(x, Tensor)), None)
    if target is None:
        target = next((_dt.as_dtype(x.dtype) for x, _ in values
                       if isinstance(x, np.ndarray)), None)
    if target is None:
        target = dtype_hint if dtype_hint is not None else _dt.int64
    if dtype is None:
        return [None if x is None else convert_to_tensor(x, dtype=target, name=n)
                for x, n in values]
    return [None if x is None else cast(x, dtype=target, name=n) for x, n in values]
