"""`tf.Session`: runs graph fragments as compiled XLA programs and holds variable state.

A `run` resolves its fetch structure and feed keys once per (structure, feed keys) signature
(a `_Plan`), then looks up the compiled program for the feed shapes and the variable state
(lowering/cache.py), calls it, swaps in the variables it wrote and rebuilds the structure.
Only the Session changes device arrays; a run that fails before executing changes nothing.
"""

import os
import re
import threading
import time

import numpy as np
from jax.errors import JaxRuntimeError

from scopeflow import dtypes as _dt
from scopeflow import errors
from scopeflow.core import placement
from scopeflow.core.frame import default_graph
from scopeflow.core.graph import Graph
from scopeflow.core.tensor import Operation, SymbolicTensor, Tensor
from scopeflow.indexed_slices import IndexedSlices
from scopeflow.lowering import ahead, cache, devices, entries, host_memory, padding
from scopeflow.lowering.context import RNG_DTYPE, run_error
from scopeflow.lowering.host import packed_outputs
from scopeflow.lowering.lower import Program, x64
from scopeflow.lowering.stages import (
    HostContext,
    HostPlan,
    HostVariable,
    NeedValues,
    grow_on_host,
    kernel_of,
    remaining,
    set_deadline,
    variable_handle,
)
from scopeflow.lowering.together import run_together
from scopeflow.ops.cf_run import LoopShapes
from scopeflow.ops.stack_ops import StackFull, grow
from scopeflow.ops.ta_state import TAMeta, TAState, feed_leaves
from scopeflow.session_config import (
    ConfigProto,
    _DeviceAttributes,
    default_session_stack,
    get_default_session,
)
from scopeflow.session_fetch import (FeedSpec, feed_tensor, fetch_plan, flatten_feeds,
                                     quantized_results, structure_key)
from scopeflow.ragged.ragged_tensor import RaggedTensor
from scopeflow.sparse_tensor import SparseTensor

__all__ = ["BaseSession", "InteractiveSession", "Session", "get_default_session"]

_MAX_PLANS = 4096
_CARRIED = (TAState, TAMeta)  # TensorArray values that compiled steps take
_STRING = _dt.string
# feed keys standing for several tensors
_COMPOSITE_KEYS = (tuple, SparseTensor, IndexedSlices, RaggedTensor)
_LEAVES = (Tensor, Operation, str)
_MASK64 = (1 << 64) - 1


def _out_of_memory(e):
    """TF's ResourceExhaustedError for a run that could not allocate (a host array or XLA's
    buffer: an imported GraphDef's constant of absurd size); other runtime failures as they are."""
    text = str(e).splitlines()[0] if str(e) else type(e).__name__
    if isinstance(e, MemoryError) or "RESOURCE_EXHAUSTED" in text:
        return errors.ResourceExhaustedError(None, None, "OOM when allocating tensor: %s"
                                             % text.replace("RESOURCE_EXHAUSTED: ", ""))
    return e


class _Plan:
    """A resolved (fetch structure, feed keys) signature of one Session."""

    __slots__ = (
        "build",
        "compile_s",
        "connect",
        "direct",
        "entry",
        "extended",
        "feeds",
        "fetches",
        "guess",
        "ops",
        "prog",
        "quantized",
        "single",
        "sources",
        "tensors",
    )

    def __init__(self, graph, fetches, feed_keys):
        self.fetches = fetches  # kept alive: the plan key holds ids of its leaves
        elements, self.build = fetch_plan(graph, fetches)
        self.feeds = [FeedSpec(feed_tensor(graph, k), k) for k in feed_keys]
        fed = {s.tensor: i for i, s in enumerate(self.feeds)}
        self.tensors, self.ops, self.sources = [], [], []
        for el in elements:  # where each unique element's value comes from
            if isinstance(el, Operation):
                self.ops.append(el)
                self.sources.append(None)
            elif el in fed:
                self.sources.append(("fed", fed[el]))
            else:
                self.sources.append(("t", len(self.tensors)))
                self.tensors.append(el)
        # whether a fed tensor is quantized: fetched back, it is TF's records again (a
        # computed quantized value comes back as its integers, as in TF)
        self.quantized = any(s.tensor._dtype.base_dtype.is_quantized for s in self.feeds)
        self.single = type(fetches) is SymbolicTensor and self.sources[0][0] == "t"
        # the fetched tensors' values are the unique elements' values, in order
        self.direct = all(src is not None and src[0] == "t" and src[1] == i
                          for i, src in enumerate(self.sources))
        # read and replaced whole, so threads sharing the plan never mix two signatures
        self.prog = (-1, None)  # (graph version, Program)
        self.entry = (None, -1, None)  # (feed shapes, state version, Entry)
        self.guess = None  # ahead.LastBatch of that entry, while it may tell one
        self.compile_s = 0.0  # the longest its entries took to compile (or read back)
        self.extended = None  # (extra tensors, this plan with them fetched too)
        self.connect = ()  # (placeholder, tensor) pairs: Session._run_connected


