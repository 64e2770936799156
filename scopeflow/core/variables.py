"""`tf.Variable` (TF1's RefVariable): op `v` (VariableV2), initializer `v/Assign`, value `v/read`.

A Variable converts to its snapshot `v/read:0` (or to the ref `v:0` where an op takes a
reference) and forwards every Tensor operator to that snapshot.
"""

import enum
import os
import sys
from typing import NamedTuple

from scopeflow.core.frame import default_graph
from scopeflow.core.partitioners import SaveSliceInfo
from scopeflow.core.shape import as_shape, unknown_shape
from scopeflow.core.stack import is_script_module
from scopeflow.core.tensor import Tensor, _Reference


class VariableSynchronization(enum.Enum):
    """When a distributed variable is synchronized (accepted; one device here)."""

    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


class VariableAggregation(enum.Enum):
    """How a distributed variable's updates are aggregated (accepted; one device here)."""

    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3
    ONLY_FIRST_TOWER = 3

    def __hash__(self):
        return hash(self.value)


def validate_synchronization_aggregation_trainable(synchronization, aggregation, trainable,
                                                   name):
    """TF's defaults: AUTO / NONE, and `trainable` True unless synchronization is ON_READ."""
    if synchronization is VariableSynchronization.AUTO and \
            aggregation is VariableAggregation.NONE:
        return synchronization, aggregation, True if trainable is None else trainable
    if aggregation is None:
        aggregation = VariableAggregation.NONE
    elif not isinstance(aggregation, VariableAggregation):
        try:
            aggregation = VariableAggregation(aggregation)
        except ValueError:
            raise ValueError("Invalid variable aggregation mode: {} for variable: {}".format(
                aggregation, name)) from None
    if synchronization is None:
        synchronization = VariableSynchronization.AUTO
    else:
        try:
            synchronization = VariableSynchronization(synchronization)
        except ValueError:
            raise ValueError("Invalid variable synchronization mode: {} for variable: {}".format(
                synchronization, name)) from None
    if trainable is None:
        trainable = synchronization != VariableSynchronization.ON_READ
    return synchronization, aggregation, trainable


# ---- creation frames: where a variable was made, for "Originally defined at:" -------------
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


_own_file = {}  # co_filename -> True when it belongs to scopeflow


def user_frames(limit=5):
    """(filename, lineno, function) of the innermost `limit` frames outside scopeflow."""
    out = []
    f = sys._getframe(1)
    own = _own_file
    while f is not None and len(out) < limit:
        code = f.f_code
        name = code.co_filename
        mine = own.get(name)
        if mine is None:
            mine = own[name] = name.startswith(_PACKAGE_DIR)
        if not mine:
            out.append((name, f.f_lineno, code.co_name))
            if is_script_module(code):  # (nothing of the user's above it: runpy, the CLI)
                break
        f = f.f_back
    return out


class InitScope:
    """TF's `init_scope` in graph mode: no control dependencies, no control-flow context."""

    __slots__ = ("_frame", "_old")

    def __init__(self, graph):
        self._frame = graph._frame()

    def __enter__(self):
        f = self._frame
        ctx = f.in_cf
        while ctx is not None:  # TF made the captures of the ops built so far
            ctx.flush()
            ctx = ctx.outer
        self._old = f.controllers, f.in_cf
        f.controllers, f.in_cf = [], None

    def __exit__(self, *exc):
        self._frame.controllers, self._frame.in_cf = self._old
        return False


def init_scope():
    """`tf.init_scope`: lifts variable creation out of control dependencies and control flow."""
    return InitScope(default_graph())


class VariableArgs(NamedTuple):
    """What a new variable is made from (the arguments of `tf.Variable`)."""

    initial_value: object = None
    trainable: object = None
    collections: object = None
    validate_shape: bool = True
    caching_device: object = None
    name: object = None
    dtype: object = None
    constraint: object = None
    synchronization: object = VariableSynchronization.AUTO
    aggregation: object = VariableAggregation.NONE
    shape: object = None


