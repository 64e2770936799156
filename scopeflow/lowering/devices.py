"""A run whose ops span several JAX devices: one compiled program per device piece, launched
asynchronously, values handed across devices where edges cross them (TF's Send/Recv pairs).

The run's slice is cut into pieces, each on one device, ordered so that every piece only uses
values of earlier pieces: an op's stage is the most cross-device edges on any path to it, and
the ops of one (device, stage) split in two, those whose values other devices wait for
("early") and the rest ("late"), so a tower on CPU:0 does not hold back the towers on CPU:1..3
that wait only for CPU:0's variable reads. Constants and variables belong to no piece: each
piece computes the constants it uses and reads the variables from the Session.

JAX dispatches each piece and returns at once; a piece waits on the device for its inputs, so
pieces on different devices run at the same time. Values move with `jax.device_put`.

Runs holding host ops, tf.cond / tf.while_loop, or values that must cross devices by reference
run as one program on one device, as before (`plan` returns None).

A loop whose last batch is smaller (`run_batch`) is served as on one device: a run whose rows
allow it (lowering/rows.py; TF1's towers split the batch, and each tower's part is padded on
its own) runs padded in the pieces compiled for a larger batch (padding.py), else a feed_dict
loop over row slices gets its last batch's pieces compiled ahead on a thread (ahead.py).
"""

import jax
import numpy as np

from scopeflow.lowering import ahead, cache, padding
from scopeflow.lowering.lower import Program
from scopeflow.lowering.slice import data_inputs, is_handle, is_variable_op


class DevicePlan:
    """The per-device pieces of one run signature: [(Program, its JAX device)]."""

    def __init__(self, pieces, tensors, whole):
        self.pieces = pieces
        self.tensors = tensors  # the run's fetched tensors, in order
        self.whole = whole  # the run's Program (its rows, its feed positions)
        self.compiled = set()  # (feed signature, state signature) its pieces ran or compiled
        self.writes = self.checks = False  # some piece writes variables / checks values
        # the last run's feed signature, its runs in a row's ahead.LastBatch
        self.last = (None, None)
        self.compile_s = 0.0  # the longest a run that compiled took

    def key(self, feeds, state):
        return (tuple([(np.shape(a), getattr(a, "dtype", None)) for a in feeds]),
                self.whole.state_sig(state))

    def compiled_for(self, feeds, state):
        """Notes that every piece is compiled for `feeds` (ahead.py)."""
        self.compiled.add(self.key(feeds, state))


def plan(prog, placed, devices):
    """The DevicePlan of Program `prog` when its ops run on several JAX devices, else None.
    `placed`: op -> TF device name; `devices`: placement.Devices."""
    order = prog.order
    dev = {}
    for op in order:
        if op._cf is not None:
            return None
        if not _free(op):
            dev[op] = devices.jax[placed[op]]
    if len(set(dev.values())) < 2:
        return None
    pieces = _pieces(order, dev)
    if pieces is None:
        return None
    return _programs(prog, pieces)


def _free(op):
    """Ops computed wherever they are used: constants and variables (read from the Session)."""
    return op._type == "Const" or is_variable_op(op)


def _pieces(order, dev):
    """[(device, [ops])] in a launch order where each piece uses only earlier pieces."""
    stage = {}
    for op in order:
        if op not in dev:
            continue
        s = 0
        for p in _deps(op):
            if p in dev:
                s = max(s, stage[p] + (dev[p] is not dev[op]))
        stage[op] = s
    # early: what other devices wait for, and what it needs on its own (device, stage). The
    # walk runs backwards (every consumer of an op is seen first) and moves an op computed
    # from constants alone up to the stage of its first consumer: such pieces (a tower's
    # gradient seed) then join the tower instead of being programs of their own
    users, const = {}, set()
    for op in order:
        if op in dev:
            for p in _deps(op):
                if p in dev:
                    users.setdefault(p, []).append(op)
            if all(p._type == "Const" or p in const for p in _deps(op)):
                const.add(op)
    early = set()
    for op in reversed(order):
        if op not in dev:
            continue
        mine = users.get(op, ())
        if any(dev[c] is not dev[op] for c in mine):
            early.add(op)
            continue
        if mine and op in const:
            stage[op] = max(stage[op], min(stage[c] for c in mine))
        if any(c in early and stage[c] == stage[op] for c in mine):
            early.add(op)
    groups = {}
    ids = {d: i for i, d in enumerate(dict.fromkeys(dev.values()))}
    for op in order:
        if op in dev:
            key = (stage[op], op not in early, ids[dev[op]])
            groups.setdefault(key, (dev[op], []))[1].append(op)
    pieces = [groups[k] for k in sorted(groups)]
    for _, ops in pieces:  # an edge by reference cannot cross: such runs stay on one device
        mine = set(ops)
        for op in ops:
            for t in op._inputs:
                if is_handle(t) and t._op in dev and t._op not in mine:
                    return None
    return pieces


def _deps(op):
    yield from op._control_inputs
    for t in data_inputs(op):
        yield t._op


