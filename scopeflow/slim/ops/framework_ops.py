"""`tf_slim.ops.framework_ops`: the graph that an op's inputs live in, the current name scope."""

from scopeflow.core.graph import Graph, get_default_graph, graph_from_inputs
from scopeflow.core.tensor import Operation, Tensor

__all__ = ["get_graph_from_inputs", "get_name_scope"]


def _graph_element(value):
    if isinstance(value, (Tensor, Operation)):
        return value
    as_element = getattr(value, "_as_graph_element", None)
    return as_element() if as_element is not None else None


def get_graph_from_inputs(op_input_list, graph=None):
    """The graph of `op_input_list` (all from one graph, or from `graph` when given), else the
    default graph.

    >>> import scopeflow as tf
    >>> get_graph_from_inputs([tf.constant(1.0)]) is tf.get_default_graph()
    True
    """
    op_input_list = tuple(op_input_list)
    if graph is not None and not isinstance(graph, Graph):
        raise TypeError("Input graph needs to be a Graph: %s" % (graph,))
    if not graph:
        return graph_from_inputs(op_input_list)
    for value in op_input_list:
        element = _graph_element(value)
        if element is not None and element.graph is not graph:
            raise ValueError("%s is not from the passed-in graph." % element)
    return graph


def get_name_scope():
    """The default graph's current name scope ('' at the top).

    >>> import scopeflow as tf
    >>> with tf.name_scope("a"):
    ...     get_name_scope()
    'a'
    """
    return get_default_graph().get_name_scope()
