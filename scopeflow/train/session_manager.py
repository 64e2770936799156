"""`tf.train.SessionManager`: a session restored from the latest checkpoint, or initialized,
then its local init op run and its readiness checked (TF's messages).

>>> SessionManager()._ready_op is None
True
"""

import logging

import numpy as np

from scopeflow import errors
from scopeflow.train import server

_log = logging.getLogger("tensorflow")


def _maybe_name(obj):
    if obj is None:
        return None
    return obj.name if hasattr(obj, "name") else "<no name for %s>" % type(obj)


def _ready(op, sess, msg):
    """(True, None) when `op` reports nothing uninitialized, else (False, why)."""
    if op is None:
        return True, None
    try:
        value = sess.run(op)
    except errors.FailedPreconditionError as e:
        if "uninitialized" not in str(e):
            _log.warning("%s : error [%s]", msg, str(e))
            raise
        return False, str(e)
    if value is None or value.dtype == np.int32 or value.size == 0:
        return True, None
    names = ", ".join(i.decode("utf-8") if isinstance(i, bytes) else str(i) for i in value)
    return False, "Variables not initialized: " + names


class SessionManager:
    """Creates sessions ready to run: restored from `checkpoint_dir` or initialized."""

    def __init__(self, local_init_op=None, ready_op=None, ready_for_local_init_op=None,
                 graph=None, recovery_wait_secs=30, local_init_run_options=None,
                 local_init_feed_dict=None):
        from scopeflow.core.frame import default_graph
        self._local_init_op = local_init_op
        self._ready_op = ready_op
        self._ready_for_local_init_op = ready_for_local_init_op
        self._graph = graph or default_graph()
        self._recovery_wait_secs = recovery_wait_secs
        self._local_init_feed_dict = local_init_feed_dict

    def _new_session(self, master, config):
        from scopeflow.session import Session
        return Session(master, graph=self._graph, config=config)

    def _restore_checkpoint(self, master, saver, paths, config):
        """(session, whether it was restored); `paths` = (checkpoint_dir, file path)."""
        from scopeflow.checkpoint.state import get_checkpoint_state
        checkpoint_dir, checkpoint_filename_with_path = paths
        sess = self._new_session(master, config)
        if checkpoint_dir and checkpoint_filename_with_path:
            raise ValueError("Can not provide both checkpoint_dir and "
                             "checkpoint_filename_with_path.")
        if not saver or not (checkpoint_dir or checkpoint_filename_with_path):
            return sess, False
        if checkpoint_filename_with_path:
            saver.restore(sess, checkpoint_filename_with_path)
            return sess, True
        ckpt = get_checkpoint_state(checkpoint_dir)
        if not (ckpt and ckpt.model_checkpoint_path):
            return sess, False
        saver.restore(sess, ckpt.model_checkpoint_path)
        saver.recover_last_checkpoints(ckpt.all_model_checkpoint_paths)
        return sess, True

    def prepare_session(self, master, init_op=None, saver=None, checkpoint_dir=None,
                        checkpoint_filename_with_path=None, wait_for_checkpoint=False,
                        max_wait_secs=7200, config=None, init_feed_dict=None, init_fn=None):
        """A session restored from the latest checkpoint, else initialized; ready or raises."""
        sess, loaded = self._restore_checkpoint(
            master, saver, (checkpoint_dir, checkpoint_filename_with_path), config)
        if not loaded:
            if init_op is None and not init_fn and self._local_init_op is None:
                raise RuntimeError("Model is not initialized and no init_op or init_fn or "
                                   "local_init_op was given")
            if init_op is not None:
                sess.run(init_op, feed_dict=init_feed_dict)
            if init_fn:
                init_fn(sess)
        ok, msg = self._try_run_local_init_op(sess)
        if not ok:
            raise RuntimeError("Init operations did not make model ready for local_init.  "
                               "Init op: %s, init fn: %s, error: %s"
                               % (_maybe_name(init_op), init_fn, msg))
        ok, msg = _ready(self._ready_op, sess, "Model not ready")
        if not ok:
            raise RuntimeError("Init operations did not make model ready.  Init op: %s, init fn: "
                               "%s, local_init_op: %s, error: %s"
                               % (_maybe_name(init_op), init_fn, self._local_init_op, msg))
        server.hand_off_variables(sess, self._graph, source=True)
        return sess

    def recover_session(self, master, saver=None, checkpoint_dir=None,
                        checkpoint_filename_with_path=None, wait_for_checkpoint=False,
                        max_wait_secs=7200, config=None):
        """(session, whether it is initialized) restored from a checkpoint where one exists."""
        sess, loaded = self._restore_checkpoint(
            master, saver, (checkpoint_dir, checkpoint_filename_with_path), config)
        ok = self._try_run_local_init_op(sess)[0]
        if not loaded or not ok:
            return sess, False
        ok, msg = _ready(self._ready_op, sess, "Model not ready")
        if not ok:
            _log.info("Restoring model from %s did not make model ready: %s",
                      checkpoint_dir, msg)
            return sess, False
        _log.info("Restored model from %s", checkpoint_dir)
        return sess, True

    def wait_for_session(self, master, config=None, max_wait_secs=float("Inf")):
        """A session whose model is ready. Under a distributed tf.train.Server its global
        variables are the chief's (train/server.py); otherwise there is no other chief to
        wait for, so an unready model is TF's DeadlineExceededError at once."""
        sess = self._new_session(master, config)
        server.hand_off_variables(sess, self._graph, source=False, max_wait_secs=max_wait_secs)
        ok = self._try_run_local_init_op(sess)[0]
        if ok:
            ok = _ready(self._ready_op, sess, "Session not ready")[0]
        if ok:
            return sess
        sess.close()
        raise errors.DeadlineExceededError(
            None, None, "Session was not ready after waiting %d secs." % max_wait_secs)

    def _try_run_local_init_op(self, sess):
        if self._local_init_op is None:
            return True, None
        ok, msg = _ready(self._ready_for_local_init_op, sess, "Model not ready for local init")
        if not ok:
            return False, msg
        _log.info("Running local_init_op.")
        sess.run(self._local_init_op, feed_dict=self._local_init_feed_dict)
        _log.info("Done running local_init_op.")
        return True, None
