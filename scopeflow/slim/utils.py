"""Slim layer utilities (tf_slim.layers.utils): output aliases, static conds, shape helpers."""

import collections

from scopeflow.core.frame import default_graph
from scopeflow.core.shape import TensorShape
from scopeflow.core.tensor import Tensor
from scopeflow.core.variables import VariableV1
from scopeflow.ops.constant import constant_value as _tensor_constant_value

__all__ = ["collect_named_outputs", "constant_value", "static_cond", "smart_cond",
           "get_variable_collections", "two_element_tuple", "n_positive_integers",
           "channel_dimension", "last_dimension"]

NamedOutputs = collections.namedtuple("NamedOutputs", ["name", "outputs"])


def collect_named_outputs(collections, alias, outputs):
    """Adds `outputs` (aliased `alias`) to `collections`; returns `outputs`.

    >>> import scopeflow as tf
    >>> x = tf.contrib.slim.utils.collect_named_outputs("c", "a/b/", tf.ones([1]))
    >>> x.aliases
    ['a/b']
    """
    if collections:
        append_tensor_alias(outputs, alias)
        default_graph().add_to_collections(collections, outputs)
    return outputs


def append_tensor_alias(tensor, alias):
    """Records `alias` (without a trailing '/') in `tensor.aliases`."""
    if alias[-1] == "/":
        alias = alias[:-1]
    if hasattr(tensor, "aliases"):
        tensor.aliases.append(alias)
    else:
        tensor.aliases = [alias]
    return tensor


def gather_tensors_aliases(tensors):
    """The aliases of all `tensors`, in order."""
    aliases = []
    for tensor in tensors:
        aliases += get_tensor_aliases(tensor)
    return aliases


def get_tensor_aliases(tensor):
    """`tensor.aliases`, else its op name (output 0) or its full name."""
    if hasattr(tensor, "aliases"):
        return tensor.aliases
    return [tensor.op.name] if tensor.name[-2:] == ":0" else [tensor.name]


def convert_collection_to_dict(collection, clear_collection=False):
    """An OrderedDict alias -> tensor of `collection` (emptied with `clear_collection`).

    >>> import scopeflow as tf
    >>> slim = tf.contrib.slim
    >>> y = slim.fully_connected(tf.ones([1, 2]), 2, outputs_collections="e", scope="fc")
    >>> list(slim.utils.convert_collection_to_dict("e"))
    ['fc']
    """
    output = collections.OrderedDict(
        (alias, tensor) for tensor in default_graph().get_collection(collection)
        for alias in get_tensor_aliases(tensor))
    if clear_collection:
        default_graph().clear_collection(collection)
    return output


def constant_value(value_or_tensor_or_var, dtype=None):
    """The value of a Python value or constant tensor; None for a variable or unknown tensor."""
    if value_or_tensor_or_var is None:
        raise ValueError("value_or_tensor_or_var cannot be None")
    value = value_or_tensor_or_var
    if isinstance(value, (Tensor, VariableV1)):
        if dtype and value.dtype != dtype:
            raise ValueError("It has the wrong type %s instead of %s" % (value.dtype, dtype))
        value = None if isinstance(value, VariableV1) else _tensor_constant_value(value)
    return value


def static_cond(pred, fn1, fn2):
    """`fn1()` if `pred` else `fn2()`, decided in Python."""
    if not callable(fn1):
        raise TypeError("fn1 must be callable.")
    if not callable(fn2):
        raise TypeError("fn2 must be callable.")
    return fn1() if pred else fn2()


def smart_cond(pred, fn1, fn2, name=None):
    """`static_cond` when `pred` is known at graph time, else `tf.cond`."""
    pred_value = constant_value(pred)
    if pred_value is not None:
        return static_cond(pred_value, fn1, fn2)
    from scopeflow.ops.control_flow import cond
    return cond(pred, fn1, fn2, name=name)


def get_variable_collections(variables_collections, name):
    """`variables_collections[name]` for a dict, else `variables_collections` itself."""
    if isinstance(variables_collections, dict):
        return variables_collections.get(name, None)
    return variables_collections


def _get_dimension(shape, dim, min_rank=1):
    dims = shape.dims
    if dims is None:
        raise ValueError("dims of shape must be known but is None")
    if len(dims) < min_rank:
        raise ValueError("rank of shape must be at least %d not: %d" % (min_rank, len(dims)))
    value = dims[dim].value
    if value is None:
        raise ValueError("dimension %d of shape must be known but is None: %s" % (dim, shape))
    return value


def channel_dimension(shape, data_format, min_rank=1):
    """The channels size of `shape` (axis 1 for 'channels_first', else the last)."""
    return _get_dimension(shape, 1 if data_format == "channels_first" else -1,
                          min_rank=min_rank)


def last_dimension(shape, min_rank=1):
    """The known size of the last dimension of `shape` (of rank >= `min_rank`).

    >>> import scopeflow as tf
    >>> tf.contrib.slim.utils.last_dimension(tf.TensorShape([2, 3]))
    3
    """
    return _get_dimension(shape, -1, min_rank=min_rank)


def two_element_tuple(int_or_tuple):
    """(a, b) from an int, a 2-list/tuple or a TensorShape of length 2."""
    if isinstance(int_or_tuple, (list, tuple)):
        if len(int_or_tuple) != 2:
            raise ValueError("Must be a list with 2 elements: %s" % int_or_tuple)
        return int(int_or_tuple[0]), int(int_or_tuple[1])
    if isinstance(int_or_tuple, int):
        return int(int_or_tuple), int(int_or_tuple)
    if isinstance(int_or_tuple, TensorShape) and len(int_or_tuple) == 2:
        return int_or_tuple[0], int_or_tuple[1]
    raise ValueError("Must be an int, a list with 2 elements or a TensorShape of length 2")


def _positive_sequence(n, value):
    if len(value) != n:
        raise ValueError("Expected sequence of %d positive integers, but received %r" % (n, value))
    try:
        values = tuple(int(x) for x in value)
    except Exception:
        raise ValueError("Expected sequence of %d positive integers, but received %r"
                         % (n, value)) from None
    for x in values:
        if x < 1:
            raise ValueError("expected positive integer, but received %d" % x)
    return values


def n_positive_integers(n, value):
    """`value` as a tuple of `n` positive ints (an int is repeated n times).

    >>> import scopeflow as tf
    >>> tf.contrib.slim.utils.n_positive_integers(2, 3)
    (3, 3)
    """
    n_orig = n
    n = int(n)
    if n < 1 or n != n_orig:
        raise ValueError("n must be a positive integer")
    try:
        value = int(value)
    except (TypeError, ValueError):
        return _positive_sequence(n, value)
    if value < 1:
        raise ValueError("expected positive integer, but received %d" % value)
    return (value,) * n
