"""`tf.lookup`: static hash tables and their initializers."""

from scopeflow.ops.lookup_ops import (
    KeyValueTensorInitializer,
    StaticHashTable,
    TextFileIndex,
    TextFileInitializer,
)

__all__ = ["KeyValueTensorInitializer", "StaticHashTable", "TextFileIndex",
           "TextFileInitializer"]
