"""Gradients of shape, slicing, joining and gathering ops, as TF's array_grad builds them.

`GatherV2` along axis 0 returns `tf.IndexedSlices` (rows, indices, the params' shape), which
Identity reads pass on unchanged to the variable.
"""

from scopeflow.core.tensor import Tensor
from scopeflow.gradients.registry import apply_op as _apply
from scopeflow.gradients.registry import gradient, not_differentiable
from scopeflow.indexed_slices import IndexedSlices
from scopeflow.ops.array import expand_dims, reshape, transpose
from scopeflow.ops.constant import constant_value
from scopeflow.ops.joining import PADDED_SHAPES, concat, pad, stack, unstack
from scopeflow.ops.padded_rows import gradient_indices
from scopeflow.ops.reductions import reduce_sum
from scopeflow.ops.shape_ops import rank, shape, size
from scopeflow.ops.slicing import slice as slice_


def dense(grad):
    """TF's _IndexedSlicesToTensorNoWarning: rows summed into the dense tensor."""
    if not isinstance(grad, IndexedSlices):
        return grad
    from scopeflow.ops.segments import unsorted_segment_sum
    if grad.dense_shape is None:
        raise ValueError("Tensor conversion requested for IndexedSlices without dense_shape: %s"
                         % str(grad))
    return unsorted_segment_sum(grad.values, grad.indices, grad.dense_shape[0])


not_differentiable("ConcatOffset", "Const", "EditDistance", "ZerosLike", "OnesLike",
                   "StopGradient", "InvertPermutation", "Shape", "ShapeN", "Rank", "Size",
                   "BroadcastGradientArgs", "OneHot")


@gradient("Identity", "PlaceholderWithDefault", "RefIdentity", "Snapshot")
def _identity_grad(_, grad):
    return grad


@gradient("Print")
def _print_grad(op, grad):
    """The printed data gets none (TF's _PrintGrad); through the fallback tf.Print stopped the
    gradient of its first input (a stateful op)."""
    return [grad] + [None] * (len(op._inputs) - 1)


@gradient("ReadVariableOp")
def _read_grad(_, grad):
    return grad


@gradient("ResourceGather", needs=("VariableShape",), check=lambda op: not op._attrs.get(
    "batch_dims", 0))
def _resource_gather_grad(op, grad):
    from scopeflow import dtypes as _dt
    from scopeflow.gradients.sparse import handle_shape
    from scopeflow.ops.constant import constant
    handle, indices = op._inputs[0], op._inputs[1]
    known = handle_shape(handle)  # TF's handle data: a Const where the shape is known
    params_shape = _apply("VariableShape", handle, out_type=_dt.int32) if known is None \
        else constant(known, dtype=_dt.int32)
    indices_size = expand_dims(size(indices), 0)
    values_shape = concat([indices_size, params_shape[1:]], 0)
    values = reshape(grad, values_shape)
    indices = gradient_indices(op, reshape(indices, indices_size))
    return IndexedSlices(values, indices, params_shape), None


@gradient("IdentityN")
def _identity_n_grad(_, *grads):
    return grads


@gradient("PreventGradient")
def _prevent_gradient_grad(op, _):
    raise LookupError("Gradient explicitly disabled. Reason: %s"
                      % op._attrs.get("message", ""))


@gradient("Pack")
def _pack_grad(op, grad):
    return unstack(grad, num=len(op._inputs), axis=op._attrs.get("axis", 0))


@gradient("Unpack")
def _unpack_grad(op, *grads):
    return stack(grads, axis=op._attrs.get("axis", 0))


@gradient("ConcatV2", needs=("ConcatOffset",))
def _concat_v2_grad(op, grad):
    if len(op._inputs) == 2:
        return [grad, None]
    dim = op._inputs[-1]
    values = op._inputs[:-1]
    grad = dense(grad)
    if dim._op._type == "Const" and _output_context(dim._op) is not _output_context(grad._op):
        # TF copies a constant axis made in another cond / loop context (`<op>_grad/Const`)
        from scopeflow.ops.constant import constant
        dim = constant(dim._op._attrs["value"], dtype=dim.dtype)
    non_neg = dim % rank(values[0])
    sizes = _input_shapes(values)
    if len(sizes) > 16:
        from scopeflow.ops.array import squeeze
        from scopeflow.ops.joining import split
        sizes = squeeze(slice_(stack(sizes, axis=1), [non_neg, 0], [1, -1]))
        return split(grad, sizes, non_neg) + [None]
    offsets = _apply("ConcatOffset", non_neg, sizes)
    if isinstance(offsets, Tensor):
        offsets = [offsets]
    return [slice_(grad, begin, s) for begin, s in zip(offsets, sizes)] + [None]


