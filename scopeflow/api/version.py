"""`tf.version`: the TF version scopeflow claims (as `tf.VERSION`) and the GraphDef version
it writes (the producer of `as_graph_def()`)."""
# ruff: noqa: F401 - re-exports

from scopeflow.api._compat import COMPILER_VERSION, GIT_VERSION, VERSION
from scopeflow.core.graph import GRAPH_DEF_VERSION

GRAPH_DEF_VERSION_MIN_CONSUMER = 0
GRAPH_DEF_VERSION_MIN_PRODUCER = 0
