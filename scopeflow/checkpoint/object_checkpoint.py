"""`tf.train.Checkpoint` / `tf.train.CheckpointManager` as TF 1's graph mode has them
(tf.compat.v1's `CheckpointV1`): object-based checkpoints of variables, v1 optimizers (their
non-slot variables `optimizer/beta1_power/...` and slots `w/.OPTIMIZER_SLOT/optimizer/m/...`),
Keras models and layers and nested Checkpoints, each variable under the key of its path from
the root (`step/.ATTRIBUTES/VARIABLE_VALUE`) with the checkpoint's `_CHECKPOINTABLE_OBJECT_GRAPH`,
so that TF reads what scopeflow writes and the reverse. Restoring matches the checkpoint's
object graph to the objects by their local names, when `restore` is called and again when the
status is used (variables made in between, an optimizer's slots, are restored too).

>>> # ckpt = tf.train.Checkpoint(step=step, optimizer=opt)
>>> # manager = tf.train.CheckpointManager(ckpt, "/tmp/ck", max_to_keep=3)
>>> # ckpt.restore(manager.latest_checkpoint).initialize_or_restore(sess); manager.save()
"""

import collections
import glob
import os
import time

import numpy as np

_VALUE = "VARIABLE_VALUE"
OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"


def _is_variable(obj):
    return hasattr(obj, "op") and hasattr(obj, "initializer")


def _is_v1_optimizer(obj):
    from scopeflow.train.optimizer import Optimizer
    return isinstance(obj, Optimizer)