# Tensor operators a Variable forwards to its snapshot (TF's OVERLOADABLE_OPERATORS, less ==/!=).
OPERATORS = ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__div__",
             "__rdiv__", "__truediv__", "__rtruediv__", "__floordiv__", "__rfloordiv__",
             "__mod__", "__rmod__", "__lt__", "__le__", "__gt__", "__ge__", "__and__",
             "__rand__", "__or__", "__ror__", "__xor__", "__rxor__", "__getitem__", "__pow__",
             "__rpow__", "__invert__", "__neg__", "__abs__", "__matmul__", "__rmatmul__")


class VariableMetaclass(type):
    """`tf.Variable(...)` as TF's metaclass makes it: positional arguments in TF's call order
    (initial_value, trainable, validate_shape, caching_device, name, ...), and the creators of
    `variable_creator_scope` (innermost first), each given the next one and every argument."""

    def __call__(cls, *args, **kwargs):
        if cls is not VariableV1:
            return super().__call__(*args, **kwargs)
        creators = default_graph()._frame().creators
        if creators:
            return _through_creators(creators, _call_kwargs(*args, **kwargs))
        if args:
            kwargs = _call_kwargs(*args, **kwargs)
        return super().__call__(**kwargs)


def _call_kwargs(initial_value=None, trainable=None, validate_shape=True, caching_device=None,
                 name=None, variable_def=None, dtype=None, import_scope=None, constraint=None,
                 synchronization=VariableSynchronization.AUTO,
                 aggregation=VariableAggregation.NONE, shape=None,
                 experimental_enable_variable_lifting=None, expected_shape=None,
                 collections=None, use_resource=None):
    """tf.Variable's arguments by name, in TF's call order (what a variable creator gets)."""
    return dict(locals())


def _through_creators(creators, kwargs):
    def default(**kw):
        return type.__call__(VariableV1, **kw)

    chain = default
    for creator in creators:  # outermost first: the innermost ends up called first
        chain = _next_creator(creator, chain)
    return chain(**kwargs)


def _next_creator(creator, next_creator):
    return lambda **kw: creator(next_creator, **kw)


class variable_creator_scope:  # noqa: N801 - TF's name
    """`tf.variable_creator_scope(creator)`: `creator(next_creator, **kwargs)` makes every
    variable created inside (tf.Variable and get_variable), usually by calling `next_creator`.

    >>> import scopeflow as tf
    >>> def renamed(next_creator, **kwargs):
    ...     kwargs["name"] = "my_" + kwargs["name"]
    ...     return next_creator(**kwargs)
    >>> with tf.Graph().as_default(), tf.variable_creator_scope(renamed):
    ...     tf.Variable(1.0, name="v").name
    'my_v:0'
    """

    def __init__(self, variable_creator):
        self._creator = variable_creator

    def __enter__(self):
        self._frame = default_graph()._frame()
        self._old = self._frame.creators
        self._frame.creators = self._old + (self._creator,)

    def __exit__(self, *exc):
        self._frame.creators = self._old
        return False


