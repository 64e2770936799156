"""Scoping mistakes TF reports late or never, found in a built graph, each with where and why.

>>> import scopeflow.compat.v1 as tf
>>> g = tf.Graph()
>>> with g.as_default(), tf.variable_scope("ok"):
...     w = tf.get_variable("w", [])
>>> lint(g)
[]
"""

import re

from scopeflow.insight.finding import Finding, ancestors, op_where
from scopeflow.insight.lint_runs import initializers_not_run, never_fed
from scopeflow.insight.lint_sharing import (
    cells_under_two_scopes,
    duplicated_layers,
    recreated_variables,
)
from scopeflow.insight.lint_training import is_apply, not_optimized, not_saved
from scopeflow.insight.provenance import get_variable_calls

__all__ = ["Finding", "lint"]


def lint(graph):
    """The findings for `graph`, kind by kind, each kind in the order of the calls that caused
    them. Findings about runs (placeholders never fed, initializers never run) need the runs
    recorded (`record_runs`, done by `scopeflow lint script.py`)."""
    out = []
    for check in _CHECKS:
        out.extend(check(graph))
    return out


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
    sites = get_variable_calls(graph)
    # a line that somewhere else ran under a variable scope naming its variable is written
    # for variable scopes: a caller chose a name scope (the seed example's scoping(fn, ...))
    generic = {s.where for s in sites if s.name_scope and _prefixed(s)}
    out, seen = [], set()
    for site in sites:
        scope = site.name_scope
        name = _var_name(site.variable)
        if (not scope or _prefixed(site) or (site.where, name) in seen
                or site.where in generic or _inside_variable_scope(scope, name)):
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


def _var_name(v):
    return v.op.name if hasattr(v, "op") else v.name


def _prefixed(site):
    name = _var_name(site.variable)
    return name == site.name_scope or name.startswith(site.name_scope + "/")


def _inside_variable_scope(name_scope, name):
    """Whether the innermost scope open at the call is the variable's own variable scope: a
    name scope around a variable scope (towers sharing one model) is left out of variable
    names by design; the mistake is a name scope opened inside it, or with none."""
    var_scope = name.rpartition("/")[0]
    if not var_scope:
        return False
    return _SUFFIX.sub("", name_scope.rsplit("/", 1)[-1]) == var_scope.rsplit("/", 1)[-1]


_SUFFIX = re.compile(r"_[1-9]\d*$")


def _update_ops_not_trained(graph):
    """UPDATE_OPS (batch norm's moving averages) that no training op runs: a training step
    that applies gradients but never depends on them leaves the moving statistics at their
    initial values, and the model evaluates wrongly without any error."""
    updates = list(graph.get_collection("update_ops"))
    ops = graph.get_operations()
    if not updates or not any(is_apply(o) for o in ops):
        return []
    consumed = set()
    for o in ops:
        consumed.update(t.op for t in o.inputs)
        consumed.update(o.control_inputs)
    sinks = [o for o in ops if o not in consumed]
    trained = set()  # ancestors of the sinks that apply gradients
    for sink in sinks:
        seen = ancestors([sink], control=True)
        if any(is_apply(o) for o in seen):
            trained |= seen
    out = []
    for u in updates:
        op = getattr(u, "op", u)
        if op in trained:
            continue
        out.append(Finding(
            "update_ops-not-in-train-op", op_where(op),
            "%r is in tf.GraphKeys.UPDATE_OPS but no training op runs it: the moving averages "
            "it updates (e.g. batch norm's) stay at their initial values" % op.name,
            "build the train op under `with tf.control_dependencies(tf.get_collection("
            "tf.GraphKeys.UPDATE_OPS)):`, or group the update ops with it"))
    return out


_CHECKS = (_get_variable_ignores_name_scope, recreated_variables, duplicated_layers,
           cells_under_two_scopes, _update_ops_not_trained, not_optimized, not_saved, never_fed,
           initializers_not_run)
