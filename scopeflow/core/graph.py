"""`tf.Graph`: ops in creation order, names in use, collections, and the scope stacks."""

import itertools
import re
import threading
import weakref

from scopeflow.core import frame as _frame
from scopeflow.core import naming
from scopeflow.core.cf_check import check_inputs
from scopeflow.core.device import merge_device
from scopeflow.core.stack import capture as _capture
from scopeflow.core.tensor import Operation, SymbolicTensor, Tensor, add_edge


class GraphKeys:
    """Standard collection names."""

    GLOBAL_VARIABLES = "variables"
    VARIABLES = GLOBAL_VARIABLES
    LOCAL_VARIABLES = "local_variables"
    METRIC_VARIABLES = "metric_variables"
    MODEL_VARIABLES = "model_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    SUMMARIES = "summaries"
    QUEUE_RUNNERS = "queue_runners"
    TABLE_INITIALIZERS = "table_initializer"
    ASSET_FILEPATHS = "asset_filepaths"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    REGULARIZATION_LOSSES = "regularization_losses"
    CONCATENATED_VARIABLES = "concatenated_variables"
    SAVERS = "savers"
    WEIGHTS = "weights"
    BIASES = "biases"
    ACTIVATIONS = "activations"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    SAVEABLE_OBJECTS = "saveable_objects"
    RESOURCES = "resources"
    LOCAL_RESOURCES = "local_resources"
    TRAINABLE_RESOURCE_VARIABLES = "trainable_resource_variables"
    INIT_OP = "init_op"
    LOCAL_INIT_OP = "local_init_op"
    READY_OP = "ready_op"
    READY_FOR_LOCAL_INIT_OP = "ready_for_local_init_op"
    SUMMARY_OP = "summary_op"
    GLOBAL_STEP = "global_step"
    EVAL_STEP = "eval_step"
    TRAIN_OP = "train_op"
    COND_CONTEXT = "cond_context"
    WHILE_CONTEXT = "while_context"
    _SUMMARY_COLLECTION = "_SUMMARY_V2"
    _VARIABLE_COLLECTIONS = [GLOBAL_VARIABLES, LOCAL_VARIABLES, METRIC_VARIABLES, MODEL_VARIABLES,
                             TRAINABLE_VARIABLES, MOVING_AVERAGE_VARIABLES, CONCATENATED_VARIABLES,
                             TRAINABLE_RESOURCE_VARIABLES]
    _STREAMING_MODEL_PORTS = "streaming_model_ports"


class _Local(threading.local):
    frame = None


