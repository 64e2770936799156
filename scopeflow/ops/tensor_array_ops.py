"""TF's TensorArray ops (TensorArrayV3, TensorArrayWriteV3, ...), lowered onto a TAState.

Each op takes the handle (static `TAMeta` when run) and the flow (a `TAState`, ta_state.py)
and gives a new flow: a pure function of arrays, so TensorArrays ride through lax.cond,
lax.while_loop and lax.scan and gradients flow through them. The size is static (a traced
size compiles its value in, as other shapes do). TF's run-time errors (writing an index twice,
out of range) are compiled-in checks.

>>> import scopeflow as tf
>>> ta = tf.TensorArray(tf.float32, size=2).write(0, 1.0).write(1, 2.0)
>>> ta.flow.op.type, ta.stack().op.type
('TensorArrayWriteV3', 'TensorArrayGatherV3')
"""

import weakref

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import TensorShape
from scopeflow.errors import InvalidArgumentError, UnimplementedError
from scopeflow.lowering import context as _context
from scopeflow.lowering.context import Check, run_error
from scopeflow.ops.registry import ANY, op, spec
from scopeflow.ops.ta_masks import maker as _maker
from scopeflow.ops.ta_state import Serials, TAMeta, TAState

# TensorArrayV3 op -> [TensorShape]: the element shape the Python TensorArray objects of that
# handle learned from their writes (TF's shared `_element_shape`); the kernel reads it
ELEMENT_SHAPES = weakref.WeakKeyDictionary()

_FLOW = _dt.float32


def _handle_shape(size, **attrs):
    return [spec((2,), _dt.resource), spec((), _FLOW)]


@op("TensorArrayV3", infer=_handle_shape, types={"size": _dt.int32}, context=True, multi=True,
    name="TensorArray")
def _tensor_array(ctx, size, *, dtype, element_shape=None, dynamic_size=False,
                  clear_after_read=True, identical_element_shapes=False, tensor_array_name=""):
    n = int(np.asarray(size))  # traced: the run compiles the size in (a shape)
    if n < 0:
        raise run_error(InvalidArgumentError, ctx.op, "Size should be >= 0.")
    known = ELEMENT_SHAPES.get(ctx.op)
    shape = known[0] if known else element_shape
    dims = None if shape is None or shape._dims is None else tuple(shape._dims)
    serials = getattr(ctx, "ta_serials", None)
    if serials is None:
        serials = ctx.ta_serials = Serials()
    meta = TAMeta(ctx.op._name, dtype.as_numpy_dtype, n, bool(dynamic_size), dims,
                  not identical_element_shapes, serial=(serials, serials.add()))
    if clear_after_read and not _context._CHECKS_OFF:
        # indices read once: a run-time check (run state: loops carry it; a dynamic_size
        # array's mask grows with it when read)
        ctx.put_state(ctx.op, _cleared(np.zeros((n,), bool), meta))
    return [meta, TAState.empty(meta)]


def _clear(ctx, flow, index):
    """TF's clear_after_read: reading an index a second time is an error (TF frees a read
    element); the indices read are marked in the array's run state."""
    if ctx.replay:  # tf.gradients' kernel re-running the forward ops: not a second read
        return
    maker = _maker(ctx.op._inputs[0])
    state = None if maker is None else ctx.state(maker)
    if not isinstance(state, TAState) or np.ndim(state.data) != 1:
        return
    cleared = state.data
    if cleared.shape[0] != flow.size or not flow.size:  # (an empty array: no element to
        return  # read twice; reading one fails its range check)
    xp = np if _concrete(cleared, index) and not ctx.loop_lengths else jnp
    index = xp.clip(xp.asarray(index, np.int32).reshape(-1), 0, flow.size - 1)
    # read before, or earlier in this gather: TF reads the elements one by one
    earlier = xp.tril(xp.equal(index[:, None], index[None, :]), -1)
    again = xp.asarray(cleared).astype(bool)[index] | xp.any(earlier, axis=1)
    ok = xp.logical_not(xp.any(again))
    message = (lambda i: "TensorArray %s: Could not read index %d twice because it was cleared "
               "after a previous read (perhaps try setting clear_after_read = false?)." % (
                   flow.meta.label(), int(np.asarray(i).reshape(-1)[0])))
    data = [_first_bad(xp, index, again)]
    if ctx.loop_lengths:  # a loop body: its every trace makes the check (even a first one on
        ctx.checks.append(Check(ok, InvalidArgumentError, ctx.op, message, data))  # known
    else:  # values), so the loop carries its flag
        ctx.check(ok, InvalidArgumentError, message, data=data)
    if xp is np:
        cleared = np.array(cleared)
        cleared[index] = True
    else:
        cleared = jnp.asarray(cleared).at[index].set(True)
    ctx.put_state(maker, _cleared(cleared, state.meta))


