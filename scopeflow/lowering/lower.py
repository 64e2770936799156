"""Lowering: a run signature becomes one pure function, traced once and compiled by XLA.

    fn(var_state, feeds, rng_data) -> (fetches, var_updates, check_flags, check_data)

Ops execute in the order of `slice.backward_slice`. For each op the registry record gives the
kernel; inputs are the values computed so far. A ref-typed input (`w:0`) is passed as the
variable's `VarRef` when the kernel declares it in `refs=`, and is otherwise READ at that
point of the order. Const outputs stay NumPy, so kernels can read shapes and axes statically
and string values never enter XLA. Output values are cast to the dtypes the graph declares.
"""

import dataclasses
import functools
import os

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.errors import InvalidArgumentError, OpError, UnimplementedError
from scopeflow.lowering import (
    cache,
    disk_cache,
    fold_memo,
    fold_numpy,
    graph_key,
    grappler,
    init_host,
    liveness,
    roll,
)
from scopeflow.lowering.context import (
    RNG_DTYPE,
    DrawCount,
    RunContext,
    VarRef,
    _NeedMoreRng,
    rng_words,
    run_error,
)
from scopeflow.lowering.entries import Counted, counts_in
from scopeflow.lowering.host import HostValue, host_kind, remap
from scopeflow.lowering.kernels import check_kernels
from scopeflow.lowering.loop_fetch import fetch_value, loop_fetches, targets, trimmed
from scopeflow.lowering.slice import (
    backward_slice,
    data_inputs,
    is_handle,
    is_variable_op,
    variable_of,
)
from scopeflow.lowering.stages import (
    BATCH_KERNELS,
    NeedValues,
    empty_values,
    is_host_op,
    recomputed,
    runs_on_host,
)
from scopeflow.ops.cf_context import CondContext
from scopeflow.ops.cf_run import BranchShapes
from scopeflow.ops.cf_spec import COND_SWITCHES, LoopSpec
from scopeflow.ops.dynamic_shape import SIZED_HOST_OPS
from scopeflow.ops.constant import constant_value
from scopeflow.ops.registry import INDEX, REGISTRY, lookup
from scopeflow.ops.stack_ops import StackFull, StackHandle, handed_on, taken_up
from scopeflow.ops.ta_masks import masks_in, masks_out
from scopeflow.ops.ta_state import Serials, TAState

_CHAINED = frozenset(("Mul", "RealDiv", "Div"))  # ops grappler's Mul chains may regroup

# TF computes in int64 / float64 where asked; so must the kernels.
# TF's 64-bit dtypes need JAX's x64 mode: it is switched on only while scopeflow traces,
# compiles and calls its programs (`x64()`, a fresh context each time: they nest), never for
# the user's own JAX code
x64 = functools.partial(jax.enable_x64, True)

_Tracer = jax.core.Tracer
# a kernel needing a static value got a traced one: a limitation to report as is
# ops whose floating-point inputs set the output's size (tf.range(0., x)): compiled in when fed
_FLOATS_SET_SIZE = frozenset({"Range"})
_JAX_LIMITS = tuple(c for c in (getattr(jax.errors, "JAXTypeError", None),
                                jax.errors.ConcretizationTypeError) if c is not None)


# ---- executing ops at trace time ------------------------------------------------------------
def execute(ctx, order, env, top=False):
    """Runs `order` (ops) on `env` (Tensor -> value) with run context `ctx`.

    Whatever can be computed from known values (constants, shapes, axes, which variables are
    initialized) is computed now, to NumPy, as TF's constant folding would: kernels downstream
    then see static values. Results above `_FOLD_LIMIT` elements stay in the compiled program.

    `top` (a run's own ops): an op outside conds and loops that needs fed values compiled in
    (`_NeedStatic`) does not end the trace at once; the ops that read its outputs are skipped
    and the others run, so one retrace learns every such need the trace meets (`_NeedStatics`),
    not one per retrace (an Estimator's sparse feature columns met dozens one by one).
    """
    batched = _batched(ctx, order)
    needs, skipped = ([], set()) if top else (None, None)
    for op in order:
        if needs and _reads_skipped(op, env, skipped):
            _skip(op, env, skipped)
            continue
        try:
            _execute_one(ctx, op, env, rec=REGISTRY.get(op._type), batched=batched)
        except _NeedStatic as e:
            if needs is None or op._ctx is not None:
                raise
            needs.append(e)
            _skip(op, env, skipped)
        except Exception:
            if needs:  # (it may follow from what was skipped: the retrace tells)
                raise _needs(needs) from None
            raise
    if needs:
        raise _needs(needs)


_SKIPPED = object()  # the value of an op's output that a trace skipped (see `execute`)


def _needs(needs):
    return needs[0] if len(needs) == 1 else _NeedStatics(needs)


def _reads_skipped(op, env, skipped):
    ins = op._inputs if op._cf is None else list(op._inputs) + list(op._cf[0].inputs)
    return any(env.get(t) is _SKIPPED for t in ins) or any(
        c in skipped for c in op._control_inputs)


def _skip(op, env, skipped):
    skipped.add(op)
    for t in op._outputs:
        env[t] = _SKIPPED


def _execute_one(ctx, op, env, rec, batched):
    try:
        picked = liveness.visit(ctx, op, env, rec is not None and rec.stateful)
    except liveness.TracedPredicates as e:
        raise _NeedStatic(op, e.preds, e.error) from None
    if picked is liveness.DEAD:  # a stateful op TF does not run
        dead = empty_values(op)
        _store(ctx, op, dead[0] if len(dead) == 1 else dead, env)
        return
    if picked is not None:  # a raw Merge's live input (lowering/liveness.py)
        _store(ctx, op, picked, env)
        return
    if op._type == "Const":
        env[op._outputs[0]] = op._attrs["value"]
        return
    if op in batched:
        ctx.op = op
        _store(ctx, op, batched.pop(op), env)
        return
    regrouped = grappler.regrouped(ctx, op, env) if op._type in _CHAINED else None
    if regrouped is not None:  # TF's optimizer reordered the Mul chain `op` ends
        _store(ctx, op, regrouped, env)
        return
    if op._ctx is None:
        _run_op(ctx, op, env, rec)
    else:  # (in a cond branch, a loop: see `_run_in_branch`)
        _run_in_branch(ctx, op, env, rec)


