"""`tf.data` (TF1 graph mode): datasets, iterators and their structure metadata."""

from scopeflow.api import data_experimental as experimental
from scopeflow.data import (
    AUTOTUNE,
    Dataset,
    FixedLengthRecordDataset,
    Iterator,
    TextLineDataset,
    TFRecordDataset,
    get_output_classes,
    get_output_shapes,
    get_output_types,
    make_initializable_iterator,
    make_one_shot_iterator,
)
from scopeflow.data.experimental import Options

__all__ = ["AUTOTUNE", "Dataset", "FixedLengthRecordDataset", "Iterator", "Options",
           "TFRecordDataset", "TextLineDataset", "experimental", "get_output_classes",
           "get_output_shapes", "get_output_types", "make_initializable_iterator",
           "make_one_shot_iterator"]
