"""Run-time checks: `tf.Assert`, `check_numerics` and the `tf.debugging.assert_*` family.

The Assert and CheckNumerics kernels call `ctx.check`: the condition becomes an output of the
compiled run and the Session raises InvalidArgumentError afterwards with TF's message (tensor
values summarised as TF's `SummarizeValue` prints them). Violations the graph already shows
(constant inputs, static ranks and dtypes) raise while building, as in TF.
"""

import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.core.tensor import Tensor
from scopeflow.errors import InvalidArgumentError
from scopeflow.ops import math as _m
from scopeflow.ops.constant import constant_value, convert_n_to_tensor, convert_to_tensor
from scopeflow.ops.registry import ANY, op, same_as_first
from scopeflow.ops.state import no_op, with_dependencies
from scopeflow.ops.tensor_text import summarize_value

__all__ = [
    "Assert",
    "assert_equal",
    "assert_greater",
    "assert_greater_equal",
    "assert_integer",
    "assert_less",
    "assert_less_equal",
    "assert_near",
    "assert_negative",
    "assert_non_negative",
    "assert_non_positive",
    "assert_none_equal",
    "assert_positive",
    "assert_proper_iterable",
    "assert_rank",
    "assert_rank_at_least",
    "assert_same_float_dtype",
    "assert_scalar",
    "assert_type",
    "check_numerics",
    "is_numeric_tensor",
    "summarize_value",
    "verify_tensor_all_finite",
]


def _scope(name, default_name, values):
    from scopeflow.core.contexts import name_scope
    return name_scope(name, default_name, values)


# ---- the two run-time ops -------------------------------------------------------------------
@op("Assert", infer=lambda condition, data, **attrs: [], lists=("data",), context=True,
    stateful=True, types={"condition": _dt.bool, "data": ANY})
def _assert(ctx, condition, data, *, summarize=3):
    def message(*values):
        return "assertion failed: " + " ".join("[%s]" % summarize_value(v, summarize)
                                              for v in values)

    ctx.check(condition, InvalidArgumentError, message, data=list(data))


@op("CheckNumerics", infer=same_as_first, context=True)
def _check_numerics(ctx, tensor, *, message):
    has_nan, has_inf = jnp.any(jnp.isnan(tensor)), jnp.any(jnp.isinf(tensor))
    what = {(True, False): "NaN", (False, True): "Inf", (True, True): "Inf and NaN"}
    ctx.check(jnp.logical_not(has_nan | has_inf), InvalidArgumentError,
              lambda n, i: "%s : Tensor had %s values" % (message, what[bool(n), bool(i)]),
              data=[has_nan, has_inf])
    return tensor


_FLOATS = (_dt.bfloat16, _dt.float16, _dt.float32, _dt.float64)


def check_numerics(tensor, message, name=None):
    """`tf.debugging.check_numerics`: `tensor`, failing the run if it holds NaN or Inf.

    >>> import scopeflow as tf
    >>> tf.debugging.check_numerics(tf.constant([1.0]), "bad").op.type
    'CheckNumerics'
    """
    t = convert_to_tensor(tensor)
    if t.dtype.base_dtype not in _FLOATS:
        raise TypeError("Value passed to parameter 'tensor' has DataType %s not in list of "
                        "allowed values: bfloat16, float16, float32, float64"
                        % t.dtype.base_dtype.name)
    return _check_numerics(t, name=name or "CheckNumerics", message=str(message))


def add_check_numerics_ops():
    """`tf.add_check_numerics_ops`: a CheckNumerics ('<op>:<i> : Tensor had NaN values') on
    every float16/32/64 output of the graph so far, chained by control edges; their group."""
    from scopeflow.ops.state import group
    g = default_graph()
    last = []
    for o in list(g.get_operations()):
        for out in o.outputs:
            if out.dtype not in (_dt.float16, _dt.float32, _dt.float64):
                continue
            if o._ctx is not None:
                raise ValueError("`tf.add_check_numerics_ops() is not compatible with "
                                 "TensorFlow control flow operations such as `tf.cond()` or "
                                 "`tf.while_loop()`.")
            with g.control_dependencies(last):
                last = [check_numerics(out, message="%s:%d" % (o.name, out.value_index))]
    return group(*last)


def verify_tensor_all_finite(t=None, msg=None, name=None, x=None, message=None):
    """`tf.verify_tensor_all_finite`: `t` behind a CheckNumerics control edge."""
    t = x if t is None else t
    msg = message if msg is None else msg
    with _scope(name, "VerifyFinite", [t]):
        t = convert_to_tensor(t, name="t")
        with default_graph().colocate_with(t):
            verify = check_numerics(t, message=msg)
            return with_dependencies([verify], t)


