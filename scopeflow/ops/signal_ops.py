"""`tf.signal` beyond the Fourier transforms, built from graph ops with TF's arithmetic:
windows (hann, hamming), frame / overlap_and_add, stft / inverse_stft, the mel filterbank,
MFCCs and DCT types 2 and 3.

    >>> import scopeflow.compat.v1 as tf
    >>> tf.signal.stft(tf.zeros([4000]), 256, 128).shape.as_list()
    [30, 129]
"""

import math as _math

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops import math as m
from scopeflow.ops import spectral
from scopeflow.ops.array_base import static_value
from scopeflow.ops.op_util import array_ops as a
from scopeflow.ops.op_util import name_scope, tensor

_MEL_BREAK_FREQUENCY_HERTZ = 700.0
_MEL_HIGH_FREQUENCY_Q = 1127.0


def _scalar(t, what):
    if t.shape._dims not in (None, ()):
        raise ValueError("Shape %s must have rank 0" % t.shape)
    return t


# ---- windows --------------------------------------------------------------------------------
def _raised_cosine(name, default, window_length, periodic, dtype, a0, b0):
    dtype = _dt.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError("dtype must be a floating point type. Found %s" % dtype)
    with name_scope(name, default, [window_length, periodic]):
        n_t = _scalar(tensor(window_length, dtype=_dt.int32, name="window_length"), "length")
        known = static_value(n_t)
        if known is not None and int(known) == 1:
            return a.ones([1], dtype=dtype)
        periodic = m.cast(tensor(periodic, dtype=_dt.bool, name="periodic"), _dt.int32)
        even = 1 - m.mod(n_t, 2)
        denom = m.cast(n_t + periodic * even - 1, dtype)
        count = m.cast(a.range(n_t), dtype)
        arg = tensor(2 * np.pi, dtype=dtype) * count / denom
        return m.cast(a0 - b0 * m.cos(arg), dtype)


def hann_window(window_length, periodic=True, dtype=_dt.float32, name=None):
    """`tf.signal.hann_window`: 0.5 - 0.5 cos(2 pi n / N) (N = length, or length - 1)."""
    return _raised_cosine(name, "hann_window", window_length, periodic, dtype, 0.5, 0.5)


def hamming_window(window_length, periodic=True, dtype=_dt.float32, name=None):
    """`tf.signal.hamming_window`: 0.54 - 0.46 cos(2 pi n / N)."""
    return _raised_cosine(name, "hamming_window", window_length, periodic, dtype, 0.54, 0.46)


