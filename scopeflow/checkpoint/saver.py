"""`tf.train.Saver`: saves and restores variables as TF V2 checkpoints.

    saver = tf.train.Saver()                       # all global variables
    path = saver.save(sess, "/tmp/model", global_step=7)   # "/tmp/model-7"
    saver.restore(sess, tf.train.latest_checkpoint("/tmp"))

Files: `<path>.index`, `<path>.data-00000-of-00001`, `<path>.meta` (the MetaGraphDef) and the
`checkpoint` state file listing the newest `max_to_keep` checkpoints; older ones are deleted
unless one was kept every `keep_checkpoint_every_n_hours`.

>>> import scopeflow as tf
>>> with tf.Graph().as_default():
...     w = tf.Variable([1.0], name="w")
...     print(Saver().saver_def.save_tensor_name)
save/control_dependency:0
"""

import logging
import os
import threading
import time

import numpy as np
from tensorboard.compat.proto import saver_pb2

from scopeflow import errors
from scopeflow.checkpoint import execute, state
from scopeflow.checkpoint.builder import BulkSaverBuilder, SaverOptions
from scopeflow.checkpoint.saveables import all_saveable_objects
from scopeflow.core import stack
from scopeflow.core.frame import default_graph

_log = logging.getLogger("tensorflow")


def _wrap_restore_error(err, what):
    msg = ("Restoring from checkpoint failed. This is most likely due to %s from the "
           "checkpoint. Please ensure that you have not altered the graph expected based on the "
           "checkpoint. Original error:\n\n%s" % (what, err.message))
    return type(err)(err.node_def, err.op, msg)


def _prepend_scope(name, scope):
    return scope.rstrip("/") + "/" + name if scope else name


def _strip_scope(name, scope):
    return name.removeprefix(scope.rstrip("/") + "/")


