"""Top-level protocol buffer classes of TF1 (`tf.Summary`, `tf.Event`, `tf.GraphDef`, ...),
tensorboard's copies of TF's protos."""

from tensorboard.compat.proto.attr_value_pb2 import AttrValue
from tensorboard.compat.proto.event_pb2 import Event, LogMessage, SessionLog
from tensorboard.compat.proto.graph_pb2 import GraphDef
from tensorboard.compat.proto.meta_graph_pb2 import TensorInfo
from tensorboard.compat.proto.node_def_pb2 import NodeDef
from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata

__all__ = ["AttrValue", "Event", "GraphDef", "HistogramProto", "LogMessage", "NodeDef",
           "SessionLog", "Summary", "SummaryMetadata", "TensorInfo"]
