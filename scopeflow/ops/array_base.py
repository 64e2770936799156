"""What graph building knows of a value: TF's constant folding for shape rules, and helpers.

TF's C++ shape inference evaluates small constant subgraphs (`EvaluateConstantTensor`) and
reads partial shapes out of shape tensors (`MakeShapeFromShapeTensor`): `tf.reshape(x,
tf.stack([tf.shape(x)[0], 3]))` gets shape `(?, 3)`. `static_value` and `partial_shape` are
those two rules; they run registered kernels on NumPy inputs, so no rule is written twice.
"""

import contextlib
import weakref

import jax
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.core.graph import graph_from_inputs
from scopeflow.core.tensor import Tensor
from scopeflow.ops import registry
from scopeflow.ops.registry import ShapeError
from scopeflow.ops.shape_requests import note_partial, note_value

_MAX_FOLD = 1 << 12  # largest value (elements) folded at graph-building time
_NOT_FOLDED = frozenset({"Placeholder", "PlaceholderWithDefault", "VariableV2", "Variable",
                         "VarHandleOp", "Switch", "Merge", "Enter", "Exit", "NextIteration",
                         "LoopCond"})
_folded = weakref.WeakKeyDictionary()  # Operation -> tuple of output values (None: unknown)


def _shape_value(op):
    """Values of Shape/Size/Rank/ShapeN outputs known from static input shapes, else None."""
    shapes = [t.shape for t in op._inputs]
    out = op._outputs[0].dtype.as_numpy_dtype
    t = op._type
    if t == "Rank":
        return None if shapes[0].ndims is None else (np.asarray(shapes[0].ndims, np.int32),)
    if not all(s.is_fully_defined() for s in shapes):
        if t == "Size" and shapes[0].ndims and 0 in shapes[0]._dims:
            return (np.asarray(0, out),)
        return None
    if t == "Size":
        return (np.asarray(shapes[0].num_elements(), out),)
    return tuple(np.asarray(s.as_list(), out) for s in shapes)


def _variable_shape_value(op):
    """VariableShape's value where the handle's variable has a fully known shape (TF's shape
    inference reads it from the handle's data)."""
    from scopeflow.ops.resource_ops import declared_shape
    shape = declared_shape(op._inputs[0])
    if not shape.is_fully_defined():
        return None
    return (np.asarray(shape.as_list(), op._outputs[0].dtype.as_numpy_dtype),)


_FROM_SHAPES = {"Shape": _shape_value, "ShapeN": _shape_value, "Size": _shape_value,
                "Rank": _shape_value, "VariableShape": _variable_shape_value}
_SHAPE_OF_VALUE = frozenset({"Shape", "Size"})


def _shape_of_folded(op):
    """Shape / Size of an input of unknown shape whose value folds (TF's shape inference
    evaluates the constant subgraph below a Shape whose value an op's shape rule reads)."""
    got = _folded.get(op._inputs[0]._op)
    value = None if got is None else got[op._inputs[0]._value_index]
    if value is None:
        return None
    out = op._outputs[0].dtype.as_numpy_dtype
    if op._type == "Size":
        return (np.asarray(np.size(value), out),)
    return (np.asarray(np.shape(value), out),)


def static_value(t):
    """NumPy value of `t` when graph building can compute it, else None.

    >>> import scopeflow as tf
    >>> static_value(tf.constant([1, 2]) + 1).tolist()
    [2, 3]
    """
    if not isinstance(t, Tensor):
        return None
    vals = _fold(t._op)
    value = None if vals is None else vals[t._value_index]
    note_value(t, value)  # (an op's shape rule read it: TF's error context names it)
    return value


def _fold(root):
    """Folds `root` and the ops it needs, depth first without recursion."""
    stack = [root]
    while stack:
        op = stack[-1]
        if op in _folded:
            stack.pop()
            continue
        missing = [t._op for t in op._inputs if t._op not in _folded]
        if missing and _foldable(op) and (op._type not in _FROM_SHAPES or (
                op._type in _SHAPE_OF_VALUE and _FROM_SHAPES[op._type](op) is None)):
            stack.extend(missing)
            continue
        stack.pop()
        _folded[op] = _fold_one(op)
    return _folded[root]


