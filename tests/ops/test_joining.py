"""concat, stack / unstack (and list autopacking), split, tile, pad vs TF."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from array_oracle import check_graph, check_values
from oracle import ORACLE_HELPERS, fed_cases_match, run_here, unknown_rank_matches

GRAPHS = [
    "x = tf.placeholder(tf.float32, [None, 3]); f = tf.concat([x], 0); g = tf.concat([x, x], -1); "
    "h = tf.stack([x]); i = tf.stack([x, x], axis=1); j = tf.concat([x, x], axis=1, name='cc')",
    "x = tf.placeholder(tf.float32, [4, 6]); a = tf.split(x, 2); b = tf.split(x, [1, 5], 1); "
    "c = tf.split(x, [2, -1]); d = tf.unstack(x, axis=1); e = tf.tile(x, [2, 1]); "
    "f = tf.pad(x, [[1, 1], [0, 2]]); g = tf.pad(x, [[1, 1], [0, 2]], constant_values=3.); "
    "h = tf.pad(x, [[1, 1], [0, 2]], mode='REFLECT'); k = tf.pad(x, [[1, 1], [0, 2]], "
    "mode='symmetric')",
    "x = tf.placeholder(tf.float32, [4, 6]); n = tf.placeholder(tf.int32, [2]); "
    "a = tf.split(x, n, num=2)",
    "x = tf.placeholder(tf.float32, [None, None]); a = tf.split(x, 3, axis=1); b = tf.unstack(x)",
    "x = tf.stack([1, 2]); y = tf.stack([tf.constant(1), 2]); "
    "z = tf.convert_to_tensor([tf.constant(1), 2]); "
    "w = tf.convert_to_tensor([[tf.constant(1), 2], [3, 4]])",
    "x = tf.placeholder(tf.float32, [2]); a = tf.stack([x, 1.0]); b = tf.stack([x, 1.0], axis=1)",
    "x = tf.placeholder(tf.float32, [2]); a = tf.convert_to_tensor([x, [1, 2]])",
    "x = tf.placeholder(tf.float32, [2]); a = tf.convert_to_tensor([x, np.array([1, 2], "
    "np.float64)])",
    "x = tf.placeholder(tf.float32, []); a = tf.convert_to_tensor([x, 2], dtype=tf.int32)",
    "x = tf.placeholder(tf.float32, [2]); a = tf.concat([x, [1.]], 0); "
    "b = tf.concat([x, tf.constant([1.]), [2., 3.]], 0)",
    "x = tf.zeros([2, 3]); tf.concat([x, tf.zeros([3, 3])], 1)",
    "x = tf.zeros([2, 3]); tf.concat([x, tf.zeros([3])], 1)",
    "x = tf.zeros([2, 3]); tf.concat([x, x], 2)",
    "x = tf.zeros([2, 3]); tf.concat([x, x], -3)",
    "x = tf.zeros([2, 3]); tf.stack([x, tf.zeros([3, 3])])",
    "x = tf.zeros([2, 3]); tf.stack([x, x], axis=3)",
    "x = tf.zeros([2, 3]); tf.split(x, 4, 1)",
    "x = tf.zeros([2, 3]); tf.split(x, [1, 1], 1)",
    "x = tf.placeholder(tf.float32, [5, 3]); a = tf.split(x, [1, -1, -1], 0)",
    "x = tf.zeros([2, 3]); tf.tile(x, [1])",
    "x = tf.zeros([2, 3]); tf.pad(x, [[1, 1]])",
    "x = tf.zeros([2, 2]); a = tf.tile(x, [-1, 2])",
    "x = tf.zeros([2, 2]); a = tf.tile(x, [-3, 2])",
    "x = tf.zeros([2]); a = tf.pad(x, [[0, -1]])",
    "x = tf.zeros([2]); a = tf.pad(x, [[0, -1]], constant_values=1.)",
    "x = tf.zeros([2]); a = tf.pad(x, [[0, -1]], mode='REFLECT')",
    "x = tf.zeros([2]); a = tf.pad(x, [[2, 0]], mode='REFLECT'); "
    "b = tf.pad(x, [[0, 3]], mode='SYMMETRIC')",
    # ranks that differ fail before the axis is read (no input values in the message); an
    # axis out of range names it
    "tf.concat([tf.ones([2, 3]), tf.ones([3])], axis=0)",
    "tf.concat([tf.ones([2, 3]), tf.ones([2, 3])], axis=2)",
    "tf.concat([tf.ones([2, 3]), tf.ones([2, 4])], axis=0)",
    "x = tf.zeros([2, 3]); tf.unstack(x, axis=2)",
    "x = tf.zeros([2, 3]); tf.unstack(x, num=3)",
    "x = tf.placeholder(tf.float32); a = tf.concat([x, tf.zeros([2, 3])], 0); "
    "b = tf.concat([x, x], 1); c = tf.stack([x, x]); f = tf.tile(x, [2, 2]); "
    "g = tf.pad(x, [[1, 1]]); h = tf.split(x, 2)",
    "x = tf.placeholder(tf.float32, [None, 3]); "
    "a = tf.concat([x, tf.zeros([2, 3])], tf.placeholder(tf.int32, [])); "
    "b = tf.tile(x, tf.placeholder(tf.int32, [2])); c = tf.pad(x, tf.placeholder(tf.int32, "
    "[2, 2]))",
    "x = tf.placeholder(tf.float32, [None, 3]); a = tf.split(x, [1, 2], 1); "
    "b = tf.split(x, [1, -1], 0); c = tf.split(x, 3, tf.placeholder(tf.int32, []))",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code)


@pytest.mark.oracle
def test_fed_multiples_and_mirror_paddings_raise_tf_errors(oracle):
    code = ORACLE_HELPERS + (
        "m = tf.placeholder(tf.int32); p = tf.placeholder(tf.int32)\n"
        "t = tf.tile(tf.zeros([2]), m)\n"
        "r = tf.pad(tf.range(2.), p, mode='REFLECT')\n"
        "y = tf.pad(tf.range(2.), p, mode='SYMMETRIC')\n"
        "with tf.Session() as s:\n"
        "    result = [err(lambda: s.run(t, {m: v})) for v in ([-1], [1, 2], [0])]\n"
        "    result += [err(lambda: s.run(f, {p: v})) for f in (r, y)"
        " for v in ([[0, -1]], [[2, 0]], [[0, 3]], [[1, 2]])]\n")
    assert run_here(code) == oracle(code)


@st.composite
def joins(draw):
    rank = draw(st.integers(1, 3))
    dims = [[draw(st.sampled_from([1, 2, 3, None])) for _ in range(rank)] for _ in range(2)]
    axis = draw(st.integers(-rank, rank - 1))
    return dims, axis


@pytest.mark.oracle
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=joins())
def test_concat_stack_shapes_match_tf(oracle, case):
    (a, b), axis = case
    check_graph(oracle, "x = tf.placeholder(tf.float32, %r); y = tf.placeholder(tf.float32, %r); "
                        "c = tf.concat([x, y], %d); s = tf.stack([x, y], %d)" % (a, b, axis, axis))


@st.composite
def splits(draw):
    dims = [draw(st.sampled_from([2, 4, 6, None])) for _ in range(draw(st.integers(1, 3)))]
    axis = draw(st.integers(-len(dims), len(dims) - 1))
    how = draw(st.sampled_from(["2", "[1, -1]", "[2, 2, 2]", "[1, 3]"]))
    return dims, axis, how


@pytest.mark.oracle
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=splits())
def test_split_tile_pad_shapes_match_tf(oracle, case):
    dims, axis, how = case
    mult = [2] * len(dims)
    pads = [[1, 0]] * len(dims)
    check_graph(oracle, "x = tf.placeholder(tf.float32, %r); s = tf.split(x, %s, %d); "
                        "t = tf.tile(x, %r); p = tf.pad(x, %r); u = tf.unstack(x, num=2, axis=%d)"
                % (dims, how, axis, mult, pads, axis))


VALUES = [
    "x = tf.placeholder(tf.float32, [2, 3]); fetch = [tf.concat([x, x], 1), tf.stack([x, x], 1), "
    "tf.unstack(x, axis=1), tf.split(x, [1, 2], 1), tf.split(x, 2), tf.tile(x, [2, 1]), "
    "tf.pad(x, [[1, 0], [0, 2]], constant_values=-1.), tf.pad(x, [[1, 1], [2, 2]], 'REFLECT'), "
    "tf.pad(x, [[1, 1], [3, 3]], 'SYMMETRIC'), tf.convert_to_tensor([x[0], [7., 8., 9.]])]; "
    "feed = {x: np.arange(6.).reshape(2, 3)}",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES)
def test_values_match_tf(oracle, code):
    check_values(oracle, code)


@pytest.mark.oracle
@pytest.mark.parametrize("code", [
    "p = tf.placeholder(tf.float32, [None, 2]); out = tf.unstack(p, num=2)[0]",
    "p = tf.placeholder(tf.float32, [2, None]); out = tf.unstack(p, num=3, axis=-1)[2]",
])
def test_fed_dimension_of_another_size_fails_as_tf(oracle, code):
    # TF refused it, scopeflow returned the first `num` slices
    fed_cases_match(oracle, code, [[[1.0, 2.0]] * 3, [[1.0, 2.0, 3.0]] * 2, [[1.0, 2.0]]])


# a placeholder of unknown shape fed with ranks the op cannot take (TF's kernel checks)

@pytest.mark.oracle
@pytest.mark.parametrize("expr", [
    'tf.unstack(p, num=2)[1]',
    'tf.unstack(p, num=1, axis=-2)[0]',
    'tf.pad(p, [[1, 1], [0, 0]])',
    "tf.pad(p, [[1, 1], [0, 0]], 'REFLECT')",
    'tf.pad(p, [[1, 1], [0, 0]], constant_values=2.0)',
    'tf.concat([p, tf.ones([2, 3])], 0)',
    'tf.concat([p, tf.ones([2, 3])], 1)',
    'tf.tile(p, tf.cast(p, tf.int32))',
])
def test_unknown_rank_fed_joining_as_tf(oracle, expr):
    unknown_rank_matches(oracle, expr)


PARALLEL_STACK = r"""
a = tf.parallel_stack([tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0]), [5.0, 6.0]])
b = tf.parallel_stack([[1, 2]], name="ps")
p = tf.placeholder(tf.float32, [None])
out = [[t.name, t.dtype.name, str(t.shape)] for t in [a, b]]
out.append(err(lambda: tf.parallel_stack([p, p])))
out.append([[op.name, op.type] for op in tf.get_default_graph().get_operations()])
with tf.Session() as sess:
    out.append([sess.run(a).tolist(), sess.run(b).tolist()])
result = out
"""


@pytest.mark.oracle
def test_parallel_stack_matches_tf(oracle):
    """tf.parallel_stack: ExpandDims of each value into ParallelConcat, its shape attr from the
    first value (TF's error when that is not fully defined)."""
    code = ORACLE_HELPERS + PARALLEL_STACK
    there = oracle(code)
    assert "ok" in there, there
    assert run_here(code) == there


CONCAT_MESSAGES = [
    "tf.concat([tf.ones([2, 3]), tf.ones([3])], axis=0)",
    "tf.concat([tf.ones([2, 3]), tf.ones([2, 3])], axis=2)",
    "tf.concat([tf.ones([2, 3]), tf.ones([2, 4])], axis=0)",
    "tf.concat([tf.ones([2]), tf.ones([2, 3])], tf.placeholder(tf.int32, []))",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", CONCAT_MESSAGES)
def test_concat_errors_name_the_axis_value_as_tf(oracle, code):
    """The whole message: TF names the computed axis only where a check after reading it
    failed (its first pass, without values, checks the ranks)."""
    here, there = run_here("r = %s" % code), oracle("r = %s" % code)
    assert "raises" in here and "raises" in there, (here, there)
    assert here["msg"] == there["msg"], (here["msg"], there["msg"])
