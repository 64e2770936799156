"""`tf.flags` / `tf.app.flags`: absl's flags, as TF 1.x's `platform/flags.py` wraps them.

Two differences from plain absl: reading a flag of `FLAGS` before anything parsed them parses
`sys.argv` first (TF1 scripts read `FLAGS.x` at module level without `tf.app.run`), and the
`DEFINE_*` functions also take TF's old keyword names (`flag_name`, `default_value`,
`docstring`).
"""

import functools as _functools
import logging as _logging
import sys as _sys

from absl.flags import *  # noqa: F401,F403  (the module is absl's flags with these changes)
from absl import flags as _absl

_absl.disclaim_key_flags()  # flags defined through these wrappers belong to their caller

_OLD_NAMES = {"flag_name": "name", "default_value": "default", "docstring": "help"}


def _old_names(define):
    @_functools.wraps(define)
    def wrapper(*args, **kwargs):
        old = [k for k in _OLD_NAMES if k in kwargs]
        for k in old:
            kwargs[_OLD_NAMES[k]] = kwargs.pop(k)
        if old:
            _logging.warning("Use of the keyword argument names (flag_name, default_value, "
                             "docstring) is deprecated, please use (name, default, help) "
                             "instead.")
        return define(*args, **kwargs)
    return wrapper


class _ParsingFlags:
    """absl's FLAGS object that parses `sys.argv` when a flag is read before parsing."""

    def __init__(self, flag_values):
        self.__dict__["_wrapped"] = flag_values

    def __getattribute__(self, name):
        if name == "__dict__":
            return super().__getattribute__(name)
        wrapped = self.__dict__["_wrapped"]
        return type(wrapped).__getattribute__(wrapped, name)  # flags themselves: __getattr__

    def __getattr__(self, name):  # a flag's value (not a plain attribute of FlagValues)
        wrapped = self.__dict__["_wrapped"]
        if not wrapped.is_parsed():
            wrapped(_sys.argv)
        return getattr(wrapped, name)

    def __setattr__(self, name, value):
        setattr(self.__dict__["_wrapped"], name, value)

    def __delattr__(self, name):
        delattr(self.__dict__["_wrapped"], name)

    def __dir__(self):
        return dir(self.__dict__["_wrapped"])

    def __getitem__(self, name):
        return self.__dict__["_wrapped"][name]

    def __setitem__(self, name, flag):
        self.__dict__["_wrapped"][name] = flag

    def __len__(self):
        return len(self.__dict__["_wrapped"])

    def __iter__(self):
        return iter(self.__dict__["_wrapped"])

    def __str__(self):
        return str(self.__dict__["_wrapped"])

    def __call__(self, *args, **kwargs):
        return self.__dict__["_wrapped"](*args, **kwargs)


DEFINE_string = _old_names(_absl.DEFINE_string)
DEFINE_boolean = _old_names(_absl.DEFINE_boolean)
DEFINE_bool = DEFINE_boolean
DEFINE_float = _old_names(_absl.DEFINE_float)
DEFINE_integer = _old_names(_absl.DEFINE_integer)

FLAGS = _ParsingFlags(_absl.FLAGS)
