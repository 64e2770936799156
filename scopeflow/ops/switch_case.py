"""`tf.switch_case`: TF builds one functional `StatelessCase` op (`switch_case/indexed_case`)
whose branches are traced functions, even in TF1 graphs; scopeflow too, run by lax.switch.

Each branch is traced into its own function graph (tf.data's FuncGraph: outside tensors read
inside become captures); the op's inputs are the captures of all branches. An index out of
range runs the last branch (the default), as TF's kernel does.

>>> import scopeflow as tf
>>> r = tf.switch_case(tf.constant(1), [lambda: tf.constant(10), lambda: tf.constant(20)])
>>> r.name, r.op.inputs[0].op.type
('switch_case/indexed_case/Identity:0', 'StatelessCase')
"""

import jax
import jax.numpy as jnp

from scopeflow import dtypes as _dt
from scopeflow.core.tensor import Tensor
from scopeflow.ops import nest
from scopeflow.ops.array import identity
from scopeflow.ops.array_base import scope
from scopeflow.ops.cf_ops import merged_shape
from scopeflow.ops.registry import ANY, op


def _case_shape(branch_index, input, *, branches, output_shapes=None):  # noqa: A002
    first = branches[0].outputs
    out = []
    for k, t in enumerate(first):
        shape = t.shape
        for b in branches[1:]:
            shape = merged_shape(shape, b.outputs[k].shape)
        out.append((shape, t.dtype.base_dtype))
    return out


@op("StatelessCase", infer=_case_shape, lists=("input",),
    types={"branch_index": _dt.int32, "input": ANY}, context=True, multi=True)
def _stateless_case(ctx, branch_index, input, *, branches, output_shapes=None):  # noqa: A002
    from scopeflow.lowering.lower import subgraph_function
    fns = []
    for b in branches:
        f = subgraph_function(b.outputs, b.placeholders)
        pos = [b.sources_pos[i] for i in range(len(b.placeholders))]
        fns.append((f, pos))
    n = len(fns)
    dtypes = [t.dtype.base_dtype.as_numpy_dtype for t in branches[0].outputs]

    def run(k):
        f, pos = fns[k]
        outs = f(ctx, *[input[p] for p in pos])
        return [jnp.asarray(o, d) for o, d in zip(outs, dtypes)]

    i = jnp.asarray(branch_index, jnp.int32)
    i = jnp.where((i < 0) | (i >= n), n - 1, i)
    if not isinstance(i, jax.core.Tracer):
        out = run(int(i))
    else:
        out = jax.lax.switch(i, [lambda k=k: run(k) for k in range(n)])
    return out[0] if len(out) == 1 else list(out)  # (one output: the value itself)


class _Branch:
    """One traced branch: its outputs, capture placeholders and where their sources sit in
    the op's inputs."""

    def __init__(self, traced, sources):
        self.outputs = list(traced.outputs)
        self.placeholders = [inner for _, inner in traced.graph.captures]
        self.sources_pos = [sources.index(src) for src, _ in traced.graph.captures]
        self.structure = traced.out_structure


def _branch_fns(branch_fns, default, index):
    """The branch functions, default last, after TF's checks of the index and the branches
    (in TF's order, before any op is built)."""
    if not isinstance(index, Tensor):
        raise TypeError("'branch_index' must be a Tensor, got {}".format(type(index)))
    if not index.dtype.is_integer:
        raise TypeError("'branch_index' must be an integer Tensor, got {}".format(index.dtype))
    if not branch_fns:
        raise ValueError("Must provide at least one item in 'branch_fns'")
    if not isinstance(branch_fns, (list, tuple, dict)):
        raise TypeError("'branch_fns' must be a list, tuple, or dict")
    pairs = list(branch_fns.items()) if isinstance(branch_fns, dict) else list(branch_fns)
    if all(callable(fn) for fn in pairs):
        pairs = list(enumerate(pairs))
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError("Each entry in 'branch_fns' must be a 2-tuple. Received %s."
                            % (pair,))
        key, fn = pair
        if not isinstance(key, int):
            raise TypeError("key must be a Python `int`, got {}".format(type(key)))
        if not callable(fn):
            raise TypeError("fn for key {} must be callable.".format(key))
    keys = [k for k, _ in pairs]
    if min(keys) < 0 or max(keys) >= len(keys) or len(set(keys)) != len(keys):
        raise ValueError("branch indices (keys) must form contiguous range of [0 to {}) but "
                         "found {{{}}}".format(len(keys), ",".join(map(str, sorted(keys)))))
    fns = [fn for _, fn in sorted(pairs, key=lambda p: p[0])]
    if default is not None:
        fns.append(default)
    return fns


def switch_case(branch_index, branch_fns, default=None, name="switch_case"):
    """Runs `branch_fns[branch_index]()` (or `default`, also for an index out of range)."""
    from scopeflow.data.functions import trace
    fns = _branch_fns(branch_fns, default, branch_index)
    with scope(name, "switch_case", [branch_index]) as s:
        traced = [trace(fn, ()) for fn in fns]
        sources = []
        for t in traced:
            for src, _ in t.graph.captures:
                if src not in sources:
                    sources.append(src)
        branches = [_Branch(t, sources) for t in traced]
        for b in branches[1:]:
            nest.assert_same_structure(branches[0].structure, b.structure)
        with scope(None, "indexed_case", []) as case_scope:
            pass
        outs = _stateless_case(branch_index, sources, branches=branches, name=case_scope)
        with scope(case_scope, None, []):
            results = [identity(t) for t in outs]
        del s
        return nest.pack_sequence_as(branches[0].structure, results)
