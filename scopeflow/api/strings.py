"""`tf.strings`: string ops (host values, never in XLA)."""

from scopeflow.ops.logging_ops import string_format as format
from scopeflow.ops.strings import as_string, join, length, substr, to_hash_bucket_fast

__all__ = ["as_string", "format", "join", "length", "substr", "to_hash_bucket_fast"]
