"""The raw control-flow ops of reference variables (RefIdentity, RefMerge, RefSelect) against
TF 2.21: their shapes, names and values, an assign through them, RefSelect's index error."""

import pytest
from oracle import RUN_OR_ERROR, explain, run_here, same

pytestmark = pytest.mark.usefixtures("tensorflow_paths")

HEAD = RUN_OR_ERROR + """
from tensorflow.python.ops import control_flow_ops as cfo
from tensorflow.python.ops import gen_array_ops
a = tf.Variable(tf.zeros([3, 2]), name="a")
b = tf.Variable(tf.ones([3, 2]), name="b")
"""

CASES = {
    "ref_select_shapes": """
idx = tf.placeholder(tf.int32)
c = tf.Variable(tf.ones([3]))
u = tf.Variable(tf.placeholder_with_default(tf.ones([3, 2]), [None, 2]), validate_shape=False)
s = cfo.ref_select(idx, [a, b])
result = [s.name, s.dtype.name, s.shape, cfo.ref_select(idx, [a, c]).shape,
          cfo.ref_select(idx, [a, u]).shape]
""",
    "ref_select_rank_error": """
cfo.ref_select(tf.constant([1]), [a, b])
""",
    "ref_select_values_and_assign": """
idx = tf.placeholder(tf.int32, [])
s = cfo.ref_select(idx, [a, b])
up = tf.assign(cfo.ref_select(idx, [a, b]), tf.fill([3, 2], 7.0))
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    result = [_run(sess, s, {idx: 1}), _run(sess, s, {idx: 2}), _run(sess, s, {idx: -1}),
              _run(sess, up, {idx: 1}), _run(sess, [a, b])]
""",
    "ref_merge": """
m = cfo.ref_merge([a._ref(), b._ref()])
p = tf.placeholder(tf.bool, [])
f, t = cfo.ref_switch(b._ref(), tf.constant(False))
up = tf.assign(cfo.ref_merge([f, t])[0], tf.fill([3, 2], 8.0))
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    result = [[x.name for x in m], m[0].dtype.name, m[0].shape, type(m).__name__,
              _run(sess, up), _run(sess, [a, b])]
""",
    "ref_identity": """
i = cfo._Identity(a)
j = gen_array_ops.ref_identity(b._ref())
up = tf.assign(i, tf.fill([3, 2], 9.0))
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    result = [i.name, i.dtype.name, j.name, cfo._Identity(tf.ones(2)).name,
              _run(sess, up), _run(sess, [a, j])]
""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(CASES))
def test_ref_ops_match_tf(oracle, name):
    code = HEAD + CASES[name]
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
