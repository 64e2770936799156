"""CTC loss as TF's CPU kernel computes it (CTCLoss, `tf.nn.ctc_loss`).

TF's kernel takes the softmax of each step's logits, runs Graves' forward and backward
recursions in log space (log-sum-exp of two terms at a time, in a fixed order, each state
only where the remaining time allows it), and returns the loss -log p(labels | inputs) and
its gradient with respect to the logits, softmax - posterior, which the op's gradient
scales. The same recursions run here inside the step's XLA program: labels (a sparse batch
of label lists, fed) are laid out densely with as many places as the batch has entries, the
recursions scan the time steps, and the posterior sums follow TF's order of states so that
the values agree with TF's to float rounding. Bad labels and lengths fail with TF's messages.

>>> import scopeflow as tf
>>> logits = tf.zeros([4, 1, 3])
>>> labels = tf.SparseTensor([[0, 0]], tf.constant([1]), [1, 1])
>>> tf.nn.ctc_loss(labels, logits, [4]).op.type
'CTCLoss'
"""

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from scopeflow import dtypes as _dt
from scopeflow.errors import InvalidArgumentError
from scopeflow.ops.array_base import ShapeError, dims_of
from scopeflow.ops.ctc_checks import first_error
from scopeflow.ops.op_util import typed_op
from scopeflow.ops.registry import spec

_NEG_INF = -np.inf


def _ctc_shape(inputs, labels_indices, labels_values, sequence_length, **attrs):
    x, idx, vals, seq = (dims_of(t) for t in (inputs, labels_indices, labels_values,
                                              sequence_length))
    for d, r in ((x, 3), (idx, 2), (vals, 1), (seq, 1)):
        if d is not None and len(d) != r:
            raise ShapeError("Shape must be rank %d but is rank %d" % (r, len(d)))
    batch = None if x is None else x[1]
    for a, b in ((idx[0] if idx else None, vals[0] if vals else None),
                 (batch, seq[0] if seq else None)):
        if a is not None and b is not None and a != b:
            raise ShapeError("Dimensions must be equal, but are %d and %d" % (a, b))
    if batch is None and seq:
        batch = seq[0]
    if idx is not None and idx[1] is not None and idx[1] != 2:
        raise ShapeError("Dimension must be 2 but is %d" % idx[1])
    dt = inputs.dtype.base_dtype
    return [spec((batch,), dt), spec(x if x is not None else (None, batch, None), dt)]


def _lse(a, b):
    """TF's LogSumExp of two log values: -inf gives the other; else the larger plus
    log1p(exp(smaller - larger))."""
    hi, lo = jnp.maximum(a, b), jnp.minimum(a, b)
    out = hi + jnp.log1p(jnp.exp(lo - hi))
    return jnp.where(a == _NEG_INF, b, jnp.where(b == _NEG_INF, a, out))


def _labels(indices, values, batch, blank, collapse):
    """(B, n) label lists as TF reads the sparse batch (entry order per batch row; with
    `collapse`, a label equal to the one before dropped; labels >= blank end a list) and
    their raw lengths."""
    n = values.shape[0]
    rows = indices[:, 0].astype(jnp.int32)
    first = jnp.searchsorted(rows, rows, side="left")  # (rows are sorted: checked)
    prev_same = jnp.concatenate([jnp.zeros([1], bool), (rows[1:] == rows[:-1])
                                 & (values[1:] == values[:-1])])
    keep = (values < blank) & ~(collapse & prev_same)
    raw_len = jax.ops.segment_sum(jnp.ones([n], jnp.int32), rows, num_segments=batch)
    kept_before = jnp.cumsum(keep.astype(jnp.int32)) - keep
    rank = kept_before - jnp.take(jnp.concatenate([jnp.zeros([1], jnp.int32),
                                                   jnp.cumsum(keep.astype(jnp.int32))]),
                                  first)
    rank = jnp.where(keep, rank, n)  # (dropped: written nowhere)
    lab = jnp.full((batch, n), blank, jnp.int32).at[rows, rank].set(
        values.astype(jnp.int32), mode="drop")
    length = jax.ops.segment_sum(keep.astype(jnp.int32), rows, num_segments=batch)
    return lab, length, raw_len


