"""Regular expressions and joins over strings: RegexReplace / StaticRegexReplace,
RegexFullMatch / StaticRegexFullMatch, ReduceJoin, UnsortedSegmentJoin.

TF matches with RE2 (UTF-8; `\\d`, `\\s`, `\\w` and `\\b` are ASCII); these kernels use
Python's `re` with ASCII classes, which agrees with RE2 on the patterns text pipelines use
(RE2 has no backreferences or lookaround, Python no `\\pL` classes). Replacement follows
RE2's GlobalReplace: `\\0`-`\\9` name groups, and an empty match right where the last match
ended is skipped.

>>> import scopeflow as tf
>>> tf.strings.regex_replace(["a1b22"], "[0-9]+", "#").op.type
'StaticRegexReplace'
"""

import functools
import re

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.errors import OutOfRangeError
from scopeflow.ops.array_base import ShapeError, dims_of, static_value
from scopeflow.ops.op_util import name_scope
from scopeflow.ops.registry import ANY, op, spec
from scopeflow.ops.strings import _as_bytes, _bytes_array
from scopeflow.ops.strings_text import _each, fail

_STRING = {"input": _dt.string, "pattern": _dt.string, "rewrite": _dt.string,
           "inputs": _dt.string}


@functools.lru_cache(maxsize=256)
def _compile(pattern):
    return re.compile(pattern, re.ASCII)


_LOOK = re.compile(r"\(\?(<?[=!])")  # lookaround, which RE2 does not have


def _re2_message(text, e):
    """RE2's wording of a pattern error Python's `re` raised as `e`."""
    at = text[e.pos:] if e.pos is not None else text
    msg = e.msg
    for head, out in (("missing ), unterminated", "missing ): " + text),
                      ("unbalanced parenthesis", "unexpected ): " + text),
                      ("unterminated character set", "missing ]: " + at),
                      ("nothing to repeat", "no argument for repetition operator: " + at[:1]),
                      ("multiple repeat", "bad repetition operator: " + text[e.pos - 1:e.pos + 1]
                       if e.pos else msg),
                      ("bad escape (end of pattern)", "trailing \\"),
                      ("min repeat greater", "invalid repetition size: " + _braces(text, e.pos)),
                      ("bad character range", "invalid character class range: "
                       + msg.rsplit(" ", 1)[-1])):
        if msg.startswith(head):
            return out
    return msg


def _braces(text, pos):
    start = text.rfind("{", 0, (pos or 0) + 1)
    return text[start:text.find("}", start) + 1]


def _regex(ctx, pattern):
    p = _as_bytes(np.asarray(pattern).reshape(-1)[0] if np.ndim(pattern) else
                  np.asarray(pattern).item() if isinstance(pattern, np.ndarray) else pattern)
    text = p.decode("utf-8", "surrogateescape")
    look = _LOOK.search(text)
    if look:
        fail(ctx, "Invalid pattern: %s, error: invalid perl operator: %s" % (text, look.group()))
    try:
        return _compile(text)
    except re.error as e:
        fail(ctx, "Invalid pattern: %s, error: %s" % (text, _re2_message(text, e)))


def _template(rewrite):
    """RE2's rewrite string as (literal, group) pieces ('\\N' a group, '\\\\' a backslash)
    and whether it is valid."""
    r = _as_bytes(np.asarray(rewrite).item() if isinstance(rewrite, np.ndarray) else rewrite)
    text = r.decode("utf-8", "surrogateescape")
    pieces, i, lit = [], 0, []
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and (text[i + 1].isdigit() or text[i + 1] == "\\"):
            if text[i + 1] == "\\":
                lit.append("\\")
            else:
                pieces.append(("".join(lit), int(text[i + 1])))
                lit = []
            i += 2
            continue
        if c == "\\":  # RE2 rejects it: what came before stands, Replace changes nothing
            pieces.append(("".join(lit), None))
            return pieces, False
        lit.append(c)
        i += 1
    pieces.append(("".join(lit), None))
    return pieces, True


def _expand(pieces, m):
    return "".join(lit + ("" if g is None else (m.group(g) or "")) for lit, g in pieces)


