"""Gradients of activations, convolutions, pooling, batch norm and losses, as TF's nn_grad.

Most emit one op of TF's dedicated gradient types (ReluGrad, BiasAddGrad, MaxPoolGrad,
Conv2DBackpropInput/Filter, FusedBatchNormGradV3, ...) over the forward op's inputs and
outputs, so nothing of the forward pass is computed twice.
"""

from scopeflow.core.tensor import Tensor
from scopeflow.gradients.registry import apply_op, gradient
from scopeflow.ops.array import expand_dims, squeeze
from scopeflow.ops.math_unary import UNARY
from scopeflow.ops.reductions import reduce_sum


def _attrs(op, *names):
    return {k: op._attrs[k] for k in names if k in op._attrs}


@gradient("Relu", needs=("ReluGrad",))
def _relu_grad(op, grad):
    return apply_op("ReluGrad", grad, op._outputs[0])


@gradient("Relu6", needs=("Relu6Grad",))
def _relu6_grad(op, grad):
    return apply_op("Relu6Grad", grad, op._outputs[0])


@gradient("Elu", needs=("EluGrad",))
def _elu_grad(op, grad):
    return apply_op("EluGrad", grad, op._outputs[0])


@gradient("Selu", needs=("SeluGrad",))
def _selu_grad(op, grad):
    return apply_op("SeluGrad", grad, op._outputs[0])


@gradient("Softplus")
def _softplus_grad(op, grad):
    return grad * UNARY["Sigmoid"](op._inputs[0])


@gradient("Softsign", needs=("SoftsignGrad",))
def _softsign_grad(op, grad):
    return apply_op("SoftsignGrad", grad, op._inputs[0])


@gradient("LeakyRelu", needs=("LeakyReluGrad",))
def _leaky_relu_grad(op, grad):
    return apply_op("LeakyReluGrad", grad, op._inputs[0], **_attrs(op, "alpha"))


@gradient("BiasAdd", "BiasAddV1", needs=("BiasAddGrad",))
def _bias_add_grad(op, grad):
    return grad, apply_op("BiasAddGrad", grad, **_attrs(op, "data_format"))


@gradient("Softmax")
def _softmax_grad(op, grad):
    softmax = op._outputs[0]
    sum_channels = reduce_sum(grad * softmax, -1, keepdims=True)
    return (grad - sum_channels) * softmax


@gradient("LogSoftmax")
def _log_softmax_grad(op, grad):
    softmax = UNARY["Exp"](op._outputs[0])
    return grad - reduce_sum(grad, -1, keepdims=True) * softmax


def _broadcast_mul(vec, mat):
    return expand_dims(vec, -1) * mat


def _is_zeros(t):
    return t is None or (isinstance(t, Tensor) and t._op._type == "ZerosLike")


def _second_order(op, grad, grad_grad):
    from scopeflow.ops.linalg import matmul
    from scopeflow.ops.nn import softmax
    logits = op._inputs[0]
    if _is_zeros(grad_grad):
        return grad
    s = softmax(logits)
    return grad + ((grad_grad - squeeze(matmul(expand_dims(grad_grad, 1), expand_dims(s, 2)),
                                        axis=1)) * s)


@gradient("SoftmaxCrossEntropyWithLogits")
def _softmax_xent_grad(op, grad_loss, grad_grad):
    from scopeflow.ops.nn import log_softmax
    grad = _second_order(op, _broadcast_mul(grad_loss, op._outputs[1]), grad_grad)
    return grad, _broadcast_mul(grad_loss, -log_softmax(op._inputs[0]))


@gradient("SparseSoftmaxCrossEntropyWithLogits")
def _sparse_softmax_xent_grad(op, grad_loss, grad_grad):
    return _second_order(op, _broadcast_mul(grad_loss, op._outputs[1]), grad_grad), None


@gradient("L2Loss")
def _l2_loss_grad(op, grad):
    return op._inputs[0] * grad


_CONV = ("dilations", "strides", "padding", "explicit_paddings", "use_cudnn_on_gpu",
         "data_format")


@gradient("Conv2D")
def _conv2d_grad(op, grad):
    from scopeflow.ops.shape_ops import shape_n
    s0, s1 = shape_n([op._inputs[0], op._inputs[1]])
    attrs = _attrs(op, *_CONV)
    return [apply_op("Conv2DBackpropInput", s0, op._inputs[1], grad, **attrs),
            apply_op("Conv2DBackpropFilter", op._inputs[0], s1, grad, **attrs)]


