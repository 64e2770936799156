"""`tf.raw_ops`: every registered op type by its TF name, keyword arguments only."""

from scopeflow.ops.raw_ops import RAW_OPS as raw_ops  # noqa: F401
