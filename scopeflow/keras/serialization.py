"""Layer and model configs as Keras writes them (`{"class_name", "config"}`), and models
rebuilt from them: the architecture part of Keras' HDF5 model files.

A layer's config is its name, trainable flag, dtype and input shape plus the arguments its
constructor was given, serialized as Keras does (activations by name, initializers and nested
layers as `{"class_name", "config"}`); `from_config` calls the constructor with them back.

>>> import scopeflow as tf
>>> cfg = tf.keras.layers.Dense(3, activation="relu", name="d").get_config()
>>> cfg["units"], cfg["activation"], cfg["name"]
(3, 'relu', 'd')
"""

import codecs
import contextlib
import inspect
import marshal
import sys
import threading
import types
import warnings

import numpy as np

from scopeflow.keras.object_registration import with_custom_objects

# Keras' own keyword arguments, kept apart from a layer's (its input shape is written as
# `batch_input_shape`)
_SKIP = ("name", "trainable", "dtype", "input_shape", "batch_input_shape", "batch_size",
         "input_dim", "weights", "input_length")


def record_init(layer, cls, args, kwargs):
    """Keeps the arguments of the outermost constructor call (the user's), and those of the
    outermost built-in class's for a user's subclass of a built-in layer (its config is the
    built-in's, as Keras')."""
    if "_init_args" in layer.__dict__:
        return
    init = cls.__dict__["__init__"]
    var_kw = "kwargs"
    try:
        params = inspect.signature(init).parameters
        var_kw = next((p.name for p in params.values() if p.kind == p.VAR_KEYWORD), var_kw)
        sig = inspect.signature(init).bind(layer, *args, **kwargs)
        passed = dict(sig.arguments)
        passed.update(passed.pop(var_kw, {}))
        passed.pop("self", None)
        layer.__dict__.setdefault("_passed_args", passed)  # a subclassed Model's config
        sig.apply_defaults()  # Keras writes every argument, defaults too
        bound = sig.arguments
    except TypeError:
        bound = dict(kwargs)
    builtin = next(c for c in type(layer).__mro__ if c.__module__.split(".")[0] == "scopeflow")
    if cls.__module__.split(".")[0] != "scopeflow" and builtin.__name__ not in (
            "Layer", "Model"):
        return  # the built-in class's constructor records its arguments
    flat = {k: v for k, v in bound.items() if k not in ("self", "name", "trainable", "dtype",
                                                         var_kw)}
    flat.update((k, v) for k, v in bound.get(var_kw, {}).items() if k not in _SKIP)
    layer.__dict__["_init_args"] = flat


def serialize(value):
    """A JSON-able form of a constructor argument, as Keras writes it."""
    from scopeflow.keras.engine.base_layer import Layer
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [serialize(v) for v in value]
    if isinstance(value, dict):
        return {k: serialize(v) for k, v in value.items()}
    if isinstance(value, Layer):
        return class_and_config(type(value).__name__, value.get_config(), value)
    if inspect.isfunction(value) or inspect.isbuiltin(value):
        if value.__name__ == "<lambda>":
            raise ValueError("A lambda cannot be saved in a Keras config; give a named "
                             "function and pass it in `custom_objects` when loading.")
        return value.__name__
    get_config = getattr(value, "get_config", None)
    config = get_config() if callable(get_config) else \
        {k: v for k, v in vars(value).items() if not k.startswith("_")}
    return class_and_config(type(value).__name__, serialize(config), value)


_SHARED = threading.local()  # the open shared-object scope of a functional model's config


@contextlib.contextmanager
def shared_object_scope():
    """Keras' shared-object saving while a functional model's config is written: every object
    serialized gets an id in the order its config is finished; one serialized again (an RNN
    layer's initializers, seen again in its cell) carries `shared_object_id` in its config."""
    if getattr(_SHARED, "scope", None) is not None:
        yield
        return
    _SHARED.scope = {"next": 0, "seen": {}, "keep": []}
    try:
        yield
    finally:
        _SHARED.scope = None


def class_and_config(class_name, config, obj):
    """`{"class_name", "config"}` of `obj`; inside a shared-object scope, the same dict for
    an object seen before, marked with its id."""
    base = {"class_name": class_name, "config": config}
    scope = getattr(_SHARED, "scope", None)
    if scope is None:
        return base
    entry = scope["seen"].get(id(obj))
    if entry is None:
        scope["seen"][id(obj)] = [base, scope["next"], 1]
        scope["next"] += 1
        scope["keep"].append(obj)  # ids stay unique while the scope is open
        return base
    if entry[2] == 1:
        entry[0]["shared_object_id"] = entry[1]
    entry[2] += 1
    return entry[0]


