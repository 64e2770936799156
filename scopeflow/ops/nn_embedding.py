"""`tf.nn.embedding_lookup`: one GatherV2, or a lookup over partitioned params ('mod'/'div').

TF routes partitioned lookups through DynamicPartition / ParallelDynamicStitch, whose output
sizes depend on the ids; XLA needs static sizes, so each partition is gathered for all ids
(its own packed in front, then row 0) and the partition each id belongs to is selected.
Values and the output name ('embedding_lookup/Reshape_1') are TF's; so is training: the
gradient's IndexedSlices name the padding slots -1, rows no update touches (padded_rows.py).
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import Dimension
from scopeflow.ops.op_util import array_ops as array
from scopeflow.ops.op_util import name_scope, raw, tensor
from scopeflow.ops.padded_rows import pad_gather

__all__ = ["embedding_lookup"]


def param_list(params):
    """`params` as a list: one tensor or variable, a list of them, or a PartitionedVariable."""
    if hasattr(params, "_get_variable_list"):
        return list(params)
    return list(params) if isinstance(params, (list, tuple)) else [params]


def _clip(params, ids, max_norm):
    from scopeflow.ops.clip import clip_by_norm
    if max_norm is None:
        return params
    ids_rank, params_rank = ids.shape.ndims, params.shape.ndims
    if ids_rank and params_rank:
        axes = list(range(ids_rank, params_rank))
    else:
        axes = array.range(array.rank(ids), array.rank(params))
    return clip_by_norm(params, max_norm, axes=axes)


def embedding_lookup(params, ids, partition_strategy="mod", name=None, validate_indices=True,
                     max_norm=None):
    """`tf.nn.embedding_lookup`: rows `ids` of `params` (a tensor or a list of partitions).

    >>> import scopeflow as tf
    >>> tf.nn.embedding_lookup(tf.ones([10, 3]), [[1, 2]]).shape.as_list()
    [1, 2, 3]
    """
    if params is None:
        raise ValueError("params must be specified")
    if isinstance(params, (list, tuple)) and not params:
        raise ValueError("Length of params is currently 0. Need at least one param.")
    params = param_list(params)
    with name_scope(name, "embedding_lookup", params + [ids]) as scope:
        n = len(params)
        params = [p if hasattr(p, "sparse_read") else tensor(p, name="params")
                  for p in params]
        ids = tensor(ids, name="ids")
        if n == 1:
            with params[0].graph.colocate_with(params[0].op):
                result = _clip(array.gather(params[0], ids, name=scope), ids, max_norm)
            return array.identity(result)
        return _partitioned(params, ids, partition_strategy, scope, max_norm)


def _assignments(flat_ids, params, strategy):
    """(partition of each id, row within its partition), as TF computes them."""
    from scopeflow.ops import math as m
    from scopeflow.ops.constant import constant
    n = len(params)
    if strategy == "mod":
        return flat_ids % n, flat_ids // n
    if strategy != "div":
        raise ValueError("Unrecognized partition strategy: %s. Must be one of either `mod` or "
                         "`div`." % strategy)
    total = Dimension(params[0].shape.dims[0].value if params[0].shape.ndims else None)
    for p in params[1:]:
        total += Dimension(p.shape.dims[0].value if p.shape.ndims else None)
    if total.value:
        num_total = constant(total.value, flat_ids.dtype)
    else:
        from scopeflow.ops.reductions import reduce_sum
        sizes = [array.shape(p)[0] for p in params]
        num_total = reduce_sum(m.cast(array.stack(sizes), flat_ids.dtype))
    per = num_total // n
    extras = num_total % n
    assign = m.maximum(flat_ids // (per + 1), (flat_ids - extras) // per)
    new_ids = raw("Select", assign < extras, flat_ids % (per + 1), (flat_ids - extras) % per)
    return _partition_numbers(assign, n), new_ids


def _partition_numbers(assign, n):
    """`assign`, checked as TF's DynamicPartition checks it: an id outside the tables has no
    partition and fails the run with its words and node ("partitions[1] = 2 is not in
    [0, 2)", 'embedding_lookup/DynamicPartition'), by a gather of the partition numbers."""
    from scopeflow.ops.constant import constant
    from scopeflow.ops.gather import INDEX_WORDS
    numbers = constant(np.arange(n), assign.dtype, name="partitions")
    checked = array.gather(numbers, assign, name="DynamicPartition")
    INDEX_WORDS[checked.op] = "partitions"
    return checked


def _gather_part(part, mine, new_ids):
    """Rows of `part` for every id (those of other partitions read row 0 and are dropped).

    The partition's own ids are gathered packed in front, in order, as TF's DynamicPartition
    hands them to its GatherV2: an id past the partition fails that gather with TF's message
    and position ("indices[0] = 2 is not in [0, 2)"), where clipping gave a row silently.
    """
    from scopeflow.ops import math as m
    from scopeflow.ops.reductions import cumsum
    from scopeflow.ops.segments import unsorted_segment_sum
    n = array.size(new_ids)
    slot = cumsum(m.cast(mine, _dt.int32)) - 1  # (ids,) position among this partition's ids
    packed = unsorted_segment_sum(new_ids, raw("Select", mine, slot, array.fill([n], n)), n + 1)
    rows = array.gather(part, packed[:-1])
    # the slots past this partition's ids read row 0: its gradient names them -1 (padding)
    pad_gather(_gather_of(rows), mine)
    # (the second gather is ours, named apart so partition p's gather is TF's 'GatherV2_p')
    return array.gather(rows, raw("Select", mine, slot, array.zeros_like(slot)), name="rows")


def _gather_of(rows):
    """The GatherV2 / ResourceGather op that produced `rows` (through Identity reads)."""
    op = rows.op
    while op.type == "Identity":
        op = op.inputs[0].op
    return op


def _partitioned(params, ids, strategy, scope, max_norm):
    from scopeflow.ops import math as m
    flat_ids = array.reshape(ids, [-1])
    assign, new_ids = _assignments(flat_ids, params, strategy)
    assign = m.cast(assign, _dt.int32)
    parts = []
    for p, part in enumerate(params):
        mine = m.equal(assign, p)
        with part.graph.colocate_with(part.op):
            got = _gather_part(part, mine, new_ids)
        # Select with a vector condition picks whole rows: this partition's ids.
        parts.append(raw("Select", mine, got, array.zeros_like(got)))
    from scopeflow.ops.math_extra import add_n
    ret = add_n(parts, name=scope)
    element = params[0].shape[1:]
    for p in params[1:]:
        element = element.merge_with(p.shape[1:])
    if element.is_fully_defined():
        element_d = np.asarray(element.as_list(), np.int32)
    else:
        element_d = array.shape(params[0])[1:]
    ret = array.reshape(ret, array.concat([array.shape(ids), element_d], 0))
    ret.set_shape(ids.shape.concatenate(element))
    return _clip(ret, ids, max_norm)
