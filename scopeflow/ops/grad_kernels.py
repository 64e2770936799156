"""Op types TF's gradient functions emit: activation gradients, BiasAddGrad, ConcatOffset,
StridedSliceGrad and PreventGradient, with TF's attrs, dtype lists and shape rules.

    >>> import scopeflow as tf
    >>> from scopeflow.ops.grad_kernels import relu_grad
    >>> relu_grad(tf.ones([2]), tf.constant([-1.0, 2.0])).op.type
    'ReluGrad'

Pooling, convolution and normalization gradients are in grad_nn.py. The kernels follow TF's
CPU formulas term by term (the order of roundings is TF's; XLA may still fuse a*b+c).
"""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.ops.array_base import merge_dims, partial_shape
from scopeflow.ops.column_sum import column_sum
from scopeflow.ops.eigen_sum import outer_dim_sums
from scopeflow.ops.eigen_tanh import sigmoid_grad_op
from scopeflow.ops.rounding import _divisor, quotient, round_each
from scopeflow.ops.nn_conv import check_attr
from scopeflow.ops.op_types import ALLOWED
from scopeflow.ops.op_util import typed_op
from scopeflow.ops.registry import ANY, INDEX, ShapeError, spec

_REAL = ("float32", "float64", "int32", "uint8", "int16", "int8", "int64", "bfloat16", "uint16",
         "float16", "uint32", "uint64")
_FLOATS = ("float16", "bfloat16", "float32", "float64")
_FLOATS_COMPLEX = ("bfloat16", "float16", "float32", "float64", "complex64", "complex128")
_BIAS = ("float32", "float64", "int32", "uint8", "int16", "int8", "complex64", "int64", "qint8",
         "quint8", "qint32", "bfloat16", "qint16", "quint16", "uint16", "complex128", "float16",
         "uint32", "uint64")

# TF's allowed dtypes of the first input of each type attr (TF reports that input's name)
ALLOWED.update({
    "ReluGrad": ((0, "gradients", _REAL),), "Relu6Grad": ((0, "gradients", _REAL),),
    "EluGrad": ((0, "gradients", _FLOATS),), "SeluGrad": ((0, "gradients", _FLOATS),),
    "LeakyReluGrad": ((0, "gradients", _FLOATS),), "SoftplusGrad": ((0, "gradients", _FLOATS),),
    "SoftsignGrad": ((0, "gradients", _FLOATS),),
    **{t: ((0, "y", _FLOATS_COMPLEX),) for t in ("TanhGrad", "SigmoidGrad", "RsqrtGrad",
                                                 "SqrtGrad", "ReciprocalGrad", "InvGrad")},
    "BiasAddGrad": ((0, "out_backprop", _BIAS),),
    "ConcatOffset": ((1, "shape", ("int32", "int64")),),
    "StridedSliceGrad": ((0, "shape", ("int32", "int64")),),
})


# ---- shape rules ----------------------------------------------------------------------------
def merge_both(a, b, **attrs):
    """TF's MergeBothInputsShapeFn: the inputs' shapes merged, the first input's dtype."""
    x, y = a.shape._dims, b.shape._dims
    dt = a.dtype.base_dtype
    if x is None or y is None:
        return TensorShape._of(y if x is None else x), dt
    if len(x) != len(y):
        raise ShapeError("Shapes must be equal rank, but are %d and %d" % (len(x), len(y)))
    return TensorShape._of(merge_dims(x, y, "")), dt


def _merge_or_raise(x, y):
    """Merged dims of two known-rank dims tuples, or TF's 'Dimensions must be equal'."""
    out = []
    for a, b in zip(x, y):
        if a is not None and b is not None and a != b:
            raise ShapeError("Dimensions must be equal, but are %d and %d" % (a, b))
        out.append(a if a is not None else b)
    return tuple(out)


# ---- activation gradients (backprops = f'(features) * gradients) ----------------------------
def _c(x, v):
    return jnp.asarray(v, x.dtype)


@typed_op("ReluGrad", infer=merge_both)
def relu_grad(gradients, features):
    # TF: gradients * (features > 0), so an inf/NaN gradient at a non-positive feature is NaN
    # and a negative one -0 (XLA would turn a product with a 0/1 mask into a select)
    return jnp.where(features > 0, gradients, gradients * _c(gradients, 0))


@typed_op("Relu6Grad", infer=merge_both)
def relu6_grad(gradients, features):
    inside = (features > 0) & (features < _c(features, 6))
    return jnp.where(inside, gradients, gradients * _c(gradients, 0))


@typed_op("EluGrad", infer=merge_both)
def elu_grad(gradients, outputs):
    return jnp.where(outputs < 0, gradients * (outputs + _c(outputs, 1)), gradients)


_SELU_SCALE = 1.0507009873554804934193349852946
_SELU_ALPHA = 1.6732632423543772848170429916717


