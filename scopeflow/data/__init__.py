"""tf.data in TF1 graph mode: datasets are graph ops; pipelines run on the host.

>>> import scopeflow as tf
>>> tf.data.get_output_types(tf.data.Dataset.from_tensor_slices([1.0]))
tf.float32
"""

from scopeflow.data import (  # noqa: F401  (host kernels)
    cardinality,
    csv_dataset,
    group_reducer,
    grouping,
    kernels,
    sampling,
    sparse_data,
    transforms,
    windows,
    writers,
)
from scopeflow.data.dataset import AUTOTUNE, Dataset, DatasetV1, DatasetV2
from scopeflow.data.iterators import (
    Iterator,
    get_output_classes,
    get_output_shapes,
    get_output_types,
    get_structure,
    make_initializable_iterator,
    make_one_shot_iterator,
)
from scopeflow.data.sources import FixedLengthRecordDataset, TextLineDataset, TFRecordDataset
from scopeflow.data.structure import TensorSpec

__all__ = ["AUTOTUNE", "Dataset", "DatasetV1", "DatasetV2", "FixedLengthRecordDataset",
           "Iterator", "TFRecordDataset", "TensorSpec", "TextLineDataset", "get_output_classes",
           "get_output_shapes", "get_output_types", "get_structure",
           "make_initializable_iterator", "make_one_shot_iterator"]
