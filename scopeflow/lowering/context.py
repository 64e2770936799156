"""The run context kernels see: variables, random keys, feeds and run-time checks.

A kernel registered with `context=True` is called as `kernel(ctx, *inputs, **attrs)` while a
run signature is traced. Everything here happens at trace time: reads and writes move traced
values between ops, checks become boolean outputs that the Session inspects after the run, and
random keys derive from per-op counters the Session passes in, so each run draws fresh values.

A random op's counter is its generator's position, as TF's kernel advances its generator only
when it runs, by what that execution reserves: a seeded op by its Philox calls (which depend on
the run's shapes), any other by one. The Session passes each op's position after earlier runs
(64 bits), and what a run advanced it is run state (`DrawCount`) that cond branches and loop
iterations carry like a variable, so a draw in an untaken branch does not advance the stream
and one in a loop body advances it per iteration. The run hands back how far each op's counter
moved (`draw_counts`).
"""

import os
import re

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import errors
from scopeflow.core import stack

_MASK = 0xFFFFFFFF
RNG_DTYPE = np.uint64  # of a run's rng words (RunContext's `rng_data`): 64-bit counters
# SCOPEFLOW_RUNTIME_CHECKS=0 leaves run-time checks on traced values out of compiled programs:
# for measuring their cost only (benchmarks/checks.py); a bad value then goes unreported
_CHECKS_OFF = os.environ.get("SCOPEFLOW_RUNTIME_CHECKS", "1") == "0"


class VarRef:
    """Handle of one variable inside a run: pass it to `ctx.read` / `ctx.write`."""

    __slots__ = ("op",)

    def __init__(self, op):
        self.op = op  # the VariableV2 op

    name = property(lambda self: self.op._name)

    def __repr__(self):
        return "<VarRef %s>" % self.op._name


class DrawCount:
    """Run-state key of how far a random op's counter moved so far in this run (uint64)."""

    __slots__ = ("op",)

    def __init__(self, op):
        self.op = op

    _name = property(lambda self: self.op._name)

    def __repr__(self):
        return "<DrawCount %s>" % self.op._name


class Check:
    """One run-time assertion: `ok` (traced bool) must hold, else `exc(None, op, message)`.

    Once traced, `slots` says where each data value is: an output index, or ("static", v).
    """

    __slots__ = ("data", "exc", "message", "ok", "op", "slots")

    def __init__(self, ok, exc, op, message, data):
        self.ok, self.exc, self.op, self.message, self.data = ok, exc, op, message, data
        self.slots = ()

    def text(self, data_values):
        msg = self.message
        return msg(*data_values) if callable(msg) else msg


