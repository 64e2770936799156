"""The names TF gives gradient tensors (`gradients/MatMul_grad/MatMul_1:0`), as data.

TF builds one gradient function per forward op, and the gradient of an input is the last op
that function adds under `gradients/<op>_grad/`. scopeflow computes all gradients in one op, so
it names each result after the op TF would have produced, following the same rules: a
gradient that reaches a tensor along several edges is summed by `gradients/AddN`; some
gradient functions pass the incoming gradient through unchanged (`Identity`, `AddN`, `Add`
without broadcasting), so the name comes from further down; with `gate_gradients` an op whose
function returns several gradients wraps them in `<op>_grad/tuple/control_dependency_<k>`.
"""

PASS = object()  # the gradient of the op's output, unchanged

# Binary ops that broadcast: an input that needs no reduction gets the first name, one whose
# static shape differs from the output's is reduced and reshaped (`Reshape`, `Reshape_1`).
_BROADCAST = {
    "AddV2": (PASS, PASS), "Add": (PASS, PASS), "Sub": (PASS, "Neg"), "Mul": ("Mul", "Mul_1"),
    "RealDiv": ("RealDiv", "mul"), "Maximum": ("SelectV2", "SelectV2_1"),
    "Minimum": ("SelectV2", "SelectV2_1"), "SquaredDifference": ("mul_1", "Neg"),
    "Pow": ("mul_1", "mul_3"), "DivNoNan": ("div_no_nan", "mul"), "Atan2": ("mul", "mul_1"),
    "FloorMod": (PASS, "mul"),
}

# Per-input names for the other common ops (a string applies to every input).
_NAMES = {
    "MatMul": ("MatMul", "MatMul_1"), "BatchMatMul": ("MatMul", "MatMul_1"),
    "BatchMatMulV2": ("MatMul", "MatMul_1"), "BatchMatMulV3": ("MatMul", "MatMul_1"),
    "Einsum": ("Einsum", "Einsum_1"), "BiasAdd": (PASS, "BiasAddGrad"),
    "BiasAddV1": (PASS, "BiasAddGrad"), "Conv2D": ("Conv2DBackpropInput", "Conv2DBackpropFilter"),
    "Conv3D": ("Conv3DBackpropInputV2", "Conv3DBackpropFilterV2"),
    "Select": (None, "Select", "Select_1"), "SelectV2": (None, "SelectV2", "SelectV2_1"),
    "Identity": PASS, "AddN": PASS, "Snapshot": PASS, "PreventGradient": PASS,
    "Sum": "Tile", "Mean": "truediv", "Max": "mul", "Min": "mul", "Prod": "Reshape_4",
    "Square": "Mul_1", "Relu": "ReluGrad", "Relu6": "Relu6Grad", "Elu": "EluGrad",
    "Selu": "SeluGrad", "LeakyRelu": "LeakyReluGrad", "Softsign": "SoftsignGrad",
    "Softplus": "mul", "Tanh": "TanhGrad", "Sigmoid": "SigmoidGrad", "Sqrt": "SqrtGrad",
    "Rsqrt": "RsqrtGrad", "Reciprocal": "ReciprocalGrad", "Exp": "mul", "Log": "mul",
    "Log1p": "mul", "Expm1": "mul", "Sin": "mul", "Cos": "mul", "Abs": "mul", "Erf": "mul_1",
    "Erfc": "mul_1",
    "Neg": "Neg", "Reshape": "Reshape", "ExpandDims": "Reshape", "Squeeze": "Reshape",
    "Transpose": "transpose", "Softmax": "mul_1", "LogSoftmax": "sub", "Cast": "Cast",
    "L2Loss": "mul", "Slice": "Pad", "StridedSlice": "StridedSliceGrad", "Tile": "Sum",
    "Pad": "Slice_1", "PadV2": "Slice_1", "MaxPool": "MaxPoolGrad", "AvgPool": "AvgPoolGrad",
    "Unpack": "stack", "SplitV": "concat", "Enter": "Exit", "RefEnter": "Exit",
    "Switch": "cond_grad", "RefSwitch": "cond_grad", "Split": "concat", "DynamicPartition": "Reshape_1",
}
_STITCH = ("DynamicStitch", "ParallelDynamicStitch")  # data m's gradient: GatherV2_<m>


