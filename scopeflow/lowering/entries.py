"""Fed SparseTensors whose count of entries changes from run to run, run in one program per
bucket of counts.

A `tf.sparse_placeholder` is fed indices `[nnz, rank]` and values `[nnz]`, and `nnz` changes
with nearly every batch (a batch of sentences, of users' features). Each count was a new
signature, so a sparse logistic regression compiled its training step at every step (60
compiles in 60 steps, 0.53 s a step against TF's 0.002). Here, once a second count is seen,
the Session feeds the entries padded to the next power of two (at least 16) with copies of the
last real entry, and passes the real count beside them (`Counted`): the program is compiled per
bucket, not per count.

That is exact where the entries flow, op by op, only through ops that treat each entry alone,
as rows.py follows a batch (elementwise ops, gathers by the indices, slices of an index
column; the same rule table, "exact" rules only) into sinks whose kernels mask the padded
entries with the count (`SINKS`: SparseTensorDenseMatMul drops them from its sums and its
index checks). A padded entry repeats the last real one, so any check an op between makes
fails on a real entry first, with TF's message. Fetched per-entry values are cut back to the
real count. Anything else reading the entries (their `tf.shape`, a sum over them, a sparse op
without a masked kernel) keeps the run compiled per count, as before. A run fed no entry is
compiled as it is. `SCOPEFLOW_PAD_BATCHES=0` turns this padding off too.

>>> import numpy as np, scopeflow as tf
>>> sp = tf.sparse_placeholder(tf.float32, [2, 3])
>>> y = tf.sparse_tensor_dense_matmul(sp, tf.ones([3, 1]))
>>> with tf.Session() as s:
...     for n in (1, 2, 3):
...         v = s.run(y, {sp: tf.SparseTensorValue([[0, i] for i in range(n)], [1.0] * n,
...                                                [2, 3])})
>>> v.ravel().tolist()
[3.0, 0.0]
"""

import weakref
from fractions import Fraction

import jax
import numpy as np

from scopeflow.lowering import entry_shapes, padding, rows
from scopeflow.ops.constant import constant_value

_MIN_BUCKET = 16
_groups = weakref.WeakKeyDictionary()  # a SparseTensor's fed or host-made indices/values -> token
# host ops whose output has an entry per entry of input k (a vocabulary lookup of the tokens)
_PER_ENTRY = {"LookupTableFindV2": 1, "LookupTableFind": 1, "StringToHashBucketFast": 0,
              "StringToHashBucketStrong": 0, "StringToHashBucket": 0, "Identity": 0}


def mark(*tensors):
    """Marks tensors holding one SparseTensor's entries (its indices and values: a
    sparse_placeholder's, tf.string_split's outputs): their leading dimension is its count of
    entries, which may change from run to run."""
    token = object()
    for t in tensors:
        _groups[t] = token


def mark_fed(indices, values):
    """`tf.SparseTensor(indices, values, shape)` of two plain placeholders with a `None`
    leading dimension (`[None, rank]` int64 and `[None]`, as tffm and other TF1 programs feed
    a batch's entries): marked as a sparse_placeholder's; a placeholder marked already (indices
    shared by ids and weights) lends its token to the other."""
    for t in (indices, values):
        dims = t.shape._dims
        if t._op._type != "Placeholder" or not dims or dims[0] is not None:
            return
    token = _groups.get(indices) or _groups.get(values) or object()
    _groups[indices] = _groups[values] = token


_made = weakref.WeakKeyDictionary()  # a host op making entries of its own -> their token


def _made_token(op):
    token = _made.get(op)
    if token is None:
        token = _made[op] = object()
    return token


def token_of(t, depth=0):
    """The SparseTensor whose entries `t` holds, one per entry (marked, or a per-entry result
    of such: `table.lookup(sp.values)`, its out-of-vocabulary buckets added), as its token;
    else None. Host ops whose outputs have a count of their own start new ones: the entries
    `tf.sparse.fill_empty_rows` gives, the positions `tf.where` finds among entries (which
    entries `tf.sparse.retain` keeps); `tf.sparse.reshape` keeps its input's."""
    token = _groups.get(t)
    if token is not None or depth > 12:
        return token
    op = t._op
    if op._type == "SparseFillEmptyRows" and t._value_index < 2:
        return _made_token(op)
    if op._type == "SparseReshape" and t._value_index == 0:
        return token_of(op._inputs[0], depth + 1)
    if op._type == "Where" and len(op._inputs) == 1 and _vector(op._inputs[0], True):
        # of entries, or of any flag vector (gcn's dropout mask, of a fed shape: plan() checks
        # a mask of unknown rank was a vector)
        return _made_token(op)
    if not _vector(t):
        return None
    k = _PER_ENTRY.get(op._type)
    if k is not None:
        return token_of(op._inputs[k], depth + 1)
    if op._type in _ELEMENTWISE:
        for x in op._inputs:
            if _vector(x):
                token = token_of(x, depth + 1)
                if token is not None:
                    return token
    return None