@typed_op("SeluGrad", infer=merge_both)
def selu_grad(gradients, outputs):
    scale_alpha = _c(outputs, _SELU_SCALE * _SELU_ALPHA)
    return jnp.where(outputs < 0, gradients * (outputs + scale_alpha),
                     gradients * _c(outputs, _SELU_SCALE))


@typed_op("LeakyReluGrad", infer=merge_both)
def leaky_relu_grad(gradients, features, *, alpha=0.2):
    return jnp.where(features > 0, gradients, gradients * _c(gradients, alpha))


@typed_op("SoftplusGrad", infer=merge_both)
def softplus_grad(gradients, features):
    return gradients / (jnp.exp(-features) + _c(features, 1))


@typed_op("SoftsignGrad", infer=merge_both)
def softsign_grad(gradients, features):
    return gradients / jnp.square(jnp.abs(features) + _c(features, 1))


# ---- gradients from the forward output y (TF's cwise "*Grad" ops: z = f(y, dy)) -------------
def _y_shape(y, dy):
    """TF's UnchangedShape on `y` (dy is not merged in)."""
    return y.shape, y.dtype.base_dtype


def _conj(y):
    return jnp.conj(y) if jnp.iscomplexobj(y) else y


@typed_op("TanhGrad", infer=_y_shape)
def tanh_grad(y, dy):  # TF takes no conjugate here (it does for Rsqrt/Sqrt/Reciprocal)
    # (the square rounded before the difference, as TF's kernel: no fused multiply-add)
    return dy * (_c(y, 1) - round_each(y * y))


@typed_op("SigmoidGrad", infer=_y_shape)
def sigmoid_grad(y, dy):
    return sigmoid_grad_op(y, dy)


# TF's Sqrt/Rsqrt/Reciprocal gradient kernels give 0 where the incoming gradient is 0, even at
# an infinite derivative (`tf.where(x > 0, tf.sqrt(x), 0)` trains with 0, not NaN, at x = 0):
# the scalar path tests dy == 0, the packet path multiplies with mul_no_nan
def _no_nan(dy, out):
    return jnp.where(dy == 0, jnp.zeros_like(out), out)


_PACKETS = {"float32": 8, "float64": 4}  # (AVX2 packets of the CPU kernels)


def _packets_and_tail(packet, scalar, y, dy):
    """`packet(y, dy)` on the flat tensors but their last size % packet elements, where
    Eigen's scalar path computes `scalar(y, dy)`."""
    width = _PACKETS.get(jnp.result_type(y).name)
    n = int(np.size(y))
    if width is None or n % width == 0:
        return (packet if width else scalar)(y, dy)
    head = n - n % width
    fy, fdy = jnp.reshape(y, (-1,)), jnp.reshape(dy, (-1,))
    parts = [scalar(fy[head:], fdy[head:])]
    if head:
        parts.insert(0, packet(fy[:head], fdy[:head]))
    return jnp.reshape(jnp.concatenate(parts), jnp.shape(y))


def _rsqrt_packet(y, dy):
    t = _no_nan(dy, y * dy)  # (mul_no_nan twice: a zero y * dy gives +0 too)
    return _no_nan(t, (_c(y, -0.5) * (y * y)) * t)


@typed_op("RsqrtGrad", infer=_y_shape)
def rsqrt_grad(y, dy):
    y = _conj(y)
    return _no_nan(dy, _packets_and_tail(_rsqrt_packet,
                                         lambda a, b: _c(a, -0.5) * (b * a) * (a * a), y, dy))


@typed_op("SqrtGrad", infer=_y_shape)
def sqrt_grad(y, dy):
    # packets: (0.5 / y) * dy; Eigen's scalar tail: (0.5 * dy) / y (other roundings). The
    # divisor is tied to dy: XLA would make 0.5 / sqrt(x) of a Sqrt in the same program
    # 0.5 * rsqrt(x), its approximation (1,210 of 4,096 float32 values off on an AVX-512 host)
    y = _conj(y)
    return _no_nan(dy, _packets_and_tail(lambda a, b: (_c(a, 0.5) / _divisor(a, b)) * b,
                                         lambda a, b: quotient(_c(a, 0.5) * b, a), y, dy))


def _reciprocal(y, dy):
    y = _conj(y)
    return _no_nan(dy, -y * y * dy)


reciprocal_grad = typed_op("ReciprocalGrad", infer=_y_shape)(_reciprocal)
inv_grad = typed_op("InvGrad", infer=_y_shape)(_reciprocal)


# ---- BiasAddGrad ----------------------------------------------------------------------------
def _bias_add_grad_shape(out_backprop, *, data_format="NHWC"):
    check_attr("BiasAddGrad", "data_format", data_format, ("NHWC", "NCHW"))
    d = out_backprop.shape._dims
    dt = out_backprop.dtype.base_dtype
    nchw = data_format == "NCHW"
    least = 3 if nchw else 2
    if d is None:
        return spec((None,), dt)
    if len(d) < least:
        raise ShapeError("Shape must be at least rank %d but is rank %d" % (least, len(d)))
    return spec((d[1] if nchw else d[-1],), dt)


