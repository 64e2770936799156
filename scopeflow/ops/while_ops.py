"""`While` / `StatelessWhile`: TF2's functional loop (what tf.while_loop builds inside a
tf.function), run from an imported graph: the `cond` and `body` functions (traced functions
once imported) drive a `lax.while_loop` over the loop values. Forward only: TF's gradient of
such a loop accumulates in TensorList ops, not run here.

>>> import scopeflow as tf
>>> from scopeflow.ops.while_ops import stateless_while
>>> from scopeflow.data.functions import trace
>>> from scopeflow.data.structure import TensorSpec
>>> spec = (TensorSpec([], tf.int32), TensorSpec([], tf.float32))
>>> with tf.Graph().as_default():
...     i, b = stateless_while([tf.constant(0), tf.constant(1.5)],
...                            cond=trace(lambda i, b: i < 3, spec),
...                            body=trace(lambda i, b: (i + 1, b * 2.0), spec))
...     tf.Session().run(b).item()
12.0
"""

import jax
import jax.numpy as jnp

from scopeflow import errors
from scopeflow.ops.registry import ANY, op


def _while_specs(input, *, body, **attrs):  # noqa: A002 - TF's arg name
    return [(t.shape, t.dtype.base_dtype) for t in body.outputs]


def _run_while(ctx, inputs, cond, body):
    from scopeflow.ops.cf_run import _call
    from scopeflow.ops.function_call import run_function
    from scopeflow.ops.ta_state import strong

    def pure(fn, vals):
        def run(ctx_, *args):
            outs = run_function(ctx_, fn, list(args))
            return outs if isinstance(outs, list) else [outs]
        outs, writes, _ = _call(ctx, run, vals)
        if writes:
            raise errors.UnimplementedError(None, None, "A functional While whose body changes "
                                            "state is not supported")
        return outs

    # a resource handle (TF passes it through the loop unchanged) stays out of the carry
    from scopeflow.lowering.context import VarRef
    fixed = {k: x for k, x in enumerate(inputs) if isinstance(x, VarRef)}
    pos = [k for k in range(len(inputs)) if k not in fixed]
    dtypes = [jnp.asarray(inputs[k]).dtype for k in pos]

    def whole(carry):
        vals = dict(fixed)
        vals.update(zip(pos, carry))
        return [vals[k] for k in range(len(inputs))]

    def step(carry):
        outs = pure(body, whole(carry))
        return tuple(strong(outs[k], d) for k, d in zip(pos, dtypes))

    init = tuple(strong(inputs[k], d) for k, d in zip(pos, dtypes))
    out = whole(jax.lax.while_loop(
        lambda c: jnp.asarray(pure(cond, whole(c))[0]).astype(bool).reshape(()), step, init))
    return out[0] if len(out) == 1 else out


@op("StatelessWhile", infer=_while_specs, lists=("input",), types={"input": ANY},
    context=True, multi=True)
def stateless_while(ctx, input, *, cond, body, T=(), output_shapes=(),  # noqa: A002
                    parallel_iterations=10, _num_original_outputs=None,
                    _read_only_resource_inputs=()):
    """A loop whose condition and body have no stateful ops."""
    return _run_while(ctx, input, cond, body)


@op("While", infer=_while_specs, lists=("input",), types={"input": ANY}, context=True,
    multi=True, stateful=True)
def while_(ctx, input, *, cond, body, T=(), output_shapes=(),  # noqa: A002
           parallel_iterations=10, _num_original_outputs=None,
           _read_only_resource_inputs=()):
    """A loop whose condition or body reads state."""
    return _run_while(ctx, input, cond, body)
