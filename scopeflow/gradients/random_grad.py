"""The gradient of a Gamma sample with respect to its concentration (TF's random_grad):
implicit reparameterization, d sample / d alpha by RandomGammaGrad, summed over the sample
dimensions."""

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.gradients.registry import gradient
from scopeflow.ops.array import reshape
from scopeflow.ops.joining import concat
from scopeflow.ops.math import BINARY
from scopeflow.ops.reductions import reduce_sum
from scopeflow.ops.shape_ops import ones, range as range_, shape


def _with_leading_unit_dims(x, count):
    """`x` reshaped to `count` dimensions of 1 followed by its own."""
    return reshape(x, concat([ones([count], dtype=_dt.int32), shape(x)], axis=0))


@gradient("RandomGamma", needs=("RandomGammaGrad",))
def _random_gamma_grad(op, grad):
    """None for the shape; for alpha, grad times d sample / d alpha, summed over the samples."""
    shape_in, alpha = op._inputs
    sample = op._outputs[0]
    with default_graph().control_dependencies([grad]):
        num_sample_dims = shape(shape_in)[0]
        partial_a = BINARY["RandomGammaGrad"](_with_leading_unit_dims(alpha, num_sample_dims),
                                              sample)
        return None, reduce_sum(grad * partial_a, axis=range_(num_sample_dims))
