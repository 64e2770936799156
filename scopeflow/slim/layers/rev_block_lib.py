"""tf_slim.layers.rev_block_lib: reversible residual blocks and recompute_grad.

A reversible layer maps (x1, x2) to (y1, y2) = (x1 + f(x2), x2 + g(y1)); its inputs follow from
its outputs, so the gradient of a block (RevBlock's custom gradient) recomputes each layer's
activations from the block's outputs, last layer first, instead of keeping them.
"""

import functools
import inspect
import re

import numpy as np

from scopeflow.layers.base import Layer
from scopeflow.layers.core import tf_api
from scopeflow.slim.ops import arg_scope as arg_scope_lib

__all__ = ["RevBlock", "recompute_grad", "rev_block"]

# the layer number and function of a variable made under RevBlock's per-layer scopes
LAYER_RE = re.compile(".*revlayer_([0-9]*)/([fg])/.*")
_USE_DEFAULT = "__rev_block_lib_default"
_WRONG_VARS_ERR = """\
The variables used on recompute were different than the variables originally
used. The function wrapped with @recompute_grad likley creates its own variable
scope with a default name and has been called twice in the same enclosing scope.
To fix, ensure each call to the function happens in its own unique variable
scope.
"""


def _acc_grads(*lists_of_grads):
    """Element-wise sums of gradient lists (None where every list has None)."""
    tf = tf_api()
    out = []
    for grads in zip(*lists_of_grads):
        present = [g for g in grads if g is not None]
        out.append(tf.add_n(present) if present else None)
    return out


def _call(fn, x, side):
    return fn(x, side) if side else fn(x)


def _rev_layer_forward(xs, f, g, f_side_input, g_side_input, gate_outputs=False):
    x1, x2 = xs
    y1 = x1 + _call(f, x2, f_side_input)
    y2 = x2 + _call(g, y1, g_side_input)
    return tuple(tf_api().tuple([y1, y2])) if gate_outputs else (y1, y2)


def _rev_layer_backward(ys, grad_ys, fns, f_vars, g_vars, side_inputs):
    """Inputs of one layer from its outputs, and the gradients of its inputs, variables and
    side inputs: ((x1, x2), (dx1, dx2), (df_vars, df_side), (dg_vars, dg_side))."""
    tf = tf_api()
    (y1, y2), (dy1, dy2), (f, g) = ys, grad_ys, fns
    y1_stop = tf.stop_gradient(y1)
    g_side = [tf.stop_gradient(t) for t in side_inputs[1]]
    gy1 = _call(g, y1_stop, g_side)
    x2 = y2 - gy1
    x2_stop = tf.stop_gradient(x2)
    f_side = [tf.stop_gradient(t) for t in side_inputs[0]]
    fx2 = _call(f, x2_stop, f_side)
    x1 = y1 - fx2

    d_gy1 = tf.gradients(gy1, y1_stop, dy2)[0]
    dx1 = dy1 + d_gy1
    dx2 = (tf.gradients(fx2, x2_stop, dy1)[0] + dy2
           + tf.gradients(fx2, x2_stop, d_gy1)[0])
    g_grads = tf.gradients(gy1, g_vars + g_side, dy2)
    f_grads1 = tf.gradients(fx2, f_vars + f_side, dy1)
    f_grads2 = tf.gradients(fx2, f_vars + f_side, d_gy1)
    nf = len(f_vars)
    outputs = ((x1, x2), (dx1, dx2),
               (_acc_grads(f_grads1[:nf], f_grads2[:nf]),
                _acc_grads(f_grads1[nf:], f_grads2[nf:])),
               (g_grads[:len(g_vars)], g_grads[len(g_vars):]))
    flat = tf.nest.flatten(outputs)
    present = [t for t in flat if t is not None]
    gated = iter(tf.tuple(present))
    return tf.nest.pack_sequence_as(outputs, [None if t is None else next(gated)
                                              for t in flat])


