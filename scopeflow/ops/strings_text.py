"""String ops of text pipelines: case, whitespace, numbers, hash buckets and base64.

StringLower / StringUpper, StringStrip, StringToNumber, StringToHashBucket (TF's Hash64),
StringToHashBucketStrong (SipHash-2-4), EncodeBase64 / DecodeBase64 (web-safe alphabet), as
TF's CPU kernels compute them. Strings are host (NumPy object) values, so these kernels run
on the host values of the run (constants, fed strings, a dataset's elements); a value TF's
kernel refuses raises TF's InvalidArgumentError at run time.

>>> import scopeflow as tf
>>> tf.strings.to_number(tf.constant(["1.5"])).op.type
'StringToNumber'
"""

import base64
import re

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.errors import InvalidArgumentError
from scopeflow.lowering.context import run_error
from scopeflow.ops.registry import op
from scopeflow.ops.string_hash import hash64, siphash
from scopeflow.ops.strings import _as_bytes, _bytes_array

_STRING = {"input": _dt.string, "string_tensor": _dt.string}


def fail(ctx, message, exc=InvalidArgumentError):
    """TF's run-time InvalidArgumentError (or `exc`) at the op being run."""
    if ctx is None:
        raise ValueError(message)
    raise run_error(exc, ctx.op, message)


def _each(a, fn, dtype=None):
    """`fn` over the elements of host array `a` (bytes), the result shaped as `a`."""
    a = np.asarray(a)
    out = [fn(_as_bytes(v)) for v in a.reshape(-1)]
    if dtype is None:
        return _bytes_array(out, a.shape)
    return np.asarray(out, dtype=dtype).reshape(a.shape)


def _same_shape(dtype):
    return lambda *inputs, **attrs: (inputs[0].shape, dtype)


# ---- StringLower / StringUpper --------------------------------------------------------------
def _case(ctx, input, encoding, upper):  # noqa: A002
    if encoding not in ("", "utf-8"):
        fail(ctx, "only utf-8 or '' (no encoding) is supported, received %s" % encoding)
    if encoding == "":  # ASCII letters only
        return _each(input, bytes.upper if upper else bytes.lower)

    def change(b):
        s = b.decode("utf-8", "surrogateescape")
        return (s.upper() if upper else s.lower()).encode("utf-8", "surrogateescape")
    return _each(input, change)


@op("StringLower", infer=_same_shape(_dt.string), types=_STRING, context=True)
def _string_lower(ctx, input, *, encoding=""):  # noqa: A002
    return _case(ctx, input, encoding, False)


@op("StringUpper", infer=_same_shape(_dt.string), types=_STRING, context=True)
def _string_upper(ctx, input, *, encoding=""):  # noqa: A002
    return _case(ctx, input, encoding, True)


def lower(input, encoding="", name=None):  # noqa: A002
    """`tf.strings.lower`: ASCII letters lowered ('' encoding) or all of UTF-8 ('utf-8')."""
    return _string_lower(input, name=name or "StringLower", encoding=encoding)


def upper(input, encoding="", name=None):  # noqa: A002
    """`tf.strings.upper`: ASCII letters raised ('' encoding) or all of UTF-8 ('utf-8')."""
    return _string_upper(input, name=name or "StringUpper", encoding=encoding)


# ---- StringStrip ----------------------------------------------------------------------------
@op("StringStrip", infer=_same_shape(_dt.string), types=_STRING)
def _string_strip(input):  # noqa: A002
    return _each(input, lambda b: b.strip(b" \t\n\v\f\r"))


def strip(input, name=None):  # noqa: A002
    """`tf.strings.strip` / `tf.string_strip`: leading and trailing ASCII whitespace off."""
    return _string_strip(input, name=name or "StringStrip")


# ---- StringToNumber -------------------------------------------------------------------------
_INT = re.compile(rb"[+-]?[0-9]+")
_UINT = re.compile(rb"\+?[0-9]+")  # (no sign but '+', not even '-0')
_HEX = re.compile(rb"[+-]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)([pP][+-]?[0-9]+)?")
_NAN = re.compile(rb"[+-]?nan(\([0-9A-Za-z_]*\))?", re.IGNORECASE)
_FLOAT = re.compile(rb"[+-]?(inf|infinity|([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)",
                    re.IGNORECASE)


def _parse(b, kind):
    """The number in `b` (TF's SafeStringToNumeric: surrounding whitespace allowed, floats in
    decimal or hex with inf / nan spelled any case), or None."""
    s = b.strip(b" \t\n\v\f\r")
    if kind in "iu":
        return int(s) if (_INT if kind == "i" else _UINT).fullmatch(s) else None
    if _NAN.fullmatch(s):
        return float("nan")
    if _HEX.fullmatch(s):
        return float.fromhex(s.decode())
    return float(s) if _FLOAT.fullmatch(s) else None


def parse_number(b, dtype):
    """`b` (bytes) as a number of numpy `dtype` by TF's safe_strto* rules, or None (not a
    number, or out of the integer type's range)."""
    x = _parse(b, dtype.kind)
    if x is not None and dtype.kind in "iu":
        info = np.iinfo(dtype)
        if not info.min <= x <= info.max:
            return None
    return x


