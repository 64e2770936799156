"""A run signature found on disk by its graph, before it is traced: a second process skips
tracing (the MLP step's first run: 0.11 of 0.26 s of CPU) and reads the compiled program back.

The key hashes what tracing reads: each op of the slice (name, type, inputs, control inputs,
attrs, output dtypes and shapes, control-flow context, what other modules note about it:
_marks), for a cond's Merge / a loop's Exit its construct's record and every op of its
branches, condition and body (nested constructs too: a cond's branches and a loop's body are
not in the slice, and two programs differing only there once shared a key and a program),
the fetches and feeds, the feed shapes and dtypes (fed values compiled in: their values), the
variables' (shape, dtype), what the run learnt (random-op room, stack slots), the XLA options,
JAX's configuration, the Python and NumPy versions, the scopeflow source files (size and
modification time) and the switches of the environment. A program whose ops hold anything
else (a Python function such as a switch_case branch, a gradient plan, an object of user
code) or whose kernels are not scopeflow's own gets no key. The `.graph` file names the
compiled program's file and what tracing would have told the Session (the Entry less its
executable), with ops as positions in the slice (by name inside a branch or body); it is
written only where the traced program could be aliased by its jaxpr (no host callbacks, no
custom calls without a known setup: disk_cache._setup_of).
A run-time check's message is text made by a function of the kernel: read back, the check
traces the program again to make its message, only when it fails.
"""

import dataclasses
import functools
import hashlib
import importlib
import os
import pickle
import sys

import jax
import numpy as np

from scopeflow import errors
from scopeflow.core.shape import TensorShape
from scopeflow.core.tensor import Operation, Tensor
from scopeflow.dtypes import DType
from scopeflow.lowering import context, disk_cache, liveness
from scopeflow.lowering.entries import Counted
from scopeflow.lowering.stages import ON_HOST, RUNS_COMPILED, remaining
from scopeflow.ops import cf_run
from scopeflow.ops.cf_context import CFContext
from scopeflow.ops.cf_spec import COND_SWITCHES
from scopeflow.ops.joining import PADDED_SHAPES
from scopeflow.ops.math import ROUNDED_PRODUCTS
from scopeflow.ops.padded_rows import marked_outputs
from scopeflow.ops.registry import REGISTRY
from scopeflow.ops.ta_state import Serials, TAMeta, TAState
from scopeflow.ops.tensor_array_ops import ELEMENT_SHAPES

_FORMAT = b"scopeflow-graph-3"  # 3: programs of scopeflow-xla-2
# environment switches that cannot change a traced program
_HARMLESS_ENV = frozenset(("SCOPEFLOW_CACHE_DIR", "SCOPEFLOW_QUIET", "SCOPEFLOW_COMPILE_CACHE",
                           "SCOPEFLOW_COMPILE_CACHE_SIZE", "SCOPEFLOW_TF_PYTHON",
                           "SCOPEFLOW_KEEP_MEMORY",
                           "TF_CPP_MIN_LOG_LEVEL"))
_PLAIN = (type(None), bool, int, float, str, bytes)
_PLAIN_TYPES = frozenset(_PLAIN)
_source = []


class _Uncacheable(Exception):
    pass


def key(program, state, feeds, n_rng, options, memo=None):
    """The `.graph` file of this run signature, or None where it cannot be keyed; `memo`: a
    dict kept between the keys of one build (its ops are hashed once)."""
    folder = disk_cache.cache_dir()
    if folder is None or program.device is not None:
        return None
    if program.loop_fetches:  # (values inside an imported loop: lowering/loop_fetch.py)
        return None
    if remaining() is not None:  # a run with a deadline: its loops poll the host (cf_run)
        return None
    try:
        parts = _parts(program, state, feeds, n_rng, options, memo)
    except _Uncacheable:
        return None
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return os.path.join(folder, disk_cache.key_of([_FORMAT, h.digest()]) + ".graph")


