"""TF1 lookup tables (tf.lookup / tf.contrib.lookup): StaticHashTable (HashTable) over a
KeyValueTensorInitializer or a TextFileInitializer, index_table_from_tensor / _from_file,
index_to_string_table_from_tensor / _from_file and tables_initializer, with TF 2.21's graph:
HashTableV2, LookupTableImportV2 / InitializeTableFromTextFileV2 (in TABLE_INITIALIZERS),
LookupTableFindV2, LookupTableSizeV2.

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
from scopeflow.sparse_tensor import SparseTensor, is_sparse

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


@op("InitializeTableFromTextFileV2", infer=lambda *a, **k: [], stateful=True,
    types={"table_handle": ANY, "filename": _dt.string})
def _init_from_text_v2(table_handle, filename, *, key_index, value_index, vocab_size=-1,
                       delimiter="\t", offset=0):
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


def _column(op_, fields, index, line_no, dtype):
    """A text-file table's key or value of one line: the whole line, its number, or a column."""
    if index == TextFileIndex.LINE_NUMBER:
        return line_no
    text = fields[0] if index == TextFileIndex.WHOLE_LINE else None
    if text is None:
        if index >= len(fields[1]):
            raise run_error(errors.InvalidArgumentError, op_,
                            "Invalid number of columns in line %d (%s) : expected at least "
                            "%d got %d" % (line_no, fields[0].decode(errors="replace"),
                                           index + 1, len(fields[1])))
        text = fields[1][index]
    if dtype is _dt.string:
        return text
    return float(text) if dtype.is_floating else int(text)


@host_kernel("InitializeTableFromTextFileV2")
def _init_from_text(ctx, op_, table, filename):
    a = op_._attrs
    path = filename.item() if hasattr(filename, "item") else filename
    path = path.decode() if isinstance(path, bytes) else str(path)
    try:
        with open(path, "rb") as f:
            lines = f.read().split(b"\n")
    except OSError:
        raise run_error(errors.NotFoundError, op_,
                        "%s; No such file or directory" % path) from None
    if lines and lines[-1] == b"":
        lines.pop()
    if a.get("vocab_size", -1) > 0:
        lines = lines[:a["vocab_size"]]
    delim = a.get("delimiter", "\t")
    delim = delim.encode() if isinstance(delim, str) else delim
    key_t, value_t = _table_types(op_)
    data = {}
    for i, line in enumerate(lines):
        fields = (line, line.split(delim))
        key = _column(op_, fields, a["key_index"], i + a.get("offset", 0), key_t)
        data[key] = _column(op_, fields, a["value_index"], i + a.get("offset", 0), value_t)
    table.data = data
    return []


def _table_types(op_):
    """The (key, value) dtypes of the table `op_` fills."""
    attrs = op_.inputs[0].op._attrs
    return _dt.as_dtype(attrs["key_dtype"]).base_dtype, \
        _dt.as_dtype(attrs["value_dtype"]).base_dtype


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
    """The TF1 functions the tables build their graphs from (imported late: they import this)."""
    from types import SimpleNamespace

    from scopeflow.core.contexts import name_scope
    from scopeflow.ops.constant import convert_to_tensor
    from scopeflow.ops.gather import where_v2
    from scopeflow.ops.math import add, not_equal
    from scopeflow.ops.math_cast import cast
    from scopeflow.ops.shape_ops import range as range_, size
    from scopeflow.ops.strings import as_string
    return SimpleNamespace(add=add, as_string=as_string, cast=cast, name_scope=name_scope,
                           convert_to_tensor=convert_to_tensor, not_equal=not_equal,
                           range=range_, size=size, where_v2=where_v2)


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


class TextFileIndex:
    """Which part of a line a text-file table takes: the whole line or its number."""

    WHOLE_LINE = -2
    LINE_NUMBER = -1