def _run_op(ctx, op, env, rec):
    """Runs one op (a construct's Merge / Exit: its construct) on `env`."""
    cf = op._cf
    if ctx.flags_static and cf is not None and _cond_merge(op) and isinstance(
            env.get(cf[0].pred), _Tracer) and _fed_flags_only(op, cf[0].pred, ctx._feeds, env):
        # a predicate of fed booleans only (an `is_training` placeholder): compiled in, so
        # the run's program holds the taken branch alone (at most two programs a flag)
        raise _NeedStatic(op, [cf[0].pred])
    if cf is not None:  # a cond's Merge / a loop's Exit: runs its construct (cf_spec.py)
        # (folded only when every outside value is known: a loop over traced values
        # run eagerly would compile each op of its trial runs on its own)
        run = functools.partial(_construct_output, ctx, op, cf, env)
        fold = _small(op) and env.get(cf[0]) is None and not any(
            isinstance(env.get(t), _Tracer) for t in cf[0].inputs)
    else:
        # (staged by the Session unless inside cond/while; there a data-dependent op
        # still runs when its output sizes are known, e.g. a gradient's DynamicStitch)
        if is_host_op(op) and op._type not in SIZED_HOST_OPS:
            raise run_error(UnimplementedError, op, _HOST_IN_CF % (op._name, op._type))
        rec = REGISTRY.get(op._type) or lookup(op._type)
        ctx.op = op
        args = _gather(ctx, op, rec, env)
        if op._type in _BATCH_MATMULS:
            args = _untiled(ctx, op, args, env)
        if op._type == "AddN":  # summed in the order TF's optimizer sorts them into
            args = grappler.canonical_inputs(ctx, op, args)
        source = grappler.rsqrt_source(ctx, op, env)
        if source is not None:  # TF's optimizer made it x * rsqrt(y)
            rec = dataclasses.replace(rec, kernel=grappler.times_rsqrt, context=False)
            args = [args[0], source]
        if op._type not in _TAKES_HOST_VALUES:
            _no_host_values(op, args)
        run = functools.partial(_call, ctx, rec, op, args)
        # (a stateful kernel without the run context has effects of its own, e.g.
        # printing: those belong to every run, so it stays in the program)
        fold = (rec.fold and _small(op) and (rec.context or not rec.stateful)
                and _foldable(op, args))
    try:
        if fold:
            # a pure kernel's fold met before: its value again (lowering/fold_memo.py)
            key = None if cf is not None or (
                rec.context and op._type not in _NUMPY_CONTEXT) else fold_memo.FOLDED.key(
                op._type, rec.kernel, op._attrs, args, op._type in _STATIC_FACTS)
            out = None if key is None else fold_memo.FOLDED.get(key)
            if out is None:
                n = len(ctx.checks)
                # NumPy where exact (no XLA compile), else eagerly: a context kernel may
                # record checks, so it runs as it did
                out = None if cf is not None or (rec.context and op._type not in
                                                 _NUMPY_CONTEXT | _ARGS_CONTEXT) else _in_numpy(
                        ctx, rec, op, args, run)
                if out is None:
                    with jax.ensure_compile_time_eval():
                        out = run()
                out = _to_numpy(out)
                if key is not None and len(ctx.checks) == n:  # (a check made: not kept)
                    fold_memo.FOLDED.put(key, out)
        else:
            out = run()
    except _JAX_LIMITS:
        # a value that sets a shape, a size or an axis is traced: if it comes from fed
        # values, the build retries with them compiled in (see `build`)
        traced = [t for t in data_inputs(op) if isinstance(env.get(t), _Tracer)
                  and (t._dtype.base_dtype.is_integer or t._dtype.base_dtype.is_bool
                       or op._type in _FLOATS_SET_SIZE)]
        if not traced:
            raise
        raise _NeedStatic(op, _sizing(op, traced)) from None
    except (InvalidArgumentError, NotImplementedError) as e:
        # strings cannot enter XLA: an op making strings from traced values (a gather of
        # variable names at indices a host op found, tf.as_string of a value a host loop
        # feeds its body) needs those values compiled in; so does a kernel that cannot
        # take traced integers (strided_slice's fed bounds that set its size)
        if isinstance(e, BranchShapes) and isinstance(env.get(cf[0].pred), _Tracer):
            raise _NeedStatic(op, [cf[0].pred]) from None  # only one branch is traced
        fate = _branch_fate(op, cf, env) if isinstance(e, InvalidArgumentError) else None
        if fate == "dead":  # TF does not run it: empty values, as a dead stack pop's
            dead = empty_values(op)
            _store(ctx, op, dead[0] if len(dead) == 1 else dead, env)
            return
        if fate:
            raise _NeedStatic(op, fate, e) from None
        traced = [t for t in data_inputs(op) if isinstance(env.get(t), _Tracer)]
        outs = op._outputs if cf is None else [t for o in cf[0].exits for t in o._outputs]
        if isinstance(e, NotImplementedError) and cf is None:
            traced = [t for t in traced if t._dtype.base_dtype.is_integer] or traced
        elif not any(t._dtype.base_dtype is _dt.string for t in outs):
            raise
        if not traced:
            raise
        raise _NeedStatic(op, _sizing(op, traced)) from None
    _store(ctx, op, out, env)


def _branch_live(op, env):
    """Whether the cond branches around `op` (inside its loop) are taken, from their
    predicates' values in `env`: None where all are known to be (or none is at hand), else
    a bool (traced, or False when a known one is not). An op of a branch runs outside its
    cond's lax.cond where something outside the cond's outputs reads it (tf.gradients' stack
    pushes in a loop body, a loop hoisted out of the cond's record: gradients/loop_state.py):
    its run-time checks, and a loop's iterations, then count only where the branch is taken,
    as TF's executor runs the op only there."""
    live, ctx = None, op._ctx
    while ctx is not None and not ctx.is_loop:
        pred = env.get(ctx.pred) if hasattr(ctx, "branch") else None
        if pred is not None:
            if not isinstance(pred, _Tracer):
                if bool(np.asarray(pred)) != bool(ctx.branch):
                    return np.bool_(False)
            else:
                taken = pred if ctx.branch else jnp.logical_not(pred)
                live = taken if live is None else jnp.logical_and(live, taken)
        ctx = ctx.outer
    return live if ctx is not None else None  # (outside loops a cond runs all its ops)


def _run_in_branch(ctx, op, env, rec):
    """`_run_op` for an op in a cond branch or a loop: a loop it ends runs no iteration where
    the branches around it are not taken, and its checks hold there (see `_branch_live`;
    for a gradient's op, the cond Switch ops it reads say which branch it is in)."""
    live = _branch_live(op, env) if isinstance(op._ctx, CondContext) else None
    n = len(ctx.checks)
    saved = ctx.guard
    if live is not None and op._cf is not None and isinstance(op._cf[0], LoopSpec):
        ctx.guard = live  # (cf_run.run_while takes it)
    try:
        _run_op(ctx, op, env, rec)
    finally:
        ctx.guard = saved
    if len(ctx.checks) == n:
        return
    live = _both(live, _switch_live(op, env))
    if live is None:
        return
    dead = jnp.logical_not(live)
    for c in ctx.checks[n:]:
        c.ok = jnp.logical_or(c.ok, dead)


def _both(a, b):
    return b if a is None else a if b is None else jnp.logical_and(a, b)


def _switch_live(op, env):
    """Whether the cond Switch outputs (cf_spec.COND_SWITCHES: a gradient's cond in a loop
    body runs all its ops, its Merge a select) that `op` reads from are live, where their
    predicates are traced (None: no such Switch). A construct's Merge / Exit reads what its
    construct reads (its own branches' Switch ops say nothing of where it is: a tf.Assert's
    AssertGuard inside a branch would count as taken nowhere, its check dropped)."""
    live, seen = None, set()
    todo = list(op._cf[0].inputs if op._cf is not None else op._inputs)
    while todo:
        t = todo.pop()
        if t in seen:
            continue
        seen.add(t)
        src = t._op
        kind = src._type
        if kind in ("Switch", "RefSwitch"):
            pred = src._inputs[1]
            v = env.get(pred)
            if src in COND_SWITCHES and isinstance(v, _Tracer):
                taken = v if t._value_index else jnp.logical_not(v)
                live = _both(live, taken)
        elif kind not in ("Merge", "RefMerge", "Enter", "RefEnter") and src._cf is None:
            todo.extend(src._inputs)
    return live

