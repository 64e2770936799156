"""Initialization runs that only fill variables run on the host, without compiling them.

`sess.run(tf.global_variables_initializer())` of a big net is a program of one fill per
variable: TF's seeded random ops, the affine transforms of initializers, constants, `Assign`.
Compiled as one XLA program that took tens of seconds for an Inception (a transform per
variable). Here such a run is evaluated op by op in NumPy; the random samples come from the
shared compiled kernels of `ops/philox_fill.py`, batched over all random ops of the run.
The values are the compiled program's, bit for bit (NumPy rounds every op as TF does), and
each run draws the op's next numbers (the Session's per-op run counts, as compiled runs do).
Unseeded random ops draw TF's Philox stream from seeds made per Session and op, as TF's
kernels draw from random seeds.

Any other op in the run (reading a variable, control flow, `tf.orthogonal_initializer`'s QR,
an op with a shape unknown before the run) leaves the whole run to the compiled path, as do
assignments whose shapes TF would refuse (the compiled run raises TF's error).
"""

import hashlib

import jax
import numpy as np

from scopeflow.lowering.slice import data_inputs, is_handle, is_variable_op
from scopeflow.ops import philox_fill
from scopeflow.ops.philox_dists import reserved_calls

_BINARY = {"Add": np.add, "AddV2": np.add, "Sub": np.subtract, "Mul": np.multiply,
           "RealDiv": np.true_divide, "Maximum": np.maximum, "Minimum": np.minimum}
_UNARY = {"Identity": lambda x: x, "Snapshot": lambda x: x, "Neg": np.negative}
_RANDOM = {"RandomUniform": "uniform", "RandomStandardNormal": "normal",
           "TruncatedNormal": "truncated", "RandomUniformInt": "int"}
_FLOATS = frozenset(np.dtype(d) for d in ("float16", "float32", "float64")) | {
    np.dtype(jax.numpy.bfloat16)}
_NUMBERS = _FLOATS | {np.dtype(np.int32), np.dtype(np.int64)}


def entry(program, state):
    """(call, variables written, random ops, new_state?, how far each random op's counter
    moves) running `program` on the host, or None when it is not a pure fill of variables."""
    plan = _plan(program, state)
    if plan is None:
        return None
    order, rng_ops, writes = plan
    var_out = tuple(dict.fromkeys(v for v, _ in writes.values()))

    def call(*args):
        words = np.asarray(args[0]) if rng_ops else np.zeros(1, np.uint64)
        return _run(order, rng_ops, words, var_out)

    new_state = any(v not in state or (state[v].shape, state[v].dtype) != shape
                    for v, shape in writes.values())
    draws = tuple(reserved_calls("fill", _size(op)) for op in rng_ops)
    return call, var_out, tuple(rng_ops), new_state, draws


# ---- which runs qualify ------------------------------------------------------------------------
def _plan(program, state):
    """(ops in order, random ops, {assign op: (variable, (shape, dtype))}) or None."""
    if program.device is not None or program.host or program.feed_pos or program.static_pos:
        return None
    order = program.order
    writers = set()
    for op in order:
        if op._cf is not None or getattr(op, "_ctx", None) is not None:
            return None
        kind = _check(op, state)
        if kind is None:
            return None
        if kind == "write":
            writers.add(op)
    # a handle goes only into a write (no variable is read), and nothing uses a write's result
    for op in order:
        for i, t in enumerate(data_inputs(op)):
            if t._op in writers or (is_handle(t) and not (op in writers and i == 0)):
                return None
    writes = {op: _written(op) for op in order if op in writers}
    rng_ops = [op for op in order if op._type in _RANDOM]
    return order, rng_ops, writes


def _check(op, state):
    """What `op` is in a fill ("var", "write", "noop", "value") or None if it is not one."""
    kind = op._type
    if is_variable_op(op):
        return "var" if kind in ("VariableV2", "VarHandleOp") else None
    if kind == "NoOp":
        return "noop"
    if kind in ("Assign", "AssignVariableOp"):
        return "write" if _write_ok(op, state) else None
    if kind not in _BINARY and kind not in _UNARY and kind not in _RANDOM and kind not in (
            "Const", "Fill", "Cast"):
        return None
    for t in op._outputs:
        dims = t._shape._dims
        if dims is None or None in dims or _np_dtype(t) is None:
            return None
    dt = _np_dtype(op._outputs[0])
    if kind in _BINARY or kind in ("Neg", "Cast"):
        if dt not in _NUMBERS or any(_np_dtype(t) not in _NUMBERS for t in op._inputs):
            return None
        if kind == "Cast" and (dt not in _FLOATS or (  # float -> int differs at the edges,
                dt.itemsize == 2 and _np_dtype(op._inputs[0]).itemsize == 8)):  # and 64 -> 16
            return None
        if kind == "RealDiv" and dt not in _FLOATS:
            return None
    if kind in _RANDOM and not _random_ok(op):
        return None
    return "value"


