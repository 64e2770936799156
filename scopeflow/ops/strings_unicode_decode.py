"""TF's UnicodeDecode / UnicodeDecodeWithOffsets / UnicodeEncode: host kernels over Python's
codecs (ICU's conversions in TF). Each ill-formed subsequence of an input becomes
`replacement_char` (errors='replace'), is dropped ('ignore') or fails the run ('strict'), as
TF's kernels do; decoded lengths follow the values, so these are host ops.

    >>> import scopeflow as tf
    >>> tf.strings.unicode_decode(["h\\u00e9"], "UTF-8").flat_values.op.type
    'UnicodeDecode'
"""

import codecs

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops.array_base import dims_of
from scopeflow.ops.dynamic_shape import BadValue, host_op
from scopeflow.ops.registry import ShapeError, spec

_OUTPUTS = {"UTF-8": "utf-8", "UTF-16-BE": "utf-16-be", "UTF-32-BE": "utf-32-be"}
_BAD = "\ud800"  # (never decoded from valid input: marks an ill-formed subsequence)
_ERRORS = "scopeflow-decode-marks"


def _record(err):
    return _BAD, err.end


codecs.register_error(_ERRORS, _record)


def _codec(name):
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise BadValue("Could not create converter for input encoding: %s" % name) from None


def _decode_one(b, codec, errors, replacement, controls):
    """(codepoints, byte offset of each) of the bytes `b`."""
    text = b.decode(codec, _ERRORS)
    chars, starts, pos = [], [], 0
    bad_spans = _bad_spans(b, codec)
    k = 0
    for ch in text:
        if ch == _BAD:
            end = bad_spans[k]
            k += 1
            if errors == "strict":
                raise BadValue("Invalid formatting on input string")
            if errors == "replace":
                chars.append(replacement)
                starts.append(pos)
            pos = end
            continue
        cp = ord(ch)
        if controls and cp < 0x20:
            cp = replacement
        chars.append(cp)
        starts.append(pos)
        pos += len(ch.encode(codec, "surrogatepass"))
    return chars, starts


def _bad_spans(b, codec):
    """End byte offset of each ill-formed subsequence, in order."""
    ends = []

    def note(err):
        ends.append(err.end)
        return "", err.end
    name = "scopeflow-decode-spans"
    codecs.register_error(name, note)
    b.decode(codec, name)
    return ends


def _decode_shape(input, **attrs):  # noqa: A002
    d = dims_of(input)
    n = None if d is None or None in d else int(np.prod(d))
    return [spec((None if n is None else n + 1,), _dt.as_dtype(attrs.get("Tsplits", _dt.int64))),
            spec((None,), _dt.int32)]


def _decode_all(input, input_encoding, errors, replacement_char, replace_control_characters):  # noqa: A002,E501
    codec = _codec(input_encoding)
    if not 0 <= replacement_char <= 0x10FFFF:
        raise BadValue("replacement_char out of unicode codepoint range")
    splits, chars, starts = [0], [], []
    for s in np.asarray(input, dtype=object).reshape(-1):
        b = s.encode() if isinstance(s, str) else bytes(s)
        c, o = _decode_one(b, codec, errors, replacement_char, replace_control_characters)
        chars.extend(c)
        starts.extend(o)
        splits.append(len(chars))
    return splits, chars, starts


@host_op("UnicodeDecode", _decode_shape, types={"input": _dt.string}, multi=True)
def _unicode_decode(input, *, input_encoding, errors="replace",  # noqa: A002
                    replacement_char=65533, replace_control_characters=False,
                    Tsplits=_dt.int64):  # noqa: N803
    """Code points of each string, flattened, with row splits."""
    splits, chars, _ = _decode_all(input, input_encoding, errors, replacement_char,
                                   replace_control_characters)
    return (np.asarray(splits, _dt.as_dtype(Tsplits).as_numpy_dtype),
            np.asarray(chars, np.int32))


def _offsets_shape(input, **attrs):  # noqa: A002
    return _decode_shape(input, **attrs) + [spec((None,), _dt.int64)]


@host_op("UnicodeDecodeWithOffsets", _offsets_shape, types={"input": _dt.string}, multi=True)
def _unicode_decode_offsets(input, *, input_encoding, errors="replace",  # noqa: A002
                            replacement_char=65533, replace_control_characters=False,
                            Tsplits=_dt.int64):  # noqa: N803
    """UnicodeDecode plus the byte offset where each character starts."""
    splits, chars, starts = _decode_all(input, input_encoding, errors, replacement_char,
                                        replace_control_characters)
    return (np.asarray(splits, _dt.as_dtype(Tsplits).as_numpy_dtype),
            np.asarray(chars, np.int32), np.asarray(starts, np.int64))


def _encode_shape(input_values, input_splits, **attrs):
    for name, t in (("input_values", input_values), ("input_splits", input_splits)):
        d = dims_of(t)
        if d is not None and len(d) != 1:
            raise ShapeError("Shape must be rank 1 but is rank %d" % len(d))
    d = dims_of(input_splits)
    n = None if d is None or d[0] is None else d[0] - 1
    return spec((n,), _dt.string)


@host_op("UnicodeEncode", _encode_shape, types={"input_values": _dt.int32}, multi=False)
def _unicode_encode(input_values, input_splits, *, output_encoding, errors="replace",
                    replacement_char=65533, Tsplits=_dt.int64):  # noqa: N803
    """Strings of the code points between consecutive splits."""
    codec = _OUTPUTS[output_encoding]
    values, splits = np.asarray(input_values), np.asarray(input_splits)
    if len(splits) == 0 or splits[0] != 0:
        raise BadValue("First value in input_splits must be zero.")
    if splits[-1] > len(values) or (np.diff(splits) < 0).any():
        raise BadValue("Last value in input_splits must be less than or equal to the "
                       "size of input_values.")
    out = np.empty(len(splits) - 1, dtype=object)
    for i in range(len(splits) - 1):
        text = []
        for cp in values[splits[i]:splits[i + 1]]:
            cp = int(cp)
            if 0 <= cp <= 0x10FFFF and not 0xD800 <= cp <= 0xDFFF:
                text.append(chr(cp))
            elif errors == "strict":
                raise BadValue("Code point is out of range for Unicode, or is a surrogate.")
            elif errors == "replace":
                text.append(chr(replacement_char))
        out[i] = "".join(text).encode(codec)
    return out