def _forward(logy_l, lp, ulen, tlen, merge, blank):
    """log alpha (T, B, U) over the time steps (TF's CalculateForwardVariables)."""
    T, B, U = logy_l.shape
    u = jnp.arange(U)
    is_blank = lp == blank
    stay = merge | is_blank
    skip = (u >= 2) & ~is_blank & ~(merge & (lp == jnp.roll(lp, 2, axis=1)))
    a0 = jnp.full((B, U), _NEG_INF, logy_l.dtype)
    a0 = a0.at[:, 0].set(logy_l[0, :, 0])
    a0 = a0.at[:, 1].set(jnp.where(ulen > 1, logy_l[0, :, 1], _NEG_INF)) if U > 1 else a0

    def step(prev, t):
        s = jnp.where(stay, prev, _NEG_INF)
        s = jnp.where(u >= 1, _lse(s, jnp.roll(prev, 1, axis=1)), s)
        s = jnp.where(skip, _lse(s, jnp.roll(prev, 2, axis=1)), s)
        lo = jnp.maximum(0, ulen[:, None] - 2 * (tlen[:, None] - t))
        live = (u >= lo) & (u < jnp.minimum(ulen[:, None], 2 * (t + 1))) & (t < tlen[:, None])
        cur = jnp.where(live, logy_l[t] + s, _NEG_INF)
        return cur, cur

    _, rest = lax.scan(step, a0, jnp.arange(1, T))
    return jnp.concatenate([a0[None], rest], axis=0)


def _backward(logy_l, lp, ulen, tlen, merge, blank):
    """log beta (T, B, U) (TF's CalculateBackwardVariables: beta(u, t) holds the
    probability of finishing from state u at t, without y at t)."""
    T, B, U = logy_l.shape
    u = jnp.arange(U)
    is_blank = lp == blank
    stay = merge | is_blank
    skip = (u + 2 < ulen[:, None]) & ~is_blank & ~(merge & (lp == jnp.roll(lp, -2, axis=1)))
    init = jnp.where((u >= ulen[:, None] - 2) & (u < ulen[:, None]), 0.0, _NEG_INF)
    init = init.astype(logy_l.dtype)

    def step(nxt, t):
        t1 = jnp.minimum(t + 1, T - 1)
        nb = nxt + logy_l[t1]  # beta(., t + 1) + log y(l'(.), t + 1)
        s = jnp.where(stay, nb, _NEG_INF)
        s = jnp.where(u + 1 < ulen[:, None], _lse(s, jnp.roll(nb, -1, axis=1)), s)
        s = jnp.where(skip, _lse(s, jnp.roll(nb, -2, axis=1)), s)
        lo = jnp.maximum(0, ulen[:, None] - 2 * (tlen[:, None] - t))
        live = (u >= lo) & (u < jnp.minimum(ulen[:, None], 2 * (t + 1)))
        # (a label list of only blanks-or-beyond leaves one state: TF's kernel then sets
        # beta(-1, T - 1), in memory beta(0, T - 2), to log 1 before the recursion adds to it)
        s = jnp.where((ulen[:, None] == 1) & (t == tlen[:, None] - 2), _lse(s, 0.0), s)
        cur = jnp.where(t == tlen[:, None] - 1, init,
                        jnp.where((t < tlen[:, None] - 1) & live, s, _NEG_INF))
        return cur, cur

    _, out = lax.scan(step, jnp.full((B, U), _NEG_INF, logy_l.dtype), jnp.arange(T - 1, -1, -1))
    return out[::-1]


def _fold_lse(x, axis_len):
    """Sequential LSE over the last axis (TF adds state by state)."""
    def body(i, acc):
        return _lse(acc, lax.dynamic_index_in_dim(x, i, axis=-1, keepdims=False))
    return lax.fori_loop(0, axis_len, body, jnp.full(x.shape[:-1], _NEG_INF, x.dtype))


