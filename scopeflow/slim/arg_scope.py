"""`slim.arg_scope`: default keyword arguments for decorated functions, scoped by `with`."""

import contextlib
import functools
import threading

_DECORATED_OPS = {}  # function key -> names of its keyword arguments
_LOCAL = threading.local()


def _stack():
    if not hasattr(_LOCAL, "stack"):
        _LOCAL.stack = [{}]
    return _LOCAL.stack


def current_arg_scope():
    """The innermost arg scope: {function key: {argument: default}}."""
    return _stack()[-1]


def arg_scope_func_key(op):
    return getattr(op, "_key_op", str(op))


def _kwarg_names(func):
    n = len(func.__defaults__) if func.__defaults__ else 0
    return func.__code__.co_varnames[-n:func.__code__.co_argcount]


@contextlib.contextmanager
def arg_scope(list_ops_or_scope, **kwargs):
    """Sets default arguments of the listed `@add_arg_scope` functions inside the block.

    >>> import scopeflow as tf
    >>> slim = tf.contrib.slim
    >>> with slim.arg_scope([slim.fully_connected], activation_fn=None) as sc:
    ...     pass
    >>> list(sc.values())[0]
    {'activation_fn': None}
    """
    if isinstance(list_ops_or_scope, dict):
        if kwargs:
            raise ValueError("When attempting to re-use a scope by suppling a dictionary, "
                             "kwargs must be empty.")
        current = list_ops_or_scope.copy()
    else:
        if not isinstance(list_ops_or_scope, (list, tuple)):
            raise TypeError("list_ops_or_scope must either be a list/tuple or reused scope "
                            "(i.e. dict)")
        current = current_arg_scope().copy()
        for op in list_ops_or_scope:
            key = arg_scope_func_key(op)
            if not has_arg_scope(op):
                raise ValueError("%s is not decorated with @add_arg_scope", _name_op(op))
            merged = dict(current.get(key, {}))
            merged.update(kwargs)
            current[key] = merged
    _stack().append(current)
    try:
        yield current
    finally:
        _stack().pop()


def _name_op(op):
    return (op.__module__, op.__name__)


def add_arg_scope(func):
    """Decorates `func` so that enclosing `arg_scope`s supply its keyword defaults.

    >>> import scopeflow as tf
    >>> slim = tf.contrib.slim
    >>> @slim.add_arg_scope
    ... def f(x, k=1):
    ...     return k
    >>> with slim.arg_scope([f], k=2):
    ...     f(0)
    2
    """
    key = arg_scope_func_key(func)

    @functools.wraps(func)
    def func_with_args(*args, **kwargs):
        scope = current_arg_scope()
        if key in scope:
            merged = dict(scope[key])
            merged.update(kwargs)
            kwargs = merged
        return func(*args, **kwargs)

    if key not in _DECORATED_OPS:
        _DECORATED_OPS[key] = _kwarg_names(func)
    func_with_args._key_op = key
    return func_with_args


def has_arg_scope(func):
    """Whether `func` was decorated with `add_arg_scope`."""
    return arg_scope_func_key(func) in _DECORATED_OPS


def arg_scoped_arguments(func):
    """The keyword arguments an arg_scope may set on `func`."""
    assert has_arg_scope(func)
    return _DECORATED_OPS[arg_scope_func_key(func)]
