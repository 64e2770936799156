"""IndexedSlices and SparseTensors through a TF1 cond: one Switch / Merge per component.

TF's `control_flow_ops.switch` and `merge` take composite values apart (an IndexedSlices into
values, indices[, dense_shape]; a SparseTensor into indices, values, dense_shape), switch or
merge each part with its own op (`Switch`, `Switch_1`, ... / `Merge`, `Merge_1`, ... under the
call's name scope) and put the results together again. A merge of dense tensors with
IndexedSlices first turns each dense tensor into the IndexedSlices of all its rows. `tf.cond`
returns composites the same way. So a gradient stays sparse through a cond, as TF's does, and
an optimizer applies it to the rows it names (a sparse apply: Momentum's accumulator of the
other rows is left as it was, unlike a dense apply of zeros).

>>> import scopeflow as tf
>>> s = tf.IndexedSlices(tf.ones([2, 3]), tf.constant([1, 2]), tf.constant([5, 3]))
>>> [t.op.type for t in components(s)]
['Fill', 'Const', 'Const']
"""

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.indexed_slices import IndexedSlices
from scopeflow.ops import nest
from scopeflow.sparse_tensor import SparseTensor


def is_composite(x):
    return isinstance(x, (IndexedSlices, SparseTensor))


def components(x):
    """The tensors TF's nest.flatten(x, expand_composites=True) gives for one value."""
    if isinstance(x, IndexedSlices):
        parts = [x.values, x.indices]
        return parts if x.dense_shape is None else [*parts, x.dense_shape]
    if isinstance(x, SparseTensor):
        return [x.indices, x.values, x.dense_shape]
    return [x]


def rebuild(like, parts):
    """`like`'s kind of value from `parts` (as `components` lists them)."""
    if isinstance(like, IndexedSlices):
        return IndexedSlices(parts[0], parts[1], parts[2] if len(parts) > 2 else None)
    if isinstance(like, SparseTensor):
        return SparseTensor(parts[0], parts[1], parts[2])
    return parts[0]


def _composite_kind(x):
    if isinstance(x, IndexedSlices):
        return ("IndexedSlices", x.dense_shape is None)
    if isinstance(x, SparseTensor):
        return ("SparseTensor",)
    return None


def check_branch_structures(first, second):
    """TF's cond check with composites expanded: a composite on one side and a tensor (or
    another kind of composite) on the other is TF's ValueError."""
    _check_kinds(first, second, "Incompatible return values of 'true_fn' and 'false_fn': ")


def check_loop_structures(first, second):
    """TF's while_loop check of the body's results against the loop variables, composites
    expanded (an IndexedSlices loop variable the body returns as a tensor is TF's ValueError)."""
    _check_kinds(first, second, "")


def _check_kinds(first, second, prefix):
    for a, b in zip(nest.flatten(first), nest.flatten(second)):
        ka, kb = _composite_kind(a), _composite_kind(b)
        if ka == kb:
            continue
        if ka is None or kb is None:
            seq, atom = (a, b) if kb is None else (b, a)
            detail = 'Substructure "%s" is a sequence, while substructure "%s" is not' % (
                nest._desc(seq), nest._desc(atom))
        else:
            detail = "Incompatible CompositeTensor TypeSpecs: %s vs. %s" % (
                _spec_desc(a), _spec_desc(b))
        raise ValueError(
            "%s%sFirst structure: %s\n\nSecond structure: %s\n\nMore specifically: %s\n"
            "Entire first structure:\n%s\nEntire second structure:\n%s"
            % (prefix, nest._HEAD, nest._desc(first), nest._desc(second), detail,
               nest._dots(first), nest._dots(second)))


def _static_shape(dense_shape, like):
    """`like` merged with what is known statically of the shape tensor `dense_shape`."""
    from scopeflow.core.shape import TensorShape
    from scopeflow.ops.constant import constant_value
    value = constant_value(dense_shape)
    if value is not None:
        return like.merge_with(TensorShape([int(d) for d in value]))
    rank = dense_shape.shape[0].value if dense_shape.shape.ndims == 1 else None
    return like if rank is None else like.merge_with(TensorShape([None] * rank))


def _spec_desc(x):
    """TF's nest text of a composite's TypeSpec: 'type=IndexedSlicesSpec str=...'."""
    from scopeflow.core.shape import TensorShape
    if isinstance(x, IndexedSlices):
        indices_shape = x.indices.shape.merge_with(x.values.shape[:1])
        dense = TensorShape([None]).concatenate(x.values.shape[1:])
        shape_dtype = None
        if x.dense_shape is not None:
            shape_dtype = x.dense_shape.dtype
            dense = _static_shape(x.dense_shape, dense)
        text = "IndexedSlicesSpec(%r, %r, %r, %r, %r)" % (
            dense, x.dtype.base_dtype, x.indices.dtype.base_dtype, shape_dtype, indices_shape)
        return "type=IndexedSlicesSpec str=" + text
    shape = _static_shape(x.dense_shape, x.shape if x.shape is not None else TensorShape(None))
    return "type=SparseTensorSpec str=SparseTensorSpec(%r, %r)" % (shape, x.dtype.base_dtype)


def _as_indexed_slices(x):
    """TF's _as_indexed_slices(x, optimize=False): a dense tensor as all of its rows."""
    if isinstance(x, IndexedSlices):
        return x
    from scopeflow.ops.shape_ops import range as range_
    from scopeflow.ops.shape_ops import shape_internal
    shape = shape_internal(x, optimize=False)
    return IndexedSlices(x, range_(0, shape[0]), shape)


def _as_indexed_slices_list(inputs):
    out = [_as_indexed_slices(x) for x in inputs]
    int32 = [o for o in out if o.indices.dtype.base_dtype is _dt.int32]
    if not int32 or len(int32) == len(out):
        return out
    from scopeflow.ops.math_cast import cast
    return [IndexedSlices(o.values, cast(o.indices, _dt.int64), o.dense_shape)
            if o.indices.dtype.base_dtype is _dt.int32 else o for o in out]


def merge(inputs, name="Merge"):
    """TF's control_flow_ops.merge: (value of the live input, its index); one Merge op named
    by the scope for tensors, one per component under it for composites."""
    from scopeflow.ops import cf_ops
    graph = default_graph()
    with graph.name_scope(name) as scope:
        if not any(is_composite(x) for x in inputs):
            return cf_ops._merge(inputs, name=scope)
        if all(isinstance(x, IndexedSlices) or not is_composite(x) for x in inputs):
            inputs = _as_indexed_slices_list(inputs)
        parts = [components(x) for x in inputs]
        if len({len(p) for p in parts}) != 1 or len({type(x) for x in inputs}) != 1:
            raise TypeError("Type %s not supported" % type(inputs[0]))
        merged = [cf_ops._merge(list(group)) for group in zip(*parts)]
        return rebuild(inputs[0], [m[0] for m in merged]), merged[0][1]


def switch(data, pred, name="Switch"):
    """TF's control_flow_ops.switch: (false output, true output); one Switch op named by the
    scope for a tensor, one per component under it for a composite."""
    from scopeflow.ops import cf_ops
    graph = default_graph()
    with graph.name_scope(name) as scope:
        if not is_composite(data):
            kind = cf_ops._ref_switch if data.dtype._is_ref_dtype else cf_ops._switch
            return kind(data, pred, name=scope)
        pairs = [cf_ops._switch(t, pred) for t in components(data)]
        return (rebuild(data, [p[0] for p in pairs]), rebuild(data, [p[1] for p in pairs]))
