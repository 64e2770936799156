"""`compile` and the per-batch steps of TF1 graph-mode Keras: one Session.run per batch.

`compile` adds target placeholders (`<output layer>_target`), the loss (`loss/...`) and the
compiled metrics (stateful Mean metrics: cumulative until reset); the training step
(`training/<Optimizer>/...`) is built at the first `fit` or `train_on_batch`. Sample weights
enter through `<output layer>_sample_weights` placeholders, made (and the loss rebuilt, as
Keras recompiles) the first time weights are given.
"""

import numpy as np

from scopeflow.core.tensor import is_tensor
from scopeflow.keras import backend as K
from scopeflow.keras import losses as _losses
from scopeflow.keras import optimizers as _optimizers
from scopeflow.keras.engine import data_adapter as _data
from scopeflow.keras.engine.training_loops import LoopsMixin
from scopeflow.layers.core import tf_api


class TrainingMixin(LoopsMixin):
    """What a Model adds for training: compile, the *_on_batch forms, fit/evaluate/predict."""

    def _init_training(self):
        self.optimizer, self._compiled, self.history = None, False, None
        self.stop_training = False
        self._train_fn = self._test_fn = None
        self._compile_metric_objects = []

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                sample_weight_mode=None, weighted_metrics=None, target_tensors=None, **kwargs):
        tf = tf_api()
        self.optimizer = _optimizers.get(optimizer)
        outputs = self.outputs
        if not outputs and hasattr(self, "_build_from_data"):  # built by the first fit
            self._pending_compile = {"optimizer": self.optimizer, "loss": loss,
                                     "metrics": metrics, "loss_weights": loss_weights,
                                     "sample_weight_mode": sample_weight_mode,
                                     "weighted_metrics": weighted_metrics,
                                     "target_tensors": target_tensors}
            return
        if not outputs:
            raise RuntimeError("You must compile a model that has inputs and outputs: call it "
                               "on a Keras Input or give its first layer an `input_shape`.")
        loss_fns = loss if isinstance(loss, (list, tuple)) else [loss] * len(outputs)
        if isinstance(loss, dict):
            loss_fns = [loss[self._output_name(o)] for o in outputs]
        self.loss, self._loss_fns = loss, [_losses.get(fn) for fn in loss_fns]
        self._loss_weights = loss_weights or [1.0] * len(outputs)
        if isinstance(loss_weights, dict):  # by output name; a missing one weighs 1 (Keras)
            self._loss_weights = [loss_weights.get(self._output_name(o), 1.0)
                                  for o in outputs]
        self._loss_weights_spec = loss_weights
        self._metrics_spec, self._weighted_spec = metrics, weighted_metrics
        self.targets = []
        given = _data.as_list(target_tensors) if target_tensors is not None else None
        for i, (out, fn) in enumerate(zip(outputs, self._loss_fns)):
            if given is not None and i < len(given) and given[i] is not None:
                self.targets.append(given[i])  # (Keras' target_tensors: no placeholder)
                continue
            shape = [None] * out.shape.ndims
            if fn is _losses.sparse_categorical_crossentropy:
                shape[-1] = 1
            self.targets.append(tf.placeholder(_target_dtype(fn, out), shape,
                                               name=self._output_name(out) + "_target"))
        self._sample_weight_mode = sample_weight_mode
        self._build_loss_and_metrics()
        self._compiled = True

    def _build_loss_and_metrics(self):
        """The total loss and metric tensors for the current sample-weight mode."""
        tf = tf_api()
        self.sample_weights = [self._sample_weight_input(out) for out in self.outputs]
        total, out_losses = None, []
        with tf.name_scope("loss"):
            masked = [_masked_weights(out, sw, True) for out, sw in zip(self.outputs,
                                                                         self.sample_weights)]
            for i, out in enumerate(self.outputs):
                fn, w, target = self._loss_fns[i], self._loss_weights[i], self.targets[i]
                with tf.name_scope(self._output_name(out) + "_loss"):
                    value = _weighted_mean(_per_sample_loss(fn, target, out), masked[i])
                out_losses.append(value)
                value = tf.multiply(tf.constant(float(w), name="mul/x"), value, name="mul")
                total = value if total is None else total + value
            for extra in self.losses:
                total = total + extra
        self.total_loss = total
        names, tensors, objects = [], [], []
        multi = len(self.outputs) > 1
        if multi:  # each output's loss, as a Mean over the batches
            from scopeflow.keras.metric_objects import Mean
            for out, value in zip(self.outputs, out_losses):
                m = Mean(name=self._output_name(out) + "_loss")
                names.append(m.name)
                with tf.name_scope(m.name):
                    tensors.append(m(value))
                objects.append(m)
        made = []  # (metric object, output index, weighted): all made before any is called
        for spec, weighted in ((self._metrics_spec, False), (self._weighted_spec, True)):
            for i, out in enumerate(self.outputs):
                prefix = self._output_name(out) + "_" if multi else ""
                made += [(_metric_object(m, self._loss_fns[i], out, weighted, prefix), i, weighted)
                         for m in _per_output(spec, i, self)]
        with tf.name_scope("metrics"):  # Keras' scope: ops (and lazily built weights) under it
            for obj, i, weighted in made:
                out = self.outputs[i]
                w = _masked_weights(out, self.sample_weights[i] if weighted else None)
                with tf.name_scope(obj.name):
                    tensors.append(obj(self.targets[i], out, sample_weight=w))
                names.append(obj.name)
                objects.append(obj)
        self._metric_names, self._metric_tensors = names, tensors
        self._compile_metric_objects = objects
        self.metrics_names = ["loss"] + names
        self._train_fn = self._test_fn = None

    def _sample_weight_input(self, out):
        tf = tf_api()
        mode = self._sample_weight_mode
        if isinstance(mode, dict):
            mode = mode.get(self._output_name(out))
        elif isinstance(mode, (list, tuple)):
            mode = mode[self.outputs.index(out)]
        if mode is None:
            return None
        if mode not in ("temporal", "samplewise"):
            raise ValueError('"sample_weight_mode should be None or "temporal". Found: %s'
                             % (mode,))
        default = [[1.0]] if mode == "temporal" else [1.0]
        shape = [None, None] if mode == "temporal" else [None]
        return tf.placeholder_with_default(tf.constant(default, K.floatx()), shape,
                                           name=self._output_name(out) + "_sample_weights")

    def _use_sample_weights(self):
        """Weights given to a model compiled without a mode: samplewise, loss rebuilt."""
        if self._sample_weight_mode is None and self._compiled:
            self._sample_weight_mode = "samplewise"
            self._build_loss_and_metrics()

    @property
    def metrics(self):
        return list(self._compile_metric_objects)

    def reset_metrics(self):
        for m in self._compile_metric_objects:
            m.reset_states()

    def _output_name(self, t):
        """Keras' name of output `t`: its layer's, `output_N` for a subclassed model's."""
        names = getattr(self, "_subclass_output_names", None) or ()
        for out, name in zip(self.outputs, names):
            if out is t:
                return name
        return self._output_layer(t).name

    def _output_layer(self, t):
        from scopeflow.keras.engine.node import keras_history
        hist = keras_history(t)
        return hist[0] if hist else self

    # ---- compiled functions ----------------------------------------------------------------
    def _build_with(self, x, y=None):
        """A deferred model is built on its first data, then compiled as was asked; on graph
        tensors (fit on an iterator's `get_next()`) it is built on them, and a target tensor
        is its target (tf_keras' `_set_inputs` and `target_tensors`): nothing to feed."""
        if self.outputs or not hasattr(self, "_build_from_data"):
            return
        self._build_from_data(_data.as_list(x)[0])
        pending = getattr(self, "_pending_compile", None)
        if pending is not None:
            self._pending_compile = None
            if _data.has_tensors(x) and _data.has_tensors(y):
                pending = dict(pending, target_tensors=y)
            self.compile(**pending)

    def _make_train_function(self):
        if self._train_fn is None:
            tf = tf_api()
            K.learning_phase_input()  # the train function is fed the phase (Keras makes it)
            known = {id(v) for v in tf.global_variables()}
            with tf.name_scope("training"):
                updates = self.optimizer.get_updates(self.total_loss, self.trainable_weights)
                updates = list(updates) + list(self.updates)
            fetches = [self.total_loss] + self._metric_tensors
            with tf.name_scope("training"):  # Keras' train function: a second scope
                self._train_fn = (fetches, _group_after(fetches[0], updates))
            for v in tf.global_variables():  # a tf.train optimizer's slots, initialized by
                if id(v) not in known:  # Keras' session like Keras' own variables
                    K.track_variable(v)
            from scopeflow.keras import checkpoint_weights
            checkpoint_weights.restore_deferred(self)  # slots load_weights read before
        return self._train_fn

    def _feed(self, x, y=None, training=False, weights=None):
        """The feed of one batch: inputs, targets, the sample weights when given."""
        feed = {t: _standardize(t, a) for t, a in zip(self.inputs, _data.as_list(x))}
        if y is not None:
            feed.update((t, _standardize(t, a)) for t, a in zip(self.targets, _data.as_list(y)))
        for t, w in zip(getattr(self, "sample_weights", []), weights or []):
            if t is not None and w is not None:
                feed[t] = w
        lp = K.learning_phase_feed()
        if lp != {}:
            feed[lp] = training
        return feed

    def _batch_weights(self, y, sample_weight, class_weight):
        """Per-output weight arrays (None where none apply); the model learns to take them."""
        if sample_weight is None and class_weight is None:
            return None
        self._use_sample_weights()
        ys = _data.as_list(y)
        sws = sample_weight if isinstance(sample_weight, (list, tuple)) else \
            [sample_weight] * len(ys)
        if isinstance(sample_weight, dict):
            sws = [sample_weight.get(self._output_name(o)) for o in self.outputs]
        cws = class_weight if isinstance(class_weight, (list, tuple)) else \
            [class_weight] * len(ys)
        if isinstance(class_weight, dict) and class_weight and \
                all(isinstance(k, str) for k in class_weight):
            cws = [class_weight.get(self._output_name(o)) for o in self.outputs]
        return [_data.standardize_weights(_standardize(t, a), sw, cw)
                for t, a, sw, cw in zip(self.targets, ys, sws, cws)]

    def _casts(self, kind):
        """The Cast ops a train / test / predict function wires between a fed tensor of another
        dtype and its placeholder, made once per function as tf_keras' callable makes them."""
        casts = self.__dict__.setdefault("_wire_casts", {})
        return casts.setdefault(kind, {})

    def _run_train_batch(self, x, y, weights):
        fetches, train_op = self._make_train_function()
        feed = self._feed(x, y, True, weights)
        return _run(fetches + [train_op], feed, self._casts("train"))[:-1]

    def _run_test_batch(self, x, y, weights):
        if self._test_fn is None:
            fetches = [self.total_loss] + self._metric_tensors
            with tf_api().name_scope("evaluation"):
                self._test_fn = (fetches, _group_after(fetches[0], self.state_updates))
        fetches, done = self._test_fn
        return _run(fetches + [done], self._feed(x, y, False, weights), self._casts("test"))[:-1]

    def _run_predict_batch(self, x):
        if getattr(self, "_predict_fn", None) is None:
            with tf_api().name_scope("predict"):
                self._predict_fn = (list(self.outputs),
                                    _group_after(self.outputs[0], self.state_updates))
        fetches, done = self._predict_fn
        return _run(fetches + [done], self._feed(x), self._casts("predict"))[:-1]

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       reset_metrics=True):
        self._build_with(x)
        weights = self._batch_weights(y, sample_weight, class_weight)
        values = self._run_train_batch(x, y, weights)
        if reset_metrics:
            self.reset_metrics()
        return _scalar_or_list(values)

    def test_on_batch(self, x, y=None, sample_weight=None, reset_metrics=True):
        self._build_with(x)
        weights = self._batch_weights(y, sample_weight, None)
        values = self._run_test_batch(x, y, weights)
        if reset_metrics:
            self.reset_metrics()
        return _scalar_or_list(values)

    def predict_on_batch(self, x):
        self._build_with(x)
        outs = self._run_predict_batch(x)
        return outs[0] if len(outs) == 1 else outs

    # ---- weights -----------------------------------------------------------------------------
    def get_weights(self):
        return K.batch_get_value(self.weights)

    def save_weights(self, filepath, overwrite=True, save_format=None):
        if _is_h5(filepath, save_format):
            from scopeflow.keras import hdf5
            return hdf5.save_weights(self, filepath)
        from scopeflow.keras import checkpoint_weights  # tf_keras' object-based checkpoint
        return checkpoint_weights.save(self, filepath)

    def load_weights(self, filepath, by_name=False, skip_mismatch=False):
        if _is_h5(filepath, None):
            from scopeflow.keras import hdf5
            return hdf5.load_weights(self, filepath, by_name, skip_mismatch)
        from scopeflow.keras import checkpoint_weights
        if checkpoint_weights.has_object_graph(filepath):
            checkpoint_weights.load(self, filepath)
            return None
        tf = tf_api()
        tf.train.Saver(self._checkpoint_map()).restore(K.get_session(), filepath)
        return None

    def save(self, filepath, overwrite=True, include_optimizer=True, save_format=None, **kw):
        """HDF5 (TF1 graph mode's default), or a SavedModel directory with `save_format="tf"`."""
        if save_format in ("tf", "tensorflow"):
            from scopeflow.keras import saved_model_export
            return saved_model_export.export(self, filepath, include_optimizer)
        from scopeflow.keras import hdf5
        return hdf5.save_model(self, filepath, include_optimizer)

    def _checkpoint_map(self):
        """Checkpoint keys as Keras' object graph names them (`layer_with_weights-0/kernel`)."""
        out, i = {}, 0
        for layer in self.layers:
            if not layer.weights:
                continue
            for w in layer.weights:
                attr = w.op.name.rsplit("/", 1)[-1]
                out["layer_with_weights-%d/%s/.ATTRIBUTES/VARIABLE_VALUE" % (i, attr)] = w
            i += 1
        return out


