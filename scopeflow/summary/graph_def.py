"""GraphDef / NodeDef export with TF's own protobuf classes (as the tensorboard package ships).

Attrs come from two places: the op's Python attrs (the kernel's keyword arguments, TF's attr
names) and TF's op signatures (op_defs.json, recorded from TF's op registry), which say how
the type and length attrs (`T`, `N`, `Tidx`, `dtype`, ...) follow from the inputs and outputs
and which defaults TF writes.
"""

import functools
import json
import os

import numpy as np
from tensorboard.compat.proto import (
    attr_value_pb2,
    graph_pb2,
    node_def_pb2,
    tensor_pb2,
    tensor_shape_pb2,
)

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.ops.function_call import DEFINED
from scopeflow.summary import function_def

__all__ = ["attr_value", "graph_def", "node_def", "tensor_proto"]


def graph_def(graph, from_version=None, add_shapes=False):
    """`Graph.as_graph_def()`: one NodeDef per op in creation order, and the versions.

    >>> import scopeflow as tf
    >>> g = tf.Graph()
    >>> with g.as_default():
    ...     _ = tf.constant(1.0, name="c")
    >>> [n.name for n in graph_def(g).node]
    ['c']
    """
    gd = graph_pb2.GraphDef()
    library = None
    for op in list(graph._ops):
        if from_version is not None and op._id <= from_version:
            continue
        nd = gd.node.add()
        _fill(nd, op)
        if op._type in DEFINED:
            library = library or function_def.Library(gd.library)
            library.add_called(op)
        if op._attrs and any(function_def.is_function(v) for v in op._attrs.values()):
            library = library or function_def.Library(gd.library)
            for k, v in op._attrs.items():
                if function_def.is_function(v):
                    nd.attr[k].CopyFrom(library.func_attr(v, op._type))
        if add_shapes and op._outputs:
            nd.attr["_output_shapes"].list.shape.extend(
                shape_proto(t._shape) for t in op._outputs)
    for fn in graph.__dict__.get("replaced_functions", ()):  # (ops/function_grad.py)
        library = library or function_def.Library(gd.library)
        library.func_attr(fn, "PartitionedCall")
    gd.versions.CopyFrom(graph.graph_def_versions)
    return gd


def node_def(op):
    """`Operation.node_def`: name, op type, inputs ("x", "x:1", "^ctrl"), device, attrs."""
    nd = node_def_pb2.NodeDef()
    _fill(nd, op)
    for k, v in op._attrs.items():
        if function_def.is_function(v):
            nd.attr[k].func.name = function_def.function_name(v, op._type)
    return nd


def _fill(nd, op):
    nd.name = op._name
    nd.op = op._type
    nd.input.extend(_input_name(t) for t in op._inputs)
    # TF's GraphDef lists control inputs sorted by name (graph.cc), not in the order added
    nd.input.extend(sorted("^" + c._name for c in op._control_inputs))
    if op._device:
        nd.device = op._device
    for name, value in _attrs(op).items():
        nd.attr[name].CopyFrom(value)


def _input_name(t):
    i = t._value_index
    return t._op._name if i == 0 else "%s:%d" % (t._op._name, i)


# ---- attrs ----------------------------------------------------------------------------------
@functools.cache
def _op_defs():
    """op_defs.json, plus any op_defs_<area>.json beside it (signatures added per area)."""
    here = os.path.dirname(__file__)
    out = {}
    for name in sorted(os.listdir(here)):
        if name.startswith("op_defs") and name.endswith(".json"):
            with open(os.path.join(here, name)) as f:
                out.update(json.load(f))
    return out


@functools.cache
def _signature(op_type):
    """(input args, output args, attrs) of a TF op type, or None when unknown.

    An arg is (name, count attr or None, type attr or None, type-list attr or None)."""
    raw = _op_defs().get(op_type)
    if raw is None:
        return None
    ins, outs, attrs = raw
    parsed = []
    for a in attrs:
        if isinstance(a, str):
            name, typ = a.split("=", 1)
            parsed.append((name, typ, None, False))
        else:
            parsed.append((a[0], a[1], a[2], True))
    return _args(ins), _args(outs), tuple(parsed)


