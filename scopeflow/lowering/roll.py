"""Rolling a statically unrolled recurrence back into a loop, under the same graph.

`tf.nn.static_rnn` and `legacy_seq2seq.rnn_decoder` build T copies of a cell, and `tf.gradients`
T copies of its gradient. Traced as they are, they give one flat program of T identical blocks
of equations; XLA:CPU then fuses the cheap elementwise chain that runs through the blocks (the
cell state's gradient) into every block's fusion, so its compile grows with T squared
(README, "Where that time goes"). Here the traced program (a jaxpr) is searched for such
repeated blocks by their structure alone (op after op: primitive, parameters, shapes, literal
values; no names), and each run of blocks is evaluated as one `lax.scan` over the per-step
values stacked:

    block k: values from block k-1 (the carry), values made before the run of blocks, the
             same for every k (closed over) or one per k (stacked xs); values used after the
             run leave as stacked ys.

Blocks may differ in integer scalar literals: `static_rnn(..., sequence_length=...)` compares
each step's own time index with the lengths (`time >= max_len`, in its `tf.cond`s' predicates and
branches). Such a literal that changes from block to block is one more stacked xs (a value per
block), also inside the branches of a `cond` (evaluated with the per-block values in place of
the template's); anywhere else blocks must have equal literals.

The scan runs the same primitives on the same values, block after block. A jaxpr with no such
run (or one that does not fit the pattern exactly) is evaluated as it is.
"""

import collections
import functools
import itertools
import os

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax._src import source_info_util
from jax.extend.core import ClosedJaxpr, DropVar, Jaxpr, Literal

# sizes count equations with those of the jaxprs in their parameters (a cond's branches): a
# static_rnn step with `sequence_length` is a few equations around a cond that holds the cell
MIN_BLOCK = 8  # equations in one block: shorter repeats (a chain of adds) fuse well as they are
MIN_COUNT = 3  # blocks in a run
MIN_TOTAL = 256  # equations in a run: smaller programs compile fast enough unrolled
_PERIODS = 8  # distinct block lengths tried, most frequent first
_MULTIPLES = 4  # a block may hold up to this many copies of the most frequent distances
# first blocks dropped at most from a run that does not fit: a recurrence starts within a
# block or two (its first step reads an initial state); trying each later start made a run of
# n blocks that never fits (a stack of dense layers: no value every block shares) cost n^2
_DROPS = 3


class Region:
    """`count` blocks of `length` equations from `start` and how they connect (see module)."""

    __slots__ = ("carry_in", "carry_init", "carry_out", "consts", "count", "length", "lits",
                 "start", "xs", "ys")

    def __init__(self, start, length, count):
        self.start, self.length, self.count = start, length, count
        self.carry_in = []  # block 0's vars the template (block 1) reads as its carry
        self.carry_out = []  # the template's vars that carry on, same order
        self.carry_init = []  # what block 0 reads in their place
        self.consts = []  # vars made before the run, read by every block
        self.xs = []  # (template var, [var of block k for each k])
        self.ys = []  # (offset, output index): values some block's copy of is used after
        self.lits = {}  # offset -> [per block: its equation's literals (`_literals`)]

    @property
    def end(self):
        return self.start + self.length * self.count


def enabled():
    """Whether runs are rolled (environment variable SCOPEFLOW_ROLL=0 turns it off; the
    graph's compile key holds it, as every SCOPEFLOW_ switch)."""
    return os.environ.get("SCOPEFLOW_ROLL", "1").strip().lower() not in ("0", "false", "off",
                                                                         "no")


def rolled(closed):
    """`closed` as a function of its arguments, its runs of repeated blocks evaluated as
    scans; None when it has none (`find_regions`)."""
    regions = find_regions(closed.jaxpr)
    if not regions:
        return None
    return lambda *args: evaluate(closed, regions, *args)


def evaluate(closed, regions, *args):
    """`jax.core.eval_jaxpr(closed.jaxpr, closed.consts, *args)`, `regions` (Regions of it)
    evaluated as scans."""
    jaxpr = closed.jaxpr
    regions = {r.start: r for r in regions}
    env = dict(zip(jaxpr.constvars, closed.consts))
    env.update(zip(jaxpr.invars, args))
    eqns = jaxpr.eqns
    i = 0
    while i < len(eqns):
        region = regions.get(i)
        if region is None:
            _eval_eqn(eqns[i], env)
            i += 1
        else:
            _eval_region(eqns, region, env, _outside_uses(jaxpr, region))
            i = region.end
    return [_read(env, v) for v in jaxpr.outvars]