def _sizing(op, traced):
    """Of an op's `traced` inputs that may set a size, those to compile in first: its index
    operands (a strided_slice's bounds, not the uint8 bytes it slices), and of those the ones
    the graph fixes (a Slice's constant size, not the random offset tf.random_crop feeds it),
    so a value that changes every run (an input pipeline's record) does not become part of
    the compiled signature, which compiled the step anew for each record; likewise integer
    scalars and vectors before other operands (a sparse op's dense shape, not the indices of
    its entries, which change with each batch). A retrace that
    still lacks values asks again for the rest."""
    rec = REGISTRY.get(op._type)
    if rec is not None and len(rec.arg_types) == len(op._inputs):
        index = {t for t, kind in zip(op._inputs, rec.arg_types) if kind == INDEX}
        traced = [t for t in traced if t in index] or traced
    # integer scalars and vectors first (a SparseTensor's dense_shape, not its indices)
    traced = [t for t in traced if t._dtype.base_dtype.is_integer
              and t.shape._dims is not None and len(t.shape._dims) <= 1] or traced
    fixed = [t for t in traced if constant_value(t) is not None]
    return fixed or traced


def _construct_output(ctx, op, cf, env):
    """The value of one Merge / Exit of a cond / loop, running the construct once per env."""
    spec, k = cf
    got = env.get(spec)
    if got is None:
        ctx.op = op
        values = [_value(ctx, env[t], t, False) for t in spec.inputs]
        try:
            got = env[spec] = spec.run(ctx, values)
        except (TypeError, ValueError, IndexError) as e:
            if isinstance(e, _JAX_LIMITS):
                raise
            raise run_error(InvalidArgumentError, op, str(e)) from e
    return spec.output(got, k)


def _batched(ctx, order):
    """Outputs of the ops that batch kernels compute together (outside cond/while only)."""
    kinds = {}
    for op in order:
        if op._type in BATCH_KERNELS and getattr(op, "_ctx", None) is None:
            kinds.setdefault(op._type, []).append(op)
    done = {}
    for kind, ops in kinds.items():
        if len(ops) > 1:
            done.update(BATCH_KERNELS[kind](ctx, ops))
    return done


def _per_iteration(need, op):
    """`need` reads a value that changes per iteration of a loop (`x[i:]`'s size): the loop
    runs on the host instead, each iteration compiled with its values (cf_run.LoopShapes, as
    a loop whose values grow); TF's UnimplementedError where it already does or cannot."""
    from scopeflow.lowering.stages import GROWS
    from scopeflow.ops.cf_run import LoopShapes
    text = ("%s (%s) needs the value of %s when it is compiled: scopeflow compiles shapes, "
            "sizes and axes statically, and inside a loop that value changes from one "
            "iteration to the next.") % (need.op._name, need.op._type, need.tensors[0].name)
    loop = op._ctx
    while loop is not None and not loop.is_loop:
        loop = loop.outer
    if loop is not None and loop not in GROWS:
        raise LoopShapes(text, loop)
    raise run_error(UnimplementedError, need.op, text)


def _branch_fate(op, cf, env):
    """For an op reading a cond's Switch outputs in a graph whose conds run unconditionally (a
    gradient's cond in a loop body, its Merge a select): "dead" when a known predicate says
    the branch it reads is not taken, the traced predicates that decide it, or None. A
    construct (`cf`) reads its outside inputs (its Merge's own inputs are its branches: one is
    always not taken, and an error of the taken one, an Assert's, is the run's)."""
    traced, seen, todo = [], set(), list(op._inputs if cf is None else cf[0].inputs)
    while todo:
        t = todo.pop()
        if t in seen:
            continue
        seen.add(t)
        kind = t._op._type
        if kind in ("Switch", "RefSwitch"):
            pred = t._op._inputs[1]
            v = env.get(pred)
            if isinstance(v, _Tracer):
                traced.append(pred)
            elif v is not None and bool(np.asarray(v)) != bool(t._value_index):
                return "dead"
        elif kind not in ("Merge", "RefMerge", "Enter", "RefEnter"):
            todo.extend(t._op._inputs)
    return traced or None


class _NeedStatic(Exception):
    """`op` needs the values of `tensors` at trace time."""

    def __init__(self, op, tensors, error=None):
        super().__init__(op._name)
        self.op, self.tensors = op, tensors
        self.error = error  # what to raise when they cannot be compiled in (None: TF's)


class _NeedStatics(Exception):
    """Several ops of one trace need fed values compiled in (`execute`), in run order."""

    def __init__(self, needs):
        super().__init__(needs[0].op._name)
        self.needs = needs


_HOST_IN_CF = ("%s (%s) runs on the host (input pipelines, py_func, string and data-dependent "
               "ops do): a tf.cond or tf.while_loop holding it runs step by step on the host, "
               "and scopeflow cannot differentiate through such a construct (tf.gradients) "
               "yet: build the op outside the branch or loop and pass its value in.")
_TAKES_HOST_VALUES = frozenset(("MergeSummary", "Identity"))
_LOOP_ONLY = frozenset(("NextIteration", "RefNextIteration", "LoopCond"))


def _no_loose_loop(order):
    """A while loop's ops run only inside its construct (its Exit ops' record): one reached
    from outside is a loop whose record could not be rebuilt (an imported frame that is not
    a loop TF builds) or a fetch of a value inside the loop."""
    op = next((op for op in order if op._type in _LOOP_ONLY), None)
    if op is not None:
        raise run_error(UnimplementedError, op, (
            "%s (%s) belongs to a while loop that scopeflow cannot run as one construct: a "
            "loop runs from its Exit ops, and values inside it cannot be fetched (or the "
            "imported frame is not a while loop as TF builds it).") % (op._name, op._type))


def _record_hand_built_loops(order):
    """Records the loops among `order` built from raw Enter / Merge / Switch / NextIteration /
    Exit ops (TF's gen_control_flow_ops; `Merge._update_input` closes the back edge), as an
    imported frame is; True when one was recorded."""
    if not any(op._type in _EXITS and op._cf is None for op in order):
        return False
    from scopeflow.checkpoint.import_loops import rebuild_loops
    members = set(order)
    graph = order[0]._graph
    rebuild_loops(op for op in graph._ops if op in members)
    return any(op._type in _EXITS and op._cf is not None for op in order)


_EXITS = frozenset(("Exit", "RefExit"))


def _no_host_values(op, values):
    for v in values:
        if isinstance(v, HostValue) or (
                isinstance(v, list) and any(isinstance(x, HostValue) for x in v)):
            raise run_error(UnimplementedError, op, "%s (%s) cannot take a summary's value: "
                            "summaries are made on the host after the run. Fetch them, or merge "
                            "them with tf.summary.merge, outside tf.cond and tf.while_loop."
                            % (op._name, op._type))


def _call(ctx, rec, op, args):
    try:
        if rec.context:
            return rec.kernel(ctx, *args, **op._attrs)
        return rec.kernel(*args, **op._attrs)
    except (TypeError, ValueError, IndexError) as e:
        if isinstance(e, _JAX_LIMITS):
            raise
        # what XLA finds wrong with the values of a run (shapes that do not fit) is TF's
        # run-time InvalidArgumentError at this node
        raise run_error(InvalidArgumentError, op, str(e)) from e


_FOLD_LIMIT = 1 << 16  # elements: larger results stay in the compiled program


def _foldable(op, args):
    """Whether evaluating `op` eagerly can give known values: no input is traced, or the op
    reads only static facts of its traced inputs (their shapes). Ops on traced values stay out
    of eager evaluation: there every constant a kernel makes (an iota, a fill) would compile
    and run a small XLA program of its own (0.1-0.5 s each on a first run)."""
    if op._type in _STATIC_FACTS:
        return True
    for a in args:
        if isinstance(a, _Tracer) or (
                isinstance(a, (list, tuple)) and any(isinstance(x, _Tracer) for x in a)):
            return False
    return True


