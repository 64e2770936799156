"""`tf.nn.dynamic_rnn`, `static_rnn` and the bidirectional variants, scoped `rnn/` as in TF.

dynamic_rnn builds TF's loop: the inputs unstacked into TensorArrays, the cell in one
`tf.while_loop` bounded by `maximum_iterations=time_steps` (a single XLA scan), its outputs
written into TensorArrays and stacked, then transposed back.
"""

import functools

from scopeflow.core.scopes import variable_scope
from scopeflow.core.shape import TensorShape
from scopeflow.layers.core import tf_api
from scopeflow.ops import nest
from scopeflow.ops.tensor_array import TensorArray
from scopeflow.rnn.cells import _concat


def _transpose_batch_time(x):
    """(B, T, ...) <-> (T, B, ...), with TF's op names and static shape."""
    tf = tf_api()
    static = x.shape
    if static.ndims is not None and static.ndims < 2:
        return x
    perm = tf.concat(([1, 0], tf.range(2, tf.rank(x))), axis=0)
    out = tf.transpose(x, perm)
    dims = static.as_list() if static.ndims is not None else None
    if dims is not None:
        out.set_shape([dims[1], dims[0]] + dims[2:])
    return out


def _batch_size(flat_input):
    """The static batch size of time-major inputs, else `shape(x)[1]`."""
    for x in flat_input:
        if x.shape.ndims is None:
            continue
        if x.shape.ndims < 2:
            raise ValueError("Input must have rank at least 2, got %d" % x.shape.ndims)
        if x.shape.as_list()[1] is not None:
            return x.shape.as_list()[1]
    return tf_api().shape(flat_input[0])[1]


def _initial_state(cell, batch_size, initial_state, dtype, msg):
    if initial_state is not None:
        return initial_state
    if not dtype:
        raise ValueError(msg)
    return cell.get_initial_state(inputs=None, batch_size=batch_size, dtype=dtype) \
        if hasattr(cell, "get_initial_state") else cell.zero_state(batch_size, dtype)


def _state_dtype(dtype, state):
    return dtype if dtype else nest.flatten(state)[0].dtype


def dynamic_rnn(cell, inputs, sequence_length=None, initial_state=None, dtype=None,
                parallel_iterations=None, swap_memory=False, time_major=False, scope=None):
    """`tf.nn.dynamic_rnn`: (outputs, final state) of `cell` unrolled over time in a loop.

    >>> import scopeflow as tf
    >>> x = tf.zeros([2, 5, 3])
    >>> out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), x, dtype=tf.float32)
    >>> out.shape.as_list()
    [2, 5, 4]
    """
    tf = tf_api()
    with variable_scope(scope or "rnn"):
        flat = nest.flatten(inputs)
        if not time_major:
            flat = [_transpose_batch_time(tf.convert_to_tensor(x)) for x in flat]
        if sequence_length is not None:
            sequence_length = tf.cast(sequence_length, tf.int32)
            if sequence_length.shape.ndims not in (None, 1):
                raise ValueError("sequence_length must be a vector of length batch_size, but "
                                 "saw shape: %s" % sequence_length.shape)
            sequence_length = tf.identity(sequence_length, name="sequence_length")
        batch = _batch_size(flat)
        state = _initial_state(cell, batch, initial_state, dtype,
                               "If no initial_state is provided, argument `dtype` must be "
                               "specified")
        if sequence_length is not None:
            with tf.control_dependencies([_assert_has_shape(sequence_length, [batch])]):
                sequence_length = tf.identity(sequence_length, name="CheckSeqLen")
        inputs = nest.pack_sequence_as(inputs, flat)
        outputs, final_state = _dynamic_rnn_loop(cell, inputs, state, sequence_length, dtype,
                                                 (parallel_iterations or 32, swap_memory))
        if not time_major:
            outputs = nest.map_structure(_transpose_batch_time, outputs)
        return outputs, final_state


def _assert_has_shape(x, shape):
    tf = tf_api()
    x_shape = tf.shape(x)
    packed = tf.stack(shape)
    return tf.Assert(tf.reduce_all(tf.equal(x_shape, packed)),
                     ["Expected shape for Tensor %s is " % x.name, packed, " but saw shape: ",
                      x_shape])


def _check_inputs(flat):
    shapes = [x.shape.with_rank_at_least(3) for x in flat]
    steps, batch = shapes[0].as_list()[:2]
    for s in shapes:
        if None in s.as_list()[2:]:
            raise ValueError("Input size (depth of inputs) must be accessible via shape "
                             "inference, but saw value None.")
        if s.as_list()[0] != steps:
            raise ValueError("Time steps is not the same for all the elements in the input in "
                             "a batch.")
        if s.as_list()[1] != batch:
            raise ValueError("Batch_size is not the same for all the elements in the input.")
    return shapes, steps, batch


