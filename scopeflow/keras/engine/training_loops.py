"""`fit` / `evaluate` / `predict` of TF1 graph-mode Keras over arrays, `tf.data` datasets and
Python generators: one compiled step per batch, the epoch's logs as Keras aggregates them
(the loss averaged over samples, or over steps for data counted in steps; each stateful
metric's value after the last batch).
"""

import numpy as np

from scopeflow.core.tensor import is_tensor
from scopeflow.keras import backend as K
from scopeflow.keras.engine import data_adapter as _data


class _Aggregate:
    """The loss averaged over the epoch's batches; the metrics' last (cumulative) values.
    As tf_keras' MetricsAggregator: numpy scalars of the fetched dtype, the loss summed in it
    (`0.0 + float32` stays float32 under numpy's promotion rules)."""

    def __init__(self, by_steps):
        self.by_steps, self.total, self.count, self.last = by_steps, 0.0, 0, None

    def add(self, values, batch_size):
        w = 1 if self.by_steps else batch_size
        self.total += _scalar(values[0]) * w
        self.count += w
        self.last = values

    def result(self):
        if self.last is None:
            raise ValueError("Expect x to be a non-empty array or dataset.")
        return [self.total / self.count] + [_scalar(v) for v in self.last[1:]]


def _scalar(v):
    """A fetched value as a numpy scalar of its dtype; a metric of several values (F1Score's
    per class) stays an array, as tf_keras logs it."""
    a = np.asarray(v)
    if a.size > 1:
        return a
    return a.ravel()[0] if a.ndim else a[()]


def _log(v):
    """A value for the logs: a Python float, or an array kept whole."""
    return v if isinstance(v, np.ndarray) and v.size > 1 else float(v)


def _size(x):
    """A batch's rows; 1 for graph tensors (wired, not evaluated: tf_keras' steps mode)."""
    first = _data.as_list(x)[0] if x is not None else None
    if first is None:
        return 0
    return 1 if is_tensor(first) else len(first)


def _validation_source(model, validation_data, batch_size, steps):
    if _data.is_dataset(validation_data) or _data.is_generator(validation_data):
        return _data.Source(model, validation_data, steps=steps)
    if len(validation_data) not in (2, 3):
        raise ValueError("When passing validation_data, it must contain 2 (x_val, y_val) or 3 "
                         "(x_val, y_val, val_sample_weights) items, however it contains %d "
                         "items" % len(validation_data))
    x, y = validation_data[0], validation_data[1]
    sw = validation_data[2] if len(validation_data) == 3 else None
    if _data.has_tensors(x) or _data.has_tensors(y):
        return _data.Source(model, x, y, sw, steps=steps)
    # tf_keras' graph-mode fit validates on arrays with its loop's default shuffle=True:
    # the validation batches are drawn in a fresh np.random order each time
    return _data.Source(model, x, y, sw, batch_size=batch_size, shuffle=True)


def _print_train_info(source, val_source, steps, val_steps, arrays):
    """tf_keras' first line of a verbose fit over arrays, tensors or a dataset (tensors'
    steps are called samples there)."""
    if source.symbolic:
        count, val, unit = steps, val_steps, "samples"
    elif arrays:
        count, val, unit = source.size, getattr(val_source, "size", None), "samples"
    else:
        count, val, unit = steps, val_steps, "steps"
    print("Train on %s %s" % (count, unit) + (", validate on %s %s" % (val, unit) if val else ""))


def _fit_params(model, source, batch_size, epochs, verbose, do_validation):
    """The callbacks' `params`, as tf_keras' graph-mode fit sets them: arrays counted in
    samples (`steps` None), generators and datasets in steps."""
    names = list(getattr(model, "metrics_names", None) or ["loss"])  # (a deferred model: loss)
    if do_validation:
        names += ["val_" + n for n in names]
    arrays = hasattr(source, "size")
    return {"batch_size": (batch_size or 32) if arrays else None, "epochs": epochs,
            "steps": None if arrays else source.steps, "samples": source.size if arrays
            else source.steps, "verbose": verbose, "do_validation": do_validation,
            "metrics": names}


