"""FunctionDefs of a GraphDef's library: the traced functions of tf.data ops, as TF writes them.

A dataset op's function attr (`f`, `predicate`) holds the traced function (data/functions.py:
its own graph, argument placeholders, captures, outputs). On export it becomes a FunctionDef:
the placeholders are the input args (element components first, then captures, which the
dataset op receives as `other_arguments`), every other op a NodeDef whose inputs name their
producer's output arg (`mul:z:0`, `ParseExampleV2:dense_values:1`), and one output arg
`identity`, `identity_1`, ... per output. The attr itself becomes `func { name: ... }`.

>>> import scopeflow as tf
>>> ds = tf.data.Dataset.range(3).map(lambda x: x * 2)
>>> lib = tf.get_default_graph().as_graph_def().library
>>> [n.op for n in lib.function[0].node_def], dict(lib.function[0].ret)
(['Const', 'Mul'], {'identity': 'mul:z:0'})
"""

import itertools
import re

from tensorboard.compat.proto import attr_value_pb2, function_pb2

_IDS = itertools.count(1)


def is_function(value):
    """True for a traced function held as an op attr."""
    return hasattr(value, "graph") and hasattr(value, "outputs") and hasattr(value, "bind")


def function_name(fn, op_type=""):
    """The library name of `fn`, fixed at its first export (TF's `__inference_...` style)."""
    name = getattr(fn, "_function_name", None)
    if name is None:
        kind = re.sub(r"Dataset(V\d+)?$", "", op_type).lower() or "fn"
        name = "__inference_Dataset_%s_%d" % (kind, next(_IDS))
        fn._function_name = name
    return name


class Library:
    """Collects the FunctionDefs an export refers to (nested functions included)."""

    def __init__(self, fdef_lib):
        self.lib = fdef_lib
        self.done = {f.signature.name for f in fdef_lib.function}

    def func_attr(self, fn, op_type):
        name = function_name(fn, op_type)
        if name not in self.done:
            self.done.add(name)
            self.lib.function.append(function_def(fn, name, self))
        return attr_value_pb2.AttrValue(func=attr_value_pb2.NameAttrList(name=name))

    def add_called(self, op):
        """Adds the function a Defun call `op` (typed by the function's name) runs."""
        from scopeflow.ops.function_call import DEFINED
        fn = DEFINED.get(op._type)
        if fn is not None:
            self.func_attr(fn, op._type)


def output_ref(op, index, attrs):
    """`node:out_arg:k` of `op`'s output `index` (attrs: the op's exported AttrValues)."""
    from scopeflow.summary.graph_def import _signature
    sig = _signature(op._type)
    if sig is None:
        return "%s:output:%d" % (op._name, index)
    pos = 0
    for name, count, _, list_attr in sig[1]:
        if count:
            size = attrs[count].i if count in attrs else 0
        elif list_attr:
            size = len(attrs[list_attr].list.type) if list_attr in attrs else 0
        else:
            size = 1
        if index < pos + size:
            return "%s:%s:%d" % (op._name, name, index - pos)
        pos += size
    return "%s:output:%d" % (op._name, index)


def function_def(fn, name, library):
    """The FunctionDef of traced function `fn`."""
    from scopeflow.summary.graph_def import _attrs, shape_proto
    fd = function_pb2.FunctionDef()
    fd.signature.name = name
    inputs = list(fn.args) + [inner for _, inner in fn.graph.captures]
    out_names = getattr(fn, "out_names", None) or [
        "identity" if k == 0 else "identity_%d" % k for k in range(len(fn.outputs))]
    used = set(out_names)  # (TF's: the outputs keep their names, an argument gets `a_0`)
    arg_of = {}
    for k, t in enumerate(inputs):
        arg = fd.signature.input_arg.add(name=_arg_name(t._op._name, used),
                                         type=t.dtype.base_dtype.as_datatype_enum)
        arg_of[t] = arg.name
        fd.arg_attr[k].attr["_output_shapes"].list.shape.append(shape_proto(t.shape))
    arg_ops = {t._op for t in inputs}
    attrs_of = {}

    def ref(t):
        if t in arg_of:
            return arg_of[t]
        return output_ref(t._op, t._value_index, attrs_of[t._op])

    body = [op for op in fn.graph._ops if op not in arg_ops]
    for op in body:  # (first: a cond's capture Switch is made after the op that reads it)
        library.add_called(op)
        attrs = _attrs(op)
        for k, v in op._attrs.items():
            if is_function(v):
                attrs[k] = library.func_attr(v, op._type)
        attrs_of[op] = attrs
    for op in body:
        attrs = attrs_of[op]
        nd = fd.node_def.add(name=op._name, op=op._type)
        nd.input.extend(ref(t) for t in op._inputs)
        nd.input.extend("^" + c._name for c in op._control_inputs)
        if op._device:
            nd.device = op._device
        for k, v in attrs.items():
            nd.attr[k].CopyFrom(v)
    for k, t in enumerate(fn.outputs):
        out = out_names[k]
        fd.signature.output_arg.add(name=out, type=t.dtype.base_dtype.as_datatype_enum)
        fd.ret[out] = ref(t)
    extra = getattr(fn, "library_attrs", None)  # a called function's attrs (not tf.data's)
    if extra is None:
        fd.attr["_tf_data_function"].b = True
    for k, v in (extra or {}).items():
        fd.attr[k].CopyFrom(attr_value_pb2.AttrValue(s=v.encode()) if isinstance(v, str)
                            else attr_value_pb2.AttrValue(b=v))
    return fd


def _arg_name(name, used):
    """TF's argument name for placeholder `name`: lowercase, other characters `_`, unique."""
    base = re.sub(r"[^a-z0-9_]", "_", name.lower())
    out, k = base, 0
    while out in used:
        out, k = "%s_%d" % (base, k), k + 1
    used.add(out)
    return out