def _trainable(t):
    dt = t._dtype.base_dtype
    return dt.is_floating or dt.is_complex


def _must_reduce(a, b):
    """TF's SmartBroadcastGradientArgs: whether each input's gradient must be summed down."""
    if a is None or b is None:
        return True, True
    n = max(len(a), len(b))
    pa, pb = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    ra = rb = False
    for x, y in zip(pa, pb):
        if x == 1 and y != 1:
            ra = True
        elif y == 1 and x != 1:
            rb = True
        elif x is None or y is None:
            return True, True
    return ra or len(a) < len(b), rb or len(b) < len(a)


def rule(op, idx):
    """The leaf name (or PASS) TF's gradient function gives input `idx` of `op`."""
    kind = op._type
    pair = _BROADCAST.get(kind)
    if pair is not None and len(op._inputs) == 2:
        flags = _must_reduce(op._inputs[0]._shape._dims, op._inputs[1]._shape._dims)
        if not flags[idx]:
            return pair[idx]
        return "Reshape" if idx == 0 or not flags[0] else "Reshape_1"
    names = _NAMES.get(kind)
    if kind == "ConcatV2":
        return "Slice" if idx == 0 else "Slice_%d" % idx
    if kind in _STITCH:
        m = idx - len(op._inputs) // 2
        return "GatherV2" if m == 0 else "GatherV2_%d" % m
    if names is None:
        k = sum(_trainable(t) for t in op._inputs[:idx])
        return kind + "Grad" if k == 0 else "%sGrad_%d" % (kind, k)
    if isinstance(names, tuple):
        return names[idx] if idx < len(names) and names[idx] is not None else kind + "Grad"
    return names


def gated(op, idx):
    """The `tuple/control_dependency_<k>` leaf when TF gates `op`'s gradients, else None."""
    flags = [_trainable(t) for t in op._inputs]
    if sum(flags) < 2 or not flags[idx]:
        return None
    k = sum(flags[:idx])
    return "tuple/control_dependency" if k == 0 else "tuple/control_dependency_%d" % k


class Namer:
    """Finds, for a tensor, the TF name of its gradient: (key, scope parts, leaf, when).

    `when` orders creation as TF's backward pass does (later forward ops first), which
    decides the numbering of repeated names (`AddN`, `AddN_1`).

    `uses(t)` gives the (op, input index) edges the gradient arrives through (several edges
    mean an AddN); `roots` maps each differentiated y to its position in `ys`.
    """

    def __init__(self, uses, roots, gate, tree=False):
        self._uses = uses
        self._roots = roots
        self._gate = gate
        self._tree = tree  # EXPERIMENTAL_TREE: a chain of pairwise AddNs under <op>_gradient_sum

    def name(self, t):
        for _ in range(10000):  # PASS chains end at a use that names the gradient
            edges = self._uses(t)
            root = self._roots.get(t)
            n = len(edges) + (root is not None)
            if n > 1 and self._tree:
                leaf = "AddN" if n == 2 else "AddN_%d" % (n - 2)
                return ("AddN", t), (t._op._name + "_gradient_sum",), leaf, t._op._id
            if n > 1:
                return ("AddN", t), (), "AddN", t._op._id
            if root is not None:
                return ("root", root), (), "grad_ys_%d" % root, float("inf")
            if not edges:
                return None
            op, idx = edges[0]
            scope = op._name + "_grad"
            leaf = self._gate and gated(op, idx)
            if leaf:
                return (op, leaf), (scope,), leaf, op._id
            leaf = rule(op, idx)
            if leaf is not PASS:
                return (op, leaf), (scope,), leaf, op._id
            t = op._outputs[0]
        return None
