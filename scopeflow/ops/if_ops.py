"""`If` / `StatelessIf`: TF2's functional cond (what tf.cond builds inside a tf.function),
run from an imported graph: the branch functions (the `then_branch` / `else_branch` attrs,
traced functions once imported) become the two sides of a `lax.cond`, or only the taken one
where the predicate is known when the run is traced (ops/cf_run.run_cond's rules).

>>> import scopeflow as tf
>>> from scopeflow.ops.if_ops import stateless_if
>>> from scopeflow.data.functions import trace
>>> from scopeflow.data.structure import TensorSpec
>>> spec = TensorSpec([], tf.float32)
>>> with tf.Graph().as_default():
...     x = tf.constant(3.0)
...     y = stateless_if(x > 1.0, [x], then_branch=trace(lambda a: a * a, spec),
...                      else_branch=trace(lambda a: a + 1.0, spec))
...     tf.Session().run(y)[0].item()
9.0
"""

import jax.numpy as jnp
import numpy as np

from scopeflow.ops import optional_ops  # noqa: F401 - a gradient's intermediates travel in them
from scopeflow.ops.registry import ANY, op


def _if_specs(cond, input, *, then_branch, **attrs):  # noqa: A002 - TF's arg name
    from scopeflow.ops.function_signature import call_shapes
    shapes = call_shapes(then_branch, input)
    return [(s, t.dtype.base_dtype) for s, t in zip(shapes, then_branch.outputs)]


def _run_if(ctx, cond, inputs, then_branch, else_branch):
    from scopeflow.ops.cf_run import _is_static, run_branches
    from scopeflow.ops.function_call import run_function

    def side(fn):
        def run(ctx_, *args):
            outs = run_function(ctx_, fn, list(args))
            return outs if isinstance(outs, list) else [outs]
        return run

    m = np if _is_static(cond) else jnp
    pred = m.asarray(cond)
    if pred.dtype != bool or pred.ndim:  # TF: a nonzero scalar, a non-empty tensor
        pred = pred != 0 if pred.ndim == 0 else m.asarray(pred.size > 0)
    outs = run_branches(ctx, pred, list(inputs), [side(else_branch), side(then_branch)])[:-1]
    return outs[0] if len(outs) == 1 else outs  # (one output: the value itself)


@op("StatelessIf", infer=_if_specs, lists=("input",), types={"cond": ANY, "input": ANY},
    context=True, multi=True)
def stateless_if(ctx, cond, input, *, then_branch, else_branch, Tcond=None, Tin=(),  # noqa: A002
                 Tout=(), output_shapes=(), _lower_using_switch_merge=True,
                 _read_only_resource_inputs=()):
    """A cond whose branches have no stateful ops."""
    return _run_if(ctx, cond, input, then_branch, else_branch)


@op("If", infer=_if_specs, lists=("input",), types={"cond": ANY, "input": ANY},
    context=True, multi=True, stateful=True)
def if_(ctx, cond, input, *, then_branch, else_branch, Tcond=None, Tin=(),  # noqa: A002
        Tout=(), output_shapes=(), _lower_using_switch_merge=True,
        _read_only_resource_inputs=()):
    """A cond whose branches read or change state."""
    return _run_if(ctx, cond, input, then_branch, else_branch)
