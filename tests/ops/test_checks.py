"""tf.Assert, check_numerics and tf.debugging.assert_*: names, static and run-time errors."""

import textwrap

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from oracle import ORACLE_HELPERS, explain, run_here, same

from scopeflow.ops.checks import summarize_value

# the op names an assert creates (TF's cond guard internals aside) and the name it returns
NAMES = textwrap.dedent("""
    x = tf.placeholder(tf.float32, [None], name='x')
    xi = tf.placeholder(tf.int32, [None], name='xi')
    n = len(tf.get_default_graph().get_operations())
    r = {call}
    result = [getattr(r, 'name', None), [o.name for o in tf.get_default_graph().get_operations()[n:]
              if '/AssertGuard/' not in o.name]]
""")
CALLS = [
    "tf.Assert(tf.reduce_all(xi > 0), [xi])",
    "tf.Assert(tf.reduce_all(xi > 0), ['msg', xi], summarize=5, name='A')",
    "tf.Assert(tf.reduce_all(x > 0), ['msg', x])",
    "tf.debugging.assert_equal(x, 1.0)",
    "tf.assert_equal(xi, 1, message='m', summarize=2)",
    "tf.debugging.assert_none_equal(xi, 1)",
    "tf.debugging.assert_positive(x)",
    "tf.debugging.assert_negative(xi)",
    "tf.debugging.assert_non_negative(x, message='nn')",
    "tf.debugging.assert_non_positive(x)",
    "tf.assert_greater(x, 0.0)",
    "tf.assert_greater_equal(xi, 0)",
    "tf.debugging.assert_less_equal(xi, 0)",
    "tf.debugging.assert_near(x, x + 1.0)",
    "tf.debugging.check_numerics(x, 'm')",
    "tf.check_numerics(x, 'm', name='cn')",
    "tf.verify_tensor_all_finite(x, 'm')",
    "tf.debugging.assert_rank(x, 1)",
    "tf.debugging.assert_rank_at_least(x, 1)",
    "tf.debugging.assert_type(x, tf.float32)",
    "tf.debugging.assert_integer(xi)",
    "tf.debugging.assert_scalar(tf.constant(1.0))",
    "tf.debugging.assert_equal(x, x)",
]


@pytest.mark.oracle
@pytest.mark.parametrize("call", CALLS)
def test_names_match_tf(oracle, call):
    code = NAMES.format(call=call)
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)


