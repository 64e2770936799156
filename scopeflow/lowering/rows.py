"""Which fetches of a run are computed row by row along its fed `None` batch dimension.

A run fed a batch of `b` rows where an earlier run of the same signature compiled `B > b`
rows can reuse that program (lowering/padding.py): the feeds padded to `B` rows, the fetched
rows cut back to `b`. That is right only where no row of a fetch depends on another row, so
this module follows the batch axis from the fed tensors whose static dimension 0 is `None`
through the slice, op by op, with a rule per op type (`_RULES`): where the batch axis of each
output lies, or no rule (the op mixes rows: a reduction over the batch, batch statistics, a
`tf.shape` of the batch, a split of the batch into towers, control flow), which rules the run
out. A split of the batch into equal parts (TF1's towers: `tf.split(x, k)`) and a concat
along the batch axis are followed too (`_TOWERS`): each batched tensor carries its size as a
fraction of the fed batch, and only tensors of one size meet row by row; a padded run then pads
each of the `k` parts on its own (`Rows.k`, padding.py), so every row keeps its tower. Each
rule also says whether XLA:CPU computes a row with the same bits whatever the batch
size ("exact": elementwise ops, moves, max, integer sums), or sums floats in an order it picks
by the problem's size ("sized": matmuls, convolutions, float reductions along other axes,
softmax), where a batch of 1-50 rows can round differently from the same rows in a batch of
100 (measured in padding.py's notes).

>>> import scopeflow as tf
>>> x = tf.placeholder(tf.float32, [None, 3])
>>> y = tf.nn.relu(x) * 2.0
>>> from scopeflow.lowering.lower import Program
>>> analyse(Program(tf.get_default_graph(), [y], [], [x])).axes
(0,)
"""

import math
from fractions import Fraction

import numpy as np

from scopeflow.ops.constant import constant_value

EXACT, SIZED = True, False


class Rows:
    """How a Program's run follows the batch: the fed positions holding the batch (dimension
    0), the batch axis of each fetched tensor (None: computed without the batch) and whether
    every op on the way is exact. Splits and concats of the batch: the batch is `k` equal
    segments (1 without a split), a fetch spans `segments` of them along its axis (None:
    not batched), each a part of one tower or a fed batch's k-th."""

    __slots__ = ("axes", "exact", "feeds", "k", "segments")

    def __init__(self, feeds, axes, exact, k=1, segments=None):
        self.feeds, self.axes, self.exact = feeds, axes, exact
        self.k = k
        self.segments = segments if segments is not None else tuple(
            None if a is None else 1 for a in axes)


class _Refuse(Exception):
    pass


def analyse(prog):
    """The `Rows` of `prog`, or None where some fetch depends on more than its own rows."""
    return analyse_why(prog)[0]


class _Fed(dict):
    """The fed tensors' positions, for the rules; in entries' analyses also `known`: values
    the analysis found for tensors computed from shapes (`_const` reads them), `size`: each
    followed tensor's size, and `find`: a size's representative (sizes found equal)."""

    def __init__(self, positions):
        super().__init__(positions)
        self.known, self.size, self.prog = {}, {}, None

    @staticmethod
    def find(n):
        return n


# a tensor's "axis" where it holds a value computed from the count of entries (its shape), not
# entries: only rules marked `values` take it in (lowering/entries.py), and it is not fetched
VALUE = "value"