def _vector(t, unknown=False):
    dims = t.shape._dims
    return unknown if dims is None else len(dims) == 1


_ELEMENTWISE = frozenset(rows._UNARY + rows._BINARY + ("Select",))


@jax.tree_util.register_pytree_node_class
class Counted:
    """Fed entries padded to a bucket (`array`), with the real count of them (`count`); for
    indices whose first column a segment reduction's output rows follow, `rows`: the last
    real entry's row + 1 (static, part of the signature)."""

    __slots__ = ("array", "count", "rows")

    def __init__(self, array, count, rows=None):
        self.array, self.count, self.rows = array, count, rows

    @property
    def shape(self):  # (never a plain array's: the signature of a padded program)
        return ("entries", self.rows) + tuple(self.array.shape)

    @property
    def dtype(self):
        return self.array.dtype

    def aval(self):
        return Counted(jax.ShapeDtypeStruct(np.shape(self.array), self.array.dtype),
                       jax.ShapeDtypeStruct((), np.int32), self.rows)

    def tree_flatten(self):
        return (self.array, self.count), self.rows

    @classmethod
    def tree_unflatten(cls, aux, children):
        return cls(*children, rows=aux)


def row_column(t):
    """The indices placeholder of a sparse_placeholder whose first column `t` is
    (`sp.indices[:, 0]`, cast or not: embedding_lookup_sparse's segment ids), else None."""
    while t._op._type in ("Cast", "Identity"):
        t = t._op._inputs[0]
    op = t._op
    if op._type != "StridedSlice" or token_of(op._inputs[0]) is None:
        return None
    vals = [constant_value(x) for x in op._inputs[1:4]]
    if any(v is None for v in vals):
        return None
    begin, end, strides = (np.asarray(v).reshape(-1).tolist() for v in vals)
    a = op._attrs
    if (len(begin) != 2 or strides != [1, 1] or a.get("ellipsis_mask", 0)
            or a.get("new_axis_mask", 0) or a.get("shrink_axis_mask", 0) != 2 or begin[1] != 0
            or not a.get("begin_mask", 0) & a.get("end_mask", 0) & 1):
        return None
    return op._inputs[0]


def is_entries(t):
    """Whether `t` holds a fed or host-made SparseTensor's entries (token_of)."""
    return token_of(t) is not None


def _sparse_matmul(op, ins, fed):
    """SparseTensorDenseMatMul(a_indices, a_values, a_shape, b), SparseReduceSum(indices,
    values, shape, axes): sums over the entries."""
    if ins[0] != 0 or ins[1] != 0 or ins[2] is not None or ins[3] is not None:
        raise rows._Refuse("the entries reach the shape or the dense operand")
    return (None,), rows.EXACT


def _gather_entries(op, ins, fed):
    """GatherV2 / Gather of entries (along axis 0) at positions that are entries of another
    count (`tf.sparse.retain`'s `tf.where`): the kept entries, as many as the positions; a
    padded position repeats a real one, which points at a real entry."""
    if op._type == "GatherV2" and int(rows._const(op._inputs[2], fed)) != 0:
        raise rows._Refuse("gathers along another axis")
    if ins[0] != 0 or ins[1] != 0 or op._attrs.get("batch_dims", 0) or len(
            rows._dims(op._inputs[1])) != 1:
        return rows._gather(op, ins, fed)
    # only positions tf.where found: among these very entries they are real ones; in another
    # flag vector (a dropout mask) plan() checks them below the real count before padding
    # (any position past it would read a padded entry where TF fails)
    where = _where_of(op._inputs[1])
    if where is None or token_of(where._op._inputs[0]) not in (None, token_of(op._inputs[0])):
        raise rows._Refuse("gathers entries at positions other than tf.where's")
    return (0,), rows.EXACT


def _reshape(op, ins, fed):
    """Reshape: rows.py's rule; and `tf.where` positions of a flag tensor of unknown rank (a
    mask of a fed shape, statically [?, ?]) reshaped to [-1], which keeps the rows: plan()
    checks the flags were a vector ([m, 1] positions) before padding."""
    x = op._inputs[0]
    if (ins[0] == 0 and x._op._type == "Where" and x._op._inputs[0].shape._dims is None
            and rows._const(op._inputs[1], fed).reshape(-1).tolist() == [-1]):
        return (0,), rows.EXACT
    return entry_shapes.RULES["Reshape"](op, ins, fed)