class Graph:
    """A TF1 graph: create ops inside `with g.as_default():`.

    >>> g = Graph()
    >>> with g.as_default():
    ...     pass
    """

    def __init__(self):
        self._ops = []
        self._ops_by_name = {}
        self._names_in_use = {}
        self._ids = itertools.count(1)  # op ids: creation order
        # consumers by id(tensor), built when first asked for (gradients), not per op: a graph
        # then holds no list per tensor (see _consumers_of)
        self._consumer_index = {}
        self._indexed = 0  # how many of self._ops the index covers
        self._gradient_op_types = {}  # op -> gradient_override_map's name for its gradient
        # ops named in tf.control_dependencies: TF marks them `_has_manual_control_dependencies`
        # (whether or not an op built in the block takes them as control inputs)
        self._manual_control = weakref.WeakSet()
        # (error class, message) of a graph TF's runtime refuses as a whole (a while loop's
        # Merge fed another dtype by its NextIteration): every run of every session fails
        self._invalid = None
        self._edits = 0  # control inputs added to existing ops (they change the graph too)
        self._collections = {}
        self._finalized = False
        self._local = _Local()
        self._lock = threading.RLock()
        self.seed = None
        self._building_function = False
        self._group_lock = self._lock
        self._stateful_ops_cache = None
        self._stacks = {}  # where ops were defined (core/stack.py), interned
        self._unfetchable = set()  # ops marked by prevent_fetching (a cond's own switches)
        self._unfeedable = set()  # tensors marked by prevent_feeding

    # ---- per-thread frame -------------------------------------------------------------------
    def _frame(self):
        f = self._local.frame
        if f is None:
            f = self._local.frame = _frame.Frame()
        return f

    building_function = property(lambda self: self._building_function)
    version = property(lambda self: len(self._ops))  # TF's: the number of ops added
    # what cached programs compare: ops added and control edges added to existing ops
    _version = property(lambda self: len(self._ops) + self._edits)
    finalized = property(lambda self: self._finalized)
    graph_def_versions = property(lambda self: _versions())

    @property
    def _name_stack(self):
        return self._frame().name_scope

    @_name_stack.setter
    def _name_stack(self, value):
        self._frame().name_scope = value

    def as_default(self):
        return _DefaultGraph(self)

    def finalize(self):
        self._finalized = True

    def _unsafe_unfinalize(self):
        self._finalized = False

    # ---- names ------------------------------------------------------------------------------
    def unique_name(self, name, mark_as_used=True):
        return naming.unique_name(self._names_in_use, self._frame().name_scope, name, mark_as_used)

    def get_name_scope(self):
        return self._frame().name_scope

    def name_scope(self, name):
        return NameScope(self, name)

    def _op_scope(self, name):
        """The full op name that `with name_scope(name) as s` would give (`s` minus '/')."""
        if name and name[-1] == "/":
            return name[:-1]
        f = self._local.frame or self._frame()
        scope = f.name_scope
        naming.check_scope_name(name, bool(scope))
        return naming.unique_name(self._names_in_use, scope, name)

    def _op_name(self, name):
        """The unique full name of an op made without a name_scope of its own (TF's
        `_create_op_internal`: the full name checked as a node name)."""
        if name and name[-1] == "/":
            return name[:-1]
        full = naming.unique_name(self._names_in_use, (self._local.frame or self._frame())
                                  .name_scope, name)
        naming.check_op_name(full)
        return full

    # ---- ops --------------------------------------------------------------------------------
    def _add_op(self, op_type, full_name, inputs, attrs, out_specs, arg_counts=None):
        """Creates an Operation named `full_name` (already unique) with outputs `out_specs`.

        Applies control dependencies, devices, colocation and control-flow context.
        """
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")
        by_name = self._ops_by_name
        if full_name in by_name:
            raise ValueError("Duplicate node name in graph: '%s'" % full_name)
        op = Operation(self, op_type, full_name, inputs, attrs, arg_counts, next(self._ids))
        tb = _capture()  # one record per distinct stack: ops built in a loop share it
        op._tb = self._stacks.setdefault(tb, tb)
        if len(out_specs) == 1:
            sh, dt = out_specs[0]
            op._outputs = (SymbolicTensor(op, 0, dt, sh),)
        else:
            op._outputs = tuple([SymbolicTensor(op, i, dt, sh) for i, (sh, dt) in enumerate(out_specs)])
        f = self._local.frame
        if f is not None:
            if f.controllers:
                self._apply_control_dependencies(op, f.controllers)
            if f.devices:
                _apply_devices(op, f.devices)
            if f.colocate:
                op._colocation = _groups(f.colocate[-1])
                if f.colocate[-1] and not op._device:
                    op._device = f.colocate[-1][0]._device
            self._check_inputs(op, f.in_cf)
            if f.in_cf is not None:
                f.in_cf.add_op(op)
            if f.gradient_override:
                mapped = f.gradient_override.get(op_type)
                if mapped is not None:  # TF's `_gradient_op_type` attr
                    self._gradient_op_types[op] = mapped
        self._ops.append(op)  # no lock: each step is atomic, and ids come from one counter
        by_name[full_name] = op
        return op

    def _check_inputs(self, op, ctx):
        """TF's build-time context check; an op that fails it stays in the graph, as in TF."""
        try:
            check_inputs(op, ctx)
        except ValueError:
            self._ops.append(op)
            self._ops_by_name[op._name] = op
            raise

    def _consumers_of(self, t):
        """The ops that take tensor `t` as an input, in creation order (do not modify)."""
        index = self._consumer_index
        done, ops = self._indexed, self._ops
        if done < len(ops):
            with self._lock:
                for i in range(self._indexed, len(ops)):
                    for x in ops[i]._inputs:
                        key = id(x)
                        c = index.get(key)
                        if c is None:
                            index[key] = [ops[i]]
                        else:
                            c.append(ops[i])
                    self._indexed = i + 1
        return index.get(id(t), ())

    def _replace_input(self, op, i, new):
        """Rewires input `i` of `op` to tensor `new` (control flow does, while it builds)."""
        with self._lock:
            old = op._inputs[i]
            op._inputs = op._inputs[:i] + (new,) + op._inputs[i + 1:]
            index = self._consumer_index
            users = index.get(id(old))
            if users and op in users:  # the index has seen `op`: move this edge
                users.remove(op)
                index.setdefault(id(new), []).append(op)

    def _apply_control_dependencies(self, op, controllers):
        input_ops = [t._op for t in op._inputs]
        ctrl = []
        for c in controllers:
            if c.control_inputs is None:
                continue
            if not any(o in c.seen for o in input_ops):
                ctrl.extend(x for x in c.control_inputs if x not in input_ops and x not in ctrl)
            c.seen.add(op)
        for x in ctrl:
            add_edge(op, x)

    def create_op(self, op_type, inputs, dtypes=None, input_types=None, name=None, attrs=None,
                  op_def=None, compute_device=True):
        """TF's low-level `Graph.create_op`: the op must be in the registry."""
        from scopeflow.ops.registry import create_registered
        name = name or op_type
        full = naming.name_from_scope_name(name) if name[-1] == "/" else self.unique_name(name)
        return create_registered(self, op_type, full, list(inputs), dict(attrs or {}))

    def get_operations(self):
        return list(self._ops)

    def get_operation_by_name(self, name):
        if not isinstance(name, str):
            raise TypeError("Operation names are strings (or similar), not %s."
                            % type(name).__name__)
        return self.as_graph_element(name, allow_tensor=False, allow_operation=True)

    def get_tensor_by_name(self, name):
        if not isinstance(name, str):
            raise TypeError("Tensor names are strings (or similar), not %s." % type(name).__name__)
        return self.as_graph_element(name, allow_tensor=True, allow_operation=False)

    def _get_operation_by_name_unsafe(self, name):
        return self._ops_by_name[name]

    def as_graph_element(self, obj, allow_tensor=True, allow_operation=True):
        if allow_tensor and allow_operation:
            types_str = "Tensor or Operation"
        elif allow_tensor:
            types_str = "Tensor"
        else:
            types_str = "Operation"
        conv = getattr(obj, "_as_graph_element", None)
        if conv is not None and not isinstance(obj, (Tensor, Operation)):
            obj = conv()
        if isinstance(obj, str):
            return self._element_by_name(obj, allow_tensor, allow_operation, types_str)
        if isinstance(obj, Tensor) and allow_tensor:
            if obj.graph is not self:
                raise ValueError("Tensor %s is not an element of this graph." % obj)
            return obj
        if isinstance(obj, Operation) and allow_operation:
            if obj.graph is not self:
                raise ValueError("Operation %s is not an element of this graph." % obj)
            return obj
        raise TypeError("Can not convert a %s into a %s." % (type(obj).__name__, types_str))

    def _element_by_name(self, name, allow_tensor, allow_operation, types_str):
        if allow_tensor and ":" in name:
            op_name, idx = naming.split_tensor_name(name)
            if idx is None:
                raise ValueError("The name %r looks a like a Tensor name, but is not a valid one. "
                                 "Tensor names must be of the form \"<op_name>:<output_index>\"."
                                 % name)
            op = self._ops_by_name.get(op_name)
            if op is None:
                raise KeyError("The name %r refers to a Tensor which does not exist. The "
                               "operation, %r, does not exist in the graph." % (name, op_name))
            if idx >= len(op._outputs):
                raise KeyError("The name %r refers to a Tensor which does not exist. The "
                               "operation, %r, exists but only has %d outputs."
                               % (name, op_name, len(op._outputs)))
            return op._outputs[idx]
        if ":" in name and not allow_tensor:
            raise ValueError("Name %r appears to refer to a Tensor, not a %s." % (name, types_str))
        if not allow_operation:
            what = ("refers to an Operation" if name in self._ops_by_name
                    else "looks like an (invalid) Operation name")
            raise ValueError("The name %r %s, not a %s. Tensor names must be of the form "
                             "\"<op_name>:<output_index>\"." % (name, what, types_str))
        op = self._ops_by_name.get(name)
        if op is None:
            raise KeyError("The name %r refers to an Operation not in the graph." % name)
        return op

    # ---- collections ------------------------------------------------------------------------
    def add_to_collection(self, name, value):
        items = self._collections.get(name)
        if items is None:
            with self._lock:
                items = self._collections.setdefault(name, [])
        items.append(value)  # atomic

    def add_to_collections(self, names, value):
        names = (names,) if isinstance(names, str) else set(names)
        for n in names:
            self.add_to_collection(n, value)

    def get_collection_ref(self, name):
        with self._lock:
            return self._collections.setdefault(name, [])

    def get_collection(self, name, scope=None):
        with self._lock:
            items = self._collections.get(name)
            if items is None:
                return []
            if scope is None:
                return list(items)
            rx = re.compile(scope)
            return [i for i in items
                    if getattr(i, "name", None) is not None and isinstance(i.name, str)
                    and rx.match(i.name)]

    def get_all_collection_keys(self):
        with self._lock:
            return [k for k, v in self._collections.items() if isinstance(v, list)]

    def clear_collection(self, name):
        with self._lock:
            self._collections.pop(name, None)

    # ---- contexts ---------------------------------------------------------------------------
    def control_dependencies(self, control_inputs):
        if control_inputs is None:
            return _ControlDeps(self, None)
        current = set()
        for c in self._frame().controllers:
            current.update(c.control_inputs or ())
        ops = []
        for c in control_inputs:
            if callable(c) and not hasattr(c, "_as_graph_element") and \
                    not isinstance(c, (Tensor, Operation)):
                c = c()
            if hasattr(c, "_handle") and not isinstance(c, (Tensor, Operation)):
                c = c.op  # a resource variable (or its lazy read): no read (TF)
            c = self.as_graph_element(c)
            if isinstance(c, Tensor):
                c = c.op
            if c not in current:
                ops.append(c)
                current.add(c)
                self._manual_control.add(c)
        return _ControlDeps(self, ops)

    def device(self, device_name_or_function):
        return _DeviceScope(self, device_name_or_function)

    def colocate_with(self, op, ignore_existing=False):
        return _Colocate(self, op, ignore_existing)

    def gradient_override_map(self, op_type_map):
        return _GradientOverride(self, op_type_map)

    # ---- export -----------------------------------------------------------------------------
    def as_graph_def(self, from_version=None, add_shapes=False):
        from scopeflow.summary.graph_def import graph_def
        return graph_def(self, from_version, add_shapes)

    def _as_graph_def(self, from_version=None, add_shapes=False):
        return self.as_graph_def(from_version, add_shapes), self.version

    def is_feedable(self, tensor):
        """False for a value made in a while loop's body or condition built here (TF: "Tensor
        ... may not be fed."; a cond branch's values inside the loop may be fed)."""
        ctx = tensor.op._ctx
        return tensor not in self._unfeedable and not (ctx is not None and ctx.is_loop) \
            and not _leaves_xla_loop(tensor.op)

    def is_fetchable(self, tensor_or_op):
        """False, as in TF, for an op built inside a cond branch or a loop body (a loop's Enter
        ops excepted): its value exists per branch taken or per iteration only."""
        op = tensor_or_op if isinstance(tensor_or_op, Operation) else tensor_or_op.op
        if op in self._unfetchable:
            return False
        if op._ctx is None:
            return not _leaves_xla_loop(op)
        return _in_loop(op) and op._type in ("Enter", "RefEnter")

    def prevent_feeding(self, tensor):
        self._unfeedable.add(tensor)

    def prevent_fetching(self, op):
        self._unfetchable.add(op)

    def __repr__(self):
        return "<scopeflow.Graph object at 0x%x>" % id(self)


