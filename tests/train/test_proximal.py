"""ProximalGradientDescent's and ProximalAdagrad's updates against TF's."""

from replay import bit_exact_test

# before: x / (1 + lr * l2) compiled to x * (1 / (1 + lr * l2)); 1 element in 6 differed
test_gradient_descent_equals_tf_bit_for_bit = bit_exact_test(
    "tf.train.ProximalGradientDescentOptimizer(0.1)",
    "tf.train.ProximalGradientDescentOptimizer(0.1, l1_regularization_strength=0.001, "
    "l2_regularization_strength=0.01)")

# before: lr / sqrt(accum); TF multiplies by Eigen's approximate rsqrt (eigen_rsqrt)
test_adagrad_equals_tf_bit_for_bit = bit_exact_test(
    "tf.train.ProximalAdagradOptimizer(0.1)",
    "tf.train.ProximalAdagradOptimizer(0.1, l1_regularization_strength=0.001, "
    "l2_regularization_strength=0.01)")

test_sparse_updates_equal_tf_bit_for_bit = bit_exact_test(
    "tf.train.ProximalAdagradOptimizer(0.1, l1_regularization_strength=0.001)",
    "tf.train.ProximalGradientDescentOptimizer(0.1, l1_regularization_strength=0.001)",
    sparse=True)
