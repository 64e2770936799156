"""Gradients of elementwise math, reductions and matrix products, as TF's math_grad builds them.

Each function adds TF's ops (types and names) under `gradients/<op>_grad/`; broadcasting
binary ops reduce each input's gradient over the axes it was broadcast along, found statically
where the shapes allow it and with `BroadcastGradientArgs` at run time otherwise.
"""

import weakref

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.gradients.registry import gradient
from scopeflow.ops.array import reshape
from scopeflow.ops.constant import constant, constant_value
from scopeflow.ops.grad_args import broadcast_gradient_args
from scopeflow.ops.joining import tile
from scopeflow.ops.linalg import _mat_mul, matmul
from scopeflow.ops.math import BINARY, truediv
from scopeflow.ops.math_cast import cast
from scopeflow.ops.math_unary import conj
from scopeflow.ops.reductions import reduce_sum
from scopeflow.ops.shape_ops import shape, zeros_like


def _infer_axes(xs, ys):
    """TF's _InferGradientReductionAxes over static dims (None: decided at run time)."""
    if xs is None or ys is None:
        return None, None
    n = max(len(xs), len(ys))
    x_axes, y_axes = [], []
    for axis in range(n):
        xd = 1 if axis < n - len(xs) else xs[axis - (n - len(xs))]
        yd = 1 if axis < n - len(ys) else ys[axis - (n - len(ys))]
        if xd == 1 and yd != 1:
            x_axes.append(axis)
        elif yd == 1 and xd != 1:
            y_axes.append(axis)
        elif xd is None or yd is None:
            return None, None
    return x_axes, y_axes


def _smart_args(x, y):
    sx, sy = shape(x), shape(y)
    rx, ry = _infer_axes(x.shape._dims, y.shape._dims)
    if rx is None:
        rx, ry = broadcast_gradient_args(sx, sy)
        return (sx, rx, True), (sy, ry, True)
    nx, ny = len(x.shape._dims), len(y.shape._dims)
    return (sx, rx, bool(rx) or nx < ny), (sy, ry, bool(ry) or ny < nx)


def _reduce_arg(grad, args):
    s, axes, must = args
    if grad is not None and must:
        grad = reduce_sum(grad, axes, keepdims=True)
        grad = reshape(grad, s)
    return grad


def reduce_args(x, y, gx, gy):
    """TF's _ReduceGradientArgs: each gradient summed over its input's broadcast axes."""
    if gx is not None or gy is not None:
        bx, by = _smart_args(x, y)
        gx, gy = _reduce_arg(gx, bx), _reduce_arg(gy, by)
    return gx, gy


def _equal_static(x, y, grad):
    xs, ys, gs = x.shape._dims, y.shape._dims, grad.shape._dims
    return xs == ys == gs and xs is not None and None not in xs


def _control(grad):
    return default_graph().control_dependencies([grad])


def static_value(t):
    """TF's tensor_util.constant_value: also folds Rank, Size and Range of known values."""
    from scopeflow.core.tensor import Tensor
    if isinstance(t, Tensor):
        op = t._op
        if op._type == "Rank" and op._inputs[0].shape._dims is not None:
            return np.asarray(len(op._inputs[0].shape._dims), np.int32)
        if op._type == "Size" and op._inputs[0].shape.is_fully_defined():
            return np.asarray(np.prod(op._inputs[0].shape._dims, dtype=np.int64),
                              t.dtype.as_numpy_dtype)
        if op._type == "Range":
            vals = [static_value(x) for x in op._inputs]
            if all(v is not None for v in vals):
                return np.arange(*vals, dtype=t.dtype.as_numpy_dtype)
            return None
    return constant_value(t)


