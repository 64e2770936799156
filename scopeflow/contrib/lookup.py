"""`tf.contrib.lookup`: TF1's hash tables and vocabulary tables."""

from scopeflow.ops.lookup_mutable import MutableHashTable
from scopeflow.ops.lookup_ops import (
    HashTable,
    KeyValueTensorInitializer,
    TextFileIndex,
    TextFileInitializer,
    index_table_from_file,
    index_table_from_tensor,
    index_to_string_table_from_file,
    index_to_string_table_from_tensor,
    tables_initializer,
)

__all__ = ["HashTable", "KeyValueTensorInitializer", "MutableHashTable", "TextFileIndex",
           "TextFileInitializer", "index_table_from_file", "index_table_from_tensor",
           "index_to_string_table_from_file", "index_to_string_table_from_tensor",
           "tables_initializer"]
