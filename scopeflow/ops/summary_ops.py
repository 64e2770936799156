"""`tf.summary` ops: ScalarSummary, HistogramSummary, TensorSummaryV2 and MergeSummary.

Each op's value is a serialized `Summary` proto (a string scalar). Strings never enter XLA:
the kernels return host values (lowering/host.py), so the numbers a summary reads leave the
compiled program and the proto is written on the host after the run, as TF's CPU kernels do.

    loss_summary = tf.summary.scalar("loss", loss)      # op `loss`, tag "loss"
    merged = tf.summary.merge_all()                      # `Merge/MergeSummary`
    writer.add_summary(sess.run(merged), step)
"""

import functools
import re
import struct
import sys
import zlib

import numpy as np
from tensorboard.compat.proto import summary_pb2, tensor_pb2

from scopeflow import dtypes as _dt
from scopeflow import errors
from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys
from scopeflow.core.shape import TensorShape
from scopeflow.lowering.context import run_error
from scopeflow.lowering.host import host_value
from scopeflow.ops.constant import convert_to_tensor
from scopeflow.ops.op_util import name_scope
from scopeflow.ops.registry import ANY, op
from scopeflow.summary.graph_def import shape_proto

_SCALAR = TensorShape._of(())
# ScalarSummary's and HistogramSummary's `T` (TF's realnumbertypes, in TF's order)
_REAL = ("float32", "float64", "int32", "uint8", "int16", "int8", "int64", "bfloat16", "uint16",
         "float16", "uint32", "uint64")


def _summary_spec(*inputs, **attrs):
    return _SCALAR, _dt.string


def _real_summary_spec(tag, values):
    name = values.dtype.base_dtype.name
    if name not in _REAL:
        raise TypeError("Value passed to parameter 'values' has DataType %s not in list of "
                        "allowed values: %s" % (name, ", ".join(_REAL)))
    return _SCALAR, _dt.string


def _text(b):
    return b.decode() if isinstance(b, bytes) else str(b)


def _serialized(values):
    return np.asarray(summary_pb2.Summary(value=values).SerializeToString(), dtype=object)


# ---- kernels: run on the host after the program (see the module docstring) ------------------
def _scalar_proto(op, tags, values):
    tags, values = np.asarray(tags), np.asarray(values)
    if tags.shape != values.shape:
        raise run_error(errors.InvalidArgumentError, op, "tags and values are not the same shape: "
                        "%s != %s%s" % (_dims(tags), _dims(values), _single_tag(tags)))
    return _serialized([summary_pb2.Summary.Value(tag=_text(t), simple_value=float(v))
                        for t, v in zip(tags.reshape(-1).tolist(), values.reshape(-1).tolist())])


def _dims(a):
    return "[%s]" % ",".join(str(d) for d in a.shape)


def _single_tag(tags):
    return " (tag '%s')" % _text(tags[()]) if tags.ndim == 0 else ""


_DBL_MAX = sys.float_info.max


def _default_limits():
    """TF's default histogram bucket limits: +-1e-12 growing by 10% up to 1e20, then DBL_MAX."""
    pos, v = [], 1.0e-12
    while v < 1.0e20:
        pos.append(v)
        v *= 1.1
    pos.append(_DBL_MAX)
    return np.asarray([-x for x in reversed(pos)] + [0.0] + pos)


_LIMITS = _default_limits()
_ZERO_BUCKET = int(np.searchsorted(_LIMITS, 0.0, side="right"))


def histogram_proto(values):
    """TF's HistogramProto of `values` (as doubles): its bucket limits, sums added in order,
    runs of empty buckets collapsed into one."""
    v = np.asarray(values).reshape(-1)
    if v.dtype.kind not in "biuf":
        v = v.astype(np.float64)
    # Zeros (most of a dense embedding gradient) all fall in one bucket and add nothing to the
    # sums, so only the other values are searched and summed (the same sums, bit for bit).
    x = v[v != 0].astype(np.float64)
    # (DBL_MAX itself would fall past the last bucket: TF leaves that undefined; it is kept)
    index = np.minimum(np.searchsorted(_LIMITS, x, side="right"), _LIMITS.size - 1)
    counts = np.bincount(index, minlength=_LIMITS.size)
    counts[_ZERO_BUCKET] += v.size - x.size
    with np.errstate(over="ignore"):  # sums of huge values overflow to inf, as in TF
        sums = (float(np.cumsum(x)[-1]), float(np.cumsum(x * x)[-1])) if x.size else (0.0, 0.0)
    h = summary_pb2.HistogramProto(
        min=float(v.min()) if v.size else _DBL_MAX, max=float(v.max()) if v.size else -_DBL_MAX,
        num=float(v.size), sum=sums[0], sum_squares=sums[1])
    # a bucket is kept if it holds values, or if it ends a run of empty ones (its limit then
    # stands for the run, with a count of 0), as TF's EncodeToProto collapses them
    full = counts > 0
    keep = full | np.append(full[1:], True)
    h.bucket_limit.extend(_LIMITS[keep].tolist())
    h.bucket.extend(counts[keep].astype(np.float64).tolist())
    return h


