"""`tf.RaggedTensor`: rows of different lengths, as `values` and a RowPartition (graph mode).

Every factory builds TF's ops under TF's names (`RaggedFromRowSplits/...`), its validation
asserts included; Session.run fetches a RaggedTensor as a `tf.ragged.RaggedTensorValue` and
feeds one from a RaggedTensorValue, as TF does.

    >>> import scopeflow as tf
    >>> rt = tf.RaggedTensor.from_row_splits([1, 2, 3], [0, 2, 3])
    >>> rt.shape.as_list(), rt.ragged_rank
    ([2, None], 1)
"""

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape, as_shape, dimension_value
from scopeflow.core.tensor import Tensor
from scopeflow.ops import checks
from scopeflow.ops.constant import convert_to_tensor
from scopeflow.ops.math_cast import cast
from scopeflow.ops.op_util import name_scope
from scopeflow.ops.shape_ops import shape as _shape
from scopeflow.ragged.row_partition import RowPartition, convert_partition
from scopeflow.ragged.value import RaggedTensorValue, from_components


def _check_validate(validate):
    if not isinstance(validate, bool):
        raise TypeError("Argument `validate` must have type bool. Received %s." % validate)


class RaggedTensor:
    """A ragged tensor: `values` (a Tensor or RaggedTensor) split into rows."""

    _ragged_dispatch = True  # (tf.reduce_sum & co. hand a RaggedTensor to ragged_math.py)

    def __init__(self, values, row_partition, internal=False):
        if not internal:
            raise ValueError("RaggedTensor constructor is private; please use one of the "
                             "factory methods instead (e.g., RaggedTensor.from_row_lengths())")
        if not isinstance(values, (Tensor, RaggedTensor)):
            raise TypeError("type(values) must be one of: Tensor, RaggedTensor, got %s."
                            % values)
        values.shape.with_rank_at_least(1)
        self._values = values
        self._row_partition = row_partition

    # ---- factories -------------------------------------------------------------------------
    @classmethod
    def _from_row_partition(cls, values, row_partition, validate=True):
        values = _as_values(values)
        if isinstance(values, RaggedTensor) and \
                values._row_partition.dtype != row_partition.dtype:
            raise ValueError("Argument `row_partition` of RaggedTensor with name: partition "
                             "must have same dtype as Argument `values`. (%r vs. %r)."
                             % (row_partition.dtype, values._row_partition.dtype))
        if row_partition._value_rowids is not None:
            values.shape[:1].assert_is_compatible_with(row_partition._value_rowids.shape)
        if validate:
            msg = "Arguments to _from_row_partition do not form a valid RaggedTensor"
            nvals = _nrows(values, row_partition.dtype)
            deps = [checks.assert_equal(cast(row_partition.nvals(), row_partition.dtype),
                                        nvals, message=msg)]
            if not isinstance(values, RaggedTensor):
                deps.append(checks.assert_rank_at_least(values, 1))
            row_partition = row_partition.with_dependencies(deps)
        return cls(values, row_partition, internal=True)

    @classmethod
    def _partitioned(cls, name, scope, inputs, validate, make):
        """TF's factory pattern: under `name` or `scope`, values split by `make(values)`."""
        _check_validate(validate)
        with name_scope(name, scope, inputs):
            values = _as_values(inputs[0]) if make.convert_first else inputs[0]
            part = make(values, dtype_hint=_partition_dtype(values))
            return cls._from_row_partition(values, part, validate=validate)

    @classmethod
    def from_value_rowids(cls, values, value_rowids, nrows=None, name=None, validate=True):
        """Rows by the row index of each value (sorted ascending)."""
        return cls._partitioned(name, "RaggedFromValueRowIds", [values, value_rowids, nrows],
                                validate, _make(lambda v, **kw: RowPartition.from_value_rowids(
                                    value_rowids, nrows, validate=validate, **kw)))

    @classmethod
    def from_row_splits(cls, values, row_splits, name=None, validate=True):
        """Row i is `values[row_splits[i]:row_splits[i + 1]]`."""
        return cls._partitioned(name, "RaggedFromRowSplits", [values, row_splits], validate,
                                _make(lambda v, **kw: RowPartition.from_row_splits(
                                    row_splits, validate=validate, **kw)))

    @classmethod
    def from_row_lengths(cls, values, row_lengths, name=None, validate=True):
        """Rows of the given lengths, in order."""
        return cls._partitioned(name, "RaggedFromRowLengths", [values, row_lengths], validate,
                                _make(lambda v, **kw: RowPartition.from_row_lengths(
                                    row_lengths, validate=validate, **kw)))

    @classmethod
    def from_row_starts(cls, values, row_starts, name=None, validate=True):
        """Rows starting at `row_starts` (the last ends at the end of `values`)."""
        return cls._partitioned(name, "RaggedFromRowStarts", [values, row_starts], validate,
                                _make(lambda v, **kw: RowPartition.from_row_starts(
                                    row_starts, _nrows(v), validate=validate, **kw), True))

    @classmethod
    def from_row_limits(cls, values, row_limits, name=None, validate=True):
        """Rows ending at `row_limits` (the first starts at 0)."""
        return cls._partitioned(name, "RaggedFromRowLimits", [values, row_limits], validate,
                                _make(lambda v, **kw: RowPartition.from_row_limits(
                                    row_limits, validate=validate, **kw), True))

    @classmethod
    def from_uniform_row_length(cls, values, uniform_row_length, nrows=None, validate=True,
                                name=None):
        """Rows of `uniform_row_length` values each."""
        _check_validate(validate)
        with name_scope(name, "RaggedFromUniformRowLength",
                        [values, uniform_row_length, nrows]):
            values = _as_values(values)
            uniform_row_length = convert_partition(uniform_row_length, "UniformRowLength",
                                                   _partition_dtype(values))
            dtype = uniform_row_length.dtype
            const_nvals = dimension_value(values.shape[0])
            if const_nvals is not None:
                from scopeflow.ops.constant import constant
                nvals = constant(const_nvals, dtype)
            elif isinstance(values, RaggedTensor):
                nvals = values.nrows(out_type=dtype)
            else:
                nvals = _shape(values, out_type=dtype)[0]
            part = RowPartition.from_uniform_row_length(
                uniform_row_length, nvals=nvals, nrows=nrows, validate=validate,
                dtype_hint=_partition_dtype(values))
            return cls._from_row_partition(values, part, validate=validate)

    @classmethod
    def from_nested_value_rowids(cls, flat_values, nested_value_rowids, nested_nrows=None,
                                 name=None, validate=True):
        """Nested RaggedTensor from one value_rowids vector per ragged dimension."""
        _check_validate(validate)
        if isinstance(nested_value_rowids, Tensor):
            raise TypeError("Argument `nested_value_rowids` must be a list of Tensors. "
                            "Received %s." % nested_value_rowids)
        if nested_nrows is None:
            nested_nrows = [None] * len(nested_value_rowids)
        else:
            if isinstance(nested_nrows, Tensor):
                raise TypeError("Argument `nested_nrows` must be a list of Tensors. Received "
                                "%s." % nested_nrows)
            if len(nested_nrows) != len(nested_value_rowids):
                raise ValueError(
                    "Argument `nested_nrows` must have the same length as argument "
                    "`nested_value_rowids`. len(nested_nrows) = %d vs. "
                    "len(nested_values_rowids) = %d." % (len(nested_nrows),
                                                         len(nested_value_rowids)))
        with name_scope(name, "RaggedFromNestedValueRowIds",
                        [flat_values] + list(nested_value_rowids) + list(nested_nrows)):
            result = flat_values
            for ids, n in reversed(list(zip(nested_value_rowids, nested_nrows))):
                result = cls.from_value_rowids(result, ids, n, validate=validate)
            return result

    @classmethod
    def from_nested_row_splits(cls, flat_values, nested_row_splits, name=None, validate=True):
        """Nested RaggedTensor from one row_splits vector per ragged dimension."""
        _check_validate(validate)
        if isinstance(nested_row_splits, Tensor):
            raise TypeError("Argument `nested_row_splits` must be a list of Tensors. Received "
                            "%s." % nested_row_splits)
        with name_scope(name, "RaggedFromNestedRowSplits",
                        [flat_values] + list(nested_row_splits)):
            result = flat_values
            for splits in reversed(nested_row_splits):
                result = cls.from_row_splits(result, splits, validate=validate)
            return result

    @classmethod
    def from_nested_row_lengths(cls, flat_values, nested_row_lengths, name=None,
                                validate=True):
        """Nested RaggedTensor from one row_lengths vector per ragged dimension."""
        _check_validate(validate)
        if isinstance(nested_row_lengths, Tensor):
            raise TypeError("Argument `nested_row_lengths` must be a list of Tensors. "
                            "Received %s." % nested_row_lengths)
        with name_scope(name, "RaggedFromNestedRowlengths",
                        [flat_values] + list(nested_row_lengths)):
            result = flat_values
            for lengths in reversed(nested_row_lengths):
                result = cls.from_row_lengths(result, lengths, validate=validate)
            return result

    # ---- properties ------------------------------------------------------------------------
    dtype = property(lambda self: self._values.dtype)
    values = property(lambda self: self._values)
    row_splits = property(lambda self: self._row_partition.row_splits())
    uniform_row_length = property(lambda self: self._row_partition.uniform_row_length())

    @property
    def shape(self):
        """[nrows, row length if uniform, values' inner dims] as far as known."""
        p = self._row_partition
        return TensorShape([p.static_nrows, p.static_uniform_row_length]).concatenate(
            self._values.shape[1:])

    def get_shape(self):
        return self.shape

    @property
    def ragged_rank(self):
        return self._values.ragged_rank + 1 if isinstance(self._values, RaggedTensor) else 1

    @property
    def flat_values(self):
        v = self._values
        while isinstance(v, RaggedTensor):
            v = v.values
        return v

    @property
    def _nested_row_partitions(self):
        out, v = [self._row_partition], self._values
        while isinstance(v, RaggedTensor):
            out.append(v._row_partition)
            v = v.values
        return tuple(out)

    @property
    def nested_row_splits(self):
        return tuple(p.row_splits() for p in self._nested_row_partitions)

    graph = property(lambda self: self.flat_values.graph)

    @property
    def _type_spec(self):
        from scopeflow.ragged.ragged_spec import RaggedTensorSpec
        return RaggedTensorSpec.from_value(self)

    # ---- row encodings ---------------------------------------------------------------------
    def value_rowids(self, name=None):
        with name_scope(name, "RaggedValueRowIds", [self]):
            return self._row_partition.value_rowids()

    def nested_value_rowids(self, name=None):
        with name_scope(name, "RaggedNestedValueRowIds", [self]):
            out, v = [self.value_rowids()], self._values
            while isinstance(v, RaggedTensor):
                out.append(v.value_rowids())
                v = v.values
            return tuple(out)

    def nrows(self, out_type=None, name=None):
        with name_scope(name, "RaggedNRows", [self]):
            if out_type is None:
                return self._row_partition.nrows()
            return cast(self._row_partition.nrows(), dtype=out_type)

    def row_starts(self, name=None):
        with name_scope(name, "RaggedRowStarts", [self]):
            return self._row_partition.row_starts()

    def row_limits(self, name=None):
        with name_scope(name, "RaggedRowLimits", [self]):
            return self._row_partition.row_limits()

    def row_lengths(self, axis=1, name=None):
        """Length of each row (axis 1), or a RaggedTensor of lengths along a deeper axis."""
        from scopeflow.ops.repeat import get_positive_axis
        from scopeflow.ops.shape_ops import ones
        if axis == 0:
            return self._row_partition.nrows()
        if axis == 1:
            return self._row_partition.row_lengths()
        with name_scope(name, "RaggedRowLengths", [self]):
            axis = get_positive_axis(axis, self.shape.rank, ndims_name="rank(self)")
            if axis == 0:
                return self.nrows()
            if axis == 1:
                splits = self.row_splits
                return splits[1:] - splits[:-1]
            if isinstance(self.values, RaggedTensor):
                return self.with_values(self.values.row_lengths(axis - 1))
            shape = _shape(self.values, out_type=self._row_partition.dtype)
            return self.with_values(ones(shape[:axis - 1], self._row_partition.dtype)
                                    * shape[axis - 1])

    def nested_row_lengths(self, name=None):
        with name_scope(name, "RaggedNestedRowLengths", [self]):
            out, rt = [], self
            while isinstance(rt, RaggedTensor):
                out.append(rt.row_lengths())
                rt = rt.values
            return tuple(out)

    def bounding_shape(self, axis=None, name=None, out_type=None):
        """The smallest dense shape that holds every row."""
        from scopeflow.ops.gather import gather
        from scopeflow.ops.joining import concat, stack
        from scopeflow.ops.math import maximum
        from scopeflow.ops.reductions import reduce_max
        out_type = self._row_partition.dtype if out_type is None else _dt.as_dtype(out_type)
        with name_scope(name, "RaggedBoundingBox", [self, axis]):
            nested_splits = self.nested_row_splits
            if isinstance(axis, int):
                if axis == 0:
                    return _shape(nested_splits[0], out_type=out_type)[0] - 1
                if axis == 1:
                    result = maximum(reduce_max(self.row_lengths()), 0)
                    return result if out_type == self._row_partition.dtype else \
                        cast(result, out_type)
            splits_shape = _shape(self.row_splits, out_type=out_type)
            flat_values_shape = _shape(self.flat_values, out_type=out_type)
            dims = [splits_shape[0] - 1] + [maximum(reduce_max(s[1:] - s[:-1]), 0)
                                            for s in nested_splits]
            if out_type != self._row_partition.dtype:
                dims = [cast(d, out_type) for d in dims]
            bbox = concat([stack(dims), flat_values_shape[1:]], axis=0)
            return bbox if axis is None else gather(bbox, axis)

    # ---- new values, same rows -------------------------------------------------------------
    def with_values(self, new_values):
        """The same rows over `new_values` (as many as `values`)."""
        new_values = _as_values(new_values)
        new_values.shape.with_rank_at_least(1)
        self.values.shape[:1].assert_is_compatible_with(new_values.shape[:1])
        if isinstance(new_values, RaggedTensor) and \
                self._row_partition.dtype != new_values.row_splits.dtype:
            raise ValueError("self and new_values have mismatched row_splits dtypes; use "
                             "RaggedTensor.with_row_splits_dtype() to convert them to "
                             "compatible dtypes.")
        return RaggedTensor(new_values, self._row_partition, internal=True)

    def with_flat_values(self, new_values):
        """The same nested rows over `new_values` (as many as `flat_values`)."""
        if isinstance(self._values, RaggedTensor):
            return self.with_values(self.values.with_flat_values(new_values))
        return self.with_values(_as_values(new_values))

    def with_row_splits_dtype(self, dtype):
        dtype = _dt.as_dtype(dtype)
        if dtype not in (_dt.int32, _dt.int64):
            raise ValueError("Argument `row_splits` dtype must be int32 or int64. Received %r."
                             % dtype)
        if self._row_partition.dtype == dtype:
            return self
        values = self._values
        if isinstance(values, RaggedTensor):
            values = values.with_row_splits_dtype(dtype)
        return RaggedTensor(values, self._row_partition.with_dtype(dtype), internal=True)

    # ---- conversions (ragged/conversion.py) ------------------------------------------------
    @classmethod
    def from_tensor(cls, tensor, lengths=None, padding=None, ragged_rank=1, name=None,
                    row_splits_dtype=_dt.int64):
        """Rows of a dense `tensor`, cut at `lengths` or before trailing `padding`."""
        from scopeflow.ragged.conversion import from_tensor
        return from_tensor(cls, tensor, lengths, padding, ragged_rank, name, row_splits_dtype)

    def to_tensor(self, default_value=None, name=None, shape=None):
        """A dense tensor: rows padded with `default_value` (0) to the longest, or `shape`."""
        from scopeflow.ragged.conversion import to_tensor
        return to_tensor(self, default_value, name, shape)

    @classmethod
    def from_sparse(cls, st_input, name=None, row_splits_dtype=_dt.int64):
        """Rows of a right-ragged 2-D SparseTensor."""
        from scopeflow.ragged.conversion import from_sparse
        return from_sparse(cls, st_input, name, row_splits_dtype)

    def to_sparse(self, name=None):
        """A SparseTensor of the same values (TF's RaggedTensorToSparse)."""
        from scopeflow.ragged.conversion import to_sparse
        return to_sparse(self, name)

    def merge_dims(self, outer_axis, inner_axis):
        from scopeflow.ragged.conversion import merge_dims_checked
        return merge_dims_checked(self, outer_axis, inner_axis)

    def __getitem__(self, key):
        """`rt[key]`: rows, row slices and column slices, as TF's ragged indexing."""
        from scopeflow.ragged.getitem import ragged_getitem
        return ragged_getitem(self, key)

    # TF's operators: the tf.math functions, dispatched to the flat values
    def __add__(self, y):
        return _math().add(self, y)

    def __radd__(self, x):
        return _math().add(x, self)

    def __sub__(self, y):
        return _math().subtract(self, y)

    def __rsub__(self, x):
        return _math().subtract(x, self)

    def __mul__(self, y):
        return _math().multiply(self, y)

    def __rmul__(self, x):
        return _math().multiply(x, self)

    def __truediv__(self, y):
        return _math().truediv(self, y)

    def __rtruediv__(self, x):
        return _math().truediv(x, self)

    def __pow__(self, y):
        return _math().pow(self, y)

    def __mod__(self, y):
        return _math().floormod(self, y)

    def __neg__(self):
        return _math().negative(self)

    def __abs__(self):
        return _math().abs(self)

    def __gt__(self, y):
        return _math().greater(self, y)

    def __ge__(self, y):
        return _math().greater_equal(self, y)

    def __lt__(self, y):
        return _math().less(self, y)

    def __le__(self, y):
        return _math().less_equal(self, y)

    def __and__(self, y):
        return _math().logical_and(self, y)

    def __or__(self, y):
        return _math().logical_or(self, y)

    __hash__ = object.__hash__

    def to_list(self):
        raise ValueError("to_list can only be used in eager mode.")

    def numpy(self):
        raise ValueError("RaggedTensor.numpy() is only supported in eager mode.")

    # ---- session and graph -----------------------------------------------------------------
    def _session_fetches(self):
        return list(self.nested_row_splits) + [self.flat_values], from_components

    def _session_feed_parts(self, value):
        """(key tensors, values) for a fed RaggedTensorValue, as TF's feed function pairs."""
        keys = list(self.nested_row_splits) + [self.flat_values]
        vals = list(value.nested_row_splits) + [value.flat_values]
        return tuple(keys[:len(vals)]), tuple(vals[:len(keys)])

    def _as_graph_element(self):
        return self.flat_values

    def __repr__(self):
        return "tf.RaggedTensor(values=%s, row_splits=%s)" % (self.values, self.row_splits)

    __str__ = __repr__

    def __bool__(self):
        raise TypeError("Using a symbolic `tf.Tensor` as a Python `bool` is not allowed.")