def _safe_wraps(fn):
    return (lambda f: f) if isinstance(fn, functools.partial) else functools.wraps(fn)


def _scope_wrap(fn, scope):
    @_safe_wraps(fn)
    def wrap(*args, **kwargs):
        with tf_api().variable_scope(scope, use_resource=True):
            return fn(*args, **kwargs)

    return wrap


def _per_layer(fn, num_layers):
    if isinstance(fn, list):
        assert len(fn) == num_layers
        return fn
    return [fn] * num_layers


class RevBlock(Layer):
    """Block of reversible layers; see `rev_block`.

    >>> block = RevBlock(lambda x: tf.layers.dense(x, 2), lambda x: tf.layers.dense(x, 2))
    >>> y1, y2 = block.forward(tf.ones([3, 2]), tf.ones([3, 2]))
    """

    def __init__(self, f, g, num_layers=1, f_side_input=None, g_side_input=None,
                 use_efficient_backprop=True, name="revblock", **kwargs):
        super().__init__(name=name, **kwargs)
        self.f = [_scope_wrap(fn, "revlayer_%d/f" % i)
                  for i, fn in enumerate(_per_layer(f, num_layers))]
        self.g = [_scope_wrap(fn, "revlayer_%d/g" % i)
                  for i, fn in enumerate(_per_layer(g, num_layers))]
        self.num_layers = num_layers
        self.f_side_input = f_side_input or []
        self.g_side_input = g_side_input or []
        self._use_efficient_backprop = use_efficient_backprop

    def call(self, inputs, forward=True):
        vs = tf_api().get_variable_scope()
        before = len(vs.global_variables())
        out = self._forward(*inputs) if forward else self._backward(*inputs)
        trainable = vs.trainable_variables()
        for var in vs.global_variables()[before:]:
            if var in trainable:
                self._trainable_weights.append(var)
            else:
                self._non_trainable_weights.append(var)
        return out

    def forward(self, x1, x2):
        return self.apply([x1, x2])

    def backward(self, y1, y2):
        return self.apply([y1, y2], forward=False)

    def build(self, _):
        tf_api().logging.warn("RevBlock constructs its variables on first call, not on build.")
        self.built = True

    def _split_variables(self, variables):
        """Per layer, the f and g variables among `variables` and their positions there."""
        split = {fn: [[[], []] for _ in range(self.num_layers)] for fn in "fg"}
        for i, var in enumerate(variables):
            match = LAYER_RE.match(var.name)
            layer = split[match.group(2)][int(match.group(1))]
            layer[0].append(var)
            layer[1].append(i)
        return split["f"], split["g"]

    def _make_efficient_grad_fn(self, inputs, ys):
        def grad_fn(*grad_ys, **kwargs):
            variables = kwargs["variables"]
            side_inputs = list(inputs[2:])
            assert len(side_inputs) == len(self.f_side_input) + len(self.g_side_input)
            f_layers, g_layers = self._split_variables(variables)
            outs, douts = ys, grad_ys
            var_grads = [None] * len(variables)
            f_side_grads, g_side_grads = [], []
            with tf_api().variable_scope(self.scope_name, reuse=True):
                for i in reversed(range(self.num_layers)):
                    outs, douts, f_ret, g_ret = _rev_layer_backward(
                        outs, douts, (self.f[i], self.g[i]), f_layers[i][0], g_layers[i][0],
                        (self.f_side_input, self.g_side_input))
                    for (_, where), grads in ((f_layers[i], f_ret[0]), (g_layers[i], g_ret[0])):
                        for j, grad in zip(where, grads):
                            var_grads[j] = grad
                    f_side_grads.append(f_ret[1])
                    g_side_grads.append(g_ret[1])
            side_grads = [None] * len(side_inputs)
            for sides, grads in ((self.f_side_input, _acc_grads(*f_side_grads)),
                                 (self.g_side_input, _acc_grads(*g_side_grads))):
                for t, grad in zip(sides, grads):
                    side_grads[_index_of(side_inputs, t)] = grad
            return list(douts) + side_grads, var_grads

        return grad_fn

    def _forward(self, x1, x2):
        tf = tf_api()
        sides = [self.f_side_input, self.g_side_input]

        def forward(x1_, x2_, *flat_sides):
            f_side, g_side = tf.nest.pack_sequence_as(sides, list(flat_sides))
            out = (x1_, x2_)
            for f, g in zip(self.f, self.g):
                out = _rev_layer_forward(out, f, g, f_side, g_side,
                                         gate_outputs=self._use_efficient_backprop)
            return out

        @tf.custom_gradient
        def forward_with_grad(*args):
            out = forward(*args)
            return out, self._make_efficient_grad_fn(args, out)

        flat = tf.nest.flatten(sides)
        if self._use_efficient_backprop:
            return forward_with_grad(x1, x2, *flat)
        return forward(x1, x2, *flat)

    def _backward(self, y1, y2):
        for f, g in zip(reversed(self.f), reversed(self.g)):
            x2 = y2 - _call(g, y1, self.g_side_input)
            x1 = y1 - _call(f, x2, self.f_side_input)
            y1, y2 = x1, x2
        return y1, y2


