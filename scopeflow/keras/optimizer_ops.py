"""The training ops Keras' OptimizerV2 classes use beyond `tf.train`'s: TF's kernels'
update rules for `ResourceApplyKerasMomentum`, `(Resource)ApplyAdagradV2` and
`ResourceApplyAdamWithAmsgrad` (each with its sparse twin where TF has one).

>>> from scopeflow.keras import optimizer_ops
>>> optimizer_ops.apply_keras_momentum.__name__
'ResourceApplyKerasMomentum'
"""

import jax.numpy as jnp

from scopeflow.train.apply_op import training_ops


def _keras_momentum(var, accum, lr, grad, momentum, use_nesterov=False, **_):
    # accum = accum * momentum - lr * grad; var += accum (Nesterov: the look-ahead step)
    acc = accum * momentum - grad * lr
    if use_nesterov:
        return var + (acc * momentum - grad * lr), acc
    return var + acc, acc


def _adagrad_v2(var, accum, lr, epsilon, grad, update_slots=True, **_):
    acc = accum + jnp.square(grad) if update_slots else accum
    return var - grad * lr / (jnp.sqrt(acc) + epsilon), acc


def _adam_amsgrad(var, m, v, vhat, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad,
                  **_):
    alpha = lr * jnp.sqrt(1 - beta2_power) / (1 - beta1_power)
    m1 = m + (grad - m) * (1 - beta1)
    v1 = v + (jnp.square(grad) - v) * (1 - beta2)
    vhat1 = jnp.maximum(vhat, v1)
    return var - (m1 * alpha) / (jnp.sqrt(vhat1) + epsilon), m1, v1, vhat1


apply_keras_momentum, sparse_apply_keras_momentum = training_ops(
    "ApplyKerasMomentum", ("var", "accum", "lr", "grad", "momentum"), ("var", "accum"),
    _keras_momentum, sparse="SparseApplyKerasMomentum", attrs={"use_nesterov": False},
    resource_only=True)
apply_adagrad_v2, sparse_apply_adagrad_v2 = training_ops(
    "ApplyAdagradV2", ("var", "accum", "lr", "epsilon", "grad"), ("var", "accum"), _adagrad_v2,
    sparse="SparseApplyAdagradV2", attrs={"update_slots": True})
apply_adam_with_amsgrad = training_ops(
    "ApplyAdamWithAmsgrad", ("var", "m", "v", "vhat", "beta1_power", "beta2_power", "lr",
                             "beta1", "beta2", "epsilon", "grad"), ("var", "m", "v", "vhat"),
    _adam_amsgrad, resource_only=True)


def _ada_max(var, m, v, beta1_power, lr, beta1, beta2, epsilon, grad, **_):
    # TF's kernel: m += (g - m)(1 - b1); v = max(b2 v, |g|); var -= lr/(1 - b1^t) m/(v + eps)
    m1 = m + (grad - m) * (1 - beta1)
    v1 = jnp.maximum(beta2 * v, jnp.abs(grad))
    return var - lr / (1 - beta1_power) * (m1 / (v1 + epsilon)), m1, v1


apply_ada_max = training_ops(
    "ApplyAdaMax", ("var", "m", "v", "beta1_power", "lr", "beta1", "beta2", "epsilon", "grad"),
    ("var", "m", "v"), _ada_max)