def _histogram_proto(op, tag, values):
    x = np.asarray(values)
    if x.dtype.kind not in "biuf":
        x = x.astype(np.float64)
    if np.isnan(x).any():
        raise run_error(errors.InvalidArgumentError, op,
                        "Nan in summary histogram for: %s" % op._name)
    if np.isinf(x).any():
        raise run_error(errors.InvalidArgumentError, op, "Infinity in Histogram for: %s" % op._name)
    return _serialized([summary_pb2.Summary.Value(tag=_text(np.asarray(tag)[()]),
                                                  histo=histogram_proto(x))])


def _content_proto(a, dtype):
    """TensorProto as TF's `AsProtoTensorContent`: raw bytes, or string_val for strings."""
    tp = tensor_pb2.TensorProto(dtype=dtype.as_datatype_enum,
                                tensor_shape=shape_proto(list(a.shape)))
    if dtype is _dt.string:
        tp.string_val.extend(s if isinstance(s, bytes) else str(s).encode()
                             for s in a.reshape(-1).tolist())
    else:
        tp.tensor_content = np.ascontiguousarray(a, dtype=dtype.as_numpy_dtype).tobytes()
    return tp


def _tensor_proto_summary(op, tag, tensor, metadata):
    meta = summary_pb2.SummaryMetadata.FromString(np.asarray(metadata)[()])
    value = summary_pb2.Summary.Value(
        tag=_text(np.asarray(tag)[()]), metadata=meta,
        tensor=_content_proto(np.asarray(tensor), op._inputs[1]._dtype.base_dtype))
    return _serialized([value])


# ---- images and audio ------------------------------------------------------------------------
_BAD_COLOR = np.asarray([255, 0, 0, 255], np.uint8)  # TF's default for non-finite pixels
_IMAGE_TYPES = ("uint8", "float32", "float16", "float64")


def _min_attr(op_type, attr, value):
    if value < 1:
        raise ValueError("Attr '%s' of '%s' Op passed %d less than minimum 1."
                         % (attr, op_type, value))


def _image_spec(tag, tensor, *, max_images, bad_color):
    name = tensor.dtype.base_dtype.name
    if name not in _IMAGE_TYPES:
        raise TypeError("Value passed to parameter 'tensor' has DataType %s not in list of "
                        "allowed values: %s" % (name, ", ".join(_IMAGE_TYPES)))
    _min_attr("ImageSummary", "max_images", max_images)
    return _SCALAR, _dt.string


def _audio_spec(tag, tensor, sample_rate, *, max_outputs):
    name = tensor.dtype.base_dtype.name
    if name != "float32":
        raise TypeError("Input 'tensor' of 'AudioSummaryV2' Op has type %s that does not match "
                        "expected type of float32." % name)
    _min_attr("AudioSummaryV2", "max_outputs", max_outputs)
    return _SCALAR, _dt.string


def _uint8_image(x, bad_color):
    """TF's NormalizeFloatImage: [h*w, depth] floats -> uint8. All-positive images scale so
    the largest value is 255; others put 0.0 at 128 and scale by the largest magnitude.
    Pixels with a non-finite channel take `bad_color`; the arithmetic is in x's own type."""
    finite = np.isfinite(x).all(axis=1)
    good = x[finite].astype(np.float32)
    lo = good.min() if good.size else np.float32(np.inf)
    hi = good.max() if good.size else np.float32(-np.inf)
    t = x.dtype.type
    if lo < 0:
        top = max(abs(lo), abs(hi))
        scale, offset = t(0.0 if top < np.float32(1e-6) else np.float32(127.0) / top), t(128.0)
    else:
        scale, offset = t(0.0 if hi < np.float32(1e-6) else np.float32(255.0) / hi), t(0.0)
    with np.errstate(invalid="ignore", over="ignore"):
        out = (x * scale + offset).astype(np.uint8)
    out[~finite] = bad_color[:x.shape[1]]
    return out