RUN = textwrap.dedent("""
    x = tf.placeholder(tf.float32, [None], name='x')
    xi = tf.placeholder(tf.int32, [None], name='xi')
    a = {call}
    with tf.Session() as s:
        try:
            result = ['ok', s.run(a, {feed})]
        except tf.errors.OpError as e:
            lines = str(e).splitlines()
            result = [type(e).__name__] + [ln for ln in lines if ln.startswith(
                ('assertion failed', 'Node:', '\\t [[')) or 'Tensor had' in ln]
""")
RUNS = [
    ("tf.Assert(tf.reduce_all(x > 0), ['msg', x], summarize=2)", "{x: [1.0, -2.0, 3.0]}"),
    ("tf.Assert(tf.reduce_all(xi > 0), [xi])", "{xi: [1, 2]}"),
    ("tf.debugging.assert_equal(x, [1.0, 2.0], summarize=1)", "{x: [1.0, 1.1]}"),
    ("tf.debugging.assert_equal(x, [1.0, 2.0], data=['custom', x])", "{x: [1.0, 1.1]}"),
    ("tf.debugging.assert_positive(xi, message='pos')", "{xi: [1, -1]}"),
    ("tf.debugging.assert_non_positive(xi)", "{xi: [1, -1]}"),
    ("tf.debugging.assert_less(x, 2.0)", "{x: [0.5, 2.5, 7.25, 1e10]}"),
    ("tf.debugging.assert_near(x, 1.0)", "{x: [1.0, 1.1]}"),
    ("tf.debugging.check_numerics(x, 'chk')", "{x: [1.0, float('nan')]}"),
    ("tf.debugging.check_numerics(x * 1e38 * 10.0, 'big')", "{x: [1.0, float('nan')]}"),
    ("tf.verify_tensor_all_finite(x, 'vf')", "{x: [1.0, float('inf')]}"),
    ("tf.debugging.check_numerics(x, 'chk')", "{x: [1.0, 2.0]}"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("call,feed", RUNS)
def test_run_time_errors_match_tf(oracle, call, feed):
    code = RUN.format(call=call, feed=feed)
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)


STATIC = [
    "tf.debugging.assert_equal(tf.constant(1), tf.constant(2))",
    "tf.debugging.assert_less(tf.constant([1, 3]), 2)",
    "tf.debugging.assert_rank(tf.constant([1, 3]), 2)",
    "tf.debugging.assert_rank_at_least(tf.constant(1.0), 1, message='hm')",
    "tf.debugging.assert_type(tf.constant([1, 3]), tf.float32, message='mm')",
    "tf.debugging.assert_integer(tf.constant(1.0))",
    "tf.debugging.assert_scalar(tf.placeholder(tf.float32, [None]))",
    "tf.debugging.check_numerics(tf.constant([1, 2]), 'm')",
    "tf.assert_same_float_dtype([tf.constant(1.), None, tf.constant(1, tf.float16)])",
    "tf.assert_same_float_dtype([tf.constant(1.)], tf.float64)",
    "tf.assert_same_float_dtype([tf.constant(1.)], tf.float32)",
    "tf.assert_same_float_dtype([tf.constant(1)])",
    "tf.assert_same_float_dtype(None, tf.int32)",
    "tf.assert_same_float_dtype()",
]


@pytest.mark.oracle
@pytest.mark.parametrize("call", STATIC)
def test_static_violations_raise_while_building(oracle, call):
    code = "result = str(%s)" % call
    here, there = run_here(code), oracle(code)
    assert same(here, there) and here.get("msg") == there.get("msg"), \
        explain(code, here, there)


def test_assert_stops_dependent_work(tf):
    v = tf.Variable(0.0)
    p = tf.placeholder(tf.float32, [])
    with tf.control_dependencies([tf.Assert(p > 0, [p])]):
        up = tf.assign_add(v, p)
    with tf.Session() as s:
        s.run(v.initializer)
        assert s.run(up, {p: 2.0}) == 2.0
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"assertion failed: \[-1\]"):
            s.run(up, {p: -1.0})
        assert s.run(v) == 2.0


# ---- TF's SummarizeValue ------------------------------------------------------------------------
_DTYPES = st.sampled_from(["float32", "float64", "int32", "int64", "bool"])


@st.composite
def arrays(draw):
    dtype = draw(_DTYPES)
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3))
    elems = st.floats(-1e9, 1e9, width=32) if dtype.startswith("float") else None
    return draw(hnp.arrays(dtype, shape, elements=elems))


@pytest.mark.oracle
@settings(max_examples=30, deadline=None)
@given(arrays(), st.integers(-1, 7))
def test_summarize_matches_tf(oracle, value, summarize):
    code = ("a = tf.Assert(False, [tf.constant(np.array(%r, dtype=%r).reshape(%r))], "
            "summarize=%d)\nwith tf.Session() as s:\n  s.run(a)"
            % (value.tolist(), str(value.dtype), value.shape, summarize))
    there = oracle(code)
    line = next(ln for ln in there["msg"].splitlines() if ln.startswith("assertion failed"))
    assert line == "assertion failed: [%s]" % summarize_value(value, summarize), code


def test_summarize_examples():
    a = np.arange(24).reshape(2, 3, 4)
    assert summarize_value(a, 5) == "[[0 1 2 3][4...]]..."
    assert summarize_value(np.arange(5), 0) == "..."
    assert summarize_value(np.float32(1 / 3)) == "0.333333343"
    assert summarize_value(np.array([b"ab", b"c"])) == "ab c"
    assert summarize_value(np.zeros([2, 0])) == ""
    # TF's kernel threads read subnormals as zero (float32 and float64, not float16)
    assert summarize_value(np.array([1.4e-45, 1e-40, 1], np.float32)) == "0 0 1"
    assert summarize_value(np.array([5e-324, 1e-40])) == "0 1e-40"
    assert summarize_value(np.array([6e-8], np.float16)) == "5.96046448e-08"