# context kernels that need no context on constants (host ops: dynamic_shape.py; kernels with
# run-time value checks, which pass with ctx None)
_CONTEXT_FREE = frozenset({
    "StridedSlice", "Tile", "MirrorPad", "Where", "Unique", "UniqueWithCounts", "ListDiff",
    "DynamicPartition",
    "DynamicStitch", "ParallelDynamicStitch", "GatherV2", "GatherNd", "ScatterNd", "Slice",
    "ReverseSequence", "UnravelIndex", "InvertPermutation", "TensorScatterUpdate",
    "TensorScatterAdd", "TensorScatterSub", "TensorScatterMax", "TensorScatterMin",
    "UnsortedSegmentSum", "UnsortedSegmentMax", "UnsortedSegmentMin", "UnsortedSegmentProd",
    "Pow", "RealDiv", "TruncateMod", "TruncateDiv", "FloorDiv", "FloorMod", "Cast", "MatrixInverse",
    "MatrixSolve", "SegmentSum", "SegmentMean", "SegmentMax", "SegmentMin", "SegmentProd",
    "MatrixBandPart", "SparseSegmentSum", "SparseSegmentMean", "SparseSegmentSqrtN", "Mul",
    "SparseReshape", "SparseFillEmptyRows", "SparseCross", "SparseReorder", "SparseSlice",
    "Bucketize", "Select", "BroadcastTo", "UnicodeDecode", "UnicodeDecodeWithOffsets",
    "UnicodeEncode", "RaggedRange", "RaggedTensorToTensor", "RaggedTensorToSparse",
    "StringSplit", "StringSplitV2"})


def _slice_of_shape(op):
    """`tf.shape(x)[i]` when dim i is known, even if others are not: TF's TryInferFromShapes
    reads only this form (a constant scalar index, shrink mask 1, no other mask), so a slice
    such as `tf.shape(x)[1:]` stays unknown until the whole shape is."""
    dims = op._inputs[0]._op._inputs[0].shape._dims
    begin = op._inputs[1]._op
    a = op._attrs
    if dims is None or begin._type != "Const" or begin._attrs["value"].size != 1 or a[
            "shrink_axis_mask"] != 1 or a["begin_mask"] or a["end_mask"] or a[
            "ellipsis_mask"] or a["new_axis_mask"]:
        return None
    i = int(np.asarray(begin._attrs["value"]).reshape(-1)[0])
    if not -len(dims) <= i < len(dims) or dims[i] is None:
        return None
    return (np.asarray(dims[i], dtype=op._outputs[0].dtype.as_numpy_dtype),)


def _unstack_of_shape(op):
    """`tf.unstack(tf.shape(x))`: its known dims (TF's TryInferFromShapes), None elsewhere."""
    dims = op._inputs[0]._op._inputs[0].shape._dims
    if dims is None:
        return None
    np_type = op._outputs[0].dtype.as_numpy_dtype
    return tuple(None if d is None else np.asarray(d, np_type) for d in dims)


def _foldable(op):
    if op._type in _NOT_FOLDED:
        return False
    rec = registry.REGISTRY.get(op._type)
    if rec is None or rec.stateful:
        return False
    return not rec.context or op._type in _CONTEXT_FREE


def _fold_one(op):
    if op._type == "Const":
        return (op._attrs["value"],)
    if op._type in _FROM_SHAPES:
        got = _FROM_SHAPES[op._type](op)
        if got is None and op._type in _SHAPE_OF_VALUE:  # (TF's shape inference evaluates
            got = _shape_of_folded(op)  # the constant subgraph below a Shape it reads)
        return got
    if op._type == "StridedSlice" and op._inputs[0]._op._type == "Shape":
        got = _slice_of_shape(op)
        if got is not None:
            return got
    if op._type == "Unpack" and op._inputs[0]._op._type == "Shape" and op._attrs["axis"] == 0:
        return _unstack_of_shape(op)
    if not _foldable(op) or any(t._dtype._is_ref_dtype for t in op._inputs):
        return None
    args = [_folded[t._op] for t in op._inputs]
    if any(a is None for a in args):
        return None
    args = [a[t._value_index] for a, t in zip(args, op._inputs)]
    if any(a is None or np.size(a) > _MAX_FOLD for a in args):
        return None
    return _run_kernel(op, args)


