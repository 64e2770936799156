"""TF checkpoints without TF: the V2 tensor bundle, the Saver, MetaGraphDef import/export."""

from scopeflow.checkpoint.reader import (NewCheckpointReader, list_variables, load_checkpoint,
                                         load_variable)

__all__ = ["NewCheckpointReader", "list_variables", "load_checkpoint", "load_variable"]