def Assert(condition, data, summarize=None, name=None):
    """`tf.Assert`: an op failing the run with `data` printed when `condition` is false.

    >>> import scopeflow as tf
    >>> tf.Assert(tf.constant(True), ["ok"]).type
    'Assert'
    """
    with _scope(name, "Assert", [condition, data]):
        xs = convert_n_to_tensor(data)
        if all(x.dtype.base_dtype in (_dt.string, _dt.int32) for x in xs):
            return _assert_op(condition, data, summarize)
        condition = convert_to_tensor(condition, name="Condition")
        # as TF: a cond runs the Assert only when the condition is false (its Merge is the op
        # returned); the Assert's own check stays compiled in (a flag raised after the run)
        from scopeflow.ops.control_flow import cond
        guarded = cond(condition, no_op, lambda: _assert_op(condition, data, summarize),
                       name="AssertGuard")
        return guarded.op


def _assert_op(condition, data, summarize):
    """The Assert op named `Assert`, its non-tensor data converted as `Assert/data_<i>`."""
    g = default_graph()
    full = g._op_scope("Assert")
    f = g._frame()
    old, f.name_scope = f.name_scope, full
    try:
        items = [d if isinstance(d, Tensor) else convert_to_tensor(d, name="data_%d" % i)
                 for i, d in enumerate(data)]
    finally:
        f.name_scope = old
    return _assert(condition, items, name=full + "/",
                   summarize=3 if summarize is None else int(summarize))


# ---- assert_* ---------------------------------------------------------------------------------
def _message_prefix(message):
    return "%s.  " % message if message else ""


def _static_text(x):
    if not isinstance(x, Tensor):
        return str(x)
    v = constant_value(x)
    return str(v) if v is not None else str(x)


def _assert_static(condition, data):
    if not condition:
        raise InvalidArgumentError(None, None, "\n".join(_static_text(x) for x in data))


def _binary_assert(sym, opname, test, static_test, args):
    """TF's _binary_assert; `args` = (x, y, data, summarize, message, name)."""
    x, y, data, summarize, message, name = args
    with _scope(name, opname, [x, y, data]):
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, name="y")
        if data is None:
            data = ["Condition x %s y did not hold element-wise:" % sym, "x (%s) = " % x.name, x,
                    "y (%s) = " % y.name, y]
        if message is not None:
            data = [message] + list(data)
        condition = _m.reduce_all(test(x, y))
        xs, ys = constant_value(x), constant_value(y)
        if xs is not None and ys is not None:
            _assert_static(bool(np.all(static_test(xs, ys))), data)
        return Assert(condition, data, summarize=summarize)


def assert_equal(x, y, data=None, summarize=None, message=None, name=None):
    """`tf.debugging.assert_equal`: x == y element-wise, else InvalidArgumentError."""
    with _scope(name, "assert_equal", [x, y, data]):
        if x is y:
            return no_op()
    return _binary_assert("==", "assert_equal", _m.equal, np.equal,
                          (x, y, data, summarize, message, name))


def assert_none_equal(x, y, data=None, summarize=None, message=None, name=None):
    return _binary_assert("!=", "assert_none_equal", _m.not_equal, np.not_equal,
                          (x, y, data, summarize, message, name))


def assert_less(x, y, data=None, summarize=None, message=None, name=None):
    return _binary_assert("<", "assert_less", _m.less, np.less,
                          (x, y, data, summarize, message, name))


def assert_less_equal(x, y, data=None, summarize=None, message=None, name=None):
    return _binary_assert("<=", "assert_less_equal", _m.less_equal, np.less_equal,
                          (x, y, data, summarize, message, name))


def assert_greater(x, y, data=None, summarize=None, message=None, name=None):
    return _binary_assert(">", "assert_greater", _m.greater, np.greater,
                          (x, y, data, summarize, message, name))


def assert_greater_equal(x, y, data=None, summarize=None, message=None, name=None):
    return _binary_assert(">=", "assert_greater_equal", _m.greater_equal, np.greater_equal,
                          (x, y, data, summarize, message, name))


# (opname, text, binary assert, zero on the left?)
_SIGNS = {"assert_negative": ("x < 0", assert_less, False),
          "assert_positive": ("x > 0", assert_less, True),
          "assert_non_negative": ("x >= 0", assert_less_equal, True),
          "assert_non_positive": ("x <= 0", assert_less_equal, False)}


def _sign_assert(opname, x, data, summarize, message, name):
    text, check, zero_first = _SIGNS[opname]
    message = _message_prefix(message)
    with _scope(name, opname, [x, data]):
        x = convert_to_tensor(x, name="x")
        if data is None:
            data = [message, "Condition %s did not hold element-wise:" % text,
                    "x (%s) = " % x.name, x]
            if opname == "assert_non_positive":  # TF's list lacks a comma here
                data = [message, data[1] + data[2], x]
        zero = convert_to_tensor(0, dtype=x.dtype.base_dtype)
        a, b = (zero, x) if zero_first else (x, zero)
        return check(a, b, data=data, summarize=summarize)