def ctc(logits, indices, values, seq, *, collapse, merge, ignore_longer):
    """(loss (B,), gradient (T, B, C)) of TF's CTCLoss on valid inputs."""
    T, B, C = logits.shape
    blank = C - 1
    n = values.shape[0]
    lab, length, raw_len = _labels(indices, values, B, blank, collapse)
    U = 2 * n + 1
    lp = jnp.full((B, U), blank, jnp.int32).at[:, 1::2].set(lab)
    ulen = 2 * length + 1
    tlen = seq.astype(jnp.int32)
    # TF's softmax: exp of the shifted logits over their sum, then its log
    e = jnp.exp(logits - jnp.max(logits, axis=-1, keepdims=True))
    y = e / jnp.sum(e, axis=-1, keepdims=True)
    logy = jnp.log(y)
    logy_l = jnp.take_along_axis(logy, jnp.broadcast_to(lp[None], (T, B, U)), axis=2)
    alpha = _forward(logy_l, lp, ulen, tlen, merge, blank)
    beta = _backward(logy_l, lp, ulen, tlen, merge, blank)
    ab = alpha + beta  # (T, B, U)
    log_p = _fold_lse(ab[0], U)  # (B,) states in order; unused ones are -inf
    skipped = (tlen == 0) | (ignore_longer & (raw_len > tlen))
    loss = jnp.where(skipped, 0.0, -log_p).astype(logits.dtype)
    # posterior mass per class: each state's alpha * beta added to its class in state order
    t_idx = jnp.arange(T)[:, None]
    b_idx = jnp.arange(B)[None, :]

    def add_state(uu, acc):
        cls = lp[:, uu]  # (B,)
        cur = acc[t_idx, b_idx, cls[None, :]]
        return acc.at[t_idx, b_idx, cls[None, :]].set(_lse(cur, ab[:, :, uu]))
    prob = lax.fori_loop(0, jnp.max(ulen), add_state, jnp.full((T, B, C), _NEG_INF, y.dtype))
    dy = y - jnp.exp(prob - log_p[None, :, None])
    dy = jnp.where((log_p == _NEG_INF)[None, :, None], y, dy)
    live_t = (jnp.arange(T)[:, None] < tlen[None, :]) & ~skipped[None, :]
    grad = jnp.where(live_t[..., None], dy, 0.0).astype(logits.dtype)
    return loss, grad


@typed_op("CTCLoss", infer=_ctc_shape, multi=True, context=True,
          types={"labels_indices": _dt.int64, "labels_values": _dt.int32,
                 "sequence_length": _dt.int32})
def _ctc_loss(ctx, inputs, labels_indices, labels_values, sequence_length, *,
              preprocess_collapse_repeated=False, ctc_merge_repeated=True,
              ignore_longer_outputs_than_inputs=False):
    attrs = (preprocess_collapse_repeated, ctc_merge_repeated,
             ignore_longer_outputs_than_inputs)
    T, B, C = inputs.shape
    from scopeflow.ops.ctc_checks import valid
    ok = valid(labels_indices, labels_values, sequence_length, inputs.shape, attrs)
    ctx.check(ok, InvalidArgumentError,
              lambda i, v, s: first_error(i, v, s, (T, B, C), attrs) or "invalid CTC input",
              [labels_indices, labels_values, sequence_length])
    return ctc(inputs, labels_indices, labels_values, sequence_length,
               collapse=preprocess_collapse_repeated, merge=ctc_merge_repeated,
               ignore_longer=ignore_longer_outputs_than_inputs)


def ctc_loss(labels, inputs=None, sequence_length=None, preprocess_collapse_repeated=False,
             ctc_merge_repeated=True, ignore_longer_outputs_than_inputs=False,
             time_major=True, logits=None):
    """`tf.nn.ctc_loss` (TF1's): CTC loss of a SparseTensor of int32 labels under logits
    (max_time, batch, num_classes) (or batch-major), the last class the blank."""
    from scopeflow.ops.array import transpose
    from scopeflow.ops.constant import convert_to_tensor
    from scopeflow.ops.math_cast import cast
    from scopeflow.sparse_tensor import SparseTensor
    if not isinstance(labels, SparseTensor):
        raise TypeError("Expected labels (first argument) to be a SparseTensor")
    if inputs is not None and logits is not None:
        raise ValueError("Cannot specify both 'logits' and 'inputs'")
    inputs = convert_to_tensor(inputs if inputs is not None else logits, name="logits")
    if not time_major:
        inputs = transpose(inputs, [1, 0, 2])
    orig = inputs.dtype.base_dtype
    if orig in (_dt.float16, _dt.bfloat16):
        inputs = cast(inputs, _dt.float32)
    loss, _ = _ctc_loss(inputs, labels.indices, labels.values, sequence_length,
                        name="CTCLoss",
                        preprocess_collapse_repeated=bool(preprocess_collapse_repeated),
                        ctc_merge_repeated=bool(ctc_merge_repeated),
                        ignore_longer_outputs_than_inputs=bool(
                            ignore_longer_outputs_than_inputs))
    return cast(loss, orig) if orig in (_dt.float16, _dt.bfloat16) else loss
