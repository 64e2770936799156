"""TF2's `Variable` class (`tensorflow.python.ops.variables.Variable`), which TF1 code reaches
through that module path: calling it makes a ResourceVariable whatever the defaults say, while
every variable (ref or resource) is an instance of it.

>>> import scopeflow as tf
>>> with tf.Graph().as_default():
...     v = Variable(1.0)
...     type(v).__name__, v.op.type, isinstance(tf.Variable(2.0), Variable)
('ResourceVariable', 'VarHandleOp', True)
"""

from scopeflow.core.frame import default_graph
from scopeflow.core.variables import (VariableAggregation, VariableMetaclass,
                                      VariableSynchronization, VariableV1, through_creators)


def _v2_kwargs(initial_value=None, trainable=None, validate_shape=True, caching_device=None,
               name=None, variable_def=None, dtype=None, import_scope=None, constraint=None,
               synchronization=VariableSynchronization.AUTO,
               aggregation=VariableAggregation.NONE, shape=None,
               experimental_enable_variable_lifting=True, **others):
    """TF2's Variable arguments by name, in its call order, and any others given (TF hands
    those, e.g. TF1's `collections`, to the variable creators)."""
    named = dict(locals())
    return dict(named, **named.pop("others"))


_V2_ARGS = frozenset(_v2_kwargs())


def _default_creator(**kwargs):
    """TF's default_variable_creator_v2: always a ResourceVariable; arguments TF2's Variable
    lacks (`collections`, `use_resource`) are ignored."""
    kept = {k: v for k, v in kwargs.items() if k in _V2_ARGS}
    return type.__call__(VariableV1, use_resource=True, **kept)


class _VariableV2Meta(VariableMetaclass):
    def __call__(cls, *args, **kwargs):
        kwargs = _v2_kwargs(*args, **kwargs)
        creators = default_graph()._frame().creators
        return through_creators(creators, kwargs, _default_creator)

    def __instancecheck__(cls, instance):
        return isinstance(instance, VariableV1)

    def __subclasscheck__(cls, subclass):
        return issubclass(subclass, VariableV1)


class Variable(metaclass=_VariableV2Meta):
    """`variables.Variable` of TF 2.x: the base class of every variable; calling it makes a
    ResourceVariable (TF's `_variable_v2_call`)."""


VariableV2 = Variable  # (the name tf_paths' table looks up: `tf.Variable` is TF1's class)