# ---- finding runs of blocks -------------------------------------------------------------------
def find_regions(jaxpr):
    """The non-overlapping runs of repeated blocks of `jaxpr`, in order (the longest first
    where they overlap)."""
    eqns = jaxpr.eqns
    cum = _sizes(eqns)
    if cum[-1] < MIN_TOTAL:
        return []
    sigs = _signatures(eqns)
    pos = _positions(eqns)
    memo = {}  # (id(nested jaxpr), inside a cond) -> (it, its literals): `_literals`
    candidates = []
    for length in _periods(sigs):
        for start, count in _runs(sigs, length):
            region = _fit(jaxpr, pos, cum, start, length, count, memo)
            if region is not None:
                candidates.append(region)
    candidates.sort(key=lambda r: (cum[r.start] - cum[r.end], r.length))
    found = []
    for r in candidates:
        if all(r.end <= o.start or o.end <= r.start for o in found):
            found.append(r)
    return sorted(found, key=lambda r: r.start)


def _sizes(eqns):
    """Running totals of the equations' sizes (one, plus the equations of the jaxprs in its
    parameters, recursively): `cum[b] - cum[a]` is the size of equations a..b-1."""
    seen = {}

    def size(e):
        n = 1
        for j in _nested(e.params):
            if id(j) not in seen:
                seen[id(j)] = (j, sum(size(q) for q in j.eqns))
            n += seen[id(j)][1]
        return n

    return list(itertools.accumulate((size(e) for e in eqns), initial=0))


def _signatures(eqns):
    """One small int per equation: equal when primitive, parameters, operand and result types
    and literal operands are equal."""
    keys = _Keys()
    ids = {}
    out = []
    for e in eqns:
        key = (e.primitive, keys.params(e.params),
               tuple(("lit", _literal_sig(v.val)) if isinstance(v, Literal) else v.aval
                     for v in e.invars),
               tuple(v.aval for v in e.outvars), bool(e.effects))
        out.append(ids.setdefault(key, len(ids)))
    return out


_JVP_RULES = frozenset(("jvp_jaxpr_fun", "jvp_jaxpr_thunk"))


class _Keys:
    """Keys of equations' parameters. A jaxpr in them (each traced call makes its own object)
    is keyed by its structure: equations in order, with primitive, parameters, which earlier
    value each operand is, types and literals, integer scalar literals by type alone (a block's
    own one may differ: `_block_literals`). Each jaxpr object is keyed once, as a small int."""

    def __init__(self):
        self._by_id = {}  # id(jaxpr) -> (jaxpr, key)
        self._ids = {}  # structure -> small int

    def params(self, params):
        items = []
        for k, v in sorted(params.items()):
            if isinstance(v, (ClosedJaxpr, Jaxpr)):
                v = self.jaxpr(v)
            elif isinstance(v, tuple) and v and all(isinstance(j, (ClosedJaxpr, Jaxpr))
                                                    for j in v):
                v = tuple(self.jaxpr(j) for j in v)  # a cond's branches
            elif k in _JVP_RULES:
                # a custom_jvp call's derivative rule (a kernel's, e.g. ops/eigen_tanh.py): a
                # new wrapper per call; the run is evaluated, never differentiated, after
                # rolling, so calls of equal jaxprs are alike
                v = "jvp rule"
            else:
                try:
                    hash(v)
                except TypeError:
                    v = ("repr", repr(v))
            items.append((k, v))
        return tuple(items)

    def jaxpr(self, j):
        got = self._by_id.get(id(j))
        if got is None:
            got = self._by_id[id(j)] = (j, self._key(j))
        return got[1]

    def _key(self, j):
        if isinstance(j, ClosedJaxpr):
            consts = tuple(id(c) if isinstance(c, jax.core.Tracer) else _literal_key(c)
                           for c in j.consts)
            return "closed", self.jaxpr(j.jaxpr), consts
        names = {v: n for n, v in enumerate(itertools.chain(j.constvars, j.invars))}

        def ref(v):
            if isinstance(v, Literal):
                return "lit", _literal_sig(v.val)
            return names.get(v, ("free", id(v)))

        eqns = []
        for e in j.eqns:
            eqns.append((e.primitive, self.params(e.params), tuple(ref(v) for v in e.invars),
                         tuple(v.aval for v in e.outvars), bool(e.effects)))
            for v in e.outvars:
                names[v] = len(names)
        struct = (tuple(v.aval for v in j.constvars), tuple(v.aval for v in j.invars),
                  tuple(eqns), tuple(ref(v) for v in j.outvars))
        return "jaxpr", self._ids.setdefault(struct, len(self._ids))