def _leaves_xla_loop(op):
    """Whether `op` is the Exit of a loop built in an XLAControlFlowContext (or the gradient
    loop of one): TF keeps those from being fetched or fed, as it does every Exit of a loop
    inside another context."""
    if op._type not in ("Exit", "RefExit") or not op._inputs:
        return False
    c = op._inputs[0]._op._ctx
    return c is not None and c.xla


def _in_loop(op):
    """Whether `op` was built inside a tf.while_loop (its context or one around it)."""
    c = op._ctx
    while c is not None:
        if c.is_loop:
            return True
        c = c.outer
    return False


GRAPH_DEF_VERSION = 2474  # TF 2.21's producer version; TF writes no min_consumer


def _versions():
    from tensorboard.compat.proto import versions_pb2
    return versions_pb2.VersionDef(producer=GRAPH_DEF_VERSION)


def _apply_devices(op, devices):
    prior = None
    for spec in reversed(devices):
        if spec is None:
            break
        if callable(spec):
            dev = spec(op)
            dev = dev.to_string() if hasattr(dev, "to_string") else (dev or "")
        else:
            dev = merge_device(spec, op._device)
        if dev is not prior:
            op._device = dev
            prior = dev


class NameScope:
    """`Graph.name_scope(name)`: enters a (uniquified) name scope, returns 'scope/'."""

    __slots__ = ("_graph", "_name", "_old", "_frame")

    def __init__(self, graph, name):
        self._graph = graph
        self._name = name

    def __enter__(self):
        name = self._name
        f = self._frame = self._graph._frame()
        if name:
            if not isinstance(name, str):
                name = name.decode() if isinstance(name, bytes) else str(name)
            naming.check_scope_name(name, bool(f.name_scope))
        self._old = f.name_scope
        if not name:
            new, ret = "", ""
        elif name[-1] == "/":
            new, ret = name[:-1], name
        else:
            new = naming.unique_name(self._graph._names_in_use, self._old, name)
            ret = new + "/"
        f.name_scope = new
        return ret

    def __exit__(self, *exc):
        self._frame.name_scope = self._old
        return False