def _grow_cleared(ctx, size):
    """A dynamic_size array grown to `size` elements: its read mask grows with it (where the
    write is, so a loop reading it later carries the mask at its full size)."""
    maker = _maker(ctx.op._inputs[0])
    state = None if maker is None else ctx.state(maker)
    if not isinstance(state, TAState) or np.ndim(state.data) != 1 \
            or state.data.shape[0] >= size:
        return
    grow = np.zeros((size - state.data.shape[0],), bool)
    mask = (np if _concrete(state.data) else jnp).concatenate([state.data, grow])
    ctx.put_state(maker, _cleared(mask, state.meta))


def _cleared(mask, meta):
    """The read mask as run state: held in a TAState (a pytree loops and conds carry as they
    carry a stack's contents, not a variable's value)."""
    return TAState(mask, mask, meta)


def _grad_shape(handle, flow_in, *, source):
    return [spec((2,), _dt.resource), spec((), _FLOW)]


@op("TensorArrayGradV3", infer=_grad_shape, types={"handle": ANY, "flow_in": _FLOW},
    context=True, fold=False, multi=True)
def _tensor_array_grad(ctx, handle, flow_in, *, source):
    # one gradient array per (array, source), as TF's (named so too): a TensorArrayGradV3
    # inside a gradient loop finds the one made before the loop in its flow
    if not isinstance(flow_in, TAState):  # a flow popped from a stack (a nested loop's)
        flow_in = TAState(None, None, handle)
    data = flow_in.data
    if data is None:
        shape = handle.element_shape
    elif isinstance(data, (tuple, list)):  # elements of different shapes (infer_shape=False)
        shape = None
    else:
        shape = np.shape(data)[1:]
    meta = TAMeta("%s@%s" % (handle.name, source), handle.dtype, flow_in.size, handle.dynamic_size,
                  shape, handle.ragged, serial=handle.serial)
    return [meta, TAState.empty(meta)]


def _own(handle, flow):
    """The contents of `handle`'s array. TF gives a gradient TensorArray the forward array's
    flow (TensorArrayGrad's `gradient_flow`: a flow only orders ops in TF); here that flow
    carries the forward array's elements, so the gradient array starts empty instead. (A
    flow popped from a stack, in a nested gradient loop, is only a number: empty too.)"""
    if isinstance(handle, TAMeta) and (not isinstance(flow, TAState)
                                       or flow.meta.name != handle.name):
        return TAState.empty(handle)
    return flow


def _flow_shape(*args, **attrs):
    return spec((), _FLOW)


def _ensure(ctx, flow, element_shape):
    """`flow` with elements allocated (the first write fixes the element shape)."""
    if flow.data is not None:
        return flow
    return TAState.empty(flow.meta, tuple(element_shape))


def _other_shape(flow, element_shape):
    """Whether elements of `element_shape` differ from those `flow` holds (infer_shape)."""
    return (flow.data is not None and not flow.meta.ragged
            and tuple(np.shape(flow.data)[1:]) != tuple(element_shape))


def _shape_mismatch(ctx, flow, index, element_shape, have=None):
    """TF's error for a write of elements of another shape, at the first index written."""
    have = tuple(np.shape(flow.data)[1:]) if have is None else have
    ctx.check(False, InvalidArgumentError, lambda i: (
        "TensorArray %s: Could not write to TensorArray index %d because the value shape is %s "
        "which is incompatible with the TensorArray's inferred element shape: %s (consider "
        "setting infer_shape=False)." % (flow.meta.label(), int(np.asarray(i).reshape(-1)[0]),
                                         _shape_text(element_shape), _shape_text(have))),
        data=[index])


def _shape_text(dims):
    if dims is None:
        return "<unknown>"
    return "[%s]" % ",".join("?" if d is None else str(d) for d in dims)


