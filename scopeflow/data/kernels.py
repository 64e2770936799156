"""Host kernels of tf.data's ops: dataset ops build host datasets (host.py) from their input
values; iterator ops keep their state in the Session's resources.

>>> from scopeflow.lowering.stages import HOST_KERNELS
>>> ds = HOST_KERNELS["BatchDatasetV2"](None, None, HOST_KERNELS["TensorSliceDataset"](
...     None, None, [1, 2, 3])[0], 2, False)[0]
>>> [e[0].tolist() for e in ds]
[[1, 2], [3]]
"""

import glob
import os
import threading

import numpy as np

from scopeflow import errors
from scopeflow.data import host, producers, readers, shuffle
from scopeflow.lowering.context import run_error
from scopeflow.lowering.stages import HOST_KERNELS, host_kernel


def _cycle(n):
    """An interleave's cycle length: AUTOTUNE (-1) is TF's MaxParallelism (the schedulable
    CPUs); 0 or another negative fails as TF's kernel."""
    n = int(n)
    if n == -1:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
            os.cpu_count() or 1)
    if n <= 0:
        raise host._invalid("cycle_length must be greater than zero.")
    return n


def _np_dtype(op):
    types = op._attrs.get("output_types") or ()
    return types[0].as_numpy_dtype if types else np.int64


def _simple(op_type, make):
    def kernel(ctx, op, *xs):
        try:
            ds = make(op, *xs)
            ds._op = op  # (TF's iterator path names it: udf_errors.py)
            return [ds]
        except errors.OpError as e:  # (a check of the op's inputs: TF names the op)
            raise _at(e, op) from None

    host_kernel(op_type)(kernel)


_simple("TensorDataset", lambda op, *c: host.Tensors(c))
_simple("TensorSliceDataset", lambda op, *c: host.TensorSlices(c))
_simple("RangeDataset", lambda op, a, b, c: host.Range(a, b, c, _np_dtype(op)))
_simple("ZipDataset", lambda op, *ds: host.Zip(ds))
_simple("ConcatenateDataset", lambda op, a, b: host.Concatenate(a, b))
def _map(op, ds, captured):
    fn = op._attrs["f"]
    m = host.Map(ds, fn.bind(captured, op), fn.chunked())
    m.traced = fn
    m.counted = op._attrs.get("preserve_cardinality", True)  # (cardinality.py)
    return m


def _batch(ds, n, drop):
    """A map whose function is elementwise runs once per batch: same values, one call."""
    traced = getattr(ds, "traced", None) if isinstance(ds, host.Map) else None
    if traced is not None and traced.elementwise():
        batches = host.Batch(ds.source, n, drop)
        batches.counted = ds.counted
        return host.Map(batches, traced.batched().bind(()))
    return host.Batch(ds, n, drop)


_simple("MapDataset", lambda op, ds, *cap: _map(op, ds, cap))
_simple("ParallelMapDatasetV2", lambda op, ds, *rest: _map(op, ds, rest[:-1]))
_simple("FilterDataset",
        lambda op, ds, *cap: host.Filter(ds, op._attrs["predicate"].bind(cap, op)))
_simple("FlatMapDataset", lambda op, ds, *cap: host.FlatMap(ds, op._attrs["f"].bind(cap, op)))
_simple("InterleaveDataset", lambda op, ds, *rest: host.Interleave(
    ds, op._attrs["f"].bind(rest[:-2], op), _cycle(rest[-2]), rest[-1]))
_simple("ParallelInterleaveDatasetV4", lambda op, ds, *rest: host.Interleave(
    ds, op._attrs["f"].bind(rest[:-5], op), _cycle(rest[-5]), rest[-4]))
_simple("BatchDatasetV2", lambda op, ds, n, drop: _batch(ds, n, drop))
_simple("MapAndBatchDataset", lambda op, ds, *rest: _batch(
    _map(op, ds, rest[:-3]), rest[-3], rest[-1]))
_simple("ShuffleDataset", lambda op, ds, size, s1, s2: shuffle.Shuffle(
    ds, size, s1, s2, op._attrs.get("reshuffle_each_iteration", True)))
_simple("ShuffleAndRepeatDataset", lambda op, ds, size, s1, s2, count: shuffle.Shuffle(
    ds, size, s1, s2, op._attrs.get("reshuffle_each_iteration", True), count))
