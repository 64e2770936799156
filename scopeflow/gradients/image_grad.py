"""Gradients of the image resize and crop ops, as TF's image_grad: one ResizeBilinearGrad /
ResizeNearestNeighborGrad / ResizeBicubicGrad op (the size input gets none); CropAndResize:
CropAndResizeGradImage (float images only) and CropAndResizeGradBoxes."""

from scopeflow.gradients.registry import apply_op, gradient, not_differentiable


def _attrs(op):
    return {k: op._attrs[k] for k in ("align_corners", "half_pixel_centers") if k in op._attrs}


@gradient("ResizeBilinear", needs=("ResizeBilinearGrad",))
def _resize_bilinear_grad(op, grad):
    return [apply_op("ResizeBilinearGrad", grad, op._inputs[0], **_attrs(op)), None]


@gradient("ResizeNearestNeighbor", needs=("ResizeNearestNeighborGrad",))
def _resize_nearest_grad(op, grad):
    image = op._inputs[0]
    dims = image.shape._dims
    if dims is not None and None not in dims[1:3]:
        size = list(dims[1:3])
    else:
        from scopeflow.ops.shape_ops import shape
        size = shape(image)[1:3]
    return [apply_op("ResizeNearestNeighborGrad", grad, size, **_attrs(op)), None]


@gradient("ResizeBicubic", needs=("ResizeBicubicGrad",))
def _resize_bicubic_grad(op, grad):
    image = op._inputs[0]  # integer images get no gradient, as in TF
    if image.dtype.base_dtype.name not in ("float32", "float64"):
        return [None, None]
    return [apply_op("ResizeBicubicGrad", grad, image, **_attrs(op)), None]


@gradient("CropAndResize", needs=("CropAndResizeGradImage", "CropAndResizeGradBoxes"))
def _crop_and_resize_grad(op, grad):
    image, boxes, box_ind, _ = op._inputs
    dims = image.shape._dims
    if dims is not None and None not in dims:
        size = list(dims)
    else:
        from scopeflow.ops.shape_ops import shape
        size = shape(image)
    grad_image = None
    if image.dtype.base_dtype.name in ("float16", "float32", "float64"):
        grad_image = apply_op("CropAndResizeGradImage", grad, boxes, box_ind, size,
                              T=image.dtype.base_dtype, method=op._attrs["method"])
    grad_boxes = apply_op("CropAndResizeGradBoxes", grad, image, boxes, box_ind,
                          T=image.dtype.base_dtype, method="bilinear")
    return [grad_image, grad_boxes, None, None]


not_differentiable("ExtractGlimpse")
# (TF registers these as having no gradient)
not_differentiable("HSVToRGB")
not_differentiable("DrawBoundingBoxes")
not_differentiable("SampleDistortedBoundingBoxV2")
