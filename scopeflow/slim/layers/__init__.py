"""`tf_slim.layers`: the slim layers (layers.py), normalizations, optimize_loss, summaries,
regularizers and initializers, with tf_slim's submodule paths."""
# ruff: noqa: F401 - re-exports

import sys

from scopeflow.slim import initializers, regularizers, utils
from scopeflow.slim.initializers import variance_scaling_initializer, xavier_initializer
from scopeflow.slim.layers import (
    bucketization_op,
    layers,
    normalization,
    optimizers,
    rev_block_lib,
    summaries,
)
from scopeflow.slim.layers.base import append_tensor_alias, collect_named_outputs
from scopeflow.slim.layers.layers import *
from scopeflow.slim.layers.normalization import group_norm, instance_norm
from scopeflow.slim.layers.optimizers import (
    OPTIMIZER_CLS_NAMES,
    OPTIMIZER_SUMMARIES,
    adaptive_clipping_fn,
    optimize_loss,
)
from scopeflow.slim.layers.rev_block_lib import RevBlock, recompute_grad, rev_block
from scopeflow.slim.layers.summaries import (
    summarize_activation,
    summarize_activations,
    summarize_biases,
    summarize_collection,
    summarize_tensor,
    summarize_tensors,
    summarize_variables,
    summarize_weights,
)
from scopeflow.slim.regularizers import (
    apply_regularization,
    l1_l2_regularizer,
    l1_regularizer,
    l2_regularizer,
    sum_regularizer,
)

# tf_slim's module paths for the modules kept beside this package here: `import
# scopeflow.slim.layers.utils as u` (tf_slim.layers.utils) gives scopeflow.slim.utils
for _module in (initializers, regularizers, utils):
    sys.modules.setdefault(__name__ + "." + _module.__name__.rsplit(".", 1)[1], _module)