def png(pixels):
    """PNG bytes of a [height, width, 1|3|4] uint8 array (zlib's default compression)."""
    h, w, depth = pixels.shape
    color_type = {1: 0, 3: 2, 4: 6}[depth]
    rows = np.concatenate([np.zeros((h, 1), np.uint8), pixels.reshape(h, w * depth)], axis=1)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))

    header = struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6)) + chunk(b"IEND", b""))


def _image_proto(op, tag, tensor, max_images, bad_color):
    tag, x = np.asarray(tag), np.asarray(tensor)
    if tag.ndim != 0:
        raise run_error(errors.InvalidArgumentError, op, "Tags must be a scalar")
    if x.ndim != 4 or x.shape[3] not in (1, 3, 4):
        raise run_error(errors.InvalidArgumentError, op, "Tensor must be 4-D with last dim 1, "
                        "3, or 4, not %s" % _dims(x))
    batch, h, w, depth = x.shape
    values = []
    for i in range(min(max_images, batch)):
        pixels = x[i].reshape(h * w, depth)
        if x.dtype != np.uint8:
            pixels = _uint8_image(pixels, np.asarray(bad_color, np.uint8))
        suffix = "/image/%d" % i if max_images > 1 else "/image"
        values.append(summary_pb2.Summary.Value(tag=_text(tag[()]) + suffix, image=(
            summary_pb2.Summary.Image(height=h, width=w, colorspace=depth,
                                      encoded_image_string=png(pixels.reshape(h, w, depth))))))
    return _serialized(values)


def wav(samples, sample_rate):
    """16-bit PCM WAV bytes of [frames, channels] floats in [-1, 1] (rounded, clamped)."""
    frames, channels = samples.shape
    scaled = np.asarray(samples, np.float32) * np.float32(32768.0)
    ints = np.clip(np.trunc(scaled.astype(np.float64) + np.copysign(0.5, scaled)),
                   -32768, 32767).astype("<i2")
    data = ints.tobytes()
    return (b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt "
            + struct.pack("<IHHIIHH", 16, 1, channels, sample_rate, sample_rate * channels * 2,
                          channels * 2, 16) + b"data" + struct.pack("<I", len(data)) + data)


def _audio_proto(op, tag, tensor, sample_rate, max_outputs):
    tag, x = np.asarray(tag), np.asarray(tensor, np.float32)
    if tag.ndim != 0:
        raise run_error(errors.InvalidArgumentError, op, "Tag must be a scalar")
    if x.ndim not in (2, 3):
        raise run_error(errors.InvalidArgumentError, op, "Tensor must be 3-D or 2-D, got: %s"
                        % _dims(x))
    rate = np.float32(sample_rate)
    if not rate > 0:
        raise run_error(errors.InvalidArgumentError, op, "sample_rate must be > 0")
    batch, frames = x.shape[:2]
    channels = 1 if x.ndim == 2 else x.shape[2]
    whole_rate = int(np.rint(rate)) or 1
    values = []
    for i in range(min(max_outputs, batch)):
        suffix = "/audio/%d" % i if max_outputs > 1 else "/audio"
        clip = summary_pb2.Summary.Audio(
            sample_rate=float(rate), num_channels=channels, length_frames=frames,
            content_type="audio/wav",
            encoded_audio_string=wav(x[i].reshape(frames, channels), whole_rate))
        values.append(summary_pb2.Summary.Value(tag=_text(tag[()]) + suffix, audio=clip))
    return _serialized(values)


def _merged(op, *inputs):
    out, tags = [], set()
    for x in inputs:
        for s in np.asarray(x, dtype=object).reshape(-1).tolist():
            try:
                summary = summary_pb2.Summary.FromString(s)
            except Exception:  # noqa: BLE001 - protobuf's DecodeError and friends
                raise run_error(errors.InvalidArgumentError, op,
                                "Could not parse one of the summary inputs") from None
            for v in summary.value:
                if v.tag and v.tag in tags:  # TensorSummary values may leave the tag empty
                    raise run_error(errors.InvalidArgumentError, op, "Duplicate tag %s found "
                                    "in summary inputs " % v.tag)
                tags.add(v.tag)
                out.append(v)
    return _serialized(out)


