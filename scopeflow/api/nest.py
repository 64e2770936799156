"""`tf.nest`: flatten / pack / map over nested lists, tuples, namedtuples and dicts."""

from scopeflow.ops.nest import (
    assert_same_structure,
    flatten,
    is_nested,
    map_structure,
    pack_sequence_as,
)

is_sequence = is_nested

__all__ = ["assert_same_structure", "flatten", "is_nested", "is_sequence", "map_structure",
           "pack_sequence_as"]