def _replace(rx, pieces, s, replace_global):
    """RE2's Replace (first match) or GlobalReplace of `rx` in `s`."""
    out, p, last_end, n = [], 0, None, len(s)
    while p <= n:
        m = rx.search(s, p)
        if m is None:
            break
        if m.start() > p:
            out.append(s[p:m.start()])
        if m.start() == m.end() and m.start() == last_end:  # no empty match where one ended
            if p < n:
                out.append(s[p])
            p += 1
            continue
        out.append(_expand(pieces, m))
        p = last_end = m.end()
        if not replace_global:
            break
    out.append(s[p:])
    return "".join(out)


def _replace_all(ctx, input, pattern, rewrite, replace_global):  # noqa: A002
    rx, (pieces, valid) = _regex(ctx, pattern), _template(rewrite)
    if any(g is not None and g > rx.groups for _, g in pieces) or not (
            valid or replace_global):
        return _each(input, lambda b: b)  # (RE2's Replace fails: the string as it was)

    def one(b):
        s = b.decode("utf-8", "surrogateescape")
        return _replace(rx, pieces, s, replace_global).encode("utf-8", "surrogateescape")
    return _each(input, one)


def _same(dtype):
    return lambda input, *args, **attrs: (input.shape, dtype)  # noqa: A002


@op("StaticRegexReplace", infer=_same(_dt.string), types=_STRING, context=True)
def _static_regex_replace(ctx, input, *, pattern, rewrite, replace_global=True):  # noqa: A002
    return _replace_all(ctx, input, pattern, rewrite, replace_global)


@op("RegexReplace", infer=_same(_dt.string), types=_STRING, context=True)
def _regex_replace(ctx, input, pattern, rewrite, *, replace_global=True):  # noqa: A002
    return _replace_all(ctx, input, pattern, rewrite, replace_global)


def regex_replace(input, pattern, rewrite, replace_global=True, name=None):  # noqa: A002
    """`tf.strings.regex_replace`: matches of `pattern` replaced by `rewrite` ('\\1' a group);
    Python strings for both make TF's StaticRegexReplace, tensors RegexReplace."""
    if isinstance(pattern, (str, bytes)) and isinstance(rewrite, (str, bytes)):
        return _static_regex_replace(input, name=name or "StaticRegexReplace",
                                     pattern=_text(pattern), rewrite=_text(rewrite),
                                     replace_global=bool(replace_global))
    return _regex_replace(input, pattern, rewrite, name=name or "RegexReplace",
                          replace_global=bool(replace_global))


def _text(x):
    return x.decode() if isinstance(x, bytes) else x


def _full_match(ctx, input, pattern):  # noqa: A002
    rx = _regex(ctx, pattern)
    return _each(input, lambda b: rx.fullmatch(b.decode("utf-8", "surrogateescape"))
                 is not None, bool)


@op("StaticRegexFullMatch", infer=_same(_dt.bool), types=_STRING, context=True)
def _static_regex_full_match(ctx, input, *, pattern):  # noqa: A002
    return _full_match(ctx, input, pattern)


@op("RegexFullMatch", infer=_same(_dt.bool), types=_STRING, context=True)
def _regex_full_match(ctx, input, pattern):  # noqa: A002
    return _full_match(ctx, input, pattern)


def regex_full_match(input, pattern, name=None):  # noqa: A002
    """`tf.strings.regex_full_match`: whether each whole string matches `pattern` (a Python
    string makes TF's StaticRegexFullMatch, a tensor RegexFullMatch)."""
    if isinstance(pattern, (str, bytes)):
        return _static_regex_full_match(input, name=name or "StaticRegexFullMatch",
                                        pattern=_text(pattern))
    return _regex_full_match(input, pattern, name=name or "RegexFullMatch")


# ---- ReduceJoin -----------------------------------------------------------------------------
def _axes(axes, rank):
    out = []
    for a in np.asarray(axes).reshape(-1).tolist():
        if not -rank <= a < rank:
            raise ShapeError("Invalid reduction dimension %d for input with %d dimensions."
                             % (a, rank))
        out.append(a % rank)
    return out


def _reduce_join_shape(inputs, reduction_indices, *, keep_dims=False, separator=""):
    dims, axes = dims_of(inputs), static_value(reduction_indices)
    if dims is None or axes is None:
        return spec(None, _dt.string)
    ax = set(_axes(axes, len(dims)))
    if keep_dims:
        return spec(tuple(1 if i in ax else d for i, d in enumerate(dims)), _dt.string)
    return spec(tuple(d for i, d in enumerate(dims) if i not in ax), _dt.string)


@op("ReduceJoin", infer=_reduce_join_shape, types={"inputs": _dt.string,
                                                    "reduction_indices": _dt.int32},
    context=True)