def _args(text):
    out = []
    for spec in text.split():
        name, kind = spec.lstrip("&").split(":", 1)
        count = None
        if "*" in kind:
            count, kind = kind.split("*", 1)
        if kind.startswith("["):
            out.append((name, count, None, kind[1:-1]))
        elif _is_fixed_type(kind):
            out.append((name, count, None, None))
        else:
            out.append((name, count, kind, None))
    return tuple(out)


def _is_fixed_type(kind):
    try:
        _dt.as_dtype(kind)
        return True
    except TypeError:
        return False


def _attrs(op):
    sig = _signature(op._type)
    out = {}
    if sig is None:
        for k, v in op._attrs.items():
            av = attr_value(v)
            if av is not None:
                out[k] = av
        _derive_t(op, out)
    else:
        ins, outs, attrs = sig
        types = {a[0]: a[1] for a in attrs}
        for k, v in op._attrs.items():
            if k in types:
                av = attr_value(v, types[k])
                if av is not None:
                    out[k] = av
        _derive(out, ins, _group(op._inputs, ins, op._arg_counts))
        _derive(out, outs, _group(op._outputs, outs, None))
        for k in _CALL_LIST_ATTRS.intersection(op._attrs):  # (TF's private attrs of calls)
            out[k] = attr_value(op._attrs[k], "list(int)")
        for name, typ, default, has_default in attrs:
            if name not in out and has_default:
                av = attr_value(default, typ)
                if av is not None:
                    out[name] = av
    if op._control_outputs or op in op._graph._manual_control:  # (see Graph._manual_control)
        out["_has_manual_control_dependencies"] = attr_value_pb2.AttrValue(b=True)
    mapped = op._graph._gradient_op_types.get(op)
    if mapped is not None:
        out["_gradient_op_type"] = attr_value_pb2.AttrValue(s=mapped.encode())
    groups = op.colocation_groups() if op._colocation else None
    if groups:
        out["_class"] = attr_value_pb2.AttrValue(list=attr_value_pb2.AttrValue.ListValue(
            s=groups))
    return out


def node_attr(op, name):
    """(found, value) of attr `name` of `op` as TF's Operation.get_attr gives it from the
    NodeDef (derived and default attrs too): bytes for strings, DTypes, protos for shapes."""
    av = _attrs(op).get(name)
    if av is None:
        return False, None
    kind = av.WhichOneof("value")
    if kind == "list":
        for field in ("s", "i", "f", "b", "type", "shape", "tensor", "func"):
            items = getattr(av.list, field)
            if len(items):
                return True, [_dt.as_dtype(x) if field == "type" else x for x in items]
        return True, []
    value = getattr(av, kind) if kind else None
    return True, _dt.as_dtype(value) if kind == "type" else value


_CALL_LIST_ATTRS = frozenset(("_read_only_resource_inputs", "_collective_manager_ids"))


def _derive_t(op, out):
    """Unknown op types: TF's usual `T` from the first input (a Defun call has none)."""
    if "T" not in out and op._inputs and op._type not in DEFINED:
        out["T"] = attr_value_pb2.AttrValue(type=op._inputs[0]._dtype.base_dtype
                                            .as_datatype_enum)


def _group(tensors, args, counts):
    """Splits `tensors` over the signature's args (list args take their counts)."""
    tensors = list(tensors)
    if counts is not None and len(counts) == len(args):
        groups, pos = [], 0
        for n in counts:
            k = 1 if n < 0 else n
            groups.append(tensors[pos:pos + k])
            pos += k
        return groups
    n_list = sum(1 for a in args if a[1] or a[3])
    singles = len(args) - n_list
    extra = max(0, len(tensors) - singles)
    groups, pos = [], 0
    for a in args:
        k = (extra if n_list == 1 else 0) if (a[1] or a[3]) else 1
        groups.append(tensors[pos:pos + k])
        pos += k
    return groups


