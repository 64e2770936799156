"""`tf.strings`: string ops (host values, never in XLA)."""

from scopeflow.ops.logging_ops import string_format as format
from scopeflow.ops.string_split import strings_split as split
from scopeflow.ops.strings import as_string, join, length, substr, to_hash_bucket_fast
from scopeflow.ops.strings_regex import (reduce_join, regex_full_match, regex_replace,
                                         unsorted_segment_join)
from scopeflow.ops.strings_text import lower, strip, to_hash_bucket, to_hash_bucket_strong, upper
from scopeflow.ops.strings_text import string_to_number as to_number
from scopeflow.ops.strings_unicode import unicode_script, unicode_transcode
from scopeflow.ragged.ragged_strings import (unicode_decode, unicode_decode_with_offsets,
                                             unicode_encode, unicode_split,
                                             unicode_split_with_offsets)

__all__ = ["as_string", "format", "join", "length", "lower", "reduce_join", "regex_full_match",
           "regex_replace", "split", "strip", "substr", "to_hash_bucket", "to_hash_bucket_fast",
           "to_hash_bucket_strong", "to_number", "unicode_decode", "unicode_decode_with_offsets",
           "unicode_encode", "unicode_script", "unicode_split", "unicode_split_with_offsets",
           "unicode_transcode",
           "unsorted_segment_join", "upper"]
