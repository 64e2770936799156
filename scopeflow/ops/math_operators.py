"""Tensor operator overloads (`x + y` is op 'add', `1 - x` converts 1 as 'sub/x'), as TF.

Forward operators run the function inside the operator's name scope and let the op convert
`y` (named by its input, `add/y`); reversed ones convert the Python operand first, as 'x', with
the tensor's dtype.
"""

from scopeflow.core.tensor import Tensor
from scopeflow.ops.op_util import name_scope, tensor


def _table():
    from scopeflow.ops import linalg
    from scopeflow.ops import math as m

    def add(x, y, name):
        return m.BINARY["Add" if m._is_string(x) else "AddV2"](x, y, name=name)

    def binary(op_type):
        return lambda x, y, name: m.BINARY[op_type](x, y, name=name)

    return {
        "add": add, "sub": binary("Sub"), "mul": binary("Mul"),
        "truediv": lambda x, y, name: m._truediv(x, y, name),
        "floordiv": binary("FloorDiv"), "mod": binary("FloorMod"), "pow": binary("Pow"),
        "matmul": lambda x, y, name: linalg.matmul(x, y, name=name),
        "and": _bool_or_bits("LogicalAnd", "BitwiseAnd"),
        "or": _bool_or_bits("LogicalOr", "BitwiseOr"),
        "xor": _xor,
    }


def _bool_or_bits(logical, bitwise):
    def f(x, y, name):
        from scopeflow.ops import math as m
        op_type = logical if x.dtype.base_dtype.is_bool else bitwise
        return m.BINARY[op_type](x, y, name=name)

    return f


def _xor(x, y, name):
    from scopeflow.ops import math as m
    if x.dtype.base_dtype.is_bool:
        return m.logical_xor(x, y, name=name)
    return m.BINARY["BitwiseXor"](x, y, name=name)


def _forward(fn, op_name):
    def f(x, y):
        with name_scope(None, op_name, [x, y]) as scope:
            if getattr(y, "_ragged_dispatch", False) and hasattr(type(y), "__r%s__" % op_name):
                # (TF's binary_op_wrapper: the dense op refuses y; y's reverse op runs instead,
                # inside this scope)
                return getattr(type(y), "__r%s__" % op_name)(y, x)
            return fn(x, y, scope)

    return f


def _reverse(fn, op_name):
    def f(y, x):
        with name_scope(None, op_name, [x, y]) as scope:
            if not isinstance(x, Tensor):
                x = tensor(x, dtype=y.dtype.base_dtype, name="x")
            return fn(x, y, scope)

    return f


def _invert(x):
    from scopeflow.ops import math as m
    if x.dtype.base_dtype.is_bool:
        return m.logical_not(x, name="LogicalNot")
    return m.UNARY["Invert"](x, name="Invert")


def install():
    """Puts the arithmetic, comparison and logical operators on Tensor."""
    from scopeflow.ops import math as m
    for key, fn in _table().items():
        Tensor._overload_operator("__%s__" % key, _forward(fn, key))
        Tensor._overload_operator("__r%s__" % key, _reverse(fn, key))
    Tensor._overload_operator("__div__", Tensor.__truediv__)
    Tensor._overload_operator("__rdiv__", Tensor.__rtruediv__)
    for key, op_type in (("lt", "Less"), ("le", "LessEqual"), ("gt", "Greater"),
                         ("ge", "GreaterEqual")):
        Tensor._overload_operator("__%s__" % key, (lambda t: lambda x, y: m.BINARY[t](
            x, y, name=t))(op_type))
    Tensor._overload_operator("__neg__", lambda x: m.UNARY["Neg"](x, name="Neg"))
    Tensor._overload_operator("__abs__", lambda x: m.abs(x))
    Tensor._overload_operator("__invert__", _invert)
