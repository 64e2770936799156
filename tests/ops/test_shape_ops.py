"""shape / size / rank, fill, zeros / ones (and _like), range, linspace, one_hot, sequence_mask,
meshgrid vs TF."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from array_oracle import check_graph, check_values
from oracle import ORACLE_HELPERS, run_here, unknown_rank_matches

GRAPHS = [
    "x = tf.placeholder(tf.float32, [None, 3]); y = tf.zeros(tf.shape(x)); z = tf.zeros([2, 3]); "
    "w = tf.zeros([1000, 1000]); o = tf.ones([2]); zl = tf.zeros_like(x); ol = tf.ones_like(x); "
    "zl2 = tf.zeros_like(z)",
    "x = tf.placeholder(tf.float32, [None, 3]); result = [tf.rank(x).name, "
    "tf.rank(tf.placeholder(tf.float32)).name, tf.size(x).name, "
    "tf.shape(x, out_type=tf.int64).name, [t.name for t in tf.shape_n([x, x])]]",
    "x = tf.placeholder(tf.float32, [2, 0, None]); a = tf.size(x); b = tf.shape(x); "
    "c = tf.shape(tf.zeros([2, 3])); d = tf.size(tf.zeros([2, 3]), out_type=tf.int64)",
    "o = tf.ones([2]); a = tf.ones_like(o); b = tf.ones_like(o, dtype=tf.int32); "
    "c = tf.zeros_like(o, dtype=tf.int32); x = tf.placeholder(tf.float32, [None]); "
    "d = tf.zeros_like(x, dtype=tf.int32); e = tf.ones([2, 3], tf.bool); "
    "f = tf.zeros([], tf.string); s = tf.placeholder(tf.int32, [2]); g = tf.zeros(s); "
    "h = tf.ones([s[0], 3])",
    "x = tf.placeholder(tf.float32, [None, 3]); a = tf.zeros_like([[1, 2]]); b = tf.ones(3)",
    "a = tf.fill([2, 3], 1.0); b = tf.fill(tf.constant([2]), 1); x = tf.placeholder(tf.int32, [2]);"
    " c = tf.fill(x, 2.); d = tf.fill([x[0], 2], 2.)",
    "a = tf.range(5); b = tf.range(1, 5, 2); c = tf.range(1., 5.); d = tf.range(5, "
    "dtype=tf.float32);"
    " x = tf.placeholder(tf.int32, []); e = tf.range(x); f = tf.range(0, 10, 3, dtype=tf.int64)",
    "a = tf.fill([2, -3], 1.)",
    "a = tf.fill(tf.concat([[2], [-3]], 0), 1.)",
    "x = tf.placeholder(tf.int32, []); a = tf.fill(tf.stack([x, -3]), 1.)",
    "a = tf.zeros([2, -3])",
    "a = tf.ones(tf.constant([2, -1]))",
    "a = tf.zeros([2000, -1], tf.int32)",
    "a = tf.reshape(tf.zeros([6]), [2, -3])",
    "a = tf.range(1.5, 7.2, 0.7); b = tf.range(10, 1, -3); c = tf.range(tf.constant(3, tf.int64))",
    "a = tf.range(5, 1)",
    "a = tf.range(1, 5, -1)",
    "a = tf.range(1, 5, 0)",
    "a = tf.range(1.5, 2., 0.)",
    "a = tf.range(5.5, 0.25, 1.)",
    "a = tf.range(tf.constant([[0]]), 3)",
    "a = tf.range(0, tf.constant([3]))",
    "a = tf.range(0, 3, tf.constant([1]))",
    "a = tf.linspace(0., 1., tf.constant([3]))",
    "a = tf.linspace(tf.constant([[0.]]), tf.constant([1., 2.]), 3)",
    "a = tf.one_hot([1, 2], 3); b = tf.one_hot([[1, 2]], 3, axis=0, on_value=5, off_value=0); "
    "x = tf.placeholder(tf.int32, [None]); c = tf.one_hot(x, 4, dtype=tf.int64); "
    "d = tf.one_hot(tf.constant([1]), 3, axis=2)",
    "a = tf.one_hot(tf.constant([1]), 3, axis=-2)",
    "a = tf.one_hot(tf.constant([1]), 3, on_value=1, dtype=tf.float32)",
    "a = tf.one_hot(tf.constant([1]), 3, on_value=1, off_value=0.)",
    "a = tf.sequence_mask([1, 2], 3); b = tf.sequence_mask([1, 2]); "
    "c = tf.sequence_mask(tf.constant([[1, 2]]), 4, dtype=tf.float32)",
    "a, b = tf.meshgrid([1, 2, 3], [4, 5]); "
    "c, d = tf.meshgrid(tf.constant([1., 2.]), [3., 4., 5.], indexing='ij')",
]


@pytest.mark.oracle
def test_negative_fill_dims_match_tf(oracle):
    """TF's whole text: -1 in constant dims is Fill's own error, with the node and the partial
    shape it read; a fed negative dim is the kernel's."""
    code = ORACLE_HELPERS + (
        "sh = tf.placeholder(tf.int32, [2]); f = tf.fill(sh, 1.)\n"
        "with tf.Session() as s:\n"
        "    result = [err(lambda: tf.zeros([2, -1])), err(lambda: tf.fill([-1], 1., name='f')),"
        " err(lambda: s.run(f, {sh: [2, -3]})), err(lambda: s.run(f, {sh: [2, 0]}))]\n")
    assert run_here(code) == oracle(code)