def _run_kernel(op, args):
    rec = registry.REGISTRY[op._type]
    if op._arg_counts:
        args = _regroup(args, op._arg_counts)
    try:
        with jax.enable_x64(True):  # (64-bit dtypes as the kernels compute them when run)
            out = rec.kernel(*([None] if rec.context else []), *args, **op._attrs)
    except Exception:  # noqa: BLE001 - a value that cannot be folded is simply unknown
        return None
    outs = out if isinstance(out, (tuple, list)) else (out,)
    vals = []
    for o, spec in zip(outs, op._outputs):
        v = np.asarray(o)
        if v.size > _MAX_FOLD:
            return None
        vals.append(v.astype(spec._dtype.as_numpy_dtype) if spec._dtype is not _dt.string else v)
    return tuple(vals)


def _regroup(flat, counts):
    out, i = [], 0
    for c in counts:
        if c < 0:
            out.append(flat[i])
            i += 1
        else:
            out.append(list(flat[i:i + c]))
            i += c
    return out


def partial_shape(t):
    """Dims tuple (None = unknown) that a shape tensor `t` describes, or None (unknown rank).

    TF's `MakeShapeFromShapeTensor`: values are read through Shape, Pack, ConcatV2,
    StridedSlice of a shape and Cast; -1 entries mean unknown.
    """
    dims = _partial_shape(t)
    note_partial(t, dims)  # (an op's shape rule read it: TF's error context names it)
    return dims


def _partial_shape(t):
    v = None if t._op._type in _PARTIAL_FIRST else static_value(t)
    if v is not None:
        if v.ndim == 0:
            return None if v == -1 else _bad_shape_rank(t)
        return dims_of_shape_value(v)
    fn = _PARTIAL.get(t._op._type)
    out = fn(t) if fn else None
    if out is not None:
        return out
    dims = t.shape._dims
    if dims is not None and len(dims) == 1 and dims[0] is not None:
        return (None,) * dims[0]
    return None


def dims_of_shape_value(v):
    """The dims a 1-D shape value gives, as TF's MakeShapeFromShapeTensor reads it: -1 is
    unknown, below that a plain ValueError (no node context)."""
    dims = np.asarray(v).tolist()
    for d in dims:
        if d < -1:
            raise ValueError("Invalid value in tensor used for shape: %d" % d)
    return tuple(None if d == -1 else int(d) for d in dims)


def _bad_shape_rank(t):
    raise ShapeError("Shape must be rank 1 but is rank 0")


def _partial_of_shape(t):
    return t._op._inputs[t._value_index].shape._dims


def _partial_of_pack(t):
    out = []
    for x in t._op._inputs:
        v = static_value(x)
        out.append(None if v is None or v.ndim or int(v) < 0 else int(v))  # TF: < 0 unknown
    return tuple(out)


def _partial_of_concat(t):
    out = ()
    for x in t._op._inputs[:-1]:
        p = partial_shape(x)
        if p is None:
            return None
        out += p
    return out


def _partial_of_cast(t):
    return partial_shape(t._op._inputs[0])


def _partial_of_strided_slice(t):
    """A 1-D slice of any shape tensor (a Shape, a Pack, ...), as TF's
    PartialStridedSliceShape."""
    op = t._op
    dims = partial_shape(op._inputs[0])
    b, e, s = (static_value(x) for x in op._inputs[1:])
    a = op._attrs
    if dims is None or b is None or e is None or s is None or b.size != 1 or a[
            "ellipsis_mask"] or a["new_axis_mask"] or a["shrink_axis_mask"]:
        return None
    b = None if a["begin_mask"] & 1 else int(b[0])
    e = None if a["end_mask"] & 1 else int(e[0])
    return tuple(dims[slice(b, e, int(s[0]))])


