"""tf_slim.ops's module paths (`tf_slim.ops.arg_scope`, `tf_slim.ops.variables`) over scopeflow.slim."""
