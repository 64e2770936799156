"""`tf.keras.callbacks.ModelCheckpoint` as tf_keras runs it in graph-mode fit: the model (or
its weights) saved each epoch, every `period` epochs or every `save_freq` batches, to a
path formatted with the epoch (and batch) and the logs; with `save_best_only` only when
`monitor` improves on the best so far (`mode`, `initial_value_threshold`), saying so with
`verbose`; `load_weights_on_restart` loads the latest matching file when fit starts."""

import logging
import os
import re

import numpy as np

from scopeflow.keras.callbacks import Callback

_log = logging.getLogger("tensorflow")


class ModelCheckpoint(Callback):
    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch", options=None,
                 initial_value_threshold=None, **kwargs):
        super().__init__()
        self.monitor, self.verbose = monitor, verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        self.save_freq, self._options = save_freq, options
        self.epochs_since_last_save = 0
        self._batches_seen_since_last_saving, self._last_batch_seen = 0, -1
        self._current_epoch = 0
        self.best = initial_value_threshold
        self.load_weights_on_restart = kwargs.get("load_weights_on_restart", False)
        if "load_weights_on_restart" in kwargs:
            _log.warning("`load_weights_on_restart` argument is deprecated. Please use "
                         "`model.load_weights()` for loading weights before the start of "
                         "`model.fit()`.")
        self.period = kwargs.get("period", 1)
        if "period" in kwargs:
            _log.warning("`period` argument is deprecated. Please use `save_freq` to specify "
                         "the frequency in number of batches seen.")
        if mode not in ("auto", "min", "max"):
            _log.warning("ModelCheckpoint mode %s is unknown, fallback to auto mode.", mode)
            mode = "auto"
        higher = mode == "max" or mode == "auto" and (
            "acc" in monitor or monitor.startswith("fmeasure"))
        self.monitor_op = np.greater if higher else np.less
        if self.best is None:
            self.best = -np.inf if higher else np.inf
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise ValueError('Unrecognized save_freq: %s. Expected save_freq are "epoch" or '
                             "integer" % (save_freq,))

    def on_train_begin(self, logs=None):
        if not self.load_weights_on_restart:
            return
        path = _latest_matching(self.filepath)
        if path is not None and os.path.exists(path) or \
                path is not None and os.path.exists(path + ".index"):
            try:
                self.model.load_weights(path)
            except (IOError, ValueError) as e:
                raise ValueError("Error loading file from %s. Reason: %s" % (path, e)) from e

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        new_epoch = batch <= self._last_batch_seen
        self._batches_seen_since_last_saving += batch + 1 if new_epoch else \
            batch - self._last_batch_seen
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            self._save_model(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self.epochs_since_last_save += 1
        if self.save_freq == "epoch":
            self._save_model(epoch, None, logs)

    def _file_path(self, epoch, batch, logs):
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as e:
            raise KeyError('Failed to format this callback filepath: "%s". Reason: %s'
                           % (self.filepath, e)) from e

    def _save_model(self, epoch, batch, logs):
        logs = dict(logs or {})
        if not isinstance(self.save_freq, int) and self.epochs_since_last_save < self.period:
            return
        self.epochs_since_last_save = 0
        path = self._file_path(epoch, batch, logs)
        folder = os.path.dirname(path)
        if folder and not os.path.exists(folder):
            os.makedirs(folder)
        try:
            if not self.save_best_only:
                if self.verbose > 0:
                    print("\nEpoch %d: saving model to %s" % (epoch + 1, path))
                self._save(path)
                return
            current = logs.get(self.monitor)
            if current is None:
                _log.warning("Can save best model only with %s available, skipping.",
                             self.monitor)
            elif self.monitor_op(current, self.best):
                if self.verbose > 0:
                    print("\nEpoch %d: %s improved from %.5f to %.5f, saving model to %s"
                          % (epoch + 1, self.monitor, self.best, current, path))
                self.best = current
                self._save(path)
            elif self.verbose > 0:
                print("\nEpoch %d: %s did not improve from %.5f"
                      % (epoch + 1, self.monitor, self.best))
        except IsADirectoryError:
            raise IOError("Please specify a non-directory filepath for ModelCheckpoint. "
                          "Filepath used is an existing directory: %s" % path) from None

    def _save(self, path):
        if self.save_weights_only:
            self.model.save_weights(path, overwrite=True)
        else:
            self.model.save(path, overwrite=True)


def _latest_matching(pattern):
    """The most recently modified file whose name matches `pattern`'s placeholders (the
    largest name among equally recent ones), or `pattern` itself when it has none."""
    folder, name = os.path.split(pattern)
    regex = re.sub(r"{.*?}", r".*", re.escape(name).replace(r"\{", "{").replace(r"\}", "}"))
    if regex == re.escape(name):
        return pattern
    found = [os.path.join(folder, f) for f in os.listdir(folder or ".")
             if re.fullmatch(regex, f)] if os.path.isdir(folder or ".") else []
    if not found:
        return None
    newest = max(os.path.getmtime(f) for f in found)
    return max(f for f in found if os.path.getmtime(f) == newest)