class BaseSession:
    """The Session machinery shared by `Session` and `InteractiveSession`."""

    def __init__(self, target="", graph=None, config=None):
        if graph is None:
            graph = default_graph()
        elif not isinstance(graph, Graph):
            raise TypeError('Argument `graph` must be a tf.Graph, but got "%s"'
                            % type(graph).__name__)
        self._graph = graph
        self._target = _target_bytes(target)
        if config is None:
            config = ConfigProto()
        elif not isinstance(config, ConfigProto):
            raise TypeError('Argument `config` must be a tf.ConfigProto, but got "%s"'
                            % type(config).__name__)
        self._config = config
        self._timeout_ms = config.operation_timeout_in_ms
        host_memory.from_environment(default=False)  # SCOPEFLOW_KEEP_MEMORY=1 opts in
        self._closed = False
        self._lock = threading.Lock()
        self._state = {}  # VariableV2 op -> device array
        self._state_version = 0  # bumped when the variables' set or shapes change
        self._rng_counts = {}  # random op -> its counter (TF: its kernel's generator)
        self._rng_pending = []  # (random ops, device array of how far a run moved them)
        self._rng_start = {}  # random op -> (Session.run serial, its counter before that run)
        self._run_serial = 0
        self._nonce = int.from_bytes(os.urandom(4), "little")
        self._plans = {}
        self._resources = {}  # host ops' per-Session state: queues, iterators (stages.py)
        self._devices = None  # placement.Devices, made on the first run
        self._placed = (-1, None)  # (graph version, (op -> device, Devices) or None: one device)
        self._remote_vars = _remote_variables(self)  # ps-held variables (asynchronous training)

    graph = property(lambda self: self._graph)
    sess_str = property(lambda self: self._target)

    @property
    def graph_def(self):
        return self._graph.as_graph_def(add_shapes=self._config.graph_options.infer_shapes)

    def list_devices(self):
        import jax
        return [_DeviceAttributes(d) for d in jax.local_devices()]

    def as_default(self):
        """Context manager making this the default session of the thread (does not close)."""
        return default_session_stack.get_controller(self)

    def _restart_random_ops(self):
        """Random ops draw from their first values again (TF makes a tf.data function's
        kernels anew for each iterator, so each initialization repeats a seeded draw)."""
        self._rng_counts.clear()
        self._rng_pending.clear()
        self._rng_start.clear()

    def close(self):
        """Frees the variable state; later runs raise RuntimeError."""
        if not self._closed:
            self._closed = True
            with self._lock:
                self._state = {}
                self._plans = {}
                resources, self._resources = self._resources, {}
            for r in list(resources.values()):
                closed = getattr(r, "session_closed", None)
                if closed is not None:
                    closed()

    # ---- run --------------------------------------------------------------------------------
    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Runs `fetches` (any nesting of graph elements) with `feed_dict`; numpy results.

        >>> import scopeflow as tf
        >>> with tf.Session() as s:
        ...     print(s.run({"x": tf.constant(2.0) * 3.0}))
        {'x': np.float32(6.0)}
        """
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        if self._graph._version == 0:
            raise RuntimeError("The Session graph is empty. Add operations to the graph before "
                               "calling run().")
        if self._graph._invalid is not None:
            exc, message = self._graph._invalid
            raise exc(None, None, "Graph execution error:\n\n" + message)
        if feed_dict:
            # a namedtuple key (an LSTMStateTuple) is a tuple too
            if type(feed_dict) is not dict or any(isinstance(k, _COMPOSITE_KEYS)
                                                  for k in feed_dict):
                feed_dict = flatten_feeds(feed_dict)
            keys = tuple([k if type(k) is str else id(k) for k in feed_dict])
            values = list(feed_dict.values())
        else:
            keys, values = (), ()
        key = (fetches if type(fetches) in _LEAVES else structure_key(fetches), keys)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._new_plan(key, fetches, feed_dict)
        feeds = [s.convert(v) for s, v in zip(plan.feeds, values)]
        traced = options is not None and getattr(options, "trace_level", 0) > 0
        start = time.time() if traced else 0.0
        timeout = (options.timeout_in_ms if options is not None else 0) or self._timeout_ms
        if timeout > 0:  # blocking host waits (queues, iterators) end at the deadline
            old = set_deadline(time.monotonic() + timeout / 1000.0)
            try:
                result = self._execute(plan, feeds)
            finally:
                set_deadline(old)
        else:
            result = self._execute(plan, feeds)
        if run_metadata is not None and hasattr(run_metadata, "step_stats"):
            run_metadata.step_stats.SetInParent()
            if traced:  # one entry for the run: it is one XLA program (summary/timeline.py)
                from scopeflow.summary.timeline import record_run
                record_run(run_metadata.step_stats, [x.name for x in plan.tensors + plan.ops],
                           start, time.time())
        return result

    def _compile_ahead(self, fetches, feed_dict):
        """Starts compiling the run of `fetches` for the shapes of `feed_dict` on a thread
        (Keras' fit: the last, smaller batch, while the full ones run), where `run` has
        already run `fetches` with these feed keys as one compiled program; runs nothing."""
        keys = tuple([k if type(k) is str else id(k) for k in feed_dict])
        plan = self._plans.get(
            (fetches if type(fetches) in _LEAVES else structure_key(fetches), keys))
        version, prog = plan.prog if plan is not None else (None, None)
        if version != self._graph._version or type(prog) is not Program \
                or prog.static_pos or self._remote_vars is not None:
            return
        feeds = [s.convert(v) for s, v in zip(plan.feeds, feed_dict.values())]
        ahead.compile_for(self, prog, feeds)

    def _run_connected(self, fetches, feed_dict, connect):
        """`run` with each placeholder of the `connect` pairs (placeholder, tensor) taking its
        tensor's value: one run (tf_keras' callables with tensor connections, for Keras' fit
        on an iterator's `get_next()`); no graph op is added."""
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        pairs = tuple(connect)
        if self._remote_vars is not None:  # (ps variables: the values fetched, then fed)
            feed = dict(zip([p for p, _ in pairs], self.run([t for _, t in pairs], feed_dict)))
            return self.run(fetches, {**feed_dict, **feed})
        keys = tuple([k if type(k) is str else id(k) for k in feed_dict])
        key = ("connected", structure_key(fetches), keys,
               tuple([(id(p), id(t)) for p, t in pairs]))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._new_plan(key, fetches, feed_dict)
            plan.connect = pairs
        return self._execute(plan, [s.convert(v) for s, v in zip(plan.feeds, feed_dict.values())])

    def _new_plan(self, key, fetches, feed_dict):
        plan = _Plan(self._graph, fetches, list(feed_dict) if feed_dict else [])
        if len(self._plans) >= _MAX_PLANS:
            self._plans.clear()
        self._plans[key] = plan
        return plan

    def _execute(self, plan, feeds):
        remote = self._remote_vars
        try:
            if remote is not None:  # read the ps tasks' variables before, send updates after
                return remote.run(plan, plan.tensors + plan.ops, [s.tensor for s in plan.feeds],
                                  lambda extra: self._execute_with(plan, feeds, extra))
            return self._execute_here(plan, feeds)
        except (MemoryError, JaxRuntimeError) as e:
            raise _out_of_memory(e) from None

    def _execute_with(self, plan, feeds, extra):
        """(the run's result, [values of the `extra` tensors]): the run with `extra` fetched
        too (the inputs of training ops a ps may rerun: remote_vars.py)."""
        if not extra:
            return self._execute_here(plan, feeds), []
        ext = plan.extended
        if ext is None or ext[0] != extra:
            ext = plan.extended = (extra, _Plan(self._graph, (plan.fetches, list(extra)),
                                                [s.key for s in plan.feeds]))
        return self._execute_here(ext[1], feeds)

    def _execute_here(self, plan, feeds):
        graph = self._graph
        self._run_serial += 1  # (random ops' counts at the start of a run: _rng_words)
        version, prog = plan.prog
        if version != graph._version:
            # placement: once per graph version (TF's error on a missing device)
            placed = self._placement()
            fed = [s.tensor for s in plan.feeds]
            if plan.connect:  # connected placeholders: their tensors first (_run_connected)
                prog = HostPlan(graph, plan.tensors, plan.ops, fed, connect=plan.connect)
            else:
                prog = cache.program(graph, plan.tensors, plan.ops, fed)
            if type(prog) is HostPlan:
                pass
            elif prog.host:  # input pipelines, py_func: compiled stages and host steps
                prog = HostPlan(graph, plan.tensors, plan.ops, fed)
            elif placed is not None:  # ops on several devices: a program per device
                prog = devices.plan(prog, *placed) or prog
            plan.prog = (graph._version, prog)
            plan.entry = (None, -1, None)
        for _ in range(16):
            try:
                if type(prog) is HostPlan:
                    values = self._run_steps(prog, plan, feeds)
                elif type(prog) is devices.DevicePlan:
                    with x64():
                        values = devices.run_batch(self, prog, feeds, _verify, _part)
                else:
                    values = self._run_program(plan, prog, feeds)
                break
            except StackFull as e:  # a stack without a static bound needs more slots
                if type(prog) is HostPlan or type(prog) is devices.DevicePlan:
                    raise
                grow(prog.stack_caps, e.op)
                plan.entry = (None, -1, None)
            except LoopShapes as e:  # nothing ran yet: the whole run in steps, the loop's
                if type(prog) is HostPlan or not grow_on_host(e.loop):  # on the host
                    raise
                prog = HostPlan(graph, plan.tensors, plan.ops, [s.tensor for s in plan.feeds])
                plan.prog = (graph._version, prog)
            except NeedValues as e:  # values that set shapes, made by an earlier step
                before = prog.early if type(prog) is HostPlan else ()
                if set(e.tensors) <= set(before):  # an earlier step did not help: in a loop
                    raise _in_loop_error(e) from None
                early = before + e.tensors
                prog = HostPlan(graph, plan.tensors, plan.ops, [s.tensor for s in plan.feeds],
                                early, connect=plan.connect)
                plan.prog = (graph._version, prog)
        else:
            raise errors.InternalError(None, None, "the run did not settle on a program after "
                                       "16 attempts (stack slots, loop shapes, values that "
                                       "set shapes)")
        if plan.single:
            return values[0]
        if plan.direct:
            return plan.build(values)
        out = []
        for src in plan.sources:
            if src is None:
                out.append(None)
            elif src[0] == "t":
                out.append(values[src[1]])
            else:
                fed = plan.feeds[src[1]]
                out.append(quantized_results([feeds[src[1]]], [fed.tensor])[0]
                           if plan.quantized else feeds[src[1]])
        return plan.build(out)

    def _placement(self):
        """(op -> TF device name, Devices) when the graph's ops run on several JAX devices,
        else None; raises TF's error for a device that does not exist; prints the placement
        under `log_device_placement` (TF prints the whole graph when it changed)."""
        graph = self._graph
        version, placed = self._placed
        if version == graph._version:
            return placed
        config = self._config
        if self._devices is None:
            self._devices = placement.Devices(config)
        devs, soft = self._devices, config.allow_soft_placement
        several = devs.distinct(graph, soft)
        if several or config.log_device_placement:
            where, order = placement.place(graph, devs, soft)
            if config.log_device_placement:
                print("\n".join(placement.log_lines(where, order)), flush=True)
            placed = (where, devs) if several else None
        else:
            placement.check(graph, devs, soft)
            placed = None
        self._placed = (graph._version, placed)
        return placed

    def _run_program(self, plan, prog, feeds):
        padded = entries.plan(prog, feeds) if feeds else None
        if padded is None:
            return self._run_signature(plan, prog, feeds)
        # fed SparseTensors' entries in a program per bucket of counts (lowering/entries.py)
        return entries.cut(prog, self._run_signature(plan, prog, padded[0]), padded[1])

    def _run_signature(self, plan, prog, feeds):
        shapes = tuple([a.shape for a in feeds]) if feeds else ()
        if prog.static_pos:  # their values are compiled in (lowering/lower.py)
            shapes += tuple([cache.static_key(feeds[i]) for i in prog.static_pos])
        timed = remaining() is not None  # its loops poll the deadline: a program of its own
        if timed:
            shapes += ("deadline",)
        last_shapes, state_version, entry = plan.entry
        if state_version != self._state_version or last_shapes != shapes or entry is None:
            state_version = self._state_version
            sig = prog.state_sig(self._state)
            sig = sig + ("deadline",) if timed else sig
            start = ahead._clock()
            entry = self._entry(prog, feeds, sig)
            if type(entry) is padding.Padded:  # a smaller batch in a larger batch's program
                values = self._run_padded(prog, feeds, sig, entry)
                if values is not None:
                    return values
                entry = cache.entry(prog, self._state, feeds, sig)
            plan.compile_s = max(plan.compile_s, ahead._clock() - start)
            plan.entry = (shapes, state_version, entry)
            # a feed_dict loop over row slices: its shorter last batch to come (ahead.py)
            plan.guess = ahead.LastBatch() if feeds and not prog.__dict__.get(
                "_entries") else None
        runner = entry.runner
        if runner is None:
            runner = entry.runner = _runner(entry)
        with x64():
            values = runner(self, feeds)
        guess = plan.guess
        if guess is not None:
            pads = padding.pads(prog)  # (then its last batch runs padded)
            coming = None if pads else guess.ended(prog, feeds, plan.compile_s)
            if coming is not None:
                ahead.compile_ahead(self, prog, feeds, coming)
            if pads or guess.done:
                plan.guess = None
        return values

    def _entry(self, prog, feeds, sig):
        """The compiled Entry of `prog` for `feeds`, or padding.plan's tuple where a program
        compiled for more rows runs them (noting what each compile of a batch took)."""
        if not feeds or padding.mode() == "0" or cache.has(prog, feeds, sig):
            return cache.entry(prog, self._state, feeds, sig)
        how = padding.plan(prog, feeds, sig)
        if how is not None:
            return how
        start = padding.timer()
        entry = cache.entry(prog, self._state, feeds, sig)
        if entry.var_out or entry.text_out:  # a run that writes variables is never padded
            padding.never(prog)
        else:
            padding.compiled(prog, feeds, sig, padding.timer() - start)
            if entry.checks:
                padding.checked(prog)
        return entry

    def _run_padded(self, prog, feeds, sig, how):
        """Runs the `b` rows of `feeds` in the program compiled for `B` (padding.plan); None
        where it has checks and towers (a failing row's position would move)."""
        entry = cache.entry(prog, self._state, how.feeds, sig)
        if entry.checks and how.k > 1:
            padding.checked(prog)
            return None
        runner = entry.runner
        if runner is None:
            runner = entry.runner = _runner(entry)
        start = padding.timer()
        with x64():
            values = runner(self, how.feeds)
        padding.charge(prog, how, padding.timer() - start)
        return padding.cut(values, how)

    def _run_steps(self, steps, plan, feeds):
        """Runs a HostPlan: compiled programs and host kernels, values carried between them."""
        known = dict(zip([s.tensor for s in plan.feeds], feeds))
        return [_host_result(v) for v in self._run_known(steps, known, plan.tensors)]

    def _run_branch(self, step, branch, ctx, tensors, feeds, skip=(), ops=()):
        """The values of `tensors` of a cond branch or a loop's condition or body (context
        `ctx`) holding host ops, its captures or loop values fed (stages.CondStep, LoopStep);
        `ops` run too."""
        version, steps = step.plans.get(branch, (-1, None))
        if version != self._graph._version:
            steps = HostPlan(self._graph, tensors, list(ops), list(feeds), inside=ctx,
                             skip=skip)
            step.plans[branch] = (self._graph._version, steps)
        return self._run_known(steps, dict(feeds), tensors)

    def _run_known(self, steps, known, tensors):
        ctx = HostContext(self)
        coming = None  # shapes an iterator announced for a later element (lowering/ahead.py)
        for kind, x in steps.steps:
            if kind == "alias":  # connected placeholders take their tensors' values
                known.update((p, known[t]) for p, t in x)
            elif kind == "host":
                known.update(_run_host(ctx, x, known))
                if x._type == "IteratorGetNext":
                    coming = ahead.announced(x, known) or coming
            elif kind == "together":  # blocking host ops waiting side by side
                for got in run_together(x, lambda op: _run_host(ctx, op, known)):
                    known.update(got)
            else:
                split = getattr(x, "split", None)
                if split is not None:  # see NeedValues below
                    known.update(zip(x.tensors, self._run_known(
                        split, {t: known[t] for t in x.fed}, x.tensors)))
                    continue
                # (a host step may hand on one string as bare bytes: an array from here on)
                vals = [np.asarray(known[t], dtype=object) if isinstance(known[t], bytes)
                        else known[t] for t in x.fed]
                static = {i for i in x.feed_pos if type(vals[i]) is TAMeta or (
                    type(vals[i]) is TAState and vals[i].signature()[-1] == np.dtype(object))}
                if static:  # a TensorArray of strings: its elements are compiled in (an
                    # array's handle a host stack gave back: static as any array's handle)
                    x.compile_in(static)
                for i in x.feed_pos + x.static_pos:
                    if not hasattr(vals[i], "shape") and type(vals[i]) not in _CARRIED:
                        # a queue, an iterator: host-only
                        raise errors.UnimplementedError(None, x.fed[i].op, (
                            "%s (a %s handle) cannot enter a compiled program: scopeflow "
                            "passes resource handles only between host ops")
                            % (x.fed[i].name, type(vals[i]).__name__))
                try:
                    outs = self._run_stage(x, vals)
                except LoopShapes as e:  # a loop whose values grow: this step's tensors
                    if not grow_on_host(e.loop):  # in steps of their own, it on the host
                        raise
                    sub = HostPlan(self._graph, x.tensors, x.ops, x.fed, inside=x.inside,
                                   skip=x.done)
                    known.update(zip(x.tensors, self._run_known(sub, dict(zip(x.fed, vals)),
                                                                x.tensors)))
                    continue
                except NeedValues as e:  # shapes set by values this step computes: the host
                    if set(e.tensors) <= set(x.fed):  # steps before it ran (a dequeue must
                        raise  # not run twice): it becomes steps of its own, values first
                    if set(e.tensors) <= set(steps.early):  # (these steps were made for
                        raise _in_loop_error(e) from None  # them: an earlier one did not help)
                    x.split = HostPlan(self._graph, x.tensors, x.ops, x.fed, e.tensors,
                                       inside=x.inside, skip=x.done)
                    known.update(zip(x.tensors, self._run_known(x.split, dict(zip(x.fed, vals)),
                                                                x.tensors)))
                    continue
                known.update(zip(x.tensors, outs))
                if coming is not None and not x.__dict__.get("_entries"):
                    ahead.compile_ahead(self, x, vals, coming)
                    coming = None
        return [known[t] for t in tensors]

    def _run_stage(self, x, vals):
        """Runs compiled stage `x` of a HostPlan on `vals`; a stack that overflowed in it
        (nothing committed) gets twice the slots and the stage runs again, as a whole run
        does (the host steps before it are not repeated)."""
        padded = entries.plan(x, vals)
        if padded is not None:  # a SparseTensor's entries made by a host step, padded
            return entries.cut(x, self._run_stage_as(x, padded[0]), padded[1])
        return self._run_stage_as(x, vals)

    def _run_stage_as(self, x, vals):
        for _ in range(16):
            entry = cache.entry(x, self._state, vals, x.state_sig(self._state))
            runner = entry.runner
            if runner is None:
                runner = entry.runner = _runner(entry)
            try:
                with x64():
                    return runner(self, vals)
            except StackFull as e:
                grow(x.stack_caps, e.op)
        raise errors.ResourceExhaustedError(None, None, "a stack still overflowed after 16 "
                                            "doublings of its slots")

    def make_callable(self, fetches, feed_list=None, accept_options=False):
        """A function running `fetches`, taking the values of `feed_list` positionally."""
        if feed_list is not None and not isinstance(feed_list, (list, tuple)):
            raise TypeError("Argument `feed_list` must be a list or tuple. Received: "
                            "feed_list=%s" % (feed_list,))
        feed_list = list(feed_list or ())

        def call(*feed_args, **kwargs):
            return self.run(fetches, dict(zip(feed_list, feed_args)), **kwargs)

        def call_unfed(**kwargs):
            try:
                return self.run(fetches, **kwargs)
            except errors.OpError as e:
                raise _as_callable_error(e) from None

        return call if feed_list else call_unfed

    def partial_run_setup(self, fetches, feeds=None):
        raise NotImplementedError("partial_run is not supported by scopeflow Sessions.")

    def partial_run(self, handle, fetches, feed_dict=None):
        raise NotImplementedError("partial_run is not supported by scopeflow Sessions.")


def _in_loop_error(e):
    """TF's error class for NeedValues `e` that a step of their own did not settle: values
    computed in a compiled loop (a new split would ask for them again)."""
    return errors.UnimplementedError(None, e.tensors[0].op, (
        "%s needs a value computed in a tf.while_loop when the loop body is compiled: "
        "scopeflow compiles shapes, sizes and paddings statically, and that value changes "
        "from one iteration to the next." % e.tensors[0].name))


_RUN_HEAD = re.compile(r"Graph execution error:\n\n(?:Detected at node '[^']*' defined at "
                       r"\(most recent call last\):\n.*?Node: '[^']*'\n)?", re.DOTALL)


def _as_callable_error(e):
    """The error as TF's callable without feeds raises it (the queue runners' callables): the
    kernel's message and node tag, without Session.run's graph-execution head and stack."""
    message = _RUN_HEAD.sub("", e.message, count=1)
    return type(e)(None, None, message)


class Session(BaseSession):
    """`tf.Session(target='', graph=None, config=None)`: a context manager too.

    >>> import scopeflow as tf
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.constant([1, 2]) + 1))
    [2 3]
    """

    def __init__(self, target="", graph=None, config=None):
        super().__init__(target, graph, config)
        self._graph_cm = None
        self._session_cm = None

    def __enter__(self):
        if self._graph_cm is not None:
            raise RuntimeError("Session context managers are not re-entrant. Use "
                               "`Session.as_default()` if you want to enter a session multiple "
                               "times.")
        self._graph_cm = self._graph.as_default()
        self._session_cm = self.as_default()
        self._graph_cm.__enter__()
        return self._session_cm.__enter__()

    def __exit__(self, exc_type, exc_value, tb):
        try:
            self._session_cm.__exit__(exc_type, exc_value, tb)
        finally:
            self._graph_cm.__exit__(exc_type, exc_value, tb)
            self._graph_cm = self._session_cm = None
            self.close()
        return False

    @staticmethod
    def reset(target, containers=None, config=None):
        """Resets resource containers on a remote target: nothing to do in-process."""


class InteractiveSession(BaseSession):
    """A Session that installs itself as the default session (and graph, if given).

    >>> import scopeflow as tf
    >>> sess = tf.InteractiveSession()
    >>> print(tf.constant(3).eval())
    3
    >>> sess.close()
    """

    _active = 0  # InteractiveSessions made and not yet closed (TF logs a second one)
    _active_lock = threading.Lock()

    def __init__(self, target="", graph=None, config=None):
        super().__init__(target, graph, config)
        with InteractiveSession._active_lock:
            if InteractiveSession._active > 0:
                import logging
                logging.getLogger("tensorflow").error(
                    "An interactive session is already active. This can cause out-of-memory "
                    "errors or some other unexpected errors (due to the unpredictable timing "
                    "of garbage collection) in some cases. You must explicitly call "
                    "`InteractiveSession.close()` to release resources held by the other "
                    "session(s). Please use `tf.Session()` if you intend to productionize.")
            InteractiveSession._active += 1
        self._session_cm = default_session_stack.get_controller(self, nested=False)
        self._session_cm.__enter__()
        self._graph_cm = None
        if graph is not None:
            self._graph_cm = graph.as_default()
            self._graph_cm.__enter__()
        self._explicitly_closed = False

    def close(self):
        super().close()
        with InteractiveSession._active_lock:
            if self._explicitly_closed:
                return
            self._explicitly_closed = True
            InteractiveSession._active -= 1
        if self._graph_cm is not None:
            self._graph_cm.__exit__(None, None, None)
            self._graph_cm = None
        self._session_cm.__exit__(None, None, None)


def _run_host(ctx, op, known):
    """Runs host op `op` on the `known` values of its inputs: its outputs' (tensor, value)."""
    outs = kernel_of(op)(ctx, op, *[
        _host_string(known[t]) if t._dtype.base_dtype is _STRING else
        known[t] if t in known else HostVariable(ctx.session, variable_handle(t))
        for t in op._inputs])
    if len(outs) != len(op._outputs):
        raise AssertionError("host kernel of %s returned %d values for %d outputs"
                             % (op._type, len(outs), len(op._outputs)))
    got = []
    for t, v in zip(op._outputs, outs):
        if isinstance(v, (bytes, str)):  # a scalar string as a host kernel gave it
            v = np.array(v if isinstance(v, bytes) else v.encode(), dtype=object)
        got.append((t, v))
    return got


def _host_string(v):
    """A string value as host kernels take it: an object array of bytes (fed str encoded)."""
    if type(v) is np.ndarray and v.dtype == object and all(
            type(e) is bytes for e in v.reshape(-1)[:1]):
        return v
    a = np.asarray(v, dtype=object)
    flat = [e.encode() if isinstance(e, str) else e for e in a.reshape(-1).tolist()]
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(a.shape)


def _host_result(v):
    """A fetched value as Session.run returns it: 0-d arrays as numpy scalars (bytes); a
    TensorArray's flow as TF's 0.0."""
    if type(v) is np.ndarray and v.ndim == 0:
        return v[()]
    if type(v) is TAState:
        return np.float32(0)
    return v


def _remote_variables(sess):
    """A RemoteVariables for `sess` under a distributed Server with ps tasks, else None."""
    from scopeflow.train import server
    active = server.active()
    if active is None or not active.has_ps():
        return None
    from scopeflow.train.remote_vars import RemoteVariables
    return RemoteVariables(sess, active)


def _target_bytes(target):
    if target is None:
        return None
    if isinstance(target, bytes):
        return target
    if isinstance(target, str):
        return target.encode()
    if isinstance(target, ConfigProto):
        raise TypeError('Argument `target` must be a string, but got "%s". Did you do '
                        '"Session(config)" instead of "Session(config=config)"?'
                        % type(target).__name__)
    raise TypeError('Argument `target` must be a string, but got "%s"' % type(target).__name__)


def _session_for(session, graph, kind="tensor"):
    """The session `Tensor.eval` / `Operation.run` use, with TF's errors."""
    what, call = (("evaluate tensor", "`eval(session=sess)`") if kind == "tensor" else
                  ("execute operation", "run(session=sess)"))
    noun = "tensor" if kind == "tensor" else "operation"
    if session is None:
        session = get_default_session()
        if session is None:
            if kind == "tensor":
                raise ValueError("Cannot evaluate tensor using `eval()`: No default session is "
                                 "registered. Use `with sess.as_default()` or pass an explicit "
                                 "session to `eval(session=sess)`")
            raise ValueError("Cannot execute operation using `run()`: No default session is "
                             "registered. Use `with sess.as_default():` or pass an explicit "
                             "session to `run(session=sess)`")
        if session.graph is not graph:
            raise ValueError("Cannot use the default session to %s: the %s's graph is different "
                             "from the session's graph. Pass an explicit session to %s."
                             % (what, noun, call))
    elif session.graph is not graph:
        raise ValueError("Cannot use the given session to %s: the %s's graph is different from "
                         "the session's graph." % (what, noun))
    return session


# ---- executing a compiled entry ---------------------------------------------------------------
def _runner(entry):
    """`run(sess, feeds) -> fetched values` for `entry`; a run making TensorArrays first
    numbers them (TF's errors name an array by the arrays the process made before it)."""
    run, serials = _plain_runner(entry), entry.ta_serials
    if serials is None:
        return run

    def numbered(sess, feeds):
        serials.start()
        return run(sess, feeds)
    return numbered


def _plain_runner(entry):
    """`run(sess, feeds) -> fetched values` for `entry`, with only the work it needs."""
    call, feed_pos = entry.call, entry.feed_pos
    read = _reader(entry.fetch_kinds)
    if entry.text_out:  # string variables written (their values were known when traced)
        def with_text(sess, feeds):
            outs = _call_with_state(sess, entry, feeds) if call is not None else ()
            with sess._lock:  # programs reading them compiled the old values in
                sess._state.update(entry.text_out)
                sess._state_version += 1
            return read(outs)
        return with_text
    if call is None:
        return lambda sess, feeds: read(())
    if entry.var_in or entry.var_out or entry.rng_ops or entry.checks:
        def stateful(sess, feeds):
            return read(_call_with_state(sess, entry, feeds))
        return stateful
    if not feed_pos:
        return lambda sess, feeds: read(call())
    if entry.flat_feeds:
        return lambda sess, feeds: read(call(*flat_feeds(entry, feeds)))
    return lambda sess, feeds: read(call(*[feeds[i] for i in feed_pos]))


def flat_feeds(entry, feeds):
    """The arguments of `entry` for `feeds`: a TensorArray's elements (TAState) as arrays."""
    out = []
    for i in entry.feed_pos:
        v = feeds[i]
        if type(v) is TAState:  # (elements of different shapes: one array each)
            out.extend(feed_leaves(v))
        elif type(v) is entries.Counted:  # a SparseTensor's padded entries and their count
            out.extend((v.array, v.count))
        else:
            out.append(v)
    return out


def _reader(kinds):
    """outputs -> fetched numpy values (scalars for 0-d, writable arrays otherwise)."""
    if len(kinds) == 1 and kinds[0][0] == "dyn" and kinds[0][1] == 0:
        if kinds[0][2] == 0:
            return lambda outs: [np.asarray(outs[0])[()]]
        return lambda outs: [np.array(outs[0])]
    packed = sorted(packed_outputs(kinds))
    if kinds and [k[0] for k in kinds] == ["packed"] * len(kinds) and all(
            k[1] == kinds[0][1] and k[2] == i and k[3] == () for i, k in enumerate(kinds)):
        j = kinds[0][1]  # only scalars, packed in order: numpy scalars straight from the vector
        return lambda outs: list(np.asarray(outs[j]))
    parts = [_part(k) for k in kinds]

    def read(outs):
        host = {i: np.array(outs[i]) for i in packed}  # one copy: results share its buffer
        return [f(outs, host) for f in parts]

    return read


def _part(kind):
    """How one fetched value is read from the outputs."""
    if kind[0] == "static":
        v = kind[1]
        return (lambda outs, host: v[()]) if v.ndim == 0 else (lambda outs, host: v.copy())
    if kind[0] == "host":  # computed from other outputs after the run (lowering/host.py)
        fn, args = kind[1], [_part(k) for k in kind[2]]

        def run(outs, host):
            v = fn(*[f(outs, host) for f in args])
            return v[()] if getattr(v, "ndim", None) == 0 else v  # (or a TensorArray's TAState)

        return run
    i = kind[1]
    if kind[0] == "dyn":
        if kind[2] == 0:
            return lambda outs, host: np.asarray(outs[i])[()]
        return lambda outs, host: np.array(outs[i])
    off, shape = kind[2], kind[3]
    if not shape:
        return lambda outs, host: host[i][off]
    end = off + int(np.prod(shape))
    return lambda outs, host: host[i][off:end].reshape(shape)


def _call_with_state(sess, entry, feeds):
    """Calls `entry` on the Session's variables; commits what it wrote (checks passing)."""
    with sess._lock:
        state = sess._state
        args = [state[v] for v in entry.var_in]
        if entry.flat_feeds:
            args.extend(flat_feeds(entry, feeds))
        elif entry.feed_pos:
            args.extend([feeds[i] for i in entry.feed_pos])
        if entry.rng_ops:
            args.append(_rng_words(sess, entry.rng_ops))
        outs = entry.call(*args)
        if entry.grow:  # a stack overflowed: nothing is committed, the run is done again
            flags = np.asarray(outs[entry.n_dyn + len(entry.var_out)])
            for i in entry.grow:
                if not flags[i]:  # (drawing again what this run drew)
                    raise StackFull(None, entry.checks[i].op, "stack full")
        if entry.rng_ops:
            count_draws(sess, entry, outs)
        if entry.var_out:  # committed even when a check failed: writes after it kept old values
            for v, x in zip(entry.var_out, outs[entry.n_dyn:]):
                state[v] = x
            if entry.new_state:
                sess._state_version += 1
        if entry.checks:
            _verify(entry, outs)
        elif not entry.n_dyn and outs:
            # nothing fetched (a train op): return once the step is done, as TF does, so
            # that user-side timing of steps is truthful (fetched values wait anyway)
            outs[-1].block_until_ready()
    return outs


def _rng_words(sess, ops):
    """[nonce, (counter, counter before this Session.run) per random op in `ops`] (uint64; a
    value recomputed in a later program of a run draws as its first did)."""
    counts, start, run = sess._rng_counts, sess._rng_start, sess._run_serial
    pending, sess._rng_pending = sess._rng_pending, []
    for done_ops, ran in pending:  # what earlier programs' conds and loops executed
        for op, n in zip(done_ops, np.asarray(ran).tolist()):
            counts[op] = counts.get(op, 0) + n
    words = [sess._nonce]
    for op in ops:
        c = counts.get(op, 0)
        first = start.get(op)
        if first is None or first[0] != run:
            first = start[op] = (run, c)
        words += (c & _MASK64, first[1] & _MASK64)
    return np.array(words, RNG_DTYPE)


def count_draws(sess, entry, outs):
    """Moves the counters of `entry`'s random ops as the run that gave `outs` did: by known
    amounts now, by those a cond or loop decided when the next run needs them (no wait
    here)."""
    counts = sess._rng_counts
    draws = entry.draws
    later = []
    for op, n in zip(entry.rng_ops, draws):
        if n is None:
            later.append(op)
        else:
            counts[op] = counts.get(op, 0) + n
    if later:
        sess._rng_pending.append((later, outs[-1]))


def _verify(entry, outs):
    flags = np.asarray(outs[entry.n_dyn + len(entry.var_out)])
    if flags.all():
        return
    for ok, c in zip(flags.tolist(), entry.checks):
        if not ok:
            data = [np.asarray(outs[s]) if isinstance(s, int) else s[1] for s in c.slots]
            raise run_error(c.exc, c.op, c.text(data))
