"""Gradients of TF's quantize-and-dequantize ops, as TF's array_grad registers them: V2 and
V3 pass the gradient straight through (none for the range and bit count); V4's is the
QuantizeAndDequantizeV4Grad op over the forward op's inputs (QuantizeV2 and Dequantize have
none in TF)."""

import scopeflow.ops.quantize_dequantize  # noqa: F401 - the ops it emits
from scopeflow.gradients.registry import apply_op, gradient


@gradient("QuantizeAndDequantizeV2")
def _qdq_v2_grad(op, grad):
    return grad, None, None


@gradient("QuantizeAndDequantizeV3")
def _qdq_v3_grad(op, grad):
    return grad, None, None, None


@gradient("QuantizeAndDequantizeV4", needs=("QuantizeAndDequantizeV4Grad",))
def _qdq_v4_grad(op, grad):
    return tuple(apply_op("QuantizeAndDequantizeV4Grad", grad, *op._inputs,
                          axis=op._attrs["axis"]))
