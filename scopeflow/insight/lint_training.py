"""Lint of what training and saving leave out: trainable variables no optimizer updates, model
variables no Saver saves.

>>> import scopeflow.compat.v1 as tf
>>> g = tf.Graph()
>>> with g.as_default():
...     w = tf.Variable(1.0, name="w")
...     unused = tf.Variable(2.0, name="unused")
...     train = tf.train.GradientDescentOptimizer(0.1).minimize(w * w)
>>> [(f.kind, f.message.split("'")[1]) for f in not_optimized(g)]
[('trainable-not-optimized', 'unused')]
"""

from scopeflow.core import stack
from scopeflow.insight.finding import Finding, frames_where, op_where, some, variables_by_op
from scopeflow.lowering.slice import variable_of

# Ops that change a variable by a step (optimizers, Keras optimizers, moving averages); plain
# Assign is left out: initializers, restores and deliberate overwrites use it.
_STEP_OPS = frozenset(("ScatterSub", "ScatterAdd", "ResourceScatterSub", "ResourceScatterAdd",
                       "AssignSub", "AssignAdd", "AssignSubVariableOp", "AssignAddVariableOp"))


def is_apply(op):
    """A training op of an optimizer (ApplyAdam, ResourceSparseApplyMomentum, ...)."""
    return op.type.startswith(("Apply", "ResourceApply", "SparseApply", "ResourceSparseApply"))


def _stepped(graph):
    """{variable op: first op that steps it} for the optimizer-like writes in `graph`."""
    out = {}
    for op in graph.get_operations():
        if (is_apply(op) or op.type in _STEP_OPS) and op.inputs:
            target = variable_of(op.inputs[0])
            if target is not None:
                out.setdefault(target, op)
    return out


def not_optimized(graph):
    """Trainable variables that no optimizer updates, when the graph has a training step: their
    gradient is None (the loss does not depend on them) or the var_list left them out, and
    TF trains the rest without a word."""
    stepped = _stepped(graph)
    trainable = [v for v in graph.get_collection("trainable_variables") if hasattr(v, "op")]
    trained = [v for v in trainable if v.op in stepped]
    if not trained:
        return []
    step = op_where(stepped[trained[0].op])
    out = []
    for v in trainable:
        if v.op in stepped:
            continue
        out.append(Finding(
            "trainable-not-optimized", op_where(v.op),
            "trainable variable %r is updated by no optimizer, while the training step built "
            "at %s updates %d others: its gradient is None (the loss does not depend on it) "
            "or a var_list left it out" % (v.op.name, step, len(trained)),
            "make the loss depend on it or add it to the optimizer's var_list; if it is meant "
            "to stay fixed, create it with trainable=False"))
    return out


def _saved_ops(var_list):
    """The variable ops a Saver's var_list names (list or dict of variables, partitioned
    variables, or saveables over variables)."""
    items = var_list.values() if isinstance(var_list, dict) else var_list
    out = set()
    for item in items:
        parts = list(item) if hasattr(item, "_get_variable_list") else [item]
        for p in parts:
            op = getattr(p, "op", None)
            if op is not None:
                target = variable_of(op.outputs[0]) if op.outputs else None
                out.add(target if target is not None else op)
    return out


def _model_state(graph):
    """Variable ops that hold the model: trainable, MODEL_VARIABLES, and what UPDATE_OPS
    change (batch norm's moving statistics). Optimizer slots and global_step are left out:
    savers that skip them are common and deliberate."""
    ops = [v.op for v in graph.get_collection("trainable_variables")
           + graph.get_collection("model_variables") if hasattr(v, "op")]
    for u in graph.get_collection("update_ops"):
        op = getattr(u, "op", u)
        target = variable_of(op.inputs[0]) if op.inputs else None
        if target is not None:
            ops.append(target)
    return list(dict.fromkeys(ops))


def not_saved(graph):
    """Model variables that no Saver saves, when every Saver of the graph was given a var_list
    (a Saver without one saves all): a checkpoint without them restores a different model,
    e.g. batch norm's moving statistics left out by var_list=tf.trainable_variables()."""
    savers = graph.__dict__.get("_savers", ())
    if not savers or any(var_list is None for var_list, _ in savers):
        return []
    saved = set()
    for var_list, _ in savers:
        saved |= _saved_ops(var_list)
    variables = variables_by_op(graph)
    missing = [op for op in _model_state(graph) if op not in saved and op in variables]
    if not missing:
        return []
    where = frames_where(stack.frames(savers[-1][1])) or "Saver"
    return [Finding(
        "variable-not-saved", where,
        "no tf.train.Saver saves %s of the model's variables: %s (first created at %s); a "
        "checkpoint without them restores a different model (moving statistics, weights at "
        "their initial values)" % (len(missing), some(op.name for op in missing),
                                   op_where(missing[0])),
        "save them too: give the Saver var_list=tf.global_variables(), or add the listed "
        "variables to its var_list")]
