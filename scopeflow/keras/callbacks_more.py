"""More `tf.keras.callbacks`: TerminateOnNaN, BaseLogger, ProgbarLogger and RemoteMonitor,
as tf_keras' graph-mode fit drives them.

>>> import scopeflow as tf
>>> tf.keras.callbacks.TerminateOnNaN().model is None
True
"""

import json
import logging
import sys

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
    """Prints each epoch's progress (samples or steps seen) and its values to stdout when fit
    runs with `verbose`."""

    def __init__(self, count_mode="samples", stateful_metrics=None):
        super().__init__()
        if count_mode not in ("samples", "steps"):
            raise ValueError('Unknown `count_mode`: %s. Expected values are ["samples", '
                             '"steps"]' % (count_mode,))
        self.use_steps = count_mode == "steps"
        self.stateful_metrics = set(stateful_metrics or [])
        self.seen, self.target, self.epochs = 0, None, 1

    def _verbose(self):
        return self.params.get("verbose", 1)

    def on_train_begin(self, logs=None):
        self.epochs = self.params.get("epochs", 1)

    def on_epoch_begin(self, epoch, logs=None):
        self.seen = 0
        self.target = self.params.get("steps" if self.use_steps else "samples")
        if self._verbose() and self.epochs > 1:
            print("Epoch %d/%d" % (epoch + 1, self.epochs))

    def on_batch_end(self, batch, logs=None):
        self.seen += 1 if self.use_steps else (logs or {}).get("size", 0)

    def on_epoch_end(self, epoch, logs=None):
        if not self._verbose():
            return
        values = " - ".join("%s: %.4f" % (k, v) if np.ndim(v) == 0 else "%s: %s" % (k, v)
                            for k, v in (logs or {}).items())
        target = self.target or self.seen
        sys.stdout.write("%d/%d [%s] - %s\n" % (self.seen, target, "=" * 30, values))
        sys.stdout.flush()


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
