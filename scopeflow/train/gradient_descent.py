"""`tf.train.GradientDescentOptimizer` and its op `ApplyGradientDescent`: var -= lr * grad."""

from scopeflow.train.apply_op import training_ops
from scopeflow.train.optimizer import Optimizer, as_op, cast_like


def _gd(var, alpha, delta, **_):
    return (var - alpha * delta,)


apply_gradient_descent = training_ops("ApplyGradientDescent", ("var", "alpha", "delta"),
                                      ("var",), _gd)


class GradientDescentOptimizer(Optimizer):
    """Plain gradient descent.

    >>> import scopeflow as tf
    >>> w = tf.get_variable("w", initializer=[1.0])
    >>> tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(w * w)).type
    'NoOp'
    """

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._learning_rate_tensor = None

    def _prepare(self):
        from scopeflow.ops.constant import convert_to_tensor
        lr = self._call_if_callable(self._learning_rate)
        self._learning_rate_tensor = convert_to_tensor(lr, name="learning_rate")

    def _apply_sparse_duplicate_indices(self, grad, var):
        from scopeflow.indexed_slices import IndexedSlices
        delta = IndexedSlices(grad.values * cast_like(self._learning_rate_tensor, var),
                              grad.indices, grad.dense_shape)
        return var.scatter_sub(delta, use_locking=self._use_locking)

    def _resource_apply_sparse_duplicate_indices(self, grad, handle, indices):
        from scopeflow.ops.resource_ops import RESOURCE_SCATTER
        lr = cast_like(self._learning_rate_tensor, handle)
        return RESOURCE_SCATTER["ResourceScatterAdd"](handle.handle, indices, -grad * lr,
                                                      dtype=handle.dtype)

    def _apply_dense(self, grad, var):
        lr = cast_like(self._learning_rate_tensor, var)
        return as_op(apply_gradient_descent(var, lr, grad, use_locking=self._use_locking))
