"""Partitioned variables: `PartitionedVariable`, its shards `v/part_N`, and the partitioners."""

import math

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape


class SaveSliceInfo:
    """Where a shard sits in its full variable (TF's `Variable.SaveSliceInfo`)."""

    def __init__(self, full_name=None, full_shape=None, var_offset=None, var_shape=None,
                 save_slice_info_def=None, import_scope=None):
        if save_slice_info_def is not None:
            d = save_slice_info_def
            self.full_name = (import_scope + "/" + d.full_name) if import_scope else d.full_name
            self.full_shape = list(d.full_shape)
            self.var_offset = list(d.var_offset)
            self.var_shape = list(d.var_shape)
        else:
            self.full_name = full_name
            self.full_shape = full_shape
            self.var_offset = var_offset
            self.var_shape = var_shape

    @property
    def spec(self):
        """'7 2 0,3:0,2': the full shape, then offset,length per dimension."""
        full = " ".join("%d" % d for d in self.full_shape) + " "
        return full + ":".join("%d,%d" % (o, s) for o, s in zip(self.var_offset, self.var_shape))

    def to_proto(self, export_scope=None):
        from tensorboard.compat.proto import variable_pb2
        if export_scope is not None and not self.full_name.startswith(export_scope):
            return None
        d = variable_pb2.SaveSliceInfoDef()
        name = self.full_name
        if export_scope and name.startswith(export_scope + "/"):
            name = name[len(export_scope) + 1:]
        d.full_name = name
        d.full_shape.extend(self.full_shape)
        d.var_offset.extend(self.var_offset)
        d.var_shape.extend(self.var_shape)
        return d


class PartitionInfo:
    """Full shape and offset of one shard, passed to initializers as `partition_info`."""

    __slots__ = ("_full_shape", "_var_offset")

    def __init__(self, full_shape, var_offset):
        if not isinstance(full_shape, (list, tuple)):
            raise TypeError("`full_shape` must be a sequence (like tuple or list) instead of "
                            + type(full_shape).__name__)
        if not isinstance(var_offset, (list, tuple)):
            raise TypeError("`var_offset` must be a sequence (like tuple or list) instead of "
                            + type(var_offset).__name__)
        if len(var_offset) != len(full_shape):
            raise ValueError("Expected equal length, but `var_offset` is of length {} while "
                             "full_shape is of length {}.".format(len(var_offset),
                                                                 len(full_shape)))
        self._full_shape = full_shape
        self._var_offset = var_offset

    full_shape = property(lambda self: self._full_shape)
    var_offset = property(lambda self: self._var_offset)

    def single_offset(self, shape):
        dim = self.single_slice_dim(shape)
        return 0 if dim is None else self.var_offset[dim]

    def single_slice_dim(self, shape):
        dims = [i for i, (s, f) in enumerate(zip(shape, self.full_shape)) if s != f]
        if len(dims) > 1:
            raise ValueError("Cannot use single_slice_dim() with shape={} and full_shape={} since "
                             "slice dim could be one of {}".format(shape, self.full_shape, dims))
        return dims[0] if dims else None