def _programs(prog, pieces):
    fed = set(prog.fed)
    owner = {op: i for i, (_, ops) in enumerate(pieces) for op in ops}
    wanted = [[] for _ in pieces]  # per piece: tensors it hands on or the run fetches
    seen = set()
    for i, (_, ops) in enumerate(pieces):
        for op in ops:
            for t in data_inputs(op):
                j = owner.get(t._op)
                if j is not None and j != i and t not in seen and t not in fed:
                    seen.add(t)
                    wanted[j].append(t)
    for t in prog.tensors:
        if t not in seen:
            seen.add(t)
            wanted[owner.get(t._op, len(pieces) - 1)].append(t)
    known = list(prog.fed)
    done = set()
    out = []
    for i, (device, ops) in enumerate(pieces):
        p = Program(prog.graph, wanted[i], ops, known, frozenset(done))
        p.device = device
        if {op for op in p.order if op in owner} != set(ops):
            return None  # the slice left its piece (cannot happen for a topological order)
        out.append(p)
        known = known + wanted[i]
        done.update(ops)
    return DevicePlan(out, prog.tensors, prog)


def run_batch(sess, dplan, feeds, verify, part):
    """`run`, where a smaller batch may run padded in the pieces compiled for a larger one
    (padding.py) and a feed_dict loop over row slices has its last batch compiled ahead
    (ahead.py), as a run on one device does."""
    whole, state = dplan.whole, sess._state
    key = dplan.key(feeds, state)
    new = bool(feeds) and key not in dplan.compiled
    if new and not dplan.writes and padding.mode() != "0":
        how = padding.plan(whole, feeds, key[1], lambda p: dplan.key(p, state) in dplan.compiled)
        if how is not None:
            start = padding.timer()
            values = run(sess, dplan, how.feeds, verify, part)
            padding.charge(whole, how, padding.timer() - start)
            return padding.cut(values, how)
    start = padding.timer()
    values = run(sess, dplan, feeds, verify, part)
    if new:
        dplan.compile_s = max(dplan.compile_s, padding.timer() - start)
        dplan.compiled.add(key)
        if dplan.writes:
            padding.never(whole)
        else:
            padding.compiled(whole, feeds, key[1], padding.timer() - start)
    if dplan.checks:
        padding.checked(whole)
    last, guess = dplan.last
    if last != key[0]:
        guess = ahead.LastBatch() if feeds else None
        dplan.last = (key[0], guess)
    if guess is not None and not guess.done:
        if padding.pads(whole):  # (its last batch runs padded)
            guess.done = True
        else:
            coming = guess.ended(whole, feeds, dplan.compile_s)
            if coming is not None:
                ahead.compile_pieces(sess, dplan, feeds, coming)
    return values


def run(sess, dplan, feeds, verify, part):
    """Launches every piece of `dplan` with `feeds` (the run's fed values), then reads the
    fetched values; `verify(entry, outs)` raises a failed check, `part(kind)` reads a value."""
    known = {}
    fed = dplan.pieces[0].fed
    for t, v in zip(fed, feeds):
        known[t] = v
    launched = []
    with sess._lock:
        state = sess._state
        for p in dplan.pieces:
            vals = [known[t] for t in p.fed]
            entry = cache.entry(p, state, vals, p.state_sig(state))
            outs = _launch(sess, entry, state, vals, p.device)
            launched.append((entry, outs))
            for t, kind in zip(p.tensors, entry.fetch_kinds):
                known[t] = _value(kind, outs, part)
        dplan.writes = any(e.var_out or e.text_out for e, _ in launched)
        dplan.checks = any(e.checks for e, _ in launched)
        for entry, outs in launched:
            if entry.checks:
                verify(entry, outs)
        last = [o for _, outs in launched for o in outs[-1:]]
        jax.block_until_ready(last)
    reads = {}
    for p, (entry, outs) in zip(dplan.pieces, launched):
        for t, kind in zip(p.tensors, entry.fetch_kinds):
            reads[t] = (kind, outs)
    return [part(reads[t][0])(reads[t][1], {}) for t in dplan.tensors]


def _launch(sess, entry, state, vals, device):
    from scopeflow.session import _rng_words, count_draws
    if entry.call is None:
        return ()
    args = [state[v] for v in entry.var_in] + [vals[i] for i in entry.feed_pos]
    args = jax.device_put(args, device)
    if entry.rng_ops:
        args.append(_rng_words(sess, entry.rng_ops))
    outs = entry.call(*args)
    if entry.rng_ops:
        count_draws(sess, entry, outs)
    if entry.var_out:
        for v, x in zip(entry.var_out, outs[entry.n_dyn:]):
            state[v] = x
        if entry.new_state:
            sess._state_version += 1
    return outs


def _value(kind, outs, part):
    """A value a piece hands on: its device array (moved by the next piece), a constant, or a
    host value (summaries) read now."""
    if kind[0] == "dyn":
        return outs[kind[1]]
    if kind[0] == "static":
        return kind[1]
    return np.asarray(part(kind)(outs, {}))
