"""TF1 lookup tables (tf.lookup / tf.contrib.lookup): StaticHashTable (HashTable) over a
KeyValueTensorInitializer, index_table_from_tensor, index_to_string_table_from_tensor and
tables_initializer, with TF 2.21's graph: HashTableV2, LookupTableImportV2 (in
TABLE_INITIALIZERS), LookupTableFindV2, LookupTableSizeV2.

The table ops run on the host, as the queue ops do: HashTableV2 yields the Session's table
(a dict from key to value) as its resource value; the other ops read or fill it.

>>> import scopeflow as tf
>>> t = index_table_from_tensor(tf.constant(["a", "b"]))
>>> t.lookup(tf.constant(["b"])).op.name, tables_initializer().name
('hash_table_Lookup/LookupTableFindV2', 'init_all_tables')
"""

import uuid

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow import errors
from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys
from scopeflow.core.shape import TensorShape
from scopeflow.lowering.context import run_error
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops import queue_state as qs
from scopeflow.ops.registry import ANY, op

_SCALAR = TensorShape([])


def _host_only(*args, **attrs):
    raise NotImplementedError("lookup table ops run on the host, not in a compiled program")


@op("HashTableV2", infer=lambda **a: [(_SCALAR, _dt.resource)], stateful=True)
def _hash_table_v2(*, key_dtype, value_dtype, container="", shared_name="",
                   use_node_name_sharing=False):
    _host_only()


@op("LookupTableImportV2", infer=lambda *a, **k: [], stateful=True,
    types={"table_handle": ANY, "keys": ANY, "values": ANY})
def _import_v2(table_handle, keys, values, *, Tin, Tout):
    _host_only()


@op("LookupTableFindV2", infer=lambda h, keys, default, **a: [(keys.shape, a["Tout"])],
    stateful=True, types={"table_handle": ANY, "keys": ANY, "default_value": ANY})
def _find_v2(table_handle, keys, default_value, *, Tin, Tout):
    _host_only()


@op("LookupTableSizeV2", infer=lambda h: [(_SCALAR, _dt.int64)], stateful=True,
    types={"table_handle": ANY})
def _size_v2(table_handle):
    _host_only()


class TableState:
    """One Session's hash table: key -> value, filled by its initializer."""

    def __init__(self, name):
        self.name, self.data = name, None


def _key(v):
    return v if isinstance(v, bytes) else v.item() if hasattr(v, "item") else v


@host_kernel("HashTableV2")
def _create(ctx, op_):
    return [qs.get_or_create(ctx, op_, TableState)]


@host_kernel("LookupTableImportV2")
def _import(ctx, op_, table, keys, values):
    keys, values = np.asarray(keys), np.asarray(values)
    if keys.shape != values.shape:
        raise run_error(errors.InvalidArgumentError, op_,
                        "Expected shape %s for value, got %s" % (
                            list(keys.shape), list(values.shape)))
    table.data = {_key(k): v for k, v in zip(keys.ravel(), values.ravel())}
    return []


def _ready(op_, table):
    if table.data is None:
        raise run_error(errors.FailedPreconditionError, op_,
                        "Table not initialized.")
    return table.data


@host_kernel("LookupTableFindV2")
def _find(ctx, op_, table, keys, default):
    data = _ready(op_, table)
    keys, default = np.asarray(keys), np.asarray(default)
    dtype = op_._outputs[0].dtype.base_dtype
    np_type = object if dtype is _dt.string else dtype.as_numpy_dtype
    out = np.empty(keys.shape, np_type)
    flat, fallback = out.reshape(-1), default.reshape(-1)[0] if default.size else None
    for i, k in enumerate(keys.ravel()):
        flat[i] = data.get(_key(k), fallback)
    return [out]


@host_kernel("LookupTableSizeV2")
def _size(ctx, op_, table):
    return [np.asarray(len(_ready(op_, table)), np.int64)]


def _tf():
    import scopeflow.compat.v1 as tf
    return tf


