"""`tf.sparse`: SparseTensor and the sparse ops scopeflow has (to_dense, reorder)."""

from scopeflow.io.sparse_feature import sparse_reorder as reorder  # noqa: F401
from scopeflow.ops.sparse_to_dense import sparse_tensor_to_dense as to_dense  # noqa: F401
from scopeflow.sparse_tensor import SparseTensor  # noqa: F401