# ---- reductions -----------------------------------------------------------------------------
@gradient("Sum")
def _sum_grad(op, grad):
    dims = op._inputs[0].shape._dims
    if dims is not None:
        axes = static_value(op._inputs[1])
        if axes is not None:
            rank = len(dims)
            if np.array_equal(axes, np.arange(rank)):  # every axis: Reshape + Tile
                grad = reshape(grad, [1] * rank)
                if None not in dims:
                    in_shape = constant(list(dims), dtype=_dt.int32)
                else:
                    in_shape = shape(op._inputs[0])
                return [tile(grad, in_shape), None]
            if None not in dims:
                kept = np.array(dims, dtype=np.int64)
                kept[np.asarray(axes, dtype=np.int64).reshape(-1)] = 1
                scaling = tuple(int(d) // max(int(k), 1) for d, k in zip(dims, kept))
                _shape_div_once(op._graph, tuple(dims), axes, kept)
                grad = reshape(grad, tuple(int(k) for k in kept))
                return [tile(grad, scaling), None]
    return [_broadcast_back(op, grad), None]


_REDUCED_SHAPES = weakref.WeakKeyDictionary()  # graph -> {(input shape, axes)} seen


def _shape_div_once(g, dims, axes, kept):
    """TF computes a reduction's tile scaling once per graph, input shape and axes, with ops
    it then folds (`dims // maximum(kept, 1)`, left in the graph): the same ops, once."""
    seen = _REDUCED_SHAPES.setdefault(g, set())
    key = (dims, tuple(int(a) for a in np.asarray(axes).reshape(-1)))
    if key in seen:
        return
    seen.add(key)
    from scopeflow.ops.math import maximum
    _ = tuple(int(d) for d in dims) // maximum(tuple(int(k) for k in kept), 1)


def _broadcast_back(op, grad):
    from scopeflow.ops.array import broadcast_to
    in_shape = shape(op._inputs[0])
    if not op._attrs.get("keep_dims"):
        grad = reshape(grad, reduced_shape(in_shape, op._inputs[1]))
    return broadcast_to(grad, in_shape)


def reduced_shape(input_shape, axes):
    """TF's math_ops.reduced_shape: `input_shape` with the reduced axes set to 1."""
    from scopeflow.ops.constant import convert_to_tensor
    from scopeflow.ops.dynamic_shape import dynamic_stitch
    from scopeflow.ops.shape_ops import ones, size
    from scopeflow.ops.shape_ops import range as range_
    known, known_axes = static_value(input_shape), static_value(axes)
    if known is not None and known_axes is not None:
        out = np.array(known, dtype=np.int32)
        out[np.array(known_axes, dtype=np.int32)] = 1
        return out
    axes = convert_to_tensor(axes)
    rank = size(input_shape, out_type=axes.dtype)
    axes = (axes + rank) % rank
    axes_shape = shape(axes)  # before the range, as TF orders (and names) them
    return dynamic_stitch([range_(rank), axes],
                          [input_shape, ones(axes_shape, dtype=input_shape.dtype)])


@gradient("Mean")
def _mean_grad(op, grad):
    sum_grad = _sum_grad(op, grad)[0]
    ins, outs = op._inputs[0].shape._dims, op._outputs[0].shape._dims
    if ins is not None and outs is not None and None not in ins and None not in outs:
        factor = int(np.prod(ins, dtype=np.int64)) // max(int(np.prod(outs, dtype=np.int64)), 1)
        factor = constant(factor, dtype=sum_grad.dtype)
    else:
        from scopeflow.ops.gather import gather
        from scopeflow.ops.reductions import reduce_prod
        from scopeflow.ops.shape_ops import size
        in_shape = shape(op._inputs[0])
        rank = size(in_shape)
        axes = cast(op._inputs[1], rank.dtype)
        axes = (axes + rank) % rank
        factor = reduce_prod(gather(in_shape, axes))
    return truediv(sum_grad, cast(factor, sum_grad.dtype)), None


@gradient("Max", "Min")
def _min_max_grad(op, grad):
    from scopeflow.ops.math import divide, equal
    in_shape = shape(op._inputs[0])
    y = op._outputs[0]
    if not op._attrs.get("keep_dims"):
        kept = reduced_shape(in_shape, op._inputs[1])
        y = reshape(y, kept)
        grad = reshape(grad, kept)
    else:
        kept = shape(y)
    indicators = cast(equal(y, op._inputs[0]), grad.dtype)
    num_selected = reshape(reduce_sum(indicators, op._inputs[1]), kept)
    return [divide(indicators, num_selected) * grad, None]


# ---- binary ---------------------------------------------------------------------------------
@gradient("AddN")
def _add_n_grad(op, grad):
    return [grad] * len(op._inputs)


@gradient("Add", "AddV2")
def _add_grad(op, grad):
    x, y = op._inputs
    if _equal_static(x, y, grad):
        return grad, grad
    return reduce_args(x, y, grad, grad)


@gradient("Sub")
def _sub_grad(op, grad):
    x, y = op._inputs
    if _equal_static(x, y, grad):
        return grad, -grad
    return reduce_args(x, y, grad, -grad)


@gradient("Mul")
def _mul_grad(op, grad):
    x, y = op._inputs
    mul = BINARY["Mul"]
    if _equal_static(x, y, grad) and grad.dtype.base_dtype in (_dt.int32, _dt.float32):
        return mul(grad, y), mul(grad, x)
    gx = mul(grad, conj(y))
    gy = mul(conj(x), grad)
    return reduce_args(x, y, gx, gy)


@gradient("RealDiv")
def _real_div_grad(op, grad):
    x, y = op._inputs
    cx, cy = conj(x), conj(y)
    div = BINARY["RealDiv"]
    gx = div(grad, cy)
    gy = grad * div(div(-cx, cy), cy)
    return reduce_args(x, y, gx, gy)


@gradient("DivNoNan")
def _div_no_nan_grad(op, grad):
    from scopeflow.ops.math import div_no_nan
    x, y = conj(op._inputs[0]), conj(op._inputs[1])
    gx = div_no_nan(grad, y)
    gy = grad * div_no_nan(div_no_nan(-x, y), y)
    return reduce_args(x, y, gx, gy)


@gradient("Pow")
def _pow_grad(op, grad):
    from scopeflow.ops.gather import where
    from scopeflow.ops.math import greater
    from scopeflow.ops.math import pow as pow_
    from scopeflow.ops.math_unary import log
    from scopeflow.ops.shape_ops import ones_like
    x, y = op._inputs
    cx, cy = conj(x), conj(y)
    gx = grad * cy * pow_(cx, cy - 1)
    mask = greater(cx, 0) if not x.dtype.is_complex else BINARY["NotEqual"](cx, 0)
    safe_x = where(mask, cx, ones_like(x))
    log_x = where(mask, log(safe_x), zeros_like(x))
    gy = grad * conj(op._outputs[0]) * log_x
    return reduce_args(x, y, gx, gy)


def _max_min_grad(op, grad, selector):
    from scopeflow.ops.gather import where_v2
    x, y = op._inputs
    zeros = zeros_like(grad)
    xmask = selector(x, y)
    gx = where_v2(xmask, grad, zeros)
    gy = where_v2(xmask, zeros, grad)
    return reduce_args(x, y, gx, gy)


@gradient("Maximum")
def _maximum_grad(op, grad):
    from scopeflow.ops.math import greater_equal
    return _max_min_grad(op, grad, greater_equal)


@gradient("Minimum")
def _minimum_grad(op, grad):
    from scopeflow.ops.math import less_equal
    return _max_min_grad(op, grad, less_equal)


@gradient("SquaredDifference")
def _squared_difference_grad(op, grad):
    from scopeflow.ops.math import scalar_mul
    x, y = op._inputs
    with _control(grad):
        x_grad = scalar_mul(2.0, grad) * (x - y)
    if _equal_static(x, y, grad):
        return x_grad, -x_grad
    return reduce_args(x, y, x_grad, -x_grad)


@gradient("Select")
def _select_grad(op, grad):
    from scopeflow.ops.gather import where
    c, x = op._inputs[0], op._inputs[1]
    zeros = zeros_like(x)
    return None, where(c, grad, zeros), where(c, zeros, grad)


@gradient("SelectV2")
def _select_v2_grad(op, grad):
    from scopeflow.ops.gather import where_v2
    from scopeflow.ops.shape_ops import zeros
    c, x, y = op._inputs
    z = op._outputs[0]
    zero = zeros([], dtype=grad.dtype.base_dtype)
    gx = where_v2(c, grad, zero)
    gy = where_v2(c, zero, grad)
    gx, _ = reduce_args(x, z, gx, None)
    gy, _ = reduce_args(y, z, gy, None)
    return None, gx, gy


# ---- matrix products and casts --------------------------------------------------------------
@gradient("MatMul")
def _matmul_grad(op, grad):
    ta, tb = op._attrs.get("transpose_a", False), op._attrs.get("transpose_b", False)
    a, b = conj(op._inputs[0]), conj(op._inputs[1])
    if not ta and not tb:
        ga = _mat_mul(grad, b, transpose_b=True, grad_a=True)
        gb = _mat_mul(a, grad, transpose_a=True, grad_b=True)
    elif not ta and tb:
        ga = _mat_mul(grad, b, grad_a=True)
        gb = _mat_mul(grad, a, transpose_a=True, grad_b=True)
    elif ta and not tb:
        ga = _mat_mul(b, grad, transpose_b=True, grad_a=True)
        gb = _mat_mul(a, grad, grad_b=True)
    else:
        ga = _mat_mul(b, grad, transpose_a=True, transpose_b=True, grad_a=True)
        gb = _mat_mul(grad, a, transpose_a=True, transpose_b=True, grad_b=True)
    return ga, gb


@gradient("BatchMatMulV2", "BatchMatMulV3")
def _batch_matmul_grad(op, grad):
    x, y = op._inputs
    ax, ay = op._attrs.get("adj_x", False), op._attrs.get("adj_y", False)
    if not ax:
        if not ay:
            gx = matmul(grad, y, adjoint_b=True, grad_a=True)
            gy = matmul(x, grad, adjoint_a=True, grad_b=True)
        else:
            gx = matmul(grad, y, grad_a=True)
            gy = matmul(grad, x, adjoint_a=True, grad_b=True)
    elif not ay:
        gx = matmul(y, grad, adjoint_b=True, grad_a=True)
        gy = matmul(x, grad, grad_b=True)
    else:
        gx = matmul(y, grad, adjoint_a=True, adjoint_b=True, grad_a=True)
        gy = matmul(grad, x, adjoint_a=True, adjoint_b=True, grad_b=True)
    sxs, sys_ = x.shape, y.shape
    may_batch = (sxs.rank is None or sxs.rank > 2) or (sys_.rank is None or sys_.rank > 2)
    match = (sxs.rank is not None and sys_.rank is not None and sxs[:-2].is_fully_defined()
             and sys_[:-2].is_fully_defined() and sxs[:-2] == sys_[:-2])
    if not may_batch or match:
        return gx, gy
    sx, sy = shape(x), shape(y)
    rx, ry = broadcast_gradient_args(sx[:-2], sy[:-2])
    gx = reshape(reduce_sum(gx, rx), sx)
    gy = reshape(reduce_sum(gy, ry), sy)
    return gx, gy


_FLOATS = ("float16", "float32", "float64", "bfloat16", "complex64", "complex128")


@gradient("Cast")
def _cast_grad(op, grad):
    src = op._inputs[0].dtype.base_dtype
    if src.name in _FLOATS and grad.dtype.base_dtype.name in _FLOATS:
        return cast(grad, src)
    return None


@gradient("Cumprod")
def _cumprod_grad(op, grad):
    """TF's _CumprodGrad: the reversed running sum of cumprod(x) * grad, divided by x with
    DivNoNan (0 where x is 0, where the exact derivative is not)."""
    from scopeflow.ops.math import div_no_nan
    from scopeflow.ops.reductions import cumprod, cumsum
    x, axis = op._inputs
    exclusive, reverse = op._attrs.get("exclusive", False), op._attrs.get("reverse", False)
    prod = cumprod(x, axis, exclusive=exclusive, reverse=reverse)
    out = cumsum(prod * grad, axis, exclusive=exclusive, reverse=not reverse)
    return [div_no_nan(out, x), None]


@gradient("EuclideanNorm")
def _euclidean_norm_grad(op, grad):
    """x / (norm / grad), norm and grad with the reduced axes kept (TF's)."""
    output = op._outputs[0]
    if not op._attrs.get("keep_dims"):
        kept = reduced_shape(shape(op._inputs[0]), op._inputs[1])
        output = reshape(output, kept)
        grad = reshape(grad, kept)
    return truediv(op._inputs[0], output / grad), None


@gradient("CumulativeLogsumexp")
def _cumulative_logsumexp_grad(op, grad):
    """The incoming gradient split into its positive and negative parts, each through a
    reversed cumulative logsumexp in log space (TF's, for stable results)."""
    from scopeflow.ops.gather import where_v2
    from scopeflow.ops.math import greater, less
    from scopeflow.ops.math_unary import exp, log
    from scopeflow.ops.reductions import cumulative_logsumexp
    x, axis = op._inputs
    out = op._outputs[0]
    exclusive, reverse = op._attrs.get("exclusive", False), op._attrs.get("reverse", False)
    lowest = grad.dtype.base_dtype.min
    log_grad_positive = where_v2(greater(grad, 0), log(grad), lowest)
    log_grad_negative = where_v2(less(grad, 0), log(-grad), lowest)
    output_pos = exp(cumulative_logsumexp(log_grad_positive - out, axis=axis,
                                          reverse=not reverse, exclusive=exclusive) + x)
    output_neg = exp(cumulative_logsumexp(log_grad_negative - out, axis=axis,
                                          reverse=not reverse, exclusive=exclusive) + x)
    return [output_pos - output_neg, None]
