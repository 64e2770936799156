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


_log = _pylogging.getLogger("scopeflow")
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
logging.log_every_n = lambda level, msg, n, *args: _log.log(level, msg, *args)
logging.log_first_n = logging.log_every_n
logging.vlog = lambda level, msg, *args: _log.debug(msg, *args)
logging.TaskLevelStatusMessage = lambda msg: msg
logging.flush = _noop


def get_logger():
    """The Python logger `tf.logging` writes to (scopeflow's, where TF's is "tensorflow")."""
    return _log


app = _types.ModuleType("scopeflow.app", "`tf.app`: run a main function with parsed flags.")


def _app_run(main=None, argv=None):
    import sys
    main = main or sys.modules["__main__"].main
    argv = sys.argv if argv is None else argv
    if hasattr(flags, "FLAGS"):  # TF parses the flags it knows and passes the rest on
        argv = flags.FLAGS(argv, known_only=True)
    sys.exit(main(argv))


app.run = _app_run
try:
    from scopeflow.api import flags  # absl's, as TF wraps them (absl ships with tensorboard)
except ImportError:  # pragma: no cover
    flags = _types.ModuleType("scopeflow.flags")
app.flags = flags
