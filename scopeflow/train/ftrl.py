"""`tf.train.FtrlOptimizer` (FTRL-Proximal) and its ops `ApplyFtrl`, `ApplyFtrlV2`;
slots `accum` (`initial_accumulator_value`) and `linear`."""

import jax.numpy as jnp
import numpy as np

from scopeflow.train.apply_op import training_ops
from scopeflow.train.optimizer import Optimizer, cast_like


def _power(x, lr_power):
    # new_accum ** -lr_power, TF's sqrt for the default lr_power of -0.5
    if isinstance(lr_power, np.ndarray) and float(lr_power) == -0.5:
        return jnp.sqrt(x)
    return jnp.power(x, -lr_power)


def _ftrl(var, accum, linear, grad, lr, l1, l2, lr_power, l2_shrinkage=None, **_):
    # TF's order of operations: `linear += a - b` adds the difference
    shrunk = grad if l2_shrinkage is None else grad + 2 * l2_shrinkage * var
    new_acc = accum + jnp.square(grad)
    lin = linear + (shrunk - (_power(new_acc, lr_power) - _power(accum, lr_power)) / lr * var)
    y = _power(new_acc, lr_power) / lr + 2 * l2
    shrunk_var = (l1 * jnp.sign(lin) - lin) / y
    return jnp.where(jnp.abs(lin) > l1, shrunk_var, jnp.zeros_like(var)), new_acc, lin


_REFS = ("var", "accum", "linear")
_ATTRS = {"multiply_linear_by_lr": False}
apply_ftrl, sparse_apply_ftrl = training_ops(
    "ApplyFtrl", _REFS + ("grad", "lr", "l1", "l2", "lr_power"), _REFS, _ftrl,
    sparse="SparseApplyFtrl", attrs=_ATTRS)
apply_ftrl_v2, sparse_apply_ftrl_v2 = training_ops(
    "ApplyFtrlV2", _REFS + ("grad", "lr", "l1", "l2", "l2_shrinkage", "lr_power"), _REFS, _ftrl,
    sparse="SparseApplyFtrlV2", attrs=_ATTRS)


_CHECKS = (("initial_accumulator_value", "initial_accumulator_value %f needs to be positive or "
            "zero", lambda x: x < 0.0),
           ("learning_rate_power", "learning_rate_power %f needs to be negative or zero",
            lambda x: x > 0.0),
           ("l1", "l1_regularization_strength %f needs to be positive or zero",
            lambda x: x < 0.0),
           ("l2", "l2_regularization_strength %f needs to be positive or zero",
            lambda x: x < 0.0),
           ("l2_shrinkage", "l2_shrinkage_regularization_strength %f needs to be positive or "
            "zero", lambda x: x < 0.0))


class FtrlOptimizer(Optimizer):
    """FTRL-Proximal (McMahan et al.), with optional L2 shrinkage."""

    def __init__(self, learning_rate, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 use_locking=False, name="Ftrl", accum_name=None, linear_name=None,
                 l2_shrinkage_regularization_strength=0.0, beta=None):
        super().__init__(use_locking, name)
        given = {"initial_accumulator_value": initial_accumulator_value,
                 "learning_rate_power": learning_rate_power, "l1": l1_regularization_strength,
                 "l2": l2_regularization_strength,
                 "l2_shrinkage": l2_shrinkage_regularization_strength}
        for key, text, bad in _CHECKS:
            if bad(given[key]):
                raise ValueError(text % given[key])
        self._learning_rate = learning_rate
        self._learning_rate_power = learning_rate_power
        self._initial_accumulator_value = initial_accumulator_value
        self._l1_regularization_strength = l1_regularization_strength
        self._l2_regularization_strength = l2_regularization_strength
        self._beta = 0.0 if beta is None else beta
        self._l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self._accum_name = accum_name
        self._linear_name = linear_name

    def _create_slots(self, var_list):
        def accum_init(shape, dtype=None, partition_info=None):
            from scopeflow.ops.shape_ops import ones
            return ones(shape=shape, dtype=dtype) * self._initial_accumulator_value

        for v in var_list:
            self._get_or_make_slot_with_initializer(v, accum_init, v.shape, v.dtype.base_dtype,
                                                    "accum", self._accum_name or self._name)
            self._zeros_slot(v, "linear", self._linear_name or self._name)

    def _prepare(self):
        from scopeflow.ops.constant import convert_to_tensor
        from scopeflow.ops.math import maximum
        self._learning_rate_tensor = convert_to_tensor(self._learning_rate,
                                                       name="learning_rate")
        self._l1_regularization_strength_tensor = convert_to_tensor(
            self._l1_regularization_strength, name="l1_regularization_strength")
        adjusted = self._l2_regularization_strength + self._beta / (
            2.0 * maximum(self._learning_rate, 1e-36))
        self._adjusted_l2_regularization_strength_tensor = convert_to_tensor(
            adjusted, name="adjusted_l2_regularization_strength")
        self._beta_tensor = convert_to_tensor(self._beta, name="beta")
        self._l2_shrinkage_regularization_strength_tensor = convert_to_tensor(
            self._l2_shrinkage_regularization_strength,
            name="l2_shrinkage_regularization_strength")
        self._learning_rate_power_tensor = convert_to_tensor(self._learning_rate_power,
                                                             name="learning_rate_power")

    def _apply_sparse(self, grad, var):
        return self._apply(var, (grad.values, grad.indices), sparse_apply_ftrl,
                           sparse_apply_ftrl_v2)

    def _apply_dense(self, grad, var):
        return self._apply(var, (grad,), apply_ftrl, apply_ftrl_v2)

    def _apply(self, var, grad, v1, v2):
        accum, linear = self.get_slot(var, "accum"), self.get_slot(var, "linear")
        head = [cast_like(t, var) for t in (self._learning_rate_tensor,
                                            self._l1_regularization_strength_tensor,
                                            self._adjusted_l2_regularization_strength_tensor)]
        power = cast_like(self._learning_rate_power_tensor, var)
        if self._l2_shrinkage_regularization_strength <= 0.0:
            return v1(var, accum, linear, *grad, *head, power, use_locking=self._use_locking)
        shrink = cast_like(self._l2_shrinkage_regularization_strength_tensor, var)
        return v2(var, accum, linear, *grad, *head, shrink, power,
                  use_locking=self._use_locking)
