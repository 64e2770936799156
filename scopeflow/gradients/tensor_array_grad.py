"""Gradients of TensorArray ops, as TF's tensor_array_grad builds them.

A read's gradient writes into the array's gradient array (TensorArrayGradV3, one per array
and `gradients` call: its `source` is the call's name scope), a write's reads from it; gather
and scatter, concat and split pair up the same way. A write's gradient first passes the
incoming flow through `write_barrier`, after the write's own flow (`flow_out`).
"""

from scopeflow.core.frame import default_graph
from scopeflow.gradients.registry import gradient, not_differentiable


def _source(t):
    """The `gradients` name scope a gradient tensor was made in (TF's _GetGradSource)."""
    parts = t.name.split("/")
    at = [i for i, x in enumerate(parts) if x.startswith("gradients")]
    if not at:
        raise ValueError(
            "Expected op/tensor name to start with gradients (excluding scope), got: %s. This "
            "means that a tf.gradients op with this op in its dependency path has a custom "
            "gradient that creates this op, and TensorArray gradients need their op names to "
            "start with gradients." % t.name)
    return "/".join(parts[:at[-1] + 1])


def _grad_array(handle, flow, dtype, source):
    from scopeflow.ops.tensor_array import TensorArray
    ta = TensorArray(dtype, handle=handle, flow=flow, colocate_with_first_write_call=False)
    return ta.grad(source=source, flow=flow)


def _barrier(op, flow):
    """The incoming flow, ordered after the forward op's own flow."""
    from scopeflow.ops.array import identity
    flow_out = identity(op._outputs[0], "flow_out")
    with default_graph().control_dependencies([flow_out]):
        return identity(flow, "write_barrier")


def _put(op, grad, flow, put):
    """A read / gather / concat: `put(g)` writes `grad` into the gradient array g; its flow."""
    g = _grad_array(op._inputs[0], flow, op._outputs[0].dtype.base_dtype, _source(grad))
    return put(g).flow


def _take(op, flow, value, take):
    """A write / scatter / split: (`take(g)` from the gradient array g, the flow)."""
    source = _source(flow)
    flow = _barrier(op, flow)
    return take(_grad_array(op._inputs[0], flow, value.dtype.base_dtype, source)), flow


@gradient("TensorArrayReadV3")
def _read_grad(op, grad):
    _, index, flow = op._inputs
    return [None, None, _put(op, grad, flow, lambda g: g.write(index, grad))]


@gradient("TensorArrayWriteV3")
def _write_grad(op, flow):
    _, index, value, _ = op._inputs
    return [None, None, *_take(op, flow, value, lambda g: g.read(index))]


@gradient("TensorArrayGatherV3")
def _gather_grad(op, grad):
    _, indices, flow = op._inputs
    return [None, None, _put(op, grad, flow, lambda g: g.scatter(indices, grad))]


@gradient("TensorArrayScatterV3")
def _scatter_grad(op, flow):
    _, indices, value, _ = op._inputs
    return [None, None, *_take(op, flow, value, lambda g: g.gather(indices))]


@gradient("TensorArrayConcatV3")
def _concat_grad(op, grad, _):
    lengths = op._outputs[1]
    return [None, _put(op, grad, op._inputs[1], lambda g: g.split(grad, lengths=lengths))]


@gradient("TensorArraySplitV3")
def _split_grad(op, flow):
    grad, flow = _take(op, flow, op._inputs[1], lambda g: g.concat())
    return [None, grad, None, flow]


not_differentiable("TensorArrayV3", "TensorArrayGradV3", "TensorArrayGradWithShape",
                   "TensorArraySizeV3", "TensorArrayCloseV3")
