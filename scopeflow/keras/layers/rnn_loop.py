"""Keras' time loop (`tf.keras.backend.rnn`) as tf_keras builds it in a TF1 graph.

The cell runs once on the first time step outside the loop (the output's shape and dtype; the
dropout masks are made there), then inside one `tf.while_loop` named `<layer>/while` over
TensorArrays; `unroll=True` calls the cell once per step instead.

>>> import scopeflow as tf
>>> x = tf.placeholder(tf.float32, [None, 4, 2])
>>> step = lambda x_t, states: (x_t + states[0], [x_t + states[0]])
>>> last, seq, states = rnn(step, x, [tf.zeros([tf.shape(x)[0], 2])])
>>> last.shape.as_list(), seq.shape.as_list()
([None, 2], [None, 4, 2])
"""

from scopeflow.layers.core import tf_api
from scopeflow.ops import nest
from scopeflow.ops.gather import where_v2


class Loop:
    """What a time loop runs: the step, its options and the mask; `run` builds the loop."""

    def __init__(self, step, go_backwards=False, mask=None, unroll=False, time_major=False,
                 zero_output_for_mask=False):
        self.step, self.go_backwards, self.mask = step, go_backwards, mask
        self.unroll, self.time_major = unroll, time_major
        self.zero_output_for_mask = zero_output_for_mask


def _swap(t):
    """(batch, time, ...) <-> (time, batch, ...)."""
    axes = list(range(len(t.shape)))
    axes[0], axes[1] = 1, 0
    return tf_api().transpose(t, axes)


def _expand_mask(mask_t, x, fixed_dim=1):
    """The (batch,) mask tiled to `x`'s shape."""
    tf = tf_api()
    for _ in range(len(x.shape) - len(mask_t.shape)):
        mask_t = tf.expand_dims(mask_t, -1)
    return tf.tile(mask_t, [1] * fixed_dim + x.shape.as_list()[fixed_dim:])


def rnn(step, inputs, initial_states, go_backwards=False, mask=None, unroll=False,
        time_major=False, zero_output_for_mask=False):
    """`(last_output, outputs, new_states)` of `step(x_t, states) -> (out, new_states)`
    over the time axis of `inputs`."""
    return run(Loop(step, go_backwards, mask, unroll, time_major, zero_output_for_mask),
               inputs, list(initial_states))


def run(loop, inputs, initial_states):
    """Builds the loop of `loop` over `inputs` from `initial_states` (a flat list)."""
    tf = tf_api()
    if not loop.time_major:
        inputs = _swap(inputs)  # (time, batch, ...)
    time_steps, batch = inputs.shape[0], inputs.shape[1]
    time_steps_t = tf.shape(inputs)[0]
    inputs.shape.with_rank_at_least(3)
    mask = loop.mask
    if mask is not None:
        if mask.dtype.base_dtype != tf.bool:
            mask = tf.cast(mask, tf.bool)
        if len(mask.shape) == 2:
            mask = tf.expand_dims(mask, -1)
        if not loop.time_major:
            mask = _swap(mask)
    if loop.unroll:
        last, outputs, states = _unrolled(loop, inputs, mask, initial_states)
    else:
        last, outputs, states = _while(loop, inputs, mask, initial_states, time_steps_t)
    shape = outputs.shape.as_list()
    shape[0], shape[1] = time_steps.value if hasattr(time_steps, "value") else time_steps, \
        batch.value if hasattr(batch, "value") else batch
    outputs.set_shape(shape)
    if not loop.time_major:
        outputs = _swap(outputs)
    return last, outputs, states


