"""`tf.keras.callbacks`: Callback, CallbackList, History, LambdaCallback, EarlyStopping,
ModelCheckpoint, TensorBoard, CSVLogger, LearningRateScheduler, ReduceLROnPlateau
(graph-mode fit).

>>> import scopeflow as tf
>>> tf.keras.callbacks.History().history
{}
"""

import numpy as np


class Callback:
    def __init__(self):
        self.model, self.params = None, {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_batch_begin(self, batch, logs=None):
        pass

    def on_batch_end(self, batch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)  # the old name, as tf_keras

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass


class CallbackList:
    """The callbacks of one fit / evaluate / predict, called as tf_keras' graph-mode loops
    call them: `on_<mode>_begin(logs)`, `on_<mode>_batch_begin(batch, logs)` with logs
    {"batch", "size"}, the same dict with the batch's results at `..._batch_end`.

    >>> import scopeflow as tf
    >>> tf.keras.callbacks.CallbackList([]).call("on_train_begin", {})
    """

    def __init__(self, callbacks=None, model=None, params=None):
        self.callbacks = list(callbacks or [])
        for cb in self.callbacks:
            if model is not None:
                cb.set_model(model)
            if params is not None:
                cb.set_params(params)

    def call(self, hook, *args):
        for cb in self.callbacks:
            getattr(cb, hook)(*args)

    def batch(self, mode, step, size, run):
        """`run()`'s results (a dict of logs) between the batch hooks of `mode`."""
        logs = {"batch": step, "size": size}
        self.call("on_%s_batch_begin" % mode, step, logs)
        logs.update(run())
        self.call("on_%s_batch_end" % mode, step, logs)


class History(Callback):
    """Per-epoch logs: `history.history["loss"]`, one value per epoch."""

    def __init__(self):
        super().__init__()
        self.epoch, self.history = [], {}

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)


class LambdaCallback(Callback):
    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None,
                 on_batch_end=None, on_train_begin=None, on_train_end=None, **kwargs):
        super().__init__()
        for name, fn in (("on_epoch_begin", on_epoch_begin), ("on_epoch_end", on_epoch_end),
                         ("on_batch_begin", on_batch_begin), ("on_batch_end", on_batch_end),
                         ("on_train_begin", on_train_begin), ("on_train_end", on_train_end)):
            if fn is not None:
                setattr(self, name, fn)
        self.__dict__.update(kwargs)  # other hooks by name (on_train_batch_end=...), as Keras


class EarlyStopping(Callback):
    """Stops `fit` when `monitor` has not improved by `min_delta` for `patience` epochs (not
    before the second epoch); `baseline`: a value to beat before the wait resets;
    `restore_best_weights`: the best epoch's weights are set back at the end."""

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__()
        self.monitor, self.patience, self.verbose = monitor, patience, verbose
        self.baseline, self.restore_best_weights = baseline, restore_best_weights
        self.start_from_epoch = start_from_epoch
        higher = mode == "max" or mode not in ("min", "max") and monitor.endswith(
            ("acc", "accuracy", "auc"))
        self.monitor_op = np.greater if higher else np.less
        self.min_delta = abs(min_delta) if higher else -abs(min_delta)
        self.wait, self.stopped_epoch, self.best_weights = 0, 0, None

    def on_train_begin(self, logs=None):
        self.wait, self.stopped_epoch, self.best_weights, self.best_epoch = 0, 0, None, 0
        self.best = np.inf if self.monitor_op is np.less else -np.inf

    def _improves(self, value, reference):
        return self.monitor_op(value - self.min_delta, reference)

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights, self.best_epoch = self.model.get_weights(), epoch
        self.wait += 1
        if self._improves(value, self.best):
            self.best, self.best_epoch = value, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._improves(value, self.baseline):
                self.wait = 0
        elif self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print("Epoch %d: early stopping" % (self.stopped_epoch + 1))
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print("Restoring model weights from the end of the best epoch: %d."
                      % (self.best_epoch + 1))
            self.model.set_weights(self.best_weights)


class TensorBoard(Callback):
    """Writes each epoch's logs as scalar summaries (and the graph) to `log_dir`."""

    def __init__(self, log_dir="logs", write_graph=True, **kwargs):
        super().__init__()
        self.log_dir, self.write_graph, self.writer = log_dir, write_graph, None

    def on_train_begin(self, logs=None):
        from scopeflow.keras import backend as K
        from scopeflow.summary.writer import FileWriter
        graph = K.get_session().graph if self.write_graph else None
        self.writer = FileWriter(self.log_dir, graph)

    def on_epoch_end(self, epoch, logs=None):
        from tensorboard.compat.proto.summary_pb2 import Summary
        # graph-mode tf_keras tags each epoch's value "epoch_<name>"
        summary = Summary(value=[Summary.Value(tag="epoch_" + k, simple_value=float(v))
                                 for k, v in sorted((logs or {}).items())])
        self.writer.add_summary(summary, epoch)
        self.writer.flush()

    def on_train_end(self, logs=None):
        if self.writer is not None:
            self.writer.close()


