"""FTRL's updates (ApplyFtrl, ApplyFtrlV2) against TF's."""

from replay import bit_exact_test

# before: `linear += a - b` was computed as (linear + a) - b, and x / lr as x * (1 / lr)
test_training_equals_tf_bit_for_bit = bit_exact_test(
    "tf.train.FtrlOptimizer(0.1)",
    "tf.train.FtrlOptimizer(0.1, l1_regularization_strength=0.001, "
    "l2_regularization_strength=0.01, l2_shrinkage_regularization_strength=0.01)")

test_sparse_updates_equal_tf_bit_for_bit = bit_exact_test(
    "tf.train.FtrlOptimizer(0.1, l1_regularization_strength=0.001)", sparse=True)