def _unrolled(loop, inputs, mask, states):
    """One cell call per (static) time step."""
    tf = tf_api()
    if inputs.shape[0] is None or getattr(inputs.shape[0], "value", 0) is None:
        raise ValueError("Unrolling requires a fixed number of timesteps.")
    xs = tf.unstack(inputs)
    if loop.go_backwards:
        xs.reverse()
    outs = []
    if mask is None:
        for x_t in xs:
            out, states = loop.step(x_t, tuple(states))
            outs.append(out)
        return outs[-1], tf.stack(outs), list(states)
    masks = tf.unstack(mask)
    if loop.go_backwards:
        masks.reverse()
    for x_t, mask_t in zip(xs, masks):
        out, new_states = loop.step(x_t, tuple(states))
        tiled = _expand_mask(mask_t, out)
        prev = outs[-1] if outs else tf.zeros_like(out)
        outs.append(where_v2(tiled, out, prev))
        flat = nest.flatten(states)
        tiled = [_expand_mask(mask_t, s) for s in flat]
        states = [where_v2(m, n, s) for m, s, n in zip(tiled, flat, nest.flatten(new_states))]
    last, outputs = outs[-1], tf.stack(outs)
    if loop.zero_output_for_mask:
        last = where_v2(_expand_mask(masks[-1], last), last, tf.zeros_like(last))
        outputs = where_v2(_expand_mask(mask, outputs, fixed_dim=2), outputs,
                           tf.zeros_like(outputs))
    return last, outputs, states


def _while(loop, inputs, mask, initial_states, time_steps_t):
    """The TensorArray loop: `(time, output_ta[, prev_output]) + states`."""
    tf = tf_api()
    states = tuple(initial_states)
    input_ta = tf.TensorArray(dtype=inputs.dtype, size=time_steps_t,
                              tensor_array_name="input_ta_0")
    input_ta = input_ta.unstack(inputs if not loop.go_backwards else
                                tf.reverse(inputs, [0]))
    out_zero, _ = loop.step(inputs[0], states)  # shapes, dtypes; the cell's dropout masks
    output_ta = tf.TensorArray(dtype=out_zero.dtype, size=time_steps_t,
                               element_shape=out_zero.shape, tensor_array_name="output_ta_0")
    time = tf.constant(0, dtype="int32", name="time")
    kwargs = {"parallel_iterations": 32, "swap_memory": True}

    def cond(time, *_):
        return time < time_steps_t

    if mask is None:
        def body(time, output_ta_t, *states):
            out, new_states = loop.step(input_ta.read(time), tuple(states))
            for s, n in zip(states, nest.flatten(new_states)):
                n.set_shape(s.shape)
            output_ta_t = output_ta_t.write(time, out)
            return (time + 1, output_ta_t) + tuple(nest.flatten(new_states))

        final = tf.while_loop(cond, body, (time, output_ta) + _read(states), **kwargs)
        new_states = final[2:]
    else:
        if loop.go_backwards:
            mask = tf.reverse(mask, [0])
        mask_ta = tf.TensorArray(dtype=tf.bool, size=time_steps_t,
                                 tensor_array_name="mask_ta").unstack(mask)
        zero_out = tf.zeros_like(out_zero)

        def masked(mask_t, new, old):
            return where_v2(_expand_mask(mask_t, new, fixed_dim=len(mask_t.shape)), new, old)

        def body(time, output_ta_t, prev_output, *states):
            x_t = input_ta.read(time)
            mask_t = mask_ta.read(time)
            out, new_states = loop.step(x_t, tuple(states))
            out = masked(mask_t, out, zero_out if loop.zero_output_for_mask else prev_output)
            flat = nest.flatten(new_states)
            for s, n in zip(states, flat):
                n.set_shape(s.shape)
            flat = [masked(mask_t, n, s) for n, s in zip(flat, states)]
            output_ta_t = output_ta_t.write(time, out)
            return (time + 1, output_ta_t, out) + tuple(flat)

        final = tf.while_loop(cond, body, (time, output_ta, zero_out) + _read(states),
                              **kwargs)
        new_states = final[3:]
    outputs = final[1].stack()
    return outputs[-1], outputs, list(new_states)


def _read(states):
    """Loop values: a stateful layer's state variables read before the loop, as TF's
    while_loop converts them."""
    tf = tf_api()
    return tuple(tf.convert_to_tensor(s) if hasattr(s, "assign") else s for s in states)