class PartitionedVariable:
    """A variable stored as shards `name/part_0..n-1` along one axis; converts by concat.

    >>> import scopeflow as tf
    >>> with tf.variable_scope("s", partitioner=tf.fixed_size_partitioner(2)):
    ...     v = tf.get_variable("v", [4, 2])
    >>> [p.name for p in v]
    ['s/v/part_0:0', 's/v/part_1:0']
    """

    def __init__(self, name, shape, dtype, variable_list, partitions):
        if not isinstance(variable_list, (list, tuple)):
            raise TypeError("variable_list is not a list or tuple: %s" % variable_list)
        if not isinstance(partitions, (list, tuple)):
            raise TypeError("partitions is not a list or tuple: %s" % partitions)
        if not all(p >= 1 for p in partitions):
            raise ValueError("partition values must be positive: %s" % partitions)
        if not variable_list:
            raise ValueError("variable_list may not be empty")
        self._variable_list = sorted(variable_list,
                                     key=lambda v: v._get_save_slice_info().var_offset)
        self._name = name
        self._shape = shape
        self._dtype = dtype
        self._partitions = partitions

    def __iter__(self):
        return iter(self._variable_list)

    def __len__(self):
        axes = self._partition_axes()
        if len(axes) > 1:
            raise ValueError("Cannot get a length for %d > 1 partition axes" % len(axes))
        return len(self._variable_list)

    def __repr__(self):
        return "<PartitionedVariable '%s' shape=%s dtype=%s>" % (self._name, self._shape,
                                                                self._dtype.name)

    name = property(lambda self: self._name)
    dtype = property(lambda self: self._dtype)
    shape = property(lambda self: self._shape)
    graph = property(lambda self: self._variable_list[0].graph)

    def get_shape(self):
        return self._shape

    def _get_variable_list(self):
        return self._variable_list

    def _get_partitions(self):
        return self._partitions

    def _partition_axes(self):
        if all(p == 1 for p in self._partitions):
            return [0]
        return [i for i, p in enumerate(self._partitions) if p > 1]

    def as_tensor(self):
        """The shards concatenated (`name/ConcatPartitions/concat`), as Identity `name`."""
        g = self._variable_list[0].graph
        with g.control_dependencies(None):
            return self._concat(g)

    def _concat(self, g):
        from scopeflow.ops.array import identity
        from scopeflow.ops.joining import concat
        if len(self._variable_list) == 1:
            with g.name_scope(None):
                return identity(self._variable_list[0], name=self._name)
        axes = self._partition_axes()
        if len(axes) > 1:
            raise NotImplementedError("Cannot concatenate along more than one dimension: %s.  "
                                      "Multi-axis partition concat is not supported" % axes)
        with g.name_scope(self._name + "/ConcatPartitions/"):
            joined = concat(self._variable_list, axes[0])
        with g.name_scope(None):
            return identity(joined, name=self._name)

    def _as_graph_tensor(self):
        return self.as_tensor()

    def _apply_assign(self, method, value, options):
        from scopeflow.ops.joining import split
        axes = self._partition_axes()
        if len(axes) > 1:
            raise NotImplementedError("Cannot do assign action along more than one dimension: "
                                      "%s.  Multi-axis partition assign action is not supported "
                                      % axes)
        if isinstance(value, list):
            values = value
        elif isinstance(value, PartitionedVariable):
            values = list(value)
        else:
            sizes = [int(v.shape[axes[0]]) for v in self._variable_list]
            values = split(value, sizes, axis=axes[0])
        return [getattr(v, method)(values[i], **options)
                for i, v in enumerate(self._variable_list)]

    def assign(self, value, use_locking=False, name=None, read_value=True):
        return self._apply_assign("assign", value, dict(use_locking=use_locking, name=name,
                                                        read_value=read_value))

    def assign_add(self, value, use_locking=False, name=None, read_value=True):
        return self._apply_assign("assign_add", value, dict(use_locking=use_locking, name=name,
                                                            read_value=read_value))

    def assign_sub(self, value, use_locking=False, name=None, read_value=True):
        return self._apply_assign("assign_sub", value, dict(use_locking=use_locking, name=name,
                                                            read_value=read_value))

    @staticmethod
    def _TensorConversionFunction(v, dtype=None, name=None, as_ref=False):  # noqa: N802
        if dtype is not None and not dtype.is_compatible_with(v.dtype):
            raise ValueError("Incompatible type conversion requested to type '%s' for variable "
                             "of type '%s'" % (dtype.name, v.dtype.name))
        if as_ref:
            raise NotImplementedError("PartitionedVariable doesn't support being used as a "
                                      "reference.")
        return v.as_tensor()


def _register_conversion():
    from scopeflow.ops.constant import register_tensor_conversion_function
    register_tensor_conversion_function(PartitionedVariable,
                                        PartitionedVariable._TensorConversionFunction)


_register_conversion()


# ---- partitioners ----------------------------------------------------------------------------
def fixed_size_partitioner(num_shards, axis=0):
    """`tf.fixed_size_partitioner`: `num_shards` shards along `axis` (fewer if the axis is short).

    >>> fixed_size_partitioner(3)(TensorShape([7, 2]))
    [3, 1]
    """

    def _partitioner(shape, **unused_args):
        partitions = [1] * len(shape)
        partitions[axis] = min(num_shards, shape.dims[axis].value)
        return partitions

    return _partitioner