class TextFileInitializer:
    """Fills a table from a text file, a key and a value per line (the whole line, its
    number, or a `delimiter`-separated column); the file path joins ASSET_FILEPATHS."""

    def __init__(self, filename, key_dtype, key_index, value_dtype, value_index,
                 vocab_size=None, delimiter="\t", name=None, value_index_offset=0):
        from scopeflow.ops.constant import constant
        if vocab_size is not None and vocab_size <= 0:
            raise ValueError("Invalid vocab_size %s." % vocab_size)
        self.key_dtype, self.value_dtype = _dt.as_dtype(key_dtype), _dt.as_dtype(value_dtype)
        self._attrs = {"key_index": key_index, "value_index": value_index,
                       "vocab_size": -1 if vocab_size is None else vocab_size,
                       "delimiter": delimiter, "offset": value_index_offset}
        self._name = name or "text_file_init"
        self._filename = constant(filename, _dt.string, name="asset_path")
        default_graph().add_to_collection(GraphKeys.ASSET_FILEPATHS, self._filename)

    def initialize(self, table):
        tf = _tf()
        with tf.name_scope(self._name, "text_file_init", (table.resource_handle,)):
            init = _init_from_text_v2(table.resource_handle, self._filename, **self._attrs)
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
        self._name = self._handle.op.name.split("/")[-1]  # (TF's: the op's own, made unique)
        self._init_op = initializer.initialize(self)

    name = property(lambda self: self._name)
    resource_handle = property(lambda self: self._handle)
    initializer = property(lambda self: self._init_op)
    default_value = property(lambda self: self._default_value)

    def lookup(self, keys, name=None):
        """The values of `keys` (same shape; `default_value` where a key is missing)."""
        tf = _tf()
        if is_sparse(keys):
            keys = SparseTensor.from_value(keys)
            return SparseTensor(keys.indices, self.lookup(keys.values, name), keys.dense_shape)
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


class IdTableWithHashBuckets:
    """`table`'s ids, and for keys it lacks one of `num_oov_buckets` buckets after them:
    size + FarmHash Fingerprint64 of the key (integers: of their decimal text, AsString)
    mod num_oov_buckets."""

    def __init__(self, table, num_oov_buckets, key_dtype=None):
        self._table, self._num_oov_buckets = table, num_oov_buckets
        self.key_dtype, self.value_dtype = key_dtype or table.key_dtype, _dt.int64

    name = property(lambda self: self._table.name)
    resource_handle = property(lambda self: self._table.resource_handle)
    initializer = property(lambda self: self._table.initializer)

    def lookup(self, keys, name=None):
        """The ids of `keys`: the table's, else size + the key's hash bucket."""
        from scopeflow.ops.strings import to_hash_bucket_fast
        tf = _tf()
        if is_sparse(keys):
            keys = SparseTensor.from_value(keys)
            return SparseTensor(keys.indices, self.lookup(keys.values, name), keys.dense_shape)
        given = getattr(keys, "dtype", None)  # a tensor of another dtype: TF's TypeError
        keys = tf.convert_to_tensor(keys, dtype=None if given else self.key_dtype, name="keys")
        if keys.dtype.base_dtype is not self.key_dtype:
            raise TypeError("Dtype of argument `keys` must be %s, received: %s"
                            % (self.key_dtype, keys.dtype))
        if self._table.key_dtype.base_dtype is _dt.int64:  # int32 keys of an int64 table
            keys = tf.cast(keys, _dt.int64)
        with tf.name_scope(name, "%s_Lookup" % self.name, (keys,)):
            text = keys if keys.dtype.base_dtype is _dt.string else tf.as_string(keys)
            buckets = to_hash_bucket_fast(text, self._num_oov_buckets, name="hash_bucket")
            ids = self._table.lookup(keys)
            buckets = tf.add(buckets, self._table.size())
            known = tf.not_equal(ids, self._table.default_value)
            return tf.where_v2(known, ids, buckets)

    def size(self, name=None):
        """The table's entries plus the buckets (int64 scalar)."""
        tf = _tf()
        with tf.name_scope(name, "%s_Size" % self.name):
            return self._table.size() + self._num_oov_buckets


