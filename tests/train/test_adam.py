"""Adam's updates (ApplyAdam) equal TF's bit for bit."""

from replay import bit_exact_test

# before: square(g) - v compiled to a fused multiply-add; `v` drifted by step 5
test_training_equals_tf_bit_for_bit = bit_exact_test(
    "tf.train.AdamOptimizer(0.01)", "tf.train.AdamOptimizer(0.01, epsilon=1e-4)")