def is_ragged(value):
    return isinstance(value, (RaggedTensor, RaggedTensorValue))


def convert_to_tensor_or_ragged_tensor(value, dtype=None, preferred_dtype=None, name=None):
    """A RaggedTensor as is, a RaggedTensorValue as constants, anything else a Tensor."""
    if isinstance(value, RaggedTensor):
        if dtype and not _dt.as_dtype(dtype).is_compatible_with(value.dtype):
            raise ValueError("Tensor conversion requested dtype %s for RaggedTensor with dtype "
                             "%s: %s." % (_dt.as_dtype(dtype).name, value.dtype.name, value))
        return value
    if isinstance(value, RaggedTensorValue):
        with name_scope(name, "ConvertToTensorOrRaggedTensor", []):
            flat = convert_to_tensor(value.flat_values, dtype=dtype,
                                     dtype_hint=preferred_dtype, name="flat_values")
            return RaggedTensor.from_nested_row_splits(flat, value.nested_row_splits,
                                                       validate=False)
    return convert_to_tensor(value, dtype=dtype, dtype_hint=preferred_dtype, name=name)


def _as_values(value):
    if isinstance(value, (Tensor, RaggedTensor)):
        return value
    return convert_to_tensor_or_ragged_tensor(value, name="values")


def _math():
    from scopeflow.ops import math
    return math


