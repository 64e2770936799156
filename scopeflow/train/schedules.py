"""Learning-rate schedules (`tf.train.exponential_decay`, ...) with TF's ops and names.

Each returns a scalar tensor of the global step, built in a name scope named after the
schedule (`ExponentialDecay`, `PolynomialDecay`, `SGDRDecay`, ...) whose last op takes the
scope's name, as TF's Keras schedules do.
"""

import math

from scopeflow.core.frame import default_graph


def _m():
    from scopeflow.ops import math as m
    return m


def _tensor(x, name=None):
    from scopeflow.ops.constant import convert_to_tensor
    return convert_to_tensor(x, name=name)


def _cast(x, dtype):
    return _m().cast(x, dtype)


def _pi():
    from scopeflow.ops.constant import constant
    return constant(math.pi)


class _Scope:
    """`name_scope(name or default)` yielding (scope string, initial rate, its dtype)."""

    def __init__(self, name, default, initial):
        self._name = name or default
        self._initial = initial

    def __enter__(self):
        self._cm = default_graph().name_scope(self._name)
        scope = self._cm.__enter__()
        lr = _tensor(self._initial, name="initial_learning_rate")
        return scope, lr, lr.dtype.base_dtype

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """lr * decay_rate ** (step / decay_steps) (floored when `staircase`).

    >>> import scopeflow as tf
    >>> gs = tf.train.get_or_create_global_step()
    >>> tf.train.exponential_decay(0.1, gs, 10, 0.5).name
    'ExponentialDecay:0'
    """
    m = _m()
    with _Scope(name, "ExponentialDecay", learning_rate) as (scope, lr, dt):
        steps, rate = _cast(decay_steps, dt), _cast(decay_rate, dt)
        p = _cast(global_step, dt) / steps
        if staircase:
            p = m.floor(p)
        return m.multiply(lr, m.pow(rate, p), name=scope)


def natural_exp_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """lr * exp(-decay_rate * step / decay_steps)."""
    m = _m()
    rate = m.exp(m.negative(decay_rate))
    return exponential_decay(learning_rate, global_step, decay_steps, rate, staircase, name)


def inverse_time_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                       name=None):
    """lr / (1 + decay_rate * step / decay_steps)."""
    m = _m()
    with _Scope(name, "InverseTimeDecay", learning_rate) as (scope, lr, dt):
        steps, rate = _cast(decay_steps, dt), _cast(decay_rate, dt)
        p = _cast(global_step, dt) / steps
        if staircase:
            p = m.floor(p)
        one = _cast(_tensor(1), dt)
        return m.divide(lr, m.add(one, m.multiply(rate, p)), name=scope)


def polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001,
                     power=1.0, cycle=False, name=None):
    """(lr - end) * (1 - step / decay_steps) ** power + end."""
    m = _m()
    with _Scope(name, "PolynomialDecay", learning_rate) as (scope, lr, dt):
        end, pw = _cast(end_learning_rate, dt), _cast(power, dt)
        step, steps = _cast(global_step, dt), _cast(decay_steps, dt)
        if cycle:
            from scopeflow.ops.gather import where
            mult = where(m.equal(step, 0), 1.0, m.ceil(step / decay_steps))
            steps = m.multiply(steps, mult)
        else:
            step = m.minimum(step, steps)
        p = m.divide(step, steps)
        return m.add(m.multiply(lr - end, m.pow(1 - p, pw)), end, name=scope)


def cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None):
    """lr * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, steps) / steps)) + alpha)."""
    m = _m()
    with _Scope(name, "CosineDecay", learning_rate) as (_, lr, dt):
        steps = _cast(decay_steps, dt)
        frac = m.minimum(_cast(global_step, dt), steps) / steps
        decayed = (1 - alpha) * (0.5 * (1.0 + m.cos(_pi() * frac))) + alpha
        return m.multiply(lr, decayed)


def cosine_decay_restarts(learning_rate, global_step, first_decay_steps, t_mul=2.0, m_mul=1.0,
                          alpha=0.0, name=None):
    """Cosine decay with warm restarts (SGDR): periods grow by `t_mul`, peaks by `m_mul`."""
    m = _m()
    with _Scope(name, "SGDRDecay", learning_rate) as (scope, lr, dt):
        first, a = _cast(first_decay_steps, dt), _cast(alpha, dt)
        tm, mm = _cast(t_mul, dt), _cast(m_mul, dt)
        frac = _cast(global_step, dt) / first
        if t_mul == 1.0:
            i_restart = m.floor(frac)
            frac = frac - i_restart
        else:
            i_restart = m.floor(m.log(1.0 - frac * (1.0 - tm)) / m.log(tm))
            sum_r = (1.0 - tm ** i_restart) / (1.0 - tm)
            frac = (frac - sum_r) / tm ** i_restart
        cosine = 0.5 * mm ** i_restart * (1.0 + m.cos(_pi() * frac))
        return m.multiply(lr, (1 - a) * cosine + a, name=scope)


