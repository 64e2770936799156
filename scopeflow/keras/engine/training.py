"""`compile` / `fit` / `evaluate` / `predict` of TF1 graph-mode Keras: one Session.run per batch.

`compile` adds target placeholders (`<output layer>_target`) and the loss (`loss/...`); the
training step (`training/<Optimizer>/...`) is built at the first `fit` or `train_on_batch`.
"""

import numpy as np

from scopeflow.keras import backend as K
from scopeflow.keras import losses as _losses
from scopeflow.keras import optimizers as _optimizers
from scopeflow.layers.core import tf_api


class TrainingMixin:
    """What a Model adds for training: compile, fit, evaluate, predict, the *_on_batch forms."""

    def _init_training(self):
        self.optimizer, self._compiled, self.history = None, False, None
        self.stop_training = False
        self._train_fn = self._test_fn = None

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                sample_weight_mode=None, weighted_metrics=None, target_tensors=None, **kwargs):
        tf = tf_api()
        self.optimizer = _optimizers.get(optimizer)
        outputs = self.outputs
        if not outputs and hasattr(self, "_build_from_data"):  # built by the first fit
            self._pending_compile = dict(optimizer=self.optimizer, loss=loss, metrics=metrics,
                                         loss_weights=loss_weights)
            return
        if not outputs:
            raise RuntimeError("You must compile a model that has inputs and outputs: call it "
                               "on a Keras Input or give its first layer an `input_shape`.")
        loss_fns = loss if isinstance(loss, (list, tuple)) else [loss] * len(outputs)
        if isinstance(loss, dict):
            loss_fns = [loss[self._output_layer(o).name] for o in outputs]
        loss_fns = [_losses.get(fn) for fn in loss_fns]
        weights = loss_weights or [1.0] * len(outputs)
        self.loss, self._loss_fns = loss, loss_fns
        self.targets, total = [], None
        for out, fn in zip(outputs, loss_fns):
            shape = [None] * out.shape.ndims
            if fn is _losses.sparse_categorical_crossentropy:
                shape[-1] = 1
            self.targets.append(tf.placeholder(_target_dtype(fn, out), shape,
                                               name=self._output_layer(out).name + "_target"))
        with tf.name_scope("loss"):
            for out, fn, w, target in zip(outputs, loss_fns, weights, self.targets):
                with tf.name_scope(self._output_layer(out).name + "_loss"):
                    value = _weighted_mean(fn(target, out))
                value = tf.multiply(tf.constant(float(w), name="mul/x"), value, name="mul")
                total = value if total is None else total + value
            for extra in self.losses:
                total = total + extra
        self.total_loss = total
        self._metric_names, self._metric_tensors = self._compile_metrics(metrics, loss_fns)
        self.metrics_names = ["loss"] + self._metric_names
        self._train_fn = self._test_fn = None
        self._compiled = True

    def _output_layer(self, t):
        from scopeflow.keras.engine.node import keras_history
        hist = keras_history(t)
        return hist[0] if hist else self

    def _compile_metrics(self, metrics, loss_fns):
        tf = tf_api()
        names, tensors = [], []
        for out, target, fn in zip(self.outputs, self.targets, loss_fns):
            for m in metrics or []:
                name = _metric_name(m)
                with tf.name_scope("metrics/%s" % name):
                    value = tf.reduce_mean(_metric(m, fn, target, out))
                names.append(name)
                tensors.append(value)
        return names, tensors

    # ---- compiled functions ----------------------------------------------------------------
    def _build_with(self, x):
        """A deferred model is built on its first data, then compiled as was asked."""
        if self.outputs or not hasattr(self, "_build_from_data"):
            return
        self._build_from_data(_as_list(x)[0])
        pending = getattr(self, "_pending_compile", None)
        if pending is not None:
            self._pending_compile = None
            self.compile(**pending)

    def _make_train_function(self):
        if self._train_fn is None:
            tf = tf_api()
            known = {id(v) for v in tf.global_variables()}
            with tf.name_scope("training"):
                with tf.name_scope(type(getattr(self.optimizer, "optimizer",
                                                self.optimizer)).__name__):
                    updates = self.optimizer.get_updates(self.total_loss,
                                                         self.trainable_weights)
                updates = list(updates) + list(self.updates)
                fetches = [self.total_loss] + self._metric_tensors
                self._train_fn = (fetches, tf.group(*updates))
            for v in tf.global_variables():  # a tf.train optimizer's slots, initialized by
                if id(v) not in known:  # Keras' session like Keras' own variables
                    K.track_variable(v)
        return self._train_fn

    def _feed(self, x, y=None, training=False):
        feed = {t: _standardize(t, a) for t, a in zip(self.inputs, _as_list(x))}
        if y is not None:
            feed.update((t, _standardize(t, a)) for t, a in zip(self.targets, _as_list(y)))
        lp = K.learning_phase_feed()
        if lp != {}:
            feed[lp] = training
        return feed

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None, reset_metrics=True):
        _no_weights(sample_weight, class_weight)
        self._build_with(x)
        fetches, train_op = self._make_train_function()
        values = K.get_session().run(fetches + [train_op], self._feed(x, y, True))[:-1]
        return _scalar_or_list(values)

    def test_on_batch(self, x, y, sample_weight=None, reset_metrics=True):
        _no_weights(sample_weight, None)
        self._build_with(x)
        fetches = [self.total_loss] + self._metric_tensors
        return _scalar_or_list(K.get_session().run(fetches, self._feed(x, y)))

    def predict_on_batch(self, x):
        self._build_with(x)
        outs = K.get_session().run(self.outputs, self._feed(x))
        return outs[0] if len(outs) == 1 else outs

    # ---- loops -----------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, **kwargs):
        _no_weights(sample_weight, class_weight)
        self._build_with(x)
        from scopeflow.keras.callbacks import History
        xs, ys = _as_list(x), _as_list(y)
        if validation_split and validation_data is None:
            cut = int(len(xs[0]) * (1.0 - validation_split))
            validation_data = ([a[cut:] for a in xs], [a[cut:] for a in ys])
            xs, ys = [a[:cut] for a in xs], [a[:cut] for a in ys]
        n = len(xs[0])
        batch_size = batch_size or 32
        self.history = History()
        cbs = [self.history] + list(callbacks or [])
        for cb in cbs:
            cb.set_model(self)
            cb.set_params({"epochs": epochs, "steps": -(-n // batch_size), "verbose": verbose})
            cb.on_train_begin()
        self.stop_training = False
        fetches, train_op = self._make_train_function()
        sess = K.get_session()
        for epoch in range(initial_epoch, epochs):
            for cb in cbs:
                cb.on_epoch_begin(epoch)
            order = np.random.permutation(n) if shuffle else np.arange(n)
            totals = np.zeros(len(fetches))
            for step, start in enumerate(range(0, n, batch_size)):
                idx = order[start:start + batch_size]
                feed = self._feed([a[idx] for a in xs], [a[idx] for a in ys], True)
                values = sess.run(fetches + [train_op], feed)[:-1]
                totals += np.asarray(values, dtype="float64") * len(idx)
                logs = dict(zip(self.metrics_names, values), batch=step, size=len(idx))
                for cb in cbs:
                    cb.on_batch_end(step, logs)
            logs = {k: float(v / n) for k, v in zip(self.metrics_names, totals)}
            if validation_data is not None:
                val = self.evaluate(validation_data[0], validation_data[1],
                                    batch_size=batch_size, verbose=0)
                val = val if isinstance(val, list) else [val]
                logs.update(("val_" + k, v) for k, v in zip(self.metrics_names, val))
            if verbose:
                print("Epoch %d/%d - " % (epoch + 1, epochs) +
                      " - ".join("%s: %.4f" % kv for kv in logs.items()))
            for cb in cbs:
                cb.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        for cb in cbs:
            cb.on_train_end()
        return self.history

    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None,
                 steps=None, callbacks=None, **kwargs):
        _no_weights(sample_weight, None)
        self._build_with(x)
        xs, ys = _as_list(x), _as_list(y)
        n, batch_size = len(xs[0]), batch_size or 32
        fetches = [self.total_loss] + self._metric_tensors
        sess, totals = K.get_session(), np.zeros(len(fetches))
        for start in range(0, n, batch_size):
            sl = slice(start, start + batch_size)
            values = sess.run(fetches, self._feed([a[sl] for a in xs], [a[sl] for a in ys]))
            totals += np.asarray(values, dtype="float64") * len(xs[0][sl])
        return _scalar_or_list([float(t / n) for t in totals])

    def predict(self, x, batch_size=None, verbose=0, steps=None, callbacks=None, **kwargs):
        self._build_with(x)
        xs = _as_list(x)
        n, batch_size = len(xs[0]), batch_size or 32
        sess, parts = K.get_session(), []
        for start in range(0, n, batch_size):
            sl = slice(start, start + batch_size)
            parts.append(sess.run(self.outputs, self._feed([a[sl] for a in xs])))
        outs = [np.concatenate([p[i] for p in parts]) for i in range(len(self.outputs))]
        return outs[0] if len(outs) == 1 else outs

    # ---- weights -----------------------------------------------------------------------------
    def get_weights(self):
        return K.batch_get_value(self.weights)

    def save_weights(self, filepath, overwrite=True, save_format=None):
        tf = tf_api()
        tf.train.Saver(self._checkpoint_map()).save(K.get_session(), filepath,
                                                    write_meta_graph=False)

    def load_weights(self, filepath, by_name=False, skip_mismatch=False):
        tf = tf_api()
        tf.train.Saver(self._checkpoint_map()).restore(K.get_session(), filepath)

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


def _as_list(x):
    if x is None:
        return []
    if isinstance(x, dict):
        return list(x.values())
    return [np.asarray(a) for a in x] if isinstance(x, (list, tuple)) else [np.asarray(x)]


def _metric_name(m):
    """v1 Keras' history keys: 'acc' for accuracy, a function's name otherwise."""
    if m in ("accuracy", "acc"):
        return "acc"
    if isinstance(m, str):
        from scopeflow.keras import metrics as _metrics
        return getattr(_metrics.get(m), "__name__", m)
    return getattr(m, "__name__", type(m).__name__.lower())


def _scalar_or_list(values):
    values = [float(v) for v in values]
    return values[0] if len(values) == 1 else values


def _weighted_mean(per_sample):
    """Keras' SUM_OVER_BATCH_SIZE reduction, named as Keras names it (`.../value`)."""
    tf = tf_api()
    with tf.name_scope("weighted_loss"):
        weighted = tf.multiply(per_sample, tf.constant(1.0, per_sample.dtype.base_dtype))
    total = tf.reduce_sum(weighted)
    count = tf.cast(tf.size(weighted, name="num_elements"), per_sample.dtype.base_dtype,
                    name="num_elements/Cast")
    return tf.div_no_nan(total, count, name="value")


def _standardize(tensor, array):
    """A 1-D array for a rank-2 input or target gets its trailing axis, as Keras does."""
    if array.ndim == 1 and tensor.shape.ndims == 2:
        return array.reshape(-1, 1)
    return array


def _target_dtype(fn, out):
    if fn is _losses.sparse_categorical_crossentropy:
        return "float32"
    return out.dtype.base_dtype


def _metric(m, loss_fn, y_true, y_pred):
    tf = tf_api()
    if callable(m):
        return m(y_true, y_pred)
    if m in ("accuracy", "acc"):
        if loss_fn is _losses.sparse_categorical_crossentropy:
            labels = tf.cast(tf.reshape(y_true, [-1]), "int64")
            return tf.cast(tf.equal(labels, tf.argmax(y_pred, -1)), "float32")
        if loss_fn is _losses.binary_crossentropy or y_pred.shape.as_list()[-1] == 1:
            return tf.cast(tf.equal(y_true, tf.round(y_pred)), "float32")
        return tf.cast(tf.equal(tf.argmax(y_true, -1), tf.argmax(y_pred, -1)), "float32")
    from scopeflow.keras import metrics as _metrics
    return _metrics.get(m)(y_true, y_pred)


def _no_weights(sample_weight, class_weight):
    """Per-sample and per-class weights are not applied by these loops yet: refused, rather
    than a loss that silently ignores them."""
    if sample_weight is not None or class_weight is not None:
        raise NotImplementedError(
            "scopeflow's Keras training loops do not apply `sample_weight` / `class_weight` "
            "yet; weight the loss in the model (e.g. a loss object called with sample_weight) "
            "or train with a tf.train optimizer in a Session.")
