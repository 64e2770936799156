"""contrib.seq2seq's gather_tree (TF 1.15's GatherTree kernel, written out in NumPy here: TF 2
has no such op) and tile_batch (against TF 1.15's definition over TF's ops in the oracle)."""

import numpy as np
import pytest
from contrib_oracle import compare
from oracle import ORACLE_HELPERS


def gather_tree_reference(step_ids, parent_ids, lengths, end_token):
    """TF 1.15's GatherTree CPU kernel, loop by loop."""
    steps, batch, width = step_ids.shape
    beams = np.full(step_ids.shape, end_token, step_ids.dtype)
    for b in range(batch):
        n = min(int(lengths[b]), steps)
        if n <= 0:
            continue
        for k in range(width):
            beams[n - 1, b, k] = step_ids[n - 1, b, k]
            parent = parent_ids[n - 1, b, k]
            for level in range(n - 2, -1, -1):
                if parent < 0 or parent >= width:
                    beams[level, b, k] = -1
                    break
                beams[level, b, k] = step_ids[level, b, parent]
                parent = parent_ids[level, b, parent]
            finished = False
            for t in range(n):
                if finished:
                    beams[t, b, k] = end_token
                elif beams[t, b, k] == end_token:
                    finished = True
    return beams


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gather_tree_follows_parents_as_tf(tf, seed):
    rng = np.random.RandomState(seed)
    steps, batch, width = 5, 4, 3
    step_ids = rng.randint(0, 6, (steps, batch, width)).astype(np.int32)
    parent_ids = rng.randint(-1 if seed == 2 else 0, width, (steps, batch, width)).astype(
        np.int32)
    lengths = np.array([5, 3, 0, 1], np.int32)
    ids, parents = tf.placeholder(tf.int32, [None, None, None]), tf.placeholder(tf.int32)
    out = tf.contrib.seq2seq.gather_tree(ids, parents, lengths, 2)
    assert (out.op.type, out.op.name) == ("GatherTree", "GatherTree")
    with tf.Session() as sess:
        got = sess.run(out, {ids: step_ids, parents: parent_ids})
    np.testing.assert_array_equal(got, gather_tree_reference(step_ids, parent_ids, lengths, 2))


TILE = ORACLE_HELPERS + r"""
import numpy as np
def tile_batch(t, multiplier, name=None):
    if hasattr(tf, "contrib"):
        return tf.contrib.seq2seq.tile_batch(t, multiplier, name)
    def one(t):
        t = tf.convert_to_tensor(t, name="t")
        shape_t = tf.shape(t)
        tiling = [1] * (t.shape.ndims + 1)
        tiling[1] = multiplier
        b = tf.compat.dimension_value(t.shape[0])
        tiled = tf.tile(tf.expand_dims(t, 1), tiling)
        tiled = tf.reshape(tiled, tf.concat(([shape_t[0] * multiplier], shape_t[1:]), 0))
        tiled.set_shape(tf.TensorShape([b * multiplier if b is not None else None]).concatenate(
            t.shape[1:]))
        return tiled
    with tf.name_scope(name, "tile_batch", tf.nest.flatten(t) + [multiplier]):
        return tf.nest.map_structure(one, t)
x = tf.constant(np.arange(12.0).reshape(2, 3, 2), tf.float32)
u = tf.placeholder(tf.int32, [None, 2])
out = tile_batch((x, {"u": u}), 3)
with tf.Session() as s:
    vals = s.run(out, {u: [[1, 2], [3, 4]]})
result = {"graph": [g[:3] for g in graph()],
          "shapes": [str(t.shape) for t in tf.nest.flatten(out)], "vals": vals}
"""


@pytest.mark.oracle
def test_tile_batch_like_tf(oracle):
    compare(oracle, TILE, ("graph", "shapes"))
