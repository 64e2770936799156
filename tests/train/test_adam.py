"""Adam's updates (ApplyAdam) equal TF's bit for bit."""

from replay import bit_exact_test

# before: square(g) - v compiled to a fused multiply-add; `v` drifted by step 5
test_training_equals_tf_bit_for_bit = bit_exact_test(
    "tf.train.AdamOptimizer(0.01)", "tf.train.AdamOptimizer(0.01, epsilon=1e-4)")

# TF's sparse Adam: scatter_add into the decayed slots; `(grad * grad) * (1 - beta2)` runs as
# `grad * ((1 - beta2) * grad)` after TF's constant push-down (lowering/grappler_mul.py): 411
# of 1950 values differed before; rows named several times are summed first
test_sparse_updates_equal_tf_bit_for_bit = bit_exact_test(
    "tf.train.AdamOptimizer(0.01)", "tf.train.AdamOptimizer(0.002, 0.8, 0.99, 1e-3)",
    sparse=True)