_reshape.values = entry_shapes.RULES["Reshape"].values  # (it reads shapes of the count)


def _sparse_dense_cwise(op, ins, fed):
    """SparseDenseCwiseMul/Div(indices, values, shape, dense): each entry by the dense value
    at its own index (the broadcast check reads only the shapes)."""
    if ins[0] != 0 or ins[1] != 0 or ins[2] is not None or ins[3] is not None:
        raise rows._Refuse("the entries reach the shape or the dense operand")
    return (0,), rows.EXACT


def _where_of(t):
    """The tf.where output whose positions `t` is (reshaped, cast), else None."""
    while t._op._type in ("Reshape", "Squeeze", "Cast", "Identity"):
        t = t._op._inputs[0]
    return t if t._op._type == "Where" else None


def _bounds(prog, groups):
    """(fed positions, group of the entries they index) for each gather of entries at tf.where
    positions found in a flag vector that is not entries (plan() checks them before padding),
    and (fed positions, None) for tf.where positions in flags of unknown rank (plan() checks
    they were a vector's); None where those positions or entries are not fed to `prog`."""
    group = {token_of(prog.fed[pos[0]]): g for g, pos in enumerate(groups)}
    fed = {t: i for i, t in enumerate(prog.fed)}
    out = [(i, None) for pos in groups for i in pos
           if prog.fed[i]._op._type == "Where" and prog.fed[i]._op._inputs[0].shape._dims is None]
    for op in prog.order:
        if op._type not in ("GatherV2", "Gather"):
            continue
        params, where = op._inputs[0], _where_of(op._inputs[1])
        if where is None or token_of(params) is None or token_of(where._op._inputs[0]):
            continue
        g = group.get(token_of(params))
        if g is None or fed.get(where) not in prog.feed_pos:
            return None
        out.append((fed[where], g))
    return tuple(out)


_gather_entries.size_of = 1  # (the output has the positions' count, not the entries')


def _batch_matmul(op, ins, fed):
    """Matrices per entry (SparseTensorDenseMatMul's gradient for its values): a product per
    entry, exact where each is a single product."""
    if ins != [0, 0]:
        raise rows._Refuse("not a matrix per entry")
    a = op._inputs[0]
    dims = rows._dims(a)
    k = dims[-2] if op._attrs.get("adj_x") else dims[-1]
    return (0,), k == 1


def _segments(op, ins, fed):
    """SparseSegmentSum/Mean/SqrtN(data, ids, segment_ids): sums over the entries into the
    rows `segment_ids` names, which must be the entries' rows (their count: the last + 1)."""
    if ins[0] is not None or ins[1] != 0 or ins[2] != 0 or row_column(op._inputs[2]) is None:
        raise rows._Refuse("segments other than the entries' rows")
    return (None,), rows.EXACT


def _sorted_segments(op, ins, fed):
    """SegmentSum/Mean/Max/Min/Prod(data, segment_ids) of per-entry rows into the entries'
    rows (`embedding_lookup_sparse` with weights)."""
    if ins != [0, 0] or row_column(op._inputs[1]) is None or len(rows._dims(op._inputs[1])) != 1:
        raise rows._Refuse("segments other than the entries' rows")
    return (None,), rows.EXACT


def _unsorted_segments(op, ins, fed):
    """UnsortedSegmentSum/Max/Min/Prod(data, ids, num_segments) of per-entry rows (a gather's
    gradient: GatherV2 of rows at the entries' ids)."""
    if ins[0] != 0 or ins[1] != 0 or ins[2] is not None or len(rows._dims(op._inputs[1])) != 1:
        raise rows._Refuse("segments other than one per entry")
    return (None,), rows.EXACT


def _segments_grad(op, ins, fed):
    """SparseSegment*Grad(grad, ids, segment_ids, rows) and the V2 kernels run compiled
    (ops/segments_grad.py): sums of gradient rows over the entries."""
    from scopeflow.lowering.stages import RUNS_COMPILED
    if ins[0] is not None or ins[1] != 0 or ins[2] != 0 or ins[3] is not None or (
            op._type.endswith("V2") and op not in RUNS_COMPILED):
        raise rows._Refuse("not a gradient over the entries")
    return (None,) * len(op._outputs), rows.EXACT


