"""`tf_slim.ops.arg_scope`: the module path of scopeflow.slim.arg_scope."""
# ruff: noqa: F401 - re-exports

from scopeflow.slim.arg_scope import (
    add_arg_scope,
    arg_scope,
    arg_scope_func_key,
    arg_scoped_arguments,
    current_arg_scope,
    has_arg_scope,
)
