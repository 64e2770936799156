"""`tf.keras.utils.Progbar`, the progress bar Keras' `fit` prints: `verbose=1` redraws one
line (backspaces and a carriage return, as tf_keras does on POSIX even into a pipe) at most
every `interval` seconds and at the end; `verbose=2` prints one line at the end. Values not
named stateful are averaged over the units seen, weighted by each update's step."""

import os
import sys
import time

import numpy as np


def _format_time(seconds, unit):
    if seconds >= 1 or seconds == 0:
        return " %.0fs/%s" % (seconds, unit)
    if seconds >= 1e-3:
        return " %.0fms/%s" % (seconds * 1e3, unit)
    return " %.0fus/%s" % (seconds * 1e6, unit)


def _eta(seconds):
    if seconds > 3600:
        return "%d:%02d:%02d" % (seconds // 3600, (seconds % 3600) // 60, seconds % 60)
    if seconds > 60:
        return "%d:%02d" % (seconds // 60, seconds % 60)
    return "%ds" % seconds


class Progbar:
    def __init__(self, target, width=30, verbose=1, interval=0.05, stateful_metrics=None,
                 unit_name="step"):
        self.target, self.width, self.verbose = target, width, verbose
        self.interval, self.unit_name = interval, unit_name
        self.stateful_metrics = set(stateful_metrics) if stateful_metrics else set()
        self._dynamic_display = (hasattr(sys.stdout, "isatty") and sys.stdout.isatty()) or \
            "ipykernel" in sys.modules or "posix" in sys.modules or \
            "PYCHARM_HOSTED" in os.environ
        self._total_width = 0
        self._seen_so_far = 0
        self._values, self._values_order = {}, []
        self._start = time.time()
        self._last_update = 0
        self._time_at_epoch_start = self._start
        self._time_at_epoch_end = None
        self._time_after_first_step = None

    def _average(self, k):
        total, count = self._values[k]
        return np.mean(total / max(1, count))

    def _record(self, current, values):
        for k, v in values:
            if k not in self._values_order:
                self._values_order.append(k)
            if k in self.stateful_metrics:
                self._values[k] = [v, 1]
                continue
            weight = max(current - self._seen_so_far, 1)
            if k in self._values:
                self._values[k][0] += v * weight
                self._values[k][1] += weight
            else:
                self._values[k] = [v * weight, weight]
        self._seen_so_far = current

    def update(self, current, values=None, finalize=None):
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self._record(current, values or [])
        now = time.time()
        info = " - %.0fs" % (now - self._start)
        if current == self.target:
            self._time_at_epoch_end = now
        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            self._draw(current, now, info, finalize)
        elif self.verbose == 2 and finalize:
            self._line(current, now, info)
        self._last_update = now

    def _bar(self, current):
        if self.target is None:
            return "%7d/Unknown" % current
        digits = int(np.log10(self.target)) + 1
        bar = ("%" + str(digits) + "d/%d [") % (current, self.target)
        done = int(self.width * float(current) / self.target)
        if done > 0:
            bar += "=" * (done - 1) + (">" if current < self.target else "=")
        return bar + "." * (self.width - done) + "]"

    def _draw(self, current, now, info, finalize):
        previous = self._total_width
        message = "\b" * previous + "\r" if self._dynamic_display else "\n"
        bar = self._bar(current)
        self._total_width = len(bar)
        per_unit = self._step_duration(current, now)
        if self.target is None or finalize:
            info += _format_time(per_unit, self.unit_name)
        else:
            info = " - ETA: " + _eta(per_unit * (self.target - current))
        for k in self._values_order:
            avg = self._average(k)
            info += " - %s: %s" % (k, "%.4f" % avg if abs(avg) > 1e-3 else "%.4e" % avg)
        self._total_width += len(info)
        if previous > self._total_width:
            info += " " * (previous - self._total_width)
        sys.stdout.write(message + bar + info + ("\n" if finalize else ""))
        sys.stdout.flush()

    def _line(self, current, now, info):
        digits = int(np.log10(self.target)) + 1
        info = ("%" + str(digits) + "d/%d") % (current, self.target) + info
        for k in self._values_order:
            avg = self._average(k)  # (verbose=2 tests the sign too, as Keras)
            info += " - %s: %s" % (k, "%.4f" % avg if avg > 1e-3 else "%.4e" % avg)
        if self._time_at_epoch_end:
            per_epoch = self._time_at_epoch_end - self._time_at_epoch_start
            self._time_at_epoch_start, self._time_at_epoch_end = now, None
            info += " -" + _format_time(per_epoch, "epoch") + " -" + \
                _format_time(per_epoch / self.target, self.unit_name) + "\n"
        sys.stdout.write(info)
        sys.stdout.flush()

    def add(self, n, values=None):
        self.update(self._seen_so_far + n, values)

    def _step_duration(self, current, now):
        if not current:
            return 0
        if self._time_after_first_step is not None and current > 1:
            per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_unit

    def _update_stateful_metrics(self, stateful_metrics):
        self.stateful_metrics = self.stateful_metrics.union(stateful_metrics)