# shape tensors read as shapes, never evaluated whole: TF's ConstantPartialShape takes a Shape's
# input shape as it is (unknown dims and all, where a value read evaluates the constant subgraph
# below it), a concat's and a 1-D slice's parts as partial shapes, a Pack's scalars one by one
# (a negative one is an unknown dim); a Cast or any other op is evaluated first
_PARTIAL_FIRST = frozenset({"Shape", "ShapeN", "ConcatV2", "StridedSlice", "Pack"})
_PARTIAL = {"Shape": _partial_of_shape, "ShapeN": _partial_of_shape, "Pack": _partial_of_pack,
            "ConcatV2": _partial_of_concat, "Cast": _partial_of_cast,
            "StridedSlice": _partial_of_strided_slice}


# ---- building helpers ----------------------------------------------------------------------
@contextlib.contextmanager
def scope(name, default_name, values=()):
    """TF's `ops.name_scope(name, default_name, values)`: yields the scope string 'a/b/'."""
    g = graph_from_inputs([v for v in _flat(values) if v is not None])
    push = g is not default_graph()
    if push:
        manager = g.as_default()
        manager.__enter__()
    try:
        with g.name_scope(name if name is not None else default_name) as s:
            yield s
    finally:
        if push:
            manager.__exit__(None, None, None)


def _flat(values):
    for v in values if isinstance(values, (list, tuple)) else (values,):
        if isinstance(v, (list, tuple)):
            yield from _flat(v)
        else:
            yield v


def dims_of(x):
    """Static dims tuple of a tensor (None = unknown rank)."""
    return x.shape._dims


def dims_text(dims):
    """'[?,3]' as TF's shape-inference errors write dims."""
    return "[" + ",".join("?" if d is None else str(d) for d in dims) + "]"


def merge_dims(a, b, what):
    """Merges two dims tuples as TF's `Merge` (error names both shapes)."""
    out = []
    for i, (x, y) in enumerate(zip(a, b)):
        if x is not None and y is not None and x != y:
            raise ShapeError("Dimension %d in both shapes must be equal, but are %d and %d. "
                             "Shapes are %s and %s.%s"
                             % (i, x, y, dims_text(a), dims_text(b), what))
        out.append(x if x is not None else y)
    return tuple(out)


def scatter_nd_check(out, indices, updates):
    """TF's ScatterNd shape check: an empty `out` takes no updates; updates = indices[:-1] +
    out[indices[-1]:]."""
    if out is None:
        return
    if _elements(out) == 0 and (_elements(indices) > 0 or _elements(updates) > 0):
        raise ShapeError("Indices and updates specified for empty input")
    scatter_nd_prefix_check(indices, updates)
    if indices is None or updates is None or not indices or indices[-1] is None:
        return
    k, n = indices[-1], len(indices) - 1
    _merge_or_raise(out[k:], updates[n:], "Dimensions [%d,%d) of input[shape=%s] = %s must "
                    "match dimensions [%d,%d) of updates[shape=%s] = %s" % (
                        k, len(out), dims_text(out), dims_text(out[k:]), n, len(updates),
                        dims_text(updates), dims_text(updates[n:])))


def _elements(dims):
    """The number of elements of dims, -1 when unknown (as TF's shape inference)."""
    if dims is None or None in dims:
        return -1
    return int(np.prod(dims, dtype=np.int64))


def scalar_dim(t, index):
    """The dim that scalar input `index` (tensor `t`) gives, None when unknown; TF's error
    for a negative one (MakeDimForScalarInput)."""
    v = static_value(t)
    if v is None or np.ndim(v):
        return None
    if int(v) < 0:
        raise ShapeError("Dimension size, given by scalar input %d, must be non-negative but "
                         "is %d" % (index, int(v)))
    return int(v)


def scatter_nd_prefix_check(indices, updates):
    """The part of TF's ScatterNd check made before the output shape is read: updates start
    with indices[:-1]."""
    if indices is None or updates is None or not indices or indices[-1] is None:
        return
    n = len(indices) - 1
    _merge_or_raise(indices[:n], updates[:n], "Dimensions [0,%d) of indices[shape=%s] = %s must "
                    "match dimensions [0,%d) of updates[shape=%s] = %s" % (
                        n, dims_text(indices), dims_text(indices[:n]), n, dims_text(updates),
                        dims_text(updates[:n])))