@pytest.mark.oracle
def test_fed_range_errors_match_tf(oracle):
    code = ORACLE_HELPERS + (
        "a, b, c = (tf.placeholder(tf.int64, []) for _ in range(3)); y = tf.range(a, b, c)\n"
        "with tf.Session() as s:\n"
        "    result = [err(lambda: s.run(y, dict(zip((a, b, c), v))))"
        " for v in [(1, 5, 0), (7, 1, 1), (1, 5, -1), (2, -3, 1), (1, 5, 2)]]\n")
    assert run_here(code) == oracle(code)


@pytest.mark.oracle
def test_range_of_fed_and_variable_floats_matches_tf(oracle):
    """Float start / limit / delta set the output's size: fed or read from a variable, the run
    compiles their values in (was a JAX TracerArrayConversionError)."""
    code = ORACLE_HELPERS + (
        "a, b, c = (tf.placeholder(tf.float32, []) for _ in range(3)); y = tf.range(a, b, c)\n"
        "v = tf.Variable(3.5); r = tf.range(0., v)\n"
        "with tf.Session() as s:\n"
        "    s.run(v.initializer)\n"
        "    result = [err(lambda: s.run(y, dict(zip((a, b, c), v))).tolist()) for v in"
        " [(1.5, 2., 0.), (5.5, 0.25, 1.), (0.1234567, 5.5, -1.), (0.5, 2., 0.5)]]\n"
        "    result += [s.run(y, {a: 0.5, b: 2., c: 0.5}).tolist(), s.run(r).tolist()]\n")
    assert run_here(code) == oracle(code)


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code)


@pytest.mark.oracle
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(dims=st.lists(st.sampled_from([0, 1, 2, 5, 40, None]), max_size=3),
       dtype=st.sampled_from(["tf.float32", "tf.int32", "tf.bool", "tf.int64"]))
def test_filled_tensors_match_tf(oracle, dims, dtype):
    known = [d or 3 for d in dims]
    check_graph(oracle, "x = tf.placeholder(%s, %r); a = tf.zeros(%r, %s); b = tf.ones(%r, %s); "
                        "c = tf.zeros_like(x); d = tf.ones_like(x, dtype=tf.float32); "
                        "e = tf.shape(x); f = tf.size(x); g = tf.rank(x)"
                % (dtype, dims, known, dtype, known, dtype))


VALUES = [
    "x = tf.placeholder(tf.float32, [None, 3]); fetch = [tf.shape(x), tf.size(x), tf.rank(x), "
    "tf.zeros_like(x), tf.ones_like(x, dtype=tf.int32), tf.fill(tf.shape(x), 7.), "
    "tf.zeros(tf.shape(x)), tf.ones([40, 40])]; feed = {x: np.ones((2, 3))}",
    "n = tf.constant(4); fetch = [tf.range(5), tf.range(1., 4., .5), "
    "tf.range(10, 1, -3), tf.range(n), tf.linspace(0., 1., 5), tf.one_hot([0, 2, -1], 3), "
    "tf.one_hot([[1, 2]], 3, axis=0, on_value=5, off_value=-1), tf.sequence_mask([1, 3], 4), "
    "tf.sequence_mask([2, 0]), tf.meshgrid([1, 2, 3], [4, 5]), "
    "tf.meshgrid([1., 2.], [3., 4., 5.], indexing='ij')]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES)
def test_values_match_tf(oracle, code):
    check_values(oracle, code)


# a placeholder of unknown shape fed with ranks the op cannot take (TF's kernel checks)

@pytest.mark.oracle
@pytest.mark.parametrize("expr", [
    'tf.one_hot(tf.cast(p, tf.int32), 3)',
    'tf.one_hot(tf.cast(p, tf.int32), 3, axis=3)',
    'tf.fill(tf.cast(p, tf.int32), 1.0)',
    'tf.range(p)',
])
def test_unknown_rank_fed_one_hot_as_tf(oracle, expr):
    unknown_rank_matches(oracle, expr)