def analyse_why(prog, seeds=None, extra_rules=None, groups=None):
    """(`Rows` or None, why not: the first op that rules the run out, or '').

    `seeds`: {fed position: size} to follow instead of the fed `None` batch dimensions, each
    on axis 0 (lowering/entries.py: a fed SparseTensor's entries, one size per SparseTensor);
    then splits and concats of the axis are refused, two sizes that meet in an op are taken
    to be equal (the caller checks that they are, run by run: `groups` maps the fed tensors to
    their representatives' sizes), and `extra_rules` ({op type: rule}) adds sinks (ops that
    take the axis in and give it out no more: their kernels mask what was padded) and rules
    for VALUEs; an op whose rule is not exact then makes the run inexact only where its values
    reach a fetch or a sink (a gradient no fetch reads, grouped in only for its control edge,
    is computed but never seen). `groups`: a dict filled with each followed tensor's size."""
    fed = _Fed((t, i) for i, t in enumerate(prog.fed))
    axes = {}
    sinks = extra_rules
    same = {}  # (entries) a size -> one found equal to it

    def find(n):
        while n in same:
            n = same[n]
        return n

    if seeds is None:
        seeds = {}
        for i in prog.feed_pos:
            dims = prog.fed[i].shape._dims
            if dims and dims[0] is None:
                seeds[i] = Fraction(1)
        towers, sinks = _TOWERS, {}
    else:
        towers = {}
    rough = set()  # (seeds given) tensors that a sized op computed: they must not be fetched
    for i in seeds:
        axes[prog.fed[i]] = 0
    if not seeds or any(i in prog.static_pos for i in seeds):
        return None, "no fed None batch dimension"
    size = {prog.fed[i]: n for i, n in seeds.items()}  # a batched tensor's rows / the fed batch's
    if not towers:
        fed.known, fed.size, fed.find, fed.prog = {}, size, find, prog
    exact = True
    for op in prog.order:
        ins = [axes.get(t) for t in op._inputs]
        if all(a is None for a in ins):
            continue
        sizes = [find(size[t]) for t, a in zip(op._inputs, ins) if a is not None]
        try:
            got = towers[op._type](op, ins, fed, sizes) if op._type in towers else None
            if got is None:
                rule = sinks.get(op._type) or _RULES.get(op._type)
                if rule is None:
                    raise _Refuse("no row rule")
                if VALUE in ins and not getattr(rule, "values", False):
                    raise _Refuse("reads the count of entries")
                k = getattr(rule, "size_of", None)  # (an input whose size the output has)
                if k is not None and ins[k] is not None:
                    n = find(size[op._inputs[k]])
                elif any(n != sizes[0] for n in sizes):
                    if towers:
                        raise _Refuse("inputs from batches of other sizes")
                    for m in sizes[1:]:  # (entries: equal counts, or the run is not padded)
                        if find(m) != find(sizes[0]):
                            same[find(m)] = find(sizes[0])
                    n = find(sizes[0])
                else:
                    n = sizes[0]
                outs, op_exact = rule(op, ins, fed)
                got = outs, op_exact, n
        except _Refuse as e:
            return None, "%s (%s): %s" % (op._name, op._type, e)
        outs, op_exact, n = got
        if towers:
            exact = exact and op_exact
        elif not op_exact or any(t in rough for t in op._inputs):
            if any(a is None for a in outs):  # (values no longer followed: they count)
                exact = False
            rough.update(op._outputs)
        for t, a in zip(op._outputs, outs):
            if a is not None and t not in fed:
                axes[t], size[t] = a, n
    if groups is not None:
        groups.update((t, find(n)) for t, n in size.items())
    if any(t in rough for t in prog.tensors):
        exact = False
    if any(axes.get(t) == VALUE for t in prog.tensors):
        return None, "fetches a value computed from the count of entries"
    seeds = sorted(seeds)
    k = 1
    for n in size.values():
        k = k * n.denominator // math.gcd(k, n.denominator)
    fetched = tuple(axes.get(t) for t in prog.tensors)
    segments = tuple(None if a is None else int(find(size[t]) * k)
                     for t, a in zip(prog.tensors, fetched))
    return Rows(tuple(seeds), fetched, exact, k, segments), ""


# ---- helpers for the rules ---------------------------------------------------------------------
def _dims(t):
    dims = t.shape._dims
    if dims is None:
        raise _Refuse("unknown rank")
    return dims


def _const(t, fed):
    """The value of `t` where it is a constant of the graph (not fed), else a refusal."""
    v = fed.known.get(t) if t in fed.known else None if t in fed else constant_value(t)
    if v is None:
        raise _Refuse("%s is not a constant" % t.name)
    return np.asarray(v)


def _axis(v, rank):
    v = int(v)
    return v + rank if v < 0 else v


def _only(ins, pos):
    """The batch axis of input `pos`, refusing a batch in any other input."""
    if any(a is not None for i, a in enumerate(ins) if i != pos) or ins[pos] is None:
        raise _Refuse("the batch reaches an input other than %d" % pos)
    return ins[pos]


def _ints(op, name, default=0):
    return op._attrs.get(name, default) or default


# ---- the rules: (op, input axes, fed) -> (output axes, exact) ----------------------------------
def _same(op, ins, fed):
    """Elementwise over inputs of one shape (AddN: each element's inputs summed in order)."""
    a = ins[0]
    if a is None or any(x != a for x in ins):
        raise _Refuse("inputs not batched alike")
    return (a,) * len(op._outputs), EXACT


def _identity_n(op, ins, fed):
    return tuple(ins), EXACT


def _bias_add(op, ins, fed):
    return (_only(ins, 0),), EXACT


