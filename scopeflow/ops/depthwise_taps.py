"""Depthwise convolutions on CPU as sums of shifted slices, with TF's float bits.

XLA:CPU has no depthwise kernel: it runs a convolution of `c` groups as one convolution over
all channels with a block-diagonal filter, `c` times the work. MobileNet's layers at batch 32
(`tf.nn.depthwise_conv2d`, 3x3, in a Session; ms wall on 2 cores, forward / input gradient /
filter gradient, 2026-12-07) took 421 / 463 / 62 (112x112x32), 599 / 1010 / 100 (112x112x64,
stride 2), 137 / 113 / 85 (14x14x512) against TF's 7.8 / 10.6 / 5.6, 4.6 / 9.3 / 6.3 and
2.3 / 2.2 / 2.6.

TF's kernels (TF 2.21, probed with fed tensors: TF folds constant inputs with its Eigen kernel,
which rounds otherwise):

- float32 runs oneDNN's: each output adds its taps' products in row-major order as fused
  multiply-adds onto +0, and leaves padding out (an infinite weight over padding gives no NaN
  there); the input gradient adds, for each input pixel, the taps that reach it in row-major
  order (then the channel multiplier's), the same way;
- float64 runs Eigen's: a rounding a product and one a sum, padding zeros multiplied too (an
  infinite weight over padding gives NaN), the input gradient over the output gradient with
  zeros between and around its pixels.

Here, both bit for bit (but float64's input gradient with a channel multiplier above 1, whose
order is Eigen's own):

- forward: each of the kh*kw taps a strided slice of the padded input times the tap's
  per-channel weights, summed in one loop fusion; float32's padding masked out of the sum;
- input gradient: float32 split by the input pixel's position modulo the strides (the pixels of
  one phase take the taps of one phase: shifted slices of the output gradient, padded once,
  no zeros between its pixels), the phases interleaved into the input's grid; float64 the
  same correlation over the output gradient dilated by the strides, all taps;
- a float32 fused multiply-add is taken in float64, where the product is exact, and rounded to
  float32 (see `_sum`);
- filter gradient: a loop over (image, block of output rows), see `filter_grad`; its order is
  not TF's (within 1e-5 relative).

The forward pass and input gradient are computed once, as the branch of a conditional (see
`conv_fast._materialized_taps`). Taken on CPU for undilated NHWC float32 / float64 with the
input's channels the filter's, at most `MAX_TAPS` taps; other cases stay XLA's grouped
convolution (which mixes channels: a NaN in one channel's input made every channel's filter
gradient NaN). `tf.nn.depthwise_conv2d` with a `rate` dilates through space_to_batch, so its
op is undilated. A dilated op (`dilations` on the op itself) is not reproduced.
"""

import functools

import jax
import jax.numpy as jnp
from jax import lax

from scopeflow.ops.rounding import round_each

MAX_TAPS = 121  # kh * kw, at most (an 11x11 filter): one fused loop of that many terms


def eligible(x, w, data_format, dilations):
    """Whether the tap sums apply to input `x` (NHWC) and filter `w` (kh, kw, c, m), arrays or
    shape-dtype structs, undilated (TF's dilated kernel skips the padding: other values)."""
    if jax.default_backend() != "cpu" or data_format != "NHWC":
        return False
    if any(r != 1 for r in (dilations or ())):
        return False
    if len(x.shape) != 4 or len(w.shape) != 4 or x.dtype != w.dtype:
        return False
    if x.dtype not in (jnp.float32, jnp.float64):
        return False
    kh, kw, c, m = w.shape
    return x.shape[3] == c and 0 < kh * kw <= MAX_TAPS and min(c, m, x.shape[0]) > 0


