"""Adadelta's updates (ApplyAdadelta) equal TF's bit for bit."""

from replay import bit_exact_test

# before: sqrt(a) / sqrt(b) where TF multiplies by Eigen's approximate rsqrt (eigen_rsqrt)
test_training_equals_tf_bit_for_bit = bit_exact_test(
    "tf.train.AdadeltaOptimizer(1.0)", "tf.train.AdadeltaOptimizer(0.5, rho=0.9, epsilon=1e-6)")

# TF's sparse kernel: Eigen's rsqrt row by row (rows of 13: 8 vectorized, 5 one by one)
test_sparse_updates_equal_tf_bit_for_bit = bit_exact_test(
    "tf.train.AdadeltaOptimizer(1.0)", sparse=True)
