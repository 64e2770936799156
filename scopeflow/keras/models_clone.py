"""`tf.keras.models.clone_model`: a model of the same structure with new layers (each made
by `clone_function`, by default from its config: same names, new weights), on new inputs
or on `input_tensors`, as tf_keras clones in graph mode."""


def _clone_layer(layer):
    return layer.__class__.from_config(layer.get_config())


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _keras_input(tensor):
    """`tensor` itself when a Keras layer made it, else wrapped in an InputLayer."""
    from scopeflow.keras.engine.input_layer import Input
    from scopeflow.keras.serialization import _history
    return tensor if _history(tensor) is not None else Input(tensor=tensor)


def _input_layer_of(model):
    from scopeflow.keras.engine.input_layer import InputLayer
    from scopeflow.keras.serialization import _history
    layer = _history(model.inputs[0]) if model.inputs else None
    return layer if isinstance(layer, InputLayer) else None


def _clone_sequential(model, input_tensors, clone):
    from scopeflow.keras.engine.functional import Sequential
    from scopeflow.keras.engine.input_layer import Input
    new = Sequential(name=model.name)
    if input_tensors is not None:
        tensors = _as_list(input_tensors)
        if len(tensors) != 1:
            raise ValueError("To clone a `Sequential` model, we expect at most one tensor as "
                             "part of `input_tensors`. Received: input_tensors=%s"
                             % (input_tensors,))
        new.add(_keras_input(tensors[0]))
    else:
        first = _input_layer_of(model)
        if first is not None:
            c = first.get_config()
            new.add(Input(batch_shape=c.get("batch_input_shape"), dtype=c.get("dtype"),
                          sparse=c.get("sparse", False), name=c.get("name")))
    for layer in model.layers:
        new.add(clone(layer))
    return new


def _clone_functional(model, input_tensors, clone):
    from scopeflow.keras.engine.input_layer import InputLayer
    from scopeflow.keras.serialization import _history, model_from_config
    config = {"class_name": "Functional", "config": model.get_config()}
    created = {layer.name: clone(layer) for layer in model.layers
               if not isinstance(layer, InputLayer)}
    inputs = None
    if input_tensors is not None:
        tensors = _as_list(input_tensors)
        if len(tensors) != len(model.inputs):
            raise ValueError("Model has %d inputs, but `input_tensors` has %d." %
                             (len(model.inputs), len(tensors)))
        inputs = {_history(t).name: _keras_input(given)
                  for t, given in zip(model.inputs, tensors)}
    return model_from_config(config, created=created, inputs=inputs)


def clone_model(model, input_tensors=None, clone_function=None):
    from scopeflow.keras.engine.functional import Sequential
    clone = clone_function or _clone_layer
    if isinstance(model, Sequential):
        return _clone_sequential(model, input_tensors, clone)
    if getattr(model, "_is_graph_network", False):
        return _clone_functional(model, input_tensors, clone)
    return clone(model)  # (a subclassed model: from its config, as Keras)
