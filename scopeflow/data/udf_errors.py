"""TF's wording for an error raised inside a tf.data function, as an iterator reports it:

    Error in user-defined function passed to MapDataset:1 transformation with iterator:
    Iterator::Root::ParallelMapV2: indices = 2 is not in [0, 2)
    <tab> [[{{node GatherV2}}]]
    <tab> [[IteratorGetNext]]

with the error's own class and no node of the caller's graph (`e.op` is None). The iterator
path is the one TF runs after its default graph rewrites: a stateless map is a ParallelMapV2,
a Prefetch is added at the root unless the root is asynchronous, Repeat / Take / Skip are
Finite... or Forever..., Zip and Concatenate name their input. Functions of map and batch
fused by TF (a map right under a batch), of scan, take_while, group_by_window and the like
get the bare message, as in TF. The `:N` after the dataset's name is a process-wide number,
as TF's; TF numbers every dataset it instantiates, scopeflow those with a function.

>>> import scopeflow as tf
>>> nxt = tf.data.make_one_shot_iterator(tf.data.Dataset.range(3).map(
...     lambda x: tf.gather([1, 2], x))).get_next()
>>> with tf.Session() as sess:
...     _ = sess.run(nxt), sess.run(nxt)
...     try:
...         sess.run(nxt)
...     except tf.errors.InvalidArgumentError as e:
...         print(e.message.splitlines()[2].split("with iterator: ")[1])
Iterator::Root::ParallelMapV2: indices = 2 is not in [0, 2)
"""

import itertools

from scopeflow import errors
from scopeflow.ops.registry import REGISTRY

_NUMBERS = itertools.count(1)
_HEAD = "Graph execution error:\n\n"
_PREFIXED = frozenset(("MapDataset", "ParallelMapDatasetV2", "FilterDataset", "FlatMapDataset",
                       "InterleaveDataset", "ParallelInterleaveDatasetV4"))
_NAMES = {"RangeDataset": "Range", "TensorSliceDataset": "TensorSlice",
          "TensorDataset": "FromTensor", "FilterDataset": "Filter", "FlatMapDataset": "FlatMap",
          "InterleaveDataset": "Interleave", "ParallelMapDatasetV2": "ParallelMapV2",
          "ParallelInterleaveDatasetV4": "ParallelInterleaveV4", "BatchDatasetV2": "BatchV2",
          "PaddedBatchDatasetV2": "PaddedBatchV2", "ShuffleDataset": "Shuffle",
          "PrefetchDataset": "Prefetch", "TakeDataset": "FiniteTake", "SkipDataset": "FiniteSkip",
          "CacheDataset": "MemoryCacheImpl", "UnbatchDataset": "Unbatch", "ZipDataset": "Zip",
          "ConcatenateDataset": "Concatenate", "ShardDataset": "Shard",
          "MapAndBatchDataset": "MapAndBatch"}
_ASYNC_ROOTS = frozenset(("ParallelMapV2", "Prefetch", "ParallelInterleaveV4", "MapAndBatch"))
_NOT_STATEFUL = frozenset(("Assert", "Print", "PrintV2", "NoOp", "Placeholder"))  # (TF: stateless)


def guard(call, op):
    """`call` (a bound function of dataset op `op`) with its TF errors tagged for TF's
    wording; an error of a function nested inside keeps its own tag."""
    number = next(_NUMBERS)

    def guarded(element):
        try:
            return call(element)
        except errors.OpError as e:
            if getattr(e, "udf", None) is not None:
                raise
            tagged = type(e)(None, None, _HEAD + _body(e))
            tagged.udf = (op, number, _body(e))
            raise tagged from None

    return guarded


def _body(e):
    """The error's message and node line, without scopeflow's graph-execution head."""
    msg = e.message
    if e.op is not None:
        key = "Node: '%s'\n" % e.op.name
        i = msg.find(key)
        if i >= 0:
            return msg[i + len(key):]
    return msg[len(_HEAD):] if msg.startswith(_HEAD) else msg