def _dynamic_rnn_loop(cell, inputs, state, sequence_length, dtype, loop_args=(32, False)):
    """TF's loop: inputs unstacked into TensorArrays, one output TensorArray per output,
    `time < min(time_steps, max(1, max_sequence_length))`, maximum_iterations=time_steps."""
    tf = tf_api()
    flat = nest.flatten(inputs)
    flat_out_size = nest.flatten(cell.output_size)
    time_steps = tf.shape(flat[0])[0]
    batch = _batch_size(flat)
    shapes, const_steps, const_batch = _check_inputs(flat)
    out_dtype = _state_dtype(dtype, state)
    zeros = tuple(tf.zeros(tf.stack(_concat(batch, s)), out_dtype) for s in flat_out_size)
    zero_output = nest.pack_sequence_as(cell.output_size, zeros)
    if sequence_length is not None:
        tf.reduce_min(sequence_length)  # (TF builds it; the loop does not need it)
        max_len = tf.reduce_max(sequence_length)
    else:
        max_len = time_steps
    time = tf.constant(0, dtype=tf.int32, name="time")
    with tf.name_scope("dynamic_rnn") as base_name:
        pass

    def make_ta(name, element_shape, dt):
        return TensorArray(dt, size=time_steps, element_shape=element_shape,
                           tensor_array_name=base_name + name)

    output_ta = tuple(make_ta("output_%d" % i, TensorShape([const_batch]).concatenate(
        _as_shape(size)), out_dtype) for i, size in enumerate(flat_out_size))
    input_ta = tuple(make_ta("input_%d" % i, x.shape[1:], x.dtype) for i, x in enumerate(flat))
    input_ta = tuple(ta.unstack(x) for ta, x in zip(input_ta, flat))

    def step(t, output_ta_t, state_t):
        x_t = tuple(ta.read(t) for ta in input_ta)
        for x, s in zip(x_t, shapes):
            x.set_shape(s[1:])
        x_t = nest.pack_sequence_as(inputs, x_t)
        if sequence_length is not None:
            output, new_state = _rnn_step(t, sequence_length, zero_output, state_t,
                                          lambda: cell(x_t, state_t))
        else:
            output, new_state = cell(x_t, state_t)
        output_ta_t = tuple(ta.write(t, o) for ta, o in zip(output_ta_t, nest.flatten(output)))
        return t + 1, output_ta_t, new_state

    loop_bound = tf.minimum(time_steps, tf.maximum(1, max_len))
    _, final_ta, final_state = tf.while_loop(
        lambda t, *_: t < loop_bound, step, (time, output_ta, state),
        parallel_iterations=loop_args[0], maximum_iterations=time_steps,
        swap_memory=loop_args[1])
    outs = tuple(ta.stack() for ta in final_ta)
    for o, size in zip(outs, flat_out_size):
        o.set_shape(_concat([const_steps, const_batch], size, static=True))
    return nest.pack_sequence_as(cell.output_size, list(outs)), final_state


def _as_shape(size):
    return size if isinstance(size, TensorShape) else TensorShape(size)


def _rnn_step(t, sequence_length, zero_output, state, call_cell, bounds=None):
    """TF's _rnn_step: past its length an entry keeps its state and outputs zeros (Select on
    `time >= sequence_length`). With `bounds` (min and max of sequence_length: static_rnn,
    TF's skip_conditionals=False) TF's conds skip the cell at or past the longest length, and
    the Select before the shortest."""
    tf = tf_api()
    flat_state, flat_zero = nest.flatten(state), nest.flatten(zero_output)
    copy_cond = t >= sequence_length

    def copy_one(old, new):
        if isinstance(old, TensorArray) or new.shape.ndims == 0:
            return new
        with tf.colocate_with(new):
            return tf.where(copy_cond, old, new)

    def copy_some(new_out, new_st):
        return ([copy_one(z, n) for z, n in zip(flat_zero, new_out)]
                + [copy_one(o, n) for o, n in zip(flat_state, new_st)])

    def call():
        new_output, new_state = call_cell()
        nest.assert_same_structure(zero_output, new_output)
        nest.assert_same_structure(state, new_state)
        return nest.flatten(new_output), nest.flatten(new_state)

    if bounds is None:
        flat = copy_some(*call())
    else:
        shortest, longest = bounds

        def maybe_copy_some():
            new_out, new_st = call()
            return tf.cond(t < shortest, lambda: new_out + new_st,
                           lambda: copy_some(new_out, new_st))

        flat = tf.cond(t >= longest, lambda: flat_zero + flat_state, maybe_copy_some)
    out, st = flat[:len(flat_zero)], flat[len(flat_zero):]
    for o, z in zip(out, flat_zero):
        o.set_shape(z.shape)
    for n, o in zip(st, flat_state):
        if not isinstance(n, TensorArray):
            n.set_shape(o.shape)
    return (nest.pack_sequence_as(zero_output, out), nest.pack_sequence_as(state, st))


