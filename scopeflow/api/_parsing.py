"""Top-level parsing names of TF1: feature specs, parse_example, decoders, SparseTensor."""

from scopeflow.io.decode_ops import (
    decode_csv,
    decode_raw,
    parse_tensor,
    serialize_tensor,
)
from scopeflow.io.parse_example import parse_example, parse_single_example
from scopeflow.io.parse_sequence import parse_single_sequence_example
from scopeflow.io.parsing_config import (
    FixedLenFeature,
    FixedLenSequenceFeature,
    SparseFeature,
    VarLenFeature,
)
from scopeflow.io.sparse_feature import sparse_reorder
from scopeflow.ops.sparse_to_dense import sparse_tensor_to_dense, sparse_to_dense
from scopeflow.sparse_tensor import SparseTensor, SparseTensorValue

__all__ = ["FixedLenFeature", "FixedLenSequenceFeature", "SparseFeature", "SparseTensor",
           "SparseTensorValue", "VarLenFeature", "decode_csv", "decode_raw", "parse_example",
           "parse_single_example", "parse_single_sequence_example", "parse_tensor",
           "serialize_tensor", "sparse_reorder", "sparse_tensor_to_dense", "sparse_to_dense"]
