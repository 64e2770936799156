"""Gradients of TF's fake quantization ops: one op of TF's *Gradient types each
(FakeQuantWithMinMaxArgsGradient, ...VarsGradient, ...VarsPerChannelGradient) over the
forward op's inputs, as TF's array_grad registers them."""

import scopeflow.ops.fake_quant  # noqa: F401 - the ops it emits
from scopeflow.gradients.registry import apply_op, gradient

_ATTRS = ("min", "max", "num_bits", "narrow_range")


def _attrs(op):
    return {k: op._attrs[k] for k in _ATTRS if k in op._attrs}


@gradient("FakeQuantWithMinMaxArgs", needs=("FakeQuantWithMinMaxArgsGradient",))
def _fake_quant_args_grad(op, grad):
    return apply_op("FakeQuantWithMinMaxArgsGradient", grad, op._inputs[0], **_attrs(op))


@gradient("FakeQuantWithMinMaxVars", needs=("FakeQuantWithMinMaxVarsGradient",))
def _fake_quant_vars_grad(op, grad):
    return tuple(apply_op("FakeQuantWithMinMaxVarsGradient", grad, *op._inputs, **_attrs(op)))


@gradient("FakeQuantWithMinMaxVarsPerChannel",
          needs=("FakeQuantWithMinMaxVarsPerChannelGradient",))
def _fake_quant_per_channel_grad(op, grad):
    return tuple(apply_op("FakeQuantWithMinMaxVarsPerChannelGradient", grad, *op._inputs,
                          **_attrs(op)))
