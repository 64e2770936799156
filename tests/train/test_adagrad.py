"""Adagrad's updates (ApplyAdagrad) equal TF's bit for bit."""

from replay import bit_exact_test

# before: lr * grad / sqrt(accum); TF multiplies by Eigen's approximate rsqrt (eigen_rsqrt)
test_training_equals_tf_bit_for_bit = bit_exact_test(
    "tf.train.AdagradOptimizer(0.1)", "tf.train.AdagradOptimizer(0.05, 0.3)")
