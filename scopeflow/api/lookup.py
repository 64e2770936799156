"""`tf.lookup`: static hash tables and their initializers."""

from scopeflow.ops.lookup_ops import KeyValueTensorInitializer, StaticHashTable

__all__ = ["KeyValueTensorInitializer", "StaticHashTable"]