def _with_buckets(table, num_oov_buckets, hasher_spec, key_dtype):
    if hasher_spec is not None and type(hasher_spec).__name__ != "HasherSpec" or (
            hasher_spec is not None and hasher_spec.hasher != "fasthash"):
        raise NotImplementedError("only the default hasher (FarmHash Fingerprint64, "
                                  "StringToHashBucketFast) is provided by scopeflow")
    return IdTableWithHashBuckets(table, num_oov_buckets, _dt.as_dtype(key_dtype)) \
        if num_oov_buckets else table


def index_table_from_tensor(vocabulary_list, num_oov_buckets=0, default_value=-1,
                            hasher_spec=None, dtype=_dt.string, name=None):
    """A table from each entry of `vocabulary_list` to its index (int64)."""
    tf = _tf()
    if vocabulary_list is None:
        raise ValueError("vocabulary_list must be specified.")
    if num_oov_buckets < 0:
        raise ValueError("num_oov_buckets must be greater or equal than 0, got %d."
                         % num_oov_buckets)
    with tf.name_scope(name, "string_to_index"):
        keys = tf.convert_to_tensor(vocabulary_list)
        dtype = _dt.as_dtype(dtype)
        if keys.dtype.is_integer != dtype.is_integer:
            raise ValueError("Invalid `dtype`: Expected %s, got %s." % (
                "integer" if dtype.is_integer else "non-integer", keys.dtype))
        if not dtype.is_integer and keys.dtype.base_dtype is not dtype:
            raise ValueError("Invalid `dtype`: Expected %s, got %s." % (dtype, keys.dtype))
        size = tf.size(keys)
        values = tf.cast(tf.range(size), _dt.int64)
        with tf.name_scope(None, "hash_table"):
            if keys.dtype.is_integer:  # integer vocabularies are int64 tables
                keys = tf.cast(keys, _dt.int64)
            init = KeyValueTensorInitializer(keys, values, keys.dtype.base_dtype, _dt.int64,
                                             name="table_init")
            table = StaticHashTable(init, default_value)
        return _with_buckets(table, num_oov_buckets, hasher_spec, dtype)


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


def initialize_all_tables(name="init_all_tables"):
    """TF's deprecated alias of `tables_initializer`."""
    return tables_initializer(name)


def index_table_from_file(vocabulary_file=None, num_oov_buckets=0, vocab_size=None,
                          default_value=-1, hasher_spec=None, key_dtype=_dt.string,
                          name=None, key_column_index=TextFileIndex.WHOLE_LINE,
                          value_column_index=TextFileIndex.LINE_NUMBER, delimiter="\t"):
    """A table from each line (or column) of `vocabulary_file` to its line number (int64)."""
    tf = _tf()
    if vocabulary_file is None or (isinstance(vocabulary_file, str) and not vocabulary_file):
        raise ValueError("vocabulary_file must be specified and must not be empty.")
    if num_oov_buckets < 0:
        raise ValueError("num_oov_buckets must be greater or equal than 0, got %d."
                         % num_oov_buckets)
    with tf.name_scope(name, "string_to_index"):
        with tf.name_scope(None, "hash_table"):
            init = TextFileInitializer(vocabulary_file, _dt.int64 if key_dtype.is_integer
                                       else key_dtype, key_column_index, _dt.int64,
                                       value_column_index, vocab_size, delimiter,
                                       name="table_init")
            table = StaticHashTable(init, default_value)
        return _with_buckets(table, num_oov_buckets, hasher_spec, key_dtype)


def index_to_string_table_from_file(vocabulary_file, vocab_size=None, default_value="UNK",
                                    name=None, key_column_index=TextFileIndex.LINE_NUMBER,
                                    value_column_index=TextFileIndex.WHOLE_LINE,
                                    delimiter="\t"):
    """A table from each line number (int64) of `vocabulary_file` to the line (or column)."""
    tf = _tf()
    if vocabulary_file is None or (isinstance(vocabulary_file, str) and not vocabulary_file):
        raise ValueError("vocabulary_file must be specified and must not be empty.")
    with tf.name_scope(name, "index_to_string"):
        init = TextFileInitializer(vocabulary_file, _dt.int64, key_column_index, _dt.string,
                                   value_column_index, vocab_size, delimiter, name="table_init")
        return StaticHashTable(init, default_value)