def json_default(value):
    return serialize(value)


def layer_base_config(layer):
    """What every layer's config starts with: name, trainable, input shape, dtype (None until
    the layer is built or given one)."""
    config = {"name": layer.name, "trainable": layer.trainable}
    if layer._batch_input_shape is not None:
        config["batch_input_shape"] = list(layer._batch_input_shape)
    config["dtype"] = getattr(layer.dtype, "name", layer.dtype)
    return config


def subclassed_model_config(model):
    """tf_keras' config of a subclassed model without get_config: the arguments its
    constructor was given when all are plain values (str, numbers, None, nested), else {}."""
    passed = dict(model.__dict__.get("_passed_args", {}))
    plain = (str, int, float, bool, type(None))

    def is_plain(v):
        if isinstance(v, (list, tuple)):
            return all(is_plain(x) for x in v)
        if isinstance(v, dict):
            return all(is_plain(x) for x in v.values())
        return isinstance(v, plain)
    if not is_plain(passed):
        warnings.warn("Model's `__init__()` arguments contain non-serializable objects. "
                      "Please implement a `get_config()` method in the subclassed Model "
                      "for proper saving and loading. Defaulting to empty config.")
        return {}
    params = inspect.signature(type(model).__init__).parameters.values()
    if any(p.kind == p.VAR_KEYWORD and p.name == "kwargs" for p in params):
        return dict(layer_base_config(model), **passed)
    named = {p.name for p in params}
    return {k: v for k, v in passed.items() if k in named}


def layer_config(layer):
    config = layer_base_config(layer)
    for key, value in layer.__dict__.get("_init_args", {}).items():
        held = layer.__dict__.get(key)  # the layer's normalized value, as Keras reads it
        if isinstance(held, (tuple, list, str)) and key in _NORMALIZED:
            value = list(held) if isinstance(held, tuple) else held
        config[key] = serialize(resolved_argument(key, value))
    return config


# arguments a layer normalizes (an int to a tuple per axis, None to a default) and Keras'
# configs write normalized
_NORMALIZED = ("pool_size", "strides", "padding", "data_format", "size", "cropping",
               "kernel_size", "dilation_rate")


def resolved_argument(key, value):
    """An argument as the layer holds it: initializers, regularizers and constraints as
    objects (a name or None given), activations as functions (None: linear)."""
    from scopeflow.keras import activations, constraints, initializers, regularizers
    if key.endswith("activation"):
        return activations.serialize(activations.get(value))
    for suffix, module in (("initializer", initializers), ("regularizer", regularizers),
                           ("constraint", constraints)):
        if key.endswith(suffix) and value is not None:
            return module.get(value)
    return value


def function_config(fn, allow_raw=False):
    """`(value, type, module)` of a Lambda's function as Keras writes it: a Python function as
    `(base64 marshalled code, defaults, closure values)` of type 'lambda', another callable by
    name ('function'), anything else as itself ('raw', where allowed)."""
    if isinstance(fn, types.FunctionType):
        code = codecs.encode(marshal.dumps(fn.__code__), "base64").decode("ascii")
        closure = tuple(c.cell_contents for c in fn.__closure__) if fn.__closure__ else None
        return (code, fn.__defaults__, closure), "lambda", fn.__module__
    if callable(fn):
        return fn.__name__, "function", fn.__module__
    if allow_raw:
        return fn, "raw", None
    raise ValueError("Invalid input for serialization, type: %s " % type(fn))


def function_from_config(kind, value, module, custom_objects=None):
    """The function `function_config` described; bytecode runs with the globals of its module
    (when imported) and the custom objects."""
    custom_objects = with_custom_objects(custom_objects)
    if kind == "raw":
        return value
    if kind == "function":
        if value not in custom_objects:
            raise AttributeError("Unknown function in Lambda layer: %r. Pass it in "
                                 "`custom_objects` or register it (tf.keras.utils."
                                 "get_custom_objects)." % (value,))
        return custom_objects[value]
    if kind != "lambda":
        raise TypeError("Unsupported value for `function_type` argument. Received: "
                        "function_type=%s. Expected one of ['function', 'lambda', 'raw']"
                        % kind)
    from scopeflow.keras import backend
    from scopeflow.layers.core import tf_api
    globs = {"tf": tf_api(), "np": np, "backend": backend, "K": backend}
    if module in sys.modules:
        globs.update(vars(sys.modules[module]))
    elif module is not None:
        warnings.warn("%s is not loaded, but a Lambda layer uses it. It may cause errors."
                      % module, UserWarning, stacklevel=2)
    globs.update(custom_objects)
    code, defaults, closure = value
    code = marshal.loads(codecs.decode(code.encode("ascii"), "base64"))
    cells = tuple(types.CellType(v) for v in closure) if closure is not None else None
    return types.FunctionType(code, globs, code.co_name,
                              tuple(defaults) if defaults is not None else None, cells)


