"""TF1's whole-sequence fused LSTM op `BlockLSTM` (contrib.rnn's LSTMBlockFusedCell) and its
gradient op `BlockLSTMGrad`: LSTMBlockCell's step (rnn_block.py) scanned over time, and its
backward step scanned back, as TF's kernels do.

x is (time, batch, input); every output is (time, batch, cell), zero from `seq_len_max` on.
"""

import jax
import jax.numpy as jnp

from scopeflow import dtypes as _dt
from scopeflow.gradients.registry import apply_op, gradient
from scopeflow.ops.op_util import typed_op
from scopeflow.ops.registry import spec
from scopeflow.ops.rnn_block import _gates, _rank, cell_bprop


def _block_shape(seq_len_max, x, cs_prev, h_prev, w, wci, wcf, wco, b, **_):
    time, batch = _rank(x, 3)[:2]
    return [spec((time, batch, _rank(cs_prev, 2)[1]), x.dtype.base_dtype)] * 7


@typed_op("BlockLSTM", infer=_block_shape, multi=True, types={"seq_len_max": _dt.int64})
def _block_lstm(seq_len_max, x, cs_prev, h_prev, w, wci, wcf, wco, b, *, forget_bias=1.0,
                cell_clip=3.0, use_peephole=False):
    def step(carry, xt_t):
        cs_t, h_t = carry
        xt, t = xt_t
        outs = _gates(xt, cs_t, h_t, w, wci, wcf, wco, b, forget_bias, cell_clip, use_peephole)
        live = t < seq_len_max
        outs = tuple(jnp.where(live, v, jnp.zeros_like(v)) for v in outs)
        return (jnp.where(live, outs[1], cs_t), jnp.where(live, outs[6], h_t)), outs

    return jax.lax.scan(step, (cs_prev, h_prev), (x, jnp.arange(x.shape[0])))[1]


def block_lstm(seq_len_max, x, cs_prev, h_prev, w, wci, wcf, wco, b, forget_bias=1.0,
               cell_clip=3.0, use_peephole=False, name=None):
    """TF's `gen_rnn_ops.block_lstm`: (i, cs, f, o, ci, co, h), each (time, batch, cell)."""
    return _block_lstm(seq_len_max, x, cs_prev, h_prev, w, wci, wcf, wco, b,
                       name=name or "BlockLSTM", forget_bias=float(forget_bias),
                       cell_clip=float(cell_clip), use_peephole=bool(use_peephole))


def _grad_shape(seq_len_max, x, cs_prev, h_prev, w, wci, wcf, wco, b, *rest, **_):
    dt = x.dtype.base_dtype
    return [spec(t.shape._dims, dt) for t in (x, cs_prev, h_prev, w, wci, wcf, wco, b)]


@typed_op("BlockLSTMGrad", infer=_grad_shape, multi=True, types={"seq_len_max": _dt.int64})
def _block_lstm_grad(seq_len_max, x, cs_prev, h_prev, w, wci, wcf, wco, b, i, cs, f, o, ci,
                     co, h, cs_grad, h_grad, *, use_peephole=False):
    # (host-computed inputs may come as NumPy arrays; the scan indexes them with a tracer)
    x, i, cs, f, o, ci, co, h, cs_grad, h_grad = (jnp.asarray(a) for a in (
        x, i, cs, f, o, ci, co, h, cs_grad, h_grad))
    depth = x.shape[2]
    prev_cs = jnp.concatenate([cs_prev[None], cs[:-1]], 0)  # (time, batch, cell)
    prev_h = jnp.concatenate([h_prev[None], h[:-1]], 0)

    def step(carry, t):
        d_cs, d_h, w_g, b_g, peep_g = carry  # gradients flowing back from step t + 1
        saved = (i[t], cs[t], f[t], o[t], ci[t], co[t])
        cs_prev_g, dicfo, wci_g, wcf_g, wco_g = cell_bprop(
            (prev_cs[t], wci, wcf, wco), saved, cs_grad[t] + d_cs, h_grad[t] + d_h,
            use_peephole)
        live = t < seq_len_max
        dicfo = jnp.where(live, dicfo, 0)
        xh_g = dicfo @ w.T  # (batch, input + cell)
        w_g = w_g + jnp.concatenate([x[t], prev_h[t]], 1).T @ dicfo
        peep_g = tuple(a + jnp.where(live, g, 0) for a, g in zip(peep_g, (wci_g, wcf_g, wco_g)))
        carry = (jnp.where(live, cs_prev_g, d_cs), jnp.where(live, xh_g[:, depth:], d_h),
                 w_g, b_g + jnp.sum(dicfo, 0), peep_g)
        return carry, xh_g[:, :depth]

    zero = jnp.zeros_like(cs_prev)
    init = (zero, zero, jnp.zeros_like(w), jnp.zeros_like(b), (jnp.zeros_like(wci),) * 3)
    (d_cs, d_h, w_g, b_g, peep_g), x_g = jax.lax.scan(step, init, jnp.arange(x.shape[0]),
                                                       reverse=True)
    return (x_g, d_cs, d_h, w_g) + tuple(peep_g) + (b_g,)


@gradient("BlockLSTM", needs=("BlockLSTMGrad",))
def _block_lstm_backprop(op, *grads):
    """contrib's _BlockLSTMGrad: one BlockLSTMGrad over the saved gates."""
    outs = apply_op("BlockLSTMGrad", *op._inputs, *op._outputs, grads[1], grads[6],
                    use_peephole=op._attrs.get("use_peephole", False))
    return [None, *outs]