def _random_ok(op):
    """Shape (and int range) known before the run, a range TF accepts."""
    ins = op._inputs
    if any(t._op._type != "Const" for t in ins):
        return False
    shape = np.asarray(ins[0]._op._attrs["value"])
    if shape.ndim != 1 or (shape < 0).any():
        return False
    if op._type == "RandomUniformInt":
        lo, hi = (np.asarray(t._op._attrs["value"]) for t in ins[1:])
        if lo.ndim or hi.ndim or (int(np.prod(shape)) and not int(lo) < int(hi)):
            return False
    return True


def _write_ok(op, state):
    ref, value = op._inputs[0], op._inputs[1]
    var = ref._op
    if not is_variable_op(var) or var._type not in ("VariableV2", "VarHandleOp"):
        return False
    if ref._dtype._is_ref_dtype != (var._type == "VariableV2"):
        return False
    dims = value._shape._dims
    dt = var._attrs["dtype"].base_dtype
    if dims is None or None in dims or _np_dtype(value) != np.dtype(dt.as_numpy_dtype):
        return False
    if op._type == "AssignVariableOp" and op._attrs.get("dtype") not in (None, dt):
        return False
    if op._attrs.get("validate_shape", op._type == "Assign"):
        held = state.get(var)
        old = None if held is None else tuple(held.shape)
        declared = var._attrs.get("shape")
        if old is None and op._type == "Assign" and declared is not None \
                and declared.is_fully_defined():
            old = tuple(declared.as_list())
        if old is not None and old != tuple(dims):
            return False  # TF's error: the compiled run raises it
    return True


def _written(op):
    var, value = op._inputs[0]._op, op._inputs[1]
    return var, (tuple(value._shape._dims), np.dtype(_np_dtype(value)))


def _np_dtype(t):
    dt = t._dtype.base_dtype
    try:
        nd = dt.as_numpy_dtype
    except (AttributeError, TypeError, KeyError):
        return None
    if nd is None or nd is object:
        return None
    return np.dtype(nd)


# ---- running one -------------------------------------------------------------------------------
def _run(order, rng_ops, words, var_out):
    """The values `order` writes to `var_out` (device arrays), for this run's rng `words`."""
    nonce = int(words[0])
    samples = philox_fill.sample([_request(op, int(w), nonce)
                                  for op, w in zip(rng_ops, words[1::2].tolist())])
    drawn = dict(zip(rng_ops, samples))
    env, written = {}, {}
    with np.errstate(all="ignore"):  # integer wrap-around and inf / nan as XLA gives them
        for op in order:
            kind = op._type
            if kind in ("NoOp", "VariableV2", "VarHandleOp"):
                continue
            if kind in ("Assign", "AssignVariableOp"):
                var = op._inputs[0]._op
                written[var] = env[op._inputs[1]]
                continue
            out = op._outputs[0]
            dt = _np_dtype(out)
            if op in drawn:
                value = drawn[op].reshape(out._shape._dims)
            else:
                value = _value(op, [env[t] for t in op._inputs])
            env[out] = np.asarray(value).astype(dt, copy=False)
    return [jax.device_put(np.asarray(written[v], v._attrs["dtype"].base_dtype.as_numpy_dtype))
            for v in var_out]


def _value(op, args):
    kind = op._type
    if kind == "Const":
        return op._attrs["value"]
    if kind == "Fill":
        return np.full(tuple(int(d) for d in np.asarray(args[0]).reshape(-1)), args[1])
    if kind == "Cast":
        return args[0]  # the caller casts to the output dtype
    if kind in _UNARY:
        return _UNARY[kind](args[0])
    return _BINARY[kind](args[0], args[1])


def _size(op):
    return int(np.prod(op._outputs[0]._shape._dims, dtype=np.int64))


def _request(op, offset, nonce):
    """The philox_fill.Request of random op `op` at counter `offset`."""
    attrs = op._attrs
    seed, seed2 = int(attrs.get("seed", 0)), int(attrs.get("seed2", 0))
    if not seed and not seed2:  # TF seeds such a kernel at random: per Session and op here
        digest = hashlib.blake2b(nonce.to_bytes(4, "little") + op._name.encode(),
                                 digest_size=16).digest()
        seed, seed2 = int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little")
    n = _size(op)
    kind = _RANDOM[op._type]
    lo = hi = 0
    if kind == "int":
        lo, hi = (int(np.asarray(t._op._attrs["value"])) for t in op._inputs[1:])
    return philox_fill.Request(kind, _np_dtype(op._outputs[0]), n, seed, seed2, offset, lo, hi)

