"""Graph-level contexts of TF1's top level: collections, control dependencies, devices,
colocation, gradient overrides, containers and `name_scope`.

>>> from scopeflow.core.contexts import name_scope
>>> with name_scope("a") as s:
...     print(s)
a/
"""

from scopeflow.core.frame import default_graph as _default_graph
from scopeflow.core.graph import graph_from_inputs as _graph_from_inputs

__all__ = ["add_to_collection", "add_to_collections", "clear_collection", "colocate_with",
           "container", "control_dependencies", "device", "get_all_collection_keys",
           "get_collection", "get_collection_ref", "get_name_scope", "gradient_override_map",
           "name_scope", "op_scope"]


def add_to_collection(name, value):
    _default_graph().add_to_collection(name, value)


def add_to_collections(names, value):
    _default_graph().add_to_collections(names, value)


def get_collection(key, scope=None):
    return _default_graph().get_collection(key, scope)


def get_collection_ref(key):
    return _default_graph().get_collection_ref(key)


def get_all_collection_keys():
    return _default_graph().get_all_collection_keys()


def clear_collection(key):
    _default_graph().clear_collection(key)


def control_dependencies(control_inputs):
    return _default_graph().control_dependencies(control_inputs)


def device(device_name_or_function):
    return _default_graph().device(device_name_or_function)


def colocate_with(op, ignore_existing=False):
    g = _default_graph() if op is None else _graph_from_inputs([op])
    return g.colocate_with(op, ignore_existing)


def gradient_override_map(op_type_map):
    return _default_graph().gradient_override_map(op_type_map)


def get_name_scope():
    return _default_graph().get_name_scope()


class container:
    """`tf.container(name)`: accepted; containers only matter to TF's resource manager."""

    def __init__(self, container_name):
        self._name = container_name

    def __enter__(self):
        return self._name

    def __exit__(self, *exc):
        return False


class name_scope:
    """`tf.name_scope(name, default_name=None, values=None)` as in TF1.

    >>> with name_scope("a") as s:
    ...     print(s)
    a/
    """

    __slots__ = ("_default_name", "_g_manager", "_name", "_scope", "_values")

    def __init__(self, name, default_name=None, values=None):
        if not (default_name is None or isinstance(default_name, str)):
            raise TypeError("`default_name` type (%s) is not a string type. You likely meant to "
                            "pass this into the `values` kwarg." % type(default_name))
        self._name = default_name if name is None else name
        self._default_name = default_name
        self._values = values
        self._g_manager = None

    name = property(lambda self: self._name)

    def __enter__(self):
        if self._name is None and self._values is not None:
            raise ValueError("At least one of name (%s) and default_name (%s) must be provided."
                             % (self._name, self._default_name))
        g = _default_graph()
        if self._values:
            vg = _graph_from_inputs(self._values, g)
            if vg is not g:
                g = vg
                self._g_manager = g.as_default()
                self._g_manager.__enter__()
        try:
            self._scope = g.name_scope(self._name)
            return self._scope.__enter__()
        except BaseException:
            if self._g_manager is not None:
                self._g_manager.__exit__(None, None, None)
                self._g_manager = None
            raise

    def __exit__(self, *exc):
        self._scope.__exit__(*exc)
        if self._g_manager is not None:
            self._g_manager.__exit__(*exc)
            self._g_manager = None
        return False


def op_scope(values, name, default_name=None):
    """Deprecated TF0.x spelling of `name_scope(name, default_name, values)`."""
    return name_scope(name, default_name, values)