def _output_context(op):
    """TF's GetOutputContext: the op's control flow context, a loop's Exit its outer one."""
    ctx = op._ctx
    if ctx is not None and op._type in ("Exit", "RefExit"):
        ctx = ctx.outer
    return ctx


def _input_shapes(values):
    from scopeflow.ops.shape_ops import shape_n
    sizes = []
    for x in values:
        s = shape(x)
        if not isinstance(s, Tensor) or s.op.type != "Const":
            return shape_n(values)
        sizes.append(s)
    return sizes


@gradient("Slice")
def _slice_grad(op, grad):
    x, begin = op._inputs[0], op._inputs[1]
    in_rank = rank(x)
    index_dtype = begin.dtype.base_dtype
    slice_size = shape(op._outputs[0], out_type=index_dtype)
    s = stack([in_rank, 1])
    before = reshape(begin, s)
    after = reshape(shape(x, out_type=index_dtype) - slice_size - begin, s)
    paddings = concat([before, after], 1)
    out = pad(grad, paddings)
    if x.shape.is_fully_defined():  # (a begin known only at run time: in a loop body)
        PADDED_SHAPES[out.op] = tuple(x.shape.as_list())
    return out, None, None


@gradient("StridedSlice", needs=("StridedSliceGrad",))
def _strided_slice_grad(op, grad):
    begin, end, strides = op._inputs[1:4]
    x = shape(op._inputs[0], out_type=begin.dtype.base_dtype)
    vals = [constant_value(t) for t in (x, begin, end, strides)]
    x, begin, end, strides = [v if v is not None else t
                              for v, t in zip(vals, (x, begin, end, strides))]
    masks = {k: op._attrs.get(k, 0) for k in ("begin_mask", "end_mask", "ellipsis_mask",
                                               "new_axis_mask", "shrink_axis_mask")}
    return _apply("StridedSliceGrad", x, begin, end, strides, grad, **masks), None, None, None


@gradient("Split")
def _split_grad(op, *grads):
    return None, concat(list(grads), op._inputs[0])


@gradient("SplitV")
def _split_v_grad(op, *grads):
    return [concat(list(grads), op._inputs[2])] + [None] * (len(op._inputs) - 1)


@gradient("Fill")
def _fill_grad(_, grad):
    return None, reduce_sum(grad)


def _batch_indices(params_shape, indices, batch_dims):
    """TF's _GetBatchIndices: `indices` plus each batch position's offset in the flattened
    batch dimensions."""
    from scopeflow.ops.joining import tile
    from scopeflow.ops.math_cast import cast
    from scopeflow.ops.shape_ops import ones, zeros
    from scopeflow.ops.shape_ops import range as range_
    out = indices
    dtype = indices.dtype.base_dtype
    dims = cast(params_shape, dtype)
    accum = ones((), dtype=dtype)
    for dim in range(batch_dims, 0, -1):
        dim_value = dims[dim - 1]
        accum *= dims[dim]
        steps = range_(zeros((), dtype=dtype), dim_value, ones((), dtype=dtype))
        steps *= accum
        dim_shape = concat([tile([1], [dim - 1]), [dim_value],
                            tile([1], [rank(indices) - dim])], axis=0)
        out += reshape(steps, dim_shape)
    return out


def _batch_gather_grad(params_shape, values, indices, batch_dims, gather_dim_size):
    """TF's _BatchGatherGrad: the gathered axis first after `batch_dims` batch axes."""
    from scopeflow.ops.reductions import REDUCERS
    from scopeflow.ops.segments import unsorted_segment_sum
    indices_size = expand_dims(size(indices), 0)
    if batch_dims:
        values_shape = shape(values)
        outer_shape = values_shape[:batch_dims]
        inner_shape = values_shape[batch_dims:][1:]
        batch_size = REDUCERS["Prod"](outer_shape, [0], name="Prod", keep_dims=False)
        flat_values_shape = concat([[-1], inner_shape], 0)
        gather_dim_size *= batch_size
        indices = _batch_indices(params_shape, indices, batch_dims)
        values = reshape(dense(values), flat_values_shape)
    indices = reshape(indices, indices_size)
    params_grad = unsorted_segment_sum(values, indices, gather_dim_size)
    if batch_dims:
        params_grad = reshape(params_grad, concat([outer_shape, flat_values_shape], 0))
    return params_grad