def _grow(flow, need):
    """A dynamic_size array grown to hold index `need - 1` (indices known when compiled)."""
    n = flow.size
    if need <= n:
        return flow
    pad = need - n
    if type(flow.data) is tuple:
        zero = np.zeros_like(flow.data[0], shape=np.shape(flow.data[0]))
        return TAState(flow.data + (zero,) * pad,
                       np.concatenate([np.asarray(flow.written), np.zeros((pad,), bool)]),
                       flow.meta)
    xp = np if _concrete(flow.data, flow.written) else jnp
    data = xp.concatenate([flow.data, np.zeros((pad,) + flow.data.shape[1:], flow.data.dtype)])
    written = xp.concatenate([flow.written, np.zeros((pad,), bool)])
    return TAState(data, written, flow.meta)


def _static_int(x):
    return None if isinstance(x, jax.core.Tracer) else np.asarray(x)


def _concrete(*values):
    """No traced value among `values`: NumPy does the work (no eager XLA compile per op)."""
    return not any(isinstance(v, jax.core.Tracer) for v in values)


def _write(ctx, flow, index, value):
    """Writes `value` (k, *element) at `index` (k,): TF's checks, then the scatter."""
    if np.dtype(value.dtype) != np.dtype(flow.meta.dtype):  # (TF only logs it when building)
        ctx.check(False, InvalidArgumentError,
                  "TensorArray dtype is %s but Op is trying to write dtype %s."
                  % (_context.type_name(_dt.as_dtype(flow.meta.dtype)),
                     _context.type_name(_dt.as_dtype(value.dtype))))
        return flow
    if _other_shape(flow, np.shape(value)[1:]):  # (the write fails: nothing is written)
        _shape_mismatch(ctx, flow, _first_of(index), np.shape(value)[1:])
        return flow
    flow = _ensure(ctx, flow, np.shape(value)[1:])
    meta = flow.meta
    static = _static_int(index)
    if meta.dynamic_size:
        if static is None and (ctx.op._inputs[1] in ctx._feeds or not ctx.loop_lengths):
            # a step of a loop run on the host: the index (or the fed values it is computed
            # from) is compiled in
            from scopeflow.lowering.lower import _NeedStatic
            raise _NeedStatic(ctx.op, [ctx.op._inputs[1]])
        if static is None:
            raise run_error(UnimplementedError, ctx.op, (
                "TensorArray %s has dynamic_size=True and is written at an index known only "
                "when the program runs (e.g. inside tf.while_loop): a compiled (XLA) program "
                "needs the size. Give the TensorArray a size." % meta.label()))
        if static.size:
            flow = _grow(flow, int(static.max()) + 1)
            _grow_cleared(ctx, flow.size)
    n = flow.size
    # where: NumPy when the indices and the written mask are known (the usual case outside
    # loops), so only the data update is traced
    xp = np if _concrete(flow.written, index) else jnp
    index = xp.asarray(index, np.int32).reshape(-1)
    out_of_range = (index < 0) | (index >= n)
    ctx.check(xp.logical_not(xp.any(out_of_range)), InvalidArgumentError, lambda i: (
        "TensorArray %s: Tried to write to index %d but array is not resizeable and size is: %d"
        % (meta.label(), int(np.asarray(i).reshape(-1)[0]), n)),
        data=[_first_bad(xp, index, out_of_range)])
    if n == 0:  # an empty array written in a loop body traced but never run (check above)
        return flow
    safe = xp.clip(index, 0, n - 1)
    # written before, or earlier in this scatter: TF writes the elements one by one
    earlier = xp.tril(xp.equal(safe[:, None], safe[None, :]), -1)
    twice = xp.asarray(flow.written)[safe] | xp.any(earlier, axis=1)
    ctx.check(xp.logical_not(xp.any(twice)), InvalidArgumentError, lambda i: (
        "TensorArray %s: Could not write to TensorArray index %d because it has already been "
        "written to." % (meta.label(), int(np.asarray(i).reshape(-1)[0]))),
        data=[_first_bad(xp, index, twice)])
    if xp is np:
        written = np.array(flow.written)
        written[safe] = True
    else:
        written = jnp.asarray(flow.written).at[safe].set(True)
    if meta.ragged and (type(flow.data) is tuple
                        or tuple(np.shape(value)[1:]) != tuple(np.shape(flow.data)[1:])):
        data = _ragged_write(ctx, flow, static, value)
    elif _concrete(flow.data, value) and xp is np:
        data = np.array(flow.data)
        data[safe] = np.asarray(value, meta.dtype)
    elif xp is np and safe.shape[0] == n and (safe == np.arange(n)).all() \
            and np.shape(value) == np.shape(flow.data):
        data = jnp.asarray(value, meta.dtype)  # every element written (unstack): the value
    else:
        data = jnp.asarray(flow.data).at[safe].set(jnp.asarray(value, meta.dtype))
    return TAState(data, written, meta)


