"""Gradients of SpaceToDepth / DepthToSpace and SpaceToBatchND / BatchToSpaceND, as TF's
array_grad: each is the other op with the same block_size and data_format (block_shape and
paddings / crops)."""

from scopeflow.gradients.registry import apply_op, gradient


def _attrs(op):
    return {"block_size": op._attrs["block_size"], "data_format": op._attrs["data_format"]}


@gradient("SpaceToDepth")
def _space_to_depth_grad(op, grad):
    return [apply_op("DepthToSpace", grad, **_attrs(op))]


@gradient("DepthToSpace")
def _depth_to_space_grad(op, grad):
    return [apply_op("SpaceToDepth", grad, **_attrs(op))]


@gradient("SpaceToBatchND")
def _space_to_batch_nd_grad(op, grad):  # (dilated convolutions' outer ops)
    return [apply_op("BatchToSpaceND", grad, op._inputs[1], op._inputs[2]), None, None]


@gradient("BatchToSpaceND")
def _batch_to_space_nd_grad(op, grad):
    return [apply_op("SpaceToBatchND", grad, op._inputs[1], op._inputs[2]), None, None]