def _parts(program, state, feeds, n_rng, options, memo=None):
    from scopeflow.lowering.lower import x64
    h = _Hasher()
    h.h.update(_ops_digest(program, memo))
    for i in program.feed_pos:
        h.add(("feed", i, _fed(feeds[i])))
    for i in program.static_pos:
        a = feeds[i]  # (a TensorArray's handle an earlier step of the run made: its TAMeta)
        h.add(("static", i, a if type(a) is TAMeta else _static(a)))
    inside = getattr(program, "inside", None)
    if program.carry:  # a step of a run in steps: the loop or branch it runs, dead values
        h.add(("carry", None if inside is None else _context(inside),
               [t.name for t in liveness.dead_fed(program.fed)]))
    h.add(("sig", [t.name for t in program.tensors], [op._name for op in program.ops],
           [t.name for t in program.fed], program.feed_pos, program.static_pos,
           n_rng, sorted((op._name, n) for op, n in program.stack_caps.items()),
           sorted((options or {}).items()), context._CHECKS_OFF,
           any(getattr(v, "_type", None) == "VarHandleOp" for v in state)))
    h.add(("grappler", program.grappler.key()))
    for v in program.variables:
        a = state.get(v)
        if a is not None and getattr(a, "dtype", None) == object:
            raise _Uncacheable("string variable")
        h.add(None if a is None else (tuple(a.shape), np.dtype(a.dtype).str))
    env = sorted((k, v) for k, v in os.environ.items()
                 if k.startswith(("SCOPEFLOW_", "TF_")) and k not in _HARMLESS_ENV)
    with x64():
        config = disk_cache.config_key()
    # (kernels fold constants with NumPy when traced)
    versions = repr((sys.version, np.__version__)).encode()
    return [h.digest(), repr(env).encode(), config, versions, _source_digest()]


def _ops_digest(program, memo):
    """The digest of `program`'s ops (its slice, constructs' sub-functions included), once per
    `memo` (a dict: one build's, which makes the key again once its trace has compiled fed
    values in; a BN net's step takes 0.2 s to hash)."""
    if memo is not None and "ops" in memo:
        if memo["ops"] is None:
            raise _Uncacheable(memo["why"])
        return memo["ops"]
    h = _Hasher()
    try:
        for op in program.order:
            h.op(op)
    except _Uncacheable as e:
        if memo is not None:
            memo.update(ops=None, why=str(e))
        raise
    if memo is not None:
        memo["ops"] = h.digest()
    return h.digest()


def _ours(rec):
    kernel = getattr(rec, "kernel", None)
    return getattr(kernel, "__module__", "").startswith("scopeflow.")


class _Hasher:
    """Feeds a canonical text of graph values into one sha256 (ops by name): each op, the
    marks other modules keep for it, and for a cond's Merge / a loop's Exit its construct's
    record and the ops of its branches or body (nested constructs too)."""

    def __init__(self):
        self.h = hashlib.sha256()
        self.specs = {}  # construct record -> its number (each hashed once)

    def digest(self):
        return self.h.digest()

    def add(self, v):
        self.h.update(repr(self.canon(v)).encode())

    def op(self, op):
        rec = REGISTRY.get(op._type)
        if op._type != "Const" and (rec is None or not _ours(rec)):
            raise _Uncacheable(op._type)
        outs = [(t._dtype.name, t._shape._dims) for t in op._outputs]
        ctx = op._ctx
        cf = op._cf
        self.add((op._name, op._type, [_tensor(t) for t in op._inputs],
                  [op._name for op in op._control_inputs], op._arg_counts, outs,
                  op._device, None if ctx is None else _context(ctx),
                  None if cf is None else (type(cf[0]).__name__, cf[1]),
                  op._graph._gradient_op_types.get(op), _marks(op)))
        for k in sorted(op._attrs):
            self.add(k)
            self.add(op._attrs[k])
        if cf is not None:
            self.construct(cf[0])

    def construct(self, spec):
        """A cond's / loop's record and the ops its sub-functions run (cf_spec `subs`): two
        programs alike outside a loop body are told apart by the body's ops."""
        n = self.specs.get(spec)
        if n is not None:
            self.add(("construct", n))
            return
        self.specs[spec] = len(self.specs)
        if not dataclasses.is_dataclass(spec) or not hasattr(spec, "subs"):
            raise _Uncacheable(type(spec).__name__)
        self.add((type(spec).__name__, [(f.name, _ref(getattr(spec, f.name)))
                                        for f in dataclasses.fields(spec)]))
        for owner, name, outputs, inputs, skip in spec.subs():
            order = cf_run.sub_order(owner, outputs, inputs, skip)
            self.add(("sub", name, len(order)))
            for op in order:
                self.op(op)

    def canon(self, v):
        t = type(v)
        if t in _PLAIN_TYPES:
            return v
        if t is tuple or t is list:
            if set(map(type, v)) <= _PLAIN_TYPES:  # (names: a construct's edges)
                return (t.__name__, list(v))
            return (t.__name__, [self.canon(x) for x in v])
        if isinstance(v, np.ndarray):
            if v.dtype == object:
                return ("O", v.shape, [self.canon(x) for x in v.reshape(-1).tolist()])
            self.h.update(v.tobytes())
            return ("A", v.dtype.str, v.shape)
        if isinstance(v, np.generic):
            return ("G", v.dtype.str, v.tobytes())
        if isinstance(v, DType):
            return ("D", v.name)
        if isinstance(v, TensorShape):
            return ("S", v._dims)
        if t is np.dtype or isinstance(v, np.dtype):
            return ("d", v.str)
        if t is TAMeta:  # (as the in-memory cache compares it: its place among arrays not)
            return ("TA", [(f.name, np.dtype(v.dtype).str if f.name == "dtype"
                            else self.canon(getattr(v, f.name)))
                           for f in dataclasses.fields(v) if f.compare])
        if isinstance(v, dict):
            return ("M", sorted((repr(k), self.canon(x)) for k, x in v.items()))
        raise _Uncacheable(type(v).__name__)