def _literal_key(val):
    a = np.asarray(val)
    return type(val).__name__, a.dtype.str, a.shape, a.tobytes()


def _int_literal(v):
    """Whether `v` is an integer scalar literal (a block's own one may differ: the module)."""
    if not isinstance(v, Literal):
        return False
    a = np.asarray(v.val)
    return a.ndim == 0 and a.dtype.kind in "iu"


def _literal_sig(val):
    a = np.asarray(val)
    if a.ndim == 0 and a.dtype.kind in "iu":
        return "int", a.dtype.str
    return _literal_key(val)


def _nested(params):
    """The jaxprs in an equation's parameters, in order."""
    out = []
    for k in sorted(params):
        v = params[k]
        for j in (v if isinstance(v, tuple) else (v,)):
            if isinstance(j, (ClosedJaxpr, Jaxpr)):
                out.append(j.jaxpr if isinstance(j, ClosedJaxpr) else j)
    return out


def _literals(eqn, inside_cond=True, memo=None):
    """The integer scalar literals of `eqn`, its operands' then those of the jaxprs in its
    parameters (recursively): [(value, whether a block's own value can be put in its place)]:
    operands, and literals inside the branches of conds (of conds...). `memo` keeps a nested
    jaxpr's (the block search asks for the same ones many times)."""
    out = [(np.asarray(v.val), inside_cond) for v in eqn.invars if _int_literal(v)]
    into = inside_cond and eqn.primitive is lax.cond_p
    for j in _nested(eqn.params):
        got = None if memo is None else memo.get((id(j), into))
        if got is None:
            got = (j, [x for e in j.eqns for x in _literals(e, into, memo)])
            if memo is not None:
                memo[(id(j), into)] = got
        out += got[1]
    return out


def _positions(eqns):
    """var -> (index of the equation that makes it, which of its outputs)."""
    pos = {}
    for q, e in enumerate(eqns):
        for r, v in enumerate(e.outvars):
            if not isinstance(v, DropVar):
                pos[v] = (q, r)
    return pos


def _periods(sigs):
    """Block lengths to try: multiples of the most frequent distances between equal
    equations."""
    last, counts = {}, collections.Counter()
    for i, s in enumerate(sigs):
        j = last.get(s)
        if j is not None and i - j >= 2:
            counts[i - j] += 1
        last[s] = i
    units = [d for d, c in counts.most_common(_PERIODS) if c >= MIN_COUNT]
    # a step may hold several units (the layers of a MultiRNNCell, whose gradients' ops
    # come in a different order from one layer to the next)
    return sorted({d * m for d in units for m in range(1, _MULTIPLES + 1)})


def _runs(sigs, length):
    """(start, count) of each maximal run of blocks of `length` equal equations."""
    n = len(sigs)
    i = 0
    while i + length < n:
        if sigs[i] != sigs[i + length]:
            i += 1
            continue
        j = i
        while j + length < n and sigs[j] == sigs[j + length]:
            j += 1
        count = (j - i + length) // length
        if count >= 2:
            yield i, count
        i = j + 1


def _fit(jaxpr, pos, cum, start, length, count, memo=None):
    """The region of a run of blocks, its first blocks dropped while they do not fit (the
    recurrence starts later: block 0 reads values made before it where others carry)."""
    if cum[start + length] - cum[start] < MIN_BLOCK:
        return None
    for _ in range(_DROPS + 1):
        if count < MIN_COUNT or cum[start + length * count] - cum[start] < MIN_TOTAL:
            return None
        got = _connect(jaxpr, pos, start, length, count, memo)
        if got == "far":
            return None  # a block reads one further back: a longer block may fit
        if got is not None:
            return got
        start, count = start + length, count - 1
    return None


