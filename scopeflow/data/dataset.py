"""`tf.data.Dataset` in TF1 graph mode: each transformation adds TF's dataset op (a variant
scalar) to the graph; the pipeline itself runs on the host when an iterator is initialized.

>>> import scopeflow as tf
>>> ds = tf.data.Dataset.range(5).map(lambda x: x * 2).batch(2)
>>> ds._variant_tensor.op.type, tf.data.get_output_shapes(ds).as_list()
('BatchDatasetV2', [None])
"""

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.core.shape import TensorShape
from scopeflow.data import graph_ops as g
from scopeflow.data import structure as st
from scopeflow.data.functions import trace
from scopeflow.ops.constant import constant, constant_value, convert_to_tensor

AUTOTUNE = -1


def _int64(x, name):
    return convert_to_tensor(x, dtype=_dt.int64, name=name)


def _attrs(structure, **extra):
    flat = st.flatten(structure)
    out = {"output_types": [s.flat_dtype for s in flat],
           "output_shapes": [s.flat_shape for s in flat],
           "metadata": ""}
    out.update(extra)
    return out


def _fn_attrs(fn):
    return {"Targuments": [t.dtype.base_dtype for t in fn.captured]}


class DatasetV2:
    """A dataset: its variant tensor and element structure (TensorSpecs)."""

    _kind = "Dataset"

    def __init__(self, variant, structure, kind=None):
        self._variant_tensor = variant
        self._structure = structure
        if kind is not None:
            self._kind = kind

    def _then(self, kind, build, structure, *inputs, **attrs):
        """A dataset of `kind` made by `build(self, *inputs)` with `structure`."""
        variant = build(self._variant_tensor, *inputs, **_attrs(structure, **attrs))
        return type(self)(variant, structure, "_%sDataset" % kind)

    # ---- structure -------------------------------------------------------------------------
    element_spec = property(lambda self: self._structure)
    _element_structure = element_spec

    def __repr__(self):
        return "<%s element_spec=%s>" % (self._kind, st.spec_text(self._structure))

    def __iter__(self):
        raise RuntimeError("`tf.data.Dataset` only supports Python-style iteration in eager "
                           "mode or within tf.function.")

    # ---- transformations -------------------------------------------------------------------
    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        fn = trace(map_func, self._structure)
        # (TF1's map keeps no cardinality: its count is unknown, TF2's keeps its input's)
        attrs = dict(f=fn, use_inter_op_parallelism=True,
                     preserve_cardinality=not isinstance(self, DatasetV1), **_fn_attrs(fn))
        if num_parallel_calls is None:
            variant = g.map_dataset(self._variant_tensor, fn.captured,
                                    **_attrs(fn.out_structure, **attrs))
            return type(self)(variant, fn.out_structure, "_MapDataset")
        n = _int64(num_parallel_calls, "num_parallel_calls")
        attrs["deterministic"] = "default"
        variant = g.parallel_map_dataset(self._variant_tensor, fn.captured, n,
                                         **_attrs(fn.out_structure, **attrs))
        return type(self)(variant, fn.out_structure, "_ParallelMapDataset")

    def filter(self, predicate, name=None):
        fn = trace(predicate, self._structure)
        out = st.flatten(fn.out_structure)
        if len(out) != 1 or out[0].dtype != _dt.bool or out[0].shape.ndims not in (0, None):
            raise ValueError("Invalid `predicate`. `predicate` must return a `tf.bool` scalar "
                             "tensor, but its return type is %s." % st.spec_text(
                                 fn.out_structure))
        variant = g.filter_dataset(self._variant_tensor, fn.captured,
                                   **_attrs(self._structure, predicate=fn, **_fn_attrs(fn)))
        return type(self)(variant, self._structure, "_FilterDataset")

    def flat_map(self, map_func, name=None):
        fn = trace(map_func, self._structure, datasets=True)
        structure = fn.out_structure._structure
        variant = g.flat_map_dataset(self._variant_tensor, fn.captured,
                                     **_attrs(structure, f=fn, **_fn_attrs(fn)))
        return type(self)(variant, structure, "_FlatMapDataset")

    def interleave(self, map_func, cycle_length=None, block_length=None,
                   num_parallel_calls=None, deterministic=None, name=None):
        fn = trace(map_func, self._structure, datasets=True)
        structure = fn.out_structure._structure
        cycle = _int64(AUTOTUNE if cycle_length is None else cycle_length, "cycle_length")
        block = _int64(1 if block_length is None else block_length, "block_length")
        attrs = _attrs(structure, f=fn, **_fn_attrs(fn))
        if num_parallel_calls is None:
            variant = g.interleave_dataset(self._variant_tensor, fn.captured, cycle, block,
                                           **attrs)
            return type(self)(variant, structure, "_InterleaveDataset")
        extra = [_int64(-1, "buffer_output_elements"), _int64(-1, "prefetch_input_elements"),
                 _int64(num_parallel_calls, "num_parallel_calls")]
        variant = g.parallel_interleave_dataset(self._variant_tensor, fn.captured, cycle, block,
                                                *extra, deterministic="default", **attrs)
        return type(self)(variant, structure, "_ParallelInterleaveDataset")

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None,
              deterministic=None, name=None):
        n = _int64(batch_size, "batch_size")
        drop = convert_to_tensor(drop_remainder, dtype=_dt.bool, name="drop_remainder")
        structure = st.batched(self._structure, _static_batch(n, drop))
        return self._then("Batch", g.batch_dataset, structure, n, drop, parallel_copy=False)

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None,
                     drop_remainder=False, name=None):
        from scopeflow.data.padding import padded_inputs
        for spec in st.flatten(self._structure):
            if not isinstance(spec, st.TensorSpec):
                raise TypeError("`padded_batch` is only supported for datasets that produce "
                                "tensor elements but type spec of elements in the input "
                                "dataset is not a subclass of TensorSpec: `%s`." % (spec,))
        n = _int64(batch_size, "batch_size")
        shapes, values, out_shapes = padded_inputs(self._structure, padded_shapes,
                                                   padding_values)
        drop = convert_to_tensor(drop_remainder, dtype=_dt.bool, name="drop_remainder")
        dim = _static_batch(n, drop)
        structure = st.pack(self._structure, [
            st.TensorSpec(TensorShape([dim]).concatenate(s), spec.dtype)
            for s, spec in zip(out_shapes, st.flatten(self._structure))])
        flat = st.flatten(structure)
        variant = g.padded_batch_dataset(
            self._variant_tensor, n, shapes, values, drop, Toutput_types=[s.dtype for s in flat],
            output_shapes=[s.shape for s in flat], N=len(flat), parallel_copy=False,
            metadata="")
        return type(self)(variant, structure, "_PaddedBatchDataset")

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None, name=None):
        size = _int64(buffer_size, "buffer_size")
        seed, seed2 = dataset_seeds(seed)
        reshuffle = True if reshuffle_each_iteration is None else bool(reshuffle_each_iteration)
        return self._then("Shuffle", g.shuffle_dataset, self._structure, size, seed, seed2,
                          reshuffle_each_iteration=reshuffle)

    def repeat(self, count=None, name=None):
        return self._then("Repeat", g.repeat_dataset, self._structure,
                          _int64(-1 if count is None else count, "count"))

    def take(self, count, name=None):
        return self._then("Take", g.take_dataset, self._structure, _int64(count, "count"))

    def skip(self, count, name=None):
        return self._then("Skip", g.skip_dataset, self._structure, _int64(count, "count"))

    def shard(self, num_shards, index, name=None):
        return self._then("Shard", g.shard_dataset, self._structure,
                          _int64(num_shards, "num_shards"), _int64(index, "index"),
                          require_non_empty=False)

    def enumerate(self, start=0, name=None):
        from scopeflow.data.sources import range_, zip_
        return zip_((range_(start, 2**63 - 1), self))

    def prefetch(self, buffer_size, name=None):
        return self._then("Prefetch", g.prefetch_dataset, self._structure,
                          _int64(buffer_size, "buffer_size"), slack_period=0,
                          legacy_autotune=True, buffer_size_min=0)

    def cache(self, filename="", name=None):
        return self._then("Cache", g.cache_dataset, self._structure,
                          convert_to_tensor(filename, dtype=_dt.string, name="filename"))

    def unbatch(self, name=None):
        ds = self.map(lambda *x: x[0] if len(x) == 1 else x)
        return ds._then("Unbatch", g.unbatch_dataset, st.unbatched(self._structure))

    def concatenate(self, dataset, name=None):
        a, b = self._structure, dataset._structure
        fa, fb = st.flatten(a), st.flatten(b)
        if not st.same_structure(a, b) or any(x.dtype != y.dtype for x, y in zip(fa, fb)):
            raise TypeError("Incompatible dataset elements:\n  %s vs.   %s"
                            % (st.spec_text(a), st.spec_text(b)))
        structure = st.pack(a, [x.most_specific_compatible_type(y) for x, y in zip(fa, fb)])
        return self._then("Concatenate", g.concatenate_dataset, structure,
                          dataset._variant_tensor)

    def reduce(self, initial_state, reduce_func, name=None):
        with default_graph().name_scope("initial_state"):
            state_structure, state = st.normalize(initial_state)
        for _ in range(8):  # TF relaxes the state's shapes until they stop changing
            fn = trace(reduce_func, (state_structure, self._structure))
            new = fn.out_structure
            if not st.same_structure(new, state_structure) or any(
                    x.dtype != y.dtype for x, y in zip(st.flatten(new),
                                                       st.flatten(state_structure))):
                raise TypeError("The element types for the new state must match the initial "
                                "state. Expected %s; got %s." % (
                                    st.spec_text(st.types_of(state_structure)),
                                    st.spec_text(st.types_of(new))))
            relaxed = st.pack(state_structure, [x.most_specific_compatible_type(y) for x, y in zip(
                st.flatten(state_structure), st.flatten(new))])
            if relaxed == state_structure:
                break
            state_structure = relaxed
        flat = st.flatten(state_structure)
        outs = g.reduce_dataset(self._variant_tensor, state, fn.captured, f=fn,
                                Tstate=[s.dtype for s in flat], **_fn_attrs(fn),
                                output_types=[s.dtype for s in flat],
                                output_shapes=[s.shape for s in flat],
                                use_inter_op_parallelism=True, metadata="")
        return st.pack(state_structure, outs)

    # ---- grouping and stateful transformations (grouping.py, transforms.py) ---------------
    def group_by_window(self, key_func, reduce_func, window_size=None, window_size_func=None,
                        name=None):
        from scopeflow.data.grouping import group_by_window
        return self.apply(group_by_window(key_func, reduce_func, window_size, window_size_func))

    def bucket_by_sequence_length(self, element_length_func, bucket_boundaries,
                                  bucket_batch_sizes, padded_shapes=None, padding_values=None,
                                  pad_to_bucket_boundary=False, no_padding=False,
                                  drop_remainder=False, name=None):
        from scopeflow.data.grouping import bucket_by_sequence_length
        return self.apply(bucket_by_sequence_length(
            element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes,
            padding_values, pad_to_bucket_boundary, no_padding, drop_remainder))

    def scan(self, initial_state, scan_func, name=None):
        from scopeflow.data.transforms import scan
        return self.apply(scan(initial_state, scan_func))

    def take_while(self, predicate, name=None):
        from scopeflow.data.transforms import take_while
        return self.apply(take_while(predicate))

    def unique(self, name=None):
        from scopeflow.data.transforms import unique
        return self.apply(unique())

    @staticmethod
    def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
        from scopeflow.data.transforms import choose_from_datasets
        return choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset)

    @staticmethod
    def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False,
                             rerandomize_each_iteration=None):
        from scopeflow.data.sampling import sample_from_datasets
        return sample_from_datasets(datasets, weights, seed, stop_on_empty_dataset)

    @staticmethod
    def random(seed=None, rerandomize_each_iteration=None, name=None):
        from scopeflow.data.sampling import random
        return random(seed)

    @staticmethod
    def counter(start=0, step=1, dtype=_dt.int64, name=None):
        from scopeflow.data.transforms import Counter
        return Counter(start, step, dtype)

    def sparse_batch(self, batch_size, row_shape, name=None):
        """TF2's name of dense_to_sparse_batch; a TF2 dataset even from a TF1 one, as TF's."""
        from scopeflow.data.sparse_data import dense_to_sparse_batch
        out = dense_to_sparse_batch(batch_size, row_shape)(self)
        return DatasetV2(out._variant_tensor, out._structure, out._kind)

    def ragged_batch(self, batch_size, drop_remainder=False, row_splits_dtype=_dt.int64,
                     name=None):
        """TF2's name of dense_to_ragged_batch; a TF2 dataset even from a TF1 one, as TF's."""
        from scopeflow.data.ragged_data import dense_to_ragged_batch
        out = dense_to_ragged_batch(batch_size, drop_remainder, row_splits_dtype)(self)
        return DatasetV2(out._variant_tensor, out._structure, out._kind)

    def rejection_resample(self, class_func, target_dist, initial_dist=None, seed=None,
                           name=None):
        from scopeflow.data.resampling import rejection_resample
        return self.apply(rejection_resample(class_func, target_dist, initial_dist, seed))

    def window(self, size, shift=None, stride=1, drop_remainder=False, name=None):
        from scopeflow.data.windows import window
        return window(self, size, shift, stride, drop_remainder)

    def ignore_errors(self, log_warning=False, name=None):
        from scopeflow.data.experimental import ignore_errors
        return self.apply(ignore_errors(log_warning))

    def get_single_element(self, name=None):
        from scopeflow.data.experimental import get_single_element
        return get_single_element(self)

    def map_with_legacy_function(self, map_func, num_parallel_calls=None,
                                 deterministic=None):
        return self.map(map_func, num_parallel_calls, deterministic)

    def filter_with_legacy_function(self, predicate):
        return self.filter(predicate)

    def cardinality(self):
        from scopeflow.data.cardinality import cardinality
        return cardinality(self)

    def apply(self, transformation_func):
        out = transformation_func(self)
        if not isinstance(out, DatasetV2):
            raise TypeError("`transformation_func` must return a `tf.data.Dataset` object. "
                            "Got %s." % type(out))
        return out

    def with_options(self, options, name=None):
        return self

    def options(self):
        from scopeflow.data.experimental import Options
        return Options()

    # ---- sources (scopeflow/data/sources.py) ----------------------------------------------
    @staticmethod
    def from_tensors(tensors, name=None):
        from scopeflow.data import sources
        return sources.from_tensors(tensors)

    @staticmethod
    def from_tensor_slices(tensors, name=None):
        from scopeflow.data import sources
        return sources.from_tensor_slices(tensors)

    @staticmethod
    def range(*args, **kwargs):
        from scopeflow.data import sources
        return sources.range_(*args, **kwargs)

    @staticmethod
    def zip(*datasets, name=None):
        from scopeflow.data import sources
        return sources.zip_(datasets[0] if len(datasets) == 1 else datasets)

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None,
                       output_signature=None, name=None):
        from scopeflow.data import sources
        return sources.from_generator(generator, output_types, output_shapes, args,
                                      output_signature)

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None, name=None):
        from scopeflow.data import sources
        return sources.list_files(file_pattern, shuffle, seed)