def _group_after(first, updates):
    """Keras' function op: the updates grouped (`group_deps`) after its first output."""
    tf = tf_api()
    with tf.control_dependencies([first]):
        return tf.group(*updates)


def _is_h5(filepath, save_format):
    if save_format is not None:
        return save_format in ("h5", "hdf5", "keras")
    return str(filepath).endswith((".h5", ".hdf5", ".keras"))


def _per_output(spec, index, model):
    """The metrics of output `index` from a list (every output) or a dict by output name."""
    if not spec:
        return []
    if isinstance(spec, dict):
        name = model._output_layer(model.outputs[index]).name
        got = spec.get(name, [])
        return got if isinstance(got, (list, tuple)) else [got]
    if isinstance(spec, (list, tuple)) and spec and isinstance(spec[0], (list, tuple)):
        return list(spec[index])
    return list(spec) if isinstance(spec, (list, tuple)) else [spec]


def _metric_object(m, loss_fn, out, weighted, prefix):
    """A compiled metric as a stateful object, named as Keras logs it."""
    from scopeflow.layers.base import to_snake_case
    from scopeflow.keras import metric_objects as mo
    if isinstance(m, str) and m[:1].isupper():  # a class name: "AUC" is a new AUC()
        from scopeflow.keras import metrics as _metrics
        # tf_keras' compile makes one (its variable names are taken), keeps one made from its
        # config (same name) and names one more, whose name is taken too: auc, auc_1
        first = _metrics.get(m)
        m = type(first).from_config(first.get_config())
        K.unique_object_name(to_snake_case(type(first).__name__))
    if isinstance(m, mo.Metric):
        return m
    fn, name = _metric_fn(m, loss_fn, out), _metric_name(m)
    return mo.MeanMetricWrapper(fn, name=prefix + ("weighted_" if weighted else "") + name)


