"""`tf.train` names for checkpoints: Saver, checkpoint state, readers, meta graphs."""

from tensorboard.compat.proto.saver_pb2 import SaverDef

from scopeflow.checkpoint.init_from import init_from_checkpoint
from scopeflow.checkpoint.meta_graph import export_meta_graph, write_graph
from scopeflow.checkpoint.meta_import import import_meta_graph
from scopeflow.checkpoint.object_checkpoint import Checkpoint, CheckpointManager
from scopeflow.checkpoint.reader import (
                                         NewCheckpointReader,
                                         list_variables,
                                         load_checkpoint,
                                         load_variable,
)
from scopeflow.checkpoint.saver import Saver
from scopeflow.checkpoint.state import (
                                         checkpoint_exists,
                                         generate_checkpoint_state_proto,
                                         get_checkpoint_mtimes,
                                         get_checkpoint_state,
                                         latest_checkpoint,
                                         remove_checkpoint,
                                         update_checkpoint_state,
)
from scopeflow.checkpoint.waiting import checkpoints_iterator

__all__ = ["Checkpoint", "CheckpointManager", "NewCheckpointReader", "Saver", "SaverDef",
           "checkpoint_exists",
           "checkpoints_iterator", "export_meta_graph", "generate_checkpoint_state_proto",
           "get_checkpoint_mtimes", "get_checkpoint_state", "import_meta_graph",
           "init_from_checkpoint", "latest_checkpoint", "list_variables", "load_checkpoint",
           "load_variable", "remove_checkpoint", "update_checkpoint_state", "write_graph"]