def _unique(op, ins, fed):
    """Unique of the entries, run compiled (ops/dynamic_shape.py: the distinct values padded
    with the smallest, as long as the input): the padded entries repeat a real one, so the
    distinct values are the same; `idx` has a row per entry."""
    from scopeflow.lowering.stages import RUNS_COMPILED
    if ins != [0] or op not in RUNS_COMPILED:
        raise rows._Refuse("a Unique run on the host")
    return (None, 0), rows.EXACT


def _pow(op, ins, fed):
    """Pow by a constant 2, 3, 0.5, 1 or 0 of float32 entries (the sqrtn combiner's weights
    squared): TF's grappler makes it a Square, a product, a Sqrt... (ops/math.py), each
    element rounded alone, where the Pow kernel's values depend on the tensor's size."""
    outs, _ = rows._broadcast(op, ins, fed)
    x, y = op._inputs
    rewrites = getattr(fed.prog, "grappler", None)
    v = None if ins[1] is not None or y in fed else constant_value(y)
    exact = (v is not None and rewrites is not None and rewrites.on
             and x.dtype.base_dtype.name == "float32" and np.size(v) > 0
             and float(np.ravel(v)[0]) in (2.0, 3.0, 0.5, 1.0, 0.0)
             and (np.asarray(v) == np.ravel(v)[0]).all())
    return outs, exact


# beside rows.py's rules: sinks (their kernels mask the padded entries) and per-entry products
_KINDS = ("Sum", "Mean", "Max", "Min", "Prod")
# sinks whose output rows are the entries' rows: the position of their segment ids
_ROW_IDS = {**{"SparseSegment" + k: 2 for k in ("Sum", "Mean", "SqrtN")},
            **{"Segment" + k: 1 for k in _KINDS}}
SINKS = {"SparseTensorDenseMatMul": _sparse_matmul, "SparseReduceSum": _sparse_matmul,
         **{"SparseSegment" + k: _segments for k in ("Sum", "Mean", "SqrtN")},
         **{"SparseSegment%sGrad%s" % (k, v): _segments_grad for k in ("Sum", "Mean", "SqrtN")
            for v in ("", "V2")},
         **{"Segment" + k: _sorted_segments for k in _KINDS},
         **{"UnsortedSegment" + k: _unsorted_segments for k in _KINDS if k != "Mean"}}
RULES = {**entry_shapes.RULES, **SINKS, "Unique": _unique, "Reshape": _reshape,
         "SparseDenseCwiseMul": _sparse_dense_cwise, "SparseDenseCwiseDiv": _sparse_dense_cwise,
         "GatherV2": _gather_entries,
         "Gather": _gather_entries, "Pow": _pow, "BatchMatMul": _batch_matmul,
         "BatchMatMulV2": _batch_matmul, "BatchMatMulV3": _batch_matmul}


_CONSTRUCTS = frozenset(("Switch", "Merge", "Enter", "Exit", "NextIteration", "LoopCond", "If",
                         "StatelessIf", "While", "StatelessWhile"))


class _Entries:
    """A Program's padding: the fed positions of each SparseTensor's entries, the Rows of its
    fetches (the group of a per-entry fetch: `segments`, 1-based), the count of each input of a
    sink, the first run's counts and whether others came since."""

    __slots__ = ("groups", "rows", "sink_inputs", "row_inputs", "row_feeds", "first", "many",
                 "same", "bounds")

    def __init__(self, groups, rows_, sink_inputs, row_inputs, row_feeds, same, bounds=()):
        self.groups, self.rows, self.sink_inputs = groups, rows_, sink_inputs
        self.same = same  # groups that meet in an op: their counts must be equal to pad
        self.bounds = bounds  # (fed positions, the group they index): _bounds
        self.row_inputs = row_inputs  # segment ids -> the fed position of their indices
        self.row_feeds = row_feeds  # those positions
        # a segment reduction's rows compile the indices in when a run is not padded (and for
        # good: Program.learn_static), so such programs pad from their first run
        self.first, self.many = None, bool(row_feeds)