class _DefaultGraph:
    __slots__ = ("_graph",)

    def __init__(self, graph):
        self._graph = graph

    def __enter__(self):
        _frame.push_graph(self._graph)
        return self._graph

    def __exit__(self, *exc):
        _frame.pop_graph(self._graph)
        return False


class _ControlDeps:
    __slots__ = ("_graph", "control_inputs", "seen", "_old")

    def __init__(self, graph, control_inputs):
        self._graph = graph
        self.control_inputs = control_inputs
        self.seen = set()

    def __enter__(self):
        f = self._graph._frame()
        self._old = f.controllers
        if self.control_inputs is None:
            f.controllers = []
        else:
            f.controllers = f.controllers + [self]
        return None

    def __exit__(self, *exc):
        self._graph._frame().controllers = self._old
        return False


class _DeviceScope:
    __slots__ = ("_graph", "_spec", "_old")

    def __init__(self, graph, spec):
        if spec is not None and not callable(spec):
            spec = spec.to_string() if hasattr(spec, "to_string") else spec
        self._graph = graph
        self._spec = spec

    def __enter__(self):
        f = self._graph._frame()
        self._old = f.devices
        f.devices = f.devices + [self._spec]
        return None

    def __exit__(self, *exc):
        self._graph._frame().devices = self._old
        return False


