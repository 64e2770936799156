"""`tf.saved_model.main_op`: the op a SavedModel load runs after restoring variables.

>>> import scopeflow as tf
>>> with tf.Graph().as_default():
...     print(main_op().name)
group_deps
"""

from scopeflow.core.contexts import control_dependencies
from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys
from scopeflow.core.var_ops import global_variables_initializer, local_variables_initializer
from scopeflow.ops.state import group, no_op

__all__ = ["main_op", "main_op_with_restore"]


def tables_initializer(name="init_all_tables"):
    """TF's `tf.tables_initializer`: a group of TABLE_INITIALIZERS, or a NoOp."""
    inits = default_graph().get_collection(GraphKeys.TABLE_INITIALIZERS)
    return group(*inits, name=name) if inits else no_op(name=name)


def main_op():
    """Initializes global and local variables and tables (one `group_deps`)."""
    return group(global_variables_initializer(), local_variables_initializer(),
                 tables_initializer())


def main_op_with_restore(restore_op_name):
    """`main_op()`, then the restore op `restore_op_name`."""
    with control_dependencies([main_op()]):
        return group(restore_op_name)
