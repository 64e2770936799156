"""Scoping mistakes TF reports late or never, found in a built graph, each with where and why.

>>> import scopeflow.compat.v1 as tf
>>> g = tf.Graph()
>>> with g.as_default(), tf.variable_scope("ok"):
...     w = tf.get_variable("w", [])
>>> lint(g)
[]
"""

import dataclasses

from scopeflow.core import stack
from scopeflow.insight.provenance import get_variable_calls


@dataclasses.dataclass(frozen=True)
class Finding:
    """A finding: its kind, the user's line (`where`), what is wrong and how to fix it."""

    kind: str
    where: str
    message: str
    fix: str

    def __str__(self):
        return "%s: [%s] %s\n    fix: %s" % (self.where, self.kind, self.message, self.fix)


def lint(graph):
    """The findings for `graph`, in the order of the calls that caused them."""
    return _get_variable_ignores_name_scope(graph) + _update_ops_not_trained(graph)


def _get_variable_ignores_name_scope(graph):
    """`tf.get_variable` inside `tf.name_scope` does not take the name scope's prefix (only
    variable scopes name variables). Reported where the user's other variables in that name
    scope do carry the prefix, so the difference is visible and likely unintended."""
    prefixed = {}
    for v in graph.get_collection("variables") + graph.get_collection("local_variables"):
        name = v.op.name if hasattr(v, "op") else v.name
        parts = name.split("/")
        for k in range(1, len(parts)):
            prefixed.setdefault("/".join(parts[:k]), []).append(name)
    out, seen = [], set()
    for site in get_variable_calls(graph):
        scope = site.name_scope
        name = site.variable.op.name if hasattr(site.variable, "op") else site.variable.name
        if not scope or name == scope or name.startswith(scope + "/") or (site.where, name) in seen:
            continue
        others = [n for n in prefixed.get(scope, ()) if n != name]
        if not others:
            continue
        seen.add((site.where, name))
        out.append(Finding(
            "get_variable-ignores-name_scope", site.where,
            "tf.get_variable(%r) inside tf.name_scope(%r) made %r, without the name scope's "
            "prefix, while %r in the same name scope has it: name scopes name ops and "
            "tf.Variable, not get_variable" % (site.requested, scope, name, others[0]),
            "open tf.variable_scope(%r) instead of tf.name_scope(%r) to name the variable "
            "%r, or keep the name if sharing by %r is what you meant"
            % (scope.rsplit("/", 1)[-1], scope.rsplit("/", 1)[-1],
               scope + "/" + site.requested, name)))
    return out


def _user_line(op):
    frames = [f for f in op.traceback if stack.is_user_frame(f)]
    return "%s:%d" % (frames[-1].filename, frames[-1].lineno) if frames else op.name


def _is_apply(op):
    t = op.type
    return t.startswith(("Apply", "ResourceApply", "SparseApply", "ResourceSparseApply"))


def _update_ops_not_trained(graph):
    """UPDATE_OPS (batch norm's moving averages) that no training op runs: a training step
    that applies gradients but never depends on them leaves the moving statistics at their
    initial values, and the model evaluates wrongly without any error."""
    updates = list(graph.get_collection("update_ops"))
    ops = graph.get_operations()
    if not updates or not any(_is_apply(o) for o in ops):
        return []
    consumed = set()
    for o in ops:
        consumed.update(t.op for t in o.inputs)
        consumed.update(o.control_inputs)
    sinks = [o for o in ops if o not in consumed]
    trained = set()  # ancestors of the sinks that apply gradients
    for sink in sinks:
        seen, todo = set(), [sink]
        while todo:
            o = todo.pop()
            if o in seen:
                continue
            seen.add(o)
            todo.extend(t.op for t in o.inputs)
            todo.extend(o.control_inputs)
        if any(_is_apply(o) for o in seen):
            trained |= seen
    out = []
    for u in updates:
        op = getattr(u, "op", u)
        if op in trained:
            continue
        out.append(Finding(
            "update_ops-not-in-train-op", _user_line(op),
            "%r is in tf.GraphKeys.UPDATE_OPS but no training op runs it: the moving averages "
            "it updates (e.g. batch norm's) stay at their initial values" % op.name,
            "build the train op under `with tf.control_dependencies(tf.get_collection("
            "tf.GraphKeys.UPDATE_OPS)):`, or group the update ops with it"))
    return out