class Saver:
    """Saves and restores variables (TF1 `tf.train.Saver`).

    >>> import scopeflow as tf
    >>> with tf.Graph().as_default():
    ...     v = tf.Variable(1.0, name="v")
    ...     print(Saver([v], max_to_keep=2).saver_def.max_to_keep)
    2
    """

    def __init__(self, var_list=None, reshape=False, sharded=False, max_to_keep=5,
                 keep_checkpoint_every_n_hours=10000.0, name=None, restore_sequentially=False,
                 saver_def=None, builder=None, defer_build=False, allow_empty=False,
                 write_version=saver_pb2.SaverDef.V2, pad_step_number=False,
                 save_relative_paths=False, filename=None):
        if defer_build and var_list:
            raise ValueError("If `var_list` is provided then build cannot be deferred. Either "
                             "set defer_build=False or var_list=None.")
        self._var_list = var_list
        # where each Saver was made and what it was asked to save (scopeflow.insight's lint)
        default_graph().__dict__.setdefault("_savers", []).append(
            (var_list, stack.capture()))
        self._options = SaverOptions(reshape, sharded, max_to_keep,
                                     keep_checkpoint_every_n_hours, name, restore_sequentially,
                                     filename)
        self.saver_def = saver_def
        self._builder = builder
        self._is_built = False
        self._allow_empty = allow_empty
        self._is_empty = None
        self._write_version = write_version
        self._pad_step_number = pad_step_number
        self._filename = filename
        self._last_checkpoints = []
        # one save at a time, its global-step read included: a Supervisor's checkpoint thread
        # saving beside the training loop's last save cannot name an older step latest
        self._save_lock = threading.Lock()
        self._checkpoints_to_be_deleted = []
        self._next_checkpoint_time = None
        if not defer_build:
            self.build()
        if self.saver_def:
            self._check_saver_def()
            self._write_version = self.saver_def.version
        self._save_relative_paths = save_relative_paths

    # ---- building ---------------------------------------------------------------------------
    def build(self):
        self._build(self._filename)

    def _build(self, checkpoint_path):
        if self._is_built:
            return
        self._is_built = True
        if not self.saver_def:
            if self._builder is None:
                self._builder = BulkSaverBuilder(self._write_version)
            if self._var_list is None:
                self._var_list = all_saveable_objects(default_graph())
            if not self._var_list:
                if self._allow_empty:
                    self._is_empty = True
                    return
                raise ValueError("No variables to save")
            self._is_empty = False
            options = self._options
            if checkpoint_path != options.filename:
                options = SaverOptions(**{**options.__dict__, "filename": checkpoint_path})
            self.saver_def = self._builder._build_internal(self._var_list, options)
        elif self._options.name:
            d, scope = self.saver_def, self._options.name
            d.filename_tensor_name = _prepend_scope(d.filename_tensor_name, scope)
            d.save_tensor_name = _prepend_scope(d.save_tensor_name, scope)
            d.restore_op_name = _prepend_scope(d.restore_op_name, scope)
        self._check_saver_def()
        self._next_checkpoint_time = (time.time()
                                      + self.saver_def.keep_checkpoint_every_n_hours * 3600)

    def _check_saver_def(self):
        if not isinstance(self.saver_def, saver_pb2.SaverDef):
            raise ValueError("saver_def must be a saver_pb2.SaverDef: %s" % self.saver_def)
        if not self.saver_def.save_tensor_name:
            raise ValueError("saver_def must specify the save_tensor_name: %s"
                             % str(self.saver_def))
        if not self.saver_def.restore_op_name:
            raise ValueError("saver_def must specify the restore_op_name: %s"
                             % str(self.saver_def))

    def as_saver_def(self):
        return self.saver_def

    def to_proto(self, export_scope=None):
        """The SaverDef, with `export_scope` stripped from its names (None if outside it)."""
        if export_scope is None:
            return self.saver_def
        d = self.saver_def
        names = (d.filename_tensor_name, d.save_tensor_name, d.restore_op_name)
        if not all(n.startswith(export_scope) for n in names):
            return None
        out = saver_pb2.SaverDef()
        out.CopyFrom(d)
        out.filename_tensor_name = _strip_scope(d.filename_tensor_name, export_scope)
        out.save_tensor_name = _strip_scope(d.save_tensor_name, export_scope)
        out.restore_op_name = _strip_scope(d.restore_op_name, export_scope)
        return out

    @staticmethod
    def from_proto(saver_def, import_scope=None):
        return Saver(saver_def=saver_def, name=import_scope)

    # ---- bookkeeping of kept checkpoints ----------------------------------------------------
    @property
    def last_checkpoints(self):
        return [p for p, _ in self._last_checkpoints]

    def set_last_checkpoints(self, last_checkpoints):
        assert isinstance(last_checkpoints, list)
        self._last_checkpoints = [(s, np.inf) for s in last_checkpoints]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time):
        assert isinstance(last_checkpoints_with_time, list)
        self._last_checkpoints = last_checkpoints_with_time

    def recover_last_checkpoints(self, checkpoint_paths):
        """Takes over `checkpoint_paths` (those that exist) as the kept checkpoints."""
        found = []
        for path in checkpoint_paths:
            mtime = state.get_checkpoint_mtimes([path])
            if mtime:
                found.append((path, mtime[0]))
        self.set_last_checkpoints_with_time(found)

    def _record_last_checkpoint(self, path):
        if not self.saver_def.max_to_keep:
            return
        self._last_checkpoints = [p for p in self._last_checkpoints if p[0] != path]
        self._last_checkpoints.append((path, time.time()))
        if len(self._last_checkpoints) > self.saver_def.max_to_keep:
            self._checkpoints_to_be_deleted.append(self._last_checkpoints.pop(0))

    def _maybe_delete_old_checkpoints(self, meta_graph_suffix="meta"):
        if not self._checkpoints_to_be_deleted:
            return
        path, written = self._checkpoints_to_be_deleted.pop(0)
        if written > self._next_checkpoint_time:  # kept: one every n hours
            self._next_checkpoint_time += self.saver_def.keep_checkpoint_every_n_hours * 3600
            return
        try:
            state.remove_checkpoint(path, self.saver_def.version, meta_graph_suffix)
        except OSError as e:
            _log.warning("Ignoring: %s", e)

    # ---- save / restore ---------------------------------------------------------------------
    def save(self, sess, save_path, global_step=None, latest_filename=None,
             meta_graph_suffix="meta", write_meta_graph=True, write_state=True,
             strip_default_attrs=False, save_debug_info=False):
        """Writes a checkpoint; returns its prefix (`save_path-<step>` with a global step)."""
        if not self._is_built:
            raise RuntimeError("`build()` should be called before save if defer_build==True")
        latest_filename = latest_filename or "checkpoint"
        if os.path.split(latest_filename)[0]:
            raise ValueError("'latest_filename' must not contain path components")
        save_path = save_path.decode() if isinstance(save_path, bytes) else str(save_path)
        with self._save_lock:
            return self._save(sess, save_path, global_step, latest_filename, meta_graph_suffix,
                              write_meta_graph, write_state, strip_default_attrs)

    def _save(self, sess, save_path, global_step, latest_filename, meta_graph_suffix,
              write_meta_graph, write_state, strip_default_attrs):
        checkpoint_file = self._checkpoint_file(sess, save_path, global_step, latest_filename)
        if not hasattr(sess, "run") or not hasattr(sess, "graph"):
            raise TypeError("'sess' must be a Session; %s" % sess)
        parent = os.path.dirname(save_path)
        model_checkpoint_path = None
        if not self._is_empty:
            model_checkpoint_path = self._save_files(sess, checkpoint_file, save_path)
            if write_state:
                self._record_last_checkpoint(model_checkpoint_path)
                state.update_checkpoint_state_internal(
                    parent, model_checkpoint_path, self.last_checkpoints, latest_filename,
                    self._save_relative_paths)
                self._maybe_delete_old_checkpoints(meta_graph_suffix)
        if write_meta_graph:
            filename = state.meta_graph_filename(checkpoint_file, meta_graph_suffix)
            with sess.graph.as_default():
                self.export_meta_graph(filename, strip_default_attrs=strip_default_attrs)
        return model_checkpoint_path

    def _checkpoint_file(self, sess, save_path, global_step, latest_filename):
        if global_step is None:
            if os.path.basename(save_path) == latest_filename and not self._options.sharded:
                raise ValueError("'latest_filename' collides with 'save_path': '%s' and '%s'"
                                 % (latest_filename, save_path))
            return save_path
        if not isinstance(global_step, (int, np.integer)):
            global_step = int(sess.run(global_step))
        if self._pad_step_number:
            return "%s-%s" % (save_path, "{:08d}".format(global_step))
        return "%s-%d" % (save_path, global_step)

    def _save_files(self, sess, checkpoint_file, save_path):
        try:
            save_tensor = sess.graph.get_tensor_by_name(self.saver_def.save_tensor_name)
            return execute.save(sess, save_tensor, checkpoint_file)
        except (errors.FailedPreconditionError, errors.NotFoundError):
            if not os.path.isdir(os.path.dirname(save_path) or "."):
                raise ValueError("Parent directory of %s doesn't exist, can't save."
                                 % save_path) from None
            raise

    def export_meta_graph(self, filename=None, collection_list=None, as_text=False,
                          export_scope=None, clear_devices=False,
                          clear_extraneous_savers=False, strip_default_attrs=False,
                          save_debug_info=False):
        """Writes (and returns) the MetaGraphDef of the default graph with this SaverDef."""
        from scopeflow.checkpoint.meta_graph import export_meta_graph
        return export_meta_graph(filename=filename, saver_def=self.saver_def,
                                 collection_list=collection_list, as_text=as_text,
                                 export_scope=export_scope, clear_devices=clear_devices,
                                 clear_extraneous_savers=clear_extraneous_savers,
                                 strip_default_attrs=strip_default_attrs)

    def restore(self, sess, save_path):
        """Restores the saved variables into `sess` from the checkpoint prefix `save_path`."""
        if self._is_empty:
            return
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        prefix = save_path.decode() if isinstance(save_path, bytes) else str(save_path)
        if not state.checkpoint_exists_internal(prefix):
            raise ValueError("The passed save_path is not a valid checkpoint: " + prefix)
        _log.info("Restoring parameters from %s", prefix)
        restore_op = sess.graph.get_operation_by_name(self.saver_def.restore_op_name)
        try:
            execute.restore(sess, restore_op, prefix, _filename_tensor(sess.graph,
                                                                       self.saver_def))
        except errors.NotFoundError as err:
            raise _wrap_restore_error(err, "a Variable name or other graph key that is "
                                           "missing") from None
        except errors.InvalidArgumentError as err:
            raise _wrap_restore_error(err, "a mismatch between the current graph and the "
                                           "graph") from None


def _filename_tensor(graph, saver_def):
    """The SaverDef's filename placeholder where the graph has it, else None."""
    try:
        return graph.get_tensor_by_name(saver_def.filename_tensor_name)
    except (KeyError, ValueError):
        return None


def _get_saver_or_default():
    """The Saver in the SAVERS collection, else a new sharded one added there (TF's rule)."""
    from scopeflow.core.graph import GraphKeys
    graph = default_graph()
    savers = graph.get_collection(GraphKeys.SAVERS)
    if savers:
        if len(savers) > 1:
            raise RuntimeError("More than one item in collection {}. Please indicate which one "
                               "to use by passing it to the constructor.".format(GraphKeys.SAVERS))
        return savers[0]
    saver = Saver(sharded=True, allow_empty=True)
    graph.add_to_collection(GraphKeys.SAVERS, saver)
    return saver