@gradient("Conv2DBackpropInput")
def _conv2d_backprop_input_grad(op, grad):
    """TF's _Conv2DBackpropInputGrad (conv2d_transpose): no gradient for the sizes."""
    from scopeflow.ops.shape_ops import shape
    attrs = _attrs(op, *_CONV)
    return [None,
            apply_op("Conv2DBackpropFilter", grad, shape(op._inputs[1]), op._inputs[2], **attrs),
            apply_op("Conv2D", grad, op._inputs[1], **attrs)]


@gradient("Conv2DBackpropFilter")
def _conv2d_backprop_filter_grad(op, grad):
    from scopeflow.ops.shape_ops import shape
    attrs = _attrs(op, *_CONV)
    return [apply_op("Conv2DBackpropInput", shape(op._inputs[0]), grad, op._inputs[2], **attrs),
            None,
            apply_op("Conv2D", op._inputs[0], grad, **attrs)]


@gradient("Conv3D")
def _conv3d_grad(op, grad):
    from scopeflow.ops.shape_ops import shape_n
    s0, s1 = shape_n([op._inputs[0], op._inputs[1]])
    attrs = _attrs(op, "dilations", "strides", "padding", "data_format")
    return [apply_op("Conv3DBackpropInputV2", s0, op._inputs[1], grad, **attrs),
            apply_op("Conv3DBackpropFilterV2", op._inputs[0], s1, grad, **attrs)]


@gradient("Conv3DBackpropInputV2")
def _conv3d_backprop_input_grad(op, grad):
    """TF's _Conv3DBackpropInputGrad (conv3d_transpose): no gradient for the sizes."""
    from scopeflow.ops.shape_ops import shape
    attrs = _attrs(op, "dilations", "strides", "padding", "data_format")
    return [None,
            apply_op("Conv3DBackpropFilterV2", grad, shape(op._inputs[1]), op._inputs[2],
                     **attrs),
            apply_op("Conv3D", grad, op._inputs[1], **attrs)]


@gradient("Conv3DBackpropFilterV2")
def _conv3d_backprop_filter_grad(op, grad):
    from scopeflow.ops.shape_ops import shape
    attrs = _attrs(op, "dilations", "strides", "padding", "data_format")
    return [apply_op("Conv3DBackpropInputV2", shape(op._inputs[0]), grad, op._inputs[2],
                     **attrs), None,
            apply_op("Conv3D", op._inputs[0], grad, **attrs)]


@gradient("DepthwiseConv2dNativeBackpropInput")
def _depthwise_backprop_input_grad(op, grad):
    """TF's _DepthwiseConv2dNativeBackpropInputGrad: no gradient for the sizes."""
    from scopeflow.ops.shape_ops import shape
    attrs = _attrs(op, "dilations", "strides", "padding", "explicit_paddings", "data_format")
    return [None,
            apply_op("DepthwiseConv2dNativeBackpropFilter", grad, shape(op._inputs[1]),
                     op._inputs[2], **attrs),
            apply_op("DepthwiseConv2dNative", grad, op._inputs[1], **attrs)]


@gradient("DepthwiseConv2dNativeBackpropFilter")
def _depthwise_backprop_filter_grad(op, grad):
    from scopeflow.ops.shape_ops import shape
    attrs = _attrs(op, "dilations", "strides", "padding", "explicit_paddings", "data_format")
    return [apply_op("DepthwiseConv2dNativeBackpropInput", shape(op._inputs[0]), grad,
                     op._inputs[2], **attrs), None,
            apply_op("DepthwiseConv2dNative", op._inputs[0], grad, **attrs)]


@gradient("DepthwiseConv2dNative")
def _depthwise_grad(op, grad):
    from scopeflow.ops.shape_ops import shape
    attrs = _attrs(op, "dilations", "strides", "padding", "explicit_paddings", "data_format")
    return [apply_op("DepthwiseConv2dNativeBackpropInput", shape(op._inputs[0]), op._inputs[1],
                     grad, **attrs),
            apply_op("DepthwiseConv2dNativeBackpropFilter", op._inputs[0],
                     shape(op._inputs[1]), grad, **attrs)]


@gradient("MaxPool", needs=("MaxPoolGrad",))
def _max_pool_grad(op, grad):
    return apply_op("MaxPoolGrad", op._inputs[0], op._outputs[0], grad,
                    **_attrs(op, "ksize", "strides", "padding", "explicit_paddings",
                             "data_format"))


@gradient("MaxPoolWithArgmax", needs=("MaxPoolGradWithArgmax",))
def _max_pool_with_argmax_grad(op, grad, unused_argmax_grad):
    return apply_op("MaxPoolGradWithArgmax", op._inputs[0], grad, op._outputs[1],
                    **_attrs(op, "ksize", "strides", "padding", "include_batch_in_index"))


