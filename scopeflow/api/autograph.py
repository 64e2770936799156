"""`tf.autograph` as far as TF1 graph code touches it: scopeflow builds graphs from what the
Python code calls and converts no Python control flow, so `do_not_convert` passes functions
through and the loop options are for loops it never converts.

    >>> import scopeflow.compat.v1 as tf
    >>> tf.autograph.experimental.do_not_convert(len)([1, 2])
    2
"""

import enum
import types

_VERBOSITY = [0]


def do_not_convert(func=None):
    """Returns `func` as it is (a decorator when called without it)."""
    if func is None:
        return do_not_convert
    return func


def set_loop_options(parallel_iterations=None, swap_memory=None, maximum_iterations=None,
                     shape_invariants=None):
    """Options for a loop AutoGraph converts; no loop is converted here."""


class Feature(enum.Enum):
    ALL = "ALL"
    AUTO_CONTROL_DEPS = "AUTO_CONTROL_DEPS"
    ASSERT_STATEMENTS = "ASSERT_STATEMENTS"
    BUILTIN_FUNCTIONS = "BUILTIN_FUNCTIONS"
    EQUALITY_OPERATORS = "EQUALITY_OPERATORS"
    LISTS = "LISTS"
    NAME_SCOPES = "NAME_SCOPES"


def set_verbosity(level, alsologtostdout=False):
    _VERBOSITY[0] = level


def trace(*args):
    """Prints `args` (AutoGraph's trace, as in TF)."""
    print(*args)


def _no_conversion(entity, *args, **kwargs):
    raise NotImplementedError(
        "scopeflow has no AutoGraph: it cannot rewrite the Python control flow of %r into "
        "graph ops. Write the graph with tf.cond / tf.while_loop instead." % (entity,))


to_graph = to_code = _no_conversion

experimental = types.ModuleType("scopeflow.autograph.experimental",
                                "`tf.autograph.experimental`.")
experimental.do_not_convert = do_not_convert
experimental.set_loop_options = set_loop_options
experimental.Feature = Feature
