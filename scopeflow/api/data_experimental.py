"""`tf.data.experimental`: the parts TF1 programs use."""

from scopeflow.data.experimental import (
    AUTOTUNE,
    Options,
    copy_to_device,
    get_single_element,
    ignore_errors,
    map_and_batch,
    parallel_interleave,
    prefetch_to_device,
    shuffle_and_repeat,
    unbatch,
)
from scopeflow.data.cardinality import (
    INFINITE_CARDINALITY,
    UNKNOWN_CARDINALITY,
    assert_cardinality,
    cardinality,
)
from scopeflow.data.csv_dataset import CsvDataset
from scopeflow.data.file_pipelines import (
    make_batched_features_dataset,
    make_csv_dataset,
    parse_example_dataset,
)
from scopeflow.data.optional import Optional, OptionalSpec, get_next_as_optional
from scopeflow.data.group_reducer import Reducer, group_by_reducer
from scopeflow.data.resampling import rejection_resample
from scopeflow.data.sparse_data import dense_to_sparse_batch
from scopeflow.data.ragged_data import dense_to_ragged_batch
from scopeflow.data.grouping import bucket_by_sequence_length, group_by_window
from scopeflow.data.sampling import RandomDataset, sample_from_datasets
from scopeflow.data.writers import TFRecordWriter
from scopeflow.data.transforms import (
    Counter,
    choose_from_datasets,
    enumerate_dataset,
    scan,
    take_while,
    unique,
)
from scopeflow.data.iterators import (
    get_structure,
    make_initializable_iterator,
    make_one_shot_iterator,
)

__all__ = ["assert_cardinality", "AUTOTUNE", "bucket_by_sequence_length", "cardinality",
           "choose_from_datasets", "copy_to_device", "Counter", "CsvDataset",
           "dense_to_ragged_batch", "dense_to_sparse_batch", "enumerate_dataset",
           "get_next_as_optional",
           "get_single_element", "get_structure", "group_by_reducer", "group_by_window",
           "ignore_errors", "INFINITE_CARDINALITY", "make_batched_features_dataset",
           "make_csv_dataset", "make_initializable_iterator", "make_one_shot_iterator",
           "map_and_batch", "Optional", "OptionalStructure", "Options", "parallel_interleave",
           "parse_example_dataset", "prefetch_to_device", "RandomDataset", "Reducer",
           "rejection_resample", "sample_from_datasets", "scan", "shuffle_and_repeat", "take_while",
           "TFRecordWriter", "unbatch", "unique", "UNKNOWN_CARDINALITY"]

OptionalStructure = OptionalSpec