def _connect(jaxpr, pos, start, length, count, memo=None):
    """A Region when blocks connect as in the module's docstring; "far" when one reads a block
    before the previous one; None when their connections differ."""
    eqns = jaxpr.eqns
    slots = {}  # (offset, operand) -> per block: ("in" | "carry", offset, output) | var
    for k in range(count):
        base = start + k * length
        for p in range(length):
            e = eqns[base + p]
            if e.effects:
                return None
            for j, v in enumerate(e.invars):
                if isinstance(v, Literal):
                    continue
                q, r = pos.get(v, (-1, 0))
                if q >= base:
                    ref = ("in", q - base, r)
                elif q >= start and q >= base - length:
                    ref = ("carry", q - base + length, r)
                elif q < start:
                    ref = v
                else:
                    return "far"
                slots.setdefault((p, j), []).append(ref)
    region = Region(start, length, count)
    carries, outer = {}, {}
    for refs in slots.values():
        if not _classify(refs, carries, outer):
            return None
    if not _roles(eqns, region, carries, outer):
        return None
    for p in range(length):
        if not _block_literals(eqns, region, p, memo):
            return None
    region.ys = _ys(jaxpr, region, pos)
    return region


def _block_literals(eqns, region, p, memo=None):
    """Notes in `region.lits` the literals of the equation at offset `p` where blocks differ in
    them; False where they differ in one no block's value can replace."""
    blocks = [_literals(eqns[region.start + k * region.length + p], memo=memo)
              for k in range(region.count)]
    if not blocks[0]:
        return True
    differ = False
    for i, (value, free) in enumerate(blocks[0]):
        if any(b[i][0].dtype != value.dtype or not np.array_equal(b[i][0], value)
               for b in blocks[1:]):
            if not free:
                return False
            differ = True
    if differ:
        region.lits[p] = [[v for v, _ in b] for b in blocks]
    return True


def _classify(refs, carries, outer):
    """Adds one operand's per-block references to `carries` ((offset, output) -> what block 0
    reads) or `outer` (template var -> per-block vars); False when blocks disagree."""
    first, rest = refs[0], refs[1:]
    if any(type(x) is not type(rest[0]) or (isinstance(x, tuple) and x != rest[0])
           for x in rest):
        return False
    head = rest[0]
    if isinstance(head, tuple) and head[0] == "in":
        return first == head
    if isinstance(head, tuple):  # carried: block 0 reads a value made before the run
        if isinstance(first, tuple) or carries.setdefault(head[1:], first) is not first:
            return False
        return True
    if isinstance(first, tuple):
        return False
    got = outer.setdefault(refs[1], refs)
    return got is refs or got == refs


def _roles(eqns, region, carries, outer):
    """Fills `region`'s carries, consts and xs; False when it is no recurrence over shared
    values (every block reads a value shared by all, or none carries on)."""
    if not carries:
        return False
    block0, block1 = region.start, region.start + region.length
    for (off, r), init in sorted(carries.items(), key=lambda c: c[0]):
        region.carry_in.append(eqns[block0 + off].outvars[r])
        region.carry_out.append(eqns[block1 + off].outvars[r])
        region.carry_init.append(init)
    shared = False
    for var, refs in outer.items():
        if all(v is var for v in refs):
            region.consts.append(var)
            shared = shared or int(np.prod(getattr(var.aval, "shape", ()))) > 1
        else:
            region.xs.append((var, refs))
    return shared


def _ys(jaxpr, region, pos):
    """(offset, output) of the values some block's copy of is read after the region (the
    template's positions: every block makes the same)."""
    out = set()
    lo, hi = region.start, region.end
    read = [v for e in jaxpr.eqns[hi:] for v in e.invars] + list(jaxpr.outvars)
    for v in read:
        if not isinstance(v, Literal):
            q, r = pos.get(v, (-1, 0))
            if lo <= q < hi:
                out.add(((q - lo) % region.length, r))
    return sorted(out)


