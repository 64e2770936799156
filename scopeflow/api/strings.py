"""`tf.strings`: string ops (host values, never in XLA)."""

from scopeflow.ops.logging_ops import string_format as format
from scopeflow.ops.string_split import strings_split as split
from scopeflow.ops.strings import as_string, join, length, substr, to_hash_bucket_fast

__all__ = ["as_string", "format", "join", "length", "split", "substr", "to_hash_bucket_fast"]