def _classes(custom_objects):
    from scopeflow.keras import layers
    from scopeflow.keras.engine.functional import Model, Sequential
    from scopeflow.keras.engine.input_layer import InputLayer
    table = {name: getattr(layers, name) for name in dir(layers)
             if isinstance(getattr(layers, name), type)}
    table.update(InputLayer=InputLayer, Sequential=Sequential, Functional=Model, Model=Model)
    table.update(with_custom_objects(custom_objects))
    return table


def layer_from_config(config, custom_objects=None):
    table = _classes(custom_objects)
    name = config["class_name"]
    if name not in table:
        raise ValueError("Unknown layer: %s. Please ensure this object is passed to the "
                         "`custom_objects` argument." % name)
    cls = table[name]
    if name in ("Sequential", "Functional", "Model"):
        return model_from_config(config, custom_objects)
    inner = {k: layer_from_config(v, custom_objects)
             if isinstance(v, dict) and v.get("class_name") in table else v
             for k, v in config["config"].items()}
    if "custom_objects" in inspect.signature(cls.from_config).parameters:
        return cls.from_config(inner, custom_objects=custom_objects)
    return cls.from_config(inner)


def model_class_name(model):
    from scopeflow.keras.engine.functional import Sequential
    if isinstance(model, Sequential):
        return "Sequential"
    if not model._is_graph_network:
        raise NotImplementedError("Saving the model to HDF5 format requires the model to be a "
                                  "Functional model or a Sequential model. It does not work "
                                  "for subclassed models, because such models are defined via "
                                  "the body of a Python method, which isn't safely "
                                  "serializable.")
    return "Functional"


def model_from_config(config, custom_objects=None, created=None, inputs=None):
    """A Sequential or functional model from its `{"class_name", "config"}`; a functional
    model's layers named in `created` (a revived model's, a clone's) are those, not new
    ones, and its input layers named in `inputs` are those tensors (`clone_model`)."""
    from scopeflow.keras.engine.functional import Model, Sequential
    from scopeflow.keras.engine.input_layer import Input
    cfg = config["config"]
    if config["class_name"] == "Sequential":
        model = Sequential(name=cfg.get("name"))
        for conf in cfg["layers"]:
            if conf["class_name"] == "InputLayer":
                c = conf["config"]
                model.add(Input(batch_shape=c.get("batch_input_shape"), dtype=c.get("dtype"),
                                name=c.get("name")))
            else:
                model.add(layer_from_config(conf, custom_objects))
        return model
    layers, outputs = {}, {}
    pending = []
    for conf in cfg["layers"]:
        if conf["name"] in (inputs or {}):
            outputs[(conf["name"], 0)] = [inputs[conf["name"]]]
            continue
        layer = (created or {}).get(conf["name"]) or layer_from_config(conf, custom_objects)
        layers[conf["name"]] = layer
        if conf["class_name"] == "InputLayer":
            outputs[(conf["name"], 0)] = [layer._inbound_nodes[0].outputs]
        for node in conf.get("inbound_nodes", []):
            pending.append((conf["name"], node))
    while pending:  # a node is called once the nodes of its inputs are
        left = []
        for name, node in pending:
            refs = [(r[0], r[1], r[2]) for r in node]
            if not all((r[0], r[1]) in outputs for r in refs):
                left.append((name, node))
                continue
            args = [outputs[(r[0], r[1])][r[2]] for r in refs]
            kwargs = node[0][3] if len(node[0]) > 3 else {}
            out = layers[name](args[0] if len(args) == 1 else args, **kwargs)
            index = sum(1 for k in outputs if k[0] == name)
            outputs[(name, index)] = out if isinstance(out, list) else [out]
        if len(left) == len(pending):
            raise ValueError("Cannot rebuild the model: a layer's inputs are never made.")
        pending = left

    def tensors(refs):
        return [outputs[(r[0], r[1])][r[2]] for r in refs]

    ins, outs = tensors(cfg["input_layers"]), tensors(cfg["output_layers"])
    return Model(ins[0] if len(ins) == 1 else ins, outs[0] if len(outs) == 1 else outs,
                 name=cfg.get("name"))