def _index_of(tensors, t):
    return next(i for i, s in enumerate(tensors) if s is t)


def rev_block(x1, x2, f, g, num_layers=1, f_side_input=None, g_side_input=None,
              is_training=True):
    """A block of `num_layers` reversible residual layers: y1 = x1 + f(x2, f_side_input),
    y2 = x2 + g(y1, g_side_input); with `is_training`, its gradient recomputes activations.

    >>> y1, y2 = rev_block(tf.ones([3, 2]), tf.ones([3, 2]), lambda x: tf.layers.dense(x, 2),
    ...                    lambda x: tf.layers.dense(x, 2), num_layers=2)
    """
    block = RevBlock(f=f, g=g, num_layers=num_layers, f_side_input=f_side_input,
                     g_side_input=g_side_input, use_efficient_backprop=is_training,
                     _reuse=tf_api().get_variable_scope().reuse)
    return block.forward(x1, x2)


def enable_with_args(dec):
    """A decorator of decorators, so that they can be used with or without arguments."""
    @_safe_wraps(dec)
    def new_dec(*args, **kwargs):
        if len(args) == 1 and not kwargs and callable(args[0]):
            return dec(args[0])
        return lambda fn: dec(fn, *args, **kwargs)

    return new_dec


@enable_with_args
def recompute_grad(fn, use_data_dep=_USE_DEFAULT, tupleize_grads=False):
    """Decorator: `fn`'s activations are recomputed on the backward pass, not kept.

    >>> @recompute_grad
    ... def block(x):
    ...     return tf.layers.dense(x, 2)
    """
    tf = tf_api()
    for var_name, cell in zip(fn.__code__.co_freevars, fn.__closure__ or ()):
        value = cell.cell_contents
        if isinstance(value, (tf.Tensor, tf.Variable)):
            raise ValueError(  # noqa: TRY004 - TF's class
                "fn decorated with @recompute_grad closes over Tensor %s "
                "(local variable name: %s). The decorated fn must not close over "
                "Tensors or Variables because gradients will NOT be computed for "
                "them through fn. To ensure correct gradients, make the "
                "Tensor an input to fn." % (value.name, var_name))

    @_safe_wraps(fn)
    def wrapped(*args):
        return _recompute_grad(fn, args, use_data_dep, tupleize_grads)

    return wrapped


def _is_on_tpu():
    return False  # no XLA context in a scopeflow graph (TF: GraphOrParentsInXlaContext)


