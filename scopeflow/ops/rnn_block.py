"""TF1's fused cell ops of contrib.rnn: `LSTMBlockCell` / `GRUBlockCell`, their gradient ops
`LSTMBlockCellGrad` / `GRUBlockCellGrad`, and TF's gradients over them (contrib's
_LSTMBlockCellGrad / _GRUBlockCellGrad).

Gates are laid out [i, ci, f, o] along the 4 * cell axis, as in TF's kernel (lstm_ops.h):
    icfo = [x, h_prev] @ w + b
    i = sigmoid(icfo_i + cs_prev * wci)        (peepholes only with use_peephole)
    f = sigmoid(icfo_f + forget_bias + cs_prev * wcf)
    ci = tanh(icfo_ci);  cs = clip(ci * i + cs_prev * f, cell_clip)   (cell_clip > 0)
    o = sigmoid(icfo_o + cs * wco);  co = tanh(cs);  h = co * o
"""

import jax
import jax.numpy as jnp

from scopeflow.gradients.registry import apply_op, gradient
from scopeflow.ops.op_util import typed_op
from scopeflow.ops.registry import ShapeError, spec


def _rank(t, n):
    dims = t.shape._dims
    if dims is not None and len(dims) != n:
        raise ShapeError("Shape must be rank %d but is rank %d" % (n, len(dims)))
    return dims if dims is not None else (None,) * n


def _cell_shape(x, cs_prev, h_prev, w, wci, wcf, wco, b, **_):
    batch = _rank(x, 2)[0]
    cell = _rank(cs_prev, 2)[1]
    _rank(h_prev, 2)
    _rank(w, 2)
    for v in (wci, wcf, wco, b):
        _rank(v, 1)
    out = spec((batch, cell), x.dtype.base_dtype)
    return [out] * 7


def _gates(x, cs_prev, h_prev, w, wci, wcf, wco, b, forget_bias, cell_clip, use_peephole):
    icfo = jnp.concatenate([x, h_prev], axis=1) @ w + b  # (batch, 4 * cell)
    gi, gci, gf, go = jnp.split(icfo, 4, axis=1)
    if use_peephole:
        gi = gi + cs_prev * wci
        gf = gf + cs_prev * wcf
    i = jax.nn.sigmoid(gi)
    f = jax.nn.sigmoid(gf + jnp.asarray(forget_bias, x.dtype))
    ci = jnp.tanh(gci)
    cs = ci * i + cs_prev * f
    if cell_clip > 0:
        cs = jnp.clip(cs, -cell_clip, cell_clip)
    o = jax.nn.sigmoid(go + cs * wco if use_peephole else go)
    co = jnp.tanh(cs)
    return i, cs, f, o, ci, co, co * o


@typed_op("LSTMBlockCell", infer=_cell_shape, multi=True)
def _lstm_block_cell(x, cs_prev, h_prev, w, wci, wcf, wco, b, *, forget_bias=1.0,
                     cell_clip=3.0, use_peephole=False):
    return _gates(x, cs_prev, h_prev, w, wci, wcf, wco, b, forget_bias, cell_clip,
                  use_peephole)


def lstm_block_cell(x, cs_prev, h_prev, w, wci, wcf, wco, b, forget_bias=1.0, cell_clip=3.0,
                    use_peephole=False, name=None):
    """TF's `gen_rnn_ops.lstm_block_cell`: (i, cs, f, o, ci, co, h), each (batch, cell)."""
    return _lstm_block_cell(x, cs_prev, h_prev, w, wci, wcf, wco, b, name=name or "LSTMBlockCell",
                            forget_bias=float(forget_bias), cell_clip=float(cell_clip),
                            use_peephole=bool(use_peephole))


def _cell_grad_shape(x, cs_prev, h_prev, w, wci, wcf, wco, b, *rest, **_):
    batch, cell = _rank(x, 2)[0], _rank(cs_prev, 2)[1]
    dt = x.dtype.base_dtype
    vec = spec((cell,), dt)
    return [spec((batch, cell), dt), spec((batch, None if cell is None else 4 * cell), dt),
            vec, vec, vec]


