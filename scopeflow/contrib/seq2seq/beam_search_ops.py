"""`tf.contrib.seq2seq.gather_tree` (TF 1.15's GatherTree op: the beams' token ids followed back
through their parents) and `tile_batch` (each batch entry repeated for the beams)."""

import jax
import jax.numpy as jnp

from scopeflow.core.shape import TensorShape
from scopeflow.gradients.registry import not_differentiable
from scopeflow.layers.core import tf_api
from scopeflow.ops import nest
from scopeflow.ops.registry import ANY, op


def _gather_tree_shape(step_ids, parent_ids, max_sequence_lengths, end_token):
    shape = step_ids.shape.merge_with(parent_ids.shape)
    if shape.ndims is not None and shape.ndims != 3:
        raise ValueError("Shape must be rank 3 but is rank %d for 'GatherTree'" % shape.ndims)
    return shape, step_ids.dtype.base_dtype


@op("GatherTree", infer=_gather_tree_shape,
    types={"max_sequence_lengths": ANY, "end_token": "T"})
def _gather_tree(step_ids, parent_ids, max_sequence_lengths, end_token):
    # (time, batch, beam): from each sequence's last step back to 0, the token of the beam the
    # parent pointer names; an invalid parent gives -1 and stops; end_token past each length
    # and after the first end_token
    step_ids, parent_ids = jnp.asarray(step_ids), jnp.asarray(parent_ids)
    steps, _, width = step_ids.shape
    lengths = jnp.asarray(max_sequence_lengths, jnp.int32)[None, :, None]  # (1, batch, 1)
    start = jnp.broadcast_to(jnp.arange(width, dtype=parent_ids.dtype), step_ids.shape[1:])

    def back(carry, t):
        parent, broken = carry  # (batch, beam): the beam read at t; whether it broke
        last = t == lengths[0] - 1
        inside = t < lengths[0] - 1
        beam = jnp.where(last, start, parent)
        ok = (beam >= 0) & (beam < width) & ~broken
        safe = jnp.clip(beam, 0, width - 1).astype(jnp.int32)
        token = jnp.take_along_axis(step_ids[t], safe, axis=1)
        up = jnp.take_along_axis(parent_ids[t], safe, axis=1)
        live = last | inside
        out = jnp.where(live & ok, token, jnp.where(live & ~broken & ~ok, -1, end_token))
        broken = broken | (live & ~ok)
        return (jnp.where(live, up, parent), broken), out

    init = (start, jnp.zeros(step_ids.shape[1:], bool))
    _, beams = jax.lax.scan(back, init, jnp.arange(steps)[::-1])
    beams = beams[::-1]
    # after the first end_token within a sequence, every step is end_token
    ended = jnp.cumsum(beams == end_token, axis=0) - (beams == end_token) > 0
    return jnp.where(ended, end_token, beams).astype(step_ids.dtype)


not_differentiable("GatherTree")


def gather_tree(step_ids, parent_ids, max_sequence_lengths, end_token, name=None):
    """The full beams: `step_ids` (time, batch, beam) followed back along `parent_ids`."""
    return _gather_tree(step_ids, parent_ids, max_sequence_lengths, end_token, name=name)


def _tile(t, multiplier):
    tf = tf_api()
    t = tf.convert_to_tensor(t, name="t")
    shape = tf.shape(t)
    if t.shape.ndims is None or t.shape.ndims < 1:
        raise ValueError("t must have statically known rank")
    tiling = [1] * (t.shape.ndims + 1)
    tiling[1] = multiplier
    batch = t.shape[0].value
    tiled = tf.tile(tf.expand_dims(t, 1), tiling)  # (batch, multiplier, ...)
    tiled = tf.reshape(tiled, tf.concat(([shape[0] * multiplier], shape[1:]), 0))
    tiled.set_shape(TensorShape([batch * multiplier if batch is not None else None])
                    .concatenate(t.shape[1:]))
    return tiled


def tile_batch(t, multiplier, name=None):
    """Each batch entry of (every tensor of) `t` repeated `multiplier` times in a row:
    (batch, ...) -> (batch * multiplier, ...)."""
    flat = nest.flatten(t)
    with tf_api().name_scope(name, "tile_batch", flat + [multiplier]):
        return nest.map_structure(lambda x: _tile(x, multiplier), t)