def _ragged_write(ctx, flow, index, value):
    """infer_shape=False: an element of another shape makes the elements a tuple (one array
    each); the indices must be known when compiled."""
    if index is None:
        raise _ragged_unknown(ctx, flow)
    static = np.clip(np.asarray(index, np.int64).reshape(-1), 0, flow.size - 1)
    data = list(flow.data) if type(flow.data) is tuple else list(flow.data[i]
                                                                   for i in range(flow.size))
    for k, i in enumerate(static.tolist()):
        data[i] = value[k]
    return tuple(data)


def _ragged_unknown(ctx, flow):
    if not ctx.loop_lengths:  # outside compiled loops (a step of a loop run on the host):
        from scopeflow.lowering.lower import _NeedStatic  # the fed values the index is
        return _NeedStatic(ctx.op, [ctx.op._inputs[1]])  # computed from are compiled in
    return run_error(UnimplementedError, ctx.op, (
        "TensorArray %s holds elements of different shapes (infer_shape=False) and is used at "
        "an index known only when the program runs (e.g. inside tf.while_loop): a compiled "
        "(XLA) program needs one element shape." % flow.meta.label()))


def _first_bad(xp, index, bad):
    return index[xp.argmax(bad)] if index.shape[0] else np.int32(0)


def _first_of(index):
    """The first of the indices a write makes (0 for none)."""
    xp = np if _concrete(index) else jnp
    index = xp.asarray(index, np.int32).reshape(-1)
    return index[0] if index.shape[0] else np.int32(0)


@op("TensorArrayWriteV3", infer=_flow_shape,
    types={"handle": ANY, "index": _dt.int32, "value": ANY, "flow_in": _FLOW},
    context=True, fold=False)
def _write_v3(ctx, handle, index, value, flow_in):
    flow_in = _own(handle, flow_in)
    xi = np if _concrete(index) else jnp  # a known index stays known (ragged arrays)
    xp = np if _concrete(value) else jnp
    return _write(ctx, flow_in, xi.reshape(xi.asarray(index), (1,)), xp.asarray(value)[None])


@op("TensorArrayScatterV3", infer=_flow_shape,
    types={"handle": ANY, "indices": _dt.int32, "value": ANY, "flow_in": _FLOW},
    context=True, fold=False)
def _scatter_v3(ctx, handle, indices, value, flow_in):
    flow_in = _own(handle, flow_in)
    _check_max_index(ctx, flow_in, indices)
    return _write(ctx, flow_in, indices, value)


def _check_max_index(ctx, flow, indices):
    """TF's scatter (unstack too) first checks its largest index against a fixed size."""
    if flow.meta.dynamic_size or not np.size(indices):
        return
    xp = np if _concrete(indices) else jnp
    top = xp.max(xp.asarray(indices, np.int32))
    n = flow.size
    ctx.check(top < n, InvalidArgumentError, lambda m: (
        "Max scatter index must be < array size (%d vs. %d)" % (int(np.asarray(m)), n)),
        data=[top])


@op("TensorArraySplitV3", infer=_flow_shape,
    types={"handle": ANY, "value": ANY, "lengths": _dt.int64, "flow_in": _FLOW},
    context=True, fold=False)
def _split_v3(ctx, handle, value, lengths, flow_in):
    flow_in = _own(handle, flow_in)
    lens = _static_int(lengths)
    if lens is None and not ctx.loop_lengths:  # fed lengths (a step of a loop run on the host
        from scopeflow.lowering.lower import _NeedStatic  # too): compiled in
        raise _NeedStatic(ctx.op, [ctx.op._inputs[2]])
    if lens is not None:
        _check_split(ctx, flow_in, np.shape(value), lens)
    if lens is not None and lens.size and (lens != lens[0]).any() and not flow_in.meta.ragged:
        rest = tuple(np.shape(value)[1:])
        first = int(np.argmax(lens != lens[0]))
        _shape_mismatch(ctx, flow_in, np.int32(first), (int(lens[first]),) + rest,
                        (int(lens[0]),) + rest)
        return flow_in
    if lens is not None and lens.size and (lens != lens[0]).any() and flow_in.meta.ragged:
        ends = np.cumsum(lens)
        xp = np if _concrete(value) else jnp
        value = xp.asarray(value)
        flow = _ensure(ctx, flow_in, (int(lens[0]),) + tuple(value.shape[1:]))
        k = lens.shape[0]
        flow = _grow(flow, k) if flow.meta.dynamic_size else flow
        first = TAState(flow.data, flow.written, flow.meta)
        for i in range(k):  # one write per piece (each its own shape)
            piece = value[int(ends[i] - lens[i]):int(ends[i])][None]
            first = _write(ctx, first, np.asarray([i], np.int32), piece)
        return first
    if lens is None:
        raise run_error(UnimplementedError, ctx.op, (
            "TensorArray %s: split by lengths known only when the program runs (inside "
            "tf.while_loop): a compiled (XLA) program needs them." % flow_in.meta.label()))
    k = lens.shape[0]
    xp = np if _concrete(value) else jnp
    value = xp.asarray(value)
    pieces = xp.reshape(value, (k, int(lens[0]) if k else 0) + value.shape[1:])
    return _write(ctx, flow_in, np.arange(k, dtype=np.int32), pieces)