def _broadcast(op, ins, fed):
    """Elementwise with broadcasting: the batch axes line up from the right, and an unbatched
    operand has no dimension there or a 1."""
    rank = len(_dims(op._outputs[0]))
    target = None
    for t, a in zip(op._inputs, ins):
        if a is not None:
            pos = a + rank - len(_dims(t))
            if target not in (None, pos):
                raise _Refuse("inputs batched on different axes")
            target = pos
    for t, a in zip(op._inputs, ins):
        k = target - (rank - len(_dims(t)))
        if a is None and k >= 0 and _dims(t)[k] != 1:
            raise _Refuse("an unbatched operand spans the batch axis")
    return (target,), EXACT


def _select(op, ins, fed):
    cond, x = op._inputs[0], op._inputs[1]
    if len(_dims(cond)) == len(_dims(x)):
        return _broadcast(op, ins, fed)
    if ins != [0, 0, 0]:  # a vector picks rows of x and y: all three carry the batch
        raise _Refuse("a row selector without the batch")
    return (0,), EXACT


def _reshape(op, ins, fed):
    if _only(ins, 0) != 0:
        raise _Refuse("batch not on axis 0")
    shape, rest = _const(op._inputs[1], fed).reshape(-1).tolist(), _dims(op._inputs[0])[1:]
    if not shape or shape[0] != -1 or any(d is None or d < 1 for d in rest + tuple(shape[1:])):
        raise _Refuse("the new shape does not keep the rows")
    if int(np.prod(rest)) != int(np.prod(shape[1:])):
        raise _Refuse("the new shape does not keep the rows")
    return (0,), EXACT


def _expand_dims(op, ins, fed):
    a = _only(ins, 0)
    d = _axis(_const(op._inputs[1], fed).reshape(-1)[0], len(_dims(op._inputs[0])) + 1)
    return (a + (d <= a),), EXACT


def _squeeze(op, ins, fed):
    a = _only(ins, 0)
    rank = len(_dims(op._inputs[0]))
    dims = [_axis(d, rank) for d in _ints(op, "squeeze_dims", [])]
    if not dims or a in dims:  # squeezing every 1: a batch of one row would go too
        raise _Refuse("squeezes the batch axis")
    return (a - sum(d < a for d in dims),), EXACT


def _transpose(op, ins, fed):
    a = _only(ins, 0)
    return (_const(op._inputs[1], fed).reshape(-1).tolist().index(a),), EXACT


def _concat(op, ins, fed):
    values, axis_t = op._inputs[:-1], op._inputs[-1]
    a = ins[0]
    if a is None or ins[-1] is not None or any(x != a for x in ins[:-1]):
        raise _Refuse("an input without the batch")
    if _axis(_const(axis_t, fed), len(_dims(values[0]))) == a:
        raise _Refuse("joins along the batch axis")
    return (a,), EXACT


def _pack(op, ins, fed):
    a = ins[0]
    if a is None or any(x != a for x in ins):
        raise _Refuse("an input without the batch")
    p = _axis(_ints(op, "axis"), len(_dims(op._inputs[0])) + 1)
    return (a + (p <= a),), EXACT


def _unpack(op, ins, fed):
    a = _only(ins, 0)
    p = _axis(_ints(op, "axis"), len(_dims(op._inputs[0])))
    if p == a:
        raise _Refuse("unstacks the batch")
    return (a - (p < a),) * len(op._outputs), EXACT


def _split_at(value, axis):
    def rule(op, ins, fed):
        a = _only(ins, value)
        if _axis(_const(op._inputs[axis], fed).reshape(-1)[0], len(_dims(op._inputs[value]))) == a:
            raise _Refuse("splits the batch")  # (SplitV: sizes that do not follow the batch)
        return (a,) * len(op._outputs), EXACT
    return rule


# ---- towers: (op, input axes, fed, sizes of the batched inputs) -> (output axes, exact, size),
# or None where the op does not cut or join the batch (its rule in _RULES then applies) ---------
def _split_batch(op, ins, fed, sizes):
    """Split into `k` equal parts along the batch: each output holds 1/k of its rows (a
    batch that `k` does not divide fails in the run, as in TF)."""
    a = _only(ins, 1)
    if _axis(_const(op._inputs[0], fed).reshape(-1)[0], len(_dims(op._inputs[1]))) != a:
        return None
    k = len(op._outputs)
    return (a,) * k, EXACT, sizes[0] / k