class VariableV1(metaclass=VariableMetaclass):
    """`tf.Variable` in TF1: constructing one makes a RefVariable (a reference variable).

    >>> import scopeflow as tf
    >>> v = tf.Variable([1.0, 2.0], name="v")
    >>> v.name, v.initializer.name, v.value().name
    ('v:0', 'v/Assign', 'v/read:0')
    """

    __array_priority__ = 100
    _in_graph_mode = True
    SaveSliceInfo = SaveSliceInfo

    def __new__(cls, *args, **kwargs):
        if cls is not VariableV1:
            return object.__new__(cls)
        if kwargs.get("variable_def") is not None:  # a VariableDef says which kind it is
            resource = kwargs["variable_def"].is_resource
        else:
            resource = _use_resource(kwargs.get("use_resource"))
        if resource:
            from scopeflow.core.resource_variable import ResourceVariable
            return object.__new__(ResourceVariable)
        return object.__new__(RefVariable)

    def __init__(self, initial_value=None, trainable=None, collections=None, validate_shape=True,
                 caching_device=None, name=None, variable_def=None, dtype=None,
                 expected_shape=None, import_scope=None, constraint=None, use_resource=None,
                 synchronization=VariableSynchronization.AUTO,
                 aggregation=VariableAggregation.NONE, shape=None,
                 experimental_enable_variable_lifting=None):
        self._save_slice_info = None
        if variable_def is not None:
            if initial_value is not None:
                raise ValueError("variable_def and initial_value are mutually exclusive.")
            _var_ops.init_from_proto(self, variable_def, import_scope)
            return
        _var_ops.init_from_args(self, VariableArgs(
            initial_value, trainable, collections, validate_shape, caching_device, name, dtype,
            constraint, synchronization, aggregation, shape))

    # ---- identity and conversion --------------------------------------------------------
    def __repr__(self):
        return "<tf.Variable '%s' shape=%s dtype=%s>" % (self.name, self.get_shape(),
                                                         self.dtype.name)

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    def __iter__(self):
        return iter(self.read_value())

    def _as_graph_element(self):
        return self._variable

    def _as_graph_tensor(self):
        return self._snapshot

    def _ref(self):
        return self._variable

    def ref(self):
        return _Reference(self)

    experimental_ref = ref

    def value(self):
        return self._snapshot

    def read_value(self):
        """A fresh `read` Identity of the variable (in the current name scope)."""
        from scopeflow.ops.array import identity
        return identity(self._variable, name="read")

    def initialized_value(self):
        """The value, or the initial value while uninitialized (TF's guarded `cond`)."""
        from scopeflow.core.var_ops import initialized_value
        return initialized_value(self)

    # ---- properties ---------------------------------------------------------------------
    name = property(lambda self: self._name)
    initializer = property(lambda self: self._initializer_op)
    device = property(lambda self: self._variable.device)
    dtype = property(lambda self: self._variable.dtype)
    op = property(lambda self: self._variable.op)
    graph = property(lambda self: self._variable.graph)
    shape = property(lambda self: self._variable.get_shape())
    trainable = property(lambda self: self._trainable)
    synchronization = property(lambda self: self._synchronization)
    aggregation = property(lambda self: self._aggregation)
    initial_value = property(lambda self: self._initial_value)
    constraint = property(lambda self: self._constraint)
    _shared_name = property(lambda self: self.name[:self.name.index(":")])

    def get_shape(self):
        return self.shape

    def set_shape(self, shape):
        self._ref().set_shape(shape)
        self.value().set_shape(shape)

    def eval(self, session=None):
        return self._variable.eval(session=session)

    def load(self, value, session=None):
        """Writes `value` through the initializer in `session` (or the default one)."""
        if session is None:
            from scopeflow import session as _session
            session = _session.get_default_session()
        if session is None:
            raise ValueError("Either session argument should be provided or default session "
                             "should be established")
        session.run(self.initializer, {self.initializer.inputs[1]: value})

    # ---- updates --------------------------------------------------------------------------
    def assign(self, value, use_locking=False, name=None, read_value=True):
        from scopeflow.ops import state
        t = state.assign(self._variable, value, use_locking=use_locking, name=name)
        return t if read_value else t.op

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        from scopeflow.ops import state
        t = state.assign_add(self._variable, delta, use_locking=use_locking, name=name)
        return t if read_value else t.op

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        from scopeflow.ops import state
        t = state.assign_sub(self._variable, delta, use_locking=use_locking, name=name)
        return t if read_value else t.op

    def _scatter(self, kind, sparse_delta, use_locking, name):
        from scopeflow.ops import state
        if not (hasattr(sparse_delta, "indices") and hasattr(sparse_delta, "values")):
            raise TypeError("sparse_delta is not IndexedSlices: %s" % (sparse_delta,))
        fn = getattr(state, "scatter_" + kind)
        return fn(self._variable, sparse_delta.indices, sparse_delta.values,
                  use_locking=use_locking, name=name)

    def scatter_update(self, sparse_delta, use_locking=False, name=None):
        return self._scatter("update", sparse_delta, use_locking, name)

    def scatter_add(self, sparse_delta, use_locking=False, name=None):
        return self._scatter("add", sparse_delta, use_locking, name)

    def scatter_sub(self, sparse_delta, use_locking=False, name=None):
        return self._scatter("sub", sparse_delta, use_locking, name)

    def scatter_mul(self, sparse_delta, use_locking=False, name=None):
        return self._scatter("mul", sparse_delta, use_locking, name)

    def scatter_div(self, sparse_delta, use_locking=False, name=None):
        return self._scatter("div", sparse_delta, use_locking, name)

    def scatter_max(self, sparse_delta, use_locking=False, name=None):
        return self._scatter("max", sparse_delta, use_locking, name)

    def scatter_min(self, sparse_delta, use_locking=False, name=None):
        return self._scatter("min", sparse_delta, use_locking, name)

    def count_up_to(self, limit):
        from scopeflow.ops import state
        return state.count_up_to(self._variable, limit=limit)

    def __iadd__(self, other):
        return self + other

    def __isub__(self, other):
        return self - other

    def __imul__(self, other):
        return self * other

    def __itruediv__(self, other):
        return self / other

    __idiv__ = __itruediv__

    def __ipow__(self, other):
        return self ** other

    # ---- partitions and protos ------------------------------------------------------------
    def _set_save_slice_info(self, save_slice_info):
        self._save_slice_info = save_slice_info

    def _get_save_slice_info(self):
        return self._save_slice_info

    def to_proto(self, export_scope=None):
        from scopeflow.core.var_ops import to_proto
        return to_proto(self, export_scope)

    @staticmethod
    def from_proto(variable_def, import_scope=None):
        return Variable(variable_def=variable_def, import_scope=import_scope)

    @staticmethod
    def _TensorConversionFunction(v, dtype=None, name=None, as_ref=False):  # noqa: N802
        if dtype is not None and not dtype.is_compatible_with(v.dtype):
            raise ValueError("Incompatible type conversion requested to type '%s' for variable "
                             "of type '%s'" % (dtype.name, v.dtype.name))
        return v._ref() if as_ref else v.value()


