"""A clear_after_read TensorArray's read mask across the compiled steps of a run in steps.

Inside one compiled program the mask of indices read is run state under the TensorArrayV3
op (tensor_array_ops._clear), carried by loops and conds like a variable. A run in steps (a
loop run on the host: one compiled step per iteration) reads the array in programs that do
not make it: there the mask is Session state under a `ReadMask` key, an input and an output
of each step, so the second read of an index fails as in TF. The array's next making (the
next run, or the next iteration of a loop that makes it) starts it from zeros again.

>>> import scopeflow as tf
>>> ta = tf.TensorArray(tf.float32, size=2).unstack([1.0, 2.0])
>>> [m.op.name for m in read_masks([ta.read(0).op])]
['TensorArray']
"""

import numpy as np

from scopeflow.ops.ta_state import TAState

_PASS_ON = frozenset(("Enter", "RefEnter", "Identity", "Switch", "Merge", "Exit", "NextIteration"))


class ReadMask:
    """Session-state key of the read mask of the array TensorArrayV3 op `op` makes."""

    __slots__ = ("op",)

    def __init__(self, op):
        self.op = op

    _name = property(lambda self: self.op._name + "/read_mask")

    def __eq__(self, other):
        return type(other) is ReadMask and other.op is self.op

    def __hash__(self):
        return hash((ReadMask, self.op))

    def __repr__(self):
        return "<ReadMask %s>" % self.op._name


def maker(t):
    """The TensorArrayV3 op whose handle `t` is (through the ops that pass it on), or None."""
    for _ in range(10000):
        op = t._op
        if op._type == "TensorArrayV3":
            return op
        if op._type not in _PASS_ON or not op._inputs:
            return None
        t = op._inputs[0]
    return None


def read_masks(order):
    """The ReadMask keys a step running `order` takes: those of the clear_after_read arrays
    its TensorArray ops use and another step made."""
    ran = set(order)
    found = {}
    for op in order:
        if op._type.startswith("TensorArray") and op._type != "TensorArrayV3" and op._inputs:
            m = maker(op._inputs[0])
            if m is not None and m not in ran and m._attrs.get("clear_after_read", True):
                found[m] = ReadMask(m)
    return tuple(found.values())


def masks_in(ctx):
    """Puts the masks a step took from the Session (ReadMask keys) under their arrays' ops."""
    for key in [k for k in ctx._values if type(k) is ReadMask]:
        ctx.put_state(key.op, TAState(ctx._values[key], ctx._values[key], None))
        ctx.read_ops.add(key)  # (an input of the step)
        del ctx.written[key.op]  # (unchanged unless a read marks it)


def masks_out(written):
    """`written` (run state by op) with the read masks it holds as Session state (ReadMask:
    their arrays); other run state dropped (it ends with the step)."""
    return {ReadMask(v): x.data.astype(bool) for v, x in written.items()
            if type(x) is TAState and getattr(v, "_type", None) == "TensorArrayV3"
            and np.ndim(x.data) == 1}
