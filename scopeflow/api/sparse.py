"""`tf.sparse`: SparseTensor and the basic sparse ops (to_dense, reduce_sum, reorder, add, ...)."""

from scopeflow.io.sparse_feature import sparse_reorder as reorder
from scopeflow.ops.sparse_compose import sparse_expand_dims as expand_dims
from scopeflow.ops.sparse_compose import sparse_eye as eye
from scopeflow.ops.sparse_compose import sparse_mask as mask
from scopeflow.ops.sparse_compose import sparse_merge as merge
from scopeflow.ops.sparse_compose import sparse_reset_shape as reset_shape
from scopeflow.ops.sparse_compose import sparse_to_indicator as to_indicator
from scopeflow.ops.sparse_compose import sparse_transpose as transpose
from scopeflow.ops.segments import sparse_segment_mean as segment_mean
from scopeflow.ops.segments import sparse_segment_sqrt_n as segment_sqrt_n
from scopeflow.ops.segments import sparse_segment_sum as segment_sum
from scopeflow.ops.sparse_concat import sparse_concat as concat
from scopeflow.ops.sparse_reduce import sparse_maximum as maximum
from scopeflow.ops.sparse_reduce import sparse_minimum as minimum
from scopeflow.ops.sparse_reduce import sparse_reduce_max as reduce_max
from scopeflow.ops.sparse_reduce import sparse_reduce_max_sparse as reduce_max_sparse
from scopeflow.ops.sparse_reduce import sparse_reduce_sum_sparse as reduce_sum_sparse
from scopeflow.ops.sparse_reduce import sparse_split as split
from scopeflow.ops.sparse_cross import sparse_cross as cross  # noqa: F401
from scopeflow.ops.sparse_cross import sparse_cross_hashed as cross_hashed
from scopeflow.ops.sparse_manip import sparse_from_dense as from_dense
from scopeflow.ops.sparse_manip import sparse_retain as retain
from scopeflow.ops.sparse_ops import sparse_add as add
from scopeflow.ops.sparse_ops import sparse_placeholder as placeholder
from scopeflow.ops.sparse_ops import sparse_reduce_sum as reduce_sum
from scopeflow.ops.sparse_ops import sparse_tensor_dense_matmul as matmul
from scopeflow.ops.sparse_ops import sparse_tensor_dense_matmul as sparse_dense_matmul
from scopeflow.ops.sparse_reshape import sparse_fill_empty_rows as fill_empty_rows
from scopeflow.ops.sparse_reshape import sparse_reshape as reshape
from scopeflow.ops.sparse_slice import sparse_slice as slice
from scopeflow.ops.sparse_softmax import sparse_softmax as softmax
from scopeflow.ops.sparse_to_dense import sparse_tensor_to_dense as to_dense
from scopeflow.sparse_tensor import SparseTensor

__all__ = ["SparseTensor", "add", "expand_dims", "eye", "mask", "maximum", "merge", "minimum",
           "reduce_max", "reduce_max_sparse", "reduce_sum_sparse", "reset_shape", "split",
           "to_indicator", "transpose", "concat", "cross_hashed", "fill_empty_rows", "from_dense",
           "matmul", "placeholder", "reduce_sum", "reorder", "reshape", "retain",
           "segment_mean", "segment_sqrt_n", "segment_sum", "slice", "softmax",
           "sparse_dense_matmul", "to_dense"]