def model_config(model):
    """The config of a Sequential or functional model, as Keras writes it."""
    from scopeflow.keras.engine.functional import Sequential
    from scopeflow.keras.engine.input_layer import InputLayer
    if isinstance(model, Sequential):
        layers = []
        if model.inputs:
            hist_layer = _history(model.inputs[0])
            # (not when built on a fit's tensor: tf_keras' `_set_inputs` makes no InputLayer)
            if isinstance(hist_layer, InputLayer) and not getattr(model, "_on_tensor", False):
                layers.append({"class_name": "InputLayer", "config": hist_layer.get_config()})
        layers += [{"class_name": type(la).__name__, "config": la.get_config()}
                   for la in model.layers]
        return {"name": model.name, "layers": layers}
    own = {id(n) for n in model._nodes}
    index = {}
    for layer in model.layers:
        kept = [n for n in layer._inbound_nodes if id(n) in own]
        for i, n in enumerate(kept):
            index[id(n)] = i

    def ref(t):
        from scopeflow.keras.engine.node import keras_history
        layer, node_index, tensor_index = keras_history(t)
        return [layer.name, index[id(layer._inbound_nodes[node_index])], tensor_index]

    layers = []
    with shared_object_scope():
        for layer in model.layers:
            nodes = [n for n in layer._inbound_nodes if id(n) in own and
                     not isinstance(layer, InputLayer)]
            entry = dict(class_and_config(type(layer).__name__, layer.get_config(), layer))
            entry.update(name=layer.name, inbound_nodes=[
                [ref(t) + [_call_kwargs(n, ref)] for t in n.input_tensors] for n in nodes])
            layers.append(entry)
    return {"name": model.name, "trainable": model.trainable, "layers": layers,
            "input_layers": [ref(t) for t in model.inputs],
            "output_layers": [ref(t) for t in model.outputs]}


def _call_kwargs(node, ref):
    """The keywords a layer was called with (`training`, a Bidirectional's None
    `initial_state`, ...), Keras tensors as references, arrays as lists, as tf_keras."""
    from scopeflow.keras.engine.node import keras_history
    from scopeflow.ops import nest

    def plain(v):
        if hasattr(v, "op") and keras_history(v) is not None:
            return ref(v)
        return v.tolist() if isinstance(v, np.ndarray) else v
    return {k: nest.map_structure(plain, v) for k, v in node.kwargs.items()}


def _history(t):
    from scopeflow.keras.engine.node import keras_history
    hist = keras_history(t)
    return hist[0] if hist else None


def optimizer_config(opt):
    return {"class_name": type(opt).__name__, "config": opt.get_config()}


def training_config(model):
    from scopeflow.keras.optimizers import Optimizer
    if not getattr(model, "_compiled", False) or not isinstance(model.optimizer, Optimizer):
        return None
    return {"loss": serialize(model.loss), "metrics": serialize(model._metrics_spec or []),
            "loss_weights": serialize(model._loss_weights_spec),
            "sample_weight_mode": serialize(model._sample_weight_mode),
            "weighted_metrics": serialize(model._weighted_spec),
            "optimizer_config": optimizer_config(model.optimizer)}


def compile_from(model, training, custom_objects=None):
    """Compiles a loaded model as its file says (losses and metrics by name)."""
    from scopeflow.keras import optimizers
    opt = training.get("optimizer_config")
    optimizer = "rmsprop"
    if opt:
        # TF 2's Keras registers its optimizers as `Custom>SGD`
        cls = optimizers._BY_NAME.get(opt["class_name"].split(">")[-1].lower())
        # (the fields only TF 2's optimizers have: tf_keras' convert_to_legacy_optimizer
        # drops them)
        config = {k: v for k, v in opt["config"].items() if k not in (
            "weight_decay", "use_ema", "ema_momentum", "ema_overwrite_frequency", "jit_compile",
            "is_legacy_optimizer")}
        optimizer = cls.from_config(config) if cls is not None else opt["class_name"]

    custom_objects = with_custom_objects(custom_objects)

    def known(x):
        return custom_objects.get(x, x) if isinstance(x, str) else x

    loss = training.get("loss")
    loss = {k: known(v) for k, v in loss.items()} if isinstance(loss, dict) else \
        [known(v) for v in loss] if isinstance(loss, list) else known(loss)
    model.compile(optimizer=optimizer, loss=loss, metrics=training.get("metrics"),
                  loss_weights=training.get("loss_weights"),
                  sample_weight_mode=training.get("sample_weight_mode"),
                  weighted_metrics=training.get("weighted_metrics"))