def _reduce_join(ctx, inputs, reduction_indices, *, keep_dims=False, separator=""):
    a = np.asarray(inputs)
    for x in np.ravel(reduction_indices).tolist():
        if not -a.ndim <= x < a.ndim:  # a fed axis or input (a static one fails in the graph)
            fail(ctx, "Invalid reduction dimension %d for input with %d dimension(s)"
                 % (x, a.ndim), OutOfRangeError)
    axes = _axes(reduction_indices, a.ndim)
    if len(set(axes)) != len(axes):
        fail(ctx, "Duplicate reduction dimension %d" % next(x for x in axes if axes.count(x) > 1))
    kept = [i for i in range(a.ndim) if i not in axes]
    # the first axis named varies fastest: it comes last in the joined order
    t = np.transpose(a, kept + axes[::-1])
    lead = t.shape[:len(kept)]
    flat = t.reshape((int(np.prod(lead)), int(np.prod(t.shape[len(kept):]))))
    sep = separator.encode() if isinstance(separator, str) else separator
    out = _bytes_array([sep.join(_as_bytes(v) for v in row) for row in flat], lead)
    if keep_dims:
        out = out.reshape([1 if i in axes else a.shape[i] for i in range(a.ndim)])
    return out


def reduce_join(inputs, axis=None, keep_dims=None, separator="", name=None,
                reduction_indices=None, keepdims=None):
    """`tf.strings.reduce_join` / `tf.reduce_join`: strings joined along `axis` (all axes
    when None; the first axis named varies fastest) with `separator`."""
    from scopeflow.ops.constant import constant, convert_to_tensor
    if axis is not None and reduction_indices is not None:
        raise ValueError("Cannot specify both 'axis' and 'reduction_indices'.")
    axis = reduction_indices if axis is None else axis
    if keep_dims is not None and keepdims is not None:
        raise ValueError("Cannot specify both 'keep_dims' and 'keepdims'.")
    keep = bool(keepdims if keepdims is not None else keep_dims or False)
    with name_scope(None, "ReduceJoin", [inputs, axis]):
        x = convert_to_tensor(inputs, dtype=_dt.string)
        if axis is None:
            rank = x.shape.ndims
            if rank is None:
                raise NotImplementedError("reduce_join over every axis of a tensor of unknown "
                                          "rank")
            axis = constant(np.arange(rank - 1, -1, -1, dtype=np.int32))
        return _reduce_join(x, axis, name=name or "ReduceJoin", keep_dims=keep,
                            separator=separator)


# ---- UnsortedSegmentJoin --------------------------------------------------------------------
def _segment_join_shape(inputs, segment_ids, num_segments, *, separator=""):
    d, ids, n = dims_of(inputs), dims_of(segment_ids), static_value(num_segments)
    if d is None or ids is None:
        return spec(None, _dt.string)
    return spec((None if n is None else int(n),) + tuple(d[len(ids):]), _dt.string)


@op("UnsortedSegmentJoin", infer=_segment_join_shape,
    types={"inputs": _dt.string, "segment_ids": ANY, "num_segments": ANY},
    context=True)
def _unsorted_segment_join(ctx, inputs, segment_ids, num_segments, *, separator=""):
    a, ids, n = np.asarray(inputs), np.asarray(segment_ids), int(np.asarray(num_segments))
    rows = a.reshape((ids.size, -1)) if ids.size else np.empty((0, 0), object)
    inner = a.shape[ids.ndim:]
    width = int(np.prod(inner, dtype=np.int64))
    parts = [[[] for _ in range(width)] for _ in range(n)]
    for k, s in enumerate(ids.reshape(-1).tolist()):  # noqa: B007
        if not 0 <= s < n:
            fail(ctx, "segment_ids are not allowed to exceed num_segments or to have "
                 "negative values.")
        for j in range(width):
            parts[s][j].append(_as_bytes(rows[k, j]))
    sep = separator.encode() if isinstance(separator, str) else separator
    return _bytes_array([sep.join(p) for seg in parts for p in seg], (n,) + tuple(inner))


def unsorted_segment_join(inputs, segment_ids, num_segments, separator="", name=None):
    """`tf.strings.unsorted_segment_join`: the strings of each segment id joined in order."""
    return _unsorted_segment_join(inputs, segment_ids, num_segments,
                                  name=name or "UnsortedSegmentJoin", separator=separator)
