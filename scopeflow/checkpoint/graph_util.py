"""`tf.graph_util`: freezing (variables to constants), sub-graph extraction, pruning.

>>> import scopeflow as tf
>>> g = tf.Graph()
>>> with g.as_default():
...     c = tf.add(tf.constant(1.0, name="a"), tf.constant(2.0, name="b"), name="c")
...     _ = tf.constant(5.0, name="unused")
>>> [n.name for n in extract_sub_graph(g.as_graph_def(), ["c"]).node]
['a', 'b', 'c']
"""

import logging
import re

import numpy as np
from tensorboard.compat.proto import graph_pb2, node_def_pb2, types_pb2

from scopeflow import dtypes as _dt
from scopeflow.checkpoint.importer import import_graph_def  # noqa: F401 (tf.graph_util name)
from scopeflow.core.tensor import Operation
from scopeflow.summary.graph_def import tensor_proto

__all__ = ["convert_variables_to_constants", "extract_sub_graph", "import_graph_def",
           "must_run_on_cpu", "remove_training_nodes", "tensor_shape_from_node_def_name"]

_log = logging.getLogger("tensorflow")
_VARIABLE_OPS = frozenset(("Assign", "AssignAdd", "AssignSub", "Queue", "ScatterAdd",
                           "ScatterSub", "ScatterUpdate", "TruncatedNormal", "Variable",
                           "VariableV2"))


def must_run_on_cpu(node, pin_variables_on_cpu=False):
    """Whether TF would pin `node` (an Operation or NodeDef) to the CPU."""
    if isinstance(node, Operation):
        node = node.node_def
    else:
        assert isinstance(node, node_def_pb2.NodeDef)
    if pin_variables_on_cpu and node.op in _VARIABLE_OPS:
        return True
    if node.op == "Const":
        return node.attr["dtype"].type in (types_pb2.DT_STRING, types_pb2.DT_INT32)
    if node.op in ("DynamicStitch", "ParallelDynamicStitch"):
        return node.attr["T"].type == types_pb2.DT_INT32
    if node.op == "Cast":
        return node.attr["SrcT"].type == types_pb2.DT_INT32
    return False


def _node_name(n):
    return n[1:] if n.startswith("^") else n.split(":")[0]


def _colocated(name):
    name = name.decode("utf-8")
    return name[5:] if name.startswith("loc:@") else name


def _summary(graph_def):
    """({name: input node names, colocations included}, {name: node}, {name: position})."""
    inputs, nodes, seq = {}, {}, {}
    for k, node in enumerate(graph_def.node):
        n = _node_name(node.name)
        nodes[n] = node
        inputs[n] = [_node_name(x) for x in node.input]
        if "_class" in node.attr:
            inputs[n].extend(_colocated(s) for s in node.attr["_class"].list.s)
        seq[n] = k
    return inputs, nodes, seq


def extract_sub_graph(graph_def, dest_nodes):
    """The nodes `dest_nodes` need (inputs, control inputs, colocations), in graph order."""
    if not isinstance(graph_def, graph_pb2.GraphDef):
        raise TypeError("graph_def must be a graph_pb2.GraphDef proto, but got type %s."
                        % type(graph_def))
    if isinstance(dest_nodes, str):
        raise TypeError("dest_nodes must be an iterable of strings, but got type %s."
                        % type(dest_nodes))
    inputs, nodes, seq = _summary(graph_def)
    for d in dest_nodes:
        assert d in nodes, "%s is not in graph" % d
    keep, todo = set(), list(dest_nodes)
    while todo:
        n = todo.pop(0)
        if n not in keep:
            keep.add(n)
            todo.extend(inputs.get(n, ()))
    out = graph_pb2.GraphDef()
    for n in sorted(keep, key=lambda n: seq[n]):
        out.node.add().CopyFrom(nodes[n])
    out.library.CopyFrom(graph_def.library)
    out.versions.CopyFrom(graph_def.versions)
    return out


def tensor_shape_from_node_def_name(graph, input_name):
    """The static shape of the tensor `input_name` (`op` means `op:0`) in `graph`."""
    name = input_name if ":" in input_name else input_name + ":0"
    return graph.get_tensor_by_name(name).get_shape()


def _copy_without(nodes, drop):
    out = []
    for node in nodes:
        if node.name in drop:
            continue
        new = node_def_pb2.NodeDef()
        new.CopyFrom(node)
        del new.input[:]
        new.input.extend(i for i in node.input if re.sub(r"^\^", "", i) not in drop)
        out.append(new)
    return out