def _make(fn, convert_first=False):
    """A partition maker for RaggedTensor._partitioned (`values` converted first or not)."""
    fn.convert_first = convert_first
    return fn


def _nrows(tensor, out_type=_dt.int32):
    if isinstance(tensor, RaggedTensor):
        return tensor.nrows(out_type=out_type)
    return _shape(tensor, out_type=out_type)[0]


def _partition_dtype(values):
    return values._row_partition.dtype if isinstance(values, RaggedTensor) else None


def match_row_splits_dtypes(*tensors, return_dtype=False):
    """TF's: RaggedTensors must agree on int32 or int64 splits (no auto-cast in TF1 config)."""
    kinds = {t.row_splits.dtype for t in tensors if isinstance(t, RaggedTensor)}
    if len(kinds) > 1:
        raise ValueError("Input RaggedTensors have mismatched row_splits dtypes; use "
                         "RaggedTensor.with_row_splits_dtype() to convert them to compatible "
                         "dtypes.")
    dtype = kinds.pop() if kinds else _dt.int64
    return (dtype, tensors) if return_dtype else tensors


__all__ = ["RaggedTensor", "RaggedTensorValue", "as_shape", "convert_partition",
           "convert_to_tensor_or_ragged_tensor", "is_ragged", "match_row_splits_dtypes"]
