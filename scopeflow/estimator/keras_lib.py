"""`tf.keras.estimator.model_to_estimator` (tf.compat.v1): an Estimator whose model_fn clones
a compiled Keras model on the input_fn's features, compiles the clone on its labels (the
optimizer rebuilt from its config, stepping the global step) and returns the loss, the
Keras train op, the compiled metrics as eval metric ops (Keras' names) and the outputs as
predictions (keyed by output layer names). The model's current weights are saved first in
`<model_dir>/keras/keras_model.ckpt`, which the Estimator warm-starts from (as TF does).
Features are a dict keyed by input layer names, a list, or one tensor; a dict with exactly
the keys `features` and `sample_weights` carries sample weights."""

import os

from scopeflow.estimator._tf import tf
from scopeflow.estimator.mode_keys import ModeKeys

_DEFAULT_SERVING_KEY = "serving_default"


class FormattedKeyError(KeyError):
    """KeyError whose message prints as given (newlines kept)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return self.message


def _convert_tensor(x):
    t = tf()
    return x if t.is_tensor(x) else t.convert_to_tensor_or_sparse_tensor(x)


def _ordered(obj, key_order, obj_name, order_name):
    if obj is None:
        return None
    if isinstance(obj, (list, tuple)):
        return [_convert_tensor(x) for x in obj]
    if isinstance(obj, dict):
        different_keys = set(key_order) - set(obj.keys())
        if different_keys:
            raise FormattedKeyError(
                "The dictionary passed into {obj_name} does not cover requested "
                "{order_name} keys defined in the keras model."
                "\n\tExpected keys: {order_keys}"
                "\n\t{obj_name} keys: {obj_keys}"
                "\n\tMissed keys: {different_keys}".format(
                    order_name=order_name, order_keys=set(key_order), obj_name=obj_name,
                    obj_keys=set(obj.keys()), different_keys=different_keys))
        return [_convert_tensor(obj[key]) for key in key_order]
    return [_convert_tensor(obj)]


def _extract_sample_weights(features):
    if isinstance(features, dict) and set(features.keys()) == {"features", "sample_weights"}:
        return features["features"], features["sample_weights"]
    return features, None


def _input_names(model):
    from scopeflow.keras.serialization import _history
    return [_history(t).name for t in model.inputs]


def _output_names(model):
    return [model._output_name(o) for o in model.outputs]


def _convert_estimator_io_to_keras(keras_model, features, labels):
    features, sample_weights = _extract_sample_weights(features)
    input_names = output_names = None
    if isinstance(features, dict):
        input_names = _input_names(keras_model)
    if isinstance(labels, dict):
        output_names = _output_names(keras_model)
    inputs = _ordered(features, input_names, "features", "inputs")
    targets = _ordered(labels, output_names, "labels", "outputs")
    return inputs, targets, sample_weights


def standardize_sample_weights(x_weight, output_names):
    """One sample weight (or None) per output, from a tensor, list or dict (TF's rules)."""
    if x_weight is None or (isinstance(x_weight, (list, tuple)) and not x_weight):
        return [None for _ in output_names]
    if len(output_names) == 1:
        if isinstance(x_weight, (list, tuple)) and len(x_weight) == 1:
            return list(x_weight)
        if isinstance(x_weight, dict) and output_names[0] in x_weight:
            return [x_weight[output_names[0]]]
        return [x_weight]
    if isinstance(x_weight, (list, tuple)):
        if len(x_weight) != len(output_names):
            raise ValueError("Provided `sample_weights` was a list of " + str(len(x_weight)) +
                             " elements, but the model has " + str(len(output_names)) +
                             " outputs. You should provide one `sample_weights`array per "
                             "model output.")
        return list(x_weight)
    if isinstance(x_weight, dict):
        unknown = set(x_weight.keys()).difference(output_names)
        if unknown:
            raise ValueError("Unknown entries in sample_weights dictionary: {}. Only expected "
                             "following keys: {}".format(list(unknown), output_names))
        return [x_weight.get(name) for name in output_names]
    raise TypeError("The model has multiple outputs, so `sample_weights` should be either a "
                    "list or a dict. Provided `sample_weights` type not understood: " +
                    str(x_weight))


def _clone_optimizer(keras_model, optimizer_config, iterations):
    """A new optimizer of the model's class and config (a wrapped tf.train optimizer kept)
    whose step count is `iterations` (the global step), as tf_keras' clone_and_build_model."""
    from scopeflow.keras.optimizers import TFOptimizer
    opt = keras_model.optimizer
    if isinstance(opt, TFOptimizer):
        clone = TFOptimizer.__new__(TFOptimizer)
        clone.optimizer, clone._name, clone.iterations = opt.optimizer, opt._name, iterations
        return clone
    clone = opt.__class__.from_config(optimizer_config or opt.get_config())
    clone._iterations = iterations  # Keras' `optimizer.iterations = global_step`
    return clone


def _clone_and_build_model(mode, keras_model, custom_objects, features=None, labels=None,
                           optimizer_config=None):
    """The model cloned on the features (on fresh inputs when None), compiled on the labels
    unless predicting, in the learning phase of `mode`."""
    from scopeflow.keras import backend as K
    from scopeflow.keras.models_clone import clone_model
    from scopeflow.keras.object_registration import CustomObjectScope
    t = tf()
    K.set_learning_phase(1 if mode == ModeKeys.TRAIN else 0)
    inputs, targets, sample_weights = _convert_estimator_io_to_keras(keras_model, features,
                                                                     labels)
    with CustomObjectScope(custom_objects or {}):
        clone = clone_model(keras_model, input_tensors=inputs)
    if mode == ModeKeys.PREDICT:
        return clone
    global_step = t.train.get_or_create_global_step()
    K.track_variable(global_step)
    optimizer = _clone_optimizer(keras_model, optimizer_config, global_step)
    mode_spec = keras_model._sample_weight_mode
    if sample_weights is not None and mode_spec is None:
        mode_spec = "samplewise"
    clone.compile(optimizer, keras_model.loss, metrics=keras_model._metrics_spec,
                  loss_weights=keras_model._loss_weights_spec, sample_weight_mode=mode_spec,
                  weighted_metrics=keras_model._weighted_spec, target_tensors=targets)
    if sample_weights is not None:
        weights = standardize_sample_weights(sample_weights, _output_names(clone))
        clone.sample_weights = [w if w is None else t.cast(_convert_tensor(w), K.floatx())
                                for w in weights]
        _rebuild_with_weights(clone)
    return clone


def _rebuild_with_weights(clone):
    """The loss and metrics rebuilt on the given sample weight tensors."""
    given = clone.sample_weights
    clone._sample_weight_input = lambda out: given[clone.outputs.index(out)]
    clone._build_loss_and_metrics()


def _convert_keras_metrics_to_estimator(model, metric_names_map=None):
    """{name: (value, update)} of the compiled metrics (not the per-output losses); their
    variables join the local and metric variables (initialized by the Estimator)."""
    t = tf()
    pairs = [(obj, tensor) for obj, tensor in zip(model._compile_metric_objects,
                                                  model._metric_tensors)
             if not _is_output_loss(model, obj)]
    if not pairs:
        return None
    names = [obj.name for obj, _ in pairs]
    if metric_names_map:
        custom_keys, expected = set(metric_names_map.keys()), set(names)
        unknown = expected.difference(custom_keys)
        if unknown:
            raise ValueError("Invalid `metric_names_map`. The following keras model metric "
                             'names:"{}" do not exist in the `metric_names_map` '
                             "dictionary".format(list(unknown)))
        extra = custom_keys.difference(expected)
        if extra:
            raise ValueError("Invalid `metric_names_map`. There are unexpected keys in the "
                             "`metric_names_map` dictionary. Expected keys: {}, Received: "
                             "{}".format(list(expected), list(extra)))
        names = [metric_names_map[n] for n in names]
    ops = {}
    for name, (obj, tensor) in zip(names, pairs):
        for key in (t.GraphKeys.LOCAL_VARIABLES, t.GraphKeys.METRIC_VARIABLES):
            collection = t.get_collection_ref(key)
            collection.extend(v for v in obj.variables if v not in collection)
        ops[name] = (obj.result(), tensor)
    return ops


def _is_output_loss(model, obj):
    return len(model.outputs) > 1 and obj.name in {n + "_loss" for n in _output_names(model)}


def _optimizer_config(keras_model):
    try:
        return keras_model.optimizer.get_config()
    except (NotImplementedError, AttributeError):
        return None


def _create_keras_model_fn(keras_model, custom_objects=None, save_object_ckpt=False,
                           metric_names_map=None, export_outputs=None):
    optimizer_config = _optimizer_config(keras_model)

    def model_fn(features, labels, mode):
        from scopeflow.estimator.export_output import PredictOutput
        from scopeflow.estimator.model_fn import EstimatorSpec
        model = _clone_and_build_model(mode, keras_model, custom_objects, features, labels,
                                       optimizer_config)
        output_names = _output_names(model)
        predictions = dict(zip(output_names, model.outputs))
        loss = train_op = eval_metric_ops = None
        if mode != ModeKeys.PREDICT:
            loss = model.total_loss
            eval_metric_ops = _convert_keras_metrics_to_estimator(model, metric_names_map)
        if mode == ModeKeys.TRAIN:
            train_op = model._make_train_function()[1]
        final_export_outputs = {_DEFAULT_SERVING_KEY: PredictOutput(predictions)}
        if export_outputs is not None:
            different_keys = set(export_outputs.keys()) - set(output_names)
            if different_keys:
                raise FormattedKeyError(
                    "The list passed into {obj_name} does not cover requested "
                    "{order_name} keys defined in the keras model."
                    "\n\tExpected keys: {order_keys}"
                    "\n\t{obj_name} keys: {obj_keys}"
                    "\n\tMissed keys: {different_keys}".format(
                        order_name=export_outputs, order_keys=set(export_outputs.keys()),
                        obj_name=output_names, obj_keys=set(output_names),
                        different_keys=different_keys))
            for key, cls in export_outputs.items():
                final_export_outputs[key] = cls(predictions[key])
        return EstimatorSpec(mode=mode, predictions=predictions, loss=loss, train_op=train_op,
                             eval_metric_ops=eval_metric_ops,
                             export_outputs=final_export_outputs)

    return model_fn


def _save_first_checkpoint(keras_model, custom_objects, config, save_object_ckpt):
    """`<model_dir>/keras/keras_model.ckpt`: the clone's variables holding the model's
    weights (made once; a later call finds it)."""
    from scopeflow.keras import backend as K
    t = tf()
    keras_model_dir = os.path.join(config.model_dir, "keras")
    latest_path = t.train.latest_checkpoint(keras_model_dir)
    if latest_path:
        return latest_path
    keras_weights = keras_model.get_weights()
    optimizer_config = _optimizer_config(keras_model)  # read in the model's graph
    if not t.gfile.IsDirectory(keras_model_dir):
        t.gfile.MakeDirs(keras_model_dir)
    with t.Graph().as_default():
        t.random.set_random_seed(config.tf_random_seed)
        t.train.create_global_step()
        model = _clone_and_build_model(ModeKeys.TRAIN, keras_model, custom_objects,
                                       optimizer_config=optimizer_config)
        model._make_train_function()
        with t.Session(config=config.session_config) as sess:
            K._initialize_variables(sess)
            with sess.as_default():
                if keras_weights:
                    model.set_weights(keras_weights)
            latest_path = os.path.join(keras_model_dir, "keras_model.ckpt")
            if save_object_ckpt:
                with sess.as_default():
                    model.save_weights(latest_path)
            else:
                t.train.Saver().save(sess, latest_path)
    return latest_path


def model_to_estimator(keras_model=None, keras_model_path=None, custom_objects=None,
                       model_dir=None, config=None, checkpoint_format="saver",
                       metric_names_map=None, export_outputs=None):
    from scopeflow.estimator.estimator import (Estimator,
                                               maybe_overwrite_model_dir_and_session_config)
    from scopeflow.keras.engine.functional import Sequential
    if not (keras_model or keras_model_path):
        raise ValueError("Either `keras_model` or `keras_model_path` needs to be provided.")
    if keras_model and keras_model_path:
        raise ValueError("Please specity either `keras_model` or `keras_model_path`, but not "
                         "both.")
    config = maybe_overwrite_model_dir_and_session_config(config, model_dir)
    if not keras_model:
        if keras_model_path.startswith("gs://") or "storage.googleapis.com" in keras_model_path:
            raise TypeError("Could not save model to Google cloud storage; please install "
                            "`google-cloud-storage` via `pip install google-cloud-storage`.")
        from scopeflow.keras.models import load_model
        keras_model = load_model(keras_model_path)
    is_graph_network = getattr(keras_model, "_is_graph_network", False) or \
        isinstance(keras_model, Sequential)
    if checkpoint_format is None or checkpoint_format == "checkpoint":
        if not is_graph_network:
            raise ValueError("Object-based checkpoints are currently not supported with "
                             "subclassed models.")
        raise NotImplementedError(
            "scopeflow's model_to_estimator saves name-based (`checkpoint_format='saver'`) "
            "checkpoints only; object-based ones are not supported yet.")
    elif checkpoint_format == "saver":
        save_object_ckpt = False
    else:
        raise ValueError('Checkpoint format must be one of "checkpoint" or "saver". Got {}'
                         .format(checkpoint_format))
    if not getattr(keras_model, "optimizer", None):
        raise ValueError("The given keras model has not been compiled yet. Please compile the "
                         "model with `model.compile()` before calling `model_to_estimator()`.")
    model_fn = _create_keras_model_fn(keras_model, custom_objects, save_object_ckpt,
                                      metric_names_map, export_outputs)
    warm_start_path = None
    if is_graph_network and config.is_chief:
        warm_start_path = _save_first_checkpoint(keras_model, custom_objects, config,
                                                 save_object_ckpt)
    return Estimator(model_fn, config=config, warm_start_from=warm_start_path)