# context kernels that fold in NumPy: on known values their only use of the run context is a
# check that passes or raises on the host (integer division by zero)
_NUMPY_CONTEXT = frozenset(("FloorDiv", "FloorMod", "TruncateDiv", "TruncateMod"))
# context kernels that only read the run context (Mul: whether its product must stay rounded,
# a lax.cond that has no NumPy rule; RealDiv: whether TF's optimizer multiplies by a known
# divisor's reciprocal; Softmax: a check of a scalar's rank, known when building): on known
# values they fold as kernels without it
_ARGS_CONTEXT = frozenset(("Mul", "RealDiv", "Softmax"))
_STATIC_FACTS = frozenset(("Shape", "ShapeN", "Size", "Rank", "ZerosLike", "OnesLike"))


def _in_numpy(ctx, rec, op, args, run):
    """`run()` folded in NumPy (fold_numpy), or None. A kernel without the run context is
    traced over its known inputs as arguments first; a context kernel's checks must see the
    values, so it is traced over them as constants."""
    if not rec.context or op._type in _ARGS_CONTEXT:
        # (the kernel itself, not `_call`: a kernel that cannot take an abstract input, an
        # axis, a shape, fails here, and `_call` would make TF's error of that failure,
        # formatting the op's defining stack, for nothing)
        kernel, attrs = rec.kernel, op._attrs
        out = fold_numpy.evaluate_args(
            (lambda a: kernel(ctx, *a, **attrs)) if rec.context else
            (lambda a: kernel(*a, **attrs)), args)
        if out is not None:
            return out
    return fold_numpy.evaluate(run)


def _small(op):
    for t in op._outputs:
        dims = t._shape._dims
        if dims is not None and None not in dims and int(np.prod(dims)) > _FOLD_LIMIT:
            return False
    return True


def _to_numpy(out):
    if isinstance(out, jax.Array) and not isinstance(out, _Tracer):
        return np.asarray(out)
    if isinstance(out, (list, tuple)):
        return type(out)(_to_numpy(v) for v in out)
    return out


_BATCH_MATMULS = frozenset(("BatchMatMul", "BatchMatMulV2", "BatchMatMulV3"))


def _untiled(ctx, op, args, env):
    """A batch matmul of a `tf.tile` that repeats size-1 batch dims takes the Tile's input,
    which the product broadcasts (the same products), so no tiled copy is made unless another
    op uses it. CapsNet tiles its (1, 1152, 10, 16, 8) routing weight over the batch: XLA wrote
    295 MB a step for it (its buffers are fresh pages each run, 0.1-0.3 s), then multiplied
    576,000 16x8 matrices by vectors, where the broadcast product is 11,520 16x8 @ 8x50."""
    if op._ctx is not None or ctx.written:  # (a write since the Tile ran: keep its value)
        return args
    for i in (0, 1):
        t = op._inputs[i]
        tile = t._op
        if tile._type != "Tile" or tile._ctx is not None or t in ctx._feeds:
            continue
        small = env.get(tile._inputs[0])
        if small is None:
            continue
        sb, ss, so = np.shape(args[i]), np.shape(small), np.shape(args[1 - i])
        if len(ss) != len(sb) or len(sb) < 3 or ss[-2:] != sb[-2:] or any(
                a != b and a != 1 for a, b in zip(ss[:-2], sb[:-2])):
            continue
        try:
            same = np.broadcast_shapes(ss[:-2], so[:-2]) == np.broadcast_shapes(sb[:-2], so[:-2])
        except ValueError:
            continue
        if same:
            return [small, args[1]] if i == 0 else [args[0], small]
    return args


def _gather(ctx, op, rec, env):
    ins = op._inputs
    counts = op._arg_counts
    names = rec.args
    lazy = op._ctx is None and not ctx.replay and ctx.written
    if counts is None:
        return [_value(ctx, _current(ctx, env, t) if lazy else env[t], t,
                       i < len(names) and names[i] in rec.ref_args)
                for i, t in enumerate(ins)]
    out = []
    pos = 0
    for arg, n in zip(names, counts):
        ref = arg in rec.ref_args
        if n < 0:
            t = ins[pos]
            out.append(_value(ctx, _current(ctx, env, t) if lazy else env[t], t, ref))
            pos += 1
        else:
            out.append([_value(ctx, _current(ctx, env, t) if lazy else env[t], t, ref)
                        for t in ins[pos:pos + n]])
            pos += n
    return out


def _current(ctx, env, t):
    """The value of input `t` when its consumer runs. A read of a ref variable (`v/read`,
    an Identity of its ref, and Identities of that) forwards the variable's buffer in TF, so
    the consumer sees the variable as it is when the consumer runs: after an assign ordered
    before the consumer but not before the read (`with tf.control_dependencies([assign]):
    v * 10.` puts the edge on the constant). A fed read keeps its fed value."""
    v = env[t]
    if t._dtype._is_ref_dtype or t._op._type != "Identity" or t in ctx._feeds:
        return v
    src = t
    while src._op._type == "Identity" and src._op._ctx is None:
        src = src._op._inputs[0]
        if src._dtype._is_ref_dtype:
            var = variable_of(src)
            if var is not None and var in ctx.written and var not in ctx.overrides:
                return ctx.read(ctx.ref_for(var))
            return v
        if src in ctx._feeds:
            return v
    return v


def _value(ctx, v, t, as_ref):
    if not t._dtype._is_ref_dtype:
        return v
    if as_ref:
        return v if isinstance(v, VarRef) else ctx.ref_for(variable_of(t))
    return ctx.read(v) if isinstance(v, VarRef) else v


def _store(ctx, op, out, env):
    outs = op._outputs
    if not outs:
        return
    if len(outs) == 1:
        env[outs[0]] = _typed(out, outs[0])
        return
    if out is None or len(out) != len(outs):
        raise TypeError("kernel of %s (%s) returned %r for %d outputs"
                        % (op._name, op._type, type(out).__name__, len(outs)))
    for t, v in zip(outs, out):
        env[t] = _typed(v, t)


def _typed(v, t):
    """`v` with the dtype the graph declares for `t` (kernels compute under x64)."""
    if isinstance(v, (VarRef, TAState)):
        return v
    want = t._dtype.base_dtype.as_numpy_dtype
    if want is None or want is object:
        return v
    if isinstance(want, np.dtype) and want.names:  # a quantized type: its integers
        want = want[0]
        if isinstance(v, np.ndarray) and v.dtype.names:
            v = v.view(want)
    if isinstance(v, (_Tracer, jax.Array)):
        return v if v.dtype == want else v.astype(want)
    if isinstance(v, np.ndarray):
        return v if v.dtype == want else v.astype(want)
    return np.asarray(v, dtype=want)


def subgraph_function(outputs, inputs, skip=(), also=()):
    """`f(ctx, *input_values) -> [output values]` evaluating `outputs` cut at `inputs`.

    Runs inside a kernel with that kernel's `ctx`. A ref-typed input (a variable's `w:0`)
    means: reads of that variable use the given value. Ops in `skip` never run (a loop's
    Merge and Switch ops: the loop values come in through `inputs`); ops in `also` run too
    (a function's stateful ops, which TF runs with every call).

    >>> import scopeflow as tf
    >>> x = tf.placeholder(tf.float32, []); y = x * 3.0
    >>> subgraph_function([y], [x])(None, 2.0)[0].item()
    6.0
    """
    outputs = list(outputs)
    inputs = list(inputs)
    order = backward_slice(outputs + list(also), frozenset(inputs), skip)
    overrides = [(i, variable_of(t)) for i, t in enumerate(inputs) if is_handle(t)]

    def f(ctx, *values):
        ctx = ctx if ctx is not None else RunContext({}, frozenset(), None)
        saved_op, saved_over = ctx.op, dict(ctx.overrides)
        env = {}
        for t, v in zip(inputs, values):
            env[t] = v
        for i, var in overrides:
            # (a handle passed on as itself, into a cond branch inside a loop: reads stay reads)
            if var is not None and not isinstance(values[i], VarRef):
                ctx.overrides[var] = values[i]
                env[inputs[i]] = ctx.ref_for(var)
        try:
            execute(ctx, order, env)
            values = [_fetch_value(ctx, env[t]) for t in outputs]
            _no_host_values(saved_op or outputs[0].op, values)
            return values
        finally:
            ctx.op = saved_op
            ctx.overrides.clear()
            ctx.overrides.update(saved_over)

    return f