def _recompute_grad(fn, args, use_data_dep, tupleize_grads):
    tf = tf_api()
    recompute_kwarg = "is_recomputing" in inspect.getfullargspec(fn).args
    for arg in args:
        if not isinstance(arg, (tf.Tensor, tf.Variable)):
            raise ValueError("All inputs to function must be Tensors")  # noqa: TRY004
    data_dep = _is_on_tpu() if use_data_dep == _USE_DEFAULT else use_data_dep

    @tf.custom_gradient
    def fn_with_recompute(*inputs):
        context = (tf.get_variable_scope(), arg_scope_lib.current_arg_scope())
        kwargs = {"is_recomputing": False} if recompute_kwarg else {}
        outputs = fn(*inputs, **kwargs)
        flat = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        original = _read_variables(inputs, flat)
        call = (fn, recompute_kwarg, context)

        def grad_fn(*output_grads, **kw):
            variables = kw.get("variables") or []
            if original and {_key(v) for v in variables} != original:
                raise ValueError(_WRONG_VARS_ERR)
            return _recomputing_grad_fn(call, inputs, original, output_grads, variables,
                                        (data_dep, tupleize_grads))

        if original:
            return outputs, lambda *dys, variables=None: grad_fn(*dys, variables=variables)
        return outputs, lambda *dys: grad_fn(*dys)

    return fn_with_recompute(*args)


def _key(var):
    return var.op.name


def _read_variables(inputs, outputs):
    """Names of the variables `outputs` read between `inputs` and them."""
    from scopeflow.gradients.symbolic import _variables_between
    return {_key(v) for v in _variables_between(list(inputs), list(outputs))}


def _recomputing_grad_fn(call, args, original, output_grads, variables, flags):
    """Gradients of `fn` (recomputed after `output_grads` exist) for its inputs and
    variables."""
    tf = tf_api()
    (fn, recompute_kwarg, (var_scope, arg_scope)), (data_dep, tupleize) = call, flags
    inputs = [tf.identity(x) for x in args]
    with tf.control_dependencies([g for g in output_grads if g is not None]):
        if data_dep:
            inputs = _force_data_dependency(output_grads, inputs)
        with arg_scope_lib.arg_scope(arg_scope), tf.variable_scope(var_scope, reuse=True):
            kwargs = {"is_recomputing": True} if recompute_kwarg else {}
            outputs = fn(*inputs, **kwargs)
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    if _read_variables(inputs, outputs) != original:
        raise ValueError(_WRONG_VARS_ERR)
    grads = tf.gradients(outputs, inputs + list(variables), list(output_grads),
                         stop_gradients=inputs)
    if tupleize:
        grads = _force_data_dependency(grads, grads) if data_dep else tf.tuple(grads)
    return grads[:len(inputs)], grads[len(inputs):]


def _underlying_variable_ref(t):
    """The variable (ref or handle) tensor `t` reads through Identity/ReadVariableOp/Enter,
    or None."""
    while t.op.type in ("Identity", "ReadVariableOp", "Enter"):
        t = t.op.inputs[0]
    return t if "Variable" in t.op.type or "VarHandle" in t.op.type else None


def _force_data_dependency(first_compute, then_compute):
    """`then_compute`, each plus a zero made from the first elements of `first_compute`, so
    that they run after it without control dependencies (floating dtypes only)."""
    tf = tf_api()

    def first_element(x):
        ndims = x.get_shape().ndims
        if ndims is None:
            raise ValueError("Rank of Tensor %s must be known" % x)
        return tf.reshape(tf.slice(x, tf.constant([0] * ndims, tf.int32),
                                   tf.constant([1] * ndims, tf.int32)), [])

    total = tf.add_n([first_element(x) for x in first_compute if x is not None])
    if not total.dtype.is_floating:
        raise ValueError("_force_data_dependency only supports floating dtypes.")
    zero = tf.stop_gradient(np.finfo(total.dtype.as_numpy_dtype).tiny * total)
    return [None if x is None else tf.identity(x) + zero for x in then_compute]