@gradient("GatherV2")
def _gather_v2_grad(op, grad):
    """TF's _GatherV2Grad: IndexedSlices rows along axis 0; else (another axis, batch_dims)
    the axis moved after the batch axes, an unsorted segment sum, and moved back."""
    from scopeflow.core.frame import default_graph
    from scopeflow.ops.gather import gather
    from scopeflow.ops.shape_ops import range as range_
    params, indices, axis = op._inputs[0], op._inputs[1], op._inputs[2]
    with default_graph().colocate_with(params._op):
        params_shape = shape(params)
    indices_size = expand_dims(size(indices), 0)
    axis_static = constant_value(axis)
    batch_dims = int(op._attrs.get("batch_dims", 0))
    if batch_dims < 0:
        if indices.shape.ndims is None:
            raise ValueError(
                "Currently, it is unsupported to take the gradient of tf.gather when "
                "batch_dims < 0 and the rank of the indices is unknown. Please pass a positive "
                "batch_dims or use tf.ensure_shape to update the shape of indices when calling "
                "tf.gather. Got batch_dims=%d and indices=%s" % (batch_dims, indices))
        batch_dims += indices.shape.ndims
    if axis_static is not None and int(axis_static) == 0:
        values_shape = concat([indices_size, params_shape[1:]], 0)
        values = reshape(dense(grad), values_shape)
        indices = gradient_indices(op, reshape(indices, indices_size))
        return [IndexedSlices(values, indices, params_shape), None, None]
    outer_shape = params_shape[:axis]
    inner_shape = params_shape[axis:][1:]
    values_shape = concat([outer_shape, [-1], inner_shape], 0)
    values_dims = size(values_shape)
    axis_dims = size(outer_shape)
    outer_batches = range_(batch_dims)
    batch_axis = range_(batch_dims, axis_dims)
    inner_axes = range_(axis_dims + 1, values_dims)
    values = reshape(dense(grad), values_shape)
    transpose_dims = concat([outer_batches, [axis_dims], batch_axis, inner_axes], 0)
    values_transpose = transpose(values, transpose_dims)
    params_shape_transpose = gather(params_shape, transpose_dims)
    params_grad = _batch_gather_grad(params_shape_transpose, values_transpose, indices,
                                     batch_dims, params_shape[axis])
    invert_dims = concat([outer_batches, batch_axis + 1, [batch_dims], inner_axes], 0)
    params_grad = transpose(params_grad, invert_dims)
    return [reshape(params_grad, shape(params)), None, None]


@gradient("Reshape")
def _reshape_grad(op, grad):
    dims = op._inputs[0].shape._dims
    if dims is not None and None in dims:
        unknown = [i for i, d in enumerate(dims) if d is None]
        if len(unknown) == 1 and 0 not in dims:
            target = [-1 if d is None else d for d in dims]
            return [reshape(dense(grad), target), None]
    return [reshape(dense(grad), shape(op._inputs[0])), None]


def _reshape_to_input(op, grad):
    return reshape(dense(grad), shape(op._inputs[0]))


@gradient("ExpandDims")
def _expand_dims_grad(op, grad):
    return [_reshape_to_input(op, grad), None]


@gradient("Squeeze")
def _squeeze_grad(op, grad):
    return _reshape_to_input(op, grad)


@gradient("Transpose")
def _transpose_grad(op, grad):
    from scopeflow.ops.gather import invert_permutation
    return [transpose(grad, invert_permutation(op._inputs[1])), None]


@gradient("Tile")
def _tile_grad(op, grad):
    from scopeflow.ops.shape_ops import range as range_
    multiples = op._inputs[1]
    in_shape = shape(op._inputs[0], out_type=multiples.dtype.base_dtype)
    split_shape = reshape(transpose(stack([multiples, in_shape])), [-1])
    axes = range_(0, size(split_shape), 2)
    grad = dense(grad)
    out = reduce_sum(reshape(grad, split_shape), axes)
    out.set_shape(op._inputs[0].shape)
    return [out, None]


