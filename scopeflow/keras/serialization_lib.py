"""`tf.keras.utils.serialize_keras_object` / `deserialize_keras_object` as tf_keras runs them
in TF1 graph mode (its legacy forms): an object with `get_config` becomes `{"class_name",
"config"}` (config items that serialize to a dict marked `__passive_serialization__`), a
function or class its registered name; a dict is rebuilt through its class's `from_config`
and a name looked up in custom objects, then `module_objects`.

>>> import scopeflow as tf
>>> tf.keras.utils.serialize_keras_object(tf.keras.activations.relu)
'relu'
"""

import inspect

from scopeflow.keras import object_registration as _reg

_UNKNOWN = ("Unknown {}: '{}'. Please ensure you are using a `keras.utils.custom_object_scope` "
            "and that this object is included in the scope. See https://www.tensorflow.org/"
            "guide/keras/save_and_serialize#registering_the_custom_object for details.")


def serialize_keras_object(obj):
    if obj is None:
        return None
    if hasattr(obj, "get_config") and not isinstance(obj, type):
        config = {}
        for key, item in obj.get_config().items():
            if isinstance(item, str):
                config[key] = item
                continue
            try:
                value = serialize_keras_object(item)
            except ValueError:  # (numbers, dicts, lists: kept as they are)
                config[key] = item
                continue
            if isinstance(value, dict) and not isinstance(item, dict):
                value["__passive_serialization__"] = True
            config[key] = value
        return {"class_name": _reg.get_registered_name(type(obj)), "config": config}
    if hasattr(obj, "__name__"):
        return _reg.get_registered_name(obj)
    raise ValueError("Cannot serialize %s because it doesn't implement `get_config()`."
                     % (obj,))


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    module_objects = kwargs.pop("module_objects", None)
    printable = kwargs.pop("printable_module_name", "object")
    if kwargs:
        raise ValueError("The following argument(s) are not supported: %s" % list(kwargs))
    custom_objects = _reg.with_custom_objects(custom_objects)
    return _deserialize(config, module_objects, custom_objects, printable)


def _deserialize(identifier, module_objects, custom_objects, printable):
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        cls, config = _class_and_config(identifier, module_objects, custom_objects, printable)
        if hasattr(cls, "from_config"):
            if "custom_objects" in inspect.signature(cls.from_config).parameters:
                return cls.from_config(config, custom_objects=custom_objects)
            with _reg.CustomObjectScope(custom_objects):
                return cls.from_config(config)
        with _reg.CustomObjectScope(custom_objects):
            return cls(**config)  # (a function making the object: the config its kwargs)
    if isinstance(identifier, str):
        if identifier in custom_objects:
            obj = custom_objects[identifier]
        else:
            obj = module_objects.get(identifier)  # (None: AttributeError, as tf_keras)
            if obj is None:
                raise ValueError(_UNKNOWN.format(printable, identifier))
        return obj() if inspect.isclass(obj) else obj
    if inspect.isfunction(identifier):
        return identifier
    raise ValueError("Could not interpret serialized %s: %s" % (printable, identifier))


def _class_and_config(config, module_objects, custom_objects, printable):
    if not isinstance(config, dict) or "class_name" not in config or "config" not in config:
        raise ValueError("Improper config format for %s. Expecting python dict contains "
                         "`class_name` and `config` as keys" % (config,))
    name = config["class_name"]
    cls = _reg.get_registered_object(name, custom_objects, module_objects)
    if cls is None:
        raise ValueError(_UNKNOWN.format(printable, name))
    cls_config = config["config"]
    if isinstance(cls_config, list):  # (an old Sequential's layers)
        return cls, cls_config
    for key, item in list(cls_config.items()):
        if key == "name":
            continue
        if isinstance(item, dict) and "__passive_serialization__" in item:
            cls_config[key] = _deserialize(item, module_objects, custom_objects,
                                           "config_item")
        elif isinstance(item, str) and inspect.isfunction(
                _reg.get_registered_object(item, custom_objects)):
            cls_config[key] = _reg.get_registered_object(item, custom_objects)
    return cls, cls_config
