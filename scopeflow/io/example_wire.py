"""A fast reader of serialized `tf.train.Example`s for ParseExampleV2: the wire format walked
directly (no message objects), values taken with NumPy from the record's bytes.

It handles the records TF's and protobuf's writers make (one `features` field, map entries of
key then value, one kind per Feature, packed float/int64 lists) and answers None for anything
else, or for any record an error would be raised on: the caller then parses with the protobuf
classes, which give TF's wording.

>>> from scopeflow.io.example_protos import Example, Feature, Features, FloatList
>>> ex = Example(features=Features(feature={"a": Feature(float_list=FloatList(value=[1, 2]))}))
>>> found = features_of(ex.SerializeToString(), {"a": 0})
>>> found[0][0], found[0][2] - found[0][1]
(2, 8)
"""

import math

import numpy as np

from scopeflow import dtypes as _dt

# Feature's kinds by field number: 1 bytes_list, 2 float_list, 3 int64_list
BYTES, FLOAT, INT64 = 1, 2, 3


def _varint(b, i):
    """(value, next position) of the varint at b[i]."""
    x = b[i]
    if x < 0x80:
        return x, i + 1
    out, shift = x & 0x7F, 7
    while True:
        i += 1
        x = b[i]
        out |= (x & 0x7F) << shift
        if x < 0x80:
            return out, i + 1
        shift += 7
        if shift > 63:
            raise IndexError


def features_of(b, wanted):
    """[(kind, start, end) or None per wanted key] for record `b` (bytes): where each wanted
    feature's list message lies; None (the whole answer) when the record is not simple."""
    found = [None] * len(wanted)
    n = len(b)
    try:
        if n == 0:
            return found
        if b[0] != 0x0A:
            return None
        size, i = _varint(b, 1)
        end = i + size
        if end != n:  # one `features` field, nothing after it
            return None
        seen = set()
        while i < end:
            if b[i] != 0x0A:
                return None
            size, i = _varint(b, i + 1)
            e_end = i + size
            if e_end > end or b[i] != 0x0A:  # an entry: key first
                return None
            size, i = _varint(b, i + 1)
            key = b[i:i + size]
            i += size
            if key in seen:
                return None
            seen.add(key)
            slot = wanted.get(key)
            if i == e_end:  # no value: TF's parser refuses the record (the slow path says so)
                return None
            if b[i] != 0x12:
                return None
            size, i = _varint(b, i + 1)
            if i + size != e_end:
                return None
            if slot is not None:
                if size == 0:
                    return None  # an empty Feature (no kind): the slow path says what follows
                kind = b[i] >> 3
                if b[i] & 7 != 2 or not 1 <= kind <= 3:
                    return None
                lsize, j = _varint(b, i + 1)
                if j + lsize != e_end:
                    return None
                found[slot] = (kind, j, e_end)
            i = e_end
        if i != end:
            return None
    except IndexError:
        return None
    return found


def tf_entries(b):
    """[(key, Feature bytes)] of record `b` as TF's fast parser reads it, or None where it
    refuses the record ("Could not parse example input"): fields other than `features` are
    skipped (groups refused), a Features holds only map entries, and an entry is exactly a key
    and a value, in either order (the missing one empty where one came twice)."""
    n, i, out = len(b), 0, []
    try:
        while i < n:
            tag, i = _varint(b, i)
            if tag == 0x0A:
                size, i = _varint(b, i)
                end = i + size
                while i != end:
                    if i > n or b[i] != 0x0A:
                        return None
                    size, i = _varint(b, i + 1)
                    e_end, got = min(i + size, end), {1: b"", 2: b""}  # (limits only shrink)
                    for _ in range(2):
                        if i >= e_end:
                            return None
                        field, i = _varint(b, i)
                        if field not in (0x0A, 0x12):
                            return None
                        size, i = _varint(b, i)
                        if i + size > min(e_end, n):
                            return None
                        got[field >> 3], i = b[i:i + size], i + size
                    if i != e_end:
                        return None
                    out.append((got[1], got[2]))
            elif tag & 7 == 0:
                _, i = _varint(b, i)
            elif tag & 7 in (1, 5):
                i += 8 if tag & 7 == 1 else 4
                if i > n:
                    return None
            elif tag & 7 == 2:
                size, i = _varint(b, i)
                i = min(i + size, n)  # (TF's stream skips to the end of a short record)
            else:
                return None
    except IndexError:
        return None
    return out


