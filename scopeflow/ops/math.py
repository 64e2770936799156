"""Elementwise math, matmul, reductions and the Tensor operator overloads, with TF's names."""

import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.core.shape import TensorShape
from scopeflow.core.tensor import Tensor
from scopeflow.ops.constant import constant_value, convert_to_tensor
from scopeflow.ops.registry import (INDEX, ShapeError, broadcast, broadcast_bool, op, spec)


def _binary(op_type, fn, infer=broadcast):
    return op(op_type, infer=infer)(fn)


# ---- elementwise binary -------------------------------------------------------------------
add_v2 = _binary("AddV2", lambda x, y: jnp.add(x, y))
_add_str = _binary("Add", lambda x, y: jnp.add(x, y))
sub = _binary("Sub", lambda x, y: jnp.subtract(x, y))
mul = _binary("Mul", lambda x, y: jnp.multiply(x, y))
real_div = _binary("RealDiv", lambda x, y: jnp.true_divide(x, y))
div_no_nan_op = _binary("DivNoNan", lambda x, y: jnp.where(y == 0, jnp.zeros_like(x), x / jnp.where(
    y == 0, jnp.ones_like(y), y)))
pow_op = _binary("Pow", lambda x, y: jnp.power(x, y))
maximum = _binary("Maximum", lambda x, y: jnp.maximum(x, y))
minimum = _binary("Minimum", lambda x, y: jnp.minimum(x, y))
squared_difference = _binary("SquaredDifference", lambda x, y: jnp.square(x - y))
atan2 = _binary("Atan2", lambda y, x: jnp.arctan2(y, x))
less = _binary("Less", lambda x, y: x < y, broadcast_bool)
less_equal = _binary("LessEqual", lambda x, y: x <= y, broadcast_bool)
greater = _binary("Greater", lambda x, y: x > y, broadcast_bool)
greater_equal = _binary("GreaterEqual", lambda x, y: x >= y, broadcast_bool)
_equal = _binary("Equal", lambda x, y: x == y, broadcast_bool)
_not_equal = _binary("NotEqual", lambda x, y: x != y, broadcast_bool)
logical_and = _binary("LogicalAnd", lambda x, y: jnp.logical_and(x, y), broadcast_bool)
logical_or = _binary("LogicalOr", lambda x, y: jnp.logical_or(x, y), broadcast_bool)


def _int_div_checked(ctx, x, y, fn):
    if jnp.issubdtype(jnp.result_type(y), jnp.integer):
        from scopeflow.errors import InvalidArgumentError
        ctx.check(jnp.all(y != 0), InvalidArgumentError, "Integer division by zero")
        y = jnp.where(y == 0, jnp.ones_like(y), y)
    return fn(x, y)


@op("FloorDiv", infer=broadcast, context=True)
def floor_div(ctx, x, y):
    return _int_div_checked(ctx, x, y, jnp.floor_divide)


@op("FloorMod", infer=broadcast, context=True)
def floor_mod(ctx, x, y):
    return _int_div_checked(ctx, x, y, jnp.mod)