@gradient("AvgPool", needs=("AvgPoolGrad",))
def _avg_pool_grad(op, grad):
    from scopeflow import dtypes as _dt
    from scopeflow.ops.shape_ops import shape
    return apply_op("AvgPoolGrad", shape(op._inputs[0], out_type=_dt.int32), grad,
                    **_attrs(op, "ksize", "strides", "padding", "data_format"))


_POOL3D = ("ksize", "strides", "padding", "data_format")


@gradient("MaxPool3D", needs=("MaxPool3DGrad",))
def _max_pool3d_grad(op, grad):
    return apply_op("MaxPool3DGrad", op._inputs[0], op._outputs[0], grad,
                    **_attrs(op, *_POOL3D))


@gradient("MaxPool3DGrad", needs=("MaxPool3DGradGrad",))
def _max_pool3d_grad_grad(op, grad):
    """Zeros for the pooled input and output, MaxPool3DGradGrad for the gradient (TF's)."""
    from scopeflow.ops.shape_ops import zeros_like
    return (zeros_like(op._inputs[0]), zeros_like(op._inputs[1]),
            apply_op("MaxPool3DGradGrad", op._inputs[0], op._inputs[1], grad,
                     **_attrs(op, *_POOL3D)))


@gradient("MaxPool3DGradGrad", needs=("MaxPool3DGrad",))
def _max_pool3d_grad_grad_grad(op, grad):
    from scopeflow.ops.shape_ops import zeros_like
    return (zeros_like(op._inputs[0]), zeros_like(op._inputs[1]),
            apply_op("MaxPool3DGrad", op._inputs[0], op._inputs[1], grad,
                     **_attrs(op, *_POOL3D)))


@gradient("AvgPool3D", needs=("AvgPool3DGrad",))
def _avg_pool3d_grad(op, grad):
    from scopeflow.ops.shape_ops import shape
    return apply_op("AvgPool3DGrad", shape(op._inputs[0]), grad, **_attrs(op, *_POOL3D))


@gradient("AvgPool3DGrad", needs=("AvgPool3D",))
def _avg_pool3d_grad_grad(op, grad):
    """The pooled gradient; TF gives the shape input its own StopGradient."""
    from scopeflow.ops.array import stop_gradient
    return (stop_gradient(op._inputs[0]),
            apply_op("AvgPool3D", grad, **_attrs(op, *_POOL3D)))


_FBN_GRAD = {"FusedBatchNorm": "FusedBatchNormGrad", "FusedBatchNormV2": "FusedBatchNormGradV2",
             "FusedBatchNormV3": "FusedBatchNormGradV3"}


def _fbn_usable(op):
    from scopeflow.ops.registry import REGISTRY
    return _FBN_GRAD[op._type] in REGISTRY


@gradient("FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3", check=_fbn_usable)
def _fused_batch_norm_grad(op, *grads):
    """TF's _BaseFusedBatchNormGrad: training uses the batch statistics the forward op saved
    (reserve spaces), inference the population ones, in NHWC."""
    from scopeflow.ops.array import transpose
    x, scale = op._inputs[0], op._inputs[1]
    grad_y = grads[0]
    kind = _FBN_GRAD[op._type]
    v3 = kind == "FusedBatchNormGradV3"
    fmt = op._attrs.get("data_format", "NHWC")
    fmt = fmt.decode() if isinstance(fmt, bytes) else fmt
    training = op._attrs.get("is_training", True)
    attrs = {"epsilon": op._attrs.get("epsilon", 1e-4), "is_training": training}
    if training:
        extra = (op._outputs[5],) if v3 else ()
        dx, dscale, doffset, _, _ = apply_op(kind, grad_y, x, scale, op._outputs[3],
                                             op._outputs[4], *extra, data_format=fmt, **attrs)
        return dx, dscale, doffset, None, None
    if fmt == "NCHW":
        x = transpose(x, [0, 2, 3, 1])
        grad_y = transpose(grad_y, [0, 2, 3, 1])
    target = "NHWC" if fmt in ("NCHW", "NHWC") else "NDHWC"
    extra = (op._outputs[5],) if v3 else ()
    dx, dscale, doffset, _, _ = apply_op(kind, grad_y, x, scale, op._inputs[3], op._inputs[4],
                                         *extra, data_format=target, **attrs)
    if fmt == "NCHW":
        dx = transpose(dx, [0, 3, 1, 2])
    return dx, dscale, doffset, None, None


