"""`tf.train.Scaffold` and the session creators of MonitoredSession (chief, worker).

>>> Scaffold().init_op is None
True
"""

import logging

from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys
from scopeflow.train.session_manager import SessionManager

_log = logging.getLogger("tensorflow")


def _tf():
    """The TF1 functions a Scaffold builds its ops from (imported late: they import this)."""
    from types import SimpleNamespace

    from scopeflow import dtypes
    from scopeflow.core import contexts, var_ops
    from scopeflow.ops import joining, state, summary_ops
    from scopeflow.ops.constant import constant
    from scopeflow.ops.lookup_ops import tables_initializer
    return SimpleNamespace(
        concat=joining.concat, constant=constant, device=contexts.device,
        get_collection=contexts.get_collection, global_variables=var_ops.global_variables,
        global_variables_initializer=var_ops.global_variables_initializer, group=state.group,
        local_variables_initializer=var_ops.local_variables_initializer,
        name_scope=contexts.name_scope, no_op=state.no_op,
        report_uninitialized_variables=var_ops.report_uninitialized_variables,
        string=dtypes.string, summary=SimpleNamespace(merge_all=summary_ops.merge_all),
        tables_initializer=tables_initializer)


class Scaffold:
    """The ops a training session needs (init, ready, local init, summary, saver), each from
    its collection or TF's default when not given."""

    def __init__(self, init_op=None, init_feed_dict=None, init_fn=None, ready_op=None,
                 ready_for_local_init_op=None, local_init_op=None, summary_op=None, saver=None,
                 copy_from_scaffold=None, local_init_feed_dict=None):
        if copy_from_scaffold is not None:
            if not isinstance(copy_from_scaffold, Scaffold):
                raise TypeError("copy_from_scaffold is not a Scaffold instance.")
            c = copy_from_scaffold

            def pick(a, b):
                return a if a is not None else b

            init_op, init_feed_dict = pick(init_op, c.init_op), pick(init_feed_dict,
                                                                     c.init_feed_dict)
            init_fn, ready_op = pick(init_fn, c._user_init_fn), pick(ready_op, c.ready_op)
            ready_for_local_init_op = pick(ready_for_local_init_op, c.ready_for_local_init_op)
            local_init_op = pick(local_init_op, c.local_init_op)
            local_init_feed_dict = pick(local_init_feed_dict, c.local_init_feed_dict)
            summary_op, saver = pick(summary_op, c.summary_op), pick(saver, c.saver)
        self._user_init_fn = init_fn
        self._init_fn = (lambda sess: init_fn(self, sess)) if init_fn else None
        self._init_op, self._init_feed_dict = init_op, init_feed_dict
        self._ready_op = ready_op
        self._ready_for_local_init_op = ready_for_local_init_op
        self._local_init_op, self._local_init_feed_dict = local_init_op, local_init_feed_dict
        self._summary_op, self._saver = summary_op, saver

    def finalize(self):
        """Creates the missing ops (TF's defaults), builds the saver, finalizes the graph."""
        tf = _tf()
        if self._init_op is None:
            self._init_op = Scaffold.get_or_default(
                "init_op", GraphKeys.INIT_OP,
                lambda: tf.group(tf.global_variables_initializer(), _initialize_resources(),
                                 tf.get_collection("saved_model_initializers")))
        if self._ready_op is None:
            self._ready_op = Scaffold.get_or_default(
                "ready_op", GraphKeys.READY_OP,
                lambda: tf.concat([tf.report_uninitialized_variables(),
                                   _report_uninitialized_resources()], 0))
        if self._ready_for_local_init_op is None:
            self._ready_for_local_init_op = Scaffold.get_or_default(
                "ready_for_local_init_op", GraphKeys.READY_FOR_LOCAL_INIT_OP,
                lambda: tf.concat([tf.report_uninitialized_variables(tf.global_variables()),
                                   _report_uninitialized_resources()], 0))
        if self._local_init_op is None:
            self._local_init_op = Scaffold.get_or_default(
                "local_init_op", GraphKeys.LOCAL_INIT_OP, Scaffold.default_local_init_op)
        if self._summary_op is None:
            self._summary_op = Scaffold.get_or_default("summary_op", GraphKeys.SUMMARY_OP,
                                                       tf.summary.merge_all)
        if self._saver is None:
            self._saver = _saver_or_default()
        self._saver.build()
        default_graph().finalize()
        _log.info("Graph was finalized.")
        return self

    init_fn = property(lambda self: self._init_fn)
    init_op = property(lambda self: self._init_op)
    ready_op = property(lambda self: self._ready_op)
    ready_for_local_init_op = property(lambda self: self._ready_for_local_init_op)
    local_init_op = property(lambda self: self._local_init_op)
    local_init_feed_dict = property(lambda self: self._local_init_feed_dict)
    summary_op = property(lambda self: self._summary_op)
    saver = property(lambda self: self._saver)
    init_feed_dict = property(lambda self: self._init_feed_dict)

    @staticmethod
    def get_or_default(arg_name, collection_key, default_constructor):
        elements = default_graph().get_collection(collection_key)
        if elements:
            if len(elements) > 1:
                raise RuntimeError(
                    "More than one item in the collection \"%s\". Please indicate which one to "
                    "use by passing it to the tf.Scaffold constructor as:  tf.Scaffold(%s=item "
                    "to use)" % (collection_key, arg_name))
            return elements[0]
        op = default_constructor()
        if op is not None:
            default_graph().add_to_collection(collection_key, op)
        return op

    @staticmethod
    def default_local_init_op():
        tf = _tf()
        return tf.group(tf.local_variables_initializer(), tf.tables_initializer(),
                        _initialize_resources())