class LoopsMixin:
    """The loops over data of a compiled Model."""

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_freq=1, **kwargs):
        if validation_split and validation_data is None:
            x, y, sample_weight, validation_data = _data.split_validation(
                x, y, sample_weight, validation_split)
        source = _data.Source(self, x, y, sample_weight, batch_size, steps_per_epoch, shuffle,
                              training=True)
        if class_weight and source.symbolic:  # (weights from the targets' values)
            source.wired = False
        val_source = None if validation_data is None else \
            _validation_source(self, validation_data, batch_size, validation_steps)
        from scopeflow.keras.callbacks import BaseLogger, CallbackList, History, ProgbarLogger
        self.history = History()
        if hasattr(source, "size"):  # arrays: a deferred model is built on them first, as tf_keras
            self._build_with(x)
        if validation_split and class_weight and val_source is not None:
            # tf_keras' graph-mode fit weighs by class before it splits: validation too
            vx, vy, vsw = validation_data
            val_source = _validation_source(
                self, (vx, vy, self._batch_weights(vy, vsw, class_weight)), batch_size,
                validation_steps)
        params = _fit_params(self, source, batch_size, epochs, verbose, val_source is not None)
        arrays = hasattr(source, "size")
        # (not for generators, as tf_keras)
        if verbose and (arrays or source.symbolic or _data.is_dataset(x)):
            _print_train_info(source, val_source, steps_per_epoch, validation_steps, arrays)
        # History after the user's callbacks: it sees their logs; the progress bar last
        bar = [ProgbarLogger("samples" if arrays else "steps")] if verbose else []
        cbs = CallbackList(list(callbacks or []) + [self.history] + bar, self, params)
        for cb in cbs.callbacks:  # BaseLogger / ProgbarLogger keep the metrics' last values
            if isinstance(cb, (BaseLogger, ProgbarLogger)):
                cb.stateful_metrics = set((getattr(self, "metrics_names", None) or [])[1:])
        cbs.call("on_train_begin", {})
        self.stop_training = False
        for epoch in range(initial_epoch, epochs):
            cbs.call("on_epoch_begin", epoch, {})
            logs = self._train_epoch(source, class_weight, cbs)
            if val_source is not None and (epoch + 1) % validation_freq == 0:
                val = self._test_loop(val_source, K.get_session(), callbacks=cbs)
                logs.update(("val_" + k, _log(v)) for k, v in zip(self.metrics_names, val))
            cbs.call("on_epoch_end", epoch, logs)
            if self.stop_training:
                break
        cbs.call("on_train_end", {})
        return self.history

    def _train_epoch(self, source, class_weight, cbs):
        agg, started = _Aggregate(source.by_steps), False
        sess = K.get_session() if self.outputs else None
        for step, (bx, by, bsw) in enumerate(source.epoch(sess or K.get_session())):
            self._build_with(bx, by)
            if not started:
                self.reset_metrics()
                started = True
            weights = self._batch_weights(by, bsw, class_weight)
            size = _size(bx)

            def run(bx=bx, by=by, weights=weights, size=size):
                # fit's batch values are Python floats, so its epoch loss sums in float64 (TF)
                values = [_log(_scalar(v)) for v in self._run_train_batch(bx, by, weights)]
                agg.add(values, size)
                return dict(zip(self.metrics_names, values))
            # a dataset's steps are logged as size 1 (tf_keras' steps mode)
            cbs.batch("train", step, 1 if source.by_steps else size, run)
            if self.stop_training:  # (TerminateOnNaN): the epoch ends after this batch
                break
            if step == 0:
                self._compile_last_batch(source, bx, by, weights)
        return {k: _log(v) for k, v in zip(self.metrics_names, agg.result())}

    def _compile_last_batch(self, source, bx, by, weights):
        """Has the train step compiled on a thread, while the full batches run, for the
        epoch's last, smaller batch of arrays (else its compile stalls that step for
        seconds); the first batch's rows give the shapes."""
        rest = source.size % source._batch if hasattr(source, "size") else 0
        if not rest or _size(bx) <= rest:
            return

        def head(arrays):
            return None if arrays is None else [None if a is None else a[:rest] for a in arrays]

        fetches, train_op = self._make_train_function()
        K.get_session()._compile_ahead(fetches + [train_op],
                                       self._feed(head(bx), head(by), True, head(weights)))

    def _test_loop(self, source, sess, callbacks=None):
        """The aggregated loss and metrics. As tf_keras, the batches' numpy float32 losses
        sum in float32, for evaluate and fit's validation alike (fit's training losses are
        Python floats, summed in float64)."""
        from scopeflow.keras.callbacks import CallbackList
        cbs = callbacks or CallbackList()
        agg, started = _Aggregate(source.by_steps), False
        cbs.call("on_test_begin", {})
        for step, (bx, by, bsw) in enumerate(source.epoch(sess)):
            self._build_with(bx, by)
            if not started:
                self.reset_metrics()
                started = True
            weights = self._batch_weights(by, bsw, None)

            def run(bx=bx, by=by, weights=weights):
                values = self._run_test_batch(bx, by, weights)
                agg.add(values, _size(bx))
                return {k: _log(_scalar(v)) for k, v in zip(self.metrics_names, values)}
            cbs.batch("test", step, _size(bx), run)
        cbs.call("on_test_end", {})
        return agg.result()

    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1,
                      callbacks=None, validation_data=None, validation_steps=None,
                      validation_freq=1, class_weight=None, max_queue_size=10, workers=1,
                      use_multiprocessing=False, shuffle=True, initial_epoch=0):
        """`fit` over a Python generator or a `keras.utils.Sequence` (TF 1's name)."""
        return self.fit(generator, steps_per_epoch=steps_per_epoch, epochs=epochs,
                        verbose=verbose, callbacks=callbacks, validation_data=validation_data,
                        validation_steps=validation_steps, validation_freq=validation_freq,
                        class_weight=class_weight, shuffle=shuffle,
                        initial_epoch=initial_epoch)

    def evaluate_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                           workers=1, use_multiprocessing=False, verbose=0):
        return self.evaluate(generator, steps=steps, verbose=verbose, callbacks=callbacks)

    def predict_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                          workers=1, use_multiprocessing=False, verbose=0):
        return self.predict(generator, steps=steps, verbose=verbose, callbacks=callbacks)

    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None,
                 steps=None, callbacks=None, **kwargs):
        from scopeflow.keras.callbacks import CallbackList
        source = _data.Source(self, x, y, sample_weight, batch_size, steps)
        if not self.outputs and not source.symbolic:
            self._build_with(x)
        params = _fit_params(self, source, batch_size, 1, verbose, False)
        values = self._test_loop(source, K.get_session(),
                                 callbacks=CallbackList(callbacks, self, params))
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose=0, steps=None, callbacks=None, **kwargs):
        from scopeflow.keras.callbacks import CallbackList
        source = _data.Source(self, x, None, None, batch_size, steps)
        parts = []
        batches = source.epoch(K.get_session())
        if steps is not None and hasattr(source, "size"):  # tf_keras: each step is all of x
            batches = [(_data.as_list(x), None, None)] * steps
        cbs = None
        for step, (bx, _, _) in enumerate(batches):
            self._build_with(bx)
            if cbs is None:  # (its params name no metrics)
                params = dict(_fit_params(self, source, batch_size, 1, verbose, False),
                              metrics=[])
                cbs = CallbackList(callbacks, self, params)
                cbs.call("on_predict_begin", {})

            def run(bx=bx):
                parts.append(self._run_predict_batch(bx))
                return {"outputs": list(parts[-1])}
            cbs.batch("predict", step, _size(bx), run)
        if cbs is not None:
            cbs.call("on_predict_end", {})
        outs = [np.concatenate([p[i] for p in parts]) for i in range(len(self.outputs))]
        return outs[0] if len(outs) == 1 else outs