def _fed(a):
    """A fed value's part of the key: what the in-memory cache tells signatures apart by
    (lowering/cache.py: its shape and dtype, a TensorArray's signature)."""
    if type(a) is Counted:  # entries padded to a bucket, the rows they fill
        return ("entries", a.rows, tuple(np.shape(a.array)), np.dtype(a.array.dtype).str)
    if isinstance(a, TAState):  # a TensorArray's or a stack's elements, carried between steps
        return (type(a).__name__, a.signature())
    try:
        return tuple(a.shape), np.dtype(a.dtype).str
    except (AttributeError, TypeError):
        raise _Uncacheable(type(a).__name__) from None


def _tensor(t):
    return (t._op._name, t._value_index)


def _context(ctx):
    if not isinstance(ctx, CFContext):
        raise _Uncacheable(type(ctx).__name__)
    return (type(ctx).__name__, ctx.name)


def _ref(v):
    """A construct record's field as plain values (tensors, ops and contexts by name)."""
    if isinstance(v, Operation):  # (as text: a cond's edges list hundreds)
        return "O:" + v._name
    if isinstance(v, (tuple, list)):
        refs = [_ref(x) for x in v]
        if set(map(type, refs)) <= {str}:  # one text (names hold no \x1f): hashed at once
            return "%s(%s)" % (type(v).__name__, "\x1f".join(refs))
        return (type(v).__name__, refs)
    if isinstance(v, Tensor):
        return "T:%s:%d" % _tensor(v)
    if isinstance(v, CFContext):
        return ("C",) + _context(v)
    if dataclasses.is_dataclass(v) and not isinstance(v, type):  # a cond's Branch
        return (type(v).__name__, [(f.name, _ref(getattr(v, f.name)))
                                   for f in dataclasses.fields(v)])
    if isinstance(v, (TensorShape, DType, np.ndarray, np.generic) + _PLAIN):
        return v
    raise _Uncacheable(type(v).__name__)


def _marks(op):
    """What modules note about `op` beside the graph and that its kernel reads when traced:
    a Mul rounded before its Add (math.ROUNDED_PRODUCTS), a Pad's output shape
    (joining.PADDED_SHAPES), a TensorArray's element shapes (tensor_array_ops.ELEMENT_SHAPES),
    a host kernel's op run compiled or a compiled one run on the host (stages), a cond's
    Switch (cf_spec.COND_SWITCHES: others follow TF's dead-tensor rules), outputs holding a
    lookup gradient's padded row indices (padded_rows: their scatters skip -1)."""
    host = ON_HOST.get(op)
    shapes = ELEMENT_SHAPES.get(op)
    return (op in ROUNDED_PRODUCTS, PADDED_SHAPES.get(op),
            None if shapes is None else [s._dims for s in shapes], op in RUNS_COMPILED,
            None if host is None else _function(host), op in COND_SWITCHES,
            marked_outputs(op))


def _function(fn):
    name = getattr(fn, "__qualname__", "<")
    if "<" in name:  # (a lambda, a local function, a partial: not known by its name)
        raise _Uncacheable(repr(fn))
    return fn.__module__, name


def _static(a):
    a = np.asarray(a)
    if a.dtype == object:
        return ("O", a.shape, [x if isinstance(x, (str, bytes)) else _bad(x)
                               for x in a.reshape(-1).tolist()])
    return ("A", a.dtype.str, a.shape, a.tobytes())


def _bad(x):
    raise _Uncacheable(type(x).__name__)