@typed_op("LSTMBlockCellGrad", infer=_cell_grad_shape, multi=True)
def _lstm_block_cell_grad(x, cs_prev, h_prev, w, wci, wcf, wco, b, i, cs, f, o, ci, co,
                          cs_grad, h_grad, *, use_peephole=False):
    return cell_bprop((cs_prev, wci, wcf, wco), (i, cs, f, o, ci, co), cs_grad, h_grad,
                      use_peephole)


def cell_bprop(inputs, saved, cs_grad, h_grad, use_peephole):
    """One step back: (cs_prev_grad, dicfo, wci_grad, wcf_grad, wco_grad) from the saved
    gates; cell clipping is not undone, as in TF's kernel."""
    cs_prev, wci, wcf, wco = inputs
    i, cs, f, o, ci, co = saved
    do = o * (1 - o) * h_grad * co
    dcs = (1 - co * co) * h_grad * o + cs_grad
    if use_peephole:
        dcs = dcs + do * wco
    di = i * (1 - i) * dcs * ci
    df = f * (1 - f) * dcs * cs_prev
    dci = (1 - ci * ci) * dcs * i
    cs_prev_grad = dcs * f
    if use_peephole:
        cs_prev_grad = cs_prev_grad + di * wci + df * wcf
    dicfo = jnp.concatenate([di, dci, df, do], axis=1)
    if not use_peephole:  # TF's kernel leaves the peephole gradients at zero
        zero = jnp.zeros_like(wci)
        return cs_prev_grad, dicfo, zero, zero, zero
    return (cs_prev_grad, dicfo, jnp.sum(di * cs_prev, 0), jnp.sum(df * cs_prev, 0),
            jnp.sum(do * cs, 0))


def _static_dim(t, axis, what):
    d = t.shape._dims[axis] if t.shape._dims is not None else None
    if d is None:
        raise ValueError("%s should not be None." % what)
    return d


@gradient("LSTMBlockCell", needs=("LSTMBlockCellGrad",))
def _lstm_block_cell_backprop(op, *grads):
    """contrib's _LSTMBlockCellGrad: LSTMBlockCellGrad, then dicfo back to x, h_prev, w, b."""
    from scopeflow.ops.joining import concat
    from scopeflow.ops.linalg import matmul
    from scopeflow.ops.slicing import slice as slice_
    x, cs_prev, h_prev, w, wci, wcf, wco, b = op._inputs
    i, cs, f, o, ci, co, _ = op._outputs
    dims = x.shape._dims
    batch = dims[0] if dims is not None and dims[0] is not None else -1
    input_size = _static_dim(x, 1, "input_size from `x`")
    cell_size = _static_dim(cs_prev, 1, "cell_size from `cs_prev`")
    cs_prev_grad, dicfo, wci_grad, wcf_grad, wco_grad = apply_op(
        "LSTMBlockCellGrad", x, cs_prev, h_prev, w, wci, wcf, wco, b, i, cs, f, o, ci, co,
        grads[1], grads[6], use_peephole=op._attrs.get("use_peephole", False))
    xh_grad = matmul(dicfo, w, transpose_b=True)
    x_grad = slice_(xh_grad, (0, 0), (batch, input_size))
    h_prev_grad = slice_(xh_grad, (0, input_size), (batch, cell_size))
    w_grad = matmul(concat([x, h_prev], 1), dicfo, transpose_a=True)
    b_grad = apply_op("BiasAddGrad", dicfo, data_format="NHWC")
    return x_grad, cs_prev_grad, h_prev_grad, w_grad, wci_grad, wcf_grad, wco_grad, b_grad