def variable_axis_size_partitioner(max_shard_bytes, axis=0, bytes_per_string_element=16,
                                   max_shards=None):
    """`tf.variable_axis_size_partitioner`: shards of at most `max_shard_bytes` along `axis`."""
    if max_shard_bytes < 1 or bytes_per_string_element < 1:
        raise ValueError("Both max_shard_bytes and bytes_per_string_element must be positive. "
                         "Currently, max_shard_bytes is %s andbytes_per_string_element is %s"
                         % (max_shard_bytes, bytes_per_string_element))
    if max_shards and max_shards < 1:
        raise ValueError("max_shards must be positive.")

    def _partitioner(shape, dtype):
        if not isinstance(shape, TensorShape):
            raise ValueError("shape is not a TensorShape: %s" % shape)
        if not shape.is_fully_defined():
            raise ValueError("shape is not fully defined: %s" % shape)
        dtype = _dt.as_dtype(dtype)
        size = bytes_per_string_element if dtype.base_dtype == _dt.string else dtype.size
        partitions = [1] * shape.ndims
        bytes_per_slice = 1.0 * (shape.num_elements() / shape.dims[axis].value) * size
        slices_per_shard = max(1, math.floor(max_shard_bytes / bytes_per_slice))
        shards = int(math.ceil(1.0 * shape.dims[axis].value / slices_per_shard))
        partitions[axis] = min(max_shards, shards) if max_shards else shards
        return partitions

    return _partitioner


def min_max_variable_partitioner(max_partitions=1, axis=0, min_slice_size=256 << 10,
                                 bytes_per_string_element=16):
    """`tf.min_max_variable_partitioner`: shards of at least `min_slice_size` bytes.

    >>> min_max_variable_partitioner(4, min_slice_size=8)(TensorShape([10, 3]), "float32")
    [4, 1]
    """

    def _partitioner(shape, dtype):
        if axis >= len(shape):
            raise ValueError("Cannot partition variable along axis %s when shape is only %s"
                             % (axis, shape))
        dtype = _dt.as_dtype(dtype)
        size = bytes_per_string_element if dtype.base_dtype == _dt.string else dtype.size
        partitions = shape.num_elements() * size / min_slice_size
        out = [1] * len(shape)
        out[axis] = max(1, min(shape.dims[axis].value, max_partitions,
                               int(math.ceil(partitions))))
        return out

    return _partitioner


def call_partitioner(partitioner, shape, dtype):
    """The partitioner's slicing, checked as TF does (one axis, rank >= 1)."""
    if not shape.is_fully_defined():
        raise ValueError("Shape of a new partitioned variable must be fully defined, but instead "
                         "was %s." % (shape,))
    if shape.ndims < 1:
        raise ValueError("A partitioned Variable must have rank at least 1, shape: %s" % shape)
    slicing = partitioner(shape=shape, dtype=dtype)
    if not isinstance(slicing, (list, tuple)):
        raise ValueError("Partitioner must return a sequence, but saw: %s" % slicing)
    if len(slicing) != shape.ndims:
        raise ValueError("Partitioner returned a partition list that does not match the "
                         "Variable's rank: %s vs. %s" % (slicing, shape))
    if any(p < 1 for p in slicing):
        raise ValueError("Partitioner returned zero partitions for some axes: %s" % slicing)
    if sum(p > 1 for p in slicing) > 1:
        raise ValueError("Can only slice a variable along one dimension: shape: %s, "
                         "partitioning: %s" % (shape, slicing))
    return slicing


def slice_dim_and_count(slicing):
    for i, n in enumerate(slicing):
        if n > 1:
            return i, n
    return 0, 1


def iter_slices(full_shape, num_slices, slice_dim):
    """(offset, shape) of each shard; the first `len % n` shards are one longer."""
    excess = full_shape[slice_dim] % num_slices
    offset = [0] * len(full_shape)
    base = full_shape[slice_dim] // num_slices
    for i in range(num_slices):
        shape = full_shape[:]
        shape[slice_dim] = base + (i < excess)
        yield offset[:], shape
        offset[slice_dim] += shape[slice_dim]