# ---- evaluating -------------------------------------------------------------------------------
def _outside_uses(jaxpr, region):
    """Vars made in `region` that its equations' followers or the outputs read."""
    lo, hi = region.start, region.end
    made = {v for e in jaxpr.eqns[lo:hi] for v in e.outvars}
    used = {v for e in jaxpr.eqns[hi:] for v in e.invars if not isinstance(v, Literal)}
    used.update(v for v in jaxpr.outvars if not isinstance(v, Literal))
    return made & used


def _eval_region(eqns, region, env, used):
    template = eqns[region.start + region.length:region.start + 2 * region.length]
    xs_vars = [var for var, _ in region.xs]
    ys_at = [template[off].outvars[r] for off, r in region.ys]
    consts = {v: env[v] for v in region.consts}

    lit_at = sorted(region.lits)
    # per literal position of each such equation: its values, one per block, in its dtype
    lit_xs = [[np.stack([b[i] for b in region.lits[p]]) for i in range(len(region.lits[p][0]))]
              for p in lit_at]

    def step(carry, xs):
        inner = dict(consts)
        inner.update(zip(region.carry_in, carry))
        inner.update(zip(xs_vars, xs[0]))
        lits = dict(zip(lit_at, xs[1]))
        for p, e in enumerate(template):
            if p in lits:  # this block's own literals
                _eval_with_literals(e, inner, lits[p])
            else:
                _eval_eqn(e, inner)
        return [inner[v] for v in region.carry_out], [inner[v] for v in ys_at]

    init = [_read(env, v) for v in region.carry_init]
    xs = [jnp.stack([env[v] for v in refs]) for _, refs in region.xs]
    carry, ys = lax.scan(step, init, (xs, lit_xs), length=region.count)
    del carry  # the last block's values reach later equations through ys
    for (off, r), stacked in zip(region.ys, ys):
        for k in range(region.count):
            v = eqns[region.start + k * region.length + off].outvars[r]
            if v in used:
                env[v] = lax.index_in_dim(stacked, k, keepdims=False)


def _read(env, v):
    return v.val if isinstance(v, Literal) else env[v]


def _eval_with_literals(eqn, env, values):
    """`_eval_eqn` with `values` in place of the equation's literals (`_literals`' order): its
    operands', and in a cond's branches those of each branch's equations."""
    values = iter(values)
    args = [next(values) if _int_literal(v) else _read(env, v) for v in eqn.invars]
    if eqn.primitive is not lax.cond_p:  # (literals inside other jaxprs are the template's)
        _eval_eqn(eqn, env, args)
        return
    branches = []
    for b in eqn.params["branches"]:
        own = [next(values) for e in b.jaxpr.eqns for _ in _literals(e)]
        branches.append(functools.partial(_eval_branch, b, own))
    out = lax.switch(args[0], branches, *args[1:])
    for v, x in zip(eqn.outvars, out):
        if not isinstance(v, DropVar):
            env[v] = x


def _eval_branch(closed, values, *args):
    env = dict(zip(closed.jaxpr.constvars, closed.consts))
    env.update(zip(closed.jaxpr.invars, args))
    at = 0
    for e in closed.jaxpr.eqns:
        n = len(_literals(e))
        if n:
            _eval_with_literals(e, env, values[at:at + n])
            at += n
        else:
            _eval_eqn(e, env)
    return [_read(env, v) for v in closed.jaxpr.outvars]


def _eval_eqn(eqn, env, args=None):
    """One equation, as `jax.core.eval_jaxpr` evaluates it (`args`: its operands' values)."""
    params = eqn.primitive.get_bind_params(eqn.params)
    name_stack = source_info_util.current_name_stack() + eqn.source_info.name_stack
    if args is None:
        args = [_read(env, v) for v in eqn.invars]
    with source_info_util.user_context(eqn.source_info.traceback, name_stack=name_stack), \
            eqn.ctx.manager:
        out = eqn.primitive.bind(*args, **params)
    if not eqn.primitive.multiple_results:
        out = [out]
    for v, x in zip(eqn.outvars, out):
        if not isinstance(v, DropVar):
            env[v] = x


__all__ = ["Region", "enabled", "evaluate", "find_regions", "rolled"]