def _out_size(size, k, stride, rate):
    return max((size - (k - 1) * rate - 1) // stride + 1, 0)


def _plus_zero(t):
    """0 + t: -0 becomes +0 (TF's sums start from +0; XLA drops an added constant zero)."""
    return jnp.where(t == 0, jnp.zeros((), t.dtype), t)


def _fused(dtype):
    """Whether TF's kernel for `dtype` is oneDNN's (float32: fused multiply-adds, padding left
    out of the sums) rather than Eigen's (float64: a rounding a product and a sum, padding
    zeros multiplied too)."""
    return dtype == jnp.float32


def _sum(terms, fused):
    """The terms' products added in order to +0, each step rounded to the dtype: fused
    multiply-adds (float32) or a rounding a product and one a sum. A fused multiply-add
    a * b + acc of float32 values is taken in float64, where the product is exact, then
    rounded to float32: TF's fused result whether or not XLA:CPU contracts the float64
    product into the add (XLA's own contraction of float32 products proved shape-dependent),
    but for a double rounding (when the float64 sum falls exactly halfway between two
    float32 values: about one sum in 2^29). A term (a, b, live) is added only where `live`
    (a slice of a padded array of ones) is not 0: padding left out, whatever the weight."""
    acc = None
    for term in terms:
        a, b = term[:2]
        if fused:
            wide = a.astype(jnp.float64) * b.astype(jnp.float64)
            if acc is not None:
                wide = wide + acc.astype(jnp.float64)
            new = wide.astype(a.dtype)
        else:
            new = round_each(a * b)
            if acc is not None:
                new = acc + new
        if acc is None:
            new = _plus_zero(new)
        if len(term) > 2:
            live = term[2] > 0
            if live.ndim < new.ndim:
                live = live[..., None]
            new = jnp.where(live, new, jnp.zeros((), new.dtype) if acc is None else acc)
        acc = new
    return acc


def _cut(src, start, out_hw, strides):
    """src[:, start_h::sh, start_w::sw, :], out_hw rows and columns."""
    end = (start[0] + (out_hw[0] - 1) * strides[0] + 1, start[1] + (out_hw[1] - 1) * strides[1] + 1)
    return lax.slice(src, (0, start[0], start[1], 0), (src.shape[0], end[0], end[1], src.shape[3]),
                     (1, strides[0], strides[1], 1))


def _hits(first, step, count, size):
    """Whether any of first + k * step (k < count) lies in [0, size): a tap that reads some
    of the input (or gradient), not only padding."""
    return any(0 <= first + k * step < size for k in range(count))


def _once(fn, operands):
    """fn(*operands) as both branches of a conditional XLA cannot fold: a buffer computed once
    instead of a loop fused into, and recomputed by, each consumer."""
    w = operands[1]
    return lax.cond(jnp.isnan(w.reshape(-1)[0]), lambda ops: fn(*ops), lambda ops: fn(*ops),
                    operands)


def _forward(x, w, strides, pads, rates):
    kh, kw, c, m = w.shape
    oh = _out_size(x.shape[1] + sum(pads[0]), kh, strides[0], rates[0])
    ow = _out_size(x.shape[2] + sum(pads[1]), kw, strides[1], rates[1])
    if oh == 0 or ow == 0:
        return jnp.zeros((x.shape[0], oh, ow, c * m), x.dtype)
    cfg = ((0, 0), tuple(pads[0]), tuple(pads[1]), (0, 0))
    xp, fused = jnp.pad(x, cfg), _fused(x.dtype)
    ones = jnp.pad(jnp.ones((1,) + x.shape[1:3] + (1,), x.dtype), cfg) if fused else None

    def terms():
        for i in range(kh):
            for j in range(kw):
                at = (i * rates[0], j * rates[1])
                if fused and not (
                        _hits(at[0] - pads[0][0], strides[0], oh, x.shape[1])
                        and _hits(at[1] - pads[1][0], strides[1], ow, x.shape[2])):
                    continue  # only padding under this tap: left out as by oneDNN (a zero
                    # term XLA could fold away, leaving two products to one add)
                live = () if ones is None else (_cut(ones, at, (oh, ow), strides),)
                piece = _cut(xp, at, (oh, ow), strides)
                if m == 1:
                    yield (piece, w[i, j, :, 0]) + live
                else:
                    yield (piece[..., None], w[i, j]) + live

    out = _sum(terms(), fused)
    if out is None:  # no tap reads the input
        return jnp.zeros((x.shape[0], oh, ow, c * m), x.dtype)
    return out.reshape(out.shape[:3] + (c * m,))


def forward(x, w, strides, pads, rates):
    """The depthwise convolution of NHWC `x` with `w` (kh, kw, c, m): (n, oh, ow, c * m)."""
    return _once(functools.partial(_forward, strides=strides, pads=pads, rates=rates), (x, w))


def _input_grad(dy, w, shape, strides, pads, rates):
    """`input_grad` as Eigen's kernel (float64): every tap, zeros included."""
    n, h, wd, c = shape
    kh, kw, _, m = w.shape
    oh, ow = dy.shape[1:3]
    if oh == 0 or ow == 0 or h == 0 or wd == 0:
        return jnp.zeros(shape, dy.dtype)
    # input row p takes w's tap i from the output gradient's row (p + pad - i * rate) / stride
    # where that is whole and in range, else a zero: the gradient with zeros between its rows
    # (interior padding) and around them
    lows = [(k - 1) * rates[a] - pads[a][0] for a, k in enumerate((kh, kw))]
    flipped = w[::-1, ::-1]  # tap (i, j) below is w's (kh-1-i, kw-1-j)
    zero = jnp.zeros((), dy.dtype)

    def pad_for(src, r, q):
        """`src` padded for the tap at offset (r, q): (., h, w, .)."""
        cfg = [(0, 0, 0), None, None, (0, 0, 0)]
        for a, (size, off, o) in enumerate(((h, r, oh), (wd, q, ow))):
            lo = lows[a] - off
            cfg[1 + a] = (lo, size - lo - (o - 1) * strides[a] - 1, strides[a] - 1)
        return lax.pad(src, zero, cfg)

    padded = functools.partial(pad_for, dy)
    if strides == (1, 1):  # one padded copy, sliced per tap (measured faster)
        span = ((kh - 1) * rates[0], (kw - 1) * rates[1])
        whole = lax.pad(dy, zero, [(0, 0, 0), (lows[0], h + span[0] - lows[0] - oh, 0),
                                   (lows[1], wd + span[1] - lows[1] - ow, 0), (0, 0, 0)])

        def padded(r, q):  # noqa: F811 - the stride-1 form
            return lax.slice(whole, (0, r, q, 0), (n, r + h, q + wd, whole.shape[3]))

    def terms():
        for i in reversed(range(kh)):  # w's taps in row-major order
            for j in reversed(range(kw)):
                piece = padded(i * rates[0], j * rates[1])
                if m == 1:
                    yield piece, flipped[i, j, :, 0]
                    continue
                split = piece.reshape(piece.shape[:3] + (c, m))
                for k in range(m):
                    yield split[..., k], flipped[i, j, :, k]

    return _sum(terms(), _fused(dy.dtype))


def _phase_taps(a, pad, stride, k):
    """For the input rows a, a + stride, ...: [(tap, shift)], the filter taps that reach them
    in ascending order, each with the output row shift (row u takes output row u + shift)."""
    first = (a + pad) % stride
    return [(i, (a + pad - i) // stride) for i in range(first, k, stride)]


def _input_grad_phases(dy, w, shape, strides, pads):
    """`_input_grad` for float32 (TF's oneDNN kernel: each input pixel adds the products that
    reach it, taps in row-major order, fused multiply-adds, nothing for padding), split by the
    input pixel's position modulo the strides: the pixels of one phase take the taps of one
    phase only, shifted slices of the output gradient (padded once, no zeros between its
    pixels). The phases interleave into the input's grid."""
    n, h, wd, c = shape
    kh, kw, _, m = w.shape
    oh, ow = dy.shape[1:3]
    sh, sw = strides
    big = (-(-h // sh), -(-wd // sw))  # rows, columns a phase
    taps = [[_phase_taps(a, pads[0][0], sh, kh) for a in range(sh)],
            [_phase_taps(a, pads[1][0], sw, kw) for a in range(sw)]]
    cfg = [(0, 0)]
    for axis, size in enumerate((oh, ow)):
        shifts = [q for phase in taps[axis] for _, q in phase] or [0]
        lo = max(0, -min(shifts))
        cfg.append((lo, max(0, big[axis] - 1 + max(shifts) + lo - (lo + size - 1))))
    cfg.append((0, 0))
    dyp = jnp.pad(dy, cfg)
    ones = jnp.pad(jnp.ones((1, oh, ow, 1), dy.dtype), cfg)
    lo_h, lo_w = cfg[1][0], cfg[2][0]

    def cut(src, qh, qw):
        return lax.slice(src, (0, lo_h + qh, lo_w + qw, 0),
                         (src.shape[0], lo_h + qh + big[0], lo_w + qw + big[1], src.shape[3]))

    def terms(phase_h, phase_w):
        for i, qh in phase_h:
            for j, qw in phase_w:
                if not (_hits(qh, 1, big[0], oh) and _hits(qw, 1, big[1], ow)):
                    continue  # only padding under this tap (see `_forward`)
                piece = cut(dyp, qh, qw)
                live = cut(ones, qh, qw)
                if m == 1:
                    yield piece, w[i, j, :, 0], live
                    continue
                split = piece.reshape(piece.shape[:3] + (c, m))
                for k in range(m):  # (TF adds the multiplier's terms one by one)
                    yield split[..., k], w[i, j, :, k], live

    rows = []
    for phase_h in taps[0]:
        cols = []
        for phase_w in taps[1]:
            out = _sum(terms(phase_h, phase_w), True)
            cols.append(jnp.zeros((n,) + big + (c,), dy.dtype) if out is None else out)
        rows.append(cols[0] if sw == 1 else jnp.stack(cols, axis=3))  # (n, A_h, A_w[, sw], c)
    out = rows[0] if sh == 1 else jnp.stack(rows, axis=2)  # (n, A_h[, sh], A_w[, sw], c)
    out = out.reshape(n, big[0] * sh, big[1] * sw, c)
    return out[:, :h, :wd, :] if out.shape[1:3] != (h, wd) else out


def input_grad(dy, w, shape, strides, pads, rates):
    """The gradient with respect to the NHWC input of `shape` of `forward`, given its output's
    gradient `dy`."""
    if _fused(dy.dtype):  # (`eligible` takes undilated ops only)
        fn = functools.partial(_input_grad_phases, shape=shape, strides=strides, pads=pads)
    else:
        fn = functools.partial(_input_grad, shape=shape, strides=strides, pads=pads,
                               rates=rates)
    return _once(fn, (dy, w))


def _block_rows(oh, taps):
    """Output rows a step of the filter gradient's loop adds: about BLOCK_TERMS row products
    (rows x taps) a step, at most `oh`. Measured (32 images, 3x3, ms a filter gradient at
    7 / 14 / 28 / 56 rows): 112x112x32 66 / 68 / 21 / 21; 56x56x128 52 / 57 / 22 / 24; more
    terms compile longer (28 rows 1.0 s, 56 rows 1.3 s)."""
    return int(max(1, min(oh, BLOCK_TERMS // taps)))


BLOCK_TERMS = 252


def filter_grad(x, dy, shape, strides, pads, rates, rows=None):
    """The gradient with respect to the filter of `shape` (kh, kw, c, m) of `forward`: per tap,
    the sum over images and pixels of the input under the tap times the output gradient. A
    loop over (image, block of output rows) adds each block's products row by row into a
    (taps, width, c * m) accumulator, summed over the width at the end (XLA's reduce over the
    batch and pixel dims, with the channels kept, measured 4-15x slower). Padding zeros are
    multiplied too (TF's float32 kernel may leave them out: an infinite output gradient there
    gives NaN here; not probed)."""
    kh, kw, c, m = shape
    n, oh, ow = dy.shape[:3]
    if oh == 0 or ow == 0 or n == 0:
        return jnp.zeros(shape, dy.dtype)
    (sh, sw), (dh, dw) = strides, rates
    xp = jnp.pad(x, ((0, 0), tuple(pads[0]), tuple(pads[1]), (0, 0)))
    rows = rows or _block_rows(oh, kh * kw)
    span_w = (ow - 1) * sw + 1

    def block(acc, img, h0, count):
        need = (count - 1) * sh + (kh - 1) * dh + 1
        xs = lax.dynamic_slice(xp, (img, h0 * sh, 0, 0), (1, need, xp.shape[2], c))[0]
        gs = lax.dynamic_slice(dy, (img, h0, 0, 0), (1, count, ow, c * m))[0]
        sums = []
        for i in range(kh):
            for j in range(kw):
                total = None
                for r in range(count):
                    xrow = lax.slice(xs[r * sh + i * dh], (j * dw, 0), (j * dw + span_w, c),
                                     (sw, 1))
                    if m > 1:  # (channel k of the gradient is input channel k // m)
                        xrow = jnp.repeat(xrow, m, axis=1)
                    t = xrow * gs[r]
                    total = t if total is None else total + t
                sums.append(total)
        return acc + jnp.stack(sums)

    acc = jnp.zeros((kh * kw, ow, c * m), dy.dtype)
    full, rest = divmod(oh, rows)
    if full:
        acc = lax.fori_loop(0, n * full, lambda k, a: block(a, k // full, (k % full) * rows,
                                                            rows), acc)
    if rest:
        acc = lax.fori_loop(0, n, lambda k, a: block(a, k, full * rows, rest), acc)
    return jnp.sum(acc, axis=1).reshape(shape)