def _groups(ops):
    """TF's `_class` of an op made under colocate_with(ops): their colocation groups (an op
    colocated with another inherits its group), sorted, each once."""
    if len(ops) == 1 and not ops[0]._colocation:
        return (ops[0]._name,)
    return tuple(sorted({g for o in ops for g in (o._colocation or (o._name,))}))


class _Colocate:
    __slots__ = ("_graph", "_op", "_ignore", "_old_c", "_old_d")

    def __init__(self, graph, op, ignore_existing):
        self._graph = graph
        self._op = op
        self._ignore = ignore_existing

    def __enter__(self):
        f = self._graph._frame()
        self._old_c, self._old_d = f.colocate, f.devices
        op = self._op
        if op is None:
            f.colocate = f.colocate + [[]]
            return None
        if isinstance(getattr(op, "handle", None), Tensor):  # a resource variable: its handle
            op = op.handle.op
        if hasattr(op, "_as_graph_element") and not isinstance(op, (Tensor, Operation)):
            op = op._as_graph_element()
        if isinstance(op, Tensor):
            op = op.op
        elif not isinstance(op, Operation) and isinstance(getattr(op, "op", None), Operation):
            op = op.op  # an IndexedSlices: its values' op (TF's _op_to_colocate_with)
        base = [] if self._ignore or not f.colocate else list(f.colocate[-1])
        f.colocate = f.colocate + [base + [op]]
        f.devices = f.devices + [None]  # colocation overrides device scopes
        return None

    def __exit__(self, *exc):
        f = self._graph._frame()
        f.colocate, f.devices = self._old_c, self._old_d
        return False


class _GradientOverride:
    __slots__ = ("_graph", "_map", "_old")

    def __init__(self, graph, op_type_map):
        if not isinstance(op_type_map, dict):
            raise TypeError("op_type_map must be a dictionary mapping strings to strings")
        self._graph = graph
        self._map = op_type_map

    def __enter__(self):
        f = self._graph._frame()
        self._old = f.gradient_override
        f.gradient_override = {**self._old, **self._map}
        return None

    def __exit__(self, *exc):
        self._graph._frame().gradient_override = self._old
        return False


def get_default_graph():
    return _frame.default_graph()


def reset_default_graph():
    _frame.reset_global_default()


def graph_from_inputs(values, default=None):
    """The one graph that `values` live in (TF's `_get_graph_from_inputs`); inside a function
    being traced, that function's graph (it captures tensors of enclosing graphs)."""
    current = _frame.default_graph()
    if current._building_function:
        return current
    g = None
    first = None
    for v in values:
        el = v
        conv = getattr(v, "_as_graph_element", None)
        if conv is not None and not isinstance(v, (Tensor, Operation)):
            el = conv()
        vg = getattr(el, "graph", None) if isinstance(el, (Tensor, Operation)) else None
        if vg is None:
            continue
        if g is None:
            g, first = vg, el
        elif vg is not g:
            raise ValueError("%s must be from the same graph as %s (graphs are %r and %r)."
                             % (el, first, vg, g))
    return g if g is not None else (default or get_default_graph())
