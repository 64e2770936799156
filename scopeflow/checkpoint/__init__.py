"""TF checkpoints without TF: the V2 tensor bundle, the Saver, MetaGraphDef import/export."""
