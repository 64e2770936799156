"""Raw Switch / Merge outside tf.cond (lowering/liveness.py) against TF 2.21: the Merge passes
on the live input and its index, a fetched dead tensor is TF's "Retval[0] does not have value",
after TF's own control_flow_ops_py_test cases (testSwitchMergeAddMul, testSwitchDeadBranch, ...).
"""

import pytest
from oracle import explain, run_here, same

from scopeflow.cli import install_aliases


@pytest.fixture(autouse=True)
def _tensorflow_paths():
    install_aliases()  # `from tensorflow.python.ops import control_flow_ops` here as in TF

HEAD = """
from tensorflow.python.ops import control_flow_ops as cfo
def _run(sess, x, feed=None):
    try:
        v = sess.run(x, feed)
    except tf.errors.OpError as e:
        return [type(e).__name__, e.message.splitlines()[-1]]
    return [getattr(a, "tolist", lambda: a)() for a in v] if isinstance(v, list) else v.tolist()
"""

CASES = {
    "add_mul_constant_pred": """
data = tf.constant([1, 2, 3, 4, 5, 6], name="data")
sw = cfo.switch(data, tf.convert_to_tensor(True, name="ports"))
m = cfo.merge([tf.add(sw[0], 1), tf.multiply(sw[1], 5)])
with tf.Session() as sess:
    result = [_run(sess, list(m)), [t.name for t in m]]
""",
    "add_identity_false": """
data = tf.constant([1, 2, 3, 4, 5, 6], name="data")
sw = cfo.switch(data, tf.convert_to_tensor(False, name="ports"))
m = cfo.merge([tf.add(sw[0], 1), tf.identity(sw[1])])
with tf.Session() as sess:
    result = _run(sess, list(m))
""",
    "less_pred": """
data = tf.constant([1, 2, 3, 4, 5, 6], name="data")
sw = cfo.switch(data, tf.less(0, 1))
with tf.Session() as sess:
    result = _run(sess, list(cfo.merge(sw)))
""",
    "fed_pred_both_ways": """
data = tf.constant([1.0, 2.0, 3.0])
p = tf.placeholder(tf.bool, [])
sw = cfo.switch(data, p)
m = cfo.merge([tf.add(sw[0], 1.0), tf.multiply(sw[1], 5.0)])
with tf.Session() as sess:
    result = [_run(sess, list(m), {p: b}) for b in (True, False)]
""",
    "fed_data_and_pred": """
x = tf.placeholder(tf.float32, [2])
p = tf.placeholder(tf.bool, [])
sw = cfo.switch(x, p)
m = cfo.merge([sw[1] * 2.0, sw[0] - 1.0])
with tf.Session() as sess:
    result = [_run(sess, m[0], {x: [1.0, 2.0], p: b}) for b in (True, False)]
""",
    "dead_branch_constant_pred": """
data = tf.constant([1, 2, 3, 4, 5, 6], name="data")
sw = cfo.switch(data, tf.convert_to_tensor(True, name="ports"))
with tf.Session() as sess:
    result = [_run(sess, tf.identity(sw[0])), _run(sess, sw[1])]
""",
    "dead_branch_fed_pred": """
p = tf.placeholder(tf.bool, [])
sw = cfo.switch(tf.constant([1.0, 2.0]), p)
y = sw[0] + 1.0
with tf.Session() as sess:
    result = [_run(sess, y, {p: True}), _run(sess, y, {p: False})]
""",
    "merge_of_dead_inputs_is_dead": """
p = tf.placeholder(tf.bool, [])
sw = cfo.switch(tf.constant([1.0, 2.0]), p)
m = cfo.merge([sw[0] + 1.0, sw[0] + 1.0])[0]  # (both live: TF takes either)
with tf.Session() as sess:
    result = [_run(sess, m, {p: True}), _run(sess, m, {p: False})]
""",
    "indexed_slices": """
data = tf.IndexedSlices(tf.constant([1, 2, 3, 4, 5, 6]), tf.constant([0, 2, 4, 6, 8, 10]))
m = cfo.merge(cfo.switch(data, tf.convert_to_tensor(True)))[0]
with tf.Session() as sess:
    result = _run(sess, [m.values, m.indices])
""",
    "merge_of_unswitched_tensors_takes_the_first": """
m = cfo.merge([tf.constant(1.0), tf.constant(2.0)])
with tf.Session() as sess:
    result = _run(sess, list(m))
""",
    "merge_different_shapes_constant_pred": """
sw = cfo.switch(tf.constant([1.0, 2.0]), tf.constant(False))
m = cfo.merge([tf.reduce_sum(sw[1]), sw[0]])[0]
with tf.Session() as sess:
    result = _run(sess, m)
""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(CASES))
def test_raw_switch_merge_matches_tf(oracle, name):
    code = HEAD + CASES[name]
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)


def test_stateful_op_on_a_maybe_dead_tensor_raises():
    import scopeflow.compat.v1 as tf
    from scopeflow.errors import UnimplementedError
    from scopeflow.ops.cf_composite import switch
    with tf.Graph().as_default():
        v = tf.Variable(1.0)
        p = tf.placeholder(tf.bool, [])
        up = tf.assign(v, switch(tf.constant(3.0), p)[1])
        with tf.Session() as sess:
            sess.run(v.initializer)
            with pytest.raises(UnimplementedError, match="dead tensor of a Switch"):
                sess.run(up, {p: True})


def test_merge_of_different_shapes_under_a_fed_pred_raises():
    import scopeflow.compat.v1 as tf
    from scopeflow.errors import UnimplementedError
    from scopeflow.ops.cf_composite import merge, switch
    with tf.Graph().as_default():
        p = tf.placeholder(tf.bool, [])
        sw = switch(tf.constant([1.0, 2.0]), p)
        m = merge([tf.reduce_sum(sw[1]), sw[0]])[0]
        with tf.Session() as sess:
            with pytest.raises(UnimplementedError, match="differ in shape"):
                sess.run(m, {p: True})
