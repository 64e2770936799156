"""`tf.edit_distance` (EditDistance): Levenshtein distances between the sequences of two
SparseTensors, as TF's CPU kernel computes them.

Both tensors hold one sequence per index of their leading dimensions (all but the last). The
output has the larger of the two dense shapes without its last dimension, zero where neither
has a sequence; a hypothesis without truth gives its length (inf when normalized), a truth
without hypothesis its length (1 when normalized), both the distance (over the truth's
length when normalized). A host op (ops/dynamic_shape.py): the output shape follows the
fed dense shapes.

>>> import scopeflow as tf
>>> h = tf.SparseTensor([[0, 0, 0], [1, 0, 0]], ["a", "b"], [2, 1, 1])
>>> t = tf.SparseTensor([[0, 1, 0], [1, 0, 0], [1, 0, 1], [1, 1, 0]], ["a", "b", "c", "a"],
...                     [2, 2, 2])
>>> tf.edit_distance(h, t).shape.as_list()
[2, 2]
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.errors import InternalError
from scopeflow.ops.array_base import ShapeError, dims_of, static_value
from scopeflow.ops.dynamic_shape import BadValue, host_op
from scopeflow.ops.registry import ANY, spec


def _shape_text(shape):
    return "[%s]" % ",".join(str(d) for d in shape)


def _edit_shape(hypothesis_indices, hypothesis_values, hypothesis_shape, truth_indices,
                truth_values, truth_shape, *, normalize=True):
    for ix, vals, shp in ((hypothesis_indices, hypothesis_values, hypothesis_shape),
                          (truth_indices, truth_values, truth_shape)):
        for t, r in ((ix, 2), (vals, 1), (shp, 1)):
            d = dims_of(t)
            if d is not None and len(d) != r:
                raise ShapeError("Shape must be rank %d but is rank %d" % (r, len(d)))
    hs, ts = static_value(hypothesis_shape), static_value(truth_shape)
    if hs is None or ts is None:
        return spec(None, _dt.float32)
    if hs.size != ts.size:
        raise ShapeError("Num elements of hypothesis_shape does not match truth_shape: %d vs. %d"
                         % (hs.size, ts.size))
    return spec(tuple(int(max(a, b)) for a, b in zip(hs[:-1], ts[:-1])), _dt.float32)


def _validate(hi, hv, hs, ti, tv, ts):
    for t, name, want in ((hi, "hypothesis_indices", "a matrix"),
                          (ti, "truth_indices", "a matrix"),
                          (hv, "hypothesis_values", "a vector"),
                          (tv, "truth_values", "a vector"),
                          (hs, "hypothesis_shape", "a vector"),
                          (ts, "truth_shape", "a vector")):
        if t.ndim != (2 if want == "a matrix" else 1):
            raise BadValue("%s should be %s, but got shape: %s" % (name, want,
                                                                   _shape_text(t.shape)))
    if hs.size != hi.shape[1]:
        raise BadValue("Expected hypothesis_shape.NumElements == #cols(hypothesis_indices), "
                       "their shapes are: %s and %s" % (_shape_text(hs.shape),
                                                        _shape_text(hi.shape)))
    if ts.size < 2:
        raise BadValue("Input SparseTensors must have rank at least 2, but truth_shape rank "
                       "is: %d" % ts.size)
    if ts.size != ti.shape[1]:
        raise BadValue("Expected truth_shape.NumElements == #cols(truth_indices), their shapes "
                       "are: %s and %s" % (_shape_text(ts.shape), _shape_text(ti.shape)))
    if ts.size != hs.size:
        raise BadValue("Expected truth and hypothesis to have matching ranks, but their shapes "
                       "are: %s and %s" % (_shape_text(ts.shape), _shape_text(hs.shape)))


def _groups(indices, values):
    """(key, values) of each run of entries sharing their leading indices, in entry order."""
    out = []
    for key, v in zip(map(tuple, indices[:, :-1].tolist()), values.tolist()):
        if out and out[-1][0] == key:
            out[-1][1].append(v)
        else:
            out.append((key, [v]))
    return out


def levenshtein(a, b):
    """The edit distance between two lists (insertions, deletions, substitutions)."""
    if not a or not b:
        return len(a) + len(b)
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


@host_op("EditDistance", _edit_shape,
         types={"hypothesis_indices": _dt.int64, "hypothesis_values": ANY,
                "hypothesis_shape": _dt.int64, "truth_indices": _dt.int64, "truth_values": ANY,
                "truth_shape": _dt.int64})
def edit_distance_op(hypothesis_indices, hypothesis_values, hypothesis_shape, truth_indices,
                     truth_values, truth_shape, *, normalize=True):
    """Per leading index: the Levenshtein distance of hypothesis to truth (float32)."""
    hi, hv, hs = hypothesis_indices, hypothesis_values, hypothesis_shape
    ti, tv, ts = truth_indices, truth_values, truth_shape
    _validate(hi, hv, hs, ti, tv, ts)
    out_shape = tuple(int(max(a, b)) for a, b in zip(hs[:-1], ts[:-1]))
    out = np.zeros(out_shape, np.float32)
    flat = out.reshape(-1)
    strides = [int(np.prod(out_shape[k + 1:])) for k in range(len(out_shape))]

    def put(key, value):
        loc = sum(k * s for k, s in zip(key, strides))
        if not 0 <= loc < flat.size:
            raise BadValue("Got an inner product %d which would require writing to outside of "
                           "the buffer for the output tensor (max elements %d)"
                           % (loc, flat.size), InternalError)
        flat[loc] = value

    hyp, truth = _groups(hi, hv), _groups(ti, tv)
    i = j = 0
    one, zero = np.float32(1), np.float32(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        while i < len(hyp) or j < len(truth):
            gh = hyp[i][0] if i < len(hyp) else None
            gt = truth[j][0] if j < len(truth) else None
            if gh is not None and gt is not None and gh == gt:
                d = np.float32(levenshtein(truth[j][1], hyp[i][1]))
                put(gt, d / np.float32(len(truth[j][1])) if normalize else d)
                i, j = i + 1, j + 1
            elif gt is None or (gh is not None and gt > gh):  # a hypothesis without truth
                n = np.float32(len(hyp[i][1]))
                put(gh, n / zero if normalize else n)
                i += 1
            else:  # a truth without hypothesis
                put(gt, one if normalize else np.float32(len(truth[j][1])))
                j += 1
    return out


def edit_distance(hypothesis, truth, normalize=True, name="edit_distance"):
    """`tf.edit_distance`: Levenshtein distances between two SparseTensors' sequences."""
    from scopeflow.sparse_tensor import SparseTensor, SparseTensorValue
    if not isinstance(hypothesis, (SparseTensor, SparseTensorValue)):
        raise TypeError("Hypothesis must be a SparseTensor.")
    if not isinstance(truth, (SparseTensor, SparseTensorValue)):
        raise TypeError("Truth must be a SparseTensor.")
    return edit_distance_op(hypothesis.indices, hypothesis.values, hypothesis.dense_shape,
                            truth.indices, truth.values, truth.dense_shape, name=name,
                            normalize=bool(normalize))
