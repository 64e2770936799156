"""A dynamic_size TensorArray's writes, reads and size on the host, in a loop run on the host.

A loop run on the host (lowering/stages.LoopStep: seq2seq's dynamic_decode, a loop writing
`ta.write(i, x)` into a dynamic_size array) runs one compiled step per iteration. Compiled, a
write there takes the whole array, (i, *element) at iteration i, and its index compiled in: a
new program every iteration (13 XLA compiles for a 10-step decode). Run on the host, these
ops take the array as NumPy and the compiled steps only the element written or read, of one
shape in every iteration. They run the compiled ops' kernels on NumPy values, so values and
TF's errors are the same; a failed check ends the run at that iteration, as in TF. A
clear_after_read array's read mask is Session state between steps (ta_masks.ReadMask).

>>> import scopeflow as tf
>>> ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
>>> _, ta = tf.while_loop(lambda i, ta: i < 3,
...                       lambda i, ta: (i + 1, ta.write(i, tf.cast(i, tf.float32))), (0, ta))
>>> tf.Session().run(ta.stack()).tolist()
[0.0, 1.0, 2.0]
"""

import numpy as np

from scopeflow.lowering.context import run_error
from scopeflow.lowering.stages import run_on_host
from scopeflow.ops.ta_masks import ReadMask, maker
from scopeflow.ops.ta_state import TAState

_ON_HOST = frozenset(("TensorArrayWriteV3", "TensorArrayReadV3", "TensorArraySizeV3"))


class _HostRun:
    """What the TensorArray kernels ask of their run context, on the host."""

    replay = False
    loop_lengths = None
    conditional = 0

    def __init__(self, host, op):
        self.op, self._feeds, self._state = op, {}, host.session._state

    def check(self, ok, exc_class, message, data=()):
        if not np.all(np.asarray(ok)):
            values = [np.asarray(d) for d in data]
            raise run_error(exc_class, self.op, message(*values) if callable(message)
                            else message)

    def state(self, array):
        mask = self._state.get(ReadMask(array))
        return None if mask is None else TAState(np.asarray(mask), np.asarray(mask), None)

    def put_state(self, array, value):
        self._state[ReadMask(array)] = np.asarray(value.data, bool)


def _run(ctx, op, *values):
    from scopeflow.ops.registry import REGISTRY

    attrs = {"dtype": op._attrs["dtype"]} if op._type == "TensorArrayReadV3" else {}
    return [REGISTRY[op._type].kernel(_HostRun(ctx, op), *values, **attrs)]


def host_arrays(loop):
    """Makes the writes, reads and size ops of dynamic_size arrays in while context `loop`'s
    own body (not its conds: those run as compiled branches) run on the host."""
    for op in loop.ops:
        if op._type in _ON_HOST and op._ctx is loop and op._inputs:
            array = maker(op._inputs[0])
            if array is not None and array._type == "TensorArrayV3" and \
                    array._attrs.get("dynamic_size"):
                run_on_host(op, _run)
                _pass_on_host(op._inputs[-1], loop)


def _pass_on_host(flow, loop):
    """The Identity ops that pass flow tensor `flow` on inside `loop` (a loop value's) run on
    the host too: compiled, they would take the whole array."""
    while flow._op._type == "Identity" and flow._op._ctx is loop:
        run_on_host(flow._op, _identity)
        flow = flow._op._inputs[0]


def _identity(ctx, op, value):
    return [value]


__all__ = ["host_arrays"]