_simple("RepeatDataset", lambda op, ds, n: host.Repeat(ds, n))
_simple("TakeDataset", lambda op, ds, n: host.Take(ds, n))
_simple("SkipDataset", lambda op, ds, n: host.Skip(ds, n))
_simple("IgnoreErrorsDataset", lambda op, ds: host.IgnoreErrors(ds))
_simple("ShardDataset", lambda op, ds, n, i: host.Shard(ds, n, i))
_simple("PrefetchDataset", lambda op, ds, n: producers.Prefetch(ds, n))
def _cache(ds, filename):
    name = np.asarray(filename, dtype=object)[()]
    if not name:
        return host.Cache(ds)
    from scopeflow.data.file_cache import FileCache
    return FileCache(ds, name)


_simple("CacheDataset", lambda op, ds, filename: _cache(ds, filename))
_simple("UnbatchDataset", lambda op, ds: host.Unbatch(ds))
_simple("TextLineDataset", lambda op, f, comp, buf: readers.TextLines(f, comp))
_simple("TFRecordDataset", lambda op, f, comp, buf: readers.Records(f, comp))
_simple("FixedLengthRecordDatasetV2", lambda op, f, h, r, t, buf, comp: readers.FixedLength(
    f, h, r, t, comp))
_simple("GeneratorDataset", lambda op, *args: producers.Generator(
    op._attrs["generator"], [np.asarray(a)[()] for a in args], op._attrs["specs"],
    op._attrs["flatten"], op._attrs.get("spec_text")))


@host_kernel("PaddedBatchDatasetV2")
def _padded_batch(ctx, op, ds, n, *rest):
    k = (len(rest) - 1) // 2
    out = host.PaddedBatch(ds, n, rest[:k], rest[k:2 * k], rest[-1])
    out._op = op
    return [out]


@host_kernel("ReduceDataset")
def _reduce(ctx, op, ds, *rest):
    k = len(op._attrs["Tstate"])
    state, fn = tuple(rest[:k]), op._attrs["f"].bind(rest[k:], op)
    try:
        for el in ds:
            state = tuple(fn(state + tuple(el)))
    except errors.OpError as e:
        raise _at(e, op) from None
    return list(state)


if "DeserializeSparse" not in HOST_KERNELS:
    @host_kernel("DeserializeSparse")
    def _deserialize_sparse(ctx, op, value):
        return [value.indices, value.values, value.dense_shape]


@host_kernel("SerializeSparse")
def _serialize_sparse(ctx, op, indices, values, shape):
    from scopeflow.sparse_tensor import SparseTensorValue
    return [SparseTensorValue(np.asarray(indices, np.int64), np.asarray(values),
                              np.asarray(shape, np.int64))]


@host_kernel("SerializeManySparse")
def _serialize_many_sparse(ctx, op, indices, values, shape):
    from scopeflow.sparse_tensor import SparseTensorValue
    whole = SparseTensorValue(np.asarray(indices, np.int64), np.asarray(values),
                              np.asarray(shape, np.int64))
    return [host.SparseRows(host.unbatch_sparse(whole))]


@host_kernel("RaggedTensorToVariant")
def _ragged_to_variant(ctx, op, *parts):
    from scopeflow.ragged.value import from_components
    splits_dtype = op._attrs["Tsplits"].as_numpy_dtype
    item = host.RaggedItem(from_components([np.asarray(p) for p in parts]), splits_dtype)
    return [host.RaggedRows(item.rows()) if op._attrs["batched_input"] else item]


@host_kernel("RaggedTensorFromVariant")
def _ragged_from_variant(ctx, op, item):
    v, out = item.value, []
    while hasattr(v, "row_splits"):
        out.append(v.row_splits)
        v = v.values
    return out + [np.asarray(v)]


if "MatchingFiles" not in HOST_KERNELS:
    @host_kernel("MatchingFiles")
    def _matching_files(ctx, op, pattern):
        pats = [p.decode() if isinstance(p, bytes) else str(p)
                for p in np.asarray(pattern, dtype=object).reshape(-1)]
        found = sorted({f for p in pats for f in glob.glob(p)})
        return [np.asarray([f.encode() for f in found], dtype=object).reshape(-1)]