def _metric_name(m):
    """v1 Keras' history keys: 'acc' for accuracy, a function's name otherwise."""
    if m in ("accuracy", "acc"):
        return "acc"
    if m in ("crossentropy", "ce"):
        return "ce"
    if isinstance(m, str):
        from scopeflow.keras import metrics as _metrics
        return getattr(_metrics.get(m), "__name__", m)
    return getattr(m, "__name__", type(m).__name__.lower())


def _metric_fn(m, loss_fn, out):
    """'accuracy' is the accuracy that fits the loss and the output's shape, as Keras picks."""
    from scopeflow.keras import metrics as _metrics
    if m in ("accuracy", "acc", "crossentropy", "ce"):
        acc = m in ("accuracy", "acc")
        if loss_fn is _losses.sparse_categorical_crossentropy:
            return _metrics.sparse_categorical_accuracy if acc else \
                _losses.sparse_categorical_crossentropy
        if loss_fn is _losses.binary_crossentropy or out.shape.as_list()[-1] == 1:
            return _metrics.binary_accuracy if acc else _losses.binary_crossentropy
        return _metrics.categorical_accuracy if acc else _losses.categorical_crossentropy
    return m if callable(m) else _metrics.get(m)


def _scalar_or_list(values):
    """*_on_batch results as tf_keras gives them: numpy scalars of the fetched dtype."""
    values = [np.asarray(v) if np.size(v) > 1 else
              np.asarray(v).ravel()[0] if np.ndim(v) else np.asarray(v)[()] for v in values]
    return values[0] if len(values) == 1 else values