def _derive(out, args, groups):
    for (name, count, type_attr, list_attr), ts in zip(args, groups):
        if count and count not in out:
            out[count] = attr_value_pb2.AttrValue(i=len(ts))
        if type_attr and type_attr not in out and ts:
            out[type_attr] = attr_value_pb2.AttrValue(type=ts[0]._dtype.base_dtype
                                                      .as_datatype_enum)
        if list_attr and list_attr not in out:
            out[list_attr] = attr_value_pb2.AttrValue(list=attr_value_pb2.AttrValue.ListValue(
                type=[t._dtype.base_dtype.as_datatype_enum for t in ts]))


# ---- Python values -> AttrValue / TensorProto -------------------------------------------------
def attr_value(v, typ=None):
    """AttrValue for a Python attr value (`typ`: TF's attr type when known), or None."""
    av = attr_value_pb2.AttrValue
    if typ is not None and typ.startswith("list("):
        inner = typ[5:-1]
        items = [attr_value(x, inner) for x in (v or ())]
        lv = av.ListValue()
        field = _LIST_FIELD.get(inner)
        if field is None:
            return None
        for item in items:
            if item is not None:
                getattr(lv, field).append(getattr(item, _SCALAR_FIELD[inner]))
        return av(list=lv)
    kind = typ or _infer_kind(v)
    if kind == "type":
        return av(type=_dt.as_dtype(v).base_dtype.as_datatype_enum)
    if kind == "shape":
        return av(shape=shape_proto(v))
    if kind == "tensor":
        return av(tensor=tensor_proto(v))
    if kind == "bool":
        return av(b=bool(v))
    if kind == "int":
        return av(i=int(v))
    if kind == "float":
        return av(f=float(v))
    if kind == "string":
        return av(s=v if isinstance(v, bytes) else str(v).encode())
    if kind == "list":
        return _list_value(v)
    return None


_SCALAR_FIELD = {"type": "type", "shape": "shape", "tensor": "tensor", "bool": "b", "int": "i",
                 "float": "f", "string": "s"}
_LIST_FIELD = _SCALAR_FIELD


def _infer_kind(v):
    if isinstance(v, (bool, np.bool_)):
        return "bool"
    if isinstance(v, (int, np.integer)):
        return "int"
    if isinstance(v, (float, np.floating)):
        return "float"
    if isinstance(v, (str, bytes)):
        return "string"
    if isinstance(v, _dt.DType):
        return "type"
    if isinstance(v, TensorShape):
        return "shape"
    if isinstance(v, np.ndarray):
        return "tensor"
    if isinstance(v, (list, tuple)):
        return "list"
    return None


def _list_value(items):
    lv = attr_value_pb2.AttrValue.ListValue()
    for x in items:
        item = attr_value(x)
        if item is None:
            return None
        field = item.WhichOneof("value")
        getattr(lv, _LIST_FIELD.get(field, field)).append(getattr(item, field))
    return attr_value_pb2.AttrValue(list=lv)


def shape_proto(shape):
    """TensorShapeProto of a TensorShape / list / None (-1 for unknown dims)."""
    if not isinstance(shape, TensorShape):
        shape = TensorShape(shape)
    if shape._dims is None:
        return tensor_shape_pb2.TensorShapeProto(unknown_rank=True)
    return tensor_shape_pb2.TensorShapeProto(dim=[
        tensor_shape_pb2.TensorShapeProto.Dim(size=-1 if d is None else d)
        for d in shape._dims])


_VAL_FIELD = {"float32": "float_val", "float64": "double_val", "int32": "int_val",
              "int16": "int_val", "int8": "int_val", "uint8": "int_val", "uint16": "int_val",
              "int64": "int64_val", "uint32": "uint32_val", "uint64": "uint64_val",
              "bool": "bool_val", "complex64": "scomplex_val", "complex128": "dcomplex_val",
              "float16": "half_val", "bfloat16": "half_val", "string": "string_val",
              "qint8": "int_val", "quint8": "int_val", "qint16": "int_val",
              "quint16": "int_val", "qint32": "int_val"}
_NO_CONTENT = ("bool", "complex64", "complex128", "string")