class RunContext:
    """What a context kernel may do during a run (see the module docstring).

    >>> ctx = RunContext({}, frozenset(), None)
    >>> ctx.is_initialized(VarRef(None))
    False
    """

    def __init__(self, values, feeds, rng_data, nonce=None):
        self.op = None  # the Operation being executed
        self._values = values  # variable op -> current value (initialized ones only)
        self._feeds = feeds  # fed tensors (so missing_feed can tell the two apart)
        # whether a cond of fed flags asks for them compiled in (lower.py _fed_flags_only):
        # only a Session's build, which retraces with them; other traces keep a lax.cond
        self.flags_static = False
        self._rng_data = rng_data  # traced uint64 [nonce, (counter, counter at run start) per op]
        self._nonce = nonce
        self._refs = {}
        self.overrides = {}  # variable op -> value all reads use (fed or cut ref tensors)
        self.written = {}  # variable op -> last value written this run
        self.read_ops = set()  # variables whose value this run took from the Session
        self.checks = []  # Check objects, in execution order
        self.live = {}  # Tensor / Operation -> whether live, below raw Switch ops (liveness.py)
        self.frames = {}  # Operation -> its frame path, below raw Enter ops (liveness.py)
        self.rng_ops = []  # ops that asked for a key, in order (words 2i+1, 2i+2 of rng_data)
        self._draw_keys = {}  # random op -> its DrawCount key
        # > 0 while tracing a cond branch or loop body: a check failing on known values is
        # then recorded, not raised (the branch may not be taken, the body may not run)
        self.conditional = 0
        self.taken_branch = 0  # in a cond branch known to be taken when traced (cf_run.py)
        # whether the cond branches around a loop run outside its cond's lax.cond are taken
        # (a traced bool, lowering/lower.py `_run_in_branch`): the loop iterates only there
        self.guard = None
        self.inside = None  # the cond branch or loop body (context) a host-run step runs
        self.loop_lengths = []  # trip bounds of the loops being traced (None: unknown)
        self.stack_caps = {}  # StackV2 op -> slots a growable stack has (ops/stack_ops.py)
        self.stack_statics = {}  # StackV2 op -> the value every push pushed, when static
        self.loop_trips = {}  # LoopSpec -> its iteration count in this run (loop_fetch.py)
        self.loop_rows = {}  # LoopSpec -> {loop value: (rows per iteration, buffer rows)}
        self.row_trims = {}  # LoopSpec -> (its loop_rows, its trip count), after it ran
        self.replay = 0  # > 0 while tf.gradients' kernel re-runs ops the run already ran
        self.container = False  # the Session holds a resource variable (error wording)
        self.grappler = None  # the run's grappler.Rewrites (None: outside a Session's run)

    # ---- variables --------------------------------------------------------------------------
    def var_ref(self):
        """The handle of the variable op being executed (VariableV2's kernel returns it)."""
        ref = self._refs.get(self.op)
        if ref is None:
            ref = self._refs[self.op] = VarRef(self.op)
        return ref

    def ref_for(self, op):
        """The handle of variable op `op`."""
        ref = self._refs.get(op)
        if ref is None:
            ref = self._refs[op] = VarRef(op)
        return ref

    def read(self, ref):
        """Current value of the variable; uninitialized -> FailedPreconditionError."""
        v = ref.op
        if v in self.overrides:
            return self.overrides[v]
        val = self._values.get(v)
        if val is None:
            if v._type == "VarHandleOp":
                raise self._missing_resource(v)
            if v._type == "Placeholder":  # a tf.data function's captured resource variable
                from scopeflow.ops.resource_ops import variable_behind
                self.container = True  # (the iterator's resource made TF's container)
                raise self._missing_resource(variable_behind(v._outputs[0]) or v)
            raise run_error(errors.FailedPreconditionError, self.op,
                            "Attempting to use uninitialized value %s" % v._name)
        if v not in self.written:
            self.read_ops.add(v)
        return val

    def _missing_resource(self, v):
        """TF's error for a resource variable without a value: a read is FailedPrecondition,
        other ops NotFound; the wording says whether the session's container exists yet."""
        name = v._attrs.get("shared_name") or v._name
        if self.container or any(getattr(k, "_type", None) == "VarHandleOp"
                                 for k in self._values):
            status = "Resource localhost/%s/N10tensorflow3VarE does not exist." % name
        else:
            status = "Container localhost does not exist. (Could not find resource: " \
                     "localhost/%s)" % name
        if self.op is not None and self.op._type == "ReadVariableOp":
            return run_error(errors.FailedPreconditionError, self.op, (
                "Could not find variable %s. This could mean that the variable has been "
                "deleted. In TF1, it can also mean the variable is uninitialized. Debug info: "
                "container=localhost, status error message=%s") % (name, status))
        return run_error(errors.NotFoundError, self.op, status)

    def write(self, ref, value, guarded=False):
        """Sets the variable (cast to its dtype); returns the new value.

        A write that follows run-time checks keeps the old value when one of them fails (as
        TF never runs an op after a failed one), so the Session may commit what a failed run
        wrote. `guarded`: the kernel did that itself (a scatter drops its updates instead).
        """
        v = ref.op
        if type(v) is DrawCount:  # (carried out of a cond or loop: cf_run._apply)
            return self.put_state(v, value)
        if not v._outputs[0]._dtype._is_ref_dtype and not hasattr(value, "shape"):
            return self.put_state(v, value)  # a stack's contents (ops/stack_ops.py)
        dt = v._outputs[0]._dtype.base_dtype.as_numpy_dtype
        if isinstance(value, (np.ndarray, np.generic)):
            # a known value stays NumPy (jnp.asarray while folding would compile a program
            # per variable shape); the program's outputs take it in as a constant
            value = np.asarray(value, dtype=dt)
        else:
            value = jnp.asarray(value, dtype=dt)
        if self.checks and not guarded:
            old = self._values.get(v)
            if old is not None and np.shape(old) == np.shape(value):
                if v not in self.written:
                    self.read_ops.add(v)
                value = jnp.where(self.checks_ok(), value, old)
        self._values[v] = value
        self.written[v] = value
        return value

    def put_state(self, op, value):
        """Sets run state that is not a variable (a stack's contents, kept under its op):
        loops carry it as they carry variables, and it ends with the run."""
        self._values[op] = value
        self.written[op] = value
        return value

    def state(self, op):
        """The run state `put_state` set under `op`."""
        return self.overrides.get(op, self._values.get(op))

    def shape_of(self, ref):
        """Shape of the variable's value at this point of the run (None: uninitialized).
        Unlike `read`, this does not make the variable an input of the run."""
        v = ref.op
        val = self.overrides.get(v, self._values.get(v))
        return None if val is None else tuple(np.shape(val))

    def is_initialized(self, ref):
        """Whether the variable holds a value at this point of the run (static)."""
        return ref.op in self._values or ref.op in self.overrides

    def snapshot(self):
        """Current variable values (for control-flow kernels that trace sub-functions)."""
        return dict(self._values), dict(self.written)

    def restore(self, snap):
        values, written = snap
        self._values.clear()
        self._values.update(values)
        self.written.clear()
        self.written.update(written)

    # ---- randomness -------------------------------------------------------------------------
    def rng(self, seed=0, seed2=0):
        """A PRNG key for the executing op: fresh each run, reproducible per session when
        (seed, seed2) != (0, 0). Its counter moves by one per execution."""
        op = self.op
        word, done = self._executions(1)
        if seed == 0 and seed2 == 0:
            key = jax.random.PRNGKey(_stable_hash(op._name))
            key = jax.random.fold_in(key, jnp.asarray(self._word(0), jnp.uint32))
        else:
            key = jax.random.PRNGKey(int(seed) & _MASK)
            for word_ in (int(seed) >> 32, int(seed2) & _MASK, int(seed2) >> 32):
                key = jax.random.fold_in(key, word_ & _MASK)
        count = jnp.asarray(word, jnp.uint32) + jnp.asarray(done, jnp.uint32)
        return jax.random.fold_in(key, count)

    def session_rng(self):
        """A PRNG key for the executing op, drawn once per session: the same in every run (a
        kernel that draws its own seeds once, as TF's FractionalMaxPool with seeds (0, 0))."""
        self._executions(0)  # (a random op of the run: its words carry the Session's nonce)
        key = jax.random.PRNGKey(_stable_hash(self.op._name))
        return jax.random.fold_in(key, jnp.asarray(self._word(0), jnp.uint32))

    def philox_offset(self, reserved):
        """The executing op's Philox counter offset for this execution (traced uint64), which
        then reserves `reserved` generator calls (a static int), as TF's GuardedPhiloxRandom
        advances each kernel's own generator by each call's own reservation: the calls of
        earlier runs (the Session's word) plus those reserved earlier in this run (a loop's
        iterations)."""
        word, done = self._executions(reserved)
        return jnp.asarray(word, jnp.uint64) + jnp.asarray(done, jnp.uint64)

    def _executions(self, step):
        """(the Session's counter word, counter moved earlier in this run) of the executing op,
        whose counter this execution moves by `step`."""
        op = self.op
        slot = self._rng_slot()
        key = self._draw_keys.get(op)
        if key is None:
            key = self._draw_keys[op] = DrawCount(op)
        step = np.uint64(step)
        if not self.loop_lengths:  # outside loops an op runs at most once a Session.run
            if self.replay or key in self.written or (
                    op._ctx not in (None, self.inside) and not self.conditional
                    and not self.taken_branch):
                # a cond branch's value that the lowering recomputes elsewhere (a gradient
                # reads it, maybe in a later program of the run) is the same draw, and only
                # the branch's own run counts
                return self._word(2 * slot), 0
            self.put_state(key, step)
            return self._word(2 * slot - 1), 0
        done = self._values.get(key, np.uint64(0))
        if self.replay:  # tf.gradients' kernel re-runs the op: the draw it made
            done = done - step if key in self._values else done
        else:
            self.put_state(key, done + step)
        return self._word(2 * slot - 1), done

    def start_count(self, key):
        """Makes the DrawCount `key` start from 0 in this run (before a cond or loop that
        draws in it carries it) and returns its value; None for other keys."""
        if type(key) is not DrawCount:
            return None
        return self._values.setdefault(key, np.uint64(0))

    def draw_counts(self):
        """{random op: how far its counter moved in this run} (static ints or traced
        uint64)."""
        return {k.op: x for k, x in self.written.items() if type(k) is DrawCount}

    def _rng_slot(self):
        op = self.op
        if op in self.rng_ops:
            return self.rng_ops.index(op) + 1
        self.rng_ops.append(op)
        return len(self.rng_ops)

    def _word(self, i):
        data = self._rng_data
        if data is None or i >= data.shape[0]:
            raise _NeedMoreRng(len(self.rng_ops))
        return data[i]

    # ---- feeds and checks -------------------------------------------------------------------
    def node_name(self, t):
        """The name TF's run gives the node computing `t`: a fed tensor is the run's argument
        `_arg_<node>_<output>_<i>`, i its place among the fed names sorted (TF's call frame)."""
        if t not in self._feeds:
            return t._op._name
        names = sorted(f.name for f in self._feeds)
        return "_arg_%s_%d_%d" % (t._op._name, t._value_index, names.index(t.name))

    def missing_feed(self):
        """Raises TF's error for an unfed placeholder (the executing op)."""
        op = self.op
        dtype = op._attrs.get("dtype") or op._outputs[0]._dtype
        shape = op._attrs.get("shape")
        text = "You must feed a value for placeholder tensor '%s' with dtype %s" % (
            op._name, type_name(dtype))
        if shape is not None and shape._dims:  # (TF's kernel: a known rank above 0)
            text += " and shape [%s]" % ",".join("?" if d is None else str(d)
                                                 for d in shape._dims)
        raise run_error(errors.InvalidArgumentError, op, text)

    def guarded(self, fn, olds):
        """`fn()` (new values for variables now holding `olds`), computed only if every check
        made so far passes, else `olds`: a lax.cond, so the update costs what it did without
        checks (a select over its result would cost another pass over the variables). Pass
        the results to `write(..., guarded=True)`."""
        ok = self.checks_ok()
        dtypes = [jnp.result_type(o) for o in olds]
        if ok is None:
            return list(fn())
        return list(jax.lax.cond(ok, lambda: tuple(jnp.asarray(v, d) for v, d in zip(fn(), dtypes)),
                                 lambda: tuple(jnp.asarray(o, d) for o, d in zip(olds, dtypes))))

    def checks_ok(self):
        """Whether every check made so far in this run passes (a traced bool); None if none."""
        if not self.checks:
            return None
        return jnp.all(jnp.stack([jnp.asarray(c.ok, bool) for c in self.checks]))

    def check(self, ok, exc_class, message, data=()):
        """Run-time assertion: after the run, raises `exc_class` with `message` if not `ok`.

        `message` may be a callable taking the `data` values (numpy) to print tensors.
        """
        data = list(data)
        if not isinstance(ok, jax.core.Tracer):
            if bool(np.all(ok)):
                return
            if not self.conditional and not any(isinstance(d, jax.core.Tracer) for d in data):
                values = [np.asarray(d) for d in data]
                raise run_error(exc_class, self.op, message(*values) if callable(message)
                                else message)
            # (a NumPy False, not a JAX value: a kernel folded at trace time runs inside a
            # trace of its own, fold_numpy's, whose values must not leak into the run's)
            self.checks.append(Check(np.bool_(False), exc_class, self.op, message, data))
            return
        if _CHECKS_OFF:
            return
        self.checks.append(Check(jnp.all(jnp.asarray(ok)), exc_class, self.op, message, data))


