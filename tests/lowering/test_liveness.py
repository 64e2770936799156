"""Raw Switch / Merge outside tf.cond (lowering/liveness.py) against TF 2.21: the Merge passes
on the live input and its index, a fetched dead tensor is TF's "Retval[0] does not have value",
after TF's own control_flow_ops_py_test cases (testSwitchMergeAddMul, testSwitchDeadBranch, ...).
"""

import pytest
from oracle import RUN_OR_ERROR, explain, run_here, same

pytestmark = pytest.mark.usefixtures("tensorflow_paths")

HEAD = RUN_OR_ERROR + """
from tensorflow.python.ops import control_flow_ops as cfo
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
    "dead_fetch_numbered_by_sorted_names": """
p = tf.placeholder(tf.bool, [])
sw = cfo.switch(tf.constant([1.0, 2.0]), p)
a = tf.constant(1.0, name="a")
z = tf.identity(sw[0], name="z")
with tf.Session() as sess:
    result = [_run(sess, f, {p: True}) for f in ([z, a], [a, z], [sw[1], sw[0]],
                                                 [a, sw[0], z])]
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
    "enters_of_different_frames": """
from tensorflow.python.ops import gen_control_flow_ops as gen
data = tf.placeholder(tf.float32, shape=[])
e1 = gen.enter(data, "foo_1", False)
e2 = gen.enter(data, "foo_2", False)
with tf.Session() as sess:
    result = [_run(sess, tf.add(e1, e2), {data: 1.0}), _run(sess, e1 * 2.0, {data: 1.0}),
              _run(sess, e1 + e1, {data: 1.5})]
""",
    "nested_switches": """
p = tf.placeholder(tf.bool, [])
q = tf.placeholder(tf.bool, [])
f, t = cfo.switch(tf.constant([1.0, 2.0]), p)
tf_, tt = cfo.switch(t, q)
inner = cfo.merge([tf_ + 10.0, tt * 3.0])
outer = cfo.merge([f - 1.0, inner[0]])
with tf.Session() as sess:
    result = [[_run(sess, list(outer), {p: a, q: b}), _run(sess, list(inner), {p: a, q: b})]
              for a in (True, False) for b in (True, False)]
""",
    "control_edges_from_dead_ops": """
p = tf.placeholder(tf.bool, [])
f, t = cfo.switch(tf.constant(1.0), p)
with tf.control_dependencies([t]):  # (a Switch ran: its control edge is live)
    y = tf.constant(5.0) + 1.0
with tf.control_dependencies([tf.identity(t)]):
    z = tf.constant(7.0)
g = tf.group(t + 1.0)
with tf.control_dependencies([g]):
    w = tf.constant(3.0) * 2.0
with tf.control_dependencies([t]):
    m = cfo.merge([f + 1.0, t + 2.0])
with tf.Session() as sess:
    result = [[_run(sess, x, {p: b}) for x in (y, z, w, list(m))] for b in (True, False)]
    result.append(sess.run(g, {p: False}))  # (a dead target is no error)
""",
    "cond_reading_a_dead_value": """
p = tf.placeholder(tf.bool, [])
q = tf.placeholder(tf.bool, [])
f, t = cfo.switch(tf.constant(1.0), p)
c = tf.cond(q, lambda: t * 2.0, lambda: tf.constant(0.0))
with tf.Session() as sess:
    result = [_run(sess, c, {p: a, q: b}) for a in (True, False) for b in (True, False)]
""",
    # a stateful op on a fed predicate's Switch: compiled in, it runs or is dead as in TF
    "assign_on_fed_switch": """
v = tf.Variable(1.0)
p = tf.placeholder(tf.bool, [])
up = tf.assign(v, cfo.switch(tf.constant(3.0), p)[1])
with tf.Session() as sess:
    result = []
    for b in (True, False):
        sess.run(v.initializer)
        result += [_run(sess, up, {p: b}), _run(sess, v)]
        sess.run(up.op, {p: b})
        result.append(_run(sess, v))
""",
    "gen_control_flow_ops": """
from tensorflow.python.ops import gen_control_flow_ops as gen
p = tf.placeholder(tf.bool, [])
sw = gen.switch(tf.constant([1, 2]), p)
m = gen.merge([sw.output_false * 2, sw.output_true + 10])
with tf.Session() as sess:
    result = [[t.name for t in (*sw, *m)], type(m).__name__,
              [_run(sess, list(m), {p: b}) for b in (True, False)]]
""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(CASES))
def test_raw_switch_merge_matches_tf(oracle, name):
    code = HEAD + CASES[name]
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)


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