def _check_split(ctx, flow, shape, lens):
    """TF's TensorArraySplit checks: lengths that sum to the rows of the value, as many pieces
    as a fixed-size array holds."""
    total = int(lens.sum())
    if not shape or total != shape[0]:
        raise run_error(InvalidArgumentError, ctx.op, (
            "Expected sum of lengths to be equal to values.shape[0], but sum of lengths is %d "
            "and value's shape is: %s" % (total, _shape_text(shape))))
    if not flow.meta.dynamic_size and lens.shape[0] != flow.size:
        raise run_error(InvalidArgumentError, ctx.op, (
            "TensorArray's size is not equal to the size of lengths (%d vs. %d), and the "
            "TensorArray is not marked as dynamically resizeable" % (flow.size, lens.shape[0])))


def _elements(ctx, flow, index):
    """The elements array (zeros where unwritten, as TF's kernels read them)."""
    if flow.data is not None:
        return flow.data
    shape = flow.meta.known_shape()
    if shape is None:
        first = _static_int(_first_of(index))
        raise run_error(InvalidArgumentError, ctx.op, (
            "TensorArray %s: Could not read from TensorArray index %s.  Furthermore, the "
            "element shape is not fully defined: %s.  It is possible you are working with a "
            "resizeable TensorArray and stop_gradients is not allowing the gradients to be "
            "written.  If you set the full element_shape property on the forward TensorArray, "
            "the proper all-zeros tensor will be returned instead of incurring this error." % (
                flow.meta.label(), "(known when run)" if first is None else int(first),
                _shape_text(flow.meta.element_shape))))
    return np.zeros((flow.meta.size,) + shape, flow.meta.dtype)


def _read_shape(handle, index, flow_in, *, dtype):
    return spec(None, dtype)


@op("TensorArrayReadV3", infer=_read_shape,
    types={"handle": ANY, "index": _dt.int32, "flow_in": _FLOW},
    context=True, fold=False)
def _read_v3(ctx, handle, index, flow_in, *, dtype):
    flow_in = _own(handle, flow_in)
    data = _elements(ctx, flow_in, index)
    out = _take(ctx, flow_in, data, index)[0]
    _clear(ctx, flow_in, index)
    return out


def _take(ctx, flow, data, index):
    """The elements at `index` (TF's reads and gathers: the same check and wording)."""
    if type(data) is tuple:
        return _ragged_take(ctx, flow, data, index)
    n = data.shape[0]
    every = _every_in_order(index, n)
    xp = np if _concrete(data, index) else jnp
    index = xp.asarray(index, np.int32).reshape(-1)
    bad = (index < 0) | (index >= n)
    ctx.check(xp.logical_not(xp.any(bad)), InvalidArgumentError, lambda i: (
        _READ_RANGE % (int(np.asarray(i).reshape(-1)[0]), n)),
        data=[_first_bad(xp, index, bad)])
    if n == 0:  # an empty array read in a loop body traced but never run (its check fails)
        return xp.zeros(index.shape + tuple(data.shape[1:]), data.dtype)
    if xp is jnp and every:
        # (stack(): every element in order is the array itself; XLA's gather with the
        # constant indices copied it element by element, 1.4 ms of an LSTM step of 35 ms)
        return data
    return xp.asarray(data)[xp.clip(index, 0, n - 1)]


def _every_in_order(index, n):
    """Whether `index` is known when traced to be 0, 1, ..., n - 1."""
    static = _static_int(index)
    return static is not None and static.reshape(-1).shape == (n,) and bool(
        (static.reshape(-1) == np.arange(n)).all())


_READ_RANGE = "Tried to read from index %d but array size is: %d"


