"""Top-level array and control-flow ops (`tf.reshape`, `tf.concat`, `tf.gather`, `tf.cond`, ...)."""
# ruff: noqa: F401 - re-exports

from scopeflow.ops.array import (bitcast, broadcast_dynamic_shape, broadcast_static_shape,
                                 broadcast_to, ensure_shape, expand_dims, guarantee_const,
                                 identity_n, reshape, roll, squeeze, stop_gradient, transpose)
from scopeflow.ops.control_flow import case, cond, while_loop
from scopeflow.ops.diag_ops import (diag, diag_part, eye, matrix_band_part, matrix_diag,
                                    matrix_diag_part, matrix_set_diag)
from scopeflow.ops.functional_ops import foldl, foldr, map_fn, scan
from scopeflow.ops.function_call import function
from scopeflow.ops.dynamic_shape import dynamic_partition, dynamic_stitch
from scopeflow.ops.edit_distance import edit_distance
from scopeflow.ops.batch_gather import batch_gather
from scopeflow.ops.gather import (boolean_mask, gather, gather_nd,
                                  invert_permutation, scatter_nd, searchsorted, setdiff1d,
                                  unique, unique_with_counts, unravel_index, where, where_v2)
from scopeflow.ops.joining import concat, pad, parallel_stack, split, stack, tile, unstack
from scopeflow.ops.repeat import repeat
from scopeflow.ops.scatter import (tensor_scatter_add, tensor_scatter_nd_add,
                                   tensor_scatter_nd_max, tensor_scatter_nd_min,
                                   tensor_scatter_nd_sub, tensor_scatter_nd_update,
                                   tensor_scatter_sub, tensor_scatter_update)
from scopeflow.ops.shape_ops import (fill, lin_space, linspace, meshgrid, one_hot, ones,
                                     ones_like, range, rank, sequence_mask, shape, shape_n, size,
                                     zeros, zeros_like)
from scopeflow.ops.slicing import (newaxis, reverse, reverse_sequence, reverse_v2, slice,
                                   strided_slice)
from scopeflow.ops.sparse_compose import (sparse_mask, sparse_merge, sparse_reset_shape,
                                          sparse_to_indicator, sparse_transpose)
from scopeflow.ops.sparse_concat import sparse_concat
from scopeflow.ops.sparse_reduce import (sparse_maximum, sparse_minimum, sparse_reduce_max,
                                         sparse_reduce_max_sparse, sparse_reduce_sum_sparse,
                                         sparse_split)
from scopeflow.ops.sparse_manip import sparse_retain
from scopeflow.ops.sparse_reshape import sparse_fill_empty_rows, sparse_reshape
from scopeflow.ops.sparse_slice import sparse_slice
from scopeflow.ops.sparse_softmax import sparse_softmax
from scopeflow.ops.sparse_ops import (sparse_add, sparse_placeholder, sparse_reduce_sum,
                                      sparse_tensor_dense_matmul)
from scopeflow.ops.string_split import string_split
from scopeflow.ops.strings import as_string, string_join, substr
from scopeflow.ops.strings import to_hash_bucket_fast as string_to_hash_bucket_fast
from scopeflow.io.file_ops import matching_files, read_file, write_file
from scopeflow.ops.strings_regex import reduce_join, regex_replace
from scopeflow.ops.strings_text import decode_base64, encode_base64, string_to_number
from scopeflow.ops.strings_text import strip as string_strip
from scopeflow.ops.strings_text import to_hash_bucket as string_to_hash_bucket
from scopeflow.ops.strings_text import to_hash_bucket_strong as string_to_hash_bucket_strong
from scopeflow.ops.switch_case import switch_case
from scopeflow.ops.tensor_array import TensorArray

import scopeflow.ops.getitem as _getitem  # installs Tensor.__getitem__

__all__ = [n for n in dir() if not n.startswith("_")]
