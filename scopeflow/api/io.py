"""`tf.io`: TFRecord files (the rest of TF's tf.io is not provided)."""

from scopeflow.summary.records import (
    TFRecordCompressionType,
    TFRecordOptions,
    TFRecordWriter,
    tf_record_iterator,
)

__all__ = ["TFRecordCompressionType", "TFRecordOptions", "TFRecordWriter", "tf_record_iterator"]
