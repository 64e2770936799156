"""Start-of-script calls TF1 programs make (`disable_v2_behavior`, ...): harmless here."""

import logging as _pylogging
import types as _types

from scopeflow.core.variables import (
    disable_resource_variables,
    enable_resource_variables,
    resource_variables_enabled,
)

__all__ = ["disable_v2_behavior", "disable_eager_execution", "enable_eager_execution",
           "executing_eagerly", "enable_v2_behavior", "disable_resource_variables",
           "enable_resource_variables", "logging", "get_logger", "AUTO_REUSE_DOC", "VERSION",
           "__version__",
           "GIT_VERSION", "COMPILER_VERSION", "app", "flags", "disable_control_flow_v2",
           "enable_control_flow_v2", "disable_tensor_equality", "enable_tensor_equality",
           "disable_v2_tensorshape", "enable_v2_tensorshape", "resource_variables_enabled"]

VERSION = __version__ = "1.15.5"
GIT_VERSION = "scopeflow"
COMPILER_VERSION = "scopeflow"
AUTO_REUSE_DOC = "When passed in as the value for the `reuse` flag, AUTO_REUSE indicates that " \
                 "get_variable() should create the requested variable if it doesn't exist or, " \
                 "if it does exist, simply return it."


def _noop(*args, **kwargs):
    return None


enable_v2_behavior = disable_eager_execution = _noop


def disable_v2_behavior():
    """`tf.disable_v2_behavior`: TF1 graph behaviour (here: ref variables by default)."""
    disable_resource_variables()


disable_control_flow_v2 = enable_control_flow_v2 = _noop
disable_tensor_equality = enable_tensor_equality = _noop
disable_v2_tensorshape = enable_v2_tensorshape = _noop


def enable_eager_execution(*args, **kwargs):
    raise NotImplementedError("scopeflow runs TF1 graphs; eager execution is not available.")


def executing_eagerly():
    return False


_log = _pylogging.getLogger("tensorflow")


def _tf_handler():
    """TF's `tf_logging.get_logger()` set-up, done when TF is imported: unless the root logger
    has handlers, a stderr handler printing "LEVEL:tensorflow:message" (stdout, and level
    INFO, in an interactive session)."""
    import sys
    if _pylogging.getLogger().handlers or any(
            getattr(h, "_scopeflow", False) for h in _log.handlers):
        return
    interactive = hasattr(sys, "ps1") or bool(sys.flags.interactive)
    if interactive:
        _log.setLevel(_pylogging.INFO)
    handler = _pylogging.StreamHandler(sys.stdout if interactive else sys.stderr)
    handler.setFormatter(_pylogging.Formatter(_pylogging.BASIC_FORMAT, None))
    handler._scopeflow = True
    _log.addHandler(handler)


_tf_handler()
_log_counts = {}  # TF's token of a log_every_n / log_first_n call -> calls so far


def _count_here():
    """The calls counted so far under TF's token: the first frame outside the calling
    function's file, up the stack (('<unknown>', 0) at a script's top level, where every
    such call shares one count), as TF's `_GetFileAndLine` finds it."""
    import sys
    f = sys._getframe(2)
    own = f.f_code.co_filename
    f = f.f_back
    while f is not None and f.f_code.co_filename == own:
        f = f.f_back
    key = ("<unknown>", 0) if f is None else (f.f_code.co_filename, f.f_lineno)
    n = _log_counts.get(key, 0)
    _log_counts[key] = n + 1
    return n


def _log_every_n(level, msg, n, *args):
    """Logs the 1st, (n+1)th, (2n+1)th, ... call of one token, as TF."""
    if not _count_here() % n:
        _log.log(level, msg, *args)


def _log_first_n(level, msg, n, *args):
    """Logs the first `n` calls of one token, as TF."""
    if _count_here() < n:
        _log.log(level, msg, *args)


logging = _types.ModuleType("scopeflow.logging", "`tf.logging`: Python logging under TF's names.")
logging.DEBUG, logging.INFO, logging.WARN, logging.ERROR, logging.FATAL = 10, 20, 30, 40, 50
logging.WARNING = 30
logging.set_verbosity = _log.setLevel
logging.get_verbosity = _log.getEffectiveLevel
logging.debug, logging.info, logging.warning, logging.error = (_log.debug, _log.info,
                                                               _log.warning, _log.error)
logging.warn = _log.warning
logging.fatal = _log.critical
logging.log = _log.log
logging.log_if = lambda level, msg, condition, *args: _log.log(level, msg, *args) \
    if condition else None
logging.log_every_n = _log_every_n
logging.log_first_n = _log_first_n
logging.vlog = lambda level, msg, *args: _log.log(level, msg, *args)
logging.TaskLevelStatusMessage = lambda msg: msg
logging.flush = _noop


def get_logger():
    """The Python logger `tf.logging` writes to: "tensorflow", as TF's."""
    return _log


app = _types.ModuleType("scopeflow.app", "`tf.app`: run a main function with parsed flags.")


def _app_run(main=None, argv=None):
    """TF's `tf.app.run`: absl's app.run (its logging handler, INFO on the root logger, its
    error handling), parsing the flags it knows and passing the rest on to `main`."""
    import sys
    main = main or sys.modules["__main__"].main
    try:
        from absl import app as absl_app
    except ImportError:  # pragma: no cover - absl ships with tensorboard
        sys.exit(main(sys.argv if argv is None else argv))
    import jax
    jax.devices()  # (JAX's backends start now, while its INFO lines are below the root's level)
    absl_app.run(main, argv=argv, flags_parser=lambda a: flags.FLAGS(
        sys.argv if a is None else a, known_only=True))


app.run = _app_run
try:
    from scopeflow.api import flags  # absl's, as TF wraps them (absl ships with tensorboard)
except ImportError:  # pragma: no cover
    flags = _types.ModuleType("scopeflow.flags")
app.flags = flags
