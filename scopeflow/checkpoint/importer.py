"""`tf.import_graph_def`: recreates a GraphDef's nodes as ops of the default graph.

Each NodeDef becomes an op through the registry (its shape rule gives the outputs), under the
`import/` scope (or `name`); inputs may be replaced through `input_map`; attrs are decoded from
AttrValues and passed on as the kernel's keyword arguments. Nodes are created inputs first.

>>> import scopeflow as tf
>>> g = tf.Graph()
>>> with g.as_default():
...     _ = tf.identity(tf.constant(1.0, name="c"), name="i")
>>> with tf.Graph().as_default():
...     print([t.name for t in import_graph_def(g.as_graph_def(), return_elements=["i:0"])])
['import/i:0']
"""

import functools
import heapq
import inspect
import socket

from tensorboard.compat.proto import graph_pb2

from scopeflow import dtypes as _dt
from scopeflow import errors
from scopeflow.checkpoint.attrs import decode_attr
from scopeflow.checkpoint.import_calls import CALL_OPS, inline_call
from scopeflow.checkpoint.import_cf import rebuild_conds
from scopeflow.checkpoint.import_functions import rebuild_functions
from scopeflow.checkpoint.import_loops import rebuild_loops
from scopeflow.core import naming
from scopeflow.core.device import canonical
from scopeflow.core.frame import default_graph
from scopeflow.core.tensor import Tensor
from scopeflow.ops import if_ops, while_ops  # noqa: F401 - TF2 conds, loops in functions
from scopeflow.ops import registry

_NOT_REGISTERED = ("Op type not registered '%s' in binary running on %s. Make sure the Op and "
                   "Kernel are registered in the binary running in this process. Note that if "
                   "you are loading a saved graph which used ops from tf.contrib (e.g. "
                   "`tf.contrib.resampler`), accessing should be done before importing the "
                   "graph, as contrib ops are lazily registered when the module is first "
                   "accessed.")


def _tensor_key(name):
    name = name.lstrip("^")
    return name if ":" in name else name + ":0"


def _split_input(name):
    """(op name, output index, is control) of a NodeDef input string."""
    if name.startswith("^"):
        return name[1:], -1, True
    op_name, _, idx = name.partition(":")
    return op_name, int(idx) if idx else 0, False


_MERGES = frozenset(("Merge", "RefMerge"))
_NEXT_ITERATIONS = frozenset(("NextIteration", "RefNextIteration"))


def _order(nodes):
    """NodeDefs in the order TF's importer adds them: the first ready node in file order
    next, a while loop's Merge ready once its entry input is (its NextIteration input is a
    back edge). TF's ValueErrors for repeated names, unknown inputs and cycles."""
    by_name = {}
    for n in nodes:
        if n.name in by_name:
            raise ValueError("Node '%s' is not unique" % n.name)
        by_name[n.name] = n
    index = {n.name: k for k, n in enumerate(nodes)}
    users = [[] for _ in nodes]
    pending = []
    for k, n in enumerate(nodes):
        controls, back = 0, False
        for i in n.input:
            src, _, control = _split_input(i)
            j = index.get(src)
            if j is None:
                raise ValueError("Node '%s': Unknown input node '%s'" % (n.name, i))
            users[j].append(k)
            controls += control
            back = back or (not control and nodes[j].op in _NEXT_ITERATIONS)
        pending.append(controls + 1 if back and n.op in _MERGES else len(n.input))
    ready = [k for k, c in enumerate(pending) if c == 0]
    out = []
    while ready:
        k = heapq.heappop(ready)
        out.append(nodes[k])
        for u in users[k]:
            pending[u] -= 1
            if pending[u] == 0:
                heapq.heappush(ready, u)
    if len(out) < len(nodes):
        raise ValueError("%d nodes in a cycle" % (len(nodes) - len(out)))
    return out


_MAX_ELEMENTS = (1 << 63) - 1


def _check_shapes(node, full):
    """TF's ValueErrors for tensor and shape attrs no tensor can have, before any value of
    them is decoded (a hostile file may claim 10^24 elements)."""
    for av in node.attr.values():
        kind = av.WhichOneof("value")
        if kind == "tensor":
            dims = [d.size for d in av.tensor.tensor_shape.dim]
        elif kind == "shape" and not av.shape.unknown_rank:
            dims = [d.size for d in av.shape.dim]
        elif kind == "list" and (len(av.list.tensor) or len(av.list.shape)):
            shapes = [[d.size for d in t.tensor_shape.dim] for t in av.list.tensor] + [
                [d.size for d in sh.dim] for sh in av.list.shape if not sh.unknown_rank]
            for dims in shapes:
                _check_dims(node, full, dims, negative_ok=True)
            continue
        else:
            continue
        _check_dims(node, full, dims, negative_ok=kind == "shape")