class CSVLogger(Callback):
    """Appends one row per epoch (`epoch,` then the sorted log keys) to `filename`."""

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.sep, self.append = filename, separator, append
        self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        first = self.keys is None
        if first:  # val_ columns even before (or without) validation, as tf_keras
            self.keys = sorted(logs)
            if not any(k.startswith("val_") for k in self.keys):
                self.keys += ["val_" + k for k in self.keys]
        with open(self.filename, "a" if self.append or not first else "w") as f:
            if first and not self.append:
                f.write(self.sep.join(["epoch"] + self.keys) + "\n")
            f.write(self.sep.join([str(epoch)] + [str(logs.get(k, "NA"))
                                                  for k in self.keys]) + "\n")


class LearningRateScheduler(Callback):
    """Sets the optimizer's learning rate to `schedule(epoch, lr)` (or `schedule(epoch)`)
    before each epoch; the epoch's logs get `lr`."""

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        import numpy as np

        from scopeflow.keras import backend as K
        if not hasattr(self.model.optimizer, "lr"):
            raise ValueError('Optimizer must have a "lr" attribute.')
        lr = float(K.get_value(self.model.optimizer.lr))
        try:
            lr = self.schedule(epoch, lr)
        except TypeError:  # a schedule of the epoch alone (Keras' older form)
            lr = self.schedule(epoch)
        if not isinstance(lr, (float, np.float32, np.float64)) and not hasattr(lr, "op"):
            raise ValueError('The output of the "schedule" function should be float.')
        K.set_value(self.model.optimizer.lr, K.get_value(lr) if hasattr(lr, "op") else lr)
        if self.verbose > 0:
            print("\nEpoch %d: LearningRateScheduler setting learning rate to %s."
                  % (epoch + 1, lr))

    def on_epoch_end(self, epoch, logs=None):
        from scopeflow.keras import backend as K
        if logs is not None:
            logs["lr"] = K.get_value(self.model.optimizer.lr)


class ReduceLROnPlateau(Callback):
    """Multiplies the learning rate by `factor` when `monitor` has not improved by
    `min_delta` for `patience` epochs (then waits `cooldown` epochs); logs get `lr`."""

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0, **kwargs):
        super().__init__()
        if factor >= 1.0:
            raise ValueError("ReduceLROnPlateau does not support a factor >= 1.0. Got %s"
                             % factor)
        if "epsilon" in kwargs:  # Keras' old name
            min_delta = kwargs.pop("epsilon")
        self.monitor, self.factor, self.min_lr, self.min_delta = monitor, factor, min_lr, \
            min_delta
        self.patience, self.verbose, self.cooldown, self.mode = patience, verbose, cooldown, mode
        self._reset()

    def _reset(self):
        import numpy as np
        mode = self.mode if self.mode in ("min", "max") else "auto"
        if mode == "max" or mode == "auto" and "acc" in self.monitor:
            self.monitor_op, self.best = (lambda a, b: np.greater(a, b + self.min_delta)), \
                -np.inf
        else:
            self.monitor_op, self.best = (lambda a, b: np.less(a, b - self.min_delta)), np.inf
        self.cooldown_counter = self.wait = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        import numpy as np

        from scopeflow.keras import backend as K
        logs = logs if logs is not None else {}
        logs["lr"] = K.get_value(self.model.optimizer.lr)
        current = logs.get(self.monitor)
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor_op(current, self.best):
            self.best, self.wait = current, 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = K.get_value(self.model.optimizer.lr)
                if old_lr > np.float32(self.min_lr):
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    K.set_value(self.model.optimizer.lr, new_lr)
                    if self.verbose > 0:
                        # (the float32 rate printed as a Python float, as tf_keras shows it)
                        print("\nEpoch %d: ReduceLROnPlateau reducing learning rate to %s."
                              % (epoch + 1, float(new_lr)))
                    self.cooldown_counter, self.wait = self.cooldown, 0


from scopeflow.keras.callbacks_checkpoint import ModelCheckpoint  # noqa: E402,F401
from scopeflow.keras.callbacks_more import (  # noqa: E402,F401 - re-exported
    BaseLogger, ProgbarLogger, RemoteMonitor, TerminateOnNaN,
)