def linear_cosine_decay(learning_rate, global_step, decay_steps, num_periods=0.5, alpha=0.0,
                        beta=0.001, name=None):
    """lr * ((alpha + linear) * cosine + beta), linear going from 1 to 0 over decay_steps."""
    m = _m()
    with _Scope(name, "LinearCosineDecay", learning_rate) as (scope, lr, dt):
        steps, periods = _cast(decay_steps, dt), _cast(num_periods, dt)
        a, b = _cast(alpha, dt), _cast(beta, dt)
        step = m.minimum(_cast(global_step, dt), steps)
        linear = (steps - step) / steps
        frac = 2.0 * periods * (step / steps)
        cosine = 0.5 * (1.0 + m.cos(_pi() * frac))
        return m.multiply(lr, (a + linear) * cosine + b, name=scope)


def noisy_linear_cosine_decay(learning_rate, global_step, decay_steps, initial_variance=1.0,
                              variance_decay=0.55, num_periods=0.5, alpha=0.0, beta=0.001,
                              name=None):
    """Linear cosine decay plus Gaussian noise whose variance decays with the step."""
    from scopeflow.ops.random import random_normal
    m = _m()
    with _Scope(name, "NoisyLinearCosineDecay", learning_rate) as (scope, lr, dt):
        steps = _cast(decay_steps, dt)
        var0, vdecay = _cast(initial_variance, dt), _cast(variance_decay, dt)
        periods, a, b = _cast(num_periods, dt), _cast(alpha, dt), _cast(beta, dt)
        step = m.minimum(_cast(global_step, dt), steps)
        linear = (steps - step) / steps
        std = m.sqrt(var0 / m.pow(1.0 + step, vdecay))
        noisy = linear + random_normal(linear.shape, stddev=std)
        cosine = 0.5 * (1.0 + m.cos(_pi() * (2.0 * periods * (step / steps))))
        return m.multiply(lr, (a + noisy) * cosine + b, name=scope)


def piecewise_constant(x, boundaries, values, name=None):
    """values[i] for boundaries[i-1] < x <= boundaries[i] (values[0] up to the first one).

    >>> import scopeflow as tf
    >>> gs = tf.train.get_or_create_global_step()
    >>> tf.train.piecewise_constant(gs, [10], [1.0, 0.5]).name
    'PiecewiseConstant/case/cond/Merge:0'
    """
    bounds = [_tensor(b) for b in boundaries]
    vals = [_tensor(v) for v in values]
    xt = _tensor(x)
    for i, b in enumerate(bounds):
        if b.dtype.base_dtype is not xt.dtype.base_dtype:
            if b.dtype.base_dtype.name == "int32" and xt.dtype.base_dtype.name == "int64":
                bounds[i] = _cast(b, xt.dtype.base_dtype)
            else:
                raise ValueError("Boundaries (%s) must have the same dtype as x (%s)."
                                 % (b.dtype.base_dtype, xt.dtype.base_dtype))
    for v in vals[1:]:
        if v.dtype.base_dtype is not vals[0].dtype.base_dtype:
            raise ValueError("Values must have elements all with the same dtype (%s vs %s)."
                             % (vals[0].dtype.base_dtype, v.dtype.base_dtype))
    if len(bounds) != len(vals) - 1:
        raise ValueError("The length of boundaries should be 1 less than the length of values")
    return _piecewise(xt, bounds, vals, name)


def _piecewise(x, bounds, vals, name):
    """A chain of selects standing for TF's `case`; the result is named as case's Merge."""
    from scopeflow.ops.array import identity
    from scopeflow.ops.gather import where
    g = default_graph()
    m = _m()
    with g.name_scope(name or "PiecewiseConstant"):
        out = vals[0]
        for b, v in zip(bounds, vals[1:]):
            out = where(m.greater(x, b), v, out)
        with g.name_scope("case"), g.name_scope("cond"):
            return identity(out, name="Merge")
