"""`tf.experimental` as far as TF1 graph code touches it: settings of TF's function runtime
that have no counterpart here (one XLA computation per run), accepted and ignored."""

import contextlib

from scopeflow.data.optional import Optional  # noqa: F401


def output_all_intermediates(state):
    """Whether TF2 control flow keeps intermediates: a no-op (scopeflow's loops are TF1's)."""


@contextlib.contextmanager
def function_executor_type(executor_type):
    yield


@contextlib.contextmanager
def async_scope():
    yield


def async_clear_error():
    """No asynchronous eager execution here: nothing to clear."""