@op("ScalarSummary", infer=_real_summary_spec, types={"tags": _dt.string, "values": ANY},
    context=True)
def _scalar_summary(ctx, tags, values):
    return host_value(functools.partial(_scalar_proto, ctx.op), tags, values)


@op("HistogramSummary", infer=_real_summary_spec, types={"tag": _dt.string, "values": ANY},
    context=True)
def _histogram_summary(ctx, tag, values):
    return host_value(functools.partial(_histogram_proto, ctx.op), tag, values)


@op("TensorSummaryV2", infer=_summary_spec,
    types={"tag": _dt.string, "tensor": ANY, "serialized_summary_metadata": _dt.string},
    context=True)
def _tensor_summary_v2(ctx, tag, tensor, serialized_summary_metadata):
    return host_value(functools.partial(_tensor_proto_summary, ctx.op), tag, tensor,
                      serialized_summary_metadata)


@op("ImageSummary", infer=_image_spec, types={"tag": _dt.string, "tensor": ANY},
    context=True)
def _image_summary(ctx, tag, tensor, *, max_images=3, bad_color=_BAD_COLOR):
    return host_value(functools.partial(_image_proto_of, ctx.op, max_images, bad_color), tag,
                      tensor)


@op("AudioSummaryV2", infer=_audio_spec,
    types={"tag": _dt.string, "tensor": ANY, "sample_rate": _dt.float32}, context=True)
def _audio_summary_v2(ctx, tag, tensor, sample_rate, *, max_outputs=3):
    return host_value(functools.partial(_audio_proto_of, ctx.op, max_outputs), tag, tensor,
                      sample_rate)


# (partials of module functions, not lambdas: a run found on disk by its graph names them,
# lowering/graph_key.py)
def _image_proto_of(op, max_images, bad_color, tag, tensor):
    return _image_proto(op, tag, tensor, max_images, bad_color)


def _audio_proto_of(op, max_outputs, tag, tensor, rate):
    return _audio_proto(op, tag, tensor, rate, max_outputs)


@op("MergeSummary", infer=_summary_spec, lists=("inputs",), types={"inputs": _dt.string},
    context=True)
def _merge_summary(ctx, inputs):
    return host_value(functools.partial(_merged, ctx.op), *inputs)


# ---- tf.summary -------------------------------------------------------------------------------
_INVALID_TAG_CHARACTERS = re.compile(r"[^-/\w\.]")


def clean_tag(name):
    """TF's summary tag cleaning: invalid characters become '_', leading slashes go."""
    if name is not None:
        name = _INVALID_TAG_CHARACTERS.sub("_", name).lstrip("/")
    return name


class _SummaryScope:
    """TF's `summary_scope`: a name scope named `family/name`; yields (tag, scope)."""

    def __init__(self, name, family, values):
        self._name, self._family = clean_tag(name), clean_tag(family)
        base = self._name if self._family is None else "%s/%s" % (self._family, self._name)
        self._scope = name_scope(base, None, values)

    def __enter__(self):
        scope = self._scope.__enter__()
        tag = scope.rstrip("/")
        if self._family is not None:
            tag = "%s/%s" % (self._family, tag)
        return tag, scope

    def __exit__(self, *exc):
        return self._scope.__exit__(*exc)


def _collect(value, collections, default):
    g = default_graph()
    for key in (default if collections is None else collections):
        g.add_to_collection(key, value)


def scalar(name, tensor, collections=None, family=None):
    """`tf.summary.scalar`: a ScalarSummary op named `name` (tag: its scope), in SUMMARIES.

    >>> import scopeflow as tf
    >>> tf.summary.scalar("loss", tf.constant(1.0)).name
    'loss:0'
    """
    with _SummaryScope(name, family, [tensor]) as (tag, scope):
        val = _scalar_summary(tag, tensor, name=scope)
        _collect(val, collections, [GraphKeys.SUMMARIES])
    return val