@op("TruncateDiv", infer=broadcast, context=True)
def truncate_div(ctx, x, y):
    return _int_div_checked(ctx, x, y, lambda a, b: jnp.trunc(a / b).astype(a.dtype)
                            if jnp.issubdtype(a.dtype, jnp.floating) else
                            (jnp.sign(a) * jnp.sign(b) * (jnp.abs(a) // jnp.abs(b))).astype(a.dtype))


def equal(x, y, name=None):
    return _equal(x, y, name=name or "Equal")


def not_equal(x, y, name=None):
    return _not_equal(x, y, name=name or "NotEqual")


def logical_not(x, name=None):
    return _logical_not(x, name=name)


_logical_not = op("LogicalNot", infer=lambda x: (x.shape, _dt.bool))(
    lambda x: jnp.logical_not(x))


def logical_xor(x, y, name="LogicalXor"):
    return _logical_xor(x, y, name=name)


_logical_xor = _binary("LogicalXor", lambda x, y: jnp.logical_xor(x, y), broadcast_bool)


# ---- unary table ----------------------------------------------------------------------------
_UNARY = {
    "Neg": jnp.negative, "Abs": jnp.abs, "Exp": jnp.exp, "Log": jnp.log, "Log1p": jnp.log1p,
    "Expm1": jnp.expm1, "Sqrt": jnp.sqrt, "Rsqrt": lambda x: 1.0 / jnp.sqrt(x),
    "Square": jnp.square, "Reciprocal": jnp.reciprocal, "Sign": jnp.sign, "Floor": jnp.floor,
    "Ceil": jnp.ceil, "Round": jnp.round, "Rint": jnp.rint, "Tanh": jnp.tanh,
    "Sigmoid": lambda x: 1.0 / (1.0 + jnp.exp(-x)), "Sin": jnp.sin, "Cos": jnp.cos,
    "Tan": jnp.tan, "Asin": jnp.arcsin, "Acos": jnp.arccos, "Atan": jnp.arctan,
    "Sinh": jnp.sinh, "Cosh": jnp.cosh, "Asinh": jnp.arcsinh, "Acosh": jnp.arccosh,
    "Atanh": jnp.arctanh, "IsNan": jnp.isnan, "IsInf": jnp.isinf, "IsFinite": jnp.isfinite,
    "Erf": lambda x: __import__("jax").scipy.special.erf(x),
    "Erfc": lambda x: __import__("jax").scipy.special.erfc(x),
    "Lgamma": lambda x: __import__("jax").scipy.special.gammaln(x),
    "Digamma": lambda x: __import__("jax").scipy.special.digamma(x),
    "Real": jnp.real, "Imag": jnp.imag, "Conj": jnp.conj,
}
_BOOL_OUT = {"IsNan", "IsInf", "IsFinite"}
UNARY = {}
for _t, _fn in _UNARY.items():
    _inf = (lambda x: (x.shape, _dt.bool)) if _t in _BOOL_OUT else None
    UNARY[_t] = op(_t, infer=_inf)((lambda f: lambda x: f(x))(_fn))


def _unary_public(op_type):
    b = UNARY[op_type]

    def f(x, name=None):
        return b(x, name=name)

    f.__name__ = op_type.lower()
    return f


negative = _unary_public("Neg")
exp, log, log1p, expm1 = (_unary_public(t) for t in ("Exp", "Log", "Log1p", "Expm1"))
sqrt, rsqrt, square = (_unary_public(t) for t in ("Sqrt", "Rsqrt", "Square"))
reciprocal, sign, floor, ceil = (_unary_public(t) for t in ("Reciprocal", "Sign", "Floor", "Ceil"))
rint, tanh, sigmoid = (_unary_public(t) for t in ("Rint", "Tanh", "Sigmoid"))
sin, cos, tan, asin, acos, atan = (_unary_public(t) for t in ("Sin", "Cos", "Tan", "Asin", "Acos",
                                                               "Atan"))
sinh, cosh, asinh, acosh, atanh = (_unary_public(t) for t in ("Sinh", "Cosh", "Asinh", "Acosh",
                                                              "Atanh"))
is_nan, is_inf, is_finite = (_unary_public(t) for t in ("IsNan", "IsInf", "IsFinite"))
erf, erfc, lgamma, digamma = (_unary_public(t) for t in ("Erf", "Erfc", "Lgamma", "Digamma"))
real, imag, conj = (_unary_public(t) for t in ("Real", "Imag", "Conj"))


def abs(x, name=None):  # noqa: A001 - TF's name
    return UNARY["Abs"](x, name=name)


def round(x, name=None):  # noqa: A001 - TF's name: banker's rounding
    return UNARY["Round"](x, name=name)


# ---- public binary functions with TF's default names ----------------------------------------
def add(x, y, name=None):
    """`tf.add`: op type AddV2 named 'Add' (Add for strings).

    >>> import scopeflow as tf
    >>> tf.add(tf.constant(1.0), 2.0).name
    'Add:0'
    """
    if _is_string(x) or _is_string(y):
        return _add_str(x, y, name=name or "Add")
    return add_v2(x, y, name=name or "Add")


def _is_string(x):
    return getattr(x, "dtype", None) is _dt.string or isinstance(x, (str, bytes))


def subtract(x, y, name=None):
    return sub(x, y, name=name or "Sub")


def multiply(x, y, name=None):
    return mul(x, y, name=name or "Mul")


def realdiv(x, y, name=None):
    return real_div(x, y, name=name or "RealDiv")


def div_no_nan(x, y, name=None):
    return div_no_nan_op(x, y, name=name or "div_no_nan")


def pow(x, y, name=None):  # noqa: A001 - TF's name
    return pow_op(x, y, name=name or "Pow")


def floordiv(x, y, name=None):
    return floor_div(x, y, name=name or "floordiv")


def floormod(x, y, name=None):
    return floor_mod(x, y, name=name or "FloorMod")


mod = floormod


def truncatediv(x, y, name=None):
    return truncate_div(x, y, name=name or "TruncateDiv")


def truediv(x, y, name=None):
    """Python 3 division: integers are cast to float (float64 for int32/int64) first."""
    return _truediv(x, y, name or "truediv")


_INT_TO_FLOAT = {"int8": _dt.float32, "uint8": _dt.float32, "int16": _dt.float32,
                 "uint16": _dt.float32, "int32": _dt.float64, "int64": _dt.float64}


def _truediv(x, y, scope_name):
    g = default_graph()
    from scopeflow.ops.registry import _graph_of
    g = _graph_of((x, y))
    full = g._op_scope(scope_name)
    f = g._frame()
    old = f.name_scope
    f.name_scope = full
    try:
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, dtype_hint=x.dtype.base_dtype, name="y")
        if x.dtype.base_dtype is not y.dtype.base_dtype:
            raise TypeError("`x` and `y` must have the same dtype, got %r != %r."
                            % (x.dtype.base_dtype, y.dtype.base_dtype))
        to = _INT_TO_FLOAT.get(x.dtype.base_dtype.name)
        if to is not None:
            x = cast(x, to)
            y = cast(y, to)
    finally:
        f.name_scope = old
    return real_div(x, y, name=full + "/")


divide = truediv


def div(x, y, name=None):
    """TF1 `tf.div`: floor division for integers, true division for floats (op 'div')."""
    x = convert_to_tensor(x) if not isinstance(x, Tensor) else x
    if x.dtype.base_dtype.is_integer:
        return floor_div(x, y, name=name or "div")
    return real_div(x, y, name=name or "div")


def scalar_mul(scalar, x, name=None):
    return mul(scalar, x, name=name or "Mul")


def _matmul_shape(a, b, *, transpose_a=False, transpose_b=False):
    da, db = a.shape._dims, b.shape._dims
    if da is not None and len(da) != 2:
        raise ShapeError("Shape must be rank 2 but is rank %d" % len(da))
    if db is not None and len(db) != 2:
        raise ShapeError("Shape must be rank 2 but is rank %d" % len(db))
    m, k1 = (None, None) if da is None else ((da[1], da[0]) if transpose_a else da)
    k2, n = (None, None) if db is None else ((db[1], db[0]) if transpose_b else db)
    if k1 is not None and k2 is not None and k1 != k2:
        raise ShapeError("Dimensions must be equal, but are %d and %d" % (k1, k2))
    return spec((m, n), a.dtype.base_dtype)


@op("MatMul", infer=_matmul_shape, name="MatMul")
def _matmul_op(a, b, *, transpose_a=False, transpose_b=False):
    return jnp.matmul(a.T if transpose_a else a, b.T if transpose_b else b)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None, output_type=None):
    """`tf.matmul` of rank-2 tensors (batched inputs go to BatchMatMulV2)."""
    ra = _rank(a)
    rb = _rank(b)
    if (ra is not None and ra > 2) or (rb is not None and rb > 2):
        from scopeflow.ops import linalg
        return linalg.batch_matmul(a, b, adj_x=adjoint_a or transpose_a,
                                   adj_y=adjoint_b or transpose_b, name=name or "MatMul")
    return _matmul_op(a, b, name=name or "MatMul", transpose_a=bool(transpose_a or adjoint_a),
                      transpose_b=bool(transpose_b or adjoint_b))


def _rank(x):
    s = getattr(x, "shape", None)
    if isinstance(s, TensorShape):
        return s.ndims
    return np.ndim(x) if not isinstance(x, Tensor) else None


# ---- cast -----------------------------------------------------------------------------------
def _cast_shape(x, *, DstT, Truncate=False):  # noqa: N803 - TF attr names
    return x.shape, DstT


@op("Cast", infer=_cast_shape, name="Cast")
def _cast_op(x, *, DstT, Truncate=False):  # noqa: N803
    return x.astype(DstT.as_numpy_dtype)


def cast(x, dtype, name=None):
    """`tf.cast`: returns `x` itself when it already has `dtype`."""
    dtype = _dt.as_dtype(dtype).base_dtype
    if isinstance(x, Tensor) and x.dtype.base_dtype is dtype:
        return x
    if not isinstance(x, Tensor) and hasattr(x, "_as_graph_tensor"):
        x = convert_to_tensor(x)
        if x.dtype.base_dtype is dtype:
            return x
    return _cast_op(x, name=name or "Cast", DstT=dtype)


def saturate_cast(value, dtype, name=None):
    return cast(value, dtype, name=name or "saturate_cast")


def to_float(x, name="ToFloat"):
    return cast(x, _dt.float32, name=name)


def to_double(x, name="ToDouble"):
    return cast(x, _dt.float64, name=name)


def to_int32(x, name="ToInt32"):
    return cast(x, _dt.int32, name=name)


def to_int64(x, name="ToInt64"):
    return cast(x, _dt.int64, name=name)


def to_bfloat16(x, name="ToBFloat16"):
    return cast(x, _dt.bfloat16, name=name)


# ---- AddN -----------------------------------------------------------------------------------
def _add_n_shape(inputs):
    s = TensorShape(None)
    for t in inputs:
        s = s.merge_with(t.shape)
    return s, inputs[0].dtype.base_dtype


@op("AddN", infer=_add_n_shape, lists=("inputs",))
def _add_n(inputs):
    out = inputs[0]
    for x in inputs[1:]:
        out = out + x
    return out


def add_n(inputs, name=None):
    if not inputs or not isinstance(inputs, (list, tuple)):
        raise ValueError("inputs must be an iterable of at least one Tensor/IndexedSlices with "
                         "the same dtype and shape")
    if len(inputs) == 1:
        from scopeflow.ops.array import identity
        return identity(inputs[0], name=name) if name else convert_to_tensor(inputs[0])
    return _add_n(list(inputs), name=name or "AddN")


accumulate_n = add_n


# ---- reductions -----------------------------------------------------------------------------
def _reduce_shape(input, reduction_indices, *, keep_dims=False):  # noqa: A002
    dims = input.shape._dims
    axes = constant_value(reduction_indices)
    if dims is None:
        return spec(None, input.dtype.base_dtype)
    if axes is None:
        if keep_dims:
            return spec((None,) * len(dims), input.dtype.base_dtype)
        return spec(None, input.dtype.base_dtype)
    r = len(dims)
    ax = set()
    for a in np.asarray(axes).reshape(-1).tolist():
        if not -r <= a < r:
            raise ShapeError("Invalid reduction dimension %d for input with %d dimensions" % (a, r))
        ax.add(a % r)
    if keep_dims:
        out = tuple(1 if i in ax else d for i, d in enumerate(dims))
    else:
        out = tuple(d for i, d in enumerate(dims) if i not in ax)
    return spec(out, input.dtype.base_dtype)


def _bool_reduce_shape(input, reduction_indices, *, keep_dims=False):  # noqa: A002
    s, _ = _reduce_shape(input, reduction_indices, keep_dims=keep_dims)
    return s, _dt.bool


def _axes(axes):
    return tuple(np.asarray(axes).reshape(-1).tolist())


def _reducer(op_type, fn, infer=_reduce_shape):
    def kernel(input, reduction_indices, *, keep_dims=False):  # noqa: A002
        return fn(input, axis=_axes(reduction_indices), keepdims=keep_dims)

    return op(op_type, infer=infer, types={"reduction_indices": INDEX})(kernel)


def _mean(x, axis, keepdims):
    out = jnp.mean(x, axis=axis, keepdims=keepdims)
    if jnp.issubdtype(x.dtype, jnp.integer):
        return (jnp.sum(x, axis=axis, keepdims=keepdims) //
                max(1, int(np.prod([x.shape[a] for a in axis])))).astype(x.dtype)
    return out.astype(x.dtype)


def _prod(x, axis, keepdims):
    return jnp.prod(x, axis=axis, keepdims=keepdims).astype(x.dtype)


def _sum(x, axis, keepdims):
    return jnp.sum(x, axis=axis, keepdims=keepdims).astype(x.dtype)


REDUCERS = {
    "Sum": _reducer("Sum", _sum),
    "Mean": _reducer("Mean", _mean),
    "Max": _reducer("Max", jnp.max),
    "Min": _reducer("Min", jnp.min),
    "Prod": _reducer("Prod", _prod),
    "All": _reducer("All", jnp.all, _bool_reduce_shape),
    "Any": _reducer("Any", jnp.any, _bool_reduce_shape),
    "EuclideanNorm": _reducer("EuclideanNorm", lambda x, axis, keepdims: jnp.sqrt(jnp.sum(
        x * x, axis=axis, keepdims=keepdims))),
}


def _reduction_dims(x, axis):
    """The reduction_indices input: `axis` itself, or all dims of `x` as a Const."""
    if axis is not None:
        return axis
    x = convert_to_tensor(x)
    r = x.shape.ndims
    if r is not None:
        from scopeflow.ops.constant import constant
        return constant(np.arange(r, dtype=np.int32))
    from scopeflow.ops import array
    return array.range(0, array.rank(x), name=None)


def _public_reduce(op_type, default_name):
    def reduce(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
        axis = _pick_axis(axis, reduction_indices)
        keep = _pick_keep(keepdims, keep_dims)
        x = convert_to_tensor(input_tensor) if not isinstance(input_tensor, Tensor) \
            else input_tensor
        if op_type in ("All", "Any") and x.dtype.base_dtype is not _dt.bool:
            x = convert_to_tensor(x, _dt.bool)
        return REDUCERS[op_type](x, _reduction_dims(x, axis), name=name or default_name,
                                 keep_dims=keep)

    reduce.__name__ = "reduce_" + default_name.lower()
    return reduce


def _pick_axis(axis, reduction_indices):
    if axis is not None and reduction_indices is not None:
        raise ValueError("Can not specify both 'axis' and 'reduction_indices'.")
    return axis if axis is not None else reduction_indices


def _pick_keep(keepdims, keep_dims):
    if keepdims is not None and keep_dims is not None:
        raise ValueError("Can not specify both 'keepdims' and 'keep_dims'.")
    return bool(keepdims if keepdims is not None else (keep_dims or False))


reduce_sum = _public_reduce("Sum", "Sum")
reduce_mean = _public_reduce("Mean", "Mean")
reduce_max = _public_reduce("Max", "Max")
reduce_min = _public_reduce("Min", "Min")
reduce_prod = _public_reduce("Prod", "Prod")
reduce_all = _public_reduce("All", "All")
reduce_any = _public_reduce("Any", "Any")
reduce_euclidean_norm = _public_reduce("EuclideanNorm", "EuclideanNorm")


# ---- Tensor operators -----------------------------------------------------------------------
def _binary_operator(fn, op_name):
    def forward(x, y):
        return fn(x, y, name=op_name)

    def reverse(y, x):
        return fn(x, y, name=op_name)

    return forward, reverse


def _install_operators():
    table = {
        "add": (lambda x, y, name: add(x, y, name=name) if _is_string(x) else
                add_v2(x, y, name=name), "add"),
        "sub": (lambda x, y, name: sub(x, y, name=name), "sub"),
        "mul": (lambda x, y, name: mul(x, y, name=name), "mul"),
        "truediv": (lambda x, y, name: _truediv(x, y, name), "truediv"),
        "floordiv": (lambda x, y, name: floor_div(x, y, name=name), "floordiv"),
        "mod": (lambda x, y, name: floor_mod(x, y, name=name), "mod"),
        "pow": (lambda x, y, name: pow_op(x, y, name=name), "pow"),
        "matmul": (lambda x, y, name: matmul(x, y, name=name), "matmul"),
        "and": (lambda x, y, name: logical_and(x, y, name=name), "and"),
        "or": (lambda x, y, name: logical_or(x, y, name=name), "or"),
        "xor": (lambda x, y, name: _logical_xor(x, y, name=name), "xor"),
    }
    for key, (fn, op_name) in table.items():
        fwd, rev = _binary_operator(fn, op_name)
        Tensor._overload_operator("__%s__" % key, fwd)
        Tensor._overload_operator("__r%s__" % key, rev)
    Tensor._overload_operator("__div__", Tensor.__truediv__)
    Tensor._overload_operator("__rdiv__", Tensor.__rtruediv__)
    Tensor._overload_operator("__lt__", lambda x, y: less(x, y, name="Less"))
    Tensor._overload_operator("__le__", lambda x, y: less_equal(x, y, name="LessEqual"))
    Tensor._overload_operator("__gt__", lambda x, y: greater(x, y, name="Greater"))
    Tensor._overload_operator("__ge__", lambda x, y: greater_equal(x, y, name="GreaterEqual"))
    Tensor._overload_operator("__neg__", lambda x: UNARY["Neg"](x, name="Neg"))
    Tensor._overload_operator("__abs__", lambda x: UNARY["Abs"](x, name="Abs"))
    Tensor._overload_operator("__invert__", lambda x: _logical_not(x, name="LogicalNot"))


_install_operators()
