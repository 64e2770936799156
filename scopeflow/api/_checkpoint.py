"""Top-level names for graph import and meta graphs (`tf.import_graph_def`, ...) and `tf.train`."""

from tensorboard.compat.proto.meta_graph_pb2 import MetaGraphDef

from scopeflow.api import train
from scopeflow.checkpoint.importer import import_graph_def

__all__ = ["MetaGraphDef", "import_graph_def", "train"]
