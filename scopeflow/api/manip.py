"""`tf.manip`: TF1's older names of some array ops."""
# ruff: noqa: F401 - re-exports

from scopeflow.ops.array import reshape, roll
from scopeflow.ops.gather import gather_nd, scatter_nd
from scopeflow.ops.joining import tile
from scopeflow.ops.nn_space import batch_to_space_nd, space_to_batch_nd
from scopeflow.ops.slicing import reverse
