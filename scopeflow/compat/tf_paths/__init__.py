"""TF's internal module paths (`tensorflow.python.ops.array_ops`, ...) as views of scopeflow.

Under `scopeflow run`, `from tensorflow.python.framework import ops` gives a module whose names
come from scopeflow's own namespaces (see table.py); a name scopeflow lacks is an error that
names it. `tensorflow.core.<area>.*_pb2` are tensorboard's copies of TF's protos.

>>> import scopeflow
>>> module("tensorflow.python.ops.array_ops").reshape is scopeflow.reshape
True
"""

import importlib
import types

from scopeflow.compat.tf_paths.table import MODULES, PRIVATE, PROTO_AREAS, RENAMED

_ROOTS = ("tensorflow.python", "tensorflow.core")


def _not_provided(what):
    return "scopeflow does not provide %s (a TF-internal path with no scopeflow counterpart)" % what


class NotProvidedError(ModuleNotFoundError):
    """A TF-internal module or name that scopeflow does not provide.

    Its `name` is left unset so that `from <module> import <missing>` shows this message instead
    of Python's generic "cannot import name".
    """

    def __init__(self, what):
        super().__init__(_not_provided(what))


def _source(spec):
    """The namespace object a table source names (`tf`, `tf.nn`, or a module name)."""
    if spec == "tf" or spec.startswith("tf."):
        obj = importlib.import_module("scopeflow.compat.v1")
        for part in spec.split(".")[1:]:
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return obj
    return importlib.import_module(spec)


def _lookup(path, name):
    """`name` in the TF module `path` (relative to `tensorflow.`), or raises AttributeError."""
    private = PRIVATE.get(path, {}).get(name)
    if private is not None:
        mod, _, attr = private.partition(":")
        return getattr(importlib.import_module(mod), attr)
    target = RENAMED.get(path, {}).get(name, name)
    if not target.startswith("_"):
        for spec in MODULES.get(path, ()):
            src = _source(spec)
            if src is not None and hasattr(src, target):
                return getattr(src, target)
    raise AttributeError(_not_provided("tensorflow.%s.%s" % (path, name)))


class _View(types.ModuleType):
    """A TF-internal module: names resolve through the table on first use, then are kept."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        value = _lookup(self.__name__[len("tensorflow."):], name)
        setattr(self, name, value)
        return value

    def __dir__(self):
        names = set(self.__dict__)
        for spec in MODULES.get(self.__name__[len("tensorflow."):], ()):
            src = _source(spec)
            if src is not None:
                names.update(n for n in dir(src) if not n.startswith("_"))
        return sorted(names)


def _is_package(path):
    prefix = path + "."
    return any(p.startswith(prefix) for p in MODULES) or any(
        a.startswith(prefix) or a == path for a in PROTO_AREAS)


def handles(fullname):
    """True when `fullname` is a TF-internal path this package answers for."""
    return any(fullname == r or fullname.startswith(r + ".") for r in _ROOTS)


def module(fullname):
    """The module standing for the TF-internal path `fullname` (NotProvidedError if none)."""
    path = fullname[len("tensorflow."):]
    area, _, leaf = path.rpartition(".")
    if area in PROTO_AREAS:
        try:
            return importlib.import_module("%s.%s" % (PROTO_AREAS[area], leaf))
        except ImportError:
            raise NotProvidedError("the module %s" % fullname) from None
    if path not in MODULES and not _is_package(path):
        if area in MODULES:  # `from tensorflow.python.ops.array_ops import missing`
            raise NotProvidedError("tensorflow.%s.%s" % (area, leaf))
        raise NotProvidedError("the module %s" % fullname)
    view = _View(fullname, "scopeflow's view of TF's %s" % fullname)
    view.__path__ = []  # a package: `from <view> import <missing>` comes back to `module`
    return view


__all__ = ["NotProvidedError", "handles", "module"]
