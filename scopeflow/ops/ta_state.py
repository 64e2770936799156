"""A TensorArray's contents inside a run: the value its flow tensor carries.

TF's TensorArray is a resource that ops mutate, ordered by a scalar `flow` tensor. Lowered,
the resource handle is static metadata (`TAMeta`) and the flow tensor's value is a `TAState`:
the elements stacked in one array `(size, *element_shape)` and a mask of written indices.
A TAState is a JAX pytree, so it travels through lax.cond, lax.while_loop and lax.scan like
any loop value and gradients flow through its data. Its array is made on the first write when
the element shape is known only then.

>>> import numpy as np
>>> meta = TAMeta("TensorArray", np.float32, 2, False, (3,))
>>> s = TAState.empty(meta)
>>> s.data.shape, s.written.tolist()
((2, 3), [False, False])
"""

import dataclasses
import threading

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.ops.optional_ops import OptState


@dataclasses.dataclass(frozen=True)
class TAMeta:
    """The handle: what TensorArrayV3 fixed (static for the whole run)."""

    name: str  # the TensorArrayV3 op's name (TF's errors name the array)
    dtype: object  # numpy dtype
    size: int
    dynamic_size: bool
    element_shape: object  # tuple with None for unknown dims, or None (unknown rank)
    ragged: bool = False  # infer_shape=False: elements may differ in shape (then `data` is a
    # tuple of the elements, indices known when compiled)
    # (Serials, offset): the array's place among the arrays its run makes (TF's errors name an
    # array `<op name>_<arrays made in the process before it>`); not part of the signature
    serial: object = dataclasses.field(default=None, compare=False, hash=False)
    # a stack whose pushes all pushed one value known when traced (a shape), as it crosses
    # from one step of a run to the next: (dtype, shape, values), part of the signature
    static: object = None

    def label(self):
        """The array's name in TF's errors: 'TensorArray_1_3' (op TensorArray_1, the fourth
        array the process made)."""
        if self.serial is None:
            return self.name
        serials, offset = self.serial
        name, at, source = self.name.partition("@")  # a gradient array: forward's + @source
        return "%s_%d%s%s" % (name, serials.number(offset), at, source)

    def known_shape(self):
        s = self.element_shape
        return s if s is not None and None not in s else None


class Serials:
    """The TensorArrays a compiled run makes (`count`, in trace order) and where this run's
    numbers start (`base`, taken from the process's count when it runs: `start`)."""

    _lock = threading.Lock()
    _made = 0  # TensorArrays made in this process (TF's TensorArray::tensor_array_counter)

    def __init__(self):
        self.count, self.base = 0, None

    def add(self):
        self.count += 1
        return self.count - 1

    def start(self):
        """A run of the program begins: its arrays take the next `count` numbers."""
        with Serials._lock:
            self.base = Serials._made
            Serials._made += self.count

    def number(self, offset):
        return (Serials._made if self.base is None else self.base) + offset


@jax.tree_util.register_pytree_node_class
class TAState:
    """Elements `data` (size, *element) and `written` (size,) bool; both None until known."""

    __slots__ = ("data", "meta", "written")
    _written_dtype = np.bool_  # (a stack's state counts its elements instead: stack_ops.py)

    def __init__(self, data, written, meta):
        self.data, self.written, self.meta = data, written, meta

    @classmethod
    def empty(cls, meta, element_shape=None, size=None):
        shape = element_shape if element_shape is not None else meta.known_shape()
        if shape is None:
            return cls(None, None, meta)
        n = meta.size if size is None else size
        # NumPy: made at trace time (no XLA compile); a loop carries it as a JAX value
        return cls(np.zeros((n,) + tuple(shape), meta.dtype), np.zeros((n,), bool), meta)

    def _like(self, data, written):
        """A state of this kind (a TensorArray's or a stack's) with other arrays."""
        return TAState(data, written, self.meta)

    def _empty_like(self, meta, element_shape, size):
        return TAState.empty(meta, element_shape, size)

    @property
    def size(self):
        if self.data is None:
            return self.meta.size
        return len(self.data) if type(self.data) is tuple else int(np.shape(self.data)[0])

    def tree_flatten(self):
        return (self.data, self.written), self.meta

    @classmethod
    def tree_unflatten(cls, meta, children):
        return cls(children[0], children[1], meta)

    def __repr__(self):
        return "<TAState %s %s>" % (self.meta.name, None if self.data is None
                                    else tuple(np.shape(self.data)))

    def signature(self):
        """What a compiled step fed these elements depends on (lowering/cache.py)."""
        if self.data is None:
            return ("TensorArray", self.meta, None)
        if _static_written(self):
            return ("TensorArray", self.meta, jax.tree_util.tree_map(np.shape, self.data),
                    tuple(self.written.tolist()), np.dtype(self.meta.dtype))
        if type(self.data) is tuple:
            return ("TensorArray", self.meta, tuple(np.shape(d) for d in self.data),
                    np.dtype(self.meta.dtype))
        return ("TensorArray", self.meta, np.shape(self.data), np.dtype(self.data.dtype))

    def aval(self):
        """The elements as abstract values (a compiled step traced for them)."""
        if self.data is None:
            return self
        if _static_written(self):  # (its written mask stays known: FedRagged)
            return FedRagged(jax.tree_util.tree_map(
                lambda d: jax.ShapeDtypeStruct(np.shape(d), np.dtype(self.meta.dtype)),
                self.data), self.written, self.meta)
        if type(self.data) is tuple:
            return TAState(tuple(jax.ShapeDtypeStruct(np.shape(d), d.dtype) for d in self.data),
                           jax.ShapeDtypeStruct(np.shape(self.written), np.dtype(bool)),
                           self.meta)
        return TAState(jax.ShapeDtypeStruct(np.shape(self.data), self.data.dtype),
                       jax.ShapeDtypeStruct(np.shape(self.written), np.dtype(bool)), self.meta)

    def carried(self):
        """`(fn, args)`: the elements as a step of a run in steps hands them to the next
        (lowering/host.py: `fn(*args)` after the run makes the TAState again)."""
        meta = self.meta
        if self.data is None:
            return (lambda: TAState(None, None, meta)), ()
        if type(self.data) is tuple:  # elements of different shapes: one argument each
            return (lambda written, *data: TAState(data, written, meta)), \
                (self.written,) + self.data
        return (lambda data, written: TAState(data, written, meta)), (self.data, self.written)