class DatasetV1(DatasetV2):
    """TF1's `tf.data.Dataset`: adds iterators and the `output_*` properties."""

    output_types = property(lambda self: st.types_of(self._structure))
    output_shapes = property(lambda self: st.shapes_of(self._structure))
    output_classes = property(lambda self: st.classes_of(self._structure))

    @staticmethod
    def from_sparse_tensor_slices(sparse_tensor):
        from scopeflow.data.sparse_data import from_sparse_tensor_slices
        return from_sparse_tensor_slices(sparse_tensor)

    def make_one_shot_iterator(self):
        from scopeflow.data.iterators import make_one_shot_iterator
        return make_one_shot_iterator(self)

    def make_initializable_iterator(self, shared_name=None):
        from scopeflow.data.iterators import make_initializable_iterator
        return make_initializable_iterator(self, shared_name)


Dataset = DatasetV1


def map_dataset(ds, fn, use_inter_op_parallelism=True, preserve_cardinality=True):
    """TF's internal `_MapDataset(ds, fn, ...)` (what its own pipelines build), the flags
    given rather than those of the v1 `Dataset.map`."""
    traced = trace(fn, ds._structure)
    variant = g.map_dataset(ds._variant_tensor, traced.captured, **_attrs(
        traced.out_structure, f=traced, use_inter_op_parallelism=use_inter_op_parallelism,
        preserve_cardinality=preserve_cardinality, **_fn_attrs(traced)))
    return type(ds)(variant, traced.out_structure, "_MapDataset")


def _static_batch(n, drop):
    d, b = constant_value(drop), constant_value(n)
    if d is not None and bool(d) and b is not None:
        return int(b)
    return None


def dataset_seeds(seed):
    """TF's (seed, seed2) tensors for a dataset op (tensorflow/python/data/util/random_seed)."""
    from scopeflow.ops import math as m
    from scopeflow.ops.gather import where_v2
    from scopeflow.ops.random import get_seed
    seed, seed2 = get_seed(seed)
    seed = constant(0, _dt.int64, name="seed") if seed is None else _int64(seed, "seed")
    if seed2 is None:
        return seed, constant(0, _dt.int64, name="seed2")
    graph = default_graph()
    with graph.name_scope("seed2") as scope:
        seed2 = _int64(seed2, None)
        seed2 = where_v2(m.logical_and(m.equal(seed, 0), m.equal(seed2, 0)),
                         constant(2**31 - 1, dtype=_dt.int64), seed2, name=scope)
    return seed, seed2
