"""Keras history: which layer call made a tensor (the functional API's graph of layers).

Tensors keep no attributes here, so the history lives in a per-graph table keyed by tensor id
(the table holds the tensor, so the id stays valid).
"""

import itertools
import weakref

from scopeflow.core.frame import default_graph

_HISTORY = weakref.WeakKeyDictionary()  # graph -> {id(tensor): (tensor, (layer, node, index))}
_ORDER = itertools.count()


class Node:
    """One call of a layer: its input and output tensors (flat and as structures)."""

    def __init__(self, layer, inputs, outputs, args, kwargs):
        from scopeflow.ops import nest
        self.layer = layer
        self.inputs, self.outputs = inputs, outputs
        self.input_tensors = [t for t in nest.flatten(inputs) if _is_tensor(t)]
        self.output_tensors = [t for t in nest.flatten(outputs) if _is_tensor(t)]
        self.args, self.kwargs = args, kwargs
        self.order = next(_ORDER)
        self.index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)
        for i, t in enumerate(self.output_tensors):
            set_keras_history(t, (layer, self.index, i))

    @property
    def parents(self):
        """The nodes that made this node's inputs (None for a tensor with no history)."""
        out = []
        for t in self.input_tensors:
            hist = keras_history(t)
            out.append(None if hist is None else hist[0]._inbound_nodes[hist[1]])
        return out


def _is_tensor(t):
    return hasattr(t, "op") and hasattr(t, "graph")


def _table(graph):
    table = _HISTORY.get(graph)
    if table is None:
        table = _HISTORY[graph] = {}
    return table


def set_keras_history(t, history):
    _table(t.graph)[id(t)] = (t, history)


def keras_history(t):
    """`(layer, node_index, tensor_index)` of a Keras tensor, else None."""
    if not _is_tensor(t):
        return None
    entry = _table(t.graph).get(id(t))
    return None if entry is None or entry[0] is not t else entry[1]


def default_history_graph():
    return default_graph()
