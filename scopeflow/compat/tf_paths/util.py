"""Small helpers that TF-internal modules hold and real code imports (deprecation, tf_inspect,
tf_decorator, file_io's string functions), written here because scopeflow has no public home
for them.

>>> deprecated_argument_lookup("axis", None, "dim", 1)
1
"""

import collections
import contextlib
import functools
import inspect

from scopeflow.io import gfile as _gfile

# ---- tensorflow.python.util.deprecation -----------------------------------------------------


# TF1 scripts set this to False to quiet deprecation warnings; `silence()` does it for a block
_PRINT_DEPRECATION_WARNINGS = True


@contextlib.contextmanager
def silence():
    """TF's `deprecation.silence()`: no deprecation warnings inside the block (TensorBoard's
    event reader enters it around every file it opens)."""
    global _PRINT_DEPRECATION_WARNINGS
    before, _PRINT_DEPRECATION_WARNINGS = _PRINT_DEPRECATION_WARNINGS, False
    try:
        yield
    finally:
        _PRINT_DEPRECATION_WARNINGS = before


def _printing():
    """False inside `silence()` or once a script set `_PRINT_DEPRECATION_WARNINGS = False` on
    `tensorflow.python.util.deprecation` (under `scopeflow run`, a view of this module)."""
    import sys
    view = sys.modules.get("tensorflow.python.util.deprecation")
    flag = True if view is None else vars(view).get("_PRINT_DEPRECATION_WARNINGS", True)
    return _PRINT_DEPRECATION_WARNINGS and flag


def _warn(what, date, instructions):
    import logging
    if not _printing():
        return
    when = "in a future version" if date is None else "after %s" % date
    logging.getLogger("tensorflow").warning("From %s: %s is deprecated and will be removed %s.\n"
                    "Instructions for updating:\n%s", what, what, when, instructions)


def deprecated(date, instructions, warn_once=True):
    """TF's decorator: the function, logging TF's deprecation warning on its first call."""
    def decorate(fn):
        warned = []

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if not (warn_once and warned):
                warned.append(True)
                _warn(getattr(fn, "__qualname__", fn), date, instructions)
            return fn(*args, **kwargs)
        return wrapper
    return decorate


def deprecated_args(date, instructions, *deprecated_arg_names_or_tuples, **kwargs):
    """TF's decorator for deprecated arguments: the function unchanged."""
    return lambda fn: fn


def deprecated_arg_values(date, instructions, warn_once=True, **deprecated_kwargs):
    return lambda fn: fn


def deprecated_alias(deprecated_name, name, func_or_class, warn_once=True):
    return func_or_class


def deprecated_argument_lookup(new_name, new_value, old_name, old_value):
    """The value given under the new or the old argument name (TF's ValueError for both)."""
    if old_value is not None:
        if new_value is not None:
            raise ValueError("Cannot specify both '%s' and '%s'." % (old_name, new_name))
        return old_value
    return new_value


# ---- tensorflow.python.util.tf_inspect / tf_decorator / all_util, tensorflow.python.tf2 -----
ArgSpec = collections.namedtuple("ArgSpec", ["args", "varargs", "keywords", "defaults"])


def getargspec(obj):
    """TF's `tf_inspect.getargspec` (Python 3 dropped inspect.getargspec)."""
    spec = inspect.getfullargspec(obj)
    return ArgSpec(spec.args, spec.varargs, spec.varkw, spec.defaults)


def make_decorator(target, decorator_func, decorator_name=None, decorator_doc="",
                   decorator_argspec=None):
    """`decorator_func` dressed as `target` (name, doc, `__wrapped__`)."""
    functools.update_wrapper(decorator_func, target)
    return decorator_func


def unwrap(maybe_tf_decorator):
    return [], inspect.unwrap(maybe_tf_decorator)


def remove_undocumented(module_name, allowed_exception_list=None, doc_string_modules=None):
    """TF's namespace trimming: nothing to trim here."""


def make_all(module_name, doc_string_modules=None):
    import sys
    return [n for n in dir(sys.modules[module_name]) if not n.startswith("_")]


def enabled():
    """`tf2.enabled()`: scopeflow is TF1's graph API, so False."""
    return False


# ---- tensorflow.python.ops.control_flow_util / array_ops.shape_internal ---------------------


def GraphOrParentsInXlaContext(graph):
    """No XLA contexts in scopeflow's graphs (every run is compiled, none is marked)."""
    return False


def IsInXLAContext(op):
    return False


def shape_internal(input, name=None, optimize=True, out_type=None):
    """TF's array_ops.shape_internal: tf.shape (static folding is the graph's own business)."""
    import scopeflow.compat.v1 as tf
    return tf.shape(input, name=name, out_type=out_type or tf.int32)


# ---- tensorflow.python.lib.io.file_io: the string helpers ------------------------------------


def read_file_to_string(filename, binary_mode=False):
    with _gfile.GFile(filename, "rb" if binary_mode else "r") as f:
        return f.read()


def write_string_to_file(filename, file_content):
    with _gfile.GFile(filename, "w") as f:
        f.write(file_content)


def atomic_write_string_to_file(filename, contents, overwrite=True):
    tmp = "%s.tmp%d" % (filename, id(contents))
    write_string_to_file(tmp, contents)
    _gfile.rename(tmp, filename, overwrite=overwrite)