def _check_dims(node, full, dims, negative_ok):
    text = "[%s]" % ",".join(map(str, dims))
    if any(d < (-1 if negative_ok else 0) for d in dims):
        problem = "Shape %s is not fully defined" % text
    else:
        total = 1
        for d in dims:
            total *= max(d, 1)
        if total <= _MAX_ELEMENTS:
            return
        problem = "Shape %s is too large (more than 2**63 - 1 entries)" % text
    attrs = ", ".join("%s=%s" % (k, _attr_summary(v)) for k, v in sorted(node.attr.items()))
    raise ValueError("%s for '{{node %s}} = %s[%s]()' with input shapes: ." % (
        problem, full, node.op, attrs))


def _attr_summary(av):
    kind = av.WhichOneof("value")
    if kind == "type":
        from scopeflow.checkpoint.io_ops import type_string
        return "DT_" + type_string(_dt.as_dtype(av.type)).upper()
    if kind == "tensor":
        return "<TensorProto>"
    if kind == "shape":
        return "[%s]" % ",".join(str(d.size) for d in av.shape.dim)
    return str(getattr(av, kind)) if kind and kind != "list" else "[...]"


@functools.cache
def _attr_names(rec):
    """Keyword-only parameters of the kernel (its attrs); None when it takes **kwargs."""
    params = inspect.signature(rec.kernel).parameters.values()
    if any(p.kind == p.VAR_KEYWORD for p in params):
        return None
    return frozenset(p.name for p in params if p.kind == p.KEYWORD_ONLY)


def _kernel_attrs(rec, node):
    """The node's attrs as kernel keywords; attrs it leaves out (a graph written with
    `strip_default_attrs`) take the default of TF's op definition, as TF's importer does."""
    names = _attr_names(rec)
    out = {k: decode_attr(v) for k, v in node.attr.items()
           if not k.startswith("_") and (names is None or k in names)}
    for k, v in _default_attrs(node.op).items():
        if k not in out and (names is None or k in names):
            out[k] = decode_attr(v)
    return out


@functools.cache
def _default_attrs(op_type):
    from scopeflow.summary.graph_def import _signature, attr_value
    sig = _signature(op_type)
    out = {}
    for name, typ, default, has_default in sig[2] if sig else ():
        av = attr_value(default, typ) if has_default else None
        if av is not None:
            out[name] = av
    return out


def _group_inputs(rec, node, tensors):
    """Splits a node's data inputs over the kernel's args (list args take several)."""
    if not rec.list_args:
        return list(tensors)
    if node.op == "SymbolicGradient":  # TF's one list: the call's inputs, then output grads
        n = len(node.attr["Tout"].list.type)
        return [list(tensors[:n]), list(tensors[n:]), []]
    sizes = _list_sizes(rec, node, len(tensors))
    groups, pos = [], 0
    for arg in rec.args:
        if arg in rec.list_args:
            n = sizes[arg]
            groups.append(list(tensors[pos:pos + n]))
            pos += n
        elif pos < len(tensors):
            groups.append(tensors[pos])
            pos += 1
    return groups


def _list_sizes(rec, node, total):
    """Lengths of the list args: from TF's signature attrs, else the inputs left over."""
    from scopeflow.summary.graph_def import _signature
    sig = _signature(node.op)
    sizes = {}
    if sig is not None:
        for name, count, _, list_attr in sig[0]:
            if name in rec.list_args and count and count in node.attr:
                sizes[name] = node.attr[count].i
            elif name in rec.list_args and list_attr and list_attr in node.attr:
                sizes[name] = len(node.attr[list_attr].list.type)
    missing = [a for a in rec.args if a in rec.list_args and a not in sizes]
    if missing:
        rest = total - sum(sizes.values()) - (len(rec.args) - len(rec.list_args))
        for a in missing:
            sizes[a] = rest // len(missing)
    return sizes


