"""Lint of sharing that did not happen: variables and whole layers made twice by one line under
uniquified names (`w`, `w_1`; `dense`, `dense_1`), and one RNN cell used under two scopes.

A copy made by the same line is reported only when the copies run side by side on different
inputs computed from data (a siamese tower, a train graph and an eval graph): stacked copies
(one feeds the next: a deep stack built in a loop) and copies on the same input (heads of one
layer) are what separate weights are for.

>>> import scopeflow.compat.v1 as tf
>>> g = tf.Graph()
>>> with g.as_default():
...     def tower(x):
...         return tf.layers.dense(x, 2)
...     x = tf.placeholder(tf.float32, [None, 3])
...     left, right = tower(x), tower(2.0 * x)
>>> [f.kind for f in duplicated_layers(g)]
['layer-duplicated']
"""

import re

from scopeflow.core import stack
from scopeflow.core.var_store import store_of
from scopeflow.insight.finding import Finding, ancestors, frames_where, op_where, some

# Where a model's data comes from: fed, read from a dataset, a queue or a reader.
_DATA = ("Placeholder", "IteratorGetNext", "QueueDequeue", "ReaderRead")
_SUFFIX = re.compile(r"_[1-9]\d*$")
_GRADIENTS = re.compile(r"(^|/)gradients(_\d+)?/")
# Ops that pass a variable's value on unchanged: their outputs are reads too.
_PASS = frozenset(("Identity", "Enter", "ReadVariableOp", "Snapshot"))


def _canonical(name):
    """The name without TF's uniquifying `_N` on each segment: 'a_1/dense_2/w' -> 'a/dense/w'."""
    return "/".join(_SUFFIX.sub("", s) for s in name.split("/"))


class _Graph:
    """The consumers of each tensor, built once per lint."""

    def __init__(self, graph):
        self.consumers = {}
        for op in graph.get_operations():
            for t in op.inputs:
                self.consumers.setdefault(t, []).append(op)

    def uses(self, var_ops):
        """(read tensors, ops computing with them) of a copy's variables: writes,
        initialization checks, saves and gradient ops are not uses."""
        reads, uses = set(), []
        todo = [op.outputs[0] for op in var_ops]
        while todo:
            t = todo.pop()
            for op in self.consumers.get(t, ()):
                if op.type.startswith(_NOT_USES) or _GRADIENTS.search(op.name):
                    continue
                if op.type in _PASS:
                    todo.extend(o for o in op.outputs if o not in reads)
                    reads.update(op.outputs)
                else:
                    uses.append(op)
        return reads, list(dict.fromkeys(uses))


_NOT_USES = ("Assign", "Apply", "ResourceApply", "SparseApply", "ResourceSparseApply", "Scatter",
             "ResourceScatter", "Save", "Restore", "IsVariableInitialized", "VarIsInitialized",
             "DestroyResourceOp")


def _copy(g, var_ops):
    """What a copy computes from: its variables, its use ops, the other tensors they take in,
    and the ops its uses depend on (data edges)."""
    reads, uses = g.uses(var_ops)
    made = {t for op in uses for t in op.outputs}
    ext = {t for op in uses for t in op.inputs if t not in reads and t not in made
           and t.op not in var_ops}
    return var_ops, uses, ext


def _side_by_side(copies):
    """Whether the copies run on different inputs with no copy feeding another."""
    if any(not uses or not ext for _, uses, ext in copies):
        return False
    before = [ancestors(uses) for _, uses, _ in copies]
    if not all(any(op.type.startswith(_DATA) for op in ops) for ops in before):
        return False  # copies computing on no data (constants, variables) model nothing
    for i, (vars_a, _, ext_a) in enumerate(copies):
        for j, (vars_b, _, ext_b) in enumerate(copies[i + 1:], i + 1):
            if ext_a & ext_b or set(vars_a) & before[j] or set(vars_b) & before[i]:
                return False
    return True


def _prefixes(graph):
    """Every scope and name prefix of the graph's variables."""
    out = set()
    for v in graph.get_collection("variables"):
        parts = getattr(v, "op", v).name.split("/")
        out.update("/".join(parts[:k]) for k in range(1, len(parts) + 1))
    return out


def _numbered_by_user(names, prefixes):
    """Whether copies are the user's numbering (tower_0, tower_1, ...): TF's uniquifying
    never makes '_0', so a sibling named so means the names were chosen."""
    for name in names:
        segments = name.split("/")
        for i, seg in enumerate(segments):
            m = _SUFFIX.search(seg)
            if m and "/".join(segments[:i] + [seg[:m.start()] + "_0"]) in prefixes:
                return True
    return False


