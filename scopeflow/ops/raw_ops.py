"""`tf.raw_ops`: every registered op type as a keyword-only function with TF's argument names.

`tf.raw_ops.AddV2(x=a, y=b, name=None)` adds one AddV2 op. The arguments are TF's generated
ones: the op's inputs, then the attrs no input determines (without defaults first), then
`name`; most follow from the op's signature (scopeflow/summary/op_defs*.json), the rest (TF's
api_def renames, e.g. Sum's `axis` for its `reduction_indices` input) are recorded from TF in
raw_op_args.json. A positional argument raises TF's TypeError.

>>> import scopeflow as tf
>>> tf.raw_ops.AddV2(x=1.0, y=2.0).op.type
'AddV2'
"""

import functools
import inspect
import json
import os
import types

from scopeflow import dtypes as _dt
from scopeflow.ops import registry


@functools.cache
def _overrides():
    with open(os.path.join(os.path.dirname(__file__), "raw_op_args.json")) as f:
        return json.load(f)


def snake_name(op_type):
    """TF's Python name of an op type: AddV2 -> add_v2, MatMul -> mat_mul, LRNGrad ->
    lrn_grad, MaxPool3DGradGrad -> max_pool3d_grad_grad (an upper-case letter starts a word
    after a lower-case one, or where a lower-case one follows it)."""
    out = []
    for i, c in enumerate(op_type):
        if c.isupper() and i > 0 and op_type[i - 1] != "_" and (
                op_type[i - 1].islower() or op_type[i + 1:i + 2].islower()):
            out.append("_")
        out.append(c.lower())
    return "".join(out)


def signature(op_type):
    """(function name, required args, args with defaults, inputs): TF's raw op parameters,
    `name` left out; `inputs` are the op's input names (the first parameters, renamed or not)."""
    from scopeflow.summary.graph_def import _signature
    sig = _signature(op_type)
    if sig is None:
        return None
    ins, _, attrs = sig
    inputs = [a[0] for a in ins]
    inferred = {x for a in ins for x in a[1:] if x}
    required = inputs + [a[0] for a in attrs if a[0] not in inferred and not a[3]]
    optional = [a[0] for a in attrs if a[0] not in inferred and a[3]]
    over = _overrides().get(op_type)
    if over is not None:
        return over[0], over[1], over[2], inputs
    return snake_name(op_type), required, optional, inputs


def _convert_attr(name, value, typ):
    """An attr value as the kernels hold it, with TF's TypeErrors for the wrong kind."""
    if typ == "type":
        try:
            return _dt.as_dtype(value)
        except TypeError:
            raise TypeError("Expected DataType for argument '%s' not %r." % (name, value)) \
                from None
    if typ == "tensor":
        if type(value).__name__ != "TensorProto":
            raise TypeError("Don't know how to convert %r to a TensorProto for argument '%s'."
                            % (value, name))
        from scopeflow.checkpoint.attrs import tensor_value
        return tensor_value(value)
    return value


def _attrs(op_type, rec, given):
    """The given attrs converted, plus the defaults of attrs the kernel needs (TF fills every
    attr of the NodeDef; a kernel here declares the ones it reads)."""
    from scopeflow.summary.graph_def import _signature
    kinds = {a[0]: (a[1], a[2], a[3]) for a in _signature(op_type)[2]}
    out = {k: _convert_attr(k, v, kinds[k][0]) for k, v in given.items()}
    for fn in (rec.kernel, rec.infer):
        for p in inspect.signature(fn).parameters.values():
            typ, default, has = kinds.get(p.name, (None, None, False))
            if p.kind is p.KEYWORD_ONLY and p.name not in out and has and \
                    typ not in ("tensor", "func"):
                out[p.name] = _default(typ, default)
    return out


def _default(typ, value):
    if typ == "type":
        return _dt.as_dtype(value)
    if typ == "shape":
        from scopeflow.core.shape import TensorShape
        return TensorShape(value)
    return value


def _call(op_type, args, kwargs):
    fname, required, optional, inputs = signature(op_type)
    if args:
        raise TypeError("%s only takes keyword args (possible keys: %r). Please pass these args "
                        "as kwargs instead." % (fname, required + optional + ["name"]))
    allowed = set(required) | set(optional) | {"name"}
    for k in kwargs:
        if k not in allowed:
            raise TypeError("%s() got an unexpected keyword argument '%s'" % (fname, k))
    missing = [k for k in required if k not in kwargs]
    if missing:
        raise TypeError("%s() missing %d required positional argument%s: %s" % (
            fname, len(missing), "s" if len(missing) > 1 else "", _and(missing)))
    params = required + optional
    rec = registry.lookup(op_type)
    values = [kwargs[p] for p in params[:len(inputs)]]
    attrs = _attrs(op_type, rec, {p: kwargs[p] for p in params[len(inputs):] if p in kwargs})
    out = registry.apply(rec, _ordered(rec, inputs, values), attrs,
                         kwargs.get("name") or op_type)
    return _named(op_type, out)


def _named(op_type, out):
    """Several single outputs come back as TF's namedtuple (`Unique(y=..., idx=...)`)."""
    from scopeflow.summary.graph_def import _signature
    outs = _signature(op_type)[1]
    if len(outs) < 2 or any(a[1] or a[3] for a in outs) or not isinstance(out, (list, tuple)):
        return out
    return _tuple_type(op_type, tuple(a[0] for a in outs))(*out)


@functools.cache
def _tuple_type(op_type, fields):
    import collections
    return collections.namedtuple(op_type, fields)


def _ordered(rec, inputs, values):
    """The values in the order of the kernel's inputs (TF's input names)."""
    given = dict(zip(inputs, values))
    if set(rec.args) <= set(given):
        return [given[a] for a in rec.args]
    return values


def _and(names):
    quoted = ["'%s'" % n for n in names]
    if len(quoted) == 1:
        return quoted[0]
    return "%s and %s" % (", ".join(quoted[:-1]), quoted[-1])


def _make(op_type):
    sig = signature(op_type)
    if sig is None:
        return None

    def raw_op(*args, **kwargs):
        return _call(op_type, args, kwargs)

    raw_op.__name__ = raw_op.__qualname__ = sig[0]
    raw_op.__doc__ = "TF's raw op %s (keyword arguments: %s)." % (
        op_type, ", ".join(sig[1] + sig[2] + ["name"]))
    return raw_op


class _RawOps(types.ModuleType):
    """The module `tf.raw_ops`: attributes made on first use from the op registry."""

    def __getattr__(self, op_type):
        if op_type.startswith("_") or op_type not in registry.REGISTRY:
            raise AttributeError("module 'tf.raw_ops' has no attribute '%s'" % op_type)
        fn = _make(op_type)
        if fn is None:
            raise AttributeError("module 'tf.raw_ops' has no attribute '%s'" % op_type)
        setattr(self, op_type, fn)
        return fn

    def __dir__(self):
        return sorted(t for t in registry.REGISTRY if signature(t) is not None)


RAW_OPS = _RawOps("raw_ops", "`tf.raw_ops`: TF's ops by type, keyword arguments only.")