def _static_written(state):
    """Whether `state`, fed to a compiled step, keeps its written mask known: an
    infer_shape=False array, whose elements of other shapes are at indices known when traced
    (a loop run on the host adds its gradient flows per element: add_flows)."""
    return state.meta.ragged and state.data is not None and (
        type(state.written) is np.ndarray or isinstance(state.written, jax.Array)
        and not isinstance(state.written, jax.core.Tracer))  # (a step's output: concrete)


@jax.tree_util.register_pytree_node_class
class FedRagged(TAState):
    """A TAState of an infer_shape=False array fed to a compiled step: its elements are
    arguments, its written mask (NumPy) part of the compiled signature."""

    __slots__ = ()

    def tree_flatten(self):
        return (self.data,), (self.meta, tuple(self.written.tolist()))

    @classmethod
    def tree_unflatten(cls, aux, children):
        return cls(children[0], np.asarray(aux[1], bool), aux[0])


def feed_leaves(state):
    """The arrays a compiled step takes for TAState `state` (see FedRagged)."""
    if _static_written(state):
        return jax.tree_util.tree_leaves(state.data)
    return jax.tree_util.tree_leaves(state)


def strong(x, dtype=None):
    """`x` as a strongly typed JAX value (`dtype` unless a TAState keeps its own)."""
    if isinstance(x, OptState):
        return x
    if isinstance(x, TAState):
        if x.data is None:
            return x
        if type(x.data) is tuple:
            return TAState(tuple(jnp.asarray(d, x.meta.dtype) for d in x.data),
                           jnp.asarray(x.written, bool), x.meta)
        return x._like(jnp.asarray(x.data, x.meta.dtype), jnp.asarray(x.written, x._written_dtype))
    return jax.lax.convert_element_type(jnp.asarray(x), dtype)


def align(a, b):
    """`a`, allocated like `b` when a TensorArray has elements in `b` and none yet in `a`
    (the first write happened inside a loop body or one cond branch; `a` a plain number: the
    zero flow a gradient loop's accumulator starts from)."""
    if isinstance(b, TAState) and b.data is not None and (
            (isinstance(a, TAState) and a.data is None) or not isinstance(a, TAState)):
        return b._empty_like(getattr(a, "meta", b.meta), np.shape(b.data)[1:],
                             np.shape(b.data)[0])
    return a


def add_flows(a, b):
    """The sum of two flows, as TF's gradient of a loop-constant TensorArray flow adds them
    (`b_acc`): the elements written in either (a number is a flow with none)."""
    if not isinstance(a, TAState):
        return b
    if not isinstance(b, TAState) or b.data is None:
        return a
    if a.data is None:
        return b
    if (type(a.data) is tuple or type(b.data) is tuple or np.shape(a.data) != np.shape(b.data)
            ) and not (_traced(a.written) and _traced(b.written)):
        return _add_ragged(a, b)
    return TAState(jnp.asarray(a.data) + jnp.asarray(b.data),
                   jnp.logical_or(a.written, b.written), b.meta)


def _traced(x):
    return isinstance(x, jax.core.Tracer)


def _add_ragged(a, b):
    """The sum of two flows of an infer_shape=False array (elements of other shapes): each
    element from the flow that wrote it, or the sum. One mask at least is known when traced
    (a loop run on the host: the accumulated flow's, fed; the other may be one iteration's
    write at a traced index, all its elements of one shape, the unwritten ones zeros)."""
    out = []
    for i in range(len(a.data)):
        x, y = a.data[i], b.data[i]
        wa, wb = a.written[i], b.written[i]
        if np.shape(x) == np.shape(y):
            if _traced(wa) or _traced(wb) or (wa and wb):  # (unwritten elements: zeros)
                out.append(jnp.asarray(x) + jnp.asarray(y))
            else:
                out.append(y if wb else x)
        elif _traced(wa):  # elements of two shapes: not both written (TF adds same shapes)
            out.append(y if wb else x)
        else:
            out.append(x if wa else y)
    written = (jnp.logical_or(a.written, b.written)
               if _traced(a.written) or _traced(b.written)
               else np.logical_or(np.asarray(a.written), np.asarray(b.written)))
    return TAState(tuple(out), written, b.meta)


def shape_of(x):
    """A comparable shape signature (TAState: its arrays' shapes)."""
    if isinstance(x, TAState):
        if type(x.data) is tuple:
            return ("TensorArray", tuple(np.shape(d) for d in x.data))
        return ("TensorArray", None if x.data is None else np.shape(x.data))
    return np.shape(x)


def dtype_of(x):
    if isinstance(x, (TAState, OptState)):
        return None
    return jnp.result_type(x)
