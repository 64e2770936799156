"""`tf.data.experimental`: the pieces TF1 programs use (AUTOTUNE, shuffle_and_repeat,
map_and_batch, parallel_interleave, unbatch, get_single_element, Options).

>>> import scopeflow as tf
>>> ds = tf.data.Dataset.range(4).apply(map_and_batch(lambda x: x * 2, 2))
>>> ds._variant_tensor.op.type
'MapAndBatchDataset'
"""

from scopeflow import dtypes as _dt
from scopeflow.data import graph_ops as g
from scopeflow.data import structure as st
from scopeflow.data.dataset import AUTOTUNE, _attrs, _fn_attrs, _int64, _static_batch, dataset_seeds
from scopeflow.data.functions import trace
from scopeflow.ops.constant import convert_to_tensor

__all__ = ["AUTOTUNE", "Options", "copy_to_device", "get_single_element", "ignore_errors",
           "map_and_batch", "parallel_interleave", "prefetch_to_device", "shuffle_and_repeat",
           "unbatch"]


def shuffle_and_repeat(buffer_size, count=None, seed=None):
    """A transformation (for `Dataset.apply`): shuffle, then repeat, reshuffling each pass."""

    def apply(ds):
        size = _int64(buffer_size, "buffer_size")
        n = _int64(-1 if count is None else count, "count")
        s1, s2 = dataset_seeds(seed)
        variant = g.shuffle_and_repeat_dataset(ds._variant_tensor, size, s1, s2, n,
                                               reshuffle_each_iteration=True,
                                               **_attrs(ds._structure))
        return type(ds)(variant, ds._structure, "_ShuffleAndRepeatDataset")

    return apply


def map_and_batch(map_func, batch_size, num_parallel_batches=None, drop_remainder=False,
                  num_parallel_calls=None):
    """A transformation: `map(map_func)` then `batch(batch_size)`, as one op."""

    def apply(ds):
        fn = trace(map_func, ds._structure)
        n = _int64(batch_size, "batch_size")
        calls = num_parallel_calls if num_parallel_calls is not None else (
            batch_size if num_parallel_batches is None else num_parallel_batches * batch_size)
        npc = _int64(calls, "num_parallel_calls")
        drop = convert_to_tensor(drop_remainder, dtype=_dt.bool, name="drop_remainder")
        structure = st.batched(fn.out_structure, _static_batch(n, drop))
        variant = g.map_and_batch_dataset(ds._variant_tensor, fn.captured, n, npc, drop,
                                          f=fn, preserve_cardinality=True,
                                          **_attrs(structure, **_fn_attrs(fn)))
        return type(ds)(variant, structure, "_MapAndBatchDataset")

    return apply


def parallel_interleave(map_func, cycle_length, block_length=1, sloppy=False,
                        buffer_output_elements=None, prefetch_input_elements=None):
    """A transformation: `interleave` with parallel calls (the order is deterministic here)."""

    def apply(ds):
        return ds.interleave(map_func, cycle_length, block_length,
                             num_parallel_calls=cycle_length)

    return apply


def unbatch():
    return lambda ds: ds.unbatch()


def ignore_errors(log_warning=False):
    """A transformation: elements whose production raises a TF error are skipped."""

    def apply(ds):
        variant = g.ignore_errors_dataset(ds._variant_tensor, log_warning=log_warning,
                                          output_types=[s.flat_dtype for s in st.flatten(
                                              ds._structure)],
                                          output_shapes=[s.flat_shape for s in st.flatten(
                                              ds._structure)])
        return type(ds)(variant, ds._structure, "_IgnoreErrorsDataset")

    return apply


def copy_to_device(target_device, source_device="/cpu:0"):
    """A transformation: the elements on `target_device`. The pipeline runs on the host and
    feeds the step wherever it runs, so the elements stay as they are (TF builds a
    GeneratorDataset over a remote iterator here: the same elements)."""
    return lambda ds: ds


def prefetch_to_device(device, buffer_size=None):
    """A transformation: `copy_to_device(device)`, then `prefetch(buffer_size)`."""
    return lambda ds: ds.prefetch(AUTOTUNE if buffer_size is None else buffer_size)


def get_single_element(dataset):
    """The only element of `dataset` as tensors (a one-shot iterator's `get_next`)."""
    from scopeflow.data.iterators import make_one_shot_iterator
    return make_one_shot_iterator(dataset.take(1)).get_next()


class Options:
    """`tf.data.Options`: accepted and ignored (the host pipeline has no tuning knobs)."""

    def __init__(self):
        self.experimental_deterministic = None
        self.experimental_optimization = _Anything()
        self.experimental_threading = _Anything()
        self.experimental_distribute = _Anything()

    def merge(self, options):
        return self


class _Anything:
    def __getattr__(self, name):
        return None


_ = AUTOTUNE