class Tracing:
    """The iterator `it` of host dataset `root`, naming where in `root` a tagged error came
    from as it comes out (a producer thread may run ahead: a Repeat's pass moves on)."""

    __slots__ = ("it", "root")

    def __init__(self, it, root):
        self.it, self.root = it, root

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self.it)
        except errors.OpError as e:
            if getattr(e, "udf", None) is not None and not hasattr(e, "udf_path"):
                e.udf_path = _names(self.root, e.udf[0])
            raise

    def close(self):
        close = getattr(self.it, "close", None)
        if close is not None:
            close()


def at_iterator(e, root, get_next):
    """Tagged error `e` as TF's iterator op `get_next` reports it, over host dataset `root`."""
    op, number, body = e.udf
    names = e.udf_path if hasattr(e, "udf_path") else _names(root, op)
    if names is not None:
        body = ("Error in user-defined function passed to %s:%d transformation with iterator: "
                "Iterator::Root::%s: %s" % (op._type, number, "::".join(names), body))
    return type(e)(None, None, "%s%s\n\t [[%s]]" % (_HEAD, body, get_next._name))


def _names(root, op):
    """TF's iterator path from `root` to the dataset of `op`; None for a bare message."""
    path = _path(root, op)
    if op._type not in _PREFIXED or path is None or _fused(path):
        return None
    names = [_name(node, label) for node, label in path]
    if names[0] not in _ASYNC_ROOTS:
        names.insert(0, "Prefetch")
    return names


def at_op(e, op):
    """Tagged error `e` reported at `op` (a dataset's reduction)."""
    from scopeflow.lowering.context import run_error
    return run_error(type(e), op, e.udf[2])


def _path(root, op):
    """[(host dataset, its input's label)] from `root` down to the one `op` made, or None."""
    todo = [[(root, "")]]
    seen = set()
    while todo:
        path = todo.pop()
        node = path[-1][0]
        if id(node) in seen:
            continue
        seen.add(id(node))
        if getattr(node, "_op", None) is op:
            return [p for p in path if getattr(p[0], "_op", None) is not None
                    and not _identity(p[0]._op)]
        for label, child in reversed(_children(node)):
            todo.append(path[:-1] + [(node, label), (child, "")])
    return None


def _children(node):
    """[(label, input)]: Zip and Concatenate label each input, Repeat its pass, FlatMap the
    element whose dataset it is reading."""
    parts = getattr(node, "datasets", None) or getattr(node, "parts", None)
    if parts is not None:
        return [("[%d]" % i, p) for i, p in enumerate(parts)]
    source = getattr(node, "source", None)
    if source is None:
        return []
    epoch = getattr(node, "epoch", None)
    out = [("" if epoch is None else "[%d]" % epoch, source)]
    inner = getattr(node, "inner", None)
    if inner is not None:
        out.append(("[%d]" % inner[0], inner[1]))
    return out


def _identity(op):
    """A map whose function returns its arguments: TF's rewrites drop it (unbatch's)."""
    if op._type != "MapDataset":
        return False
    fn = op._attrs["f"]
    return list(fn.outputs) == list(fn.args)


def _name(node, label):
    op = node._op
    kind = op._type
    if kind == "MapDataset":
        name = "Map" if getattr(op._graph, "_building_function", False) or \
            _stateful(op._attrs["f"]) else "ParallelMapV2"
    elif kind == "RepeatDataset":
        name = "ForeverRepeat" if node.count < 0 else "FiniteRepeat"
    else:
        name = _NAMES.get(kind, kind.replace("Dataset", ""))
    return name + label


def _fused(path):
    """TF fuses a map right under a batch into MapAndBatch: its errors are bare."""
    return len(path) > 1 and path[-2][0]._op._type == "BatchDatasetV2" and \
        path[-1][0]._op._type in ("MapDataset", "ParallelMapDatasetV2")


def _stateful(fn):
    return any(REGISTRY[o._type].stateful and o._type not in _NOT_STATEFUL
               for o in fn.graph.get_operations() if o._type in REGISTRY)