def _fetch_value(ctx, v):
    return ctx.read(v) if isinstance(v, VarRef) else v


# ---- a run signature --------------------------------------------------------------------------
class Program:
    """The slice of one (fetches, fed tensors) pair: what runs and what it needs."""

    device = None  # the JAX device of one program of a run over several (lowering/devices.py)
    carry = False  # a step of a HostPlan: fetched TensorArray flows keep their elements

    def __init__(self, graph, tensors, ops, fed, done=frozenset()):
        self.graph = graph
        self.tensors = tuple(tensors)  # fetched tensors not fed, in order
        self.ops = tuple(ops)  # fetched operations (targets)
        self.fed = tuple(fed)  # all fed tensors, feed_dict order
        self.done = done  # ops an earlier step of the run ran
        fed_set = frozenset(fed)
        self.loop_fetches = loop_fetches(self.tensors)  # values inside imported loops
        self.order = tuple(backward_slice(targets(self.tensors, self.loop_fetches)
                                          + list(self.ops), fed_set, done))
        if _record_hand_built_loops(self.order):  # their Exit ops run them now
            self.order = tuple(backward_slice(targets(self.tensors, self.loop_fetches)
                                              + list(self.ops), fed_set, done))
        _no_loose_loop(self.order)
        check_kernels(self.order)
        # ops that run on the host (input pipelines, py_func): the Session stages the run
        self.host = any(runs_on_host(op) for op in self.order)
        self.variables = tuple(op for op in self.order if is_variable_op(op))
        consumed = {t for op in self.order for t in data_inputs(op)}
        consumed.update(recomputed(self.order))  # a gradient re-run keeps their values
        self._used = [i for i, t in enumerate(self.fed) if t in consumed]
        # fed strings cannot enter XLA, and fed values that set a shape (`tf.zeros(p)`) must
        # be known when traced: their values are part of the compiled signature
        # (a TensorArray's handle fed by an earlier step is static metadata: TAMeta)
        self._set_static({i for i in self._used
                          if self.fed[i]._dtype.base_dtype is _dt.string
                          or tensor_array_handle(self.fed[i])})
        self._compile_in_learnt()
        self.key = (self.order, self.tensors, tuple(self.fed[i] for i in self._used))
        # (TF optimizes a signature's graph once, as it is then: the Program is kept likewise)
        self.grappler = grappler.plan(graph, self.order, self.tensors, self.ops, fed_set)
        self.n_rng = None  # random ops seen when traced (sizes rng_data up front next time)
        self.stack_caps = {}  # StackV2 op -> slots, learnt from runs that overflowed

    def _compile_in_learnt(self):
        """Fed values an earlier signature of the graph had to compile in for an op this one
        runs too (another fetch set: a training step with and without its summaries) are
        compiled in from the first trace, not found again one retrace at a time."""
        learnt = getattr(self.graph, "_learnt_static", None)
        if not learnt:
            return
        fed = {self.fed[i]: i for i in self._used}
        extra = set()
        for op in self.order:
            extra.update(fed[t] for t in learnt.get(op, ()) if t in fed)
        if extra - set(self.static_pos):
            self._set_static(set(self.static_pos) | extra)

    def compile_in(self, positions):
        """Compiles in the values fed at `positions` too (a TensorArray's string elements:
        strings cannot enter XLA)."""
        self._set_static(set(self.static_pos) | set(positions))

    def _set_static(self, positions):
        self.static_pos = tuple(sorted(positions))
        self.feed_pos = tuple(i for i in self._used if i not in positions)

    def learn_static(self, need, more=False):
        """Compiles in the fed values that `need.tensors` are computed from (a retrace);
        TF's error when one of them depends on something else (a variable, a random op)."""
        fed = {t: i for i, t in enumerate(self.fed)}
        found, dynamic = set(self.static_pos), False
        for t, kind in _value_sources(need.tensors, fed):
            if kind == "fed":
                found.add(fed[t])
            elif kind == "loop":
                if need.error is not None:  # (a loop's value decides the branch: it ran)
                    raise need.error
                _per_iteration(need, t._op)
            else:
                dynamic = True  # a variable, a random or a host value: an earlier step
        if dynamic:
            raise NeedValues(need.tensors)
        if found == set(self.static_pos):
            if more:  # (an earlier need of the trace compiled them in: the retrace sees)
                return
            if need.error is not None:
                raise need.error
            raise run_error(UnimplementedError, need.op, "%s (%s) needs static input values"
                            % (need.op._name, need.op._type))
        if getattr(self.graph, "_learnt_static", None) is None:
            self.graph._learnt_static = {}  # (freed with the graph: no global table)
        learnt = self.graph._learnt_static.setdefault(need.op, set())
        learnt.update(self.fed[i] for i in found - set(self.static_pos))
        self._set_static(found)

    def state_sig(self, state):
        """(initialized?, shape, dtype) for each variable of the slice, from `state`."""
        out = []
        for v in self.variables:
            a = state.get(v)
            # a string variable's value is compiled in (see _build)
            out.append(None if a is None else (a.shape, a.dtype, tuple(a.ravel().tolist()))
                       if _is_text(a) else (a.shape, a.dtype))
        return tuple(out)


@dataclasses.dataclass
class Entry:
    """A compiled run signature and how to read its outputs."""

    call: object  # compiled executable or None (nothing for XLA to do)
    var_in: tuple  # variable ops read from the Session, argument order
    var_out: tuple  # variable ops written, output order
    feed_pos: tuple  # indices into the plan's feeds passed as arguments
    fetch_kinds: tuple  # per fetched tensor: ("dyn", output, ndim) | ("static", value) |
    #                     ("packed", output, offset, shape): a slice of a packed vector
    n_dyn: int
    checks: tuple  # Check objects (ok flags and data are outputs)
    rng_ops: tuple  # ops whose counters form rng_data[1:] (context.rng_words)
    new_state: bool  # a run changes which variables are initialized or their shapes
    runner: object = None  # the Session's specialised caller, made on first use
    grow: tuple = ()  # indices of the checks that a growable stack fits (ops/stack_ops.py)
    flat_feeds: bool = False  # a fed TAState passes as its arrays (Session: flat_feeds)
    text_out: dict = dataclasses.field(default_factory=dict)  # string variable -> value written
    # per random op, how far the run moves its counter: an int, or None where that is known
    # only after the run (a cond or loop around it): then the next of `draws`, the last output
    draws: tuple = None
    ta_serials: object = None  # the TensorArrays a run makes (ops/ta_state.py Serials)
    out_avals: tuple = None  # (shape, dtype) of each output, where traced here (ahead.py)


