"""More `tf.keras.callbacks`: TerminateOnNaN, BaseLogger, ProgbarLogger and RemoteMonitor,
as tf_keras' graph-mode fit drives them.

>>> import scopeflow as tf
>>> tf.keras.callbacks.TerminateOnNaN().model is None
True
"""

import json
import logging

import numpy as np

from scopeflow.keras.callbacks import Callback


class TerminateOnNaN(Callback):
    """Stops training after the first batch whose loss is NaN or infinite."""

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and (np.isnan(loss) or np.isinf(loss)):
            print("Batch %d: Invalid loss, terminating training" % batch)
            self.model.stop_training = True


class BaseLogger(Callback):
    """Epoch averages of the batch values, weighted by batch size; `stateful_metrics` (fit
    sets them to the compiled metrics, as tf_keras) keep their last value."""

    def __init__(self, stateful_metrics=None):
        super().__init__()
        self.stateful_metrics = set(stateful_metrics or [])
        self.seen, self.totals = 0, {}

    def on_epoch_begin(self, epoch, logs=None):
        self.seen, self.totals = 0, {}

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        size = logs.get("size", 0)
        self.seen += size
        for k, v in logs.items():
            if k in self.stateful_metrics:
                self.totals[k] = v
            elif k not in ("batch", "size"):
                self.totals[k] = self.totals.get(k, 0) + v * size

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        for k in self.params.get("metrics", []):
            if k in self.totals:
                logs[k] = self.totals[k] if k in self.stateful_metrics else \
                    self.totals[k] / self.seen


class ProgbarLogger(Callback):
    """`fit`'s progress bar (a `Progbar` per epoch, counted in samples or steps), added by
    fit when `verbose` is set, after the History."""

    def __init__(self, count_mode="samples", stateful_metrics=None):
        super().__init__()
        if count_mode not in ("samples", "steps"):
            raise ValueError('Unknown `count_mode`: %s. Expected values are ["samples", '
                             '"steps"]' % (count_mode,))
        self.use_steps = count_mode == "steps"
        self.stateful_metrics = set(stateful_metrics or [])
        self.seen, self.progbar, self.target = 0, None, None
        self.verbose, self.epochs = 1, 1
        self._called_in_fit = False

    def set_params(self, params):
        super().set_params(params)
        self.verbose, self.epochs = params.get("verbose", 1), params.get("epochs", 1)
        self.target = params.get("steps" if self.use_steps else "samples")

    def on_train_begin(self, logs=None):
        self._called_in_fit = True

    def on_epoch_begin(self, epoch, logs=None):
        self.seen, self.progbar = 0, None
        self._progbar()
        if self.verbose and self.epochs > 1:
            print("Epoch %d/%d" % (epoch + 1, self.epochs))

    def _progbar(self):
        if self.progbar is None:
            from scopeflow.keras.progbar import Progbar
            self.progbar = Progbar(target=self.target, verbose=self.verbose,
                                   stateful_metrics=self.stateful_metrics,
                                   unit_name="step" if self.use_steps else "sample")
        self.progbar._update_stateful_metrics(self.stateful_metrics)
        return self.progbar

    def on_train_batch_end(self, batch, logs=None):
        logs = dict(logs or {})
        if self.use_steps:  # (Keras shows the batch and size among the values then)
            self.seen = batch + 1
        else:
            self.seen += logs.pop("num_steps", 1) * logs.pop("size", 0)
            logs.pop("batch", None)
        if self.verbose == 1:
            self._progbar().update(self.seen, list(logs.items()), finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        bar = self._progbar()
        if self.target is None:
            self.target = bar.target = self.seen
        bar.update(self.target, list((logs or {}).items()), finalize=True)


class RemoteMonitor(Callback):
    """Posts each epoch's logs (with `epoch`) as JSON to `root + path` (needs `requests`)."""

    def __init__(self, root="http://localhost:9000", path="/publish/epoch/end/", field="data",
                 headers=None, send_as_json=False):
        super().__init__()
        self.root, self.path, self.field = root, path, field
        self.headers, self.send_as_json = headers, send_as_json

    def on_epoch_end(self, epoch, logs=None):
        try:
            import requests
        except ImportError:
            raise ImportError("RemoteMonitor requires the `requests` library.") from None
        send = {"epoch": epoch}
        for k, v in (logs or {}).items():
            send[k] = v.item() if isinstance(v, (np.ndarray, np.generic)) else v
        url = self.root + self.path
        try:
            if self.send_as_json:
                requests.post(url, json=send, headers=self.headers)
            else:
                requests.post(url, {self.field: json.dumps(send)}, headers=self.headers)
        except requests.exceptions.RequestException:
            logging.warning("Warning: could not reach RemoteMonitor root server at %s",
                            self.root)