def static_rnn(cell, inputs, initial_state=None, dtype=None, sequence_length=None, scope=None):
    """`tf.nn.static_rnn`: the cell applied to each input of a Python list, reusing variables.

    >>> import scopeflow as tf
    >>> xs = [tf.zeros([2, 3])] * 4
    >>> outs, _ = tf.nn.static_rnn(tf.nn.rnn_cell.BasicRNNCell(5), xs, dtype=tf.float32)
    >>> len(outs), outs[0].shape.as_list()
    (4, [2, 5])
    """
    tf = tf_api()
    if not nest.is_nested(inputs):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    outputs = []
    with variable_scope(scope or "rnn") as varscope:
        first = inputs[0]
        while nest.is_nested(first):
            first = first[0]
        dims = first.shape.with_rank_at_least(1).as_list()
        batch = dims[0] if dims[0] is not None else tf.shape(first)[0]
        state = _initial_state(cell, batch, initial_state, dtype,
                               "If no initial_state is provided, argument `dtype` must be "
                               "specified")
        if sequence_length is not None:
            sequence_length = tf.convert_to_tensor(sequence_length, name="sequence_length")

            def zeros(size):
                out = tf.zeros(tf.stack(_concat(batch, size)), _state_dtype(dtype, state))
                out.set_shape(tf.TensorShape(_concat(dims[0], size, static=True)))
                return out

            zero_output = nest.map_structure(zeros, cell.output_size)
            sequence_length = tf.cast(sequence_length, tf.int32)
            bounds = (tf.reduce_min(sequence_length), tf.reduce_max(sequence_length))
        for t, x in enumerate(inputs):
            if t > 0:
                varscope.reuse_variables()
            if sequence_length is not None:
                output, state = _rnn_step(t, sequence_length, zero_output, state,
                                          functools.partial(cell, x, state), bounds)
            else:
                output, state = cell(x, state)
            outputs.append(output)
        return outputs, state


def bidirectional_dynamic_rnn(cell_fw, cell_bw, inputs, sequence_length=None,
                              initial_state_fw=None, initial_state_bw=None, dtype=None,
                              parallel_iterations=None, swap_memory=False, time_major=False,
                              scope=None):
    """`tf.nn.bidirectional_dynamic_rnn`: ((out_fw, out_bw), (state_fw, state_bw))."""
    tf = tf_api()
    time_axis, batch_axis = (0, 1) if time_major else (1, 0)

    def reverse(x):
        if sequence_length is not None:
            return tf.reverse_sequence(x, seq_lengths=sequence_length, seq_axis=time_axis,
                                       batch_axis=batch_axis)
        return tf.reverse(x, axis=[time_axis])

    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            out_fw, state_fw = dynamic_rnn(cell_fw, inputs, sequence_length, initial_state_fw,
                                           dtype, time_major=time_major, scope=fw_scope)
        with variable_scope("bw") as bw_scope:
            reversed_inputs = nest.map_structure(reverse, inputs)
            tmp, state_bw = dynamic_rnn(cell_bw, reversed_inputs, sequence_length,
                                        initial_state_bw, dtype, time_major=time_major,
                                        scope=bw_scope)
    out_bw = nest.map_structure(reverse, tmp)
    return (out_fw, out_bw), (state_fw, state_bw)


def static_bidirectional_rnn(cell_fw, cell_bw, inputs, initial_state_fw=None,
                             initial_state_bw=None, dtype=None, sequence_length=None,
                             scope=None):
    """`tf.nn.static_bidirectional_rnn`: outputs are fw and bw outputs concatenated."""
    tf = tf_api()
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            out_fw, state_fw = static_rnn(cell_fw, inputs, initial_state_fw, dtype,
                                          sequence_length, scope=fw_scope)
        with variable_scope("bw") as bw_scope:
            rev = list(reversed(inputs)) if sequence_length is None else [
                tf.unstack(t) for t in [tf.reverse_sequence(tf.stack(inputs), sequence_length,
                                                            0, 1)]][0]
            tmp, state_bw = static_rnn(cell_bw, rev, initial_state_bw, dtype, sequence_length,
                                       scope=bw_scope)
    out_bw = list(reversed(tmp)) if sequence_length is None else tf.unstack(
        tf.reverse_sequence(tf.stack(tmp), sequence_length, 0, 1))
    outputs = [tf.concat([f, b], 1) for f, b in zip(out_fw, out_bw)]
    return outputs, state_fw, state_bw