def packed(b, start, end, kind):
    """The values of a FloatList / Int64List body b[start:end] (one packed field, or none):
    a NumPy array, or None when the body is laid out otherwise."""
    if start == end:
        return np.empty(0, np.float32 if kind == FLOAT else np.int64)
    if b[start] != 0x0A:
        return None
    size, i = _varint(b, start + 1)
    if i + size != end:
        return None
    if kind == FLOAT:  # TF's fast parser keeps the whole floats of a body cut short
        return np.frombuffer(b, "<f4", size // 4, i)
    if size <= 8:  # a few values: Python is quicker than NumPy's set-up
        out = []
        while i < end:
            v, i = _varint(b, i)
            out.append(v - (1 << 64) if v >> 63 else v)
        return np.array(out, np.int64) if i == end else None
    return varints(np.frombuffer(b, np.uint8, size, i))


def varints(raw):
    """int64 values of the varints packed in `raw` (uint8), or None when one is cut off."""
    if not raw.size:
        return np.empty(0, np.int64)
    last = raw < 0x80
    if last.all():
        return raw.astype(np.int64)
    if not last[-1]:
        return None
    ends = np.flatnonzero(last)
    starts = np.concatenate([[0], ends[:-1] + 1])
    if (ends - starts).max() > 9:
        return None
    group = np.repeat(np.arange(len(ends)), ends - starts + 1)
    shift = ((np.arange(raw.size) - starts[group]) * 7).astype(np.uint64)
    parts = (raw & 0x7F).astype(np.uint64) << shift
    return np.bitwise_or.reduceat(parts, starts).view(np.int64)


def byte_values(b, start, end):
    """The values of a BytesList body b[start:end], or None when laid out otherwise."""
    out, i = [], start
    try:
        while i < end:
            if b[i] != 0x0A:
                return None
            size, i = _varint(b, i + 1)
            out.append(b[i:i + size])
            i += size
    except IndexError:
        return None
    return out if i == end else None


_WIRE_KIND = {"float32": FLOAT, "int64": INT64, "string": BYTES}


def _wire_values(b, loc, dtype):
    kind, start, end = loc
    if kind != _WIRE_KIND[dtype.name]:
        return None
    if kind == BYTES:
        return byte_values(b, start, end)
    return packed(b, start, end, kind)


class _Plan:
    """What `_fast` needs of one op and its key/default inputs, made once per op."""

    __slots__ = ("dense", "inputs", "n_sparse", "sparse_types", "wanted")

    def __init__(self, inputs, sparse_keys, dense_keys, attrs, dense_defaults):
        self.inputs = inputs
        s_keys = [_text(k).encode() for k in np.ravel(sparse_keys)]
        d_keys = [_text(k).encode() for k in np.ravel(dense_keys)]
        self.wanted = {k: i for i, k in enumerate(s_keys + d_keys)}
        if len(self.wanted) != len(s_keys) + len(d_keys):
            self.wanted = None
        self.n_sparse, self.sparse_types = len(s_keys), list(attrs["sparse_types"])
        self.dense = []
        for t, shape, d in zip(attrs["Tdense"], attrs["dense_shapes"], dense_defaults):
            dims = list(shape._dims)
            if any(x is None for x in dims):
                self.wanted = None  # sequence features: the protobuf path
                break
            np_type = _np_type(t)
            self.dense.append((t, _WIRE_KIND[t.name], dims, math.prod(dims), np_type,
                               np.asarray(d, np_type).reshape(-1)))


_PLANS = {}


def _plan(op_, inputs, *args):
    plan = _PLANS.get(op_)
    if plan is None or len(plan.inputs) != len(inputs) or any(
            a is not b for a, b in zip(plan.inputs, inputs)):
        if len(_PLANS) > 256:
            _PLANS.clear()
        plan = _PLANS[op_] = _Plan(inputs, *args)
    return plan


def fast_parse(op_, records, sparse_keys, dense_keys, attrs, dense_defaults, scalar):
    """The outputs read straight from the wire format (example_wire), or None when a record
    is laid out otherwise or would raise an error (the protobuf path then decides)."""
    plan = _plan(op_, (sparse_keys, dense_keys) + tuple(dense_defaults), sparse_keys,
                 dense_keys, attrs, dense_defaults)
    wanted = plan.wanted
    if wanted is None:
        return None
    records = [_bytes(r) for r in records]
    if not scalar and not plan.sparse_types and len(records) > 2 and all(
            d[1] != BYTES for d in plan.dense):
        return by_template(records, plan)
    locs = []
    for r in records:
        loc = features_of(r, wanted)
        if loc is None:
            return None
        locs.append(loc)
    n, base = len(records), plan.n_sparse
    dense = []
    for j, (t, kind, dims, stride, np_type, default) in enumerate(plan.dense):
        if scalar:
            f = locs[0][base + j]
            if f is None:
                if default.size != stride:
                    return None
                v = default
            elif f[0] != kind:
                return None
            else:
                v = _wire_values(records[0], f, t)
                if v is None or len(v) != stride:
                    return None
            dense.append(np.array(v, np_type).reshape(dims))
            continue
        out = np.empty((n, stride), dtype=np_type)
        for i, (r, loc) in enumerate(zip(records, locs)):
            f = loc[base + j]
            if f is None:
                if default.size != stride:
                    return None
                out[i] = default
                continue
            v = _wire_values(r, f, t)
            if v is None or len(v) != stride:
                return None
            out[i] = v
        dense.append(out.reshape([n] + dims))
    sparse = []
    for j, t in enumerate(plan.sparse_types):
        idx, vals, longest = [], [], 0
        for b, (r, loc) in enumerate(zip(records, locs)):
            v = [] if loc[j] is None else _wire_values(r, loc[j], t)
            if v is None:
                return None
            k = len(v)
            if k:
                col = np.arange(k, dtype=np.int64)
                idx.append(col[:, None] if scalar else
                           np.stack([np.full(k, b, np.int64), col], 1))
                vals.append(v)
            longest = max(longest, k)
        cols = 1 if scalar else 2
        indices = np.concatenate(idx) if idx else np.zeros((0, cols), np.int64)
        if t is _dt.string:
            values = np.empty(sum(len(v) for v in vals), dtype=object)
            values[:] = [x for v in vals for x in v]
        else:
            values = (np.concatenate(vals) if vals else np.zeros(0)).astype(t.as_numpy_dtype)
        shape = np.asarray([longest] if scalar else [n, longest], np.int64)
        sparse.append((indices, values, shape))
    return [s[0] for s in sparse] + [s[1] for s in sparse] + [s[2] for s in sparse] + dense


def _np_type(dtype):
    return object if dtype is _dt.string else dtype.as_numpy_dtype


def _bytes(r):
    return r if isinstance(r, bytes) else str(r).encode()


def _text(k):
    return k.decode() if isinstance(k, bytes) else str(k)


def by_template(records, plan):
    """Dense float/int64 features of many records at once: records of one length whose bytes
    outside the values are those of the group's first record share its layout, so their
    values are columns of one byte matrix; the others are read one by one."""
    n = len(records)
    outs = [np.empty((n, d[3]), d[4]) for d in plan.dense]
    groups = {}
    for i, r in enumerate(records):
        groups.setdefault(len(r), []).append(i)
    for size, rows in groups.items():
        if not _group(records, rows, size, plan, outs):
            return None
    return [o.reshape([n] + d[2]) for o, d in zip(outs, plan.dense)]


def _spans(b, plan):
    """Per dense feature, where record `b`'s values lie ((start, end), or None for the
    default); None when `b` is not simple."""
    loc = features_of(b, plan.wanted)
    if loc is None:
        return None
    spans = []
    for f, (_, kind, _, stride, _, default) in zip(loc, plan.dense):
        if f is None:
            if default.size != stride:
                return None
            spans.append(None)
            continue
        got, start, end = f
        if got != kind:
            return None
        if start == end:
            if stride:
                return None
            spans.append((start, start))
            continue
        if b[start] != 0x0A:
            return None
        size, i = _varint(b, start + 1)
        if i + size != end or size != (4 * stride if kind == FLOAT else stride):
            return None
        spans.append((i, end))
    return spans


def _group(records, rows, size, plan, outs):
    spans = _spans(records[rows[0]], plan)
    if spans is None:
        return _one_by_one(records, rows, plan, outs)
    m = np.frombuffer(b"".join([records[r] for r in rows]), np.uint8).reshape(len(rows), size)
    keep = np.ones(size, bool)
    for sp in spans:
        if sp is not None:
            keep[sp[0]:sp[1]] = False
    frame = m[:, keep]
    ok = (frame == frame[0]).all(axis=1)
    for sp, d in zip(spans, plan.dense):
        if sp is not None and d[1] == INT64:  # one byte per value
            ok &= (m[:, sp[0]:sp[1]] < 0x80).all(axis=1)
    idx = np.asarray(rows)
    good = idx[ok]
    for out, sp, d in zip(outs, spans, plan.dense):
        if sp is None:
            out[good] = d[5]
        elif d[1] == FLOAT:
            out[good] = np.ascontiguousarray(m[ok, sp[0]:sp[1]]).view("<f4")
        else:
            out[good] = m[ok, sp[0]:sp[1]]
    return ok.all() or _one_by_one(records, idx[~ok].tolist(), plan, outs)


def _one_by_one(records, rows, plan, outs):
    for i in rows:
        b = records[i]
        loc = features_of(b, plan.wanted)
        if loc is None:
            return False
        for out, f, (t, kind, _, stride, _, default) in zip(outs, loc, plan.dense):
            if f is None:
                if default.size != stride:
                    return False
                out[i] = default
                continue
            v = _wire_values(b, f, t)
            if v is None or len(v) != stride:
                return False
            out[i] = v
    return True
