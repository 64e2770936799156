"""Prod's gradient as TF's math_grad builds it: the reduced axes moved to the front and
flattened, then the product of every other entry of each column from two exclusive cumulative
products (left and right), so zeros in the input give TF's values (no division)."""

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.gradients.math_grad import reduced_shape
from scopeflow.gradients.registry import gradient
from scopeflow.ops.array import broadcast_to, reshape, transpose
from scopeflow.ops.gather import gather, invert_permutation
from scopeflow.ops.joining import concat
from scopeflow.ops.math_cast import cast
from scopeflow.ops.math_unary import conj
from scopeflow.ops.reductions import cumprod, reduce_prod
from scopeflow.ops.shape_ops import range as range_
from scopeflow.ops.shape_ops import rank, shape


@gradient("Prod")
def _prod_grad(op, grad):
    x, axes = op._inputs
    input_shape = shape(x)
    axes_flat = reshape(axes, [-1])  # (a scalar axis too)
    if not op._attrs.get("keep_dims"):
        grad = reshape(grad, reduced_shape(input_shape, axes))
    grad = broadcast_to(grad, input_shape)
    with default_graph().device("/cpu:0"):  # TF keeps the shape arithmetic on the host
        perm, reduced_num, other_num = _axes_first(x, axes_flat, input_shape)
    permuted = transpose(x, perm)
    permuted_shape = shape(permuted)
    reshaped = reshape(permuted, (reduced_num, other_num))  # (reduced, other)
    left = cumprod(reshaped, axis=0, exclusive=True)
    right = cumprod(reshaped, axis=0, exclusive=True, reverse=True)
    y = reshape(conj(left) * conj(right), permuted_shape)
    out = grad * transpose(y, invert_permutation(perm))
    return reshape(out, input_shape), None


def _axes_first(x, axes, input_shape):
    """(perm putting the reduced axes first, their element count, the others' count)."""
    from scopeflow.ops.dynamic_shape import list_diff_op
    r = rank(x)
    reduced = (cast(axes, _dt.int32) + r) % r
    other = list_diff_op(range_(0, r), reduced, out_idx=_dt.int32)[0]
    perm = concat([reduced, other], 0)
    return perm, reduce_prod(gather(input_shape, reduced)), reduce_prod(gather(input_shape,
                                                                              other))
