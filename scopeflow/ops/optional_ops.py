"""TF's Optional variant, as a tf.cond inside a tf.function keeps a branch's intermediates for
its gradient (cond_v2: `OptionalFromValue` in the branch that made them, `OptionalNone` in the
other, `OptionalGetValue` in the gradient's branch): here a small pytree of a has-value flag
and the components. An empty one gets zeros shaped like the other branch's where a lax.cond
joins them (cf_run.run_branches), so both sides have one structure.

>>> import scopeflow as tf
>>> from scopeflow.ops.optional_ops import optional_from_value, optional_get_value
>>> with tf.Graph().as_default():
...     o = optional_from_value([tf.constant(2.0)], Toutput_types=[tf.float32])
...     v = optional_get_value(o, output_types=[tf.float32], output_shapes=[[]])
...     tf.Session().run(v)[0].item()
2.0
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.ops.registry import ANY, op


@jax.tree_util.register_pytree_node_class
class OptState:
    """An Optional's value: `has` (a bool) and its components (None: empty, shapes unknown)."""

    def __init__(self, has, values):
        self.has, self.values = has, values

    def tree_flatten(self):
        return (self.has, self.values or ()), self.values is None

    @classmethod
    def tree_unflatten(cls, empty, children):
        return cls(children[0], None if empty else tuple(children[1]))


def align_optional(a, b):
    """`a` with zeros for the components of `b` where `a` is an empty optional."""
    if isinstance(a, OptState) and a.values is None and isinstance(b, OptState) \
            and b.values is not None:
        return OptState(np.bool_(False), tuple(jnp.zeros_like(v) for v in b.values))
    return a


def _variant(*args, **attrs):
    return TensorShape([]), _dt.variant


@op("OptionalFromValue", infer=_variant, lists=("components",),
    types={"components": ANY}, fold=False)
def optional_from_value(components, *, Toutput_types=()):
    """An optional holding `components`."""
    return OptState(np.bool_(True), tuple(components))


@op("OptionalNone", infer=_variant, fold=False)
def optional_none():
    """An empty optional."""
    return OptState(np.bool_(False), None)


def _get_specs(optional, *, output_types, output_shapes):
    return [(TensorShape(s), _dt.as_dtype(t).base_dtype)
            for s, t in zip(output_shapes, output_types)]


@op("OptionalGetValue", infer=_get_specs, types={"optional": ANY}, multi=True, fold=False)
def optional_get_value(optional, *, output_types, output_shapes):
    """The components (zeros for an empty optional: the untaken side of a lax.cond)."""
    vals = optional.values
    if vals is None:
        vals = [jnp.zeros(TensorShape(s).as_list(), _dt.as_dtype(t).as_numpy_dtype)
                for s, t in zip(output_shapes, output_types)]
    return vals[0] if len(vals) == 1 else list(vals)


@op("OptionalHasValue", infer=lambda optional: (TensorShape([]), _dt.bool),
    types={"optional": ANY}, fold=False)
def optional_has_value(optional):
    """Whether the optional holds a value."""
    return optional.has
