"""Gradients of SpaceToDepth and DepthToSpace, as TF's array_grad: each is the other op with
the same block_size and data_format."""

from scopeflow.gradients.registry import apply_op, gradient


def _attrs(op):
    return {"block_size": op._attrs["block_size"], "data_format": op._attrs["data_format"]}


@gradient("SpaceToDepth")
def _space_to_depth_grad(op, grad):
    return [apply_op("DepthToSpace", grad, **_attrs(op))]


@gradient("DepthToSpace")
def _depth_to_space_grad(op, grad):
    return [apply_op("SpaceToDepth", grad, **_attrs(op))]
