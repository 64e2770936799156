"""`tf.keras.optimizers.schedules`: learning rates as functions of the step, built as graph
ops under a name scope of the schedule's name (a Keras optimizer calls them on `iterations`).

>>> import scopeflow as tf
>>> s = tf.keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
>>> s(tf.constant(0)).name
'ExponentialDecay:0'
"""

import math

from scopeflow.layers.core import tf_api


class LearningRateSchedule:
    """A learning rate as a function of the step: `schedule(step)` gives its tensor."""

    def __call__(self, step):
        raise NotImplementedError("Learning rate schedule must override __call__")

    def get_config(self):
        raise NotImplementedError("Learning rate schedule must override get_config")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _start(schedule, step):
    """(initial learning rate tensor, its dtype, the step in that dtype)."""
    tf = tf_api()
    lr = tf.convert_to_tensor(schedule.initial_learning_rate, name="initial_learning_rate")
    return lr, lr.dtype, tf.cast(step, lr.dtype)


class _Decay(LearningRateSchedule):
    """initial * factor(step / decay_steps), the quotient floored when `staircase`."""

    _scope = ""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name=None):
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def __call__(self, step):
        tf = tf_api()
        with tf.name_scope(self.name or self._scope) as name:
            lr, dtype, step = _start(self, step)
            rate = tf.cast(self.decay_rate, dtype)
            p = step / tf.cast(self.decay_steps, dtype)
            if self.staircase:
                p = tf.floor(p)
            return self._apply(lr, rate, p, name)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_Decay):
    """initial * decay_rate ** (step / decay_steps)."""

    _scope = "ExponentialDecay"

    def _apply(self, lr, rate, p, name):
        tf = tf_api()
        return tf.multiply(lr, tf.pow(rate, p), name=name)


class InverseTimeDecay(_Decay):
    """initial / (1 + decay_rate * step / decay_steps)."""

    _scope = "InverseTimeDecay"

    def _apply(self, lr, rate, p, name):
        tf = tf_api()
        one = tf.cast(tf.constant(1), lr.dtype)
        return tf.divide(lr, tf.add(one, tf.multiply(rate, p)), name=name)


class PiecewiseConstantDecay(LearningRateSchedule):
    """values[i] for the step in (boundaries[i-1], boundaries[i]]."""

    def __init__(self, boundaries, values, name=None):
        if len(boundaries) != len(values) - 1:
            raise ValueError("The length of boundaries should be 1 less than the length of "
                             "values. Received: boundaries=%s of length %d, and values=%s of "
                             "length %d." % (boundaries, len(boundaries), values, len(values)))
        self.boundaries, self.values, self.name = boundaries, values, name

    def __call__(self, step):
        tf = tf_api()
        with tf.name_scope(self.name or "PiecewiseConstant"):
            x = tf.convert_to_tensor(step)
            bounds = [tf.cast(tf.convert_to_tensor(b), x.dtype.base_dtype)
                      for b in self.boundaries]
            values = [tf.convert_to_tensor(v) for v in self.values]
            pairs = [(x <= bounds[0], lambda: values[0]), (x > bounds[-1], lambda: values[-1])]
            for low, high, v in zip(bounds[:-1], bounds[1:], values[1:-1]):
                pairs.append(((x > low) & (x <= high), lambda v=v: v))
            return tf.case(pairs, lambda: values[0], exclusive=True)

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """(initial - end) * (1 - step / decay_steps) ** power + end (cycling when `cycle`)."""

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name=None):
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.end_learning_rate, self.power = end_learning_rate, power
        self.cycle, self.name = cycle, name

    def __call__(self, step):
        tf = tf_api()
        with tf.name_scope(self.name or "PolynomialDecay") as name:
            lr, dtype, step = _start(self, step)
            end, power = tf.cast(self.end_learning_rate, dtype), tf.cast(self.power, dtype)
            steps = tf.cast(self.decay_steps, dtype)
            if self.cycle:
                multiplier = tf.where_v2(tf.equal(step, 0), 1.0,
                                         tf.ceil(step / self.decay_steps))
                steps = tf.multiply(steps, multiplier)
            else:
                step = tf.minimum(step, steps)
            p = tf.divide(step, steps)
            return tf.add(tf.multiply(lr - end, tf.pow(1 - p, power)), end,
                          name=name)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """initial * ((1 - alpha) * (1 + cos(pi * step / decay_steps)) / 2 + alpha), after a
    linear warmup to `warmup_target` over `warmup_steps` when a target is given."""

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name=None,
                 warmup_target=None, warmup_steps=0):
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.alpha, self.name = alpha, name
        self.warmup_target, self.warmup_steps = warmup_target, warmup_steps

    def _decay(self, step, steps, start, dtype):
        tf = tf_api()
        with tf.name_scope(self.name or "CosineDecay"):
            cosine = 0.5 * (1.0 + tf.cos(tf.constant(math.pi, dtype=dtype) * (step / steps)))
            return tf.multiply(start, (1 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        tf = tf_api()
        with tf.name_scope(self.name or "CosineDecay"):
            lr, dtype, step = _start(self, step)
            steps = tf.cast(self.decay_steps, dtype)
            if self.warmup_target is None:
                return self._decay(tf.minimum(step, steps), steps, lr, dtype)
            target = tf.cast(self.warmup_target, dtype)
            warmup = tf.cast(self.warmup_steps, dtype)
            step = tf.minimum(step, steps + warmup)
            return tf.cond(step < warmup,
                           lambda: (target - lr) * (step / warmup) + lr,
                           lambda: self._decay(step - warmup, steps, target, dtype))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay restarted after periods growing by `t_mul`, peaks scaled by `m_mul`."""

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0,
                 alpha=0.0, name=None):
        self.initial_learning_rate, self.first_decay_steps = initial_learning_rate, \
            first_decay_steps
        self._t_mul, self._m_mul, self.alpha, self.name = t_mul, m_mul, alpha, name

    def __call__(self, step):
        tf = tf_api()
        with tf.name_scope(self.name or "SGDRDecay") as name:
            lr, dtype, step = _start(self, step)
            alpha = tf.cast(self.alpha, dtype)
            t_mul, m_mul = tf.cast(self._t_mul, dtype), tf.cast(self._m_mul, dtype)
            fraction = step / tf.cast(self.first_decay_steps, dtype)

            def geometric():
                i = tf.floor(tf.log(1.0 - fraction * (1.0 - t_mul)) / tf.log(t_mul))
                done = (1.0 - t_mul ** i) / (1.0 - t_mul)
                return i, (fraction - done) / t_mul ** i

            def uniform():
                i = tf.floor(fraction)
                return i, fraction - i

            i, fraction = tf.cond(tf.equal(t_mul, 1.0), uniform, geometric)
            cosine = 0.5 * m_mul ** i * (1.0 + tf.cos(tf.constant(math.pi, dtype=dtype) *
                                                      fraction))
            return tf.multiply(lr, (1 - alpha) * cosine + alpha, name=name)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self._t_mul,
                "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


_CLASSES = {c.__name__: c for c in (
    ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay, CosineDecay,
    CosineDecayRestarts)}


def serialize(learning_rate_schedule):
    from scopeflow.keras.object_registration import serialize_object
    return serialize_object(learning_rate_schedule)


def deserialize(config, custom_objects=None):
    from scopeflow.keras.object_registration import deserialize_object

    def by_name(name):
        raise ValueError("Unknown decay: '%s'." % (name,))

    return deserialize_object(config, _CLASSES, by_name, custom_objects, "decay")
