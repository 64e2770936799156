"""TF's fused cuDNN recurrent op `CudnnRNNV3` and its gradient op `CudnnRNNBackpropV3`, computed
here as cuDNN does on a GPU (TF itself has no CPU kernel for them): one layer, one direction,
`linear_input`, over an opaque `params` vector laid out as cuDNN's canonical weights — per gate
an input matrix (units, input_size) row-major, then per gate a recurrent matrix (units, units),
then the input biases and the recurrent biases (units each).

Gates: LSTM (i, f, c, o): c' = f * c + i * tanh(.), h' = o * tanh(c'); GRU (r, z, n) with the
reset gate applied after the recurrent matmul: n = tanh(Wx + bW + r * (Rh + bR)),
h' = (1 - z) * n + z * h; rnn_tanh / rnn_relu: h' = act(Wx + Rh + bW + bR). Steps at or past a
batch entry's `sequence_lengths` leave its state as is and output zeros. The gradient op is the
vjp of the same computation.
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.gradients.registry import apply_op, gradient
from scopeflow.ops.op_types import ALLOWED
from scopeflow.ops.op_util import typed_op
from scopeflow.ops.registry import spec

_FLOATS = ("bfloat16", "float16", "float32", "float64")
ALLOWED["CudnnRNNV3"] = ((0, "input", _FLOATS),)
ALLOWED["CudnnRNNBackpropV3"] = ((0, "input", _FLOATS),)

_GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}


def _dims(t):
    return t.shape._dims


def _v3_shape(input, input_h, input_c, params, sequence_lengths, *, rnn_mode="lstm",
              time_major=True, direction="unidirectional", **_):
    """output (time, batch, dirs * units), batch-major when not time_major; the states keep
    input_h's and input_c's shapes (TF's rule); output_c is a scalar unless LSTM."""
    x, h = _dims(input), _dims(input_h)
    dt = input.dtype.base_dtype
    dirs = 2 if direction == "bidirectional" else 1
    time = batch = units = None
    if x is not None:
        time, batch = (x[0], x[1]) if time_major else (x[1], x[0])
    if h is not None:
        units = h[2]
    out_units = None if units is None else units * dirs
    c = _dims(input_c) if rnn_mode == "lstm" else ()
    return [spec((time, batch, out_units) if time_major else (batch, time, out_units), dt),
            spec(h, dt), spec(c, dt), spec(None, dt), spec(None, _dt.int8)]


def _check(rnn_mode, direction, input_mode, num_proj, h0):
    if direction != "unidirectional" or input_mode != "linear_input" or num_proj \
            or h0.shape[0] != 1:
        from scopeflow.errors import UnimplementedError
        raise UnimplementedError(None, None, "CudnnRNNV3 here computes one unidirectional "
                                 "layer with linear_input and no projection")


def _forward(x, h0, c0, params, seq_len, rnn_mode, time_major):
    """(output, output_h, output_c) of one layer, time-major inside."""
    if not time_major:
        x = jnp.swapaxes(x, 0, 1)
    time, _, depth = x.shape
    units = h0.shape[2]
    g = _GATES[rnn_mode]
    n_w, n_r = g * units * depth, g * units * units
    w = params[:n_w].reshape(g, units, depth)
    r = params[n_w:n_w + n_r].reshape(g, units, units)
    b_w = params[n_w + n_r:n_w + n_r + g * units].reshape(g, units)
    b_r = params[n_w + n_r + g * units:n_w + n_r + 2 * g * units].reshape(g, units)
    xw = jnp.einsum("tbi,gui->tbgu", x, w) + b_w
    lstm = rnn_mode == "lstm"

    def step(carry, xs):
        h, c = carry
        xw_t, t = xs
        hr = jnp.einsum("bv,guv->bgu", h, r) + b_r
        if lstm:
            i, f = jax.nn.sigmoid(xw_t[:, 0] + hr[:, 0]), jax.nn.sigmoid(xw_t[:, 1] + hr[:, 1])
            new_c = f * c + i * jnp.tanh(xw_t[:, 2] + hr[:, 2])
            new_h = jax.nn.sigmoid(xw_t[:, 3] + hr[:, 3]) * jnp.tanh(new_c)
        elif rnn_mode == "gru":
            rg = jax.nn.sigmoid(xw_t[:, 0] + hr[:, 0])
            z = jax.nn.sigmoid(xw_t[:, 1] + hr[:, 1])
            n = jnp.tanh(xw_t[:, 2] + rg * hr[:, 2])
            new_h, new_c = (1 - z) * n + z * h, c
        else:
            pre = xw_t[:, 0] + hr[:, 0]
            new_h = jnp.tanh(pre) if rnn_mode == "rnn_tanh" else jax.nn.relu(pre)
            new_c = c
        live = (t < seq_len)[:, None]
        new_h = jnp.where(live, new_h, h)
        if lstm:
            new_c = jnp.where(live, new_c, c)
        return (new_h, new_c), jnp.where(live, new_h, jnp.zeros_like(new_h))

    c_init = c0[0] if lstm else jnp.zeros_like(h0[0])
    (h, c), out = jax.lax.scan(step, (h0[0], c_init), (xw, jnp.arange(time)))
    if not time_major:
        out = jnp.swapaxes(out, 0, 1)
    return out, h[None], (c[None] if lstm else jnp.zeros((), h.dtype))


@typed_op("CudnnRNNV3", infer=_v3_shape, multi=True, types={"sequence_lengths": _dt.int32})
def _cudnn_rnn_v3(input, input_h, input_c, params, sequence_lengths, *, rnn_mode="lstm",
                  input_mode="linear_input", direction="unidirectional", dropout=0.0, seed=0,
                  seed2=0, num_proj=0, is_training=True, time_major=True):
    _check(rnn_mode, direction, input_mode, num_proj, input_h)
    out, h, c = _forward(jnp.asarray(input), jnp.asarray(input_h), jnp.asarray(input_c),
                         jnp.asarray(params), jnp.asarray(sequence_lengths), rnn_mode,
                         time_major)
    dt = out.dtype
    return out, h, c, jnp.zeros((0,), dt), jnp.zeros((0,), np.int8)


def _bp_shape(input, input_h, input_c, params, *_, **__):
    return [spec(_dims(t), t.dtype.base_dtype) for t in (input, input_h, input_c, params)]


@typed_op("CudnnRNNBackpropV3", infer=_bp_shape, multi=True,
          types={"sequence_lengths": _dt.int32, "host_reserved": _dt.int8})
def _cudnn_rnn_backprop_v3(input, input_h, input_c, params, sequence_lengths, output, output_h,
                           output_c, output_backprop, output_h_backprop, output_c_backprop,
                           reserve_space, host_reserved, *, rnn_mode="lstm",
                           input_mode="linear_input", direction="unidirectional", dropout=0.0,
                           seed=0, seed2=0, num_proj=0, time_major=True):
    _check(rnn_mode, direction, input_mode, num_proj, input_h)
    seq_len = jnp.asarray(sequence_lengths)
    primals = tuple(jnp.asarray(a) for a in (input, input_h, input_c, params))
    outs, vjp = jax.vjp(lambda x, h, c, p: _forward(x, h, c, p, seq_len, rnn_mode, time_major),
                        *primals)
    cts = tuple(jnp.broadcast_to(jnp.asarray(g, o.dtype), o.shape) for g, o in zip(
        (output_backprop, output_h_backprop, output_c_backprop), outs))
    return vjp(cts)


@gradient("CudnnRNNV3", needs=("CudnnRNNBackpropV3",))
def _cudnn_rnn_v3_grad(op, *grads):
    """TF's _cudnn_rnn_backwardv3: one CudnnRNNBackpropV3 over the op's inputs and outputs."""
    attrs = op._attrs
    if not attrs.get("is_training", True):
        raise ValueError("To use CudnnRNNV3 in gradients, is_training must be set to True.")
    keep = ("dropout", "seed", "seed2", "time_major", "num_proj", "rnn_mode", "input_mode",
            "direction")
    outs = apply_op("CudnnRNNBackpropV3", *op._inputs[:5], *op._outputs[:3], *grads[:3],
                    op._outputs[3], op._outputs[4],
                    **{k: attrs[k] for k in keep if k in attrs})
    return list(outs) + [None]
