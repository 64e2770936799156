"""Custom objects that Keras configs name: `tf.keras.utils.custom_object_scope`,
`get_custom_objects` and `register_keras_serializable` (looked up by `get_registered_name`
/ `get_registered_object`), merged into the `custom_objects` that loading (`load_model`,
`model_from_config`, `Layer.from_config`) is given.

>>> from scopeflow.keras import object_registration as reg
>>> with reg.custom_object_scope({"sq": abs}):
...     sorted(reg.with_custom_objects({"cube": pow}))
['cube', 'sq']
"""

import threading

_GLOBAL = {}  # registered for the process: get_custom_objects() / register_keras_serializable
_NAMES = {}  # the name each registered object was registered under


class _Scopes(threading.local):
    def __init__(self):
        self.objects = {}  # the innermost custom_object_scope's objects (with the outer ones)


_scopes = _Scopes()


class CustomObjectScope:
    """`with custom_object_scope({"name": obj}):` makes `name` known to loading in the block."""

    def __init__(self, *args):
        self.custom_objects = args
        self._backup = None

    def __enter__(self):
        self._backup = _scopes.objects
        merged = dict(self._backup)
        for objects in self.custom_objects:
            merged.update(objects or {})
        _scopes.objects = merged
        return self

    def __exit__(self, *exc):
        _scopes.objects = self._backup


custom_object_scope = CustomObjectScope


def get_custom_objects():
    """The process-wide dict of custom objects (change it to register one)."""
    return _GLOBAL


def register_keras_serializable(package="Custom", name=None):
    """Class or function decorator: known to loading as `package>name`."""

    def decorator(arg):
        key = "%s>%s" % (package, name or arg.__name__)
        if key in _GLOBAL:
            raise ValueError("%s has already been registered to %s" % (key, _GLOBAL[key]))
        _GLOBAL[key] = arg
        _NAMES[arg] = key
        return arg

    return decorator


def get_registered_name(obj):
    """The name `obj` was registered under (`package>name`), else its `__name__`."""
    return _NAMES.get(obj, obj.__name__)


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object `name` stands for: in a custom_object_scope, registered, in
    `custom_objects`, in `module_objects`, in that order; else None."""
    for table in (_scopes.objects, _GLOBAL, custom_objects, module_objects):
        if table and name in table:
            return table[name]
    return None


def with_custom_objects(custom_objects):
    """The objects loading knows: those given, then the scopes', then the registered ones."""
    return {**(custom_objects or {}), **_scopes.objects, **_GLOBAL}


_UNKNOWN = ("Unknown %s: '%s'. Please ensure you are using a `keras.utils.custom_object_scope` "
            "and that this object is included in the scope. See https://www.tensorflow.org/"
            "guide/keras/save_and_serialize#registering_the_custom_object for details.")


def unknown(kind, name):
    """tf_keras' error for a name that no table (nor a custom object scope) knows."""
    return ValueError(_UNKNOWN % (kind, name))


def serialize_object(obj):
    """A module's `serialize`: `{"class_name", "config"}` of an object, a function's name."""
    if obj is None:
        return None
    if hasattr(obj, "get_config"):
        return {"class_name": type(obj).__name__, "config": obj.get_config()}
    return getattr(obj, "__name__", obj)


def deserialize_object(config, classes, by_name, custom_objects=None, kind="object"):
    """A module's `deserialize`: a `{"class_name", "config"}` dict made through the class's
    `from_config` (custom objects first, then `classes`); a name through `by_name`."""
    objects = with_custom_objects(custom_objects)
    if isinstance(config, dict):
        name = config.get("class_name")
        cls = objects.get(name) or classes.get(name)
        if cls is None:
            raise ValueError(_UNKNOWN % (kind, name))
        return cls.from_config(config.get("config", {}))
    if isinstance(config, str) and config in objects:
        obj = objects[config]
        return obj() if isinstance(obj, type) else obj
    return by_name(config)
