"""tf_slim.ops module paths (`tf_slim.ops.arg_scope`, `tf_slim.ops.variables`) over slim."""