def _masked_weights(out, sample_weight, for_loss=False):
    """An output's mask (1 where kept) as weights, times the sample weights when given. For
    the loss, kept entries weigh total / kept, so that the sum over the batch size is the
    mean over the kept entries."""
    tf = tf_api()
    mask = getattr(out, "_keras_mask", None)
    if mask is None:
        return sample_weight
    mask = tf.cast(mask, out.dtype.base_dtype)
    if for_loss:
        mask = mask * tf.div_no_nan(tf.cast(tf.size(mask), mask.dtype), tf.reduce_sum(mask))
    if sample_weight is None:
        return mask
    from scopeflow.keras.metric_objects import _weights_like
    mask, w = _weights_like(mask, sample_weight)
    return mask * w


def _per_sample_loss(fn, y_true, y_pred):
    """A loss function's values per sample; a loss object gives its unreduced values."""
    tf = tf_api()
    if isinstance(fn, _losses.Loss):
        return fn.call(tf.cast(y_true, y_pred.dtype), y_pred)
    return fn(y_true, y_pred)


def _weighted_mean(per_sample, sample_weight=None):
    """Keras' SUM_OVER_BATCH_SIZE reduction, named as Keras names it (`.../value`): the sum of
    the weighted losses over their number."""
    tf = tf_api()
    dtype = per_sample.dtype.base_dtype
    with tf.name_scope("weighted_loss"):
        if sample_weight is None:
            weighted = tf.multiply(per_sample, tf.constant(1.0, dtype))
        else:
            from scopeflow.keras.metric_objects import _weights_like
            values, w = _weights_like(per_sample, sample_weight)
            weighted = tf.multiply(values, w)
    total = tf.reduce_sum(weighted)
    count = tf.cast(tf.size(weighted, name="num_elements"), dtype, name="num_elements/Cast")
    total = tf.reduce_sum(total)  # Keras' _safe_mean sums the (scalar) sum again: `Sum_1`
    return tf.div_no_nan(total, count, name="value")


