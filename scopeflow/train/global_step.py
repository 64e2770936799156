"""The global step: an int64 scalar variable `global_step` in the GLOBAL_STEP collection."""

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys


def global_step(sess, global_step_tensor):
    """`tf.train.global_step`: the current value of the global step, as a Python int."""
    return int(sess.run(global_step_tensor))


def get_global_step(graph=None):
    """The global step variable of `graph` (collection, else a tensor `global_step:0`), or None.

    >>> import scopeflow as tf
    >>> tf.train.get_global_step() is None
    True
    """
    graph = graph or default_graph()
    found = graph.get_collection(GraphKeys.GLOBAL_STEP)
    if len(found) == 1:
        step = found[0]
    elif not found:
        try:
            step = graph.get_tensor_by_name("global_step:0")
        except KeyError:
            return None
    else:
        import logging
        logging.getLogger("tensorflow").error("Multiple tensors in global_step collection.")
        return None
    assert_global_step(step)
    return step


def assert_global_step(global_step_tensor):
    """Raises TypeError unless the argument is an integer scalar Variable or Tensor."""
    from scopeflow.core.tensor import Tensor
    from scopeflow.core.variables import Variable
    t = global_step_tensor
    if not isinstance(t, (Variable, Tensor)):
        raise TypeError('Existing "global_step" must be a Variable or Tensor: %s.' % t)
    if not t.dtype.base_dtype.is_integer:
        raise TypeError('Existing "global_step" does not have integer type: %s' % t.dtype)
    shape = t.get_shape()
    if shape.ndims != 0 and shape.is_fully_defined():
        raise TypeError('Existing "global_step" is not scalar: %s' % shape)


def create_global_step(graph=None):
    """Creates the int64 `global_step` variable (zeros, not trainable) in `graph`.

    >>> import scopeflow as tf
    >>> tf.train.create_global_step().name
    'global_step:0'
    """
    from scopeflow.core.getters import get_variable
    from scopeflow.core.variables import VariableAggregation
    from scopeflow.ops.init_ops import zeros_initializer
    graph = graph or default_graph()
    if get_global_step(graph) is not None:
        raise ValueError('"global_step" already exists.')
    with graph.as_default() as g, g.name_scope(None):
        return get_variable(GraphKeys.GLOBAL_STEP, shape=[], dtype=_dt.int64,
                            initializer=zeros_initializer(), trainable=False,
                            aggregation=VariableAggregation.ONLY_FIRST_REPLICA,
                            collections=[GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP])


def get_or_create_global_step(graph=None):
    """The global step of `graph`, created if there is none."""
    graph = graph or default_graph()
    step = get_global_step(graph)
    return step if step is not None else create_global_step(graph)