def assert_negative(x, data=None, summarize=None, message=None, name=None):
    return _sign_assert("assert_negative", x, data, summarize, message, name)


def assert_positive(x, data=None, summarize=None, message=None, name=None):
    return _sign_assert("assert_positive", x, data, summarize, message, name)


def assert_non_negative(x, data=None, summarize=None, message=None, name=None):
    return _sign_assert("assert_non_negative", x, data, summarize, message, name)


def assert_non_positive(x, data=None, summarize=None, message=None, name=None):
    return _sign_assert("assert_non_positive", x, data, summarize, message, name)


def assert_near(x, y, rtol=None, atol=None, data=None, summarize=None, message=None,
                name=None):
    """`tf.debugging.assert_near`: |x - y| < atol + rtol * |y| element-wise."""
    message = _message_prefix(message)
    with _scope(name, "assert_near", [x, y, rtol, atol, data]):
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, name="y", dtype=x.dtype.base_dtype)
        dtype = x.dtype.base_dtype
        if dtype.is_complex:
            dtype = _dt.float32 if dtype is _dt.complex64 else _dt.float64
        eps = np.finfo(dtype.as_numpy_dtype).eps
        rtol = convert_to_tensor(10 * eps if rtol is None else rtol, name="rtol", dtype=dtype)
        atol = convert_to_tensor(10 * eps if atol is None else atol, name="atol", dtype=dtype)
        if data is None:
            data = [message, "x and y not equal to tolerance rtol = %s, atol = %s"
                    % (rtol, atol), "x (%s) = " % x.name, x, "y (%s) = " % y.name, y]
        tol = atol + rtol * _m.abs(y)
        diff = _m.abs(x - y)
        return Assert(_m.reduce_all(_m.less(diff, tol)), data, summarize=summarize)


def _rank_assert(opname, x, rank, data, summarize, message, name):
    """assert_rank / assert_rank_at_least: static answer when shapes say, else an Assert."""
    from scopeflow.ops.shape_ops import rank as rank_of
    from scopeflow.ops.shape_ops import shape
    at_least = opname == "assert_rank_at_least"
    with _scope(name, opname, (x, rank) + tuple(data or [])):
        x = convert_to_tensor(x, name="x")
        rank = convert_to_tensor(rank, name="rank")
        message = _message_prefix(message)
        what = "rank at least" if at_least else "rank"
        if data is None:
            data = [message, "Tensor %s must have %s" % (x.name, what), rank,
                    "Received shape: ", shape(x)]
        assert_type(rank, _dt.int32)
        rank_static = constant_value(rank)
        if rank_static is not None:
            if np.ndim(rank_static) != 0:
                raise ValueError("Rank must be a scalar.")
            actual = x.shape.ndims
            if actual is not None:
                ok = actual >= rank_static if at_least else actual == rank_static
                if not ok:
                    raise ValueError("%sTensor %s must have %s %d.  Received rank %d, shape %s"
                                     % (message, x.name, what, rank_static, actual,
                                        _shape_text(x.shape)))
                return no_op(name="static_checks_determined_all_ok")
        test = _m.greater_equal if at_least else _m.equal
        condition = test(rank_of(x), rank)
        if rank_static is None:
            check = assert_rank(rank, 0, data=["Rank must be a scalar. Received rank: ", rank])
            condition = with_dependencies([check], condition)
        return Assert(condition, data, summarize=summarize)


def _shape_text(shape):
    dims = shape._dims
    if dims is None:
        return "<unknown>"
    inner = ", ".join("?" if d is None else str(d) for d in dims)
    return "(%s,)" % inner if len(dims) == 1 else "(%s)" % inner


def assert_rank(x, rank, data=None, summarize=None, message=None, name=None):
    """`tf.debugging.assert_rank`: a NoOp when the static rank answers, else an Assert."""
    return _rank_assert("assert_rank", x, rank, data, summarize, message, name)


def assert_rank_at_least(x, rank, data=None, summarize=None, message=None, name=None):
    return _rank_assert("assert_rank_at_least", x, rank, data, summarize, message, name)