def rng_words(n):
    """Length of the rng words of a run of `n` random ops (RunContext's `rng_data`)."""
    return 1 + 2 * n


class _NeedMoreRng(Exception):
    """Tracing found more random ops than rng words were allotted; retrace with `count`."""

    def __init__(self, count):
        super().__init__(count)
        self.count = count


def _stable_hash(text):
    import zlib
    return zlib.crc32(text.encode())


_TYPE_NAMES = {"float32": "float", "float64": "double", "float16": "half"}


def type_name(dtype):
    """TF's DataTypeString: float, double, half, int32, string, ..."""
    name = dtype.base_dtype.name
    return _TYPE_NAMES.get(name, name)


# JAX's words for fed shapes that do not broadcast ("mul got incompatible shapes for
# broadcasting: (4, 2), (2, 1)."), where TF's binary kernels say "Incompatible shapes: [4,2]
# vs. [2,1]"
_JAX_BROADCAST = re.compile(r"^\w+ got incompatible shapes for broadcasting: \(([\d, ]*)\), "
                            r"\(([\d, ]*)\)\.?$")


_NUMPY_BROADCAST = re.compile(r"^Incompatible shapes for broadcasting: shapes=\[\(([\d, ]*)\), "
                              r"\(([\d, ]*)\)\]$")


