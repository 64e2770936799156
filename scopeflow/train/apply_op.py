"""The shape rule and registration shared by TF's training ops (`ApplyAdam`, `ApplyMomentum`...).

Each op takes the variable and its slots by reference, hyper-parameters as scalars and the
gradient; its kernel reads the references, writes the new values and returns the variable's
new value (TF's output is the variable ref).
"""

import inspect

from scopeflow.ops.registry import ShapeError, op


def _merge(a, b):
    if a is None:
        return b
    if b is None:
        return a
    if len(a) != len(b):
        raise ShapeError("Shapes must be equal rank, but are %d and %d" % (len(a), len(b)))
    out = []
    for i, (x, y) in enumerate(zip(a, b)):
        if x is not None and y is not None and x != y:
            raise ShapeError("Dimension %d in both shapes must be equal, but are %d and %d. "
                             "Shapes are %s and %s." % (i, x, y, _text(a), _text(b)))
        out.append(x if x is not None else y)
    return tuple(out)


def _text(dims):
    return "[%s]" % ",".join("?" if d is None else str(d) for d in dims)


def _spec(full):
    """Inputs at positions `full` (refs, gradient) share one shape; the others are scalars."""
    def infer(*inputs, **attrs):
        from scopeflow.core.shape import TensorShape
        var = inputs[0]
        dims = var.shape._dims
        for i, t in enumerate(inputs):
            if i in full:
                dims = _merge(dims, t.shape._dims)
            elif t.shape._dims is not None and len(t.shape._dims) != 0:
                raise ShapeError("Shape must be rank 0 but is rank %d" % len(t.shape._dims))
        return TensorShape._of(dims), var.dtype.base_dtype._as_ref

    return infer


def apply_op(op_type, refs):
    """Registers a training op over kernel(ctx, <refs>, <scalars and grad>, *, use_locking)."""
    def deco(kernel):
        names = list(inspect.signature(kernel).parameters)[1:]
        full = frozenset(i for i, n in enumerate(names) if n in refs or n in ("grad", "delta"))
        return op(op_type, infer=_spec(full), refs=refs, context=True, stateful=True)(kernel)

    return deco