def assert_rank_in(x, ranks, data=None, summarize=None, message=None, name=None):
    """`tf.debugging.assert_rank_in`: a NoOp when the static rank answers, else an Assert that
    the rank of `x` is one of `ranks`."""
    from scopeflow.ops.shape_ops import rank as rank_of
    from scopeflow.ops.shape_ops import shape
    from scopeflow.sparse_tensor import SparseTensor
    with _scope(name, "assert_rank_in", (x,) + tuple(ranks) + tuple(data or [])):
        if not isinstance(x, SparseTensor):
            x = convert_to_tensor(x, name="x")
        ranks = tuple(convert_to_tensor(r, name="rank") for r in ranks)
        message = _message_prefix(message)
        x_name = "" if isinstance(x, SparseTensor) else x.name
        if data is None:
            data = ([message, "Tensor %s must have rank in" % x_name] + list(ranks)
                    + ["Received shape: ", shape(x)])
        for r in ranks:
            assert_type(r, _dt.int32)
        statics = tuple(constant_value(r) for r in ranks)
        if not any(r is None for r in statics):
            for r in statics:
                if np.ndim(r) != 0:
                    raise ValueError("Rank must be a scalar.")
            actual = x.shape.ndims
            if actual is not None:
                if actual not in statics:
                    raise ValueError("%sTensor %s must have rank in %s.  Received rank %d, "
                                     "shape %s" % (message, x_name,
                                                   tuple(int(r) for r in statics), actual,
                                                   _shape_text(x.shape)))
                return no_op(name="static_checks_determined_all_ok")
        x_rank = rank_of(x)
        if not ranks:
            condition = convert_to_tensor(False)
        else:
            condition = _m.equal(ranks[0], x_rank)
            for r in ranks[1:]:
                condition = _m.logical_or(condition, _m.equal(r, x_rank))
        for r, r_static in zip(ranks, statics):
            if r_static is None:
                check = assert_rank(r, 0, data=["Rank must be a scalar. Received rank: ", r])
                condition = with_dependencies([check], condition)
        return Assert(condition, data, summarize=summarize)

def assert_type(tensor, tf_type, message=None, name=None):
    """`tf.debugging.assert_type`: TypeError now if the dtype differs, else a NoOp."""
    tf_type = _dt.as_dtype(tf_type)
    with _scope(name, "assert_type", [tensor]):
        tensor = convert_to_tensor(tensor, name="tensor")
        if tensor.dtype != tf_type:
            raise TypeError("%s%s must be of type %r; got %r" % (
                _message_prefix(message), getattr(tensor, "name", "tensor"), tf_type,
                tensor.dtype))
        return no_op(name="statically_determined_correct_type")


def assert_integer(x, message=None, name=None):
    with _scope(name, "assert_integer", [x]):
        x = convert_to_tensor(x, name="x")
        if not x.dtype.is_integer:
            raise TypeError('%sExpected "x" to be integer type.  Found: %s of dtype %s'
                            % (_message_prefix(message), x.name, x.dtype))
        return no_op(name="statically_determined_was_integer")


def assert_scalar(tensor, name=None, message=None):
    """`tf.debugging.assert_scalar`: the tensor, or ValueError unless its rank is 0."""
    with _scope(name, "assert_scalar", [tensor]) as scope:
        tensor = convert_to_tensor(tensor, name=scope)
        if tensor.shape.ndims != 0:
            raise ValueError("%sExpected scalar shape for %s, saw shape: %s."
                             % (_message_prefix(message), tensor.name, _shape_text(tensor.shape)))
        return tensor


def is_numeric_tensor(tensor):
    return isinstance(tensor, Tensor) and tensor.dtype.base_dtype in (
        _dt.float16, _dt.bfloat16, _dt.float32, _dt.float64, _dt.int8, _dt.int16, _dt.int32,
        _dt.int64, _dt.uint8, _dt.uint16, _dt.uint32, _dt.uint64, _dt.complex64,
        _dt.complex128)


def assert_proper_iterable(values):
    unintentional = (Tensor, np.ndarray, bytes, str)
    if isinstance(values, unintentional):
        raise TypeError("Expected argument \"values\" to be a \"proper\" iterable.  Found: %s"
                        % type(values))
    if not hasattr(values, "__iter__"):
        raise TypeError("Expected argument \"values\" to be iterable.  Found: %s"
                        % type(values))


def assert_same_float_dtype(tensors=None, dtype=None):
    """The one floating dtype of `tensors` (and `dtype`), else ValueError (float32 if none)."""
    dtype = _dt.as_dtype(dtype).base_dtype if dtype is not None else None
    if tensors:
        dtype = _same_base_type(tensors, dtype)
    if not dtype:
        return _dt.float32
    if not dtype.is_floating:
        raise ValueError("Expected floating point type, got %s." % dtype)
    return dtype


def _same_base_type(items, expected):
    """`expected` (or the first item's dtype); TF's error naming the first mismatching item."""
    first = None
    for item in items:
        if item is None:
            continue
        item_type = item.dtype.base_dtype
        if not expected:
            expected, first = item_type, getattr(item, "name", str(item))
        elif expected != item_type:
            raise ValueError("%s, type=%s, must be of the same type (%s)%s." % (
                getattr(item, "name", str(item)), item_type, expected,
                " as %s" % first if first else ""))
    return expected