def _source_digest():
    """scopeflow's source files by path, size and modification time (an edit or another
    version of scopeflow keys its programs anew)."""
    if not _source:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        h = hashlib.sha256(root.encode())
        todo = [root]
        while todo:
            with os.scandir(todo.pop()) as it:
                for e in sorted(it, key=lambda e: e.name):
                    if e.is_dir():
                        todo.append(e.path)
                    elif e.name.endswith(".py"):
                        st = e.stat()
                        h.update(("%s %d %d;" % (e.path, st.st_size, st.st_mtime_ns)).encode())
        _source.append(h.digest())
    return _source[0]


# ---- fed values compiled in ----------------------------------------------------------------
def _note_path(path):
    return path[:-len(".graph")] + ".static"


def note_static(path, positions):
    """Notes beside `path` (the key a run had when its trace began) the fed positions its
    trace compiled in: a second process compiles them in before it looks the run up, and
    finds it under the key that holds their values (else it traced such a run again each
    time: a step of a host-run loop whose fed values set a gradient's shape)."""
    try:
        disk_cache.write_file(_note_path(path), pickle.dumps(tuple(int(i) for i in positions)))
    except OSError:
        pass


def learnt(path, program):
    """The fed positions noted for `path` (note_static) not compiled in yet, or None."""
    try:
        with open(_note_path(path), "rb") as f:
            positions = pickle.loads(f.read())
    except Exception:  # noqa: BLE001 - none, damaged or foreign: trace and learn again
        return None
    if (type(positions) is not tuple or not all(type(i) is int for i in positions)
            or not set(positions) <= set(program.feed_pos) | set(program.static_pos)):
        return None
    new = set(positions) - set(program.static_pos)
    return sorted(new) or None


# ---- the Entry without its executable ----------------------------------------------------------
def store(path, program, entry, compiled):
    """Writes `path` for `entry` (traced from `program`); `compiled`: (file name of the
    compiled program, its setup names, its argument and result types) or None. Fed entries
    padded to a bucket (entries.Counted: a fed SparseTensor's) and a TensorArray's elements
    carried between steps pass as several arrays, as the Entry read back says (`flat_feeds`)."""
    if entry.text_out or entry.grow:
        return
    if entry.call is not None and compiled is None:
        return
    index = {op: i for i, op in enumerate(program.order)}
    variables = {v: i for i, v in enumerate(program.variables)}
    try:
        checks = [(_where(index, c.op), _exc_name(c.exc),
                   c.message if isinstance(c.message, str) else None, c.slots)
                  for c in entry.checks]
        meta = {"compiled": compiled, "var_in": [variables[v] for v in entry.var_in],
                "var_out": [variables[v] for v in entry.var_out], "feed_pos": entry.feed_pos,
                "kinds": [_kind_out(index, k) for k in entry.fetch_kinds],
                "n_dyn": entry.n_dyn, "checks": checks,
                "rng_ops": [_where(index, op) for op in entry.rng_ops],
                "new_state": entry.new_state, "draws": entry.draws,
                "flat_feeds": entry.flat_feeds,
                "ta_count": None if entry.ta_serials is None else entry.ta_serials.count}
        _plain(meta)
        disk_cache.write_file(path, pickle.dumps(meta))
    except (_Uncacheable, KeyError, OSError):
        return


def _kind_out(index, kind):
    """A fetch kind for the file: a value made on the host after the run ("host", fn, parts)
    names its function (a partial of a scopeflow module function over ops and plain values)."""
    if kind[0] != "host":
        return kind
    fn = kind[1]
    func = getattr(fn, "func", None)
    if (type(fn) is not functools.partial or fn.keywords or "<" in func.__qualname__
            or not func.__module__.startswith("scopeflow.")):
        raise _Uncacheable("host function")
    args = [("op", _where(index, a)) if isinstance(a, Operation) else ("value", a)
            for a in fn.args]
    return ("host", (func.__module__, func.__qualname__, args),
            tuple(_kind_out(index, p) for p in kind[2]))


def _kind_in(program, kind):
    if kind[0] != "host":
        return kind
    module, name, args = kind[1]
    func = importlib.import_module(module)
    for part in name.split("."):
        func = getattr(func, part)
    fn = functools.partial(func, *[_op_at(program, a) if how == "op" else a
                                   for how, a in args])
    return ("host", fn, tuple(_kind_in(program, p) for p in kind[2]))


def _where(index, op):
    """`op` for the file: its position in the slice, or its name for an op of a cond's branch
    or a loop's body (the key hashed those ops by name: the graph read back has them)."""
    i = index.get(op)
    if i is not None:
        return i
    if getattr(op, "_ctx", None) is None:
        raise _Uncacheable("op outside the slice")
    return op._name


