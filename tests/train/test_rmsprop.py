"""RMSProp's updates (ApplyRMSProp, ApplyCenteredRMSProp) equal TF's bit for bit."""

from replay import bit_exact_test

# before: a / sqrt(b) compiled to a * rsqrt(b); ~1 element in 3 of `momentum` differed
test_training_equals_tf_bit_for_bit = bit_exact_test(
    "tf.train.RMSPropOptimizer(0.01)",
    "tf.train.RMSPropOptimizer(0.01, decay=0.8, momentum=0.9, epsilon=1e-6)",
    "tf.train.RMSPropOptimizer(0.01, momentum=0.9, centered=True)")

# TF's sparse kernels: another order, rsqrt row by row (ms * rho + g^2 * (1 - rho), ...)
test_sparse_updates_equal_tf_bit_for_bit = bit_exact_test(
    "tf.train.RMSPropOptimizer(0.01, momentum=0.9)",
    "tf.train.RMSPropOptimizer(0.01, momentum=0.9, centered=True)", sparse=True)