def _children(obj):
    """[(local name, child)] of a trackable object, in TF's order."""
    if isinstance(obj, Checkpoint):
        out = sorted(obj._deps.items())
        if obj._save_counter is not None:
            out.append(("save_counter", obj._save_counter))
        return out
    if _is_v1_optimizer(obj):
        from scopeflow.core.frame import default_graph
        g = default_graph()
        return sorted((name, v) for (name, graph), v in obj._non_slot_dict.items()
                      if graph is g)
    if isinstance(obj, dict):
        return sorted((str(k), v) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return [(str(i), v) for i, v in enumerate(obj)]
    if _is_variable(obj):
        return []
    from scopeflow.keras.engine.functional import Model
    from scopeflow.keras.saved_model_graph import children
    out = children(obj)
    if isinstance(obj, Model) and _is_optimizer(getattr(obj, "optimizer", None)):
        out.append(("optimizer", obj.optimizer))  # (a compiled model tracks its optimizer)
    return out


def _slots(optimizer, variables):
    """[(slot name, original variable's index, slot variable)] of an optimizer, slot name by
    slot name, each over `variables` in node order (TF's order)."""
    out = []
    if _is_v1_optimizer(optimizer):
        for name in optimizer.get_slot_names():
            for i, var in enumerate(variables):
                slot = optimizer.get_slot(var, name)
                if slot is not None:
                    out.append((name, i, slot))
        return out
    slots = getattr(optimizer, "_slots", None)  # a Keras optimizer: {(id(var), name): slot}
    if not isinstance(slots, dict):
        return out
    for name in dict.fromkeys(n for _, n in slots):
        for i, var in enumerate(variables):
            slot = slots.get((id(var), name))
            if slot is not None:
                out.append((name, i, slot))
    return out


def _is_optimizer(obj):
    if _is_v1_optimizer(obj):
        return True
    from scopeflow.keras.optimizer_base import Optimizer
    return isinstance(obj, Optimizer)


class _Tree:
    """The objects reachable from a root, numbered breadth-first (slot variables last), each
    with the path of its first reference; the fields of the Keras `ObjectTree`, whose object
    graph it writes."""

    def __init__(self, root):
        self.nodes, self.paths, self.edges = [root], [()], [[]]
        self.slots = []  # (optimizer node, original variable node, slot name, slot node)
        ids = {id(root): 0}
        i = 0
        while i < len(self.nodes):
            for name, child in _children(self.nodes[i]):
                if id(child) not in ids:
                    ids[id(child)] = len(self.nodes)
                    self._append(child, self.paths[i] + (name,))
                self.edges[i].append((name, ids[id(child)]))
            i += 1
        variables = [n for n in self.nodes if _is_variable(n)]
        node_of = {id(v): ids[id(v)] for v in variables}
        for at in [j for j, n in enumerate(self.nodes) if _is_optimizer(n)]:
            for name, k, slot in _slots(self.nodes[at], variables):
                original = node_of[id(variables[k])]
                self._append(slot, self.paths[original] + (".OPTIMIZER_SLOT",)
                             + self.paths[at] + (name,))
                self.slots.append((at, original, name, len(self.nodes) - 1))

    def _append(self, obj, path):
        self.nodes.append(obj)
        self.paths.append(path)
        self.edges.append([])

    def keys(self):
        """{checkpoint key: variable}."""
        return {_key(p): v for v, p in zip(self.nodes, self.paths) if _is_variable(v)}

    def object_graph(self):
        """The checkpoint's `_CHECKPOINTABLE_OBJECT_GRAPH` message (as the Keras tree's)."""
        from scopeflow.keras.saved_model_graph import ObjectTree
        return ObjectTree.trackable_object_graph(self)

    def _has_values(self):
        from scopeflow.keras.saved_model_graph import ObjectTree
        return ObjectTree._has_values(self)


def _key(path):
    return "/".join(path) + "/.ATTRIBUTES/" + _VALUE


def _session(session):
    """The session to run in: `session`, the default one, else Keras' (as TF)."""
    if session is not None:
        return session
    from scopeflow.session_config import get_default_session
    session = get_default_session()
    if session is None:
        from scopeflow.keras import backend as K
        session = K.get_session()
    return session


class Checkpoint:
    """`tf.compat.v1.train.Checkpoint(**kwargs)`: groups trackable objects (variables,
    optimizers, models, Checkpoints) to save and restore them together."""

    def __init__(self, **kwargs):
        self._deps = {}
        self._save_counter = None
        self._save_assign_op = None
        self._savers = {}
        for k, v in sorted(kwargs.items()):
            if not (_is_variable(v) or _trackable(v)):
                raise ValueError("`Checkpoint` was expecting a trackable object (an object "
                                 "derived from `Trackable`), got %s. If you believe this "
                                 "object should be trackable (i.e. it is part of the TensorFlow "
                                 "Python API and manages state), please open an issue." % (v,))
            setattr(self, k, v)

    def __setattr__(self, name, value):
        if not name.startswith("_") and (_is_variable(value) or _trackable(value)):
            self._deps[name] = value
        elif not name.startswith("_") and name in self._deps:
            del self._deps[name]
        object.__setattr__(self, name, value)

    # ---- the save counter -----------------------------------------------------------------
    def _maybe_create_save_counter(self):
        if self._save_counter is None:
            from scopeflow import dtypes
            from scopeflow.core.contexts import device
            from scopeflow.core.variables import VariableV1
            with device("/cpu:0"):
                object.__setattr__(self, "_save_counter", VariableV1(
                    0, name="save_counter", dtype=dtypes.int64, trainable=False,
                    use_resource=True))

    @property
    def save_counter(self):
        """The number of `save` calls so far (a variable, made on first use)."""
        self._maybe_create_save_counter()
        return self._save_counter

    # ---- writing ---------------------------------------------------------------------------
    def write(self, file_prefix, session=None):
        """Writes the checkpoint at `file_prefix` (no counter, no state file); its path."""
        return self._write(file_prefix, _session(session))

    def _write(self, file_prefix, session):
        from scopeflow.checkpoint.bundle import BundleReader
        from scopeflow.checkpoint.saver import Saver
        from scopeflow.checkpoint.bundle import write_bundle
        file_prefix = file_prefix.decode() if isinstance(file_prefix, bytes) else \
            os.fspath(file_prefix)
        tree = _Tree(self)
        keys = tree.keys()
        sig = tuple((k, id(v)) for k, v in sorted(keys.items()))
        saver = self._savers.get(sig)
        if saver is None:
            saver = self._savers[sig] = Saver(keys, allow_empty=True)
        os.makedirs(os.path.dirname(file_prefix) or ".", exist_ok=True)  # (as TF's SaveV2)
        saver.save(session, file_prefix, write_meta_graph=False, write_state=False)
        reader = BundleReader(file_prefix) if keys else None
        tensors = {n: reader.lookup(n) for n in reader.names()} if reader else {}
        tensors[OBJECT_GRAPH_KEY] = np.array(
            tree.object_graph().SerializeToString(deterministic=True), dtype=object)
        write_bundle(file_prefix, tensors)
        return file_prefix

    def _next_number(self, session):
        if self._save_counter is None:
            self._maybe_create_save_counter()
            session.run(self._save_counter.initializer)
        if self._save_assign_op is None:
            from scopeflow.core.contexts import colocate_with
            with colocate_with(self._save_counter):
                self._save_assign_op = self._save_counter.assign_add(1, read_value=True)
        return int(session.run(self._save_assign_op))

    def save(self, file_prefix, session=None):
        """Writes `file_prefix-<n>` (n: the incremented save counter) and the directory's
        `checkpoint` state file; its path."""
        from scopeflow.checkpoint import state
        session = _session(session)
        file_prefix = file_prefix.decode() if isinstance(file_prefix, bytes) else \
            os.fspath(file_prefix)
        number = self._next_number(session)
        path = self._write("%s-%d" % (file_prefix, number), session)
        state.update_checkpoint_state_internal(os.path.dirname(file_prefix), path, [path],
                                               save_relative_paths=True)
        return path

    # ---- reading ---------------------------------------------------------------------------
    def restore(self, save_path):
        """A status object for restoring the checkpoint at `save_path` (None: initializing
        only); its `run_restore_ops` / `initialize_or_restore` run in a session."""
        self._maybe_create_save_counter()
        if save_path is None:
            return InitializationOnlyStatus(self)
        from scopeflow.checkpoint.reader import NewCheckpointReader
        save_path = save_path.decode() if isinstance(save_path, bytes) else \
            os.fspath(save_path)
        if not NewCheckpointReader(save_path).has_tensor(OBJECT_GRAPH_KEY):
            return NameBasedSaverStatus(self, save_path)
        return CheckpointLoadStatus(self, save_path)


def _trackable(value):
    if isinstance(value, (Checkpoint, dict, list, tuple)) or _is_optimizer(value):
        return True
    from scopeflow.keras.engine.base_layer import Layer
    return isinstance(value, Layer)


class InitializationOnlyStatus:
    """`restore(None)`: nothing to restore; initializes the variables."""

    def __init__(self, root):
        self._root = root

    def assert_consumed(self):
        raise AssertionError("No checkpoint specified (save_path=None); nothing is being "
                             "restored.")

    assert_existing_objects_matched = assert_consumed
    assert_nontrivial_match = assert_consumed

    def run_restore_ops(self, session=None):
        return None

    def initialize_or_restore(self, session=None):
        from scopeflow.core.var_ops import variables_initializer
        variables = [v for v in _Tree(self._root).nodes if _is_variable(v)]
        _session(session).run(variables_initializer(variables))

    def expect_partial(self):
        return self


class CheckpointLoadStatus:
    """The objects of a checkpoint matched to the root's objects; restore ops for the
    matched variables, those matched later (made after `restore`) included."""

    def __init__(self, root, save_path):
        from tensorboard.compat.proto.trackable_object_graph_pb2 import TrackableObjectGraph

        from scopeflow.checkpoint.bundle import BundleReader
        self._root = root
        self._path = save_path
        reader = BundleReader(save_path)
        self._graph = TrackableObjectGraph.FromString(reader.lookup(OBJECT_GRAPH_KEY).item())
        self._savers = []  # (keys, Saver): restore ops made as the variables matched
        self._restore_ops()

    def _refresh(self):
        """Matches the checkpoint to the root's objects as they are now (variables made
        after `restore`, an optimizer's slots, are restored too)."""
        self._tree = _Tree(self._root)
        self._matched = _match(self._graph, self._tree)  # {checkpoint node: tree node}

    def _restore_ops(self):
        """Savers restoring every matched variable (one more for those matched since)."""
        from scopeflow.checkpoint.saver import Saver
        self._refresh()
        done = {k for keys, _ in self._savers for k in keys}
        keys = {}
        for node_id, at in self._matched.items():
            obj = self._tree.nodes[at]
            for attr in self._graph.nodes[node_id].attributes:
                if attr.name == _VALUE and _is_variable(obj) and attr.checkpoint_key not in done:
                    keys[attr.checkpoint_key] = obj
        if keys:
            self._savers.append((keys, Saver(keys, allow_empty=True)))
        return [saver for _, saver in self._savers]

    def assert_consumed(self):
        """Raises AssertionError unless every checkpoint value and object was matched."""
        self.assert_existing_objects_matched()
        for node_id, node in enumerate(self._graph.nodes):
            if node.attributes and node_id not in self._matched:
                raise AssertionError("Unresolved object in checkpoint %s: %s" % (
                    _ckpt_path(self._graph, node_id), node))
        return self

    def assert_existing_objects_matched(self):
        """Raises AssertionError unless every variable of the root's objects was matched."""
        self._refresh()
        matched = set(self._matched.values())
        unused = [obj for at, obj in enumerate(self._tree.nodes)
                  if _is_variable(obj) and at not in matched]
        if unused:
            shown = min(10, len(unused))
            raise AssertionError(
                "Found %d Python objects that were not bound to checkpointed values, likely "
                "due to changes in the Python program. Showing %d of %d unmatched objects: %s"
                % (len(unused), shown, len(unused), unused[:shown]))
        return self

    def assert_nontrivial_match(self):
        self._refresh()
        if len(self._matched) <= 1:
            raise AssertionError("Nothing except the root object matched a checkpointed value. "
                                 "Typically this means that the checkpoint does not match the "
                                 "Python program.")
        return self

    def expect_partial(self):
        return self

    def run_restore_ops(self, session=None):
        """Restores the matched variables in `session`."""
        from scopeflow.checkpoint import execute
        session = _session(session)
        for saver in self._restore_ops():  # (TF's errors at the restore ops, unwrapped)
            graph = session.graph
            op = graph.get_operation_by_name(saver.saver_def.restore_op_name)
            execute.restore(session, op, self._path,
                            graph.get_tensor_by_name(saver.saver_def.filename_tensor_name))

    def initialize_or_restore(self, session=None):
        """Restores the matched variables and initializes the root's others."""
        from scopeflow.core.var_ops import variables_initializer
        session = _session(session)
        self._refresh()
        matched = set(self._matched.values())
        others = [obj for at, obj in enumerate(self._tree.nodes)
                  if _is_variable(obj) and at not in matched]
        if others:
            session.run(variables_initializer(others))
        self.run_restore_ops(session)


class NameBasedSaverStatus:
    """`restore` of a name-based (`tf.train.Saver`) checkpoint: the variables restored by
    their global names."""

    def __init__(self, root, save_path):
        _log_name_based()
        self._root = root
        self._path = save_path

    def assert_consumed(self):
        raise AssertionError("Object not restored: %s" % (self._root,))

    def assert_existing_objects_matched(self):
        return self.assert_consumed()

    def assert_nontrivial_match(self):
        return self

    def expect_partial(self):
        return self

    def run_restore_ops(self, session=None):
        from scopeflow.checkpoint.saver import Saver
        variables = {v.op.name: v for v in _Tree(self._root).nodes if _is_variable(v)}
        Saver(variables).restore(_session(session), self._path)

    def initialize_or_restore(self, session=None):
        self.run_restore_ops(session)


def _log_name_based():
    import logging
    logging.getLogger("tensorflow").warning(
        "Restoring a name-based tf.train.Saver checkpoint using the object-based restore API. "
        "This mode uses global names to match variables, and so is somewhat fragile. It also "
        "adds new restore ops to the graph each time it is called when graph building. Prefer "
        "re-encoding training checkpoints in the object-based format: run save() on the "
        "object-based saver (the same one this message is coming from) and use that checkpoint "
        "in the future.")


def _ckpt_path(graph, node_id):
    """`(root).optimizer.beta1_power` of a checkpoint node."""
    parent = {}
    queue = collections.deque([0])
    while queue:
        i = queue.popleft()
        for c in graph.nodes[i].children:
            if c.node_id not in parent and c.node_id != 0:
                parent[c.node_id] = (i, c.local_name)
                queue.append(c.node_id)
    names = []
    while node_id in parent:
        node_id, name = parent[node_id]
        names.append(name)
    return ".".join(["(root)"] + names[::-1])


def _match(graph, tree):
    """{checkpoint node id: tree node id}: the two walked from their roots by local names,
    then the optimizers' slot variables."""
    out = {0: 0}
    queue = collections.deque([(0, 0)])
    edges = [dict(e) for e in tree.edges]
    while queue:
        node_id, at = queue.popleft()
        for c in graph.nodes[node_id].children:
            if c.local_name in edges[at] and c.node_id not in out:
                out[c.node_id] = edges[at][c.local_name]
                queue.append((c.node_id, out[c.node_id]))
    slots = {(at, original, name): slot for at, original, name, slot in tree.slots}
    for node_id, node in enumerate(graph.nodes):
        for s in node.slot_variables:
            if node_id in out and s.original_variable_node_id in out:
                at = slots.get((out[node_id], out[s.original_variable_node_id], s.slot_name))
                if at is not None:
                    out[s.slot_variable_node_id] = at
    return out


class CheckpointManager:
    """`tf.train.CheckpointManager(checkpoint, directory, max_to_keep)`: numbered checkpoints
    `<directory>/ckpt-<n>`, the newest `max_to_keep` kept, and the `checkpoint` state file."""

    def __init__(self, checkpoint, directory, max_to_keep, keep_checkpoint_every_n_hours=None,
                 checkpoint_name="ckpt", step_counter=None, checkpoint_interval=None,
                 init_fn=None):
        from scopeflow.checkpoint import state
        self._checkpoint = checkpoint
        self._save_counter_assign = None
        if max_to_keep is not None and max_to_keep <= 0:
            raise ValueError("Expected a positive integer or `None` for `max_to_keep`, got %d."
                             % (max_to_keep,))
        self._max_to_keep = max_to_keep
        self._keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        if checkpoint_interval is not None and step_counter is None:
            raise ValueError("`step_counter` should be passed if `checkpoint_interval` is not "
                             "None.")
        self._step_counter = step_counter
        self._checkpoint_interval = checkpoint_interval
        self._last_checkpoint_step = None
        self._init_fn = init_fn
        self._directory = os.fspath(directory)
        self._checkpoint_prefix = os.path.join(self._directory, checkpoint_name)
        recovered = state.get_checkpoint_state(self._directory)
        current_clock = time.time()
        self._maybe_delete = collections.OrderedDict()
        if recovered is None:
            self._latest_checkpoint = None
            self._last_preserved_timestamp = current_clock - 1.0
        else:
            self._latest_checkpoint = recovered.model_checkpoint_path
            self._last_preserved_timestamp = recovered.last_preserved_timestamp
            if current_clock < self._last_preserved_timestamp:
                self._last_preserved_timestamp = current_clock
            paths = list(recovered.all_model_checkpoint_paths)
            stamps = list(recovered.all_model_checkpoint_timestamps)
            stamps = stamps if len(stamps) == len(paths) else [current_clock] * len(paths)
            for path, stamp in zip(paths, stamps):
                self._maybe_delete[path] = min(stamp, current_clock)

    @property
    def directory(self):
        return self._directory

    @property
    def checkpoint(self):
        return self._checkpoint

    @property
    def latest_checkpoint(self):
        """The prefix of the newest checkpoint, None where there is none."""
        return self._latest_checkpoint

    @property
    def checkpoints(self):
        """The prefixes of the checkpoints kept, oldest first."""
        return list(self._maybe_delete.keys())

    @property
    def checkpoint_interval(self):
        return self._checkpoint_interval

    def _record_state(self):
        from scopeflow.checkpoint import state
        filenames, stamps = zip(*self._maybe_delete.items()) if self._maybe_delete else ((), ())
        latest = self._latest_checkpoint
        state.update_checkpoint_state_internal(
            self._directory, latest, list(filenames), save_relative_paths=True,
            times=(list(stamps), self._last_preserved_timestamp))

    def _sweep(self):
        if not self._max_to_keep:
            return
        while len(self._maybe_delete) > self._max_to_keep:
            filename, stamp = self._maybe_delete.popitem(last=False)
            hours = self._keep_checkpoint_every_n_hours
            if hours and stamp - hours * 3600.0 >= self._last_preserved_timestamp:
                self._last_preserved_timestamp = stamp
                continue
            for path in glob.glob(filename + ".index") + glob.glob(filename + ".data-*"):
                os.remove(path)

    def save(self, checkpoint_number=None, check_interval=True, options=None):
        """Writes `ckpt-<n>` (n: `checkpoint_number`, else the incremented save counter),
        deletes the checkpoints beyond `max_to_keep`; its path (None: not due yet)."""
        from scopeflow.session_config import get_default_session
        if self._checkpoint_interval is not None and check_interval:
            step = int(_session(None).run(self._step_counter)) \
                if _is_variable(self._step_counter) else int(self._step_counter)
            if self._last_checkpoint_step is not None and \
                    step < self._last_checkpoint_step + self._checkpoint_interval:
                return None
            self._last_checkpoint_step = step
        session = get_default_session()  # (none: TF's AttributeError on its `run`)
        ckpt = self._checkpoint
        if ckpt._save_counter is None:
            ckpt._maybe_create_save_counter()
            session.run(ckpt._save_counter.initializer)
        if self._save_counter_assign is None:
            self._save_counter_assign = ckpt._save_counter.assign_add(1, read_value=False)
        session.run(self._save_counter_assign)
        if checkpoint_number is None:
            checkpoint_number = session.run(ckpt._save_counter)
        elif _is_variable(checkpoint_number) or hasattr(checkpoint_number, "op"):
            checkpoint_number = session.run(checkpoint_number)
        prefix = "%s-%d" % (self._checkpoint_prefix, int(checkpoint_number))
        path = ckpt._write(prefix, session)
        self._maybe_delete.pop(path, None)
        self._maybe_delete[path] = time.time()
        self._latest_checkpoint = path
        self._record_state()
        self._sweep()
        self._record_state()
        return path

    def sync(self):
        """Waits for asynchronous checkpoints: none in graph mode."""

    def restore_or_initialize(self):
        """Restores the newest checkpoint (its path), else runs `init_fn` (None)."""
        if self._latest_checkpoint is not None:
            self._checkpoint.restore(self._latest_checkpoint).run_restore_ops()
            return self._latest_checkpoint
        if self._init_fn is not None:
            self._init_fn()
        return None