def _op_at(program, where):
    if isinstance(where, int):
        return program.order[where]
    op = program.graph._ops_by_name[where]
    if op._ctx is None:
        raise KeyError(where)
    return op


def _exc_name(exc):
    if getattr(errors, exc.__name__, None) is not exc:
        raise _Uncacheable(exc.__name__)
    return exc.__name__


def _plain(v):
    if isinstance(v, _PLAIN):
        return
    if isinstance(v, np.ndarray):
        if v.dtype == object and not all(isinstance(x, (str, bytes)) for x in v.ravel()):
            raise _Uncacheable("an array of objects")
        return
    if isinstance(v, (np.generic, np.dtype)):
        return
    if isinstance(v, (list, tuple)):
        for x in v:
            _plain(x)
        return
    if isinstance(v, dict):
        for x in v.values():
            _plain(x)
        return
    raise _Uncacheable(type(v).__name__)


def load(path, program, state, feeds):
    """The Entry a `.graph` file stands for, or None (no file, or its program is gone)."""
    from scopeflow.lowering.lower import Entry, _fast
    try:
        with open(path, "rb") as f:
            meta = pickle.loads(f.read())
        variables = program.variables
        compiled = meta["compiled"]
        call = None
        if compiled is not None:
            call = disk_cache.load_named(*compiled)
            if call is None:
                return None
            call = _fast(call)
        serials = _serials(meta["ta_count"])
        checks = tuple(_LazyCheck(getattr(errors, exc), _op_at(program, i), message, slots,
                                  (program, state, feeds, k, serials))
                       for k, (i, exc, message, slots) in enumerate(meta["checks"]))
        entry = Entry(call, tuple(variables[i] for i in meta["var_in"]),
                      tuple(variables[i] for i in meta["var_out"]), tuple(meta["feed_pos"]),
                      tuple(_kind_in(program, k) for k in meta["kinds"]), meta["n_dyn"], checks,
                      tuple(_op_at(program, i) for i in meta["rng_ops"]), meta["new_state"],
                      draws=meta["draws"], ta_serials=serials,
                      flat_feeds=meta.get("flat_feeds", False))
    except Exception:  # noqa: BLE001 - damaged or foreign: trace instead
        return None
    program.n_rng = len(entry.rng_ops)
    disk_cache.stats["graph_hits"] += 1
    return entry


def _serials(count):
    """The numbering of the TensorArrays a run makes (`count` of them: TF's errors name them
    by the arrays the process made before), or None where it makes none."""
    if count is None:
        return None
    serials = Serials()
    serials.count = count
    return serials


class _LazyCheck(context.Check):
    """A check read back from disk: its message is made by tracing the program again (the
    kernel's message function), only when the check fails."""

    __slots__ = ("_again", "_serials")

    def __init__(self, exc, op, message, slots, again):
        super().__init__(None, exc, op, message, None)
        self.slots = slots
        program, state, feeds, k, self._serials = again
        # shapes only (the trace reads no values but the compiled-in feeds)
        light = {v: _light(a) for v, a in state.items()}
        fed = [feeds[i] if i in program.static_pos else _light_feed(feeds[i])
               if i in program.feed_pos else None for i in range(len(feeds))]
        self._again = (program, light, fed, k)

    def text(self, data_values):
        if self.message is not None:
            return self.message
        from scopeflow.lowering.lower import build_traced
        program, state, feeds, k = self._again
        entry = build_traced(program, state, feeds)
        if entry.ta_serials is not None and self._serials is not None:
            entry.ta_serials.base = self._serials.base  # (this run's numbers)
        return entry.checks[k].text(data_values)


def _light_feed(a):
    """A fed value as the trace again takes it: its shape and dtype, padded entries kept as
    Counted and a TensorArray's elements as a TAState of its kind (their program takes
    several arrays: a plain shape in their place traced another program, and JAX's TypeError
    reached the user instead of the check's message)."""
    if type(a) is Counted:
        return Counted(_Shape(a.array), None, a.rows)
    if isinstance(a, TAState):  # (a ragged array's written mask: known when traced, kept)
        data = None if a.data is None else jax.tree_util.tree_map(_Shape, a.data)
        return type(a)(data, a.written, a.meta)
    return _Shape(a)


def _light(a):
    try:
        return _Shape(a)
    except Exception:  # noqa: BLE001 - not an array: kept as it is
        return a


class _Shape:
    __slots__ = ("dtype", "shape")

    def __init__(self, a):
        self.shape, self.dtype = tuple(a.shape), a.dtype
