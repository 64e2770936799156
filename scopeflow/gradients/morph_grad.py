"""Gradient of Dilation2D: TF's Dilation2DBackpropInput and Dilation2DBackpropFilter over the
forward op's inputs (tf.nn.erosion2d's gradient follows through its Neg and ReverseV2)."""

import scopeflow.ops.nn_morphology  # noqa: F401 - the ops it emits
from scopeflow.gradients.registry import apply_op, gradient


@gradient("Dilation2D", needs=("Dilation2DBackpropInput", "Dilation2DBackpropFilter"))
def _dilation2d_grad(op, grad):
    attrs = {k: op._attrs[k] for k in ("strides", "rates", "padding")}
    x, f = op._inputs
    return (apply_op("Dilation2DBackpropInput", x, f, grad, **attrs),
            apply_op("Dilation2DBackpropFilter", x, f, grad, **attrs))
