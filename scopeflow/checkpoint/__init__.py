"""TF checkpoints without TF: the V2 tensor bundle, the Saver, MetaGraphDef import/export."""

from scopeflow.checkpoint.reader import (  # noqa: F401
                                         NewCheckpointReader,
                                         list_variables,
                                         load_checkpoint,
                                         load_variable,
)
