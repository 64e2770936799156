"""`tf.graph_util`: convert_variables_to_constants, extract_sub_graph, remove_training_nodes."""

from scopeflow.checkpoint.graph_util import *  # noqa: F401,F403
from scopeflow.checkpoint.graph_util import __all__  # noqa: F401
