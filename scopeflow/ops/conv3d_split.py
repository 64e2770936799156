"""3-D convolutions as 2-D ones: the depth taps' slices folded into the batch.

XLA:CPU runs a 3-D convolution with its own loop code, not with the Eigen kernel it gives 2-D
convolutions: 3x3x3 SAME, batch 2, ms wall on 2 cores (JAX alone, 2026-12-08), 16x32x32x16 ->
16 at stride 1 19.0 (TF 2.21: 2.7), -> 32 at stride 2 3.7, 4x16x32x32x1 -> 16 15.3. Here the
output's depth positions become batch entries: for depth tap i the input's depth slices
i, i + s_d, ... ((n, od, H, W, C), reshaped to (n * od, H, W, C)) go through the 2-D
convolution with the filter's slice w[i], and the kd results are added: 3.0, 1.3 and 4.8 ms on
those shapes. Where the input has few channels the kd slices are instead stacked along the
channels, one 2-D convolution with kd * C input channels (the one-channel case: 2.5 ms; with
16 channels that measured 4.6 against the sum's 3.0; at 4x16x56x56 -> 32, 4 / 8 / 32
channels: stacked 10.5 / 19.0 / 160 ms, summed 49 / 58 / 111). The gradients are those of the
2-D convolutions (JAX's transposes of this function), again Eigen's.

Taken for NDHWC with one group, undilated in depth, float32 / float64. The sums' order is not
XLA's 3-D one nor TF's (oneDNN's): results agree within rounding.
"""

import jax.numpy as jnp
from jax import lax

FOLD_CHANNELS = 8  # at most this many input channels: the depth taps stacked along channels


def eligible(x, w, strides, dilations, data_format, groups):
    """Whether `conv3d` applies: 5-D NDHWC `x`, one group, undilated in depth, float32 or
    float64 (`strides`, `dilations`: the three spatial ones)."""
    del strides
    return (x.ndim == 5 and w.ndim == 5 and data_format == "NDHWC" and groups == 1
            and dilations[0] == 1 and x.dtype in (jnp.float32, jnp.float64)
            and w.shape[3] == x.shape[4] and min(x.shape) > 0 and min(w.shape) > 0)


def conv3d(x, w, strides, pads, dilations, conv2d):
    """The NDHWC convolution of `x` with `w` (kd, kh, kw, C, O): `strides` and `dilations` the
    three spatial ones, `pads` ((lo, hi) a spatial dim); `conv2d(x, w, strides, pads,
    dilations)` the 2-D convolution (NHWC, HWIO) to build it from."""
    n, depth = x.shape[:2]
    kd, o = w.shape[0], w.shape[-1]
    od = (depth + sum(pads[0]) - kd) // strides[0] + 1
    if od <= 0:  # no output depth: XLA's (empty) convolution
        return lax.conv_general_dilated(x, w, strides, [tuple(p) for p in pads],
                                        rhs_dilation=dilations,
                                        dimension_numbers=("NDHWC", "DHWIO", "NDHWC"))
    none = (0, 0, 0)
    xp = lax.pad(x, jnp.zeros((), x.dtype), (none, tuple(pads[0]) + (0,), none, none, none))

    def taken(i):  # input depths i, i + s_d, ...: (n * od, H, W, C)
        part = lax.slice_in_dim(xp, i, i + (od - 1) * strides[0] + 1, strides[0], axis=1)
        return part.reshape((n * od,) + x.shape[2:])

    if x.shape[-1] <= FOLD_CHANNELS and kd > 1:
        folded = jnp.concatenate([taken(i) for i in range(kd)], axis=-1)
        wf = jnp.moveaxis(w, 0, 2).reshape(w.shape[1:3] + (kd * w.shape[3], o))
        out = conv2d(folded, wf, strides[1:], pads[1:], dilations[1:])
    else:
        out = None
        for i in range(kd):
            part = conv2d(taken(i), w[i], strides[1:], pads[1:], dilations[1:])
            out = part if out is None else out + part
    return out.reshape((n, od) + out.shape[1:])
