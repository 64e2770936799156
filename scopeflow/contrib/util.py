"""`tf.contrib.util`: build-time constant folding (`constant_value`), as TF 1.15's
`tensor_util.constant_value` that contrib re-exports (cyclegan's `_dynamic_or_static_shape`)."""
# ruff: noqa: F401 - re-exports

from scopeflow.ops.constant import constant_value
