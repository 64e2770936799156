"""The public TF1 namespace for the estimator's modules, imported when first needed (it
imports this package), and TF's reading of a callable's argument names."""

import functools
import inspect


def tf():
    from scopeflow.compat import v1
    return v1


def fn_args(fn):
    """The names of `fn`'s positional-or-keyword arguments, partial's bound ones removed (as
    TF's function_utils.fn_args; a callable object's __call__ without self)."""
    if isinstance(fn, functools.partial):
        args = fn_args(fn.func)
        args = [a for a in args[len(fn.args):] if a not in (fn.keywords or {})]
        return tuple(args)
    if not inspect.isfunction(fn) and not inspect.ismethod(fn) and hasattr(fn, "__call__"):
        fn = fn.__call__
    params = inspect.signature(fn).parameters
    return tuple(name for name, p in params.items()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))


def check_instances(items, cls, message):
    """`items` as a list, each an instance of `cls` (TypeError `message` with the first that
    is not)."""
    items = list(items or [])
    for item in items:
        if not isinstance(item, cls):
            raise TypeError(message.format(item))
    return items