def build(program, state, feeds):
    """Traces and compiles `program` for the current `state` and feed arrays (a run that
    only fills variables runs on the host instead: init_host.py), or reads it back from disk
    by its graph where an earlier process traced it (graph_key.py)."""
    once = _initializes(program)
    if once:
        host = init_host.entry(program, state)
        if host is not None:
            call, var_out, rng_ops, new_state, draws = host
            return Entry(call, (), var_out, (), (), 0, (), rng_ops, new_state, draws=draws)
    options = ONCE_OPTIONS if once else run_options()
    n_rng = program.n_rng
    memo = {}  # (the ops' digest: the key is made again below)
    path = graph_key.key(program, state, feeds, n_rng, options, memo)
    learnt = None if path is None else graph_key.learnt(path, program)
    if learnt:  # an earlier trace compiled these fed values in: kept under their values
        program.compile_in(learnt)
        path = graph_key.key(program, state, feeds, n_rng, options, memo)
    if path is not None:
        e = graph_key.load(path, program, state, feeds)
        if e is not None:
            cache.stats["traces"] += 1  # (a signature built, as if traced)
            cache.stats["compiles"] += e.call is not None
            return e
    static = program.static_pos
    found = []
    e = build_traced(program, state, feeds, found)
    if path is not None and program.static_pos != static:
        # the trace compiled fed values in (a shape a fed value sets): a note says which, and
        # the run is kept under the key that holds their values
        graph_key.note_static(path, program.static_pos)
        path = graph_key.key(program, state, feeds, n_rng, options, memo)
    if path is not None:
        graph_key.store(path, program, e, found[-1] if found else None)
    return e


def build_traced(program, state, feeds, found=None):
    """`build` by tracing `program` (`found`: see disk_cache.compile_traced)."""
    once = _initializes(program)
    # first trace: room for every op to draw (the program takes only the words it uses), so
    # a graph of N random ops traces once, not N + 1 times
    n_rng = program.n_rng if program.n_rng is not None else len(program.order)
    while True:
        try:
            with x64():
                return _build(program, state, feeds, n_rng, once, found)
        except _NeedMoreRng as e:
            n_rng = program.n_rng = max(e.count, n_rng + 1, 2 * n_rng)
        except _NeedStatic as e:
            program.learn_static(e)
        except _NeedStatics as e:
            _learn_all(program, e.needs)


def _learn_all(program, needs):
    """The needs of one trace learnt as the retraces one by one would learn them: the first as
    it is; a later one only where no fed value an earlier one compiled in reaches its op (it
    would then meet the same traced inputs again; otherwise the retrace tells)."""
    before = set(program.static_pos)
    program.learn_static(needs[0])
    for need in needs[1:]:
        changed = {program.fed[i] for i in set(program.static_pos) - before}
        if not _reaches(need.op, changed):
            program.learn_static(need, more=True)


def _reaches(op, tensors):
    """Whether any of `tensors` is among the values `op` is computed from."""
    stack = list(op._inputs) + (list(op._cf[0].inputs) if op._cf is not None else [])
    seen = set()
    while stack:
        t = stack.pop()
        if t in tensors:
            return True
        if t in seen:
            continue
        seen.add(t)
        src = t._op
        stack.extend(src._inputs)
        if src._cf is not None:
            stack.extend(src._cf[0].inputs)
    return False


def _is_text(a):
    """Whether a variable's value is an array of strings (NumPy objects: XLA holds none)."""
    return getattr(getattr(a, "dtype", None), "kind", None) == "O"


def _build(program, state, feeds, n_rng, once=False, found=None):
    # string variables are compiled in as constants (their values are in the signature: see
    # state_sig) and what a run writes to them is known when traced (Entry.text_out)
    text = {v: state[v] for v in program.variables if v in state and _is_text(state[v])}
    var_all = tuple(v for v in program.variables if v in state and v not in text)
    feed_pos = program.feed_pos
    var_avals = [jax.ShapeDtypeStruct(state[v].shape, state[v].dtype) for v in var_all]
    feed_avals = [_aval(feeds[i]) for i in feed_pos]
    # a TensorArray's elements, padded entries and their count: several arrays
    flat_feeds = any(type(feeds[i]) in (TAState, Counted) for i in feed_pos)
    rng_aval = jax.ShapeDtypeStruct((rng_words(n_rng),), RNG_DTYPE)
    info = {"text": text}

    static = {program.fed[i]: _as_static(feeds[i], program.fed[i])
              for i in program.static_pos}
    # whether the Session holds a resource variable yet (TF's error wording says so)
    info["container"] = any(getattr(v, "_type", None) == "VarHandleOp" for v in state)

    def body(var_vals, feed_vals, rng_data):
        return _body(program, var_all, var_vals, feed_vals, rng_data, info, static)

    try:
        closed = jax.make_jaxpr(body)(var_avals, feed_avals, rng_aval)
    except OpError:  # a failed run (not a retrace)
        serials = info.get("ta_serials")
        if serials is not None and serials.base is None:  # TF made the arrays before the
            serials.start()  # failing op: the next arrays' numbers follow theirs
        raise
    cache.stats["traces"] += 1
    written, read = info["written"], info["read"]
    var_in = tuple(v for v in var_all if v in read)
    use_rng = bool(info["rng_ops"])
    grow = tuple(i for i, c in enumerate(info["checks"]) if c.exc is StackFull)
    program.n_rng = len(info["rng_ops"])  # the exact count for later signatures
    call = None
    if closed.jaxpr.outvars or closed.jaxpr.effects:  # effects: file writes (SaveV2)
        # donated even with checks: a write after a check keeps the old value if it fails
        # (RunContext.write), and the Session commits what a failed run wrote
        # a run whose stacks may overflow commits nothing then (and runs again): not donated
        donate = () if grow else tuple(i for i, v in enumerate(var_in) if v in written)
        flat = jax.tree_util.tree_leaves(feed_avals) if flat_feeds else feed_avals
        fn = _narrowed(_as_fun(closed), var_all, var_avals, read, len(flat), rng_aval,
                       use_rng)
        in_avals = [a for v, a in zip(var_all, var_avals) if v in read] + flat
        if use_rng:  # the words of the ops that drew (the Session sends as many)
            in_avals.append(jax.ShapeDtypeStruct((rng_words(program.n_rng),), RNG_DTYPE))
        if program.device is None:
            traced = jax.jit(fn, donate_argnums=donate).trace(*in_avals)
            call = _fast(disk_cache.compile_traced(
                traced, _describe(program), ONCE_OPTIONS if once else run_options(), donate,
                found=found))
        else:
            call = _on_device(fn, in_avals, program)
        cache.stats["compiles"] += 1
    text_out = info["text_out"]
    new_state = any(v not in state or written[v] != (state[v].shape, state[v].dtype)
                    for v in written) or any(v not in state for v in text_out)
    return Entry(call, var_in, tuple(written), feed_pos, info["kinds"], info["n_dyn"],
                 tuple(info["checks"]), tuple(info["rng_ops"]), new_state, grow=grow,
                 flat_feeds=flat_feeds, text_out=text_out, draws=info["draws"],
                 ta_serials=info["ta_serials"],
                 out_avals=tuple((a.shape, a.dtype) for a in closed.out_avals))


_TA_MAKERS = frozenset(("TensorArrayV3", "TensorArrayGradV3", "TensorArrayGradWithShape"))
_FORWARDS = frozenset(("Enter", "Identity", "Switch", "Merge", "Exit", "NextIteration"))


def tensor_array_handle(t):
    """Whether `t` is a TensorArray's handle (through the loop and cond ops that pass it on)."""
    for _ in range(10000):
        if t._dtype.base_dtype is not _dt.resource:
            return False
        op = t._op
        if op._type in _TA_MAKERS:
            return True
        if op._type not in _FORWARDS or not op._inputs:
            return False
        t = op._inputs[0]
    return False


_SHAPE_OF = frozenset(("Shape", "ShapeN", "Size", "Rank"))
# ops whose value is never known before the run (state, randomness, loops)
_UNFOLDABLE = frozenset(("Enter", "Merge", "Switch", "NextIteration", "Exit", "LoopCond"))