@gradient("Pad", "PadV2")
def _pad_grad(op, grad):
    x, a = op._inputs[0], op._inputs[1]
    before = slice_(a, [0, 0], stack([rank(x), 1]))
    begin = reshape(before, [-1])
    sizes = shape(x, out_type=begin.dtype.base_dtype)
    x_grad = slice_(grad, begin, sizes)
    return (x_grad, None, None) if len(op._inputs) == 3 else (x_grad, None)


@gradient("MirrorPad")
def _mirror_pad_grad(op, grad):
    """MirrorPadGrad folds the padded areas back (TF's _MirrorPadGrad)."""
    from scopeflow.ops.joining import mirror_pad_grad
    return [mirror_pad_grad(grad, op._inputs[1], mode=op._attrs["mode"], name="MirrorPadGrad"),
            None]


@gradient("MirrorPadGrad")
def _mirror_pad_grad_grad(op, grad):
    """MirrorPad again, with the fold's paddings (TF's _MirrorPadGradGrad)."""
    from scopeflow.ops.joining import _mirror_pad
    return [_mirror_pad(grad, op._inputs[1], mode=op._attrs["mode"], name="MirrorPad"), None]


@gradient("BroadcastTo")
def _broadcast_to_grad(op, grad):
    from scopeflow.gradients.math_grad import broadcast_gradient_args
    from scopeflow.ops.constant import constant
    value, target = op._inputs
    dtype = target.dtype.base_dtype
    value_shape = shape(value, out_type=dtype)
    static = constant_value(target)
    if static is not None:
        target = constant(list(static), dtype=dtype)
    _, axes = broadcast_gradient_args(target, value_shape)
    g = reduce_sum(grad, axis=axes, keepdims=True)
    return [reshape(g, value_shape), None]


@gradient("ClipByValue")
def _clip_by_value_grad(op, grad):
    from scopeflow.ops.gather import where
    from scopeflow.ops.grad_args import broadcast_gradient_args
    from scopeflow.ops.math import greater, less, logical_or
    from scopeflow.ops.shape_ops import zeros
    x, y, z = op._inputs
    sx, sy, sz = shape(x), shape(y), shape(z)
    zero = zeros(shape(grad), grad.dtype.base_dtype)
    xymask, xzmask = less(x, y), greater(x, z)
    _, ry = broadcast_gradient_args(sx, sy)
    _, rz = broadcast_gradient_args(sx, sz)
    xgrad = where(logical_or(xymask, xzmask), zero, grad)
    ygrad = where(xymask, grad, zero)
    zgrad = where(xzmask, grad, zero)
    return xgrad, reshape(reduce_sum(ygrad, ry), sy), reshape(reduce_sum(zgrad, rz), sz)


@gradient("Cumsum")
def _cumsum_grad(op, grad):
    from scopeflow.ops.reductions import cumsum
    return [cumsum(grad, op._inputs[1], exclusive=op._attrs.get("exclusive", False),
                   reverse=not op._attrs.get("reverse", False)), None]


@gradient("ReverseV2")
def _reverse_v2_grad(op, grad):
    from scopeflow.ops.slicing import reverse
    return reverse(grad, op._inputs[1]), None


@gradient("ReverseSequence")
def _reverse_sequence_grad(op, grad):
    from scopeflow.ops.slicing import reverse_sequence
    return reverse_sequence(grad, op._inputs[1], seq_axis=op._attrs["seq_dim"],
                            batch_axis=op._attrs["batch_dim"]), None


@gradient("Roll")
def _roll_grad(op, grad):
    from scopeflow.ops.array import roll
    from scopeflow.ops.math_unary import negative
    _, shift, axis = op._inputs
    return roll(grad, negative(shift), axis), None, None


@gradient("GatherNd")
def _gather_nd_grad(op, grad):
    from scopeflow.ops.gather import scatter_nd
    ref, indices = op._inputs
    ref_shape = shape(ref, out_type=indices.dtype.base_dtype)
    d = indices.shape._dims
    if d is not None and len(d) == 2 and d[-1] == 1:
        from scopeflow.ops.array import squeeze
        return [IndexedSlices(grad, squeeze(indices, axis=-1), ref_shape), None]
    return [scatter_nd(indices, grad, ref_shape), None]


