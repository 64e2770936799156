"""Shapes of fed SparseTensors' entries in a padded run (lowering/entries.py): the rules of
rows.py's analysis for values computed from the count of entries.

`tf.nn.embedding_lookup_sparse` with `sp_weights` and its gradient reshape per-entry tensors
to shapes made of `tf.shape(weights)` or `tf.size(idx)` (`[count, 1]`, `[count, 16]`), and
the gradients of its broadcasting products ask BroadcastGradientArgs which axes to sum. In a
padded run those values hold the bucket, not the real count, and are right all the same where
they only give per-entry tensors their shapes: a reshape of entries to `[count, ...]` keeps
each entry's values, and which axes a product was broadcast along does not depend on the count
(a count of 1 meeting a 1 sums a single entry: the same value). So these values are followed
as symbols (`Count`: the count of a group of entries), through the ops that build shapes
(StridedSlice, ConcatV2, ExpandDims, Pack, Cast, Identity), into the ops that take them:
Reshape of those very entries, Fill of `[count, ...]` (`tf.ones_like(values)`: a row per
entry, each the same), BroadcastGradientArgs (whose axes then become constants of the
analysis, for the Sum that reads them). Anything else reading them, or a fetch of one, keeps
the run compiled per count.
"""

import numpy as np

from scopeflow.lowering import rows
from scopeflow.ops.constant import constant_value
from scopeflow.ops.grad_args import reduction_axes


class Count:
    """The count of entries of the group of size `n` (rows.analyse_why's sizes)."""

    __slots__ = ("n",)

    def __init__(self, n):
        self.n = n


def _values(fed):
    got = fed.__dict__.get("values")
    if got is None:
        got = fed.values = {}
    return got


def _same_count(a, b, fed):
    return type(a) is Count and type(b) is Count and fed.find(a.n) == fed.find(b.n)


def _known(v):
    """`v` (an int, a Count or None, or a tuple of them) holds no symbol."""
    return all(type(d) is int for d in (v if type(v) is tuple else (v,)))


def value_of(t, fed, depth=0):
    """The value of shape-like `t` as an int or a tuple of ints, Counts and None (unknown
    dimensions), or a refusal."""
    got = _values(fed).get(t)
    if got is not None:
        return got
    if t in fed.known:
        v = np.asarray(fed.known[t])
    elif t in fed:
        raise rows._Refuse("a fed shape")
    else:
        v = constant_value(t)
    if v is not None:
        v = np.asarray(v)
        if v.ndim > 1 or v.dtype.kind not in "iu":
            raise rows._Refuse("not a shape")
        return int(v) if v.ndim == 0 else tuple(int(d) for d in v)
    op = t._op
    if depth > 16:
        raise rows._Refuse("a shape computed too deep")
    if op._type == "Shape":  # (of a tensor not followed: its static dimensions)
        dims = op._inputs[0].shape._dims
        if dims is None:
            raise rows._Refuse("unknown rank")
        return tuple(dims)
    if op._type not in _COMPUTE:
        raise rows._Refuse("a shape computed by %s" % op._type)
    return _COMPUTE[op._type](op, [value_of(x, fed, depth + 1) for x in op._inputs], fed)


def _pass(op, vals, fed):
    return vals[0]


def _expand(op, vals, fed):
    v, dim = vals
    if type(v) is tuple or dim not in (0, -1):
        raise rows._Refuse("not a scalar made a vector")
    return (v,)


def _pack(op, vals, fed):
    if op._attrs.get("axis", 0) or any(type(v) is tuple for v in vals):
        raise rows._Refuse("not scalars stacked")
    return tuple(vals)


def _concat(op, vals, fed):
    *parts, axis = vals
    if axis not in (0, -1) or any(type(v) is not tuple for v in parts):
        raise rows._Refuse("not vectors joined")
    return sum(parts, ())


def _strided_slice(op, vals, fed):
    v, begin, end, strides = vals
    a = op._attrs
    if (type(v) is not tuple or any(type(x) is not tuple or len(x) != 1 or not _known(x)
                                    for x in (begin, end, strides))
            or a.get("ellipsis_mask", 0) or a.get("new_axis_mask", 0)):
        raise rows._Refuse("not a slice of a vector")
    if a.get("shrink_axis_mask", 0) & 1:
        k = begin[0] + len(v) if begin[0] < 0 else begin[0]
        if not 0 <= k < len(v):
            raise rows._Refuse("out of range")
        return v[k]
    start = None if a.get("begin_mask", 0) & 1 else begin[0]
    stop = None if a.get("end_mask", 0) & 1 else end[0]
    return v[start:stop:strides[0]]


def _arith(fn):
    def compute(op, vals, fed):
        if not all(type(v) is int for v in vals):
            raise rows._Refuse("arithmetic on a count")
        return int(fn(*vals))
    return compute


def _fill(op, vals, fed):
    dims, value = vals
    if type(dims) is not tuple or not _known(dims) or type(value) is not int:
        raise rows._Refuse("not a constant fill")
    if len(dims) != 1:
        raise rows._Refuse("not a vector")
    return (value,) * dims[0]