def _fed_flags_only(merge, pred, feeds, env, limit=256):
    """Whether the predicate `pred` of the cond of `merge` (outside loops) is computed from
    fed boolean scalars and constants only, through at most `limit` tensors of pure ops:
    then its value is best compiled in, as a flag takes two values at most
    (`tf.layers.batch_normalization(training=is_training)`, dropout's `training`): the run's
    program has no conditional, and only the taken branch to compile. A fed number, a
    variable, a random or a loop value keeps the lax.cond."""
    for ctx in (merge._ctx, pred._op._ctx):
        while ctx is not None:  # (a loop body's values are traced whatever is compiled in)
            if ctx.is_loop:
                return False
            ctx = ctx.outer
    flags = 0
    for t, kind in _value_sources([pred], feeds, limit):
        v = env.get(t)
        if (kind != "fed" or t._dtype.base_dtype is not _dt.bool
                or getattr(v, "shape", None) != ()
                or not isinstance(v, _Tracer)):  # (compiled in, yet the pred is traced)
            return False
        flags += 1
    return flags > 0


def _value_sources(tensors, fed, limit=None):
    """Yields (tensor, kind) for each value that `tensors` are computed from, as far as a
    value is known before the run: "fed" (in `fed`), "loop" (a loop op's: it changes per
    iteration) or "state" (a variable, a random op, a host value: known only when run);
    through pure ops, a tf.cond's Merge (its construct's inputs, the predicate among them)
    and Switch (its input), ending at constants and shapes (known when traced). After more
    than `limit` tensors it yields (None, "far") and stops. Each tensor once."""
    stack, seen = list(tensors), set()
    while stack:
        t = stack.pop()
        if t in seen:
            continue
        seen.add(t)
        if limit is not None and len(seen) > limit:
            yield None, "far"
            return
        op = t._op
        if t in fed:
            yield t, "fed"
        elif op._type == "Const" or op._type in _SHAPE_OF:
            continue  # (a shape is known when traced: not its input's values)
        elif _cond_merge(op):
            stack.extend(op._cf[0].inputs)
        elif _cond_switch(op):  # a value entering a cond's branch (a nested cond's)
            stack.extend(op._inputs)
        elif op._type in _UNFOLDABLE:
            yield t, "loop"
        elif (not op._inputs or t._dtype._is_ref_dtype
              or getattr(REGISTRY.get(op._type), "stateful", True)):
            yield t, "state"
        else:
            stack.extend(op._inputs)


def _cond_merge(op):
    """Whether `op` is a tf.cond's Merge (not a loop's): its value is known from its
    construct's inputs, the predicate among them."""
    return op._type in ("Merge", "RefMerge") and op._cf is not None and getattr(
        op._cf[0], "pred", None) is not None


def _cond_switch(op):
    """Whether `op` is a tf.cond's Switch (not a loop's, whose predicate is a LoopCond): its
    taken output is its input's value."""
    return op._type in ("Switch", "RefSwitch") and op._inputs[1]._op._type != "LoopCond"


# XLA options for a program that runs once: without LLVM's optimization it compiles in about
# a third of the time (seeded initializers of a 141-variable Inception: 90 s -> 30 s of CPU),
# and running it once costs little more. No fast math either way, but the last bit can differ
# where the optimizing compile fuses a multiply-add, so only initialization runs that are not
# pure fills (those run on the host: init_host.py) use it
ONCE_OPTIONS = {"xla_backend_optimization_level": 0, "xla_llvm_disable_expensive_passes": True}

# XLA:CPU runs convolutions in YNNPACK fusions by default; on its Eigen convolutions instead
# (YNNPACK keeps the dots) slim's resnet_v1_50 forward pass costs about a third less CPU at
# batch 1 (README, "ResNet inference"). A YNN fusion setting in XLA_FLAGS is the user's and wins.
CPU_OPTIONS = {"xla_cpu_experimental_ynn_fusion_type": "LIBRARY_FUSION_TYPE_INDIVIDUAL_DOT"}


def run_options(platform=None):
    """XLA options of a run's program on `platform` (default: JAX's default backend)."""
    if (platform or jax.default_backend()) != "cpu":
        return None
    if "ynn_fusion_type" in os.environ.get("XLA_FLAGS", ""):
        return None
    return CPU_OPTIONS


def _initializes(program):
    """Whether `program` is an initialization run: nothing fed or fetched, and every target a
    variable's initializer or a group of them (`global_variables_initializer()`)."""
    if program.tensors or program.feed_pos or not program.ops:
        return False
    graph = program.ops[0]._graph
    inits = set()
    for key in ("variables", "local_variables", "metric_variables"):
        for v in graph._collections.get(key, ()):
            op = getattr(v, "initializer", None)
            if op is not None:
                inits.add(op)
    seen = set()

    def is_init(op):
        if op in inits or _initializer_of_its_input(op):
            return True
        if op._type != "NoOp" or op._inputs or not op._control_inputs or op in seen:
            return False
        seen.add(op)
        return all(is_init(c) for c in op._control_inputs)

    return all(is_init(op) for op in program.ops)


def _initializer_of_its_input(op):
    """Whether `op` is the initializer of the variable it assigns, also of one in no collection
    (Keras' metric totals and counts): the first op named `<variable>/Assign`, made with it."""
    if op._type not in ("Assign", "AssignVariableOp") or not op._inputs:
        return False
    var = op._inputs[0]._op
    return var._type in ("VariableV2", "VarHandleOp") and op._name == var._name + "/Assign"


def _describe(program):
    """The fetches of `program`, for the long-compile message."""
    names = [t.name for t in program.tensors] + [op._name for op in program.ops]
    more = " and %d more" % (len(names) - 3) if len(names) > 3 else ""
    return "the run of %s%s" % (", ".join(names[:3]) or "nothing", more)


def _as_static(a, t):
    if t._dtype.base_dtype is _dt.resource or type(a) is TAState:  # a TensorArray's handle
        return a  # (TAMeta), or its string elements
    if t._dtype.base_dtype is _dt.string:
        return _as_bytes(a)
    return np.asarray(a)


def _as_bytes(a):
    """A fed string array as TF holds it: str elements become UTF-8 bytes."""
    return np.asarray([x.encode() if isinstance(x, str) else x for x in a.reshape(-1).tolist()],
                      dtype=object).reshape(a.shape)


def _fast(compiled):
    """The compiled executable's C++ entry point (skips a Python frame per run)."""
    try:
        return compiled._executable.create_cpp_call(compiled._params) or compiled
    except Exception:  # noqa: BLE001 - private API moved: the public call works too
        return compiled


def _on_device(fn, in_avals, program):
    """`fn` compiled for one JAX device (a program of a run over several devices). Buffers
    are not donated: programs on other devices may still read the variables' arrays."""
    from jax.sharding import SingleDeviceSharding
    device = program.device
    where = SingleDeviceSharding(device)
    avals = [jax.ShapeDtypeStruct(a.shape, a.dtype, sharding=where) for a in in_avals]
    with jax.default_device(device):
        lowered = jax.jit(fn, out_shardings=where).lower(*avals)
        return _fast(disk_cache.compile_lowered(lowered, _describe(program),
                                                run_options(device.platform), device))


def _as_fun(closed):
    # (a statically unrolled recurrence runs as a loop: XLA compiles one step of it; roll.py)
    fun = roll.rolled(closed) if roll.enabled() else None
    return fun or (lambda *args: jax.core.eval_jaxpr(closed.jaxpr, closed.consts, *args))