@gradient("ScatterNd")
def _scatter_nd_grad(op, grad):
    """The updates' gradient: the output gradient at their indices."""
    from scopeflow.ops.gather import gather_nd
    return [None, gather_nd(grad, op._inputs[0]), None]


@gradient("TensorScatterUpdate")
def _tensor_scatter_update_grad(op, grad):
    """The updates get the gradient at their indices, the tensor the rest (TF's)."""
    from scopeflow.ops.array import identity
    from scopeflow.ops.gather import gather_nd
    from scopeflow.ops.scatter import tensor_scatter_update
    from scopeflow.ops.shape_ops import zeros_like
    indices = op._inputs[1]
    updates_grad = gather_nd(grad, indices)
    tensor_grad = tensor_scatter_update(identity(grad), indices,
                                        zeros_like(op._inputs[2], dtype=grad.dtype))
    return [tensor_grad, None, updates_grad]


@gradient("TensorScatterAdd", "TensorScatterSub")
def _tensor_scatter_add_grad(op, grad):
    from scopeflow.ops.array import identity
    from scopeflow.ops.gather import gather_nd
    updates_grad = gather_nd(grad, op._inputs[1])
    tensor_grad = identity(grad)
    return [tensor_grad, None,
            updates_grad if op._type == "TensorScatterAdd" else -updates_grad]


@gradient("TensorScatterMax", "TensorScatterMin")
def _tensor_scatter_min_or_max_grad(op, grad):
    """Shared among the tensor's entry and the updates equal to the result (TF's
    _TensorScatterMinOrMaxGrad)."""
    from scopeflow.ops.gather import gather_nd, scatter_nd
    from scopeflow.ops.math import equal
    from scopeflow.ops.math_cast import cast
    x, indices, y = op._inputs
    output = op._outputs[0]
    x_indicators = cast(equal(x, output), grad.dtype)
    y_indicators = cast(equal(y, gather_nd(output, indices)), grad.dtype)
    ys_indicators = scatter_nd(indices, y_indicators, shape(x, out_type=indices.dtype))
    indicators = x_indicators + ys_indicators
    x_grad = grad * x_indicators / indicators
    y_grad = gather_nd(grad / indicators, indices) * y_indicators
    return [x_grad, None, y_grad]


@gradient("ExtractImagePatches")
def _extract_image_patches_grad(op, grad):
    """TF's: ExtractImagePatches of the input's 1-based positions (0 where padded) names, for
    each patch entry, the input element it came from; the gradient's entries are summed there
    (UnsortedSegmentSum, padding's -1 dropped)."""
    from scopeflow import dtypes as _dt
    from scopeflow.ops.image_patches import extract_image_patches
    from scopeflow.ops.math_cast import cast
    from scopeflow.ops.segments import unsorted_segment_sum
    from scopeflow.ops.shape_ops import range as range_
    batch_size, rows_in, cols_in, channels = unstack(shape(op._inputs[0], out_type=_dt.int64))
    rows_out, cols_out = unstack(shape(op._outputs[0], out_type=_dt.int64)[1:3])
    _, ksize_r, ksize_c, _ = op._attrs["ksizes"]
    input_indices_num = rows_in * cols_in
    input_idx = reshape(range_(1, input_indices_num + 1, dtype=_dt.float32),
                        (1, rows_in, cols_in, 1))
    input_idx_patched = extract_image_patches(
        input_idx, op._attrs["ksizes"], op._attrs["strides"], op._attrs["rates"],
        op._attrs["padding"])
    input_idx_patched = cast(input_idx_patched, _dt.int64)
    grad_expanded = transpose(
        reshape(dense(grad), (batch_size, rows_out, cols_out, ksize_r, ksize_c, channels)),
        (1, 2, 3, 4, 0, 5))
    grad_flat = reshape(grad_expanded, (-1, batch_size * channels))
    segment_ids = reshape(input_idx_patched, [-1]) - 1
    grad_out = unsorted_segment_sum(grad_flat, segment_ids, num_segments=input_indices_num)
    grad_out = reshape(grad_out, (rows_in, cols_in, batch_size, channels))
    return [transpose(grad_out, (2, 0, 1, 3))]


