"""A TF1 graph as a JAX function: take a model built with scopeflow into plain JAX and back.

    params = scopeflow.jax.variables(sess)              # {"dense/kernel": array, ...}
    fn = scopeflow.jax.function(loss, feeds=[x, y])     # fn(params, x_value, y_value) -> loss
    grads = jax.grad(fn)(params, xs, ys)                # jit, grad, vmap: fn is pure JAX
    scopeflow.jax.assign(sess, params)                  # back into the Session (then a Saver)

`fn` evaluates the graph's ops with the JAX kernels `Session.run` compiles, on the variable
values it is given. Ops that assign variables (optimizers, batch-norm updates) are refused
unless `updates=True`, where `fn` returns `(fetched, new_params)`. Random ops draw from an
explicit `key=` argument. Dtypes follow the caller's JAX settings: scopeflow never switches
JAX's 64-bit mode on outside its own Session runs.
"""

import numpy as np

from scopeflow.core.frame import default_graph
from scopeflow.core.tensor import Operation, Tensor
from scopeflow.lowering.context import DrawCount, RunContext, _NeedMoreRng
from scopeflow.lowering.lower import _fetch_value, execute, x64
from scopeflow.lowering.slice import backward_slice, is_variable_op

__all__ = ["assign", "function", "variables"]


def variables(sess, nested=False):
    """The Session's initialized variables as a dict keyed by TF's names (no `:0`), or
    nested by scope path (`{"dense": {"kernel": ...}}`, as a Flax tree) with `nested=True`.

    >>> import scopeflow as tf, scopeflow.jax as sj
    >>> with tf.variable_scope("dense"):
    ...     w = tf.get_variable("kernel", initializer=[1.0, 2.0])
    >>> with tf.Session() as s:
    ...     _ = s.run(w.initializer)
    ...     sorted(sj.variables(s)), sj.variables(s, nested=True)["dense"]["kernel"].tolist()
    (['dense/kernel'], [1.0, 2.0])
    """
    flat = {op._name: np.asarray(v) for op, v in sorted(sess._state.items(),
                                                           key=lambda kv: kv[0]._name)
            if isinstance(op, Operation)}  # (not the read masks of a run in steps: ta_masks)
    return _nest(flat) if nested else flat


def assign(sess, params):
    """Puts `params` (flat or nested, as `variables` gives) into the Session's variables.

    Every name must be a variable of the Session's graph, with the variable's shape.
    """
    graph = sess.graph
    by_name = _variable_ops(graph)
    flat = _flatten(params)
    new = {}
    for name, value in flat.items():
        op = by_name.get(name)
        if op is None:
            raise ValueError("%r is not a variable of the Session's graph (variables: %s)"
                             % (name, ", ".join(sorted(by_name)[:10])))
        dtype = op._outputs[0]._dtype.base_dtype
        a = np.asarray(value, dtype=dtype.as_numpy_dtype)
        want = op._attrs.get("shape")
        if want is not None and want._dims is not None and tuple(want._dims) != a.shape:
            raise ValueError("Shapes %s and %s are incompatible: variable %s has shape %s, the "
                             "value given has shape %s" % (tuple(want._dims), a.shape, name,
                                                           tuple(want._dims), a.shape))
        new[op] = a
    import jax
    with x64(), sess._lock:
        state = sess._state
        changed = any(op not in state or state[op].shape != a.shape for op, a in new.items())
        for op, a in new.items():
            state[op] = jax.device_put(a)
        if changed:
            sess._state_version += 1


def function(fetches, feeds=(), graph=None, updates=False):
    """A pure JAX function `fn(params, *feed_values, key=None)` computing `fetches`.

    `fetches` is a Tensor or a list/tuple of them; `feeds` the tensors whose values are
    passed positionally (placeholders, or any tensor to cut the graph at). With
    `updates=True`, `fn` returns `(fetched, new_params)` and may assign variables.

    >>> import jax, scopeflow as tf, scopeflow.jax as sj
    >>> x = tf.placeholder(tf.float32, [])
    >>> w = tf.Variable(3.0, name="w")
    >>> fn = sj.function(w * x * x, feeds=[x])
    >>> float(jax.grad(fn)({"w": 3.0}, 2.0)["w"])
    4.0
    """
    single = isinstance(fetches, Tensor)
    outputs = [fetches] if single else list(fetches)
    if graph is None:
        graph = outputs[0].graph if outputs else default_graph()
    feeds = list(feeds)
    for t in outputs + feeds:
        if not isinstance(t, Tensor) or t.graph is not graph:
            raise TypeError("fetches and feeds must be Tensors of one graph, got %r" % (t,))
    order = backward_slice(outputs, frozenset(feeds))
    var_ops = [op for op in order if is_variable_op(op)]

    def fn(params, *feed_values, key=None):
        if len(feed_values) != len(feeds):
            raise TypeError("this function takes %d feed values (%s), got %d" % (
                len(feeds), ", ".join(t.name for t in feeds), len(feed_values)))
        flat = _flatten(params)
        missing = [op._name for op in var_ops if op._name not in flat]
        if missing:
            raise KeyError("params has no value for variable(s) %s" % ", ".join(missing))
        rng = None
        if key is not None:
            import jax
            import jax.numpy as jnp
            bits = jax.random.bits(key, (len(order) + 1,), jnp.uint32)
            rng = jnp.concatenate([bits[:1], jnp.repeat(bits[1:], 2)])  # context.rng_words
        ctx = RunContext({op: flat[op._name] for op in var_ops}, frozenset(feeds), rng)
        env = dict(zip(feeds, feed_values))
        try:
            execute(ctx, order, env)
        except _NeedMoreRng:
            raise ValueError("the graph draws random numbers (%s): call the function with "
                             "key=jax.random.PRNGKey(...)" % ", ".join(
                                 op._name for op in ctx.rng_ops)) from None
        ctx.op = None
        out = [_fetch_value(ctx, env[t]) for t in outputs]
        out = out[0] if single else type(fetches)(out) if isinstance(fetches, tuple) else out
        written = {op: v for op, v in ctx.written.items() if type(op) is not DrawCount}
        if written and not updates:
            raise ValueError("the fetched graph assigns variables (%s); use "
                             "function(..., updates=True) to get them back as new params"
                             % ", ".join(sorted(op._name for op in written)))
        if not updates:
            return out
        new = dict(flat)
        new.update({op._name: v for op, v in written.items()})
        return out, (_nest(new) if _is_nested(params) else new)

    fn.__name__ = "scopeflow_graph_function"
    return fn


def _variable_ops(graph):
    return {op._name: op for op in graph.get_operations()
            if isinstance(op, Operation) and is_variable_op(op)}


def _nest(flat):
    out = {}
    for name, v in flat.items():
        *scopes, leaf = name.split("/")
        d = out
        for s in scopes:
            d = d.setdefault(s, {})
        d[leaf] = v
    return out


def _is_nested(params):
    return any(isinstance(v, dict) for v in params.values())


def _flatten(params, prefix=""):
    out = {}
    for k, v in params.items():
        name = prefix + k
        if isinstance(v, dict):
            out.update(_flatten(v, name + "/"))
        else:
            out[name] = v
    return out