# ---- frame / overlap_and_add ----------------------------------------------------------------
def frame(signal, frame_length, frame_step, pad_end=False, pad_value=0, axis=-1, name=None):
    """`tf.signal.frame`: windows of `frame_length` samples every `frame_step` along `axis`,
    (..., frames, frame_length, ...); with `pad_end` the last windows are padded."""
    with name_scope(name, "frame", [signal, frame_length, frame_step, pad_value]):
        signal = tensor(signal, name="signal")
        length = _scalar(tensor(frame_length, name="frame_length"), "frame_length")
        step = _scalar(tensor(frame_step, name="frame_step"), "frame_step")
        dims = signal.shape._dims
        if dims is not None and len(dims) < 1:
            raise ValueError("Shape %s must have rank at least 1" % signal.shape)
        if dims is None:
            raise NotImplementedError("tf.signal.frame needs the signal's rank")
        ax = int(axis) % len(dims)
        samples = a.shape(signal)[ax]
        if pad_end:
            frames = -(-samples // step)
            extra = m.maximum(0, length + step * (frames - 1) - samples)
            pads = a.concat([a.zeros([ax, 2], _dt.int32), a.reshape(a.stack([0, extra]), [1, 2]),
                             a.zeros([len(dims) - ax - 1, 2], _dt.int32)], 0)
            signal = a.pad(signal, pads, constant_values=tensor(pad_value, dtype=signal.dtype))
        else:
            frames = m.maximum(0, 1 + (samples - length) // step)
        # (frames, frame_length): the sample index of each window entry
        index = a.reshape(a.range(frames) * step, [-1, 1]) + a.reshape(a.range(length), [1, -1])
        out = a.gather(signal, index, axis=ax)
        static = _frame_dims(dims, ax, static_value(length), static_value(step), pad_end)
        out.set_shape(static)
        return out


def _frame_dims(dims, ax, length, step, pad_end):
    n, frames = dims[ax], None
    length = None if length is None else int(length)
    if n is not None and step is not None:
        if pad_end:
            frames = max(0, -(-n // int(step)))
        elif length is not None:
            frames = max(0, (n - length + int(step)) // int(step))
    return list(dims[:ax]) + [frames, length] + list(dims[ax + 1:])


def overlap_and_add(signal, frame_step, name=None):
    """`tf.signal.overlap_and_add`: frames (..., frames, frame_length) summed into a signal
    of frame_length + frame_step * (frames - 1) samples."""
    with name_scope(name, "overlap_and_add", [signal, frame_step]):
        signal = tensor(signal, name="signal")
        dims = signal.shape._dims
        if dims is not None and len(dims) < 2:
            raise ValueError("Shape %s must have rank at least 2" % signal.shape)
        step = _scalar(tensor(frame_step, name="frame_step"), "frame_step")
        if not step.dtype.is_integer:
            raise ValueError("frame_step must be an integer. Got %s" % step.dtype)
        shape = a.shape(signal)
        outer, frames, length = shape[:-2], shape[-2], shape[-1]
        out_len = length + step * (frames - 1)
        # (frames * frame_length,) target sample of each entry; sums with segment_sum over
        # the frames axis moved first
        index = a.reshape(a.reshape(a.range(frames) * step, [-1, 1])
                          + a.reshape(a.range(length), [1, -1]), [-1])
        rank = a.rank(signal)
        flat = a.reshape(signal, a.concat([outer, [-1]], 0))
        perm = a.concat([[rank - 2], a.range(rank - 2)], 0)
        moved = a.transpose(flat, perm)
        from scopeflow.ops.segments import unsorted_segment_sum
        summed = unsorted_segment_sum(moved, index, out_len)
        back = a.concat([a.range(1, rank - 1), [0]], 0)
        return a.transpose(summed, back)


# ---- stft -----------------------------------------------------------------------------------
def _enclosing_power_of_two(value):
    v = static_value(value)
    if v is not None:
        return tensor(int(2 ** np.ceil(np.log(v) / np.log(2.0))), dtype=value.dtype)
    return m.cast(m.pow(2.0, m.ceil(m.log(m.cast(value, _dt.float32)) / m.log(2.0))),
                  value.dtype)


def stft(signals, frame_length, frame_step, fft_length=None, window_fn=hann_window,
         pad_end=False, name=None):
    """`tf.signal.stft`: rfft of the windowed frames, fft_length // 2 + 1 bins."""
    with name_scope(name, "stft", [signals, frame_length, frame_step]):
        signals = tensor(signals, name="signals")
        frame_length = _scalar(tensor(frame_length, name="frame_length"), "frame_length")
        frame_step = _scalar(tensor(frame_step, name="frame_step"), "frame_step")
        fft_length = (_enclosing_power_of_two(frame_length) if fft_length is None
                      else tensor(fft_length, name="fft_length"))
        framed = frame(signals, frame_length, frame_step, pad_end=pad_end)
        if window_fn is not None:
            framed *= window_fn(frame_length, dtype=framed.dtype)
        return spectral.rfft(framed, a.stack([fft_length]))


def inverse_stft_window_fn(frame_step, forward_window_fn=hann_window, name=None):
    """`tf.signal.inverse_stft_window_fn`: the forward window over the sum of its squared
    overlapping copies, so that stft then inverse_stft is the identity."""

    def window(frame_length, dtype):
        with name_scope(name, "inverse_stft_window_fn", []):
            step = tensor(frame_step, name="frame_step")
            length = tensor(frame_length, name="frame_length")
            forward = forward_window_fn(length, dtype=dtype)
            denom = m.square(forward)
            overlaps = -(-length // step)
            denom = a.pad(denom, a.reshape(a.stack([0, overlaps * step - length]), [1, 2]))
            denom = m.reduce_sum(a.reshape(denom, a.stack([overlaps, step])), 0, keepdims=True)
            denom = a.reshape(a.tile(denom, a.stack([overlaps, 1])), [-1])[:length]
            return a.where(m.equal(denom, 0.0), a.zeros_like(forward), forward / denom)

    return window


def inverse_stft(stfts, frame_length, frame_step, fft_length=None, window_fn=hann_window,
                 name=None):
    """`tf.signal.inverse_stft`: irfft of each frame, cut or padded to frame_length,
    windowed, and overlapped-added."""
    with name_scope(name, "inverse_stft", [stfts]):
        stfts = tensor(stfts, name="stfts")
        frame_length = _scalar(tensor(frame_length, name="frame_length"), "frame_length")
        frame_step = _scalar(tensor(frame_step, name="frame_step"), "frame_step")
        fft_length = (_enclosing_power_of_two(frame_length) if fft_length is None
                      else tensor(fft_length, name="fft_length"))
        frames = spectral.irfft(stfts, a.stack([fft_length]))
        n = static_value(frame_length)
        have = frames.shape._dims[-1] if frames.shape._dims else None
        if n is None or have is None:
            frames = frames[..., :frame_length]
            pad = m.maximum(0, frame_length - a.shape(frames)[-1])
            frames = a.pad(frames, a.concat([a.zeros([a.rank(frames) - 1, 2], _dt.int32),
                                             a.reshape(a.stack([0, pad]), [1, 2])], 0))
        elif have > int(n):
            frames = frames[..., :int(n)]
        elif have < int(n):
            frames = a.pad(frames, [[0, 0]] * (len(frames.shape._dims) - 1)
                           + [[0, int(n) - have]])
        if window_fn is not None:
            frames *= window_fn(frame_length, dtype=stfts.dtype.real_dtype)
        return overlap_and_add(frames, frame_step)


# ---- mel, dct, mfcc -------------------------------------------------------------------------
def _hertz_to_mel(hz):
    return _MEL_HIGH_FREQUENCY_Q * m.log(1.0 + hz / _MEL_BREAK_FREQUENCY_HERTZ)


def linear_to_mel_weight_matrix(num_mel_bins=20, num_spectrogram_bins=129, sample_rate=8000,
                                lower_edge_hertz=125.0, upper_edge_hertz=3800.0,
                                dtype=_dt.float32, name=None):
    """`tf.signal.linear_to_mel_weight_matrix`: (num_spectrogram_bins, num_mel_bins)
    triangular filters, evenly spaced in mel between the edges; bin 0 (DC) gets none."""
    dtype = _dt.as_dtype(dtype)
    _check_mel(num_mel_bins, sample_rate, lower_edge_hertz, upper_edge_hertz, dtype)
    with name_scope(name, "linear_to_mel_weight_matrix") as scope:
        rate = m.cast(sample_rate, dtype, name="sample_rate")
        lower = tensor(lower_edge_hertz, dtype=dtype, name="lower_edge_hertz")
        upper = tensor(upper_edge_hertz, dtype=dtype, name="upper_edge_hertz")
        zero = tensor(0.0, dtype=dtype)
        freqs = a.linspace(zero, rate / 2.0, num_spectrogram_bins)[1:]
        bins_mel = a.expand_dims(_hertz_to_mel(freqs), 1)
        edges = frame(a.linspace(_hertz_to_mel(lower), _hertz_to_mel(upper), num_mel_bins + 2),
                      frame_length=3, frame_step=1)
        lo, center, hi = (a.reshape(t, [1, num_mel_bins]) for t in a.split(edges, 3, axis=1))
        lower_slopes = (bins_mel - lo) / (center - lo)
        upper_slopes = (hi - bins_mel) / (hi - center)
        weights = m.maximum(zero, m.minimum(lower_slopes, upper_slopes))
        return a.pad(weights, [[1, 0], [0, 0]], name=scope)


def _check_mel(num_mel_bins, sample_rate, lower, upper, dtype):
    if num_mel_bins <= 0:
        raise ValueError("num_mel_bins must be positive. Got: %s" % num_mel_bins)
    if lower < 0.0:
        raise ValueError("lower_edge_hertz must be non-negative. Got: %s" % lower)
    if lower >= upper:
        raise ValueError("lower_edge_hertz %.1f >= upper_edge_hertz %.1f" % (lower, upper))
    if sample_rate <= 0.0:
        raise ValueError("sample_rate must be positive. Got: %s" % sample_rate)
    if upper > sample_rate / 2:
        raise ValueError("upper_edge_hertz must not be larger than the Nyquist frequency "
                         "(sample_rate / 2). Got %s for sample_rate: %s" % (upper, sample_rate))
    if not dtype.is_floating:
        raise ValueError("dtype must be a floating point type. Got: %s" % dtype)


def dct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002 - TF's names
    """`tf.signal.dct` of type 2 or 3 along the last axis (through an rfft of twice the
    length, as TF computes it); norm None or 'ortho'."""
    if axis != -1:
        raise NotImplementedError("axis must be -1. Got: %s" % axis)
    if type not in (2, 3) or n is not None:
        raise NotImplementedError("scopeflow's tf.signal.dct has types 2 and 3, without n")
    if norm not in (None, "ortho"):
        raise ValueError("Unknown normalization. Expected None or 'ortho', got: %s" % norm)
    with name_scope(name, "dct", [input]):
        x = tensor(input)
        zero = tensor(0.0, dtype=x.dtype)
        size = x.shape._dims[-1] if x.shape._dims else None
        size = size or a.shape(x)[-1]
        size_f = m.cast(size, x.dtype)
        sign = -1.0 if type == 2 else 1.0
        scale = 2.0 * m.exp(m.complex(zero, sign * a.range(size_f) * _math.pi * 0.5 / size_f))
        if type == 2:
            out = m.real(spectral.rfft(x, fft_length=[2 * size])[..., :size] * scale)
            if norm == "ortho":
                n1 = 0.5 * m.rsqrt(size_f)
                out *= a.pad(a.expand_dims(n1, 0), [[0, size - 1]],
                             constant_values=n1 * _math.sqrt(2.0))
            return out
        if norm == "ortho":
            n1 = m.sqrt(size_f)
            x *= a.pad(a.expand_dims(n1, 0), [[0, size - 1]], constant_values=n1 * _math.sqrt(0.5))
        else:
            x *= size_f
        return m.real(spectral.irfft(scale * m.complex(x, zero), fft_length=[2 * size]))[
            ..., :size]


def idct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002
    """`tf.signal.idct`: the DCT of the inverse type (2 <-> 3)."""
    return dct(input, type={2: 3, 3: 2}.get(type, type), n=n, axis=axis, norm=norm, name=name)


def mfccs_from_log_mel_spectrograms(log_mel_spectrograms, name=None):
    """`tf.signal.mfccs_from_log_mel_spectrograms`: the orthonormal DCT-II of the log-mel
    bins (TF's scaling: dct2 / sqrt(2 * num_mel_bins))."""
    with name_scope(name, "mfccs_from_log_mel_spectrograms", [log_mel_spectrograms]):
        x = tensor(log_mel_spectrograms)
        dims = x.shape._dims
        if dims and dims[-1] is not None:
            bins = dims[-1]
            if bins == 0:
                raise ValueError("num_mel_bins must be positive. Got: %s" % x)
        else:
            bins = a.shape(x)[-1]
        dct2 = dct(x, type=2)
        return dct2 * m.rsqrt(m.cast(bins, dct2.dtype) * 2.0)
