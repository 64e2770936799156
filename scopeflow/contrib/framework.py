"""`tf.contrib.framework`: arg scopes, slim's variable helpers, checkpoint readers, nest and
the small tensor checks, as the very objects of `tf.contrib.slim` / `tf.compat.v1`."""
# ruff: noqa: F401 - re-exports

from scopeflow.checkpoint.init_from import init_from_checkpoint
from scopeflow.checkpoint.meta_graph import prepend_name_scope, strip_name_scope
from scopeflow.checkpoint.reader import list_variables, load_checkpoint, load_variable
from scopeflow.compat.tf_paths.util import deprecated, deprecated_arg_values, deprecated_args
from scopeflow.core.tensor import is_tensor
from scopeflow.ops import nest  # TF's nest, is_sequence included
from scopeflow.ops.checks import assert_same_float_dtype, assert_scalar, is_numeric_tensor
from scopeflow.ops.math_extra import is_non_decreasing, is_strictly_increasing
from scopeflow.slim.ops.arg_scope import *  # arg_scope, add_arg_scope, ...
from scopeflow.slim.ops.framework_ops import get_graph_from_inputs, get_name_scope
from scopeflow.slim.ops.variables import *  # model_variable, get_variables*, global step, ...