def _ragged_take(ctx, flow, data, index):
    """The elements at `index` of a tuple of elements (a list: shapes may differ)."""
    static = _static_int(index)
    if static is None:
        raise _ragged_unknown(ctx, flow)
    n = len(data)
    out = []
    for i in np.asarray(static).reshape(-1).tolist():
        if not 0 <= i < n:
            raise run_error(InvalidArgumentError, ctx.op, _READ_RANGE % (i, n))
        out.append(data[i])
    return out


def _stacked(ctx, elements):
    """`elements` stacked: TF's error when their shapes differ."""
    for i, e in enumerate(elements[1:], 1):
        if np.shape(e) != np.shape(elements[0]):
            raise run_error(InvalidArgumentError, ctx.op, (
                "TensorArray has inconsistent shapes.  Index 0 has shape: %s but index %d has "
                "shape: %s" % (_shape_text(np.shape(elements[0])), i,
                               _shape_text(np.shape(e)))))
    return (np if _concrete(*elements) else jnp).stack(elements)


def _gather_shape(handle, indices, flow_in, *, dtype, element_shape=None):
    dims = None if element_shape is None or element_shape._dims is None else \
        (None,) + tuple(element_shape._dims)
    return spec(dims, dtype)


@op("TensorArrayGatherV3", infer=_gather_shape,
    types={"handle": ANY, "indices": _dt.int32, "flow_in": _FLOW},
    context=True, fold=False)
def _gather_v3(ctx, handle, indices, flow_in, *, dtype, element_shape=None):
    flow_in = _own(handle, flow_in)
    data = _elements(ctx, flow_in, indices)
    out = _take(ctx, flow_in, data, indices)
    if type(out) is list:
        out = _stacked(ctx, out)
    _clear(ctx, flow_in, indices)
    return out


def _concat_shape(handle, flow_in, *, dtype, element_shape_except0=None):
    rest = None if element_shape_except0 is None or element_shape_except0._dims is None \
        else (None,) + tuple(element_shape_except0._dims)
    return [spec(rest, dtype), spec((None,), _dt.int64)]


@op("TensorArrayConcatV3", infer=_concat_shape, types={"handle": ANY, "flow_in": _FLOW},
    context=True, fold=False, multi=True)
def _concat_v3(ctx, handle, flow_in, *, dtype, element_shape_except0=None):
    flow_in = _own(handle, flow_in)
    data = _elements(ctx, flow_in, np.int32(0))
    if type(data) is tuple:
        return _ragged_concat(ctx, flow_in, data)
    if data.ndim == 1:
        raise run_error(InvalidArgumentError, ctx.op, (
            "Concat saw a scalar shape at index 0 but requires at least vectors."))
    n, d0 = data.shape[0], data.shape[1]
    _clear(ctx, flow_in, np.arange(n, dtype=np.int32))
    xp = np if _concrete(data) else jnp
    return [xp.reshape(data, (n * d0,) + data.shape[2:]), np.full((n,), d0, np.int64)]


def _ragged_concat(ctx, flow, data):
    for i, e in enumerate(data):
        if np.ndim(e) == 0:
            raise run_error(InvalidArgumentError, ctx.op, (
                "Concat saw a scalar shape at index %d but requires at least vectors." % i))
        if np.shape(e)[1:] != np.shape(data[0])[1:]:
            raise run_error(InvalidArgumentError, ctx.op, (
                "TensorArray has inconsistent shapes.  Index 0 has shape: %s but index %d has "
                "shape: %s" % (_shape_text(np.shape(data[0])), i, _shape_text(np.shape(e)))))
    _clear(ctx, flow, np.arange(len(data), dtype=np.int32))
    xp = np if _concrete(*data) else jnp
    return [xp.concatenate(data), np.asarray([np.shape(e)[0] for e in data], np.int64)]


@op("TensorArraySizeV3", infer=lambda handle, flow_in: spec((), _dt.int32),
    types={"handle": ANY, "flow_in": _FLOW}, context=True)
def _size_v3(ctx, handle, flow_in):
    flow_in = _own(handle, flow_in)
    return np.int32(flow_in.size)


@op("TensorArrayCloseV3", infer=lambda handle: [], types={"handle": ANY}, stateful=True)
def _close_v3(handle):
    return None


def element_shape_attr(shape):
    """The `element_shape` attr TF gives TensorArrayV3 (unknown rank when not given)."""
    return shape if isinstance(shape, TensorShape) else TensorShape(shape)