class _Import:
    """State of one import: names of created ops and the input map."""

    def __init__(self, graph, prefix, input_map, uniquify):
        self.graph = graph
        self.prefix = prefix
        self.input_map = input_map
        self.uniquify = uniquify
        self.names = {}  # node name -> created Operation
        self.used_map = set()
        self.back_edges = []  # (op, input position, input name) to wire once all exist
        self.library = {}  # function name -> FunctionDef (the GraphDef's library)

    def wire_back_edges(self):
        for op, k, text in self.back_edges:
            op_name, idx, _ = _split_input(text)
            self.graph._replace_input(op, k, self.names[op_name]._outputs[idx])

    def new_name(self, node_name):
        full = self.prefix + node_name
        if self.uniquify:
            return naming.unique_name(self.graph._names_in_use, "", full)
        naming.unique_name(self.graph._names_in_use, "", full)
        return full

    def input_tensor(self, node, position, text):
        op_name, idx, _ = _split_input(text)
        producer = self.names.get(op_name)
        if producer is None:  # a back edge (NextIteration -> Merge): wired up at the end
            return None
        produced = producer._outputs[idx]
        key = "%s:%d" % (op_name, idx)
        mapped = self.input_map.get(key)
        if mapped is None:
            return produced
        self.used_map.add(key)
        if mapped.dtype.base_dtype is not produced.dtype.base_dtype:
            from scopeflow.checkpoint.io_ops import type_string
            raise ValueError("Input %d of node %s was passed %s from %s incompatible with "
                             "expected %s." % (position, self.prefix + node.name,
                                               type_string(mapped.dtype), mapped.name,
                                               type_string(produced.dtype)))
        return mapped

    def create(self, node):
        if node.op in CALL_OPS and "f" in node.attr or node.op in self.library:
            # a function call (TF 2's call ops; a Defun's op typed by its name): its body
            return self._inline(node)
        rec = registry.REGISTRY.get(node.op)
        if rec is None:
            raise errors.NotFoundError(None, None, _NOT_REGISTERED
                                       % (node.op, socket.gethostname()))
        data = [i for i in node.input if not i.startswith("^")]
        tensors = [self.input_tensor(node, k, t) for k, t in enumerate(data)]
        later = [k for k, t in enumerate(tensors) if t is None]
        if later:  # stand in the entry input until the loop's NextIteration exists
            entry = next(t for t in tensors if t is not None)
            tensors = [entry if t is None else t for t in tensors]
        full = self.prefix + node.name
        _check_shapes(node, full)
        full = self.new_name(node.name)
        registry.finish(self.graph, rec, full, _group_inputs(rec, node, tensors),
                        rebuild_functions(self, node, _kernel_attrs(rec, node)))
        op = self.graph._ops_by_name[full]
        self.back_edges.extend((op, k, data[k]) for k in later)
        for c in node.input:
            if c.startswith("^"):
                op._add_control_input(self.names[c[1:]])
        if node.device:
            op._device = canonical(node.device)
        if "_class" in node.attr:
            op._colocation = [self._renamed(s.decode()[5:]) for s in node.attr["_class"].list.s
                              if s.startswith(b"loc:@")]
        if node.attr["_has_manual_control_dependencies"].b if \
                "_has_manual_control_dependencies" in node.attr else False:
            self.graph._manual_control.add(op)
        self.names[node.name] = op
        return op

    def _inline(self, node):
        data = [i for i in node.input if not i.startswith("^")]
        tensors = [self.input_tensor(node, k, t) for k, t in enumerate(data)]
        op, _ = inline_call(self, node, tensors)
        for c in node.input:
            if c.startswith("^"):
                op._add_control_input(self.names[c[1:]])
        self.names[node.name] = op
        return op

    def _renamed(self, name):
        op = self.names.get(name)
        return op.name if op is not None else self.prefix + name


def import_graph_def(graph_def, input_map=None, return_elements=None, name=None,
                     op_dict=None, producer_op_list=None):
    """Adds the nodes of `graph_def` to the default graph; returns `return_elements`."""
    if not isinstance(graph_def, graph_pb2.GraphDef) and \
            type(graph_def).__name__ != "GraphDef":
        raise TypeError("Argument `graph_def` must be a GraphDef proto.")
    from scopeflow.core.contexts import name_scope
    for node in graph_def.node:  # TF fills left-out default attrs in, visibly to the caller
        for k, v in _default_attrs(node.op).items():
            if k not in node.attr:
                node.attr[k].CopyFrom(v)
    input_map = {_tensor_key(k): v for k, v in (input_map or {}).items()}
    for k, v in input_map.items():
        if not isinstance(v, Tensor):
            raise TypeError("Argument `input_map` must be a dictionary of Tensors, but "
                            "its values for %s is %r." % (k, v))
    graph = default_graph()
    with name_scope(name, "import", list(input_map.values())) as scope:
        state = _Import(graph, scope, input_map, uniquify=not scope)
        state.library = {f.signature.name: f for f in graph_def.library.function}
        nodes = _order(list(graph_def.node))
        missing = sorted(k for k in input_map if k.split(":")[0] not in
                         {n.name for n in nodes})
        if missing:
            raise ValueError("Attempted to map inputs that were not found in graph_def: [%s]"
                             % ", ".join(missing))
        for node in nodes:
            state.create(node)
        state.wire_back_edges()
        rebuild_conds(state.names.values())
        rebuild_loops(state.names.values())
    return _returns(state, return_elements)


def _returns(state, return_elements):
    if return_elements is None:
        return None
    out = []
    for el in return_elements:
        op_name, idx, _ = _split_input(el)
        op = state.names.get(op_name)
        if ":" in el:
            if op is None or idx >= len(op._outputs):
                raise ValueError("Requested return tensor '%s' not found in graph def" % el)
            out.append(op._outputs[idx])
        else:
            if op is None:
                raise ValueError("Requested return node '%s' not found in graph def" % el)
            out.append(op)
    return out
