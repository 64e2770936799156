"""Adagrad's updates (ApplyAdagrad) equal TF's bit for bit."""

from replay import bit_exact_test

# before: lr * grad / sqrt(accum); TF multiplies by Eigen's approximate rsqrt (eigen_rsqrt)
test_training_equals_tf_bit_for_bit = bit_exact_test(
    "tf.train.AdagradOptimizer(0.1)", "tf.train.AdagradOptimizer(0.05, 0.3)")

# TF's sparse kernel: Eigen's rsqrt row by row (rows of 13: 8 vectorized, 5 one by one)
test_sparse_updates_equal_tf_bit_for_bit = bit_exact_test(
    "tf.train.AdagradOptimizer(0.1)", sparse=True)