def _merge_or_raise(a, b, what):
    if len(a) != len(b):
        raise ShapeError("%s: Shapes must be equal rank, but are %d and %d" % (what, len(a),
                                                                             len(b)))
    try:
        merge_dims(a, b, "")
    except ShapeError as e:
        raise ShapeError("%s: %s" % (what, e)) from None


def shape_text(shape):
    """A static shape as TF1 prints it: '(?, 3)', '(2,)', '<unknown>'."""
    d = shape._dims
    if d is None:
        return "<unknown>"
    if len(d) == 1:
        return "(%s,)" % ("?" if d[0] is None else d[0])
    return "(%s)" % ", ".join("?" if x is None else str(x) for x in d)


def rank_of(x):
    d = x.shape._dims
    return None if d is None else len(d)


def check_rank(x, want, what=None):
    """TF's `WithRank`: raises "Shape must be rank 2 but is rank 1"."""
    r = rank_of(x)
    if r is not None and r != want:
        raise ShapeError("Shape must be rank %d but is rank %d%s" % (want, r, what or ""))


def check_rank_at_least(x, want):
    r = rank_of(x)
    if r is not None and r < want:
        raise ShapeError("Shape must be at least rank %d but is rank %d" % (want, r))


def check_rank_at_most(x, want):
    r = rank_of(x)
    if r is not None and r > want:
        raise ShapeError("Shape must be at most rank %d but is rank %d" % (want, r))


def is_numpy(*xs):
    """True when every input is a host value (kernels then stay in NumPy: shapes stay static)."""
    return all(isinstance(x, (np.ndarray, np.generic, int, float, bool)) for x in xs)


def xp(*xs):
    """The array module for a kernel's inputs: NumPy for host values, else jax.numpy."""
    if is_numpy(*xs):
        return np
    import jax.numpy as jnp
    return jnp


def as_int_list(v):
    return [int(a) for a in np.asarray(v).reshape(-1).tolist()]


def shape_dims(v):
    """The dims of a shape given as a value (Fill's `dims`), with TF's error for a negative
    one (ValueError: the run's InvalidArgumentError at the op)."""
    dims = as_int_list(v)
    for d in dims:
        if d < 0:
            raise ValueError("Dimension %d must be >= 0" % d)
    return dims


def reshape_dims(in_dims, shape):
    """The dims Reshape gives an input of dims `in_dims` for `shape` (one -1 at most), with
    TF's errors. As TF's kernel: zeros in `shape` leave the product of the others to infer
    the -1 from the input's nonzero dims (a [0, 3] input to [0, -1] is [0, 3])."""
    dims = as_int_list(shape)
    n = int(np.prod(in_dims, dtype=np.int64))
    unknown, known, has_zero = -1, 1, False
    for i, d in enumerate(dims):
        if d == -1:
            if unknown != -1:
                raise ValueError("Only one input size may be -1, not both %d and %d"
                                 % (unknown, i))
            unknown = i
        elif d < 0:
            raise ValueError("Size %d must be non-negative, not %d" % (i, d))
        elif d == 0:
            has_zero = True
        else:
            known *= d
    if unknown != -1:
        skipped = has_zero and 0 in in_dims
        count = int(np.prod([d for d in in_dims if d > 0 or not has_zero], dtype=np.int64))
        if count % known and not skipped:
            raise ValueError("Input to reshape is a tensor with %d values, but the requested "
                             "shape requires a multiple of %d" % (count, known))
        dims[unknown] = count // known
    if int(np.prod(dims, dtype=np.int64)) != n:
        raise ValueError("Input to reshape is a tensor with %d values, but the requested shape "
                         "has %d" % (n, int(np.prod(dims, dtype=np.int64))))
    return dims


def index_dtype(*values):
    """int64 if any value is an int64 tensor, else int32 (TF's Tidx inference)."""
    for v in values:
        if isinstance(v, Tensor) and v.dtype.base_dtype is _dt.int64:
            return _dt.int64
    return _dt.int32


def outputs(values):
    """A kernel's result for a list of outputs (a one-output op returns the value itself)."""
    values = list(values)
    return values[0] if len(values) == 1 else values


def raw(op_type, *inputs, name=None, **attrs):
    """Adds a registered op by TF type (another family's op, without importing its module)."""
    return registry.apply(registry.lookup(op_type), inputs, attrs, name)
