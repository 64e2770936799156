"""FLOP counts per op type, TF's registered "flops" statistics (tfprof's static analysis).

`node_flops(graph, node)` gives the number of float operations of the NodeDef `node` of
`graph`, counted from static shapes exactly as TF's `@ops.RegisterStatistics(type, "flops")`
functions count them (TF 2.21: profiler/internal/flops_registry.py, nn_ops.py, math_ops.py):
MatMul 2*k*|out|, Conv2D 2*kh*kw*cin*|out|, elementwise ops |out| (or |in|), reductions
|in| - |out| (+|out| for Mean), pools kernel area * |out|, ... An op type with no registered
function gives None; a shape that is not fully defined (or a conv/pool not in NHWC) raises
ValueError, which tfprof counts as "no flops stats due to incomplete shapes".
"""

import math

_REGISTRY = {}


def _register(*op_types):
    def deco(fn):
        for t in op_types:
            _REGISTRY[t] = fn
        return fn
    return deco


def _shape(graph, name):
    """Fully defined static shape (a list) of tensor `name` (`op` means `op:0`)."""
    shape = graph.get_tensor_by_name(name if ":" in name else name + ":0").get_shape()
    if not shape.is_fully_defined():
        raise ValueError("Shape %s is not fully defined" % shape)
    return shape.as_list()


def _count(dims):
    return math.prod(dims)


def _in(graph, node, i=0):
    return _shape(graph, node.input[i])


def _out(graph, node):
    return _shape(graph, node.name)


def _unary(per_element=1):
    return lambda graph, node: _count(_in(graph, node)) * per_element


def _binary(per_element=1):
    return lambda graph, node: _count(_out(graph, node)) * per_element


for _t in ("Reciprocal", "Square", "Log", "Neg", "AssignSub", "AssignAdd"):
    _REGISTRY[_t] = _unary()
_REGISTRY["Rsqrt"] = _unary(2)
_REGISTRY["Softmax"] = _unary(5)
for _t in ("Add", "AddV2", "Sub", "Mul", "RealDiv", "Maximum", "Minimum", "Pow",
           "GreaterEqual", "Greater", "LessEqual", "Less", "Equal", "NotEqual"):
    _REGISTRY[_t] = _binary()
_REGISTRY["RsqrtGrad"] = _binary(4)
_REGISTRY["SquaredDifference"] = _binary(2)


@_register("L2Loss")
def _l2_loss(graph, node):
    return _count(_in(graph, node)) * 3 - 1


def _reduction(reduce_flops, finalize_flops):
    def fn(graph, node):
        n_in, n_out = _count(_in(graph, node)), _count(_out(graph, node))
        return n_in * reduce_flops + n_out * (finalize_flops - reduce_flops)
    return fn


_REGISTRY["Mean"] = _reduction(1, 1)
for _t in ("Sum", "ArgMax", "ArgMin", "BiasAddGrad"):
    _REGISTRY[_t] = _reduction(1, 0)


def _nhwc(node):
    if node.attr["data_format"].s != b"NHWC":
        raise ValueError("Only NHWC format is supported in flops computations")


@_register("AvgPool", "MaxPool")
def _pool(graph, node):
    _nhwc(node)
    out = _out(graph, node)
    return _count(node.attr["ksize"].list.i) * _count(out)


@_register("AvgPoolGrad")
def _avg_pool_grad(graph, node):
    _nhwc(node)
    grad = _in(graph, node, 1)
    return _count(node.attr["ksize"].list.i) * _count(grad) * 2


@_register("MaxPoolGrad")
def _max_pool_grad(graph, node):
    _nhwc(node)
    area = _count(node.attr["ksize"].list.i)
    orig_out = _count(_in(graph, node, 1))
    return area * orig_out + orig_out


def _strides_hw(node):
    strides = list(node.attr["strides"].list.i)
    return strides[1] * strides[2]


@_register("Conv2DBackpropInput")
def _conv2d_backprop_input(graph, node):
    _nhwc(node)
    out = _out(graph, node)
    kernel = _in(graph, node, 1)
    return 2 * _count(out) * _count(kernel) / (out[-1] * _strides_hw(node))


@_register("Conv2DBackpropFilter")
def _conv2d_backprop_filter(graph, node):
    _nhwc(node)
    image = _in(graph, node, 0)
    kernel = _out(graph, node)
    return 2 * _count(image) * _count(kernel) / (image[-1] * _strides_hw(node))


@_register("AddN")
def _add_n(graph, node):
    if not node.input:
        return 0
    return _count(_in(graph, node)) * (len(node.input) - 1)


@_register("MatMul")
def _mat_mul(graph, node):
    a = _in(graph, node)
    k = a[0] if node.attr["transpose_a"].b else a[1]
    return k * _count(_out(graph, node)) * 2


@_register("BatchMatMul", "BatchMatMulV2", "BatchMatMulV3")
def _batch_mat_mul(graph, node):
    # TF reads the attr `transpose_a`, which BatchMatMul* do not have (they have adj_x):
    # k is always the last dim of x
    a = _in(graph, node)
    k = a[-2] if node.attr["transpose_a"].b else a[-1]
    return k * _count(_out(graph, node)) * 2


@_register("Conv2D")
def _conv2d(graph, node):
    _in(graph, node)
    f = _in(graph, node, 1)
    return _count(_out(graph, node)) * f[2] * f[0] * f[1] * 2


@_register("Conv3D")
def _conv3d(graph, node):
    _in(graph, node)
    f = _in(graph, node, 1)
    return _count(_out(graph, node)) * f[3] * f[0] * f[1] * f[2] * 2


@_register("DepthwiseConv2dNative", "Dilation2D")
def _depthwise(graph, node):
    _in(graph, node)
    f = _in(graph, node, 1)
    return _count(_out(graph, node)) * f[0] * f[1] * 2


@_register("BiasAdd")
def _bias_add(graph, node):
    return _count(_in(graph, node))


def node_flops(graph, node):
    """TF's flops statistic of NodeDef `node` in `graph`: None when its type has none
    registered; ValueError when a shape it needs is not fully known."""
    fn = _REGISTRY.get(node.op)
    if fn is None:
        return None
    return fn(graph, node)


def registered_types():
    return sorted(_REGISTRY)
