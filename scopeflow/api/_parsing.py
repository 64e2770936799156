"""Top-level parsing names of TF1: feature specs, parse_example, SparseTensor, ..."""

from scopeflow.io.parse_example import parse_example, parse_single_example
from scopeflow.io.parsing_config import (
    FixedLenFeature,
    FixedLenSequenceFeature,
    SparseFeature,
    VarLenFeature,
)
from scopeflow.sparse_tensor import SparseTensor, SparseTensorValue

__all__ = ["FixedLenFeature", "FixedLenSequenceFeature", "SparseFeature", "SparseTensor",
           "SparseTensorValue", "VarLenFeature", "parse_example", "parse_single_example"]