_COMPUTE = {"Identity": _pass, "Cast": _pass, "ExpandDims": _expand, "Pack": _pack,
            "ConcatV2": _concat, "StridedSlice": _strided_slice, "Fill": _fill,
            "Sub": _arith(lambda x, y: x - y), "Add": _arith(lambda x, y: x + y),
            "AddV2": _arith(lambda x, y: x + y), "Mul": _arith(lambda x, y: x * y)}


# ---- the rules (rows.py's signature); VALUE inputs need `values` set ---------------------------
def _shape_of(op, ins, fed):
    """Shape, Size, Rank of followed entries: values with their count."""
    a = ins[0]
    if a == rows.VALUE:
        raise rows._Refuse("the shape of a shape")
    x = op._inputs[0]
    dims = rows._dims(x)
    n = fed.size[x]
    if op._type == "Rank":
        fed.known[op._outputs[0]] = np.int32(len(dims))
        return (None,), rows.EXACT
    if op._type == "Size":
        if len(dims) != 1:
            raise rows._Refuse("the size of entries of more than one dimension")
        value = Count(n)
    else:
        value = tuple(Count(n) if i == a else d for i, d in enumerate(dims))
    _values(fed)[op._outputs[0]] = value
    return (rows.VALUE,), rows.EXACT


def _building(op, ins, fed):
    """StridedSlice, ConcatV2, ExpandDims, Pack, Cast, Identity of values (else rows.py's
    rule): a value, or a constant of the analysis where no count is left in it."""
    if rows.VALUE not in ins:
        return rows._RULES[op._type](op, ins, fed)
    if any(a not in (None, rows.VALUE) for a in ins):
        raise rows._Refuse("entries and a shape meet")
    value = _COMPUTE[op._type](op, [value_of(t, fed) for t in op._inputs], fed)
    out = op._outputs[0]
    if _known(value):
        fed.known[out] = np.asarray(value, np.int64)
        return (None,), rows.EXACT
    _values(fed)[out] = value
    return (rows.VALUE,), rows.EXACT


def _reshape(op, ins, fed):
    """Reshape of entries to `[count, ...]` made of their own count (else rows.py's rule)."""
    if ins[1] is None:
        return rows._reshape(op, ins, fed)
    x = op._inputs[0]
    if ins[0] != 0:
        raise rows._Refuse("a shape with the count of entries, given to other values")
    shape = value_of(op._inputs[1], fed)
    if (type(shape) is not tuple or not shape or not _same_count(shape[0], Count(fed.size[x]),
                                                                 fed)
            or not _known(shape[1:])):
        raise rows._Refuse("the new shape does not keep the entries")
    # (count rows of k values each into count rows of prod(shape[1:]): per entry whatever the
    # count, and where k differs, the run fails for every count alike)
    dims = x.shape._dims
    if dims is not None and None not in dims[1:] and int(np.prod(dims[1:])) != int(
            np.prod(shape[1:])):
        raise rows._Refuse("the new shape does not keep the entries")
    return (0,), rows.EXACT


def _fill_entries(op, ins, fed):
    """Fill of a shape `[count, ...]` made of the entries' own count (`tf.ones_like(values)`:
    tffm's count of features per column) with a value not of the entries: a tensor with a row
    per entry, the same in every row."""
    if ins[0] != rows.VALUE or ins[1] is not None:
        raise rows._Refuse("a fill of the entries' values")
    dims = value_of(op._inputs[0], fed)
    if type(dims) is not tuple or not dims or type(dims[0]) is not Count or not _known(
            dims[1:]):
        raise rows._Refuse("a fill not of the count of entries")
    return (0,), rows.EXACT


_BIG = 1 << 20


def _reduction_axes(op, ins, fed):
    """BroadcastGradientArgs of shapes with counts: the same axes for every count past 1 (a
    count of 1 meeting a 1 adds a sum over one entry), constants of the analysis."""
    if ins[0] != rows.VALUE and ins[1] != rows.VALUE:
        raise rows._Refuse("entries given as a shape")
    reps = {}

    def concrete(v):
        if type(v) is not tuple:
            raise rows._Refuse("not a shape")
        out = []
        for d in v:
            if type(d) is Count:
                d = _BIG + 2 * reps.setdefault(fed.find(d.n), len(reps)) + 1
            elif d is None:
                raise rows._Refuse("an unknown dimension")
            out.append(d)
        return out

    try:
        r0, r1 = reduction_axes(*(concrete(value_of(t, fed)) for t in op._inputs))
    except ValueError:
        raise rows._Refuse("shapes that do not broadcast") from None
    fed.known[op._outputs[0]], fed.known[op._outputs[1]] = r0, r1
    return (None, None), rows.EXACT


for _rule in (_shape_of, _building, _reshape, _reduction_axes, _fill_entries):
    _rule.values = True

RULES = {"Shape": _shape_of, "Size": _shape_of, "Rank": _shape_of, "Reshape": _reshape,
         "Fill": _fill_entries,
         "BroadcastGradientArgs": _reduction_axes,
         **{t: _building for t in ("StridedSlice", "ConcatV2", "ExpandDims", "Pack", "Cast",
                                   "Identity")}}