def histogram(name, values, collections=None, family=None):
    """`tf.summary.histogram`: a HistogramSummary op with TF's default buckets."""
    with _SummaryScope(name, family, [values]) as (tag, scope):
        val = _histogram_summary(tag, values, name=scope)
        _collect(val, collections, [GraphKeys.SUMMARIES])
    return val


def tensor_summary(name, tensor, summary_description=None, collections=None,
                   summary_metadata=None, family=None, display_name=None):
    """`tf.summary.tensor_summary`: a TensorSummaryV2 op holding the whole tensor."""
    if summary_metadata is None:
        summary_metadata = summary_pb2.SummaryMetadata()
    if summary_description is not None:
        summary_metadata.summary_description = summary_description
    if display_name is not None:
        summary_metadata.display_name = display_name
    serialized = summary_metadata.SerializeToString()
    with _SummaryScope(name, family, [tensor]) as (tag, scope):
        val = _tensor_summary_v2(tag, tensor, serialized, name=scope)
        _collect(val, collections, [GraphKeys.SUMMARIES])
    return val


def text(name, tensor, collections=None):
    """`tf.summary.text`: a string tensor as a tensor summary for TensorBoard's text plugin."""
    if tensor.dtype != _dt.string:
        raise ValueError("Expected tensor %s to have dtype string, got %s"
                         % (tensor.name, tensor.dtype))
    metadata = summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="text"))
    return tensor_summary(name=name, tensor=tensor, summary_metadata=metadata,
                          collections=collections)


def merge(inputs, collections=None, name=None):
    """`tf.summary.merge`: one MergeSummary op (`Merge/MergeSummary`) over summary strings."""
    name = clean_tag(name)
    inputs = list(inputs)
    with name_scope(name, "Merge", inputs):
        if not inputs:
            raise ValueError("List argument 'inputs' to 'MergeSummary' Op with length 0 shorter "
                             "than minimum length 1.")
        tensors = [convert_to_tensor(x) for x in inputs]
        kinds = [t.dtype.base_dtype.name for t in tensors]
        if any(k != "string" for k in kinds):
            raise TypeError("Tensors in list passed to 'inputs' of 'MergeSummary' Op have types "
                            "[%s] that do not match expected type string." % ", ".join(kinds))
        val = _merge_summary(tensors, name=name or "MergeSummary")
        _collect(val, collections, [])
    return val


def merge_all(key=GraphKeys.SUMMARIES, scope=None, name=None):
    """`tf.summary.merge_all`: merge the summaries of collection `key` (None when empty).

    >>> import scopeflow as tf
    >>> with tf.Graph().as_default():
    ...     print(tf.summary.merge_all())
    None
    """
    summaries = default_graph().get_collection(key, scope=scope)
    return merge(summaries, name=name) if summaries else None


def image(name, tensor, max_outputs=3, collections=None, family=None):
    """`tf.summary.image`: an ImageSummary op; up to `max_outputs` images of a
    [batch, height, width, 1|3|4] tensor, as PNGs (float images rescaled as TF does)."""
    with _SummaryScope(name, family, [tensor]) as (tag, scope):
        val = _image_summary(tag, tensor, max_images=max_outputs, bad_color=_BAD_COLOR,
                             name=scope)
        _collect(val, collections, [GraphKeys.SUMMARIES])
    return val


def audio(name, tensor, sample_rate, max_outputs=3, collections=None, family=None):
    """`tf.summary.audio`: an AudioSummaryV2 op; up to `max_outputs` clips of a
    [batch, frames(, channels)] float32 tensor in [-1, 1], as 16-bit WAV files."""
    with _SummaryScope(name, family, [tensor]) as (tag, scope):
        rate = convert_to_tensor(sample_rate, dtype=_dt.float32, name="sample_rate")
        val = _audio_summary_v2(tag, tensor, rate, max_outputs=max_outputs, name=scope)
        _collect(val, collections, [GraphKeys.SUMMARIES])
    return val


def get_summary_description(node_def):
    """`tf.summary.get_summary_description`: the SummaryDescription of a TensorSummary node."""
    if node_def.op != "TensorSummary":
        raise ValueError("Can't get_summary_description on %s" % node_def.op)
    description_str = _text(node_def.attr["description"].s)
    return summary_pb2.SummaryDescription.FromString(description_str.encode())


__all__ = ["audio", "get_summary_description", "histogram", "histogram_proto", "image", "merge",
           "merge_all", "scalar", "tensor_summary", "text"]