@typed_op("BiasAddGrad", infer=_bias_add_grad_shape)
def bias_add_grad(out_backprop, *, data_format="NHWC"):
    # (N, C, ...) sums all but axis 1; (..., C) all but the last axis
    axis = 1 if data_format == "NCHW" and out_backprop.ndim >= 3 else out_backprop.ndim - 1
    if axis == out_backprop.ndim - 1 and out_backprop.dtype == jnp.float32:
        # TF's kernel: the (rows, channels) matrix's column sums in its order
        summed = outer_dim_sums(out_backprop.reshape(-1, out_backprop.shape[-1]))
        if summed is not None:
            return summed
    return column_sum(out_backprop, tuple(i for i in range(out_backprop.ndim) if i != axis))


# ---- ConcatOffset ---------------------------------------------------------------------------
def _concat_offset_shape(concat_dim, shape, *, shape_type=None):
    d = concat_dim.shape._dims
    if d is not None and len(d) != 0:
        raise ShapeError("Shape must be rank 0 but is rank %d" % len(d))
    if len(shape) < 2:
        raise ShapeError("Concat requires at least 2 shapes")  # TF's N >= 2 attr check
    outs = []
    for s in shape:
        sd = s.shape._dims
        if sd is not None and len(sd) != 1:
            raise ShapeError("Shape must be rank 1 but is rank %d" % len(sd))
        outs.append((s.shape if sd is not None else TensorShape._of((None,)),
                     s.dtype.base_dtype))
    return outs


@typed_op("ConcatOffset", infer=_concat_offset_shape, lists=("shape",), multi=True,
          types={"concat_dim": _dt.int32, "shape": INDEX})
def concat_offset(concat_dim, shape, *, shape_type=None):
    # offset[i][axis] = sum of shape[j][axis] for j < i; zeros elsewhere. Elementwise ops and
    # integer sums only, so known shapes fold in NumPy (lowering/fold_numpy.py has no rule for
    # stack or dynamic_slice: those compiled ~17 small XLA programs in a first run)
    shapes = [jnp.asarray(s) for s in shape]  # each (rank,)
    rank = shapes[0].shape[0]
    axis = jnp.asarray(concat_dim) % rank if np.ndim(concat_dim) == 0 else 0
    onehot = (jnp.arange(rank) == axis).astype(shapes[0].dtype)
    start, outs = jnp.zeros((), shapes[0].dtype), []
    for s in shapes:
        outs.append(start * onehot)
        start = start + jnp.sum(s * onehot)
    return outs


# ---- StridedSliceGrad -----------------------------------------------------------------------
def _ssg_shape(shape, begin, end, strides, dy, **attrs):
    dims = partial_shape(shape)
    return spec(dims, dy.dtype.base_dtype)


@typed_op("StridedSliceGrad", infer=_ssg_shape, context=True,
          types={"shape": INDEX, "begin": INDEX, "end": INDEX, "strides": INDEX, "dy": ANY},
          same_index=("shape", "begin", "end", "strides"))
def strided_slice_grad(ctx, shape, begin, end, strides, dy, *, begin_mask=0, end_mask=0,
                        ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=0):
    from scopeflow.ops.array_base import is_numpy
    from scopeflow.ops.slicing import _dynamic_strided_slice, _strided_slice_op
    forward = _strided_slice_op.op_def.kernel
    dims = tuple(int(s) for s in np.asarray(shape).reshape(-1))  # the output size is static
    masks = (begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask)

    def slice_of(z):
        if not is_numpy(begin, end):  # run-time bounds (a loop's x[i:i + k], popped from a
            # stack): the sizes of the dims they slice are dy's
            return _dynamic_strided_slice(ctx, z, (begin, end), [int(s) for s in np.asarray(
                strides).reshape(-1)], masks, np.shape(dy))
        return forward(ctx, z, begin, end, strides, begin_mask=begin_mask, end_mask=end_mask,
                       ellipsis_mask=ellipsis_mask, new_axis_mask=new_axis_mask,
                       shrink_axis_mask=shrink_axis_mask)

    # the slice's shape from the vjp's own primal: tracing it again (jax.eval_shape) would
    # leave the forward kernel's run-time checks holding that trace's tracers (a leak)
    out, vjp = jax.vjp(slice_of, jnp.zeros(dims, dy.dtype))
    return vjp(jnp.asarray(dy).reshape(out.shape))[0]


# ---- PreventGradient ------------------------------------------------------------------------
@typed_op("PreventGradient", types={"input": ANY})
def prevent_gradient(input, *, message=""):  # noqa: A002 - TF's arg name
    return input