class KeyValueTensorInitializer:
    """Fills a table from `keys` and `values` tensors (one LookupTableImportV2)."""

    def __init__(self, keys, values, key_dtype=None, value_dtype=None, name=None):
        tf = _tf()
        with tf.name_scope(name, "key_value_init", (keys, values)) as scope:
            self._keys = tf.convert_to_tensor(keys, dtype=key_dtype, name="keys")
            self._values = tf.convert_to_tensor(values, dtype=value_dtype, name="values")
            self._name = scope
        self.key_dtype = self._keys.dtype.base_dtype
        self.value_dtype = self._values.dtype.base_dtype

    def initialize(self, table):
        tf = _tf()
        with tf.name_scope(self._name, values=(table.resource_handle, self._keys,
                                               self._values)):
            init = _import_v2(table.resource_handle, self._keys, self._values,
                              Tin=self.key_dtype, Tout=self.value_dtype)
        default_graph().add_to_collection(GraphKeys.TABLE_INITIALIZERS, init)
        return init


class StaticHashTable:
    """A table from keys to values fixed by its initializer; `lookup` maps missing keys to
    `default_value` (TF1's tf.lookup.StaticHashTable / tf.contrib.lookup.HashTable)."""

    def __init__(self, initializer, default_value, name=None):
        tf = _tf()
        self._initializer = initializer
        self.key_dtype, self.value_dtype = initializer.key_dtype, initializer.value_dtype
        self._name = name or "hash_table"
        self._default_value = tf.convert_to_tensor(default_value, dtype=self.value_dtype)
        self._handle = _hash_table_v2(
            name=self._name, key_dtype=self.key_dtype, value_dtype=self.value_dtype,
            shared_name="%s_%s" % (self._name, uuid.uuid4()))
        self._init_op = initializer.initialize(self)

    name = property(lambda self: self._name)
    resource_handle = property(lambda self: self._handle)
    initializer = property(lambda self: self._init_op)
    default_value = property(lambda self: self._default_value)

    def lookup(self, keys, name=None):
        """The values of `keys` (same shape; `default_value` where a key is missing)."""
        tf = _tf()
        with tf.name_scope(name, "%s_Lookup" % self._name, (self._handle, keys)):
            keys = tf.convert_to_tensor(keys, dtype=self.key_dtype, name="keys")
            if keys.dtype.base_dtype != self.key_dtype:
                raise TypeError("Signature mismatch. Keys must be dtype %s, got %s."
                                % (self.key_dtype, keys.dtype))
            return _find_v2(self._handle, keys, self._default_value, Tin=self.key_dtype,
                            Tout=self.value_dtype)

    def size(self, name=None):
        """The number of entries (int64 scalar)."""
        tf = _tf()
        with tf.name_scope(name, "%s_Size" % self._name, (self._handle,)):
            return _size_v2(self._handle)


HashTable = StaticHashTable


def index_table_from_tensor(vocabulary_list, num_oov_buckets=0, default_value=-1,
                            hasher_spec=None, dtype=_dt.string, name=None):
    """A table from each entry of `vocabulary_list` to its index (int64)."""
    tf = _tf()
    if vocabulary_list is None:
        raise ValueError("vocabulary_list must be specified.")
    if num_oov_buckets:
        raise NotImplementedError("index_table_from_tensor(num_oov_buckets > 0) (hash buckets "
                                  "for unknown keys) is not provided by scopeflow yet")
    with tf.name_scope(name, "string_to_index"):
        keys = tf.convert_to_tensor(vocabulary_list)
        if keys.dtype.is_integer != dtype.is_integer:
            raise ValueError("Invalid dtype %s, expected %s." % (keys.dtype, dtype))
        size = tf.size(keys)
        values = tf.cast(tf.range(size), _dt.int64)
        with tf.name_scope(None, "hash_table"):
            init = KeyValueTensorInitializer(keys, values, _dt.int64 if dtype.is_integer
                                             else dtype, _dt.int64, name="table_init")
            return StaticHashTable(init, default_value)


def index_to_string_table_from_tensor(vocabulary_list, default_value="UNK", name=None):
    """A table from each index (int64) into `vocabulary_list` to its string."""
    tf = _tf()
    if vocabulary_list is None:
        raise ValueError("vocabulary_list must be specified.")
    with tf.name_scope(name, "index_to_string"):
        vocab = tf.convert_to_tensor(vocabulary_list, _dt.string)
        keys = tf.cast(tf.range(tf.size(vocab)), _dt.int64)
        init = KeyValueTensorInitializer(keys, vocab, _dt.int64, _dt.string, name="table_init")
        return StaticHashTable(init, default_value)


def tables_initializer(name="init_all_tables"):
    """The op that runs every table initializer (TABLE_INITIALIZERS), or a NoOp."""
    from scopeflow.saved_model.main_op import tables_initializer as init
    return init(name)
