"""The graph ops of tf.data: dataset ops (one variant scalar each) and iterator ops.

They are host ops (scopeflow/data/kernels.py holds their host kernels): a Session runs them in
Python between compiled stages; their JAX kernels are never called.

>>> from scopeflow.ops.registry import REGISTRY
>>> REGISTRY["TensorSliceDataset"].args
('components',)
"""

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.ops import registry
from scopeflow.ops.registry import ANY, OpDef

_SCALAR = TensorShape([])


def _variant(*inputs, **attrs):
    return _SCALAR, _dt.variant


def _resource(*inputs, **attrs):
    return _SCALAR, _dt.resource


def _no_outputs(*inputs, **attrs):
    return []


def _components(*inputs, output_types, output_shapes, **attrs):
    return [(s, t) for s, t in zip(output_shapes, output_types)]


def _string_scalar(*inputs, **attrs):
    return _SCALAR, _dt.string


def _host_only(op_type):
    def kernel(*args, **kwargs):
        raise NotImplementedError("%s runs on the host (scopeflow/data/kernels.py), not in XLA"
                                  % op_type)

    kernel.__name__ = op_type
    return kernel


def _register(op_type, args, lists=(), infer=_variant, stateful=False, multi=False):
    """Registers `op_type` with inputs `args` (any dtype each) and returns its builder."""
    existing = registry.REGISTRY.get(op_type)
    if existing is not None:  # another package defined it first (MatchingFiles)
        return registry._builder(existing)
    args = tuple(args)
    rec = OpDef(op_type, _host_only(op_type), infer, args, (ANY,) * len(args), frozenset(lists),
                op_type, stateful=stateful, multi=multi, flags=(0,) * len(args))
    registry.REGISTRY[op_type] = rec
    return registry._builder(rec)


_D = "input_dataset"
_ARGS = "other_arguments"

tensor_dataset = _register("TensorDataset", ["components"], lists=["components"])
tensor_slice_dataset = _register("TensorSliceDataset", ["components"], lists=["components"])
range_dataset = _register("RangeDataset", ["start", "stop", "step"])
zip_dataset = _register("ZipDataset", ["input_datasets"], lists=["input_datasets"])
concatenate_dataset = _register("ConcatenateDataset", [_D, "another_dataset"])
map_dataset = _register("MapDataset", [_D, _ARGS], lists=[_ARGS])
parallel_map_dataset = _register("ParallelMapDatasetV2", [_D, _ARGS, "num_parallel_calls"],
                                 lists=[_ARGS])
filter_dataset = _register("FilterDataset", [_D, _ARGS], lists=[_ARGS])
flat_map_dataset = _register("FlatMapDataset", [_D, _ARGS], lists=[_ARGS])
interleave_dataset = _register("InterleaveDataset",
                               [_D, _ARGS, "cycle_length", "block_length"], lists=[_ARGS])
parallel_interleave_dataset = _register(
    "ParallelInterleaveDatasetV4", [_D, _ARGS, "cycle_length", "block_length",
                                    "buffer_output_elements", "prefetch_input_elements",
                                    "num_parallel_calls"], lists=[_ARGS])
batch_dataset = _register("BatchDatasetV2", [_D, "batch_size", "drop_remainder"])
padded_batch_dataset = _register(
    "PaddedBatchDatasetV2", [_D, "batch_size", "padded_shapes", "padding_values",
                             "drop_remainder"], lists=["padded_shapes", "padding_values"])
map_and_batch_dataset = _register(
    "MapAndBatchDataset", [_D, _ARGS, "batch_size", "num_parallel_calls", "drop_remainder"],
    lists=[_ARGS])
shuffle_dataset = _register("ShuffleDataset", [_D, "buffer_size", "seed", "seed2"])
shuffle_and_repeat_dataset = _register("ShuffleAndRepeatDataset",
                                       [_D, "buffer_size", "seed", "seed2", "count"])
repeat_dataset = _register("RepeatDataset", [_D, "count"])
take_dataset = _register("TakeDataset", [_D, "count"])
skip_dataset = _register("SkipDataset", [_D, "count"])
shard_dataset = _register("ShardDataset", [_D, "num_shards", "index"])
ignore_errors_dataset = _register("IgnoreErrorsDataset", [_D])
prefetch_dataset = _register("PrefetchDataset", [_D, "buffer_size"])
cache_dataset = _register("CacheDataset", [_D, "filename"])
unbatch_dataset = _register("UnbatchDataset", [_D])
reduce_dataset = _register("ReduceDataset", [_D, "initial_state", _ARGS],
                           lists=["initial_state", _ARGS], infer=_components, multi=True)
_KEY, _RED, _WIN = ("key_func_other_arguments", "reduce_func_other_arguments",
                    "window_size_func_other_arguments")
group_by_window_dataset = _register("GroupByWindowDataset", [_D, _KEY, _RED, _WIN],
                                    lists=[_KEY, _RED, _WIN])
text_line_dataset = _register("TextLineDataset", ["filenames", "compression_type",
                                                  "buffer_size"])
tf_record_dataset = _register("TFRecordDataset", ["filenames", "compression_type",
                                                  "buffer_size"])
fixed_length_record_dataset = _register(
    "FixedLengthRecordDatasetV2", ["filenames", "header_bytes", "record_bytes", "footer_bytes",
                                   "buffer_size", "compression_type"])
generator_dataset = _register("GeneratorDataset", [_ARGS], lists=[_ARGS])


def _matching_files_shape(pattern, **attrs):
    return TensorShape([None]), _dt.string


matching_files = _register("MatchingFiles", ["pattern"], infer=_matching_files_shape)

def _sparse_parts(serialized, *, dtype, **attrs):
    return [(TensorShape([None, None]), _dt.int64), (TensorShape([None]), dtype),
            (TensorShape([None]), _dt.int64)]


serialize_sparse = _register("SerializeSparse", ["sparse_indices", "sparse_values",
                                                 "sparse_shape"])
serialize_many_sparse = _register("SerializeManySparse", ["sparse_indices", "sparse_values",
                                                          "sparse_shape"])
deserialize_sparse = _register("DeserializeSparse", ["serialized_sparse"], infer=_sparse_parts,
                               multi=True)



def _ragged_parts(encoded, *, Tvalues, Tsplits, output_ragged_rank, **attrs):
    return [(TensorShape([None]), Tsplits)] * output_ragged_rank + [(TensorShape(None), Tvalues)]


ragged_tensor_to_variant = _register("RaggedTensorToVariant",
                                     ["rt_nested_splits", "rt_dense_values"],
                                     lists=["rt_nested_splits"], infer=_variant)
ragged_tensor_from_variant = _register("RaggedTensorFromVariant", ["encoded_ragged"],
                                       infer=_ragged_parts, multi=True)

# iterators: resources of the Session (kernels.py keeps their state in ctx.resources)
iterator_v2 = _register("IteratorV2", [], infer=_resource, stateful=True)
one_shot_iterator = _register("OneShotIterator", [], infer=_resource, stateful=True)
make_iterator = _register("MakeIterator", ["dataset", "iterator"], infer=_no_outputs,
                          stateful=True)
iterator_get_next = _register("IteratorGetNext", ["iterator"], infer=_components,
                              stateful=True, multi=True)
iterator_to_string_handle = _register("IteratorToStringHandle", ["resource_handle"],
                                      infer=_string_scalar)
iterator_from_string_handle = _register("IteratorFromStringHandleV2", ["string_handle"],
                                        infer=_resource, stateful=True)
