"""tf.contrib.lookup.MutableHashTable (TF1's lookup_ops.MutableHashTable): a table that
`insert`, `remove` and `export` change at run time, saved in checkpoints as TF saves it
(`<name>-keys`, `<name>-values`); MutableHashTableV2, LookupTableInsertV2,
LookupTableRemoveV2, LookupTableExportV2 as host ops over the Session's table.

>>> import scopeflow as tf
>>> t = MutableHashTable(tf.string, tf.int64, -1)
>>> t.insert(tf.constant(["a"]), tf.constant([1], tf.int64)).name
'MutableHashTable_lookup_table_insert/LookupTableInsertV2'
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow import errors
from scopeflow.checkpoint.saveables import SaveableObject, SaveSpec
from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys
from scopeflow.core.shape import TensorShape
from scopeflow.lowering.context import run_error
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops import lookup_ops as lo
from scopeflow.ops import queue_state as qs
from scopeflow.ops.registry import ANY, op


@op("MutableHashTableV2", infer=lambda **a: [(TensorShape([]), _dt.resource)], stateful=True)
def _mutable_hash_table_v2(*, key_dtype, value_dtype, container="", shared_name="",
                           use_node_name_sharing=False):
    lo._host_only()


@op("LookupTableInsertV2", infer=lambda *a, **k: [], stateful=True,
    types={"table_handle": ANY, "keys": ANY, "values": ANY})
def _insert_v2(table_handle, keys, values, *, Tin, Tout):
    lo._host_only()


@op("LookupTableRemoveV2", infer=lambda *a, **k: [], stateful=True,
    types={"table_handle": ANY, "keys": ANY})
def _remove_v2(table_handle, keys, *, Tin):
    lo._host_only()


@op("LookupTableExportV2", infer=lambda h, **a: [(TensorShape(None), a["Tkeys"]),
                                                 (TensorShape(None), a["Tvalues"])],
    stateful=True, multi=True, types={"table_handle": ANY})
def _export_v2(table_handle, *, Tkeys, Tvalues):
    lo._host_only()


@host_kernel("MutableHashTableV2")
def _create(ctx, op_):
    def make(name):
        table = lo.TableState(name)
        table.data = {}
        return table

    return [qs.get_or_create(ctx, op_, make)]


@host_kernel("LookupTableInsertV2")
def _insert(ctx, op_, table, keys, values):
    keys, values = np.asarray(keys), np.asarray(values)
    if keys.shape != values.shape:
        raise run_error(errors.InvalidArgumentError, op_, "Expected shape %s for value, got %s"
                        % (list(keys.shape), list(values.shape)))
    table.data.update((lo._key(k), v) for k, v in zip(keys.ravel(), values.ravel()))
    return []


@host_kernel("LookupTableRemoveV2")
def _remove(ctx, op_, table, keys):
    for k in np.asarray(keys).ravel():
        table.data.pop(lo._key(k), None)
    return []


@host_kernel("LookupTableExportV2")
def _export(ctx, op_, table):
    keys_t, values_t = (op_._attrs["Tkeys"], op_._attrs["Tvalues"])

    def array(items, dtype):
        dtype = _dt.as_dtype(dtype).base_dtype
        out = np.empty(len(items), object if dtype is _dt.string else dtype.as_numpy_dtype)
        out[:] = items
        return out

    items = list(table.data.items())
    return [array([k for k, _ in items], keys_t), array([v for _, v in items], values_t)]


class _TableSaveable(SaveableObject):
    """A MutableHashTable in a checkpoint: its exported keys and values, restored by import."""

    def __init__(self, table, name):
        keys, values = table.export()
        super().__init__(table.resource_handle, [SaveSpec(keys, "", name + "-keys"),
                                                 SaveSpec(values, "", name + "-values")], name)
        self._table = table

    def restore(self, restored_tensors, restored_shapes):
        with default_graph().colocate_with(self._table.resource_handle.op):
            return lo._import_v2(self._table.resource_handle, restored_tensors[0],
                                 restored_tensors[1], Tin=self._table.key_dtype,
                                 Tout=self._table.value_dtype)


class MutableHashTable:
    """A key -> value table changed by `insert` / `remove` at run time; `lookup` gives
    `default_value` for missing keys. Empty when a Session starts; saved by a Saver."""

    def __init__(self, key_dtype, value_dtype, default_value, name="MutableHashTable",
                 checkpoint=True):
        tf = lo._tf()
        self.key_dtype, self.value_dtype = _dt.as_dtype(key_dtype), _dt.as_dtype(value_dtype)
        self._default_value = tf.convert_to_tensor(default_value, dtype=self.value_dtype)
        self._handle = _mutable_hash_table_v2(
            name=name, key_dtype=self.key_dtype, value_dtype=self.value_dtype,
            use_node_name_sharing=True)
        self._name = self._handle.op.name
        if checkpoint:
            default_graph().add_to_collection(GraphKeys.SAVEABLE_OBJECTS,
                                              _TableSaveable(self, self._name))

    name = property(lambda self: self._name)
    resource_handle = property(lambda self: self._handle)
    default_value = property(lambda self: self._default_value)

    def _scope(self, name, what, values):
        tf = lo._tf()
        return tf.name_scope(name, "%s_%s" % (self._name, what), values)

    def _keys(self, keys):
        return lo._tf().convert_to_tensor(keys, dtype=self.key_dtype, name="keys")

    def size(self, name=None):
        """The number of entries (int64 scalar)."""
        with self._scope(name, "Size", (self._handle,)), \
                default_graph().colocate_with(self._handle.op):
            return lo._size_v2(self._handle)

    def lookup(self, keys, name=None):
        """The values of `keys` (same shape; `default_value` where a key is missing)."""
        with self._scope(name, "lookup_table_find", (self._handle, keys)), \
                default_graph().colocate_with(self._handle.op):
            return lo._find_v2(self._handle, self._keys(keys), self._default_value,
                               Tin=self.key_dtype, Tout=self.value_dtype)

    def insert(self, keys, values, name=None):
        """An op that sets `values` for `keys` (of the same shape)."""
        tf = lo._tf()
        with self._scope(name, "lookup_table_insert", (self._handle, keys, values)), \
                default_graph().colocate_with(self._handle.op):
            values = tf.convert_to_tensor(values, dtype=self.value_dtype, name="values")
            return _insert_v2(self._handle, self._keys(keys), values, Tin=self.key_dtype,
                              Tout=self.value_dtype)

    def remove(self, keys, name=None):
        """An op that removes `keys` (missing ones are ignored)."""
        with self._scope(name, "lookup_table_remove", (self._handle, keys)):
            return _remove_v2(self._handle, self._keys(keys), Tin=self.key_dtype)

    def export(self, name=None):
        """(keys, values): every entry, in no particular order."""
        with self._scope(name, "lookup_table_export_values", (self._handle,)), \
                default_graph().colocate_with(self._handle.op):
            return _export_v2(self._handle, Tkeys=self.key_dtype, Tvalues=self.value_dtype)
