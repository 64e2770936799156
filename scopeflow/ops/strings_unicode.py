"""`tf.strings.unicode_transcode`: TF's UnicodeTranscode op, a host kernel over Python's
codecs (ICU's conversions in TF): each ill-formed subsequence of the input is replaced by
`replacement_char` (errors='replace'), dropped ('ignore') or fails the run ('strict'); with
`replace_control_characters` the C0 controls U+0000..U+001F are replaced too.

    >>> import scopeflow as tf
    >>> tf.strings.unicode_transcode(["h\\u00e9"], "UTF-8", "UTF-16-BE").op.type
    'UnicodeTranscode'
"""

import codecs

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops.array_base import xp
from scopeflow.ops.nn_conv import check_attr
from scopeflow.ops.registry import op
from scopeflow.ops.strings_text import _each, _same_shape, fail

__all__ = ["unicode_script", "unicode_transcode"]

_OUTPUTS = {"UTF-8": "utf-8", "UTF-16-BE": "utf-16-be", "UTF-32-BE": "utf-32-be"}
_CONTROLS = {i: None for i in range(0x20)}


def _codec(name):
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


@op("UnicodeTranscode", infer=_same_shape(_dt.string), types={"input": _dt.string},
    context=True)
def _unicode_transcode(ctx, input, *, input_encoding, output_encoding,  # noqa: A002
                       errors="replace", replacement_char=65533,
                       replace_control_characters=False):
    source = _codec(input_encoding)
    if source is None:
        fail(ctx, "Could not create converter for input encoding: %s" % input_encoding)
    if not 0 <= replacement_char <= 0x10FFFF:
        fail(ctx, "replacement_char out of unicode codepoint range")
    sub = chr(0xFFFD if 0xD800 <= replacement_char <= 0xDFFF else replacement_char)
    controls = dict.fromkeys(_CONTROLS, sub)

    def convert(b):
        if errors == "strict":
            try:
                text = b.decode(source, "strict")
            except UnicodeDecodeError:
                fail(ctx, "Invalid formatting on input string")
        else:
            text = (_replaced(b, source, sub) if errors == "replace" and sub != "\ufffd"
                    else b.decode(source, errors))
        if replace_control_characters:
            text = text.translate(controls)
        return text.encode(_OUTPUTS[output_encoding])
    return _each(input, convert)


def _replaced(b, source, sub):
    """`b` decoded with `sub` for each ill-formed subsequence."""
    name = "scopeflow-transcode-%04x" % ord(sub)
    try:
        codecs.lookup_error(name)
    except LookupError:
        codecs.register_error(name, lambda e: (sub, e.end))
    return b.decode(source, name)


def unicode_transcode(input, input_encoding, output_encoding, errors="replace",  # noqa: A002
                      replacement_char=65533, replace_control_characters=False, name=None):
    """`tf.strings.unicode_transcode`: strings from one Unicode encoding to another."""
    check_attr("UnicodeTranscode", "output_encoding", output_encoding, tuple(_OUTPUTS))
    check_attr("UnicodeTranscode", "errors", errors, ("strict", "replace", "ignore"))
    return _unicode_transcode(input, name=name or "UnicodeTranscode",
                              input_encoding=input_encoding, output_encoding=output_encoding,
                              errors=errors, replacement_char=int(replacement_char),
                              replace_control_characters=bool(replace_control_characters))


# ---- UnicodeScript --------------------------------------------------------------------------
_SCRIPTS = None  # (range starts, ICU script codes): unicode_scripts.json


def _script_table():
    global _SCRIPTS
    if _SCRIPTS is None:
        import json
        import os
        with open(os.path.join(os.path.dirname(__file__), "unicode_scripts.json")) as f:
            data = json.load(f)
        _SCRIPTS = (np.asarray(data["starts"], np.int32), np.asarray(data["codes"], np.int32))
    return _SCRIPTS


@op("UnicodeScript", infer=_same_shape(_dt.int32), types={"input": _dt.int32})
def _unicode_script(input):  # noqa: A002
    """ICU's script code of each code point (TF's kernel: uscript_getScript), -1 outside
    U+0000..U+10FFFF."""
    m = xp(input)
    x = m.asarray(input)
    starts, codes = _script_table()
    i = m.searchsorted(m.asarray(starts), x, side="right") - 1
    code = m.asarray(codes)[m.clip(i, 0, len(codes) - 1)]
    return m.where((x < 0) | (x > 0x10FFFF), np.int32(-1), code).astype(np.int32)


def unicode_script(input, name=None):  # noqa: A002
    """`tf.strings.unicode_script`: the ICU script code (UScriptCode) of each int32 code
    point, -1 for a value that is no code point; a RaggedTensor's values likewise.

    >>> import scopeflow as tf
    >>> with tf.Session() as s:
    ...     s.run(tf.strings.unicode_script([65, 0x0410, 0x3042, -1])).tolist()
    [25, 8, 20, -1]
    """
    from scopeflow.ragged.ragged_tensor import RaggedTensor
    if isinstance(input, RaggedTensor):
        from scopeflow.ragged.ragged_math import ragged_unary
        return ragged_unary(lambda v: _unicode_script(v, name="UnicodeScript"), input, name)
    return _unicode_script(input, name=name or "UnicodeScript")