@gradient("LRN", needs=("LRNGrad",))
def _lrn_grad(op, grad):
    return [apply_op("LRNGrad", grad, op._inputs[0], op._outputs[0],
                     **_attrs(op, "depth_radius", "bias", "alpha", "beta"))]


# ---- second order: gradients of the gradient ops ---------------------------------------------
@gradient("ReluGrad", needs=("ReluGrad",))
def _relu_grad_grad(op, grad):
    from scopeflow.ops.shape_ops import zeros_like
    x = op._inputs[1]
    return apply_op("ReluGrad", grad, x), zeros_like(x)


@gradient("BiasAddGrad")
def _bias_add_grad_grad(op, grad):
    from scopeflow.ops.array import reshape
    from scopeflow.ops.joining import concat, tile
    from scopeflow.ops.shape_ops import ones_like, shape
    fmt = op._attrs.get("data_format", "NHWC")
    fmt = fmt.decode() if isinstance(fmt, bytes) else fmt
    s = shape(op._inputs[0])
    bias_shape = shape(grad)
    if fmt == "NCHW":
        expanded = concat([ones_like(s[:1]), bias_shape, ones_like(s[2:])], 0)
        mults = concat([s[:1], [1], s[2:]], 0)
    else:
        expanded = concat([ones_like(s[:-1]), bias_shape], 0)
        mults = concat([s[:-1], [1]], 0)
    return tile(reshape(grad, expanded), mults)


@gradient("TopKV2", "TopK")
def _top_k_grad(op, grad, _):
    """TF's _TopKGrad: `grad` scattered to the flat positions the indices name (int64 flat
    offsets, as TF computes them)."""
    from scopeflow import dtypes as _dt
    from scopeflow.ops.array import reshape
    from scopeflow.ops.gather import gather, scatter_nd
    from scopeflow.ops.joining import stack
    from scopeflow.ops.math_cast import cast
    from scopeflow.ops.reductions import reduce_prod
    from scopeflow.ops.shape_ops import range as range_
    from scopeflow.ops.shape_ops import shape, size, zeros
    in_shape, ind_shape = shape(op._inputs[0]), shape(op._outputs[1])
    ind_lastdim = gather(cast(ind_shape, _dt.int64), size(ind_shape) - 1)
    ind_2d = reshape(op._outputs[1], stack([-1, ind_lastdim]))
    in_lastdim = gather(cast(in_shape, _dt.int64), size(in_shape) - 1)
    outerdim = shape(ind_2d)[0]
    offsets = range_(0, cast(outerdim, _dt.int64) * in_lastdim, in_lastdim)
    ind = reshape(ind_2d + cast(expand_dims(offsets, -1), _dt.int32), [-1])
    flat = scatter_nd(expand_dims(ind, -1), reshape(grad, [-1]), [reduce_prod(in_shape)])
    return [reshape(flat, in_shape), zeros([], dtype=_dt.int32)]


@gradient("CTCLoss")
def _ctc_loss_grad(op, grad_loss, _):
    """TF's: the op's own gradient output (behind PreventGradient: no second derivative)
    scaled by each batch row's incoming gradient."""
    from scopeflow.ops.grad_kernels import prevent_gradient
    fused = prevent_gradient(
        op._outputs[1], message="Currently there is no way to take the second derivative of "
        "ctc_loss due to the fused implementation's interaction  with tf.gradients()")
    return [expand_dims(grad_loss, -1) * fused, None, None, None]


@gradient("FractionalMaxPool", needs=("FractionalMaxPoolGrad",))
def _fractional_max_pool_grad(op, grad_0, unused_grad_1, unused_grad_2):
    """TF's: FractionalMaxPoolGrad of the input, output, gradient and the two sequences."""
    return apply_op("FractionalMaxPoolGrad", op._inputs[0], op._outputs[0], grad_0,
                    op._outputs[1], op._outputs[2], overlapping=op._attrs["overlapping"])


@gradient("FractionalAvgPool", needs=("FractionalAvgPoolGrad",))
def _fractional_avg_pool_grad(op, grad_0, unused_grad_1, unused_grad_2):
    """TF's: FractionalAvgPoolGrad of the input's static shape (a constant), the gradient and
    the two sequences."""
    s = op._inputs[0].shape
    if not s.is_fully_defined():
        raise ValueError("Tried to convert 'orig_input_tensor_shape' to a tensor and failed. "
                         "Error: Cannot convert a partially known TensorShape %s to a Tensor."
                         % s)
    return apply_op("FractionalAvgPoolGrad", s.as_list(), grad_0,
                    op._outputs[1], op._outputs[2], overlapping=op._attrs["overlapping"])
