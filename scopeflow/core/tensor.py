"""`Operation` and `Tensor`: the nodes and edges of a graph.

Operator overloads (`+`, `*`, `[]`, ...) are installed by the op families that define them
(ops/math.py, ops/array.py), so this file stays free of op knowledge.
"""

from scopeflow import dtypes
from scopeflow.core.shape import TensorShape, as_shape, dims_str
from scopeflow.core.stack import frames

_NOT_ALLOWED = ("{} is not allowed. You can attempt the following resolutions to the problem: "
                "If you are running in Graph mode, use Eager execution mode or decorate this "
                "function with @tf.function. If you are using AutoGraph, you can try decorating "
                "this function with @tf.function. If that does not work, then you may be using "
                "an unsupported feature or your source code may not be visible to AutoGraph. See "
                "https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph"
                "/g3doc/reference/limitations.md#access-to-source-code for more information.")


class OperatorNotAllowedInGraphError(TypeError):
    """Raised for Python control flow on a symbolic tensor (`bool(t)`, `for x in t`)."""


class Operation:
    """A node: op type, name, inputs, attrs and outputs.

    >>> import scopeflow as tf
    >>> tf.constant(1.0, name="c").op.type
    'Const'
    """

    __slots__ = ("_graph", "_name", "_type", "_inputs", "_control_inputs", "_outputs", "_attrs",
                 "_device", "_id", "_arg_counts", "_colocation", "_ctx", "_control_outputs",
                 "_tb", "_cf", "__weakref__")

    def __init__(self, graph, op_type, name, inputs, attrs, arg_counts, op_id):
        self._graph = graph
        self._type = op_type
        self._name = name
        self._inputs = inputs
        self._attrs = attrs
        self._arg_counts = arg_counts
        self._id = op_id  # creation order
        # edge lists start as a shared empty tuple (most ops never get one): see add_edge
        self._control_inputs = ()
        self._control_outputs = ()
        self._outputs = ()
        self._device = ""
        self._colocation = None
        self._ctx = None  # control-flow context (cond branch / while body) the op was built in
        self._tb = None  # where it was defined: core/stack.py's record, set by the graph
        self._cf = None  # (construct, output index) on a cond's Merge / a loop's Exit

    name = property(lambda self: self._name)
    type = property(lambda self: self._type)
    graph = property(lambda self: self._graph)
    device = property(lambda self: self._device)
    outputs = property(lambda self: list(self._outputs))
    control_inputs = property(lambda self: list(self._control_inputs))

    @property
    def inputs(self):
        return list(self._inputs)

    @property
    def _id_value(self):
        return self._id

    def values(self):
        return tuple(self._outputs)

    def get_attr(self, name):
        """Attr `name` as TF gives it, read from the NodeDef: bytes for strings, DTypes,
        TensorShapeProto for shapes, TensorProto for tensors, NameAttrList for functions."""
        if name in self._attrs and _is_function(self._attrs[name]):
            return _attr_out(self, self._attrs[name])
        from scopeflow.summary.graph_def import node_attr
        found, value = node_attr(self, name)
        if found:
            return value
        if name in self._attrs:  # a private attr TF's signature of the op lacks
            return self._attrs[name]
        raise ValueError("Operation '%s' has no attr named '%s'." % (self._name, name))

    def _get_attr(self, name):
        """Attr `name` in scopeflow's own Python form (str, ndarray, TensorShape): for callers
        inside scopeflow; `get_attr` gives TF's protobuf-derived types."""
        if name in self._attrs:
            return _attr_out(self, self._attrs[name])
        return self.get_attr(name)

    def _set_attr(self, name, value):
        self._attrs[name] = value

    @property
    def node_def(self):
        from scopeflow.summary.graph_def import node_def
        return node_def(self)

    @property
    def traceback(self):
        """The stack that defined the op, most recent call last (FrameSummary objects)."""
        return frames(self._tb)

    def colocation_groups(self):
        return [("loc:@" + o).encode() for o in (self._colocation or [self._name])]

    def _add_control_input(self, op):
        if op not in self._control_inputs:
            add_edge(self, op)
            self._graph._edits += 1

    def _update_input(self, index, tensor):
        """Rewires input `index` to `tensor` (TF-internal; a hand-built loop's back edge)."""
        if not isinstance(tensor, Tensor):
            raise TypeError("tensor must be a Tensor: %s" % tensor)
        if tensor.graph is not self._graph:
            raise ValueError("%s must be from the same graph as %s (graphs are %r and %r)."
                             % (tensor, self, tensor.graph, self._graph))
        self._graph._replace_input(self, index, tensor)
        self._graph._edits += 1

    def _add_control_inputs(self, ops):
        for op in ops:
            self._add_control_input(op)

    def _set_device(self, device):
        self._device = device.to_string() if hasattr(device, "to_string") else (device or "")

    def run(self, feed_dict=None, session=None):
        from scopeflow.session import _session_for
        _session_for(session, self._graph, "operation").run(self, feed_dict)

    def __repr__(self):
        return "<tf.Operation '%s' type=%s>" % (self._name, self._type)

    def __str__(self):
        return str(self.node_def)


