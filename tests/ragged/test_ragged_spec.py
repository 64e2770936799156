"""tf.RaggedTensorSpec vs TF (ragged/ragged_spec.py): properties, repr, equality, compatibility
with specs, RaggedTensors, RaggedTensorValues and Tensors, from_value, the most specific
compatible type, and constructor errors."""

import pytest
from ragged_oracle import values_as_tf

SPEC = """
S = tf.RaggedTensorSpec
rt = tf.ragged.constant([[1, 2], [3]])
n = tf.ragged.constant([[[1.]], []], ragged_rank=1)
specs = [S([2, None]), S([None, None, 3], tf.int32, 1), S([2, None], tf.int32),
         S(None, tf.string, 2), S([2, None, None], row_splits_dtype=tf.int32),
         S([3], tf.int32, 0), S.from_value(rt), S.from_value(n),
         S.from_value(tf.ragged.constant_value([[1], [2, 3]]))]
props = [[repr(s), str(s.shape), s.dtype.name, s.ragged_rank, s.row_splits_dtype.name,
          s.value_type.__name__] for s in specs]
others = specs + [rt, n, tf.constant([1, 2, 3]), tf.TensorSpec([3], tf.int32),
                  tf.TensorSpec([None], tf.int32), tf.ragged.constant_value([[1], [2, 3]])]
compat = [[s.is_compatible_with(o) for o in others] for s in specs]
eq = [[s == o for o in specs] for s in specs]
merged = [repr(S([2, None], tf.int32).most_specific_compatible_type(S([3, None], tf.int32)))]
errs = [attempt(lambda: S(None)), attempt(lambda: S([2, None], ragged_rank=2)),
        attempt(lambda: S([2, None], ragged_rank=1.0)),
        attempt(lambda: S([2, None], tf.int32).most_specific_compatible_type(
            S([2, None], tf.float32)))]
result = [props, compat, eq, merged, errs]"""


@pytest.mark.oracle
def test_ragged_tensor_spec_matches_tf(oracle):
    values_as_tf(oracle, SPEC)