def tensor_proto(value):
    """TensorProto of a numpy value as TF's make_tensor_proto writes it: one `*_val` for a
    constant filled from one value (a broadcast array), tensor_content for several elements
    of a fixed-size type, else one `*_val` per element."""
    a = np.asarray(value)
    dtype = _dt.string if a.dtype.kind in "OSU" else _dt.as_dtype(a.dtype)
    tp = tensor_pb2.TensorProto(dtype=dtype.as_datatype_enum,
                                tensor_shape=shape_proto(list(a.shape)))
    name = dtype.name
    filled = a.size > 1 and 0 in a.strides
    if a.size > 1 and not filled and name not in _NO_CONTENT:
        tp.tensor_content = np.ascontiguousarray(a).tobytes()
        return tp
    flat = a[(0,) * a.ndim].reshape(1) if filled else a.reshape(-1)  # no copy of a fill
    write_values(tp, flat, name)
    return tp


def write_values(tp, flat, name):
    """Append the 1-D array `flat` of dtype `name` to `tp`'s typed `*_val` field."""
    field = getattr(tp, _VAL_FIELD[name])
    if flat.dtype.names:  # a quantized type's one field: [('qint8', 'i1')]
        flat = flat[flat.dtype.names[0]]
    if name in ("float16", "bfloat16"):
        field.extend(flat.view(np.uint16).tolist())
    elif name in ("complex64", "complex128"):
        field.extend(x for c in flat.tolist() for x in (c.real, c.imag))
    elif name == "string":
        field.extend(s if isinstance(s, bytes) else str(s).encode() for s in flat.tolist())
    else:
        field.extend(flat.tolist())


# ---- TF's node summary in shape errors ("MatMul[T=DT_FLOAT, ...](a, b)") ------------------
class _Pending:
    """An op not yet in its graph (its shape rule failed): what `_attrs` reads of one."""

    _outputs = ()
    _control_outputs = ()
    _colocation = None

    def __init__(self, graph, op_type, attrs, inputs, counts):
        self._graph, self._type, self._attrs = graph, op_type, attrs
        self._inputs, self._arg_counts = tuple(inputs), counts


def node_summary(graph, op_type, attrs, inputs, counts=None):
    """`Type[attr=value, ...](input, input:1)` as TF's SummarizeNodeDef writes a node about to
    be added: every attr (defaults and derived types too), sorted by name.

    >>> import scopeflow as tf
    >>> with tf.Graph().as_default() as g:
    ...     a = tf.zeros([2, 3])
    >>> node_summary(g, "MatMul", {"transpose_a": False}, [a, a])
    'MatMul[T=DT_FLOAT, grad_a=false, grad_b=false, transpose_a=false, transpose_b=false](zeros, zeros)'
    """
    avs = _attrs(_Pending(graph, op_type, attrs, inputs, counts))
    text = ", ".join("%s=%s" % (k, _summarize(avs[k])) for k in sorted(avs)
                     if not k.startswith("_"))
    return "%s[%s](%s)" % (op_type, text, ", ".join(_input_name(t) for t in inputs))


def _summarize(av):
    """TF's SummarizeAttrValue."""
    kind = av.WhichOneof("value")
    if kind == "list":
        lv = av.list
        for field, one in (("s", _string), ("i", str), ("f", _float), ("b", _bool),
                           ("type", _type_name), ("shape", _shape_text)):
            items = getattr(lv, field)
            if items:
                return "[" + ", ".join(one(x) for x in items) + "]"
        return "[]"
    one = {"s": _string, "i": str, "f": _float, "b": _bool, "type": _type_name,
           "shape": _shape_text}.get(kind)
    if one is not None:
        return one(getattr(av, kind))
    if kind == "func":
        return av.func.name
    return "<Unknown AttrValue type>" if kind is None else "<%s>" % kind


def _string(s):
    return '"%s"' % s.decode("utf-8", "backslashreplace").replace("\\", "\\\\").replace(
        '"', '\\"').replace("\n", "\\n")


def _float(f):
    text = "%.6g" % f
    return text if np.float32(text) == np.float32(f) else "%.9g" % f


def _bool(b):
    return "true" if b else "false"


def _type_name(enum):
    from tensorboard.compat.proto import types_pb2
    return types_pb2.DataType.Name(enum)


def _shape_text(shape):
    if shape.unknown_rank:
        return "<unknown>"
    return "[" + ",".join("?" if d.size < 0 else str(d.size) for d in shape.dim) + "]"