def _concat_batch(op, ins, fed, sizes):
    """ConcatV2 along the batch axis of inputs all batched there (the towers' outputs put
    back together): their rows one after the other."""
    a = ins[0]
    if a is None or ins[-1] is not None or any(x != a for x in ins[:-1]):
        return None
    if _axis(_const(op._inputs[-1], fed), len(_dims(op._inputs[0]))) != a:
        return None
    return (a,), EXACT, sum(sizes)


_TOWERS = {"Split": _split_batch, "ConcatV2": _concat_batch}


def _gather(op, ins, fed):
    """Gather, GatherV2, ResourceGather: rows of the indices, or rows of the params along
    another axis."""
    axis_t = op._inputs[2] if op._type == "GatherV2" else None
    if _ints(op, "batch_dims"):
        raise _Refuse("batch_dims")
    params, indices = op._inputs[0], op._inputs[1]
    g = 0 if axis_t is None else _axis(_const(axis_t, fed), len(_dims(params)))
    if ins[0] is None and ins[1] is not None:
        return (g + ins[1],), EXACT
    if ins[0] is not None and ins[1] is None and ins[0] != g:
        a = ins[0]
        return (a if a < g else a + len(_dims(indices)) - 1,), EXACT
    raise _Refuse("gathers across the batch")


def _one_hot(op, ins, fed):
    a = _only(ins, 0)
    p = _ints(op, "axis", -1)
    return (a if p == -1 else a + (_axis(p, len(_dims(op._inputs[0])) + 1) <= a),), EXACT


def _strided_slice(op, ins, fed):
    a = _only(ins, 0)
    if _ints(op, "ellipsis_mask") or _ints(op, "new_axis_mask"):
        raise _Refuse("ellipsis or new axes")
    strides = _const(op._inputs[3], fed).reshape(-1).tolist()
    shrink = _ints(op, "shrink_axis_mask")
    if a < len(strides):
        full = _ints(op, "begin_mask") & _ints(op, "end_mask") & (1 << a)
        if not full or strides[a] != 1 or shrink & (1 << a):
            raise _Refuse("slices the batch")
    return (a - sum(1 for i in range(a) if shrink & (1 << i)),), EXACT


def _slice(op, ins, fed):
    a = _only(ins, 0)
    begin, size = (_const(t, fed).reshape(-1).tolist() for t in op._inputs[1:3])
    if begin[a] != 0 or size[a] != -1:
        raise _Refuse("slices the batch")
    return (a,), EXACT


def _per_axis(pos, keep):
    """Pad, MirrorPad (paddings [0, 0] on the batch axis), Tile (multiple 1)."""
    def rule(op, ins, fed):
        a = _only(ins, 0)
        if _const(op._inputs[pos], fed).reshape(len(_dims(op._inputs[0])), -1)[a].tolist() \
                != keep:
            raise _Refuse("pads or tiles the batch")
        return (a,), EXACT
    return rule


def _reduce(op, ins, fed):
    """Sum, Mean, Prod, Max, Min, All, Any, ArgMax, ArgMin along axes other than the batch."""
    a = _only(ins, 0)
    rank = len(_dims(op._inputs[0]))
    axes = {_axis(d, rank) for d in _const(op._inputs[1], fed).reshape(-1).tolist()}
    if a in axes:
        raise _Refuse("reduces over the batch")
    keep = op._attrs.get("keep_dims", False) and not op._type.startswith("Arg")
    # max, min and arg-max need no order (ties keep the first index); integers sum exactly,
    # and so does a sum over no axis or over axes of one element (a gradient's Sum along the
    # axes BroadcastGradientArgs found: often none)
    dtype = op._inputs[0].dtype.base_dtype
    dims = _dims(op._inputs[0])
    exact = (op._type not in ("Sum", "Mean", "Prod") or dtype.is_integer or dtype.is_bool
             or all(dims[d] == 1 for d in axes))
    return (a if keep else a - sum(d < a for d in axes),), exact


def _last_axis(op, ins, fed):
    """Softmax, LogSoftmax: along the last axis, a float sum."""
    a = _only(ins, 0)
    if a == len(_dims(op._inputs[0])) - 1:
        raise _Refuse("normalizes along the batch")
    return (a,), SIZED


def _matmul(op, ins, fed):
    if ins[1] is not None or ins[0] != (1 if _ints(op, "transpose_a") else 0):
        raise _Refuse("the batch is not the rows of `a`")
    return (0,), SIZED


def _batch_matmul(op, ins, fed):
    a = _only(ins, 0)
    if a >= len(_dims(op._inputs[0])) - 2 or len(_dims(op._inputs[1])) != 2:
        raise _Refuse("the batch is in the matrices")
    return (a,), SIZED