class Tensor:
    """An output of an Operation: `op:index`, a dtype and a static shape.

    >>> import scopeflow as tf
    >>> (tf.constant([1.0, 2.0]) * 2.0).name
    'mul:0'
    """

    __slots__ = ("_op", "_value_index", "_dtype", "_shape", "_name",
                 "__weakref__", "aliases",  # aliases: set by slim's output collections
                 "_keras_mask")  # set by Keras layers whose output carries a mask

    def __init__(self, op, value_index, dtype, shape):
        self._op = op
        self._value_index = value_index
        self._dtype = dtype
        self._shape = shape
        self._name = None

    op = property(lambda self: self._op)
    dtype = property(lambda self: self._dtype)
    value_index = property(lambda self: self._value_index)
    graph = property(lambda self: self._op._graph)
    device = property(lambda self: self._op._device)
    shape = property(lambda self: self._shape)

    @property
    def name(self):
        if self._name is None:
            self._name = "%s:%d" % (self._op._name, self._value_index)
        return self._name

    def get_shape(self):
        return self._shape

    def set_shape(self, shape):
        shape = as_shape(shape)
        mine = self._shape
        if mine._dims is not None and shape._dims is not None:
            if len(mine._dims) != len(shape._dims):
                raise ValueError("Shapes must be equal rank, but are %d and %d"
                                 % (len(mine._dims), len(shape._dims)))
            for i, (a, b) in enumerate(zip(mine._dims, shape._dims)):
                if a is not None and b is not None and a != b:
                    raise ValueError("Dimension %d in both shapes must be equal, but are %d and "
                                     "%d. Shapes are %s and %s." % (i, a, b, dims_str(mine._dims),
                                                                    dims_str(shape._dims)))
        self._shape = mine.merge_with(shape)

    def consumers(self):
        return list(self._op._graph._consumers_of(self))

    def eval(self, feed_dict=None, session=None):
        from scopeflow.session import _session_for
        return _session_for(session, self.graph).run(self, feed_dict)

    def ref(self):
        return _Reference(self)

    experimental_ref = ref

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    def __bool__(self):
        raise OperatorNotAllowedInGraphError(_NOT_ALLOWED.format(
            "Using a symbolic `tf.Tensor` as a Python `bool`"))

    def __iter__(self):
        raise OperatorNotAllowedInGraphError(_NOT_ALLOWED.format(
            "Iterating over a symbolic `tf.Tensor`"))

    def __len__(self):
        raise TypeError("len is not well defined for a symbolic Tensor (%s). Please call "
                        "`x.shape` rather than `len(x)` for shape information." % self.name)

    def __array__(self, dtype=None):
        raise NotImplementedError(
            "Cannot convert a symbolic tf.Tensor (%s) to a numpy array. This error may "
            "indicate that you're trying to pass a Tensor to a NumPy call, which is not "
            "supported." % self.name)

    __array_priority__ = 100

    def __repr__(self):
        return "<tf.Tensor '%s' shape=%s dtype=%s>" % (self.name, self._shape, self._dtype.name)

    def __str__(self):
        shape = "" if self._shape._dims is None else ", shape=%s" % (self._shape,)
        device = ", device=%s" % self._op._device if self._op._device else ""
        return "Tensor(\"%s\"%s, dtype=%s%s)" % (self.name, shape, self._dtype.name, device)

    @classmethod
    def _overload_operator(cls, name, fn):
        setattr(cls, name, fn)


class SymbolicTensor(Tensor):
    """The class of every graph tensor, as in TF 2 (`tf.Tensor` is its base)."""

    __slots__ = ()


class _Reference:
    """Hashable wrapper with value identity (`Tensor.ref()`)."""

    __slots__ = ("_wrapped",)

    def __init__(self, wrapped):
        self._wrapped = wrapped

    def deref(self):
        return self._wrapped

    def __eq__(self, other):
        return isinstance(other, _Reference) and self._wrapped is other._wrapped

    def __hash__(self):
        return id(self._wrapped)


def add_edge(op, ctrl):
    """Makes `ctrl` a control input of `op` (and `op` a control output of `ctrl`)."""
    if op._control_inputs:
        op._control_inputs.append(ctrl)
    else:
        op._control_inputs = [ctrl]
    if ctrl._control_outputs:
        ctrl._control_outputs.append(op)
    else:
        ctrl._control_outputs = [op]


def is_tensor(x):
    return isinstance(x, Tensor) or hasattr(x, "_as_graph_tensor")


def is_symbolic_tensor(tensor):
    """`tf.is_symbolic_tensor`: whether `tensor` is a graph Tensor (a Variable is not)."""
    return isinstance(tensor, SymbolicTensor)


__all__ = ["Operation", "SymbolicTensor", "Tensor", "TensorShape", "dtypes", "is_symbolic_tensor",
           "is_tensor"]


def _is_function(value):
    from scopeflow.summary import function_def
    return function_def.is_function(value)


def _attr_out(op, value):
    """An attr as TF's get_attr gives it: a traced function is its NameAttrList."""
    from scopeflow.summary import function_def
    if not function_def.is_function(value):
        return value
    from tensorboard.compat.proto import attr_value_pb2
    return attr_value_pb2.NameAttrList(name=function_def.function_name(value, op._type))