@gradient("ExtractVolumePatches")
def _extract_volume_patches_grad(op, grad):
    """TF's: ExtractVolumePatches of the input's 1-based positions (0 where padded) beside each
    patch entry's position makes a sparse (input position, patch entry) matrix of ones; padding's
    row 0 is sliced off and its product with the gradient (batch and channels as columns) is the
    input's gradient. The input's planes, rows and columns must be known when built."""
    from scopeflow import dtypes as _dt
    from scopeflow.ops.image_patches import extract_volume_patches
    from scopeflow.ops.shape_ops import ones
    from scopeflow.ops.shape_ops import range as range_
    from scopeflow.ops.sparse_ops import sparse_tensor_dense_matmul
    from scopeflow.ops.sparse_slice import sparse_slice
    from scopeflow.sparse_tensor import SparseTensor
    _, planes_in, rows_in, cols_in, _ = op._inputs[0].shape.as_list()
    input_bphwc = shape(op._inputs[0])
    batch_size = input_bphwc[0]
    channels = input_bphwc[4]
    input_indices_num = 1 + planes_in * rows_in * cols_in
    input_idx = reshape(range_(1, input_indices_num, dtype=_dt.int64),
                        (1, planes_in, rows_in, cols_in, 1))
    input_idx_patched = extract_volume_patches(input_idx, op._attrs["ksizes"],
                                               op._attrs["strides"], op._attrs["padding"])
    _, planes_out, rows_out, cols_out, _ = op._outputs[0].shape.as_list()
    _, ksize_p, ksize_r, ksize_c, _ = op._attrs["ksizes"]
    output_indices_num = planes_out * rows_out * cols_out * ksize_p * ksize_r * ksize_c
    output_idx = reshape(range_(output_indices_num, dtype=_dt.int64),
                         (1, planes_out, rows_out, cols_out, ksize_p * ksize_r * ksize_c))
    idx_matrix = concat([expand_dims(input_idx_patched, axis=-1),
                         expand_dims(output_idx, axis=-1)], axis=-1)
    idx_map = reshape(idx_matrix, (-1, 2))
    sp_shape = (input_indices_num, output_indices_num)
    sp_mat_full = SparseTensor(idx_map, ones([output_indices_num], dtype=grad.dtype), sp_shape)
    sp_mat = sparse_slice(sp_mat_full, (1, 0), (input_indices_num - 1, output_indices_num))
    grad_expanded = transpose(
        reshape(dense(grad), (batch_size, planes_out, rows_out, cols_out, ksize_p, ksize_r,
                              ksize_c, channels)),
        (1, 2, 3, 4, 5, 6, 0, 7))
    grad_flat = reshape(grad_expanded, (-1, batch_size * channels))
    jac = sparse_tensor_dense_matmul(sp_mat, grad_flat)
    grad_out = reshape(jac, (planes_in, rows_in, cols_in, batch_size, channels))
    return [transpose(grad_out, (3, 0, 1, 2, 4))]


@gradient("DynamicPartition")
def _dynamic_partition_grad(op, *grads):
    """Each row's position, partitioned as the data was, stitches the partitions' gradients
    back into the data's shape."""
    from scopeflow.ops.dynamic_shape import dynamic_partition, parallel_dynamic_stitch_op
    from scopeflow.ops.reductions import reduce_prod
    from scopeflow.ops.shape_ops import range as range_
    data, partitions = op._inputs
    prefix_shape = shape(partitions)
    positions = reshape(range_(reduce_prod(prefix_shape)), prefix_shape)
    parts = dynamic_partition(positions, partitions, op._attrs["num_partitions"])
    stitched = parallel_dynamic_stitch_op(list(parts), [dense(g) for g in grads],
                                          name="ParallelDynamicStitch")
    return [reshape(stitched, shape(data)), None]


@gradient("DynamicStitch", "ParallelDynamicStitch")
def _dynamic_stitch_grad(op, grad):
    """Data m's gradient: the output gradient's rows at indices m (GatherV2_<m>)."""
    from scopeflow import dtypes as _dt
    from scopeflow.ops.gather import gather
    from scopeflow.ops.math import cast
    from scopeflow.ops.segments import unsorted_segment_sum
    n = len(op._inputs) // 2
    indices = list(op._inputs[:n])
    if op._inputs[0].dtype.base_dtype is not _dt.int32:
        indices = [cast(t, _dt.int32) for t in indices]
    if isinstance(grad, IndexedSlices):
        rows = shape(op._outputs[0])[0]
        grad = unsorted_segment_sum(grad.values, grad.indices, rows)
    return [None] * n + [gather(grad, t) for t in indices]