def _analyse(prog):
    found = prog.__dict__.get("_entries", False)
    if found is not False:
        return found
    prog._entries = None
    if prog.host or prog.device is not None or prog.loop_fetches:
        return None
    if any(op._type in _CONSTRUCTS for op in prog.order):
        return None  # (a cond's or loop's branch ops run inside its construct, unfollowed)
    tokens = {}
    for i in prog.feed_pos:
        token = token_of(prog.fed[i])
        if token is not None:
            tokens.setdefault(token, []).append(i)
    if not tokens:
        return None
    groups = list(tokens.values())
    seeds = {i: Fraction(g + 1) for g, pos in enumerate(groups) for i in pos}
    size = {}
    found, _ = rows.analyse_why(prog, seeds, RULES, size)
    if found is None or not found.exact:
        return None
    sink_inputs = {t: int(size[t]) - 1 for op in prog.order if op._type in SINKS
                   for t in op._inputs if t in size}
    pos = {t: i for i, t in enumerate(prog.fed)}
    row_ids = [op._inputs[_ROW_IDS[op._type]] for op in prog.order if op._type in _ROW_IDS]
    row_inputs = {t: pos.get(row_column(t)) for t in row_ids}
    bounds = _bounds(prog, groups)
    if None in row_inputs.values() or bounds is None:
        return None
    met = {}
    for g, p in enumerate(groups):
        met.setdefault(size[prog.fed[p[0]]], []).append(g)
    prog._entries = _Entries(groups, found, sink_inputs, row_inputs,
                             frozenset(row_inputs.values()),
                             [gs for gs in met.values() if len(gs) > 1], bounds)
    return prog._entries


def _bucket(n):
    return max(_MIN_BUCKET, 1 << (n - 1).bit_length())


def plan(prog, feeds):
    """(feeds with each SparseTensor's entries padded, their counts) where `prog`'s runs are
    padded, else None (the run is compiled for its own counts)."""
    if padding.mode() == "0":
        return None
    an = _analyse(prog)
    if an is None:
        return None
    counts = []
    if any(i not in prog.feed_pos for pos in an.groups for i in pos):  # compiled in since
        return None
    for pos in an.groups:
        n = None
        for i in pos:
            a = feeds[i]
            if type(a) is not np.ndarray or a.ndim == 0 or n not in (None, a.shape[0]):
                return None
            n = a.shape[0]
        if not n:
            return None
        counts.append(n)
    if any(len({counts[g] for g in gs}) > 1 for gs in an.same):
        return None  # (entries of other counts meet: the op fails, compiled as it is)
    for i, g in an.bounds:  # positions from another flag vector: real entries only
        a = feeds[i]
        if a.ndim != 2 or a.shape[1] != 1 if g is None else (
                a.size and int(a.max()) >= counts[g]):
            return None
    if not an.many:  # the same counts every run so far: compiled as they are
        key = tuple(counts)
        if an.first is None or an.first == key:
            an.first = key
            return None
        an.many = True
    padded = list(feeds)
    for pos, n in zip(an.groups, counts):
        big, count = _bucket(n), np.int32(n)
        for i in pos:
            a = feeds[i]
            rows_ = None
            if i in an.row_feeds:
                if a.ndim != 2 or not a.shape[1]:
                    return None
                rows_ = int(a[-1, 0]) + 1
                if rows_ < 1:  # (TF's errors, from the run compiled as it is)
                    return None
            more = np.repeat(a[-1:], big - n, axis=0)
            padded[i] = Counted(np.concatenate([a, more]), count, rows_)
    return padded, counts


def counts_in(ctx, prog, feed_vals):
    """Hands the sinks of a padded run (`feed_vals` traced, Counted where padded) their
    counts: ctx.entry_counts maps each sink input to its SparseTensor's traced count."""
    an = prog.__dict__.get("_entries")
    if an is None:
        return
    group = {i: g for g, pos in enumerate(an.groups) for i in pos}
    by_group = {group[i]: v.count for i, v in zip(prog.feed_pos, feed_vals)
                if type(v) is Counted}
    if by_group:
        ctx.entry_counts = {t: by_group[g] for t, g in an.sink_inputs.items() if g in by_group}
        rows_ = {i: v.rows for i, v in zip(prog.feed_pos, feed_vals) if type(v) is Counted}
        ctx.entry_rows = {t: rows_[i] for t, i in an.row_inputs.items() if i in rows_}


def cut(prog, values, counts):
    """The fetched values of an unpadded run: each per-entry fetch cut to its real count."""
    rs = prog._entries.rows
    out = list(values)
    for j, (a, g) in enumerate(zip(rs.axes, rs.segments)):
        if a is not None and isinstance(out[j], np.ndarray):
            v = np.asarray(out[j])
            out[j] = np.ascontiguousarray(v[(slice(None),) * a + (slice(0, counts[g - 1]),)])
    return out


def count_of(ctx, t):
    """The traced count of real entries of sink input `t` in a padded run, else None."""
    got = getattr(ctx, "entry_counts", None)
    return None if got is None else got.get(t)


def rows_of(ctx, t):
    """A padded run's output rows of a segment reduction by segment ids `t` (static)."""
    return ctx.entry_rows[t]