def _string_to_number_shape(string_tensor, *, out_type=_dt.float32):
    return string_tensor.shape, out_type


@op("StringToNumber", infer=_string_to_number_shape, types=_STRING, context=True)
def _string_to_number(ctx, string_tensor, *, out_type=_dt.float32):
    dtype = np.dtype(out_type.as_numpy_dtype)
    a = np.asarray(string_tensor)
    out = np.empty(a.shape, dtype)
    with np.errstate(over="ignore"):
        for i, v in enumerate(a.reshape(-1)):
            x = parse_number(_as_bytes(v), dtype)
            if x is None:
                fail(ctx, "StringToNumberOp could not correctly convert string: %s"
                     % _as_bytes(v).decode("utf-8", "replace"))
            out.reshape(-1)[i] = x
    return out


def string_to_number(string_tensor, out_type=_dt.float32, name=None):
    """`tf.strings.to_number` / `tf.string_to_number`: each string parsed as `out_type`
    (float32, float64, int32, int64, uint32, uint64); a string that is no such number fails
    at run time."""
    out_type = _dt.as_dtype(out_type)
    if out_type not in (_dt.float32, _dt.float64, _dt.int32, _dt.int64, _dt.uint32, _dt.uint64):
        raise TypeError("Value passed to parameter 'out_type' has DataType %s not in list of "
                        "allowed values: float32, float64, int32, int64, uint32, uint64"
                        % out_type.name)
    return _string_to_number(string_tensor, name=name or "StringToNumber", out_type=out_type)


# ---- StringToHashBucket / StringToHashBucketStrong ------------------------------------------
def _num_buckets(n, op_type):
    if n < 1:
        raise ValueError("Attr 'num_buckets' of '%s' Op passed %d less than minimum 1."
                         % (op_type, n))
    return int(n)


@op("StringToHashBucket", infer=_same_shape(_dt.int64), types=_STRING)
def _to_hash_bucket(string_tensor, *, num_buckets):
    return _each(string_tensor, lambda b: hash64(b) % num_buckets, np.int64)


@op("StringToHashBucketStrong", infer=_same_shape(_dt.int64), types=_STRING, context=True)
def _to_hash_bucket_strong(ctx, input, *, num_buckets, key):  # noqa: A002
    if len(key) != 2:
        fail(ctx, "Key must have 2 elements")
    k = (int(key[0]), int(key[1]))
    return _each(input, lambda b: siphash(k, b) % num_buckets, np.int64)


def to_hash_bucket(string_tensor, num_buckets, name=None):
    """`tf.strings.to_hash_bucket` / `tf.string_to_hash_bucket`: TF's Hash64 of each string
    mod `num_buckets` (int64)."""
    return _to_hash_bucket(string_tensor, name=name or "StringToHashBucket",
                           num_buckets=_num_buckets(num_buckets, "StringToHashBucket"))


def to_hash_bucket_strong(input, num_buckets, key, name=None):  # noqa: A002
    """`tf.strings.to_hash_bucket_strong`: SipHash-2-4 of each string under `key` (two
    ints) mod `num_buckets` (int64)."""
    return _to_hash_bucket_strong(input, name=name or "StringToHashBucketStrong",
                                  num_buckets=_num_buckets(num_buckets, "StringToHashBucketStrong"),
                                  key=[int(k) for k in key])


# ---- EncodeBase64 / DecodeBase64 ------------------------------------------------------------
_B64 = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@op("EncodeBase64", infer=_same_shape(_dt.string), types=_STRING)
def _encode_base64(input, *, pad=False):  # noqa: A002
    enc = base64.urlsafe_b64encode
    return _each(input, (lambda b: enc(b)) if pad else (lambda b: enc(b).rstrip(b"=")))


def _decode(ctx, b):
    """TF's web-safe decoding: whole groups of four, then a last group of 2-4 characters
    ('=' padding only where a group of four ends in it)."""
    if not b:
        return b""
    start = (len(b) - 1) // 4 * 4
    body, tail = b[:start], b[start:]
    if not _B64.issuperset(body):
        fail(ctx, "Invalid character found in base64.")
    if len(tail) == 4 and tail[3:] == b"=":
        tail = tail[:2] if tail[2:3] == b"=" else tail[:3]
    if len(tail) == 1:
        fail(ctx, "Base64 string length cannot be 1 modulo 4.")
    if not _B64.issuperset(tail):
        fail(ctx, "Invalid character found in base64.")
    text = body + tail
    return base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4))


@op("DecodeBase64", infer=_same_shape(_dt.string), types=_STRING, context=True)
def _decode_base64(ctx, input):  # noqa: A002
    return _each(input, lambda b: _decode(ctx, b))


def encode_base64(input, pad=False, name=None):  # noqa: A002
    """`tf.io.encode_base64`: web-safe base64 ('-' and '_'), '=' padding if `pad`."""
    return _encode_base64(input, name=name or "EncodeBase64", pad=bool(pad))


def decode_base64(input, name=None):  # noqa: A002
    """`tf.io.decode_base64`: the bytes of web-safe base64 text."""
    return _decode_base64(input, name=name or "DecodeBase64")