def _user_made(graph):
    """{variable op: variable} of the graph's trainable variables, split by maker."""
    stored = {v.op for v in store_of(graph)._vars.values() if hasattr(v, "op")}
    by_var, by_get = {}, {}
    for v in graph.get_collection("trainable_variables"):
        if hasattr(v, "op"):
            (by_get if v.op in stored else by_var)[v.op] = v
    return by_var, by_get


def recreated_variables(graph):
    """`tf.Variable` called twice by one line (a function called twice) makes `w` and `w_1`:
    two variables where the caller may have meant one shared."""
    g, (by_var, _) = _Graph(graph), _user_made(graph)
    groups = {}
    for op, v in by_var.items():
        key = (op_where(op), _canonical(op.name), str(v.shape), v.dtype.base_dtype.name)
        groups.setdefault(key, []).append(op)
    out, prefixes = [], _prefixes(graph)
    for (where, canonical, _, _), ops in groups.items():
        if len(ops) < 2 or _numbered_by_user([op.name for op in ops], prefixes):
            continue
        if not _side_by_side([_copy(g, {op}) for op in ops]):
            continue
        out.append(Finding(
            "variable-recreated", where,
            "tf.Variable on this line ran %d times and made %s: separate variables, used side "
            "by side on different inputs (sharing meant?); tf.Variable never shares, a second "
            "call gets a uniquified name" % (len(ops), some(op.name for op in ops)),
            "to share, create it once and pass it in, or use tf.get_variable under "
            "tf.variable_scope(..., reuse=tf.AUTO_REUSE); if separate variables are meant, name "
            "each copy (name=...)"))
    return out


def duplicated_layers(graph):
    """A layer or sub-scope built twice by one line (tf.layers.dense called again, a function
    opening a default-named variable scope twice) makes `dense` and `dense_1` with the same
    variables: two layers where the caller may have meant one shared."""
    g, (_, by_get) = _Graph(graph), _user_made(graph)
    layers = {}
    for op, v in by_get.items():
        scope, _, leaf = op.name.rpartition("/")
        if scope:
            layers.setdefault(scope, []).append((leaf, str(v.shape), v.dtype.base_dtype.name, op))
    groups = {}
    for scope, members in layers.items():
        members.sort(key=lambda m: m[0])
        signature = tuple(m[:3] for m in members)
        key = (op_where(members[0][3]), _canonical(scope), signature)
        groups.setdefault(key, []).append(scope)
    out, prefixes = [], _prefixes(graph)
    for (where, canonical, _), scopes in groups.items():
        if len(scopes) < 2 or _numbered_by_user(scopes, prefixes):
            continue
        copies = [_copy(g, {m[3] for m in layers[s]}) for s in scopes]
        if not _side_by_side(copies):
            continue
        out.append(Finding(
            "layer-duplicated", where,
            "this line built the same layer %d times, as %s, with separate variables of the "
            "same shapes, used side by side on different inputs (sharing meant?)"
            % (len(scopes), some(scopes)),
            "to share, build it under tf.variable_scope(%r, reuse=tf.AUTO_REUSE) (tf.layers: "
            "pass name=%r and reuse=tf.AUTO_REUSE); if separate layers are meant, name each one"
            % (canonical.rpartition("/")[0] or canonical, canonical.rpartition("/")[2])))
    return out


def cells_under_two_scopes(graph):
    """One RNN cell object called in two variable scopes (the same cell as the forward and the
    backward cell, `MultiRNNCell([cell] * 2)`, one cell for encoder and decoder): it keeps the
    weights its first call made, so the second scope gets no weights of its own."""
    out = []
    for cell, scopes in graph.__dict__.get("_rnn_cell_scopes", {}).values():
        if not cell.weights:  # wrappers and MultiRNNCell hold no weights of their own
            continue
        (scope0, tb0), *later = scopes.items()
        for scope, tb in later:
            out.append(Finding(
                "rnn-cell-two-scopes", frames_where(stack.frames(tb)) or scope,
                "this call uses the %s object first called at %s under variable scope %r "
                "again under variable scope %r: it runs with the weights of its first call "
                "(%s), so %r gets no weights of its own" % (
                    type(cell).__name__, frames_where(stack.frames(tb0)), scope0, scope,
                    some((w.op.name for w in cell.weights), 2), scope),
                "create one cell object per layer, direction or scope (e.g. "
                "MultiRNNCell([LSTMCell(n) for _ in range(k)]), separate fw and bw cells); if "
                "sharing is meant, call the cell under the first scope with reuse=True"))
    return out