# ---- GRUBlockCell: r, u = sigmoid([x, h_prev] @ w_ru + b_ru); c = tanh([x, h_prev * r] @ w_c
# + b_c); h = u * h_prev + (1 - u) * c -------------------------------------------------------
def _gru_shape(x, h_prev, w_ru, w_c, b_ru, b_c, **_):
    batch, cell = _rank(x, 2)[0], _rank(h_prev, 2)[1]
    for m in (w_ru, w_c):
        _rank(m, 2)
    for v in (b_ru, b_c):
        _rank(v, 1)
    return [spec((batch, cell), x.dtype.base_dtype)] * 4


@typed_op("GRUBlockCell", infer=_gru_shape, multi=True)
def _gru_block_cell(x, h_prev, w_ru, w_c, b_ru, b_c):
    ru = jax.nn.sigmoid(jnp.concatenate([x, h_prev], axis=1) @ w_ru + b_ru)  # (batch, 2 cell)
    r, u = jnp.split(ru, 2, axis=1)
    c = jnp.tanh(jnp.concatenate([x, h_prev * r], axis=1) @ w_c + b_c)
    return r, u, c, u * h_prev + (1 - u) * c


def gru_block_cell(x, h_prev, w_ru, w_c, b_ru, b_c, name=None):
    """TF's `gen_rnn_ops.gru_block_cell`: (r, u, c, h), each (batch, cell)."""
    return _gru_block_cell(x, h_prev, w_ru, w_c, b_ru, b_c, name=name or "GRUBlockCell")


def _gru_grad_shape(x, h_prev, w_ru, w_c, b_ru, b_c, *rest, **_):
    batch, cell = _rank(x, 2)[0], _rank(h_prev, 2)[1]
    dt = x.dtype.base_dtype
    return [spec(x.shape._dims, dt), spec((batch, cell), dt), spec((batch, cell), dt),
            spec((batch, None if cell is None else 2 * cell), dt)]


@typed_op("GRUBlockCellGrad", infer=_gru_grad_shape, multi=True)
def _gru_block_cell_grad(x, h_prev, w_ru, w_c, b_ru, b_c, r, u, c, d_h):
    # (d_x, d_h_prev, d_c_bar, d_r_bar_u_bar), TF's kernel (gru_ops.h)
    depth = x.shape[1]
    d_c_bar = d_h * (1 - u) * (1 - c * c)
    d_u_bar = d_h * (h_prev - c) * u * (1 - u)
    d_xh_c = d_c_bar @ w_c.T  # (batch, depth + cell)
    d_h_prevr = d_xh_c[:, depth:]
    d_r_bar = d_h_prevr * h_prev * r * (1 - r)
    d_r_bar_u_bar = jnp.concatenate([d_r_bar, d_u_bar], axis=1)
    d_xh_ru = d_r_bar_u_bar @ w_ru.T
    d_x = d_xh_c[:, :depth] + d_xh_ru[:, :depth]
    d_h_prev = d_h_prevr * r + d_xh_ru[:, depth:] + d_h * u
    return d_x, d_h_prev, d_c_bar, d_r_bar_u_bar


@gradient("GRUBlockCell", needs=("GRUBlockCellGrad",))
def _gru_block_cell_backprop(op, *grads):
    """contrib's _GRUBlockCellGrad: GRUBlockCellGrad, then the weight and bias gradients."""
    from scopeflow.ops.joining import concat
    from scopeflow.ops.linalg import matmul
    x, h_prev, w_ru, w_c, b_ru, b_c = op._inputs
    r, u, c, _ = op._outputs
    d_x, d_h_prev, d_c_bar, d_r_bar_u_bar = apply_op(
        "GRUBlockCellGrad", x, h_prev, w_ru, w_c, b_ru, b_c, r, u, c, grads[3])
    d_w_ru = matmul(concat([x, h_prev], 1), d_r_bar_u_bar, transpose_a=True)
    d_b_ru = apply_op("BiasAddGrad", d_r_bar_u_bar, data_format="NHWC")
    d_w_c = matmul(concat([x, h_prev * r], 1), d_c_bar, transpose_a=True)
    d_b_c = apply_op("BiasAddGrad", d_c_bar, data_format="NHWC")
    return d_x, d_h_prev, d_w_ru, d_w_c, d_b_ru, d_b_c