def _run(fetches, feed, casts=None):
    """One Session.run of `fetches`. Graph tensors among the fed values (fit on an iterator's
    `get_next()`) are wired to the placeholders they feed, as tf_keras' tensor connections: no
    feed, and their ops run in the same run; a model's own input (`Input(tensor=...)`) or
    target tensor is not fed. A tensor of another dtype is wired through a Cast to the
    placeholder's dtype, made once and kept in `casts` (tf_keras' callable casts it); one of
    another rank is evaluated, then fed."""
    sess = K.get_session()
    wired = [(k, v) for k, v in feed.items() if is_tensor(v)]
    if not wired:
        return sess.run(fetches, feed)
    feed = {k: v for k, v in feed.items() if not is_tensor(v)}
    wired = [(k, v) for k, v in wired if v is not k]
    if casts is not None:
        wired = [(k, _cast_to(k, v, casts)) for k, v in wired]
    connect = getattr(sess, "_run_connected", None)
    odd = [(k, v) for k, v in wired if connect is None or not _wires(k, v)]
    if odd:
        feed.update((k, _standardize(k, a)) for (k, _), a in
                    zip(odd, sess.run([v for _, v in odd])))
        wired = [(k, v) for k, v in wired if (k, v) not in odd]
    return connect(fetches, feed, wired) if wired else sess.run(fetches, feed)


def _cast_to(placeholder, tensor, casts):
    if placeholder.dtype.base_dtype == tensor.dtype.base_dtype or not _wires(
            placeholder, tensor, dtype=False):
        return tensor
    key = (placeholder, tensor)
    if key not in casts:
        tf = tf_api()
        with tensor.graph.as_default(), tf.name_scope(None):
            casts[key] = tf.cast(tensor, placeholder.dtype.base_dtype)
    return casts[key]


def _wires(placeholder, tensor, dtype=True):
    """Whether `tensor` can take `placeholder`'s place as it is (dtype, rank)."""
    return (not dtype or placeholder.dtype.base_dtype == tensor.dtype.base_dtype) and \
        placeholder.shape.ndims in (None, tensor.shape.ndims)


def _standardize(tensor, array):
    """A 1-D array for a rank-2 input or target gets its trailing axis, as Keras does."""
    if is_tensor(array):
        return array
    array = np.asarray(array)
    if array.ndim == 1 and tensor.shape.ndims == 2:
        return array.reshape(-1, 1)
    return array


def _target_dtype(fn, out):
    if fn is _losses.sparse_categorical_crossentropy:
        return "float32"
    return out.dtype.base_dtype