def _initialize_resources(name="init"):
    """TF's `resources.initialize_resources([])` (scopeflow keeps no resource collection)."""
    return _tf().no_op(name=name)


def _report_uninitialized_resources(name="report_uninitialized_resources"):
    tf = _tf()
    with tf.name_scope(name), tf.device("/cpu:0"):
        return tf.constant([], dtype=tf.string)


def _saver_or_default():
    from scopeflow.checkpoint.saver import Saver
    savers = default_graph().get_collection(GraphKeys.SAVERS)
    if savers:
        if len(savers) > 1:
            raise RuntimeError("More than one item in collection {}. Please indicate which one "
                               "to use by passing it to the constructor.".format(GraphKeys.SAVERS))
        return savers[0]
    saver = Saver(sharded=True, allow_empty=True)
    default_graph().add_to_collection(GraphKeys.SAVERS, saver)
    return saver


class SessionCreator:
    def create_session(self):
        raise NotImplementedError("create_session is not implemented for {}.".format(self))


class ChiefSessionCreator(SessionCreator):
    """Creates the chief's session: restored from `checkpoint_dir`, else initialized."""

    def __init__(self, scaffold=None, master="", config=None, checkpoint_dir=None,
                 checkpoint_filename_with_path=None):
        self._checkpoint_dir = checkpoint_dir
        self._checkpoint_filename_with_path = checkpoint_filename_with_path
        self._scaffold = scaffold or Scaffold()
        self._master, self._config = master, config

    def _manager(self):
        s = self._scaffold
        return SessionManager(local_init_op=s.local_init_op, ready_op=s.ready_op,
                              ready_for_local_init_op=s.ready_for_local_init_op,
                              graph=default_graph(), local_init_feed_dict=s.local_init_feed_dict)

    def create_session(self):
        s = self._scaffold.finalize()
        return self._manager().prepare_session(
            self._master, saver=s.saver, checkpoint_dir=self._checkpoint_dir,
            checkpoint_filename_with_path=self._checkpoint_filename_with_path,
            config=self._config, init_op=s.init_op, init_feed_dict=s.init_feed_dict,
            init_fn=s.init_fn)


class WorkerSessionCreator(ChiefSessionCreator):
    """Creates a worker's session: waits for the chief to have made the model ready."""

    def __init__(self, scaffold=None, master="", config=None, max_wait_secs=30 * 60):
        super().__init__(scaffold, master, config)
        self._max_wait_secs = max_wait_secs

    def create_session(self):
        self._scaffold.finalize()
        return self._manager().wait_for_session(self._master, config=self._config,
                                                max_wait_secs=self._max_wait_secs)
