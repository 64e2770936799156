"""CTC decoders: `tf.nn.ctc_greedy_decoder` (CTCGreedyDecoder) and `tf.nn.ctc_beam_search_decoder`
(CTCBeamSearchDecoder), as TF's CPU kernels compute them.

The decoded label lists have data-dependent lengths, so both ops are host ops
(ops/dynamic_shape.py): they run on the host between the compiled steps of a run. Each
returns per path a SparseTensor (indices [batch, position], int64 labels, dense shape
[batch, longest list]) and the log probabilities: for the greedy decoder minus the sum of each
step's largest logit (batch, 1), for the beam search TF's beam scores (batch, top_paths)
(ops/ctc_beam.py).

>>> import scopeflow as tf
>>> (d,), lp = tf.nn.ctc_greedy_decoder(tf.zeros([4, 2, 3]), [4, 2])
>>> d.indices.op.type, lp.shape.as_list()
('CTCGreedyDecoder', [2, 1])
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.errors import FailedPreconditionError
from scopeflow.ops.array_base import ShapeError, dims_of
from scopeflow.ops.ctc_beam import BeamError, beam_search
from scopeflow.ops.dynamic_shape import BadValue, host_op
from scopeflow.ops.op_util import check_allowed
from scopeflow.ops.registry import spec

_FLOATS = ("float32", "float64")


def _batch(inputs, sequence_length):
    check_allowed(inputs, "inputs", _FLOATS)
    x, seq = dims_of(inputs), dims_of(sequence_length)
    for d, r in ((x, 3), (seq, 1)):
        if d is not None and len(d) != r:
            raise ShapeError("Shape must be rank %d but is rank %d" % (r, len(d)))
    a, b = (x[1] if x else None), (seq[0] if seq else None)
    if a is not None and b is not None and a != b:
        raise ShapeError("Dimensions must be equal, but are %d and %d" % (a, b))
    return a if a is not None else b


def _sparse_specs(n):
    return ([spec((None, 2), _dt.int64)] * n + [spec((None,), _dt.int64)] * n
            + [spec((2,), _dt.int64)] * n)


def _greedy_shape(inputs, sequence_length, *, merge_repeated=False, blank_index=-1):
    batch = _batch(inputs, sequence_length)
    return _sparse_specs(1) + [spec((batch, 1), inputs.dtype.base_dtype)]


def _beam_shape(inputs, sequence_length, *, beam_width, top_paths, merge_repeated=True):
    for name, v in (("beam_width", beam_width), ("top_paths", top_paths)):
        if v < 1:
            raise ValueError("Attr '%s' of 'CTCBeamSearchDecoder' Op passed %d less than "
                             "minimum 1." % (name, v))
    batch = _batch(inputs, sequence_length)
    return _sparse_specs(top_paths) + [spec((batch, top_paths), inputs.dtype.base_dtype)]


def _validate(inputs, seq):
    """TF's CTCDecodeHelper checks, in its order and words."""
    if inputs.ndim != 3:
        raise BadValue("inputs is not a 3-Tensor")
    if inputs.size == 0:
        raise BadValue("inputs must not be empty")
    max_time, batch = inputs.shape[:2]
    if seq.ndim != 1:
        raise BadValue("sequence_length is not a vector")
    if seq.shape[0] != batch:
        raise BadValue("len(sequence_length) != batch_size.  len(sequence_length):  %d "
                       "batch_size: %d" % (seq.shape[0], batch), FailedPreconditionError)
    for b in range(batch):
        if not seq[b] <= max_time:
            raise BadValue("sequence_length(%d) <= %d" % (b, max_time),
                           FailedPreconditionError)


def _store(paths, top_paths):
    """Per path: (indices, values, dense shape) of the decoded lists, as TF lays them out."""
    out = []
    for p in range(top_paths):
        rows = [row[p] for row in paths]
        idx = [[b, t] for b, r in enumerate(rows) for t in range(len(r))]
        out.append((np.array(idx, np.int64).reshape(-1, 2),
                    np.array([v for r in rows for v in r], np.int64),
                    np.array([len(rows), max([len(r) for r in rows], default=0)], np.int64)))
    return [list(z) for z in zip(*out)]


@host_op("CTCGreedyDecoder", _greedy_shape, types={"sequence_length": _dt.int32}, multi=True)
def ctc_greedy_decoder_op(inputs, sequence_length, *, merge_repeated=False, blank_index=-1):
    """Best path: each step's first largest class, repeats merged, blanks dropped."""
    _validate(inputs, sequence_length)
    _, batch, num_classes = inputs.shape
    blank = num_classes + blank_index if blank_index < 0 else blank_index
    if not 0 <= blank < num_classes:
        raise BadValue("blank_index expected to be between %d and %d but was %d"
                       % (-num_classes, num_classes - 1, blank_index))
    t = inputs.dtype.type
    log_prob = np.zeros((batch, 1), inputs.dtype)
    paths = []
    for b in range(batch):
        seq, prev, acc = [], -1, t(0)
        for step in range(int(sequence_length[b])):
            row = inputs[step, b]
            best = int(np.argmax(row))  # (the first maximum, as TF's RowMax; NaN aside)
            acc = acc + -row[best]
            if best != blank and not (merge_repeated and best == prev):
                seq.append(best)
            prev = best
        log_prob[b, 0] = acc
        paths.append([seq])
    ix, vals, shapes = _store(paths, 1)
    return ix + vals + shapes + [log_prob]