ADD_CHECKS = """
x = tf.placeholder(tf.float32, [2], name='x')
y = tf.sqrt(x) * 2.0
n = tf.cast(x, tf.int32)
ops = tf.add_check_numerics_ops()
made = [[o.name, o.type, [i.name for i in o.control_inputs]] for o in
        tf.get_default_graph().get_operations() if o.type in ('CheckNumerics', 'NoOp')]
with tf.Session() as s:
    ok = s.run([y, ops], {x: [1.0, 4.0]})[0]
    try:
        s.run(ops, {x: [1.0, -4.0]})
        bad = 'ran'
    except tf.errors.InvalidArgumentError as e:
        bad = [ln for ln in str(e).splitlines() if 'Tensor had' in ln]
result = [made, ok, bad]
"""


@pytest.mark.oracle
def test_add_check_numerics_ops_matches_tf(oracle):
    here, there = run_here(ADD_CHECKS), oracle(ADD_CHECKS)
    assert "ok" in there and here == there, explain(ADD_CHECKS, here, there)


@pytest.mark.oracle
def test_add_check_numerics_ops_refuses_control_flow(oracle):
    code = ("x = tf.placeholder(tf.float32, []); y = tf.cond(x > 0, lambda: x * 2., lambda: x)\n"
            "tf.add_check_numerics_ops()")
    here, there = run_here(code), oracle(code)
    assert there["raises"] == "ValueError" and same(here, there), explain(code, here, there)
    assert here["msg"] == there["msg"]


GUARD = r"""
x = tf.placeholder(tf.float32, [3], name="x")
a = tf.Assert(tf.reduce_all(x > 0), [x, "msg"], name="A")
k = tf.Assert(tf.constant(False), [tf.constant([1.5])])
b = tf.debugging.assert_positive(x)
d = tf.assert_less(x, 5.0, message="too big")
e = tf.debugging.assert_equal(tf.constant([1.0, 2.0]),
                              tf.placeholder_with_default([2.0, 4.0], [2]))
ops = [[o.name, o.type, [i.name for i in o.inputs], [c.name for c in o.control_inputs]]
       for o in tf.get_default_graph().get_operations()]
runs = []
with tf.Session() as s:
    for target, feed in ((a, [1, 2, 3]), (a, [1, -2, 3]), (b, [0, 1, 2]), (d, [1, 9, 2]),
                         (k, [1, 2, 3]), (e, [1, 2, 3])):
        try:
            runs.append(str(s.run(target, {x: feed})))
        except tf.errors.OpError as err:
            runs.append([type(err).__name__, err.message.splitlines()[0]])
result = {"ops": ops, "types": [t.type for t in (a, b, d)], "runs": runs}
"""


@pytest.mark.oracle
def test_assert_guard_is_tfs_cond(oracle):
    """tf.Assert of non-string data builds TF's AssertGuard cond (Switch, switch_t/f,
    pred_id, NoOp branch, the Assert behind Switches of its inputs, Merge returned); the run
    fails as TF's does, also where the condition is known when the run is traced."""
    here, there = run_here(GUARD), oracle(GUARD)
    assert here == there, explain(GUARD, here, there)



ASSERT_RANK_IN = r"""
x = tf.constant([[1.0, 2.0]])
a0 = tf.assert_rank_in(x, [1, 2])
out = [[a0.name, a0.type]] + [err(f) for f in [
    lambda: tf.debugging.assert_rank_in(x, (3,)),
    lambda: tf.assert_rank_in(x, [0, 1], message="msg"), lambda: tf.assert_rank_in(x, [[1, 2]]),
    lambda: tf.assert_rank_in(x, [1.0]), lambda: tf.assert_rank_in(x, [])]]
p = tf.placeholder(tf.float32, name="p")
r = tf.placeholder(tf.int32, name="r")
a1 = tf.assert_rank_in(p, [1, 3], name="dyn")
a2 = tf.debugging.assert_rank_in(p, [r, 2])
out.append([[op.name, op.type] for op in tf.get_default_graph().get_operations()
             if op.name.startswith(("dyn", "assert_rank_in"))])
with tf.Session() as sess:
    for op, feed in [(a1, {p: [1.0]}), (a1, {p: 1.0}), (a2, {p: [[1.0]], r: 5}),
                     (a2, {p: [1.0], r: 1}), (a2, {p: [1.0], r: [1]})]:
        out.append(err(lambda: sess.run(op, feed)))
result = out
"""


@pytest.mark.oracle
def test_assert_rank_in_matches_tf(oracle):
    code = ORACLE_HELPERS + ASSERT_RANK_IN
    there = oracle(code)
    assert "ok" in there, there
    assert run_here(code) == there
