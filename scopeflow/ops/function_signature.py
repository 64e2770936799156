"""`tf.function(input_signature=...)` in a TF1 graph: the signature fixes the traced shapes and
dtypes (one trace for every call), arguments that do not fit raise TF's TypeError, and a
call's output shapes are inferred from the caller's arguments as TF's shape inference does.

>>> import scopeflow as tf
>>> f = tf.function(lambda x: x * 2.0, input_signature=[tf.TensorSpec([None], tf.float32)])
>>> with tf.Graph().as_default():
...     f(tf.zeros([3])).shape
TensorShape([Dimension(3)])
"""

import inspect

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.core.tensor import Tensor
from scopeflow.core.type_spec import TensorSpec
from scopeflow.ops import nest
from scopeflow.ops.registry import REGISTRY


def check_signature(signature):
    """TF's check of `input_signature` when the tf.function is made."""
    if signature is None:
        return None
    leaves = nest.flatten(signature)
    bad = [x for x in leaves if not isinstance(x, TensorSpec)]
    if not isinstance(signature, (list, tuple)) or bad:
        raise TypeError("input_signature must be a possibly nested sequence of TensorSpec "
                        "objects, got invalid args %s with types %s."
                        % (_list(bad or [signature]), _list([type(x) for x in bad or
                                                              [signature]])))
    return tuple(signature)


def _list(xs):
    return "[%s]" % ", ".join(repr(x) for x in xs)


def bind_to_signature(fn, signature, args, kwargs):
    """The call's arguments as tensors of `signature` ((args, kwargs) to trace and call with);
    TF's TypeError when they do not bind or do not fit."""
    params = _params(fn)
    shown = _shown(params, signature)
    try:
        bound = inspect.Signature(params).bind(*args, **kwargs)
    except TypeError as e:
        raise _binding_error(str(e), args, kwargs, shown) from None
    values = []
    for k, p in enumerate(params):
        given = bound.arguments.get(p.name, p.default)
        if k >= len(signature):  # (TF: a parameter past the signature keeps its default)
            if given is not p.default:
                raise _binding_error("Can not cast %r to Literal[%r]" % (given, p.default),
                                     args, kwargs, shown)
            continue
        values.append(_fit(given, signature[k], args, kwargs, shown))
    return tuple(values), {}


def _params(fn):
    try:
        return list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return []


def _shown(params, signature):
    parts = []
    for k, p in enumerate(params):
        if k < len(signature):
            parts.append("%s: %r" % (p.name, signature[k]))
        else:
            parts.append("%s: Literal[%r] = <captured_default_value>" % (p.name, p.default))
    return "(%s)" % ", ".join(parts)


def _binding_error(reason, args, kwargs, shown):
    return TypeError("Binding inputs to tf.function failed due to `%s`. Received args: %r and "
                     "kwargs: %r for signature: %s." % (reason, tuple(args), kwargs, shown))


def _fit(value, spec, args, kwargs, shown):
    """`value` as a tensor of `spec` (a Python value becomes a Const first, as in TF)."""
    from scopeflow.ops.constant import convert_to_tensor
    t = value if isinstance(value, Tensor) else convert_to_tensor(value, dtype_hint=spec.dtype)
    got = TensorSpec(t.shape, t.dtype.base_dtype)
    if got.dtype.base_dtype is not spec.dtype.base_dtype or not spec.shape.is_compatible_with(
            got.shape):
        raise _binding_error("Can not cast %r to %r" % (got, spec), args, kwargs, shown)
    return t


def call_shapes(fn, args):
    """Shapes of traced function `fn`'s outputs for call arguments `args`: where an argument's
    shape is more specific than its placeholder's, the function's ops are inferred again with
    it (TF's function shape inference); else the traced shapes."""
    placeholders = list(fn.args) + list(fn._placeholders)
    given = [(p, a.shape) for p, a in zip(placeholders, args)
             if a.shape != p.shape and p.shape.is_compatible_with(a.shape)]
    if not given:
        return [t.shape for t in fn.outputs]
    saved = {}
    try:
        for p, shape in given:
            saved[p] = p._shape
            p._shape = p._shape.merge_with(shape)
        for op in fn.graph._ops:
            _reinfer(op, saved)
        return [t.shape for t in fn.outputs]
    except Exception:  # noqa: BLE001 - a rule that cannot refine keeps the traced shapes
        return [saved.get(t, t._shape) for t in fn.outputs]
    finally:
        for t, shape in saved.items():
            t._shape = shape


def _reinfer(op, saved):
    rec = REGISTRY.get(op._type)
    if rec is None or not op._inputs or not any(t in saved for t in op._inputs):
        return
    tensors, counts, at = [], op._arg_counts, 0
    for n in counts or [-1] * len(op._inputs):
        if n == -1:
            tensors.append(op._inputs[at])
            at += 1
        else:
            tensors.append(list(op._inputs[at:at + n]))
            at += n
    specs = rec.infer(*tensors, **op._attrs)
    if len(specs) == 2 and type(specs[1]) is _dt.DType:
        specs = (specs,)
    for t, (shape, _) in zip(op._outputs, specs):
        shape = shape if isinstance(shape, TensorShape) else TensorShape(shape)
        if shape != t._shape and t._shape.is_compatible_with(shape):
            saved.setdefault(t, t._shape)
            t._shape = t._shape.merge_with(shape)