def _narrowed(fn, var_all, var_avals, read, n_feeds, rng_aval, use_rng):
    """`fn` taking only the variables it reads and the rng words of the ops that drew (others
    are never used: zeros stand in)."""

    def call(*args):
        args = list(args)
        full = [args.pop(0) if v in read else jnp.zeros(a.shape, a.dtype)
                for v, a in zip(var_all, var_avals)]
        feeds, rest = args[:n_feeds], args[n_feeds:]
        if not use_rng:
            rng = jnp.zeros(rng_aval.shape, rng_aval.dtype)
        elif rest[0].shape == rng_aval.shape:
            rng = rest[0]
        else:  # traced with room for more
            rng = jnp.zeros(rng_aval.shape, rng_aval.dtype).at[:rest[0].shape[0]].set(rest[0])
        return fn(*full, *feeds, rng)

    return call


def _aval(a):
    if type(a) is TAState or type(a) is Counted:
        return a.aval()
    return jax.ShapeDtypeStruct(np.shape(a), a.dtype)


def _body(program, var_in, var_vals, feed_vals, rng_data, info, static):
    ctx = RunContext({**dict(zip(var_in, var_vals)), **info["text"]}, frozenset(program.fed),
                     rng_data)
    ctx.container = info["container"]
    ctx.flags_static = True  # (build_traced retraces with what _NeedStatic asks)
    ctx.grappler = getattr(program, "grappler", None)
    ctx.ta_serials = info["ta_serials"] = Serials()  # (the TensorArrays the run makes)
    ctx.stack_caps = program.stack_caps
    ctx.inside = getattr(program, "inside", None)
    if program.carry:  # a step of a run in steps: arrays' read masks from earlier steps
        masks_in(ctx)
    env = dict(static)
    counts_in(ctx, program, feed_vals)
    for i, v in zip(program.feed_pos, feed_vals):
        t = program.fed[i]
        if type(v) is Counted:  # a SparseTensor's entries padded (their count: the sinks')
            v = v.array
        var = variable_of(t) if is_handle(t) else None
        if type(v) is TAState and t._op._type == "StackV2":  # a stack an earlier step pushed
            taken_up(ctx, t._op, v)
            env[t] = StackHandle(t._op)
        elif var is not None and t._op is var:
            ctx.overrides[var] = v
            env[t] = ctx.ref_for(var)
        else:
            env[t] = v
    ctx.program_env = env  # a gradient's re-run pins its values to these (gradients/symbolic.py)
    if program.carry:
        liveness.fed_dead(ctx, program.fed)
    execute(ctx, program.order, env, top=True)
    for k, t in enumerate(program.tensors):
        if t in program.loop_fetches:
            env[t] = fetch_value(ctx, env, t, program.loop_fetches[t], k)
    if not program.carry:  # (a step of a run in steps hands its values on, dead or not)
        liveness.check_fetches(ctx, program.tensors)
    ctx.op = None
    dyn, kinds = [], []
    for t in program.tensors:
        v = trimmed(ctx, t, env[t])
        if isinstance(v, VarRef):
            ctx.op = _RetvalNode(t)
            v = ctx.read(v)
        elif isinstance(v, TAState):  # a TensorArray's flow: TF's value is 0.0
            v = HostValue(*v.carried()) if program.carry else np.float32(0)
        elif isinstance(v, StackHandle) and program.carry:  # its contents, for a later step
            v = HostValue(*handed_on(ctx, v.op).carried())
        if isinstance(v, _Tracer):
            kinds.append(("dyn", len(dyn), v.ndim))
            dyn.append(v)
        elif isinstance(v, HostValue):
            kinds.append(host_kind(v, dyn))
        else:
            kinds.append(("static", _static(v, t)))
    if program.device is None:  # a device's program hands its values on to others whole
        dyn, kinds = _pack(dyn, kinds)
    draws = ctx.draw_counts()
    # (stacks and random ops' counts end with the run)
    written = {v: x for v, x in ctx.written.items()
               if not isinstance(x, TAState) and type(v) is not DrawCount}
    if program.carry:  # (and arrays' read masks, for later steps)
        written.update(masks_out(ctx.written))
    info["text_out"] = {v: x for v, x in written.items() if _is_text(x)}
    written = {v: x for v, x in written.items() if v not in info["text_out"]}
    # in the variables' order, as they are passed in: jax.jit pairs each donated input with
    # the first output of its shape left, so an update written out of that order (Adagrad's
    # slot before its variable, partitions of one shape) made XLA copy the tables every step
    order = {v: i for i, v in enumerate(var_in)}
    written = dict(sorted(written.items(), key=lambda kv: order.get(kv[0], len(order))))
    if not ctx.ta_serials.count:
        info["ta_serials"] = None
    info.update(kinds=tuple(kinds), n_dyn=len(dyn), checks=ctx.checks, rng_ops=ctx.rng_ops,
                read=frozenset(ctx.read_ops),
                written={v: (np.shape(x), np.dtype(x.dtype)) for v, x in written.items()})
    outs = dyn + [jnp.asarray(x) for x in written.values()]
    if ctx.checks:
        outs.append(jnp.stack([c.ok for c in ctx.checks]))
        for c in ctx.checks:
            slots = []
            for d in c.data:
                if isinstance(d, _Tracer):
                    slots.append(len(outs))
                    outs.append(d)
                else:
                    slots.append(("static", np.asarray(d)))
            c.slots, c.ok, c.data = tuple(slots), None, None  # the Entry keeps no tracers
    counts = [draws.get(op, 0) for op in ctx.rng_ops]
    traced = [jnp.asarray(x, jnp.uint64) for x in counts if isinstance(x, _Tracer)]
    info["draws"] = tuple(None if isinstance(x, _Tracer) else int(x) for x in counts)
    if traced:
        outs.append(jnp.stack(traced))
    return outs


_PACK_LIMIT = 1024  # elements


def _pack(dyn, kinds):
    """Small fetched values of one dtype leave the program as one vector: one transfer and
    one host array per run instead of one per fetch."""
    groups = {}
    for i, v in enumerate(dyn):
        if v.size <= _PACK_LIMIT:
            groups.setdefault(np.dtype(v.dtype), []).append(i)
    groups = [idxs for idxs in groups.values() if len(idxs) > 1]
    if not groups:
        return dyn, kinds
    packed = {i for idxs in groups for i in idxs}
    outs, where = [], {}
    for i, v in enumerate(dyn):
        if i not in packed:
            where[i] = ("dyn", len(outs), v.ndim)
            outs.append(v)
    for idxs in groups:
        off, j = 0, len(outs)
        outs.append(jnp.concatenate([jnp.ravel(dyn[i]) for i in idxs]))
        for i in idxs:
            where[i] = ("packed", j, off, tuple(dyn[i].shape))
            off += dyn[i].size
    return outs, [remap(k, where) for k in kinds]


def _static(v, t):
    """A value known at trace time (constants, strings), as the numpy array to return."""
    dt = t._dtype.base_dtype.as_numpy_dtype
    a = np.asarray(v)
    if isinstance(dt, np.dtype) and dt.names:  # a quantized type: its integers, as TF's fetch
        dt = dt[0]
        a = a.view(dt) if a.dtype.names else a
    if dt is object:
        return a.astype(object) if a.dtype != object else a
    return a.astype(dt) if dt is not None and a.dtype != dt else a


class _RetvalNode:
    """Stands for TF's `_retval_<name>_<i>_<j>` node when a fetched ref is read."""

    def __init__(self, t):
        self._name = "_retval_%s_%d_0" % (t._op._name, t._value_index)
        self.traceback = ()


__all__ = ["Entry", "Program", "build", "execute", "run_error", "subgraph_function"]