def _conv(op, ins, fed):
    """Convolutions and pools: NHWC and NCHW alike hold the batch on axis 0."""
    if _only(ins, 0) != 0:
        raise _Refuse("batch not on axis 0")
    return (0,), op._type == "MaxPool"  # (a max needs no order; the rest sum floats)


def _xent(op, ins, fed):
    """(Sparse)SoftmaxCrossEntropyWithLogits: a loss and a gradient per row."""
    if ins != [0, 0]:
        raise _Refuse("logits and labels not batched alike")
    return (0, 0), SIZED


def _batch_norm(op, ins, fed):
    """FusedBatchNorm at inference: elementwise with the given statistics (passed through as
    outputs 1-2); in training its statistics are over the batch."""
    if op._attrs.get("is_training", True):
        raise _Refuse("batch statistics")
    return (_only(ins, 0),) + (None,) * (len(op._outputs) - 1), EXACT


_UNARY = ("Identity", "StopGradient", "PreventGradient", "Snapshot", "CheckNumerics", "Relu",
          "Relu6", "Elu", "Selu", "LeakyRelu", "Tanh",
          "Neg", "Abs", "Sqrt", "Square", "Cast", "Floor", "Ceil",
          "Round", "Rint", "Sign", "Softsign", "LogicalNot", "IsNan", "IsInf",
          "IsFinite", "Sin", "Cos", "Erf", "ZerosLike", "OnesLike", "PlaceholderWithDefault")
_BINARY = ("Add", "AddV2", "Sub", "Mul", "RealDiv", "Div", "DivNoNan", "Maximum", "Minimum",
           "SquaredDifference", "FloorDiv", "FloorMod", "TruncateDiv", "TruncateMod",
           "Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual", "LogicalAnd",
           "LogicalOr", "SelectV2", "Atan2")

# elementwise kernels whose element values depend on the tensor's size, as TF's: Eigen's
# vectorized path, and another for the last size % 8 elements (ops/eigen_tanh.py, eigen_rsqrt.py,
# eigen_exp.py, eigen_reciprocal.py; Pow by a constant -1 or -0.5 is a Reciprocal or an Rsqrt)
_TAILED = ("Sigmoid", "SigmoidGrad", "Rsqrt", "Exp", "Log", "Expm1", "Log1p", "Softplus",
           "Reciprocal", "Inv")


def _broadcast_sized(op, ins, fed):
    return _broadcast(op, ins, fed)[0], SIZED


def _same_sized(op, ins, fed):
    return _same(op, ins, fed)[0], SIZED


_RULES = {
    **{t: _same for t in _UNARY + ("AddN",)},
    **{t: _same_sized for t in _TAILED},
    **{t: _broadcast for t in _BINARY},
    "Pow": _broadcast_sized,
    "IdentityN": _identity_n,
    "Select": _select,
    "BiasAdd": _bias_add,
    "MaxPool": _conv,
    "AvgPool": _conv,
    "Reshape": _reshape,
    "ExpandDims": _expand_dims,
    "Squeeze": _squeeze,
    "Transpose": _transpose,
    "ConcatV2": _concat,
    "Pack": _pack,
    "Unpack": _unpack,
    "Split": _split_at(1, 0),
    "SplitV": _split_at(0, 2),
    "Gather": _gather,
    "GatherV2": _gather,
    "ResourceGather": _gather,
    "OneHot": _one_hot,
    "StridedSlice": _strided_slice,
    "Slice": _slice,
    "Pad": _per_axis(1, [0, 0]),
    "PadV2": _per_axis(1, [0, 0]),
    "MirrorPad": _per_axis(1, [0, 0]),
    "Tile": _per_axis(1, [1]),
    **{t: _reduce for t in ("Sum", "Mean", "Prod", "Max", "Min", "All", "Any", "ArgMax",
                            "ArgMin")},
    "Softmax": _last_axis,
    "LogSoftmax": _last_axis,
    "MatMul": _matmul,
    "BatchMatMul": _batch_matmul,
    "BatchMatMulV2": _batch_matmul,
    "BatchMatMulV3": _batch_matmul,
    "Conv2D": _conv,
    "DepthwiseConv2dNative": _conv,
    "Conv3D": _conv,
    "SparseSoftmaxCrossEntropyWithLogits": _xent,
    "SoftmaxCrossEntropyWithLogits": _xent,
    "FusedBatchNorm": _batch_norm,
    "FusedBatchNormV2": _batch_norm,
    "FusedBatchNormV3": _batch_norm,
}
