"""`tf.summary`: summary ops, event file writers and the Summary / Event protos."""

from tensorboard.compat.proto.event_pb2 import Event, SessionLog, TaggedRunMetadata
from tensorboard.compat.proto.summary_pb2 import Summary, SummaryDescription

from scopeflow.ops.summary_ops import (
    audio,
    get_summary_description,
    histogram,
    image,
    merge,
    merge_all,
    scalar,
    tensor_summary,
    text,
)
from scopeflow.summary.writer import FileWriter, FileWriterCache

__all__ = ["Event", "FileWriter", "FileWriterCache", "SessionLog", "Summary",
           "SummaryDescription", "TaggedRunMetadata", "audio", "get_summary_description",
           "histogram", "image", "merge", "merge_all", "scalar", "tensor_summary", "text"]
