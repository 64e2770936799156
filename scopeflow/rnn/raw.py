"""`tf.nn.raw_rnn`: a cell driven by the caller's `loop_fn`, in TF's while loop.

`loop_fn(time, cell_output, cell_state, loop_state)` returns `(finished, next_input,
next_cell_state, emit_output, next_loop_state)`: called once before the loop (time 0, the
rest None: the first input, the initial state, the emit structure and loop state), then after
each cell step. The loop runs while some batch entry is not finished; a finished entry keeps
its state and emits zeros. Graph as TF builds it: `rnn/while/...`, one dynamic-size
TensorArray `rnn_output_<i>` per emitted tensor.
"""

from scopeflow.core.scopes import variable_scope
from scopeflow.core.shape import TensorShape
from scopeflow.layers.core import tf_api
from scopeflow.ops import nest
from scopeflow.ops.shape_value import constant_value_as_shape
from scopeflow.ops.tensor_array import TensorArray
from scopeflow.rnn.cells import _concat


def raw_rnn(cell, loop_fn, parallel_iterations=None, swap_memory=False, scope=None):
    """(emit TensorArrays, final state, final loop state or None) of `cell` under `loop_fn`.

    >>> import scopeflow as tf
    >>> cell = tf.nn.rnn_cell.GRUCell(3)
    >>> x = tf.zeros([4, 2, 5])  # (time, batch, depth)
    >>> def loop_fn(t, out, state, loop_state):
    ...     done = t >= 4
    ...     nxt = tf.cond(done, lambda: tf.zeros([2, 5]), lambda: x[tf.minimum(t, 3)])
    ...     state = cell.zero_state(2, tf.float32) if out is None else state
    ...     return tf.fill([2], done), nxt, state, out, None
    >>> emit, final, _ = tf.nn.raw_rnn(cell, loop_fn)
    >>> emit.stack().shape.as_list()
    [None, 2, 3]
    """
    tf = tf_api()
    if not callable(loop_fn):
        raise TypeError("Argument `loop_fn` must be a callable. Received: %s." % (loop_fn,))
    parallel_iterations = parallel_iterations or 32
    with variable_scope(scope or "rnn"):
        time = tf.constant(0, dtype=tf.int32)
        finished, next_input, state, emit_structure, init_loop_state = loop_fn(
            time, None, None, None)
        loop_state = init_loop_state if init_loop_state is not None else tf.constant(
            0, dtype=tf.int32)
        flat_input = nest.flatten(next_input)
        static_batch = flat_input[0].shape[0]
        for x in flat_input:
            static_batch.assert_is_compatible_with(x.shape[0])
        const_batch = static_batch.value
        batch = const_batch if const_batch is not None else tf.shape(flat_input[0])[0]
        nest.assert_same_structure(state, cell.state_size)
        state = nest.pack_sequence_as(state, [tf.convert_to_tensor(s)
                                              for s in nest.flatten(state)])
        if emit_structure is not None:
            flat_emit = nest.flatten(emit_structure)
            sizes = [e.shape if e.shape.is_fully_defined() else tf.shape(e) for e in flat_emit]
            dtypes = [e.dtype for e in flat_emit]
        else:
            emit_structure = cell.output_size
            sizes = nest.flatten(emit_structure)
            dtypes = [nest.flatten(state)[0].dtype] * len(sizes)
        emit_ta = nest.pack_sequence_as(emit_structure, [
            TensorArray(dtype=dt, dynamic_size=True, size=0, name="rnn_output_%d" % i,
                        element_shape=TensorShape([const_batch]).concatenate(_static(size)))
            for i, (dt, size) in enumerate(zip(dtypes, sizes))])
        zero_emit = nest.pack_sequence_as(emit_structure, [
            tf.zeros(_concat(batch, size), dt) for size, dt in zip(sizes, dtypes)])

        def condition(unused_time, finished, *_):
            return tf.logical_not(tf.reduce_all(finished))

        def body(time, finished, current_input, emit_ta, state, loop_state):
            output, cell_state = cell(current_input, state)
            nest.assert_same_structure(state, cell_state)
            nest.assert_same_structure(cell.output_size, output)
            next_time = time + 1
            next_finished, next_input, next_state, emit, next_loop_state = loop_fn(
                next_time, output, cell_state, loop_state)
            nest.assert_same_structure(state, next_state)
            nest.assert_same_structure(current_input, next_input)
            nest.assert_same_structure(emit_ta, emit)
            loop_state = loop_state if next_loop_state is None else next_loop_state

            def keep_finished(current, candidate):  # a finished entry keeps `current`
                def one(cur, cand):
                    if isinstance(cur, TensorArray) or cur.shape.ndims == 0:
                        return cand
                    return tf.where(finished, cur, cand)
                return nest.map_structure(one, current, candidate)

            emit = keep_finished(zero_emit, emit)
            next_state = keep_finished(state, next_state)
            emit_ta = nest.map_structure(lambda ta, e: ta.write(time, e), emit_ta, emit)
            return (next_time, tf.logical_or(finished, next_finished), next_input, emit_ta,
                    next_state, loop_state)

        out = tf.while_loop(condition, body,
                            [time, finished, next_input, emit_ta, state, loop_state],
                            parallel_iterations=parallel_iterations, swap_memory=swap_memory)
        emit_ta, final_state, final_loop_state = out[-3:]
        return emit_ta, final_state, None if init_loop_state is None else final_loop_state


def _static(size):
    """An emit size as a TensorShape (TF's _maybe_tensor_shape_from_tensor)."""
    if hasattr(size, "op"):
        return constant_value_as_shape(size)
    return TensorShape(size)
