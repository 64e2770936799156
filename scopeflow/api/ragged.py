"""`tf.ragged`: RaggedTensor factories and ops (graph mode)."""

from scopeflow.ragged.factory import constant, constant_value, placeholder
from scopeflow.ragged.ragged_array import boolean_mask
from scopeflow.ragged.ragged_concat import stack
from scopeflow.ragged.ragged_math import map_flat_values, range  # noqa: A004
from scopeflow.ragged.ragged_tensor import RaggedTensor  # noqa: F401
from scopeflow.ragged.segment_ids import row_splits_to_segment_ids, segment_ids_to_row_splits
from scopeflow.ragged.value import RaggedTensorValue

__all__ = ["RaggedTensorValue", "boolean_mask", "constant", "constant_value", "map_flat_values",
           "placeholder", "range", "row_splits_to_segment_ids", "segment_ids_to_row_splits",
           "stack"]