@host_op("CTCBeamSearchDecoder", _beam_shape, types={"sequence_length": _dt.int32}, multi=True)
def ctc_beam_search_decoder_op(inputs, sequence_length, *, beam_width, top_paths,
                               merge_repeated=True):
    """TF's beam search (ops/ctc_beam.py): the top paths and their log probabilities."""
    _validate(inputs, sequence_length)
    try:
        paths, probs = beam_search(inputs, sequence_length, beam_width=beam_width,
                                   top_paths=top_paths, merge_repeated=merge_repeated)
    except BeamError as e:
        raise BadValue(str(e)) from None
    ix, vals, shapes = _store(paths, top_paths)
    return ix + vals + shapes + [np.array(probs, inputs.dtype).reshape(-1, top_paths)]


def _sparse(ix, val, shape):
    from scopeflow.sparse_tensor import SparseTensor
    return SparseTensor(ix, val, shape)


def ctc_greedy_decoder(inputs, sequence_length, merge_repeated=True, blank_index=None):
    """`tf.nn.ctc_greedy_decoder`: ([decoded SparseTensor], neg_sum_logits (batch, 1))."""
    out = ctc_greedy_decoder_op(inputs, sequence_length, name="CTCGreedyDecoder",
                                merge_repeated=bool(merge_repeated),
                                blank_index=-1 if blank_index is None else int(blank_index))
    return [_sparse(*out[:3])], out[3]


def ctc_beam_search_decoder(inputs, sequence_length, beam_width=100, top_paths=1,
                            merge_repeated=True):
    """`tf.nn.ctc_beam_search_decoder` (TF1's): ([top_paths SparseTensors], log_probability
    (batch, top_paths))."""
    out = ctc_beam_search_decoder_op(inputs, sequence_length, name="CTCBeamSearchDecoder",
                                     beam_width=int(beam_width), top_paths=int(top_paths),
                                     merge_repeated=bool(merge_repeated))
    n = int(top_paths)
    return [_sparse(out[i], out[n + i], out[2 * n + i]) for i in range(n)], out[3 * n]


def ctc_beam_search_decoder_v2(inputs, sequence_length, beam_width=100, top_paths=1):
    """`tf.nn.ctc_beam_search_decoder_v2`: the beam search with merge_repeated=False."""
    return ctc_beam_search_decoder(inputs, sequence_length=sequence_length,
                                   beam_width=beam_width, top_paths=top_paths,
                                   merge_repeated=False)


def _get_dim(t, i):
    from scopeflow.ops.shape_ops import shape
    return t.shape.as_list()[i] if t.shape.rank is not None and t.shape.as_list()[i] \
        else shape(t)[i]


def collapse_repeated(labels, seq_length, name=None):
    """`tf.nn.collapse_repeated`: runs of equal labels merged, each row left-aligned and
    padded with 0 to the longest new length; (labels, new lengths), built as TF builds it."""
    from scopeflow.ops import array
    from scopeflow.ops.constant import convert_to_tensor
    from scopeflow.ops.gather import boolean_mask, scatter_nd
    from scopeflow.ops.joining import concat
    from scopeflow.ops.math import logical_and, not_equal
    from scopeflow.ops.math_cast import cast
    from scopeflow.ops.op_util import name_scope
    from scopeflow.ops.reductions import reduce_max, reduce_sum
    from scopeflow.ops.shape_ops import ones_like, range as range_, sequence_mask, shape
    with name_scope(name, "collapse_repeated_labels", [labels, seq_length]):
        labels = convert_to_tensor(labels, name="labels")
        seq_length = convert_to_tensor(seq_length, name="seq_length")
        label_mask = concat([ones_like(labels[:, :1], _dt.bool),
                             not_equal(labels[:, 1:], labels[:, :-1])], axis=1)
        maxlen = _get_dim(labels, 1)
        seq_mask = sequence_mask(seq_length, maxlen=maxlen)
        label_mask = logical_and(label_mask, seq_mask)
        new_seq_len = reduce_sum(cast(label_mask, _dt.int32), axis=1)
        new_maxlen = reduce_max(new_seq_len)
        idx_mask = sequence_mask(new_seq_len, maxlen=new_maxlen)
        flat_labels = array.reshape(labels, [-1])
        flat_label_mask = array.reshape(label_mask, [-1])
        flat_idx_mask = array.reshape(idx_mask, [-1])
        idx = range_(_get_dim(flat_idx_mask, 0))
        flat = scatter_nd(indices=array.expand_dims(boolean_mask(idx, flat_idx_mask), axis=1),
                          updates=boolean_mask(flat_labels, flat_label_mask),
                          shape=shape(flat_idx_mask))
        batch_size = _get_dim(labels, 0)
        return (array.reshape(flat, [batch_size, new_maxlen]),
                cast(new_seq_len, seq_length.dtype))
