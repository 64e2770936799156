"""`tf.train.ExponentialMovingAverage` and `assign_moving_average`, with TF's names.

The shadow of `w` is the slot `w/ExponentialMovingAverage`; `apply` returns the group named
after the EMA, whose updates are `ExponentialMovingAverage/AssignMovingAvg[_k]`
(AssignSub: avg -= (avg - value) * (1 - decay)).
"""

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys
from scopeflow.train import slots as _slots


def _scope(name, default_name=None, values=None):
    from scopeflow.core.contexts import name_scope
    return name_scope(name, default_name, values)


def assign_moving_average(variable, value, decay, zero_debias=True, name=None):
    """variable -= (variable - value) * (1 - decay); with zero_debias, TF's bias correction."""
    from scopeflow.ops.constant import convert_to_tensor
    from scopeflow.ops.math import cast
    from scopeflow.ops.state import assign_sub
    with _scope(name, "AssignMovingAvg", [variable, value, decay]) as scope:
        decay = convert_to_tensor(1.0 - decay, name="decay")
        if decay.dtype.base_dtype is not variable.dtype.base_dtype:
            decay = cast(decay, variable.dtype.base_dtype)
        if zero_debias:
            return _zero_debias(variable, value, decay)
        return assign_sub(variable, (variable - value) * decay, name=scope)


def _unique_in_scope(name):
    from scopeflow.core.scopes import get_variable_scope
    vs = get_variable_scope()
    if vs.reuse:
        return name
    taken = {v.op.name for v in vs.global_variables()}
    full = vs.name + "/" + name
    if full not in taken:
        return name
    idx = 1
    while "%s_%d" % (full, idx) in taken:
        idx += 1
    return "%s_%d" % (name, idx)


def _zero_debias(unbiased, value, decay):
    """Keeps a biased average and a step count; the variable gets biased / (1 - decay^t)."""
    from scopeflow.core.getters import get_variable
    from scopeflow.core.scopes import variable_scope
    from scopeflow.core.variables import InitScope
    from scopeflow.ops.init_ops import zeros_initializer
    from scopeflow.ops.math import pow as _pow
    from scopeflow.ops.state import assign, assign_sub
    g = default_graph()
    with variable_scope(unbiased.name[:-2], values=[unbiased, value, decay]):
        with InitScope(g):
            biased_init, step_init = zeros_initializer(), zeros_initializer()
        with g.colocate_with(unbiased.op):
            biased = get_variable(_unique_in_scope("biased"), initializer=biased_init,
                                  shape=unbiased.get_shape(), dtype=unbiased.dtype.base_dtype,
                                  trainable=False)
            local_step = get_variable(_unique_in_scope("local_step"), shape=[],
                                      dtype=unbiased.dtype.base_dtype,
                                      initializer=step_init, trainable=False)
    update_biased = assign_sub(biased, (biased - value) * decay)
    update_step = local_step.assign_add(1)
    bias_factor = 1 - _pow(1.0 - decay, update_step)
    return assign(unbiased, update_biased / bias_factor, name=g.get_name_scope() + "/")


class ExponentialMovingAverage:
    """Shadow variables that track an exponential moving average of other variables.

    >>> import scopeflow as tf
    >>> w = tf.Variable([1.0], name="w")
    >>> ema = tf.train.ExponentialMovingAverage(0.9)
    >>> ema.apply([w]).name, ema.average(w).name
    ('ExponentialMovingAverage', 'w/ExponentialMovingAverage:0')
    """

    def __init__(self, decay, num_updates=None, zero_debias=False,
                 name="ExponentialMovingAverage"):
        self._decay = decay
        self._num_updates = num_updates
        self._zero_debias = zero_debias
        self._name = name
        self._averages = {}  # var.ref() -> shadow variable

    name = property(lambda self: self._name)

    def apply(self, var_list=None):
        """Creates the shadows (once) and returns the op that updates them all."""
        from scopeflow.ops.state import group
        g = default_graph()
        if var_list is None:
            var_list = g.get_collection(GraphKeys.TRAINABLE_VARIABLES)
        debiased = set()
        for var in var_list:
            if var.dtype.base_dtype not in (_dt.bfloat16, _dt.float16, _dt.float32, _dt.float64):
                raise TypeError("The variables must be half, float, or double: %s" % var.name)
            if var.ref() not in self._averages:
                self._averages[var.ref()] = self._shadow(var, debiased)
        with _scope(self._name) as scope:
            decay = self._decay_tensor()
            updates = [assign_moving_average(self._averages[v.ref()], v, decay,
                                             self._averages[v.ref()].ref() in debiased)
                       for v in var_list]
            return group(*updates, name=scope)

    def _shadow(self, var, debiased):
        from scopeflow.core.variables import InitScope, Variable
        g = default_graph()
        with InitScope(g):
            if isinstance(var, Variable):
                with g.device(var.device):
                    init = _initialized_value(var)
                avg = _slots.create_slot(var, init, self._name)
                g.add_to_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, var)
                return avg
            avg = _slots.create_zeros_slot(var, self._name)
            if self._zero_debias:
                debiased.add(avg.ref())
            return avg

    def _decay_tensor(self):
        from scopeflow.ops.constant import convert_to_tensor
        from scopeflow.ops.math import cast, minimum
        decay = convert_to_tensor(self._decay, dtype=_dt.float32, name="decay")
        if self._num_updates is not None:
            n = cast(self._num_updates, _dt.float32, name="num_updates")
            decay = minimum(decay, (1.0 + n) / (10.0 + n))
        return decay

    def average(self, var):
        """The shadow variable of `var` (None before `apply`)."""
        return self._averages.get(var.ref())

    def average_name(self, var):
        """The shadow's op name (`w/ExponentialMovingAverage`), even before it exists."""
        if var.ref() in self._averages:
            return self._averages[var.ref()].name[:-2]
        return default_graph().unique_name(var.name[:-2] + "/" + self._name, mark_as_used=False)

    def variables_to_restore(self, moving_avg_variables=None):
        """{checkpoint name: variable} that restores shadows into the variables themselves."""
        g = default_graph()
        if moving_avg_variables is None:
            moving_avg_variables = g.get_collection(GraphKeys.TRAINABLE_VARIABLES) + \
                g.get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES)
        refs = {v.ref(): None for v in moving_avg_variables}
        name_map = {self.average_name(r.deref()): r.deref() for r in refs}
        names = {r.deref().name for r in refs}
        for v in g.get_collection(GraphKeys.GLOBAL_VARIABLES):
            if v.name not in names and v.op.name not in name_map:
                name_map[v.op.name] = v
        return name_map


def _initialized_value(var):
    """TF's `cond(is_variable_initialized(var), read_value, initial_value)` where cond exists."""
    try:
        return var.initialized_value()
    except NotImplementedError:
        return var.initial_value
