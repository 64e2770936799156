"""String variables against TF: initialized, read, assigned from fed and computed strings,
grown without a fixed shape, saved and restored; their values are compiled into the runs that
read them (XLA holds no strings), so a run that writes one makes later runs see the new
value."""

import pytest
from oracle import ORACLE_HELPERS, explain, run_here, same

PROGRAMS = [
    """v = tf.Variable(["a", "b"], validate_shape=False, name="v")
w = tf.Variable("x", name="w")
p = tf.placeholder(tf.string, [None])
grow = tf.assign(v, tf.concat([v, p], 0), validate_shape=False)
join = tf.assign(w, tf.strings.join([w, tf.as_string(tf.size(v))]))
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    out = [s.run(v).tolist(), s.run(grow, {p: ["c"]}).tolist(), s.run(v).tolist(),
           s.run(grow, {p: ["d", "e"]}).tolist(), s.run(join), s.run(join), s.run([v, w])]
result = [out, v.shape.as_list(), v.dtype.name]""",
    """import os, tempfile
v = tf.Variable(["a", "bb"], name="v")
n = tf.Variable(1.5, name="n")
saver = tf.train.Saver()
path = os.path.join(tempfile.mkdtemp(), "ck")
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    s.run(tf.assign(v, ["q", "r"]))
    saver.save(s, path)
    s.run(tf.assign(v, ["z", "z"]))
    saver.restore(s, path)
    result = [s.run(v).tolist(), s.run(n), err(lambda: s.run(tf.assign(v, ["1", "2", "3"])))]""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS, ids=["assign", "checkpoint"])
def test_string_variables_match_tf(oracle, code):
    code = ORACLE_HELPERS + code
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
