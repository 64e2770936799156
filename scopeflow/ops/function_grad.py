"""Gradients of tf.function calls as TF builds them: a forward and a backward function.

TF differentiates a call of a traced function by tracing a backward function (the function's
gradient graph, `gradients/<op>_grad/...`, in a function graph of its own that reads the
forward values it needs as captures) and rewriting the call to a forward function that also
returns those values (`__forward_<name>_N`); the gradient is a call of the backward function
(`gradients/PartitionedCall_grad/PartitionedCall`) on the incoming gradients and the call's
extra outputs. Both calls run in the caller's XLA program. A function whose gradient is not
built op by op here (TF1 control flow inside) keeps a SymbolicGradient of the call.

>>> import scopeflow as tf
>>> f = tf.function(lambda x: tf.tanh(x))
>>> with tf.Graph().as_default():
...     x = tf.constant(0.5)
...     y = f(x)
...     g = tf.gradients(y, x)[0]
>>> g.op.type, g.op.name, len(y.op.outputs)
('PartitionedCall', 'gradients/PartitionedCall_grad/PartitionedCall', 2)
"""

import itertools
import re

from scopeflow.core.tensor import SymbolicTensor
from scopeflow.indexed_slices import IndexedSlices

_UIDS = itertools.count(1)


def forward_backward(op, fn, num):
    """(forward, backward, positions of the inputs it differentiates) for call `op` of `fn`
    with gradients for its first `num` outputs (TF keys the pair so: a call rewritten
    already has the forward's extra outputs too), the call rewritten to the forward
    function; None where the gradient is not built op by op."""
    fn = getattr(fn, "_backward_of", None) or fn
    pairs = fn.__dict__.setdefault("_grad_pairs", {})
    if num not in pairs:
        pairs[num] = _build_pair(fn, num)
    pair = pairs[num]
    if pair is None:
        return None
    if op._attrs["f"] is not pair[0]:
        _rewrite(op, pair[0])
    return pair


def _build_pair(fn, num):
    """TF's _construct_forward_backward: the forward values the backward function reads
    become outputs of the function (once: the function keeps them for later pairs)."""
    outputs = fn.__dict__.setdefault("_grad_outputs", list(fn.outputs))
    try:
        backward, keep = _trace_backward(fn, outputs[:num])
    except _NotHere:
        return None
    for t, _ in backward.graph.captures:
        if t._op._graph is not fn.graph:
            return None
        if not any(t is o for o in outputs):
            outputs.append(t)
    return _forward(fn, outputs), backward, keep


class _NotHere(Exception):
    """The function's gradient is not built op by op here."""


def _trace_backward(fn, outputs):
    from scopeflow.data.functions import trace
    from scopeflow.data.structure import TensorSpec
    from scopeflow.gradients import graph
    from scopeflow.gradients.plan import trainable
    from scopeflow.ops.array import identity
    ys = [t for t in outputs if trainable(t)]
    xs = list(fn.args) + list(fn._placeholders)
    if not ys or any(op.type == "Enter" for op in fn.graph.get_operations()):
        raise _NotHere()  # (a TF1 loop's gradient reads its values through stacks pushed
    holder = {}           # inside the loop, out of the backward function's reach)

    def body(*dys):
        g = dys[0].graph
        if not graph.buildable(g, ys, xs, []):
            raise _NotHere()
        with g.name_scope("gradients"):
            gs = graph.build(g, ys, xs, list(dys), [], graph.Options(False, None, False))
        if any(isinstance(x, IndexedSlices) for x in gs):
            raise _NotHere()
        holder["keep"] = [k for k, x in enumerate(gs) if x is not None]
        return tuple(identity(gs[k]) for k in holder["keep"])

    with fn.graph.as_default():  # (the forward values it reads are its captures)
        backward = trace(body, tuple(TensorSpec(t.shape, t.dtype.base_dtype) for t in ys),
                         names=["placeholder"] * len(ys))
    base = _base_name(fn)
    backward._function_name = "__inference___backward_%s_%d" % (base, next(_UIDS))
    backward.library_attrs = dict(getattr(fn, "library_attrs", None) or {})
    return backward, holder["keep"]


def _forward(fn, outputs):
    """`fn` returning `outputs`: its own, then the values backward functions read."""
    from scopeflow.data.functions import Traced
    n = len(fn.outputs)
    forward = Traced(fn.graph, fn.args, list(outputs), fn.out_structure, fn.in_sparse,
                     tuple(fn.out_sparse) + (False,) * (len(outputs) - n))
    forward._function_name = "__forward_%s_%d" % (_base_name(fn), next(_UIDS))
    forward.library_attrs = getattr(fn, "library_attrs", {})
    names = ["identity" if k == 0 else "identity_%d" % k for k in range(n)]
    for t in outputs[n:]:  # TF names an extra output for its op (`tanh`, `mul_w_read`)
        name = re.sub(r"[^a-z0-9_]", "_", t._op._name.lower())
        while name in names:
            name += "_0"
        names.append(name)
    forward.out_names = names
    forward._backward_of = fn
    return forward


def _rewrite(op, forward):
    """Call `op` calls `forward` and gets its extra outputs (TF rewrites the call so); the
    function it called stays in the graph's library, as in TF's."""
    kept = op._graph.__dict__.setdefault("replaced_functions", [])
    if op._attrs["f"] not in kept:
        kept.append(op._attrs["f"])
    op._attrs["f"] = forward
    n = len(op._outputs)
    op._outputs = tuple(op._outputs) + tuple(
        SymbolicTensor(op, n + i, t.dtype.base_dtype, t.shape)
        for i, t in enumerate(forward.outputs[n:]))
    op._graph._edits += 1  # (compiled programs of the graph before hold the old call)


def backward_inputs(op, pair, grads):
    """The backward function's inputs: the gradients of the call's trainable outputs among
    the first `len(grads)` (zeros where none came), then the forward values it reads (the
    call's outputs)."""
    from scopeflow.gradients.plan import trainable
    from scopeflow.ops.constant import convert_to_tensor
    from scopeflow.ops.shape_ops import zeros_like
    forward, backward, _ = pair
    dys = [zeros_like(t) if gy is None else convert_to_tensor(gy)
           for t, gy in zip(op._outputs, grads) if trainable(t)]
    at = {id(t): k for k, t in enumerate(forward.outputs)}
    return dys + [op._outputs[at[id(t)]] for t, _ in backward.graph.captures]


def _base_name(fn):
    name = getattr(fn, "_function_name", "") or ""
    m = re.match(r"__inference_(.*)_\d+$", name)
    return m.group(1) if m else name or "f"
