"""ExtractImagePatches / ExtractVolumePatches against real TF: shapes (static, partial,
unknown), patch values in TF's order for SAME and VALID windows with strides and rates, their
gradients' values, and TF's graph-time and run-time errors."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, fed_cases_match, run_here

PRELUDE = ORACLE_HELPERS + r"""
import numpy as np
x = tf.constant(np.arange(2 * 10 * 9 * 3, dtype=np.float32).reshape(2, 10, 9, 3))
v = tf.reshape(tf.range(2 * 5 * 6 * 7 * 3.), [2, 5, 6, 7, 3])
ph = tf.placeholder(tf.float32, [None, None, None, 3])
"""

SNIPPETS = {
    "values": """
outs = [tf.image.extract_image_patches(x, [1, 3, 2, 1], [1, 2, 3, 1], [1, 2, 1, 1], "SAME"),
        tf.image.extract_patches(x, [1, 3, 2, 1], [1, 2, 3, 1], [1, 2, 1, 1], "VALID", name="ep"),
        tf.extract_image_patches(x, ksizes=[1, 3, 2, 1], strides=[1, 2, 3, 1],
                                 rates=[1, 1, 1, 1], padding="VALID"),
        tf.extract_volume_patches(v, [1, 2, 3, 2, 1], [1, 2, 2, 1, 1], "SAME"),
        tf.image.extract_image_patches(x, sizes=[1, 4, 4, 1], strides=[1, 3, 3, 1],
                                       rates=[1, 1, 1, 1], padding="SAME"),
        tf.image.extract_patches(tf.cast(x, tf.int32), [1, 2, 2, 1], [1, 1, 1, 1],
                                 [1, 1, 1, 1], "VALID"),
        tf.image.extract_patches(ph, [1, 3, 2, 1], [1, 2, 3, 1], [1, 2, 1, 1], "SAME")]
grads = [tf.gradients(tf.reduce_sum(outs[0] * outs[0]), x)[0],
         tf.gradients(tf.reduce_sum(outs[4] * 1.5), x)[0],
         tf.gradients(tf.reduce_sum(outs[3] * outs[3]), v)[0]]
with tf.Session() as s:
    values = s.run(outs + grads, {ph: np.ones([1, 5, 4, 3])})
result = [[[list(a.shape), a.tolist()] for a in values],
          [o.shape.as_list() for o in outs], [(o.name, o.op.type) for o in outs],
          tf.image.extract_patches(tf.placeholder(tf.float32), [1, 3, 2, 1], [1, 2, 3, 1],
                                   [1, 2, 1, 1], "SAME").shape.as_list()]
""",
    "errors": """
def ep(*a, **k):
    return lambda: tf.image.extract_patches(*a, **k)
result = [err(ep(x, [1, 3, 2], [1, 2, 3, 1], [1, 2, 1, 1], "SAME")),
          err(ep(x, [1, 3, 2, 1], [1, 2, 3, 1], [1, 2, 1, 1], "FOO")),
          err(ep(x, [1, 13, 2, 1], [1, 2, 3, 1], [1, 2, 1, 1], "VALID")),
          err(ep(tf.zeros([2, 3, 3]), [1, 1, 2, 1], [1, 2, 3, 1], [1, 2, 1, 1], "VALID")),
          err(ep(tf.zeros([2, 3, 3, 1], tf.string), [1, 1, 2, 1], [1, 2, 3, 1], [1, 2, 1, 1],
                 "VALID")),
          err(lambda: tf.extract_volume_patches(v, [1, 2, 3, 2], [1, 2, 2, 1, 1], "SAME")),
          ep(x, [1, 0, 2, 1], [1, 2, 3, 1], [1, 2, 1, 1], "VALID")().shape.as_list()]
with tf.Session() as s:
    for f in (ep(x, [2, 3, 2, 1], [1, 2, 3, 1], [1, 2, 1, 1], "SAME"),
              ep(x, [1, 3, 2, 1], [2, 2, 3, 1], [1, 2, 1, 1], "SAME"),
              ep(x, [1, 3, 2, 1], [1, 2, 3, 1], [1, 2, 1, 2], "SAME"),
              ep(x, [1, 0, 2, 1], [1, 2, 3, 1], [1, 2, 1, 1], "VALID"),
              lambda: tf.extract_volume_patches(v, [2, 2, 3, 2, 1], [1, 2, 2, 1, 1], "SAME")):
        result.append(err(lambda: s.run(f())))
""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_extract_patches_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there, tol=0), explain(code, here, there)


@pytest.mark.oracle
def test_fed_rank_other_than_4_fails_as_tf(oracle):
    fed_cases_match(oracle, "p = tf.placeholder(tf.float32, None); out = "
                    "tf.extract_image_patches(p, [1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "
                    "'VALID')", [[[1.0]], [[[1.0, 2.0]]], [[[[1.0], [2.0]], [[3.0], [4.0]]]]])
