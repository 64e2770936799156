"""`tensorflow.python.ops.gen_control_flow_ops`: TF's generated wrappers of the raw
control-flow ops, one op each, with TF's default names and output tuples.

Outside tf.cond and tf.while_loop these ops follow TF's dead-tensor rules: the output of a
Switch not taken is dead, an op reading a dead value is dead, a Merge passes on its live input
(lowering/liveness.py); Enter / Exit put values in frames.

>>> import scopeflow.compat.v1 as tf
>>> switch(tf.constant(1), tf.constant(True))._fields
('output_false', 'output_true')
"""

import collections

from scopeflow.ops import cf_ops

_SwitchOutput = collections.namedtuple("Switch", ["output_false", "output_true"])
_RefSwitchOutput = collections.namedtuple("RefSwitch", ["output_false", "output_true"])
_MergeOutput = collections.namedtuple("Merge", ["output", "value_index"])
_RefMergeOutput = collections.namedtuple("RefMerge", ["output", "value_index"])


def switch(data, pred, name=None):
    return _SwitchOutput(*cf_ops._switch(data, pred, name=name))


def ref_switch(data, pred, name=None):
    return _RefSwitchOutput(*cf_ops._ref_switch(data, pred, name=name))


def merge(inputs, name=None):
    return _MergeOutput(*cf_ops._merge(list(inputs), name=name))


def ref_merge(inputs, name=None):
    return _RefMergeOutput(*cf_ops._ref_merge(list(inputs), name=name))


def ref_select(index, inputs, name=None):
    return cf_ops._ref_select(index, list(inputs), name=name)


def enter(data, frame_name, is_constant=False, parallel_iterations=10, name=None):
    return cf_ops._enter(data, frame_name=frame_name, is_constant=is_constant,
                         parallel_iterations=parallel_iterations, name=name)


def ref_enter(data, frame_name, is_constant=False, parallel_iterations=10, name=None):
    return cf_ops._ref_enter(data, frame_name=frame_name, is_constant=is_constant,
                             parallel_iterations=parallel_iterations, name=name)


def exit(data, name=None):  # noqa: A001 - TF's name
    return cf_ops._exit(data, name=name)


def next_iteration(data, name=None):
    return cf_ops._next_iteration(data, name=name)


def loop_cond(input, name=None):  # noqa: A002
    return cf_ops._loop_cond(input, name=name)


def ref_identity(input, name=None):  # noqa: A002 - gen_array_ops.ref_identity
    return cf_ops._ref_identity(input, name=name)


def identity_ref_or_tensor(data, name=None):
    """TF's control_flow_ops._Identity: RefIdentity of a reference, else Identity."""
    if data.dtype._is_ref_dtype:
        return cf_ops._ref_identity(data, name=name)
    from scopeflow.ops.array import identity
    return identity(data, name=name)