# ---- iterators ------------------------------------------------------------------------------
class IteratorResource:
    """One iterator of a Session: the position in its dataset, thread-safe."""

    def __init__(self, op):
        self.op = op
        self.it = None
        self.lock = threading.Lock()
        self.ahead = None  # shapes of an element to come (a last, partial batch), once
        self.root = None  # the host dataset it iterates

    def reset(self, dataset):
        with self.lock:
            self._close()
            self.root = dataset
            batch = _final_batch(dataset)
            if batch is not None:
                batch.on_final = self._tell
            from scopeflow.data.udf_errors import Tracing
            self.it = Tracing(iter(dataset), dataset)
            if not isinstance(dataset, producers.Prefetch) and not _caches_to_file(dataset):
                self.it = producers.Background(self.it)

    def _tell(self, shapes):
        self.ahead = shapes

    def _close(self):
        it, self.it = self.it, None
        close = getattr(it, "close", None)
        if close is not None:
            close()  # a prefetching pass stops its producer

    def session_closed(self):
        with self.lock:
            self._close()

    def get_next(self, op, at_end=False):
        """The next element (a list of components); at the end, OutOfRangeError, or `at_end`
        when it is not False (get_next_as_optional's empty optional)."""
        with self.lock:
            if self.it is None:
                raise run_error(errors.FailedPreconditionError, op, (
                    "GetNext() failed because the iterator has not been initialized. Ensure "
                    "that you have run the initializer operation for this iterator before "
                    "getting the next element."))
            try:
                return list(next(self.it))
            except StopIteration:
                if at_end is not False:
                    return at_end
                raise run_error(errors.OutOfRangeError, op, "End of sequence") from None
            except errors.DeadlineExceededError:
                self._close()  # TF cancels the iterator: its end from now on
                self.it = iter(())
                raise
            except errors.OpError as e:
                if getattr(e, "udf", None) is not None:  # raised in a dataset's function
                    from scopeflow.data.udf_errors import at_iterator
                    raise at_iterator(e, self.root, op) from None
                raise _at(e, op) from None


def _caches_to_file(dataset):
    """Whether `dataset` ends in (or draws through a chain of `source`s from) a
    `cache(filename)`: its files must follow what the consumer took, as in TF (an unfinished
    pass leaves no bundle), so no producer thread may read such a pipeline ahead to its end."""
    from scopeflow.data.file_cache import FileCache
    while dataset is not None:
        if isinstance(dataset, FileCache):
            return True
        dataset = getattr(dataset, "source", None)
    return False


def _final_batch(dataset):
    """The Batch whose elements the iterator gives unchanged (under repeat, take, prefetch),
    if any: it tells the shapes of its last, partial batch ahead (`IteratorResource.ahead`),
    and the Session compiles the step that batch feeds while the others run."""
    while isinstance(dataset, (host.Repeat, host.Take, producers.Prefetch)):
        dataset = dataset.source
    return dataset if type(dataset) is host.Batch else None


def _at(e, op):
    """A host dataset's error reported at `op` (TF names the iterator's node)."""
    if e.op is not None:
        return e
    if getattr(e, "udf", None) is not None:
        from scopeflow.data.udf_errors import at_op
        return at_op(e, op)
    return run_error(type(e), op, e.message)


def _resource(ctx, op):
    shared = op._attrs.get("shared_name") or ""
    key = ("iterator", op._attrs.get("container") or "", shared) if shared else ("iterator", op)
    res = ctx.resources.get(key)
    if res is None:
        res = ctx.resources.setdefault(key, IteratorResource(op))
    return res


@host_kernel("IteratorV2")
def _iterator(ctx, op):
    return [_resource(ctx, op)]


@host_kernel("OneShotIterator")
def _one_shot(ctx, op):
    res = _resource(ctx, op)
    if res.it is None:
        from scopeflow.data.executor import Program
        variant = op._attrs["dataset_factory"]
        res.reset(Program(ctx.session, [variant], [])([])[0])
    return [res]


@host_kernel("MakeIterator")
def _make_iterator(ctx, op, dataset, res):
    res.reset(dataset)
    return []


@host_kernel("IteratorGetNext")
def _get_next(ctx, op, res):
    return res.get_next(op)


@host_kernel("IteratorToStringHandle")
def _to_handle(ctx, op, res):
    handle = ("scopeflow-iterator:%d" % id(res)).encode()
    ctx.resources[("handle", handle)] = res
    return [np.asarray(handle, dtype=object)]


@host_kernel("IteratorFromStringHandleV2")
def _from_handle(ctx, op, handle):
    key = ("handle", np.asarray(handle, dtype=object)[()])
    res = ctx.resources.get(key)
    if res is None:
        raise run_error(errors.InvalidArgumentError, op, "Invalid iterator string handle.")
    return [res]