def _forward(name):
    def method(self, *args):
        return getattr(Tensor, name)(self.value(), *args)

    method.__name__ = name
    return method


for _name in OPERATORS:
    setattr(VariableV1, _name, _forward(_name))


# `tf.enable_resource_variables()` / `disable_resource_variables()`: what tf.Variable and
# get_variable make when neither `use_resource` nor the variable scope says
_DEFAULT_USE_RESOURCE = [False]


def enable_resource_variables():
    """`tf.enable_resource_variables`: new variables are ResourceVariables by default."""
    _DEFAULT_USE_RESOURCE[0] = True


def disable_resource_variables():
    """`tf.disable_resource_variables`: new variables are RefVariables by default."""
    _DEFAULT_USE_RESOURCE[0] = False


def resource_variables_enabled():
    """Whether new variables are ResourceVariables by default."""
    return _DEFAULT_USE_RESOURCE[0]


def _use_resource(use_resource):
    """TF's default_variable_creator: the argument, else the variable scope's, else the
    global default."""
    if use_resource is None:
        from scopeflow.core.scopes import get_variable_scope
        use_resource = get_variable_scope().use_resource
    if use_resource is None:
        use_resource = _DEFAULT_USE_RESOURCE[0]
    return bool(use_resource)


class RefVariable(VariableV1):
    """The variable class `tf.Variable(...)` instantiates (TF's name for it)."""


Variable = VariableV1


def _register_conversion():
    from scopeflow.ops.constant import register_tensor_conversion_function
    register_tensor_conversion_function(Variable, Variable._TensorConversionFunction)
    from scopeflow.ops.registry import FAST_CONVERSIONS
    for cls in (VariableV1, RefVariable):
        FAST_CONVERSIONS[cls] = cls.value


_register_conversion()


def variable_shape(args, initial_value):
    """The VariableV2 shape: `shape=`, else the initial value's (unknown without validation)."""
    if args.shape is not None:
        return as_shape(args.shape)
    return initial_value.shape if args.validate_shape else unknown_shape()


from scopeflow.core import var_ops as _var_ops  # noqa: E402 - it imports this module
from scopeflow.core import resource_variable as _resource_variable  # noqa: E402, F401 - registers VarHandleOp & co.