def _tf_wording(message):
    m = _JAX_BROADCAST.match(message) or _NUMPY_BROADCAST.match(message)
    if m is None:
        return message
    a, b = ("[%s]" % ",".join(d.strip() for d in g.split(",") if d.strip()) for g in m.groups())
    return "Incompatible shapes: %s vs. %s" % (a, b)


def run_error(exc_class, op, message):
    """An OpError with TF's graph-execution wording for a failure at node `op`; its `str()`
    adds the op's whole defining stack (errors.OpError)."""
    message = _tf_wording(message)
    name = op._name
    if "\x00" in message:  # TF's status text ends at a NUL (a record's bytes in the message),
        name = None         # and with it the node tag its Python side reads the node from
        message = message[:message.index("\x00")]
    if name is None:  # TF's message names no node ("Retval[0] does not have value")
        return exc_class(None, None, "Graph execution error:\n\n%s" % message)
    if getattr(op, "_graph", None) is None:  # a node TF adds at run time (`_retval_w_0_0`)
        return exc_class(None, None, "Graph execution error:\n\n%s\n\t [[{{node %s}}]]"
                         % (message, name))
    user = [f for f in op.traceback if stack.is_user_frame(f)]
    head = "Graph execution error:\n\nDetected at node '%s' defined at (most recent call " \
           "last):\n%sNode: '%s'\n" % (name, "".join("  " + f for f in stack.format_frames(user)),
                                       name)
    return exc_class(_node_def(op), op, "%s%s\n\t [[{{node %s}}]]" % (head, message, name))


def _node_def(op):
    try:
        return op.node_def
    except Exception:  # noqa: BLE001 - the error being reported matters more
        return None