def remove_training_nodes(input_graph, protected_nodes=None):
    """Drops CheckNumerics and splices out Identity / StopGradient (TF's rules for which)."""
    protected = protected_nodes or []
    drop = {n.name for n in input_graph.node
            if n.op == "CheckNumerics" and n.name not in protected}
    nodes = _copy_without(input_graph.node, drop)
    control_inputs, with_control, colocated = set(), set(), set()
    for node in nodes:
        for i in node.input:
            if "^" in i:
                control_inputs.add(i.replace("^", ""))
                with_control.add(node.name)
        if "_class" in node.attr:
            colocated.update(_colocated(s) for s in node.attr["_class"].list.s)
    splice = {n.name: n.input[0] for n in nodes
              if n.op in ("Identity", "StopGradient") and n.name not in protected
              and n.name not in colocated and n.name not in with_control}
    splice = {k: v for k, v in splice.items() if k not in control_inputs}
    out = graph_pb2.GraphDef()
    for node in nodes:
        if node.name in splice:
            continue
        new = out.node.add()
        new.CopyFrom(node)
        del new.input[:]
        for full in node.input:
            name = re.sub(r"^\^", "", full)
            while name in splice:
                full = splice[name]
                name = re.sub(r"^\^", "", full)
            new.input.append(full)
    return out


# ---- freezing ---------------------------------------------------------------------------------
_INTERMEDIATE = frozenset(("Enter", "Exit", "Identity", "NextIteration", "Switch", "_SwitchN"))


class _Freezer:
    """Rewrites a GraphDef in place: variables to Consts, their readers to plain ops."""

    def __init__(self, graph_def):
        self.graph_def = graph_def
        self.nodes = {n.name: n for n in graph_def.node}
        self.users = {}  # node name -> [(consumer node, input index)]
        for node in graph_def.node:
            for k, name in enumerate(node.input):
                if not name.startswith("^"):
                    self.users.setdefault(name.split(":")[0], []).append((node, k))

    def to_const(self, node, value):
        dtype = node.attr["dtype"].type
        value = np.asarray(value, dtype=_dt.as_dtype(dtype).as_numpy_dtype)
        name = node.name
        node.Clear()
        node.name, node.op = name, "Const"
        node.attr["dtype"].type = dtype
        node.attr["value"].tensor.CopyFrom(tensor_proto(value))
        self.propagate(name, dtype)

    def propagate(self, name, dtype):
        for user, index in self.users.get(name, ()):
            if user.op in _INTERMEDIATE or user.op == "Merge":
                user.attr["T"].type = dtype
                if "_output_shapes" in user.attr:
                    del user.attr["_output_shapes"]
                self.propagate(user.name, dtype)
            elif user.op == "ReadVariableOp":
                self._replace(user, "Identity", [user.input[0]], T=user.attr["dtype"])
            elif user.op == "ResourceGather":
                self._gather(user)
            elif user.op == "ResourceGatherNd":
                self._replace(user, "GatherNd", list(user.input[:2]), Tparams=user.attr["dtype"],
                              Tindices=user.attr["Tindices"])

    @staticmethod
    def _replace(node, op, inputs, **attrs):
        old = node_def_pb2.NodeDef()
        old.CopyFrom(node)
        node.Clear()
        node.name, node.op = old.name, op
        node.input.extend(inputs)
        for k, v in attrs.items():
            node.attr[k].CopyFrom(v)
        if "_class" in old.attr:
            node.attr["_class"].CopyFrom(old.attr["_class"])

    def _gather(self, node):
        if node.attr["batch_dims"].i != 0:
            raise ValueError("batch_dims must be 0 for freeze_graph, but got node(%s)."
                             "attr('batch_dims') = %d." % (node.name, node.attr["batch_dims"].i))
        axis_name = node.name + "/axis"
        tindices = node.attr["Tindices"]
        if axis_name not in self.nodes:
            axis = self.nodes[axis_name] = self.graph_def.node.add(name=axis_name, op="Const")
            axis.attr["dtype"].CopyFrom(tindices)
            axis.attr["value"].tensor.CopyFrom(tensor_proto(
                np.asarray(0, _dt.as_dtype(tindices.type).as_numpy_dtype)))
        self._replace(node, "GatherV2", [node.input[0], node.input[1], axis_name],
                      Tparams=node.attr["dtype"], Tindices=tindices, Taxis=tindices)


def convert_variables_to_constants(sess, input_graph_def, output_node_names,
                                   variable_names_whitelist=None,
                                   variable_names_blacklist=None):
    """A frozen GraphDef: the sub-graph of `output_node_names` with each variable replaced
    by a Const holding its value in `sess`."""
    graph_def = extract_sub_graph(input_graph_def, output_node_names)
    todo, names = [], []
    for node in graph_def.node:
        if node.op not in ("Variable", "VariableV2", "VarHandleOp"):
            continue
        if variable_names_whitelist is not None and node.name not in variable_names_whitelist:
            continue
        if variable_names_blacklist is not None and node.name in variable_names_blacklist:
            continue
        todo.append(node)
        names.append(node.name + ("/Read/ReadVariableOp:0" if node.op == "VarHandleOp"
                                  else ":0"))
    values = sess.run(names) if names else []
    freezer = _Freezer(graph_def)
    for node, value in zip(todo, values):
        if node.op != "Variable":  # TF converts VariableV2 and VarHandleOp only
            freezer.to_const(node, value)
    _log.info("Froze %d variables.", len(todo))
    return graph_def
