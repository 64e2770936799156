"""Waiting for checkpoints: `tf.train.checkpoints_iterator` for evaluation loops.

>>> import tempfile
>>> wait_for_new_checkpoint(tempfile.mkdtemp(), timeout=0) is None
True
"""

import logging
import time

from scopeflow.checkpoint.state import latest_checkpoint

_log = logging.getLogger("tensorflow")


def wait_for_new_checkpoint(checkpoint_dir, last_checkpoint=None, seconds_to_sleep=1,
                            timeout=None):
    """The newest checkpoint prefix once it differs from `last_checkpoint`; None on timeout."""
    _log.info("Waiting for new checkpoint at %s", checkpoint_dir)
    stop_time = time.time() + timeout if timeout is not None else None
    while True:
        path = latest_checkpoint(checkpoint_dir)
        if path is not None and path != last_checkpoint:
            _log.info("Found new checkpoint at %s", path)
            return path
        if stop_time is not None and time.time() + seconds_to_sleep > stop_time:
            return None
        time.sleep(seconds_to_sleep)


def checkpoints_iterator(checkpoint_dir, min_interval_secs=0, timeout=None, timeout_fn=None):
    """Yields each new checkpoint prefix of `checkpoint_dir` as it appears."""
    checkpoint_path = None
    while True:
        new = wait_for_new_checkpoint(checkpoint_dir, checkpoint_path, timeout=timeout)
        if new is None:
            if not timeout_fn:
                _log.info("Timed-out waiting for a checkpoint.")
                return
            if timeout_fn():
                return
            continue
        start = time.time()
        checkpoint_path = new
        yield checkpoint_path
        time_to_next = start + min_interval_secs - time.time()
        if time_to_next > 0:
            time.sleep(time_to_next)
