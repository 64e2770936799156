"""gather / gather_nd / scatter_nd, where / select, boolean_mask, unique, setdiff1d,
searchsorted, invert_permutation, unravel_index vs TF."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from array_oracle import check_graph, check_values
from oracle import RANKS, fed_cases_match, snippet_matches

GRAPHS = [
    "x = tf.placeholder(tf.float32, [4, 3]); a = tf.gather(x, [0, 2]); "
    "b = tf.gather(x, [0, 2], axis=1); "
    "c = tf.gather(x, tf.placeholder(tf.int64, [None, 2]), axis=-1); "
    "d = tf.gather(tf.placeholder(tf.float32, [2, 4, 3]), tf.placeholder(tf.int32, [2, 5]), "
    "batch_dims=1, axis=1); e = tf.gather_nd(x, [[0, 1]])",
    "x = tf.placeholder(tf.float32, [None, 3]); a = tf.gather(x, 1); "
    "b = tf.gather(x, [[0, 1]], axis=-1); "
    "c = tf.gather(x, [1], axis=tf.placeholder(tf.int32, [])); "
    "d = tf.gather_nd(x, tf.placeholder(tf.int32, [5, None]))",
    "x = tf.placeholder(tf.float32, [None, 3]); a = tf.gather(x, [1], axis=-3)",
    "x = tf.placeholder(tf.float32, [4, 3]); a = tf.gather_nd(x, [[1, 2, 3]])",
    "i = tf.constant([[0], [2]]); u = tf.constant([1., 2.]); a = tf.scatter_nd(i, u, [4]); "
    "b = tf.scatter_nd(i, tf.placeholder(tf.float32, [2, None]), tf.constant([4, 3]))",
    "x = tf.placeholder(tf.float32, [4, 3]); m = tf.placeholder(tf.bool, [4]); "
    "a = tf.boolean_mask(x, m)",
    "x = tf.placeholder(tf.float32, [None, 3]); m = tf.placeholder(tf.bool, [None, 3]); "
    "a = tf.boolean_mask(x, m)",
    "x = tf.placeholder(tf.float32, [4, 3]); m = tf.placeholder(tf.bool, [3]); "
    "a = tf.boolean_mask(x, m, axis=1)",
    "x = tf.placeholder(tf.float32, [4, 3]); a = x[x > 0.]",
    "c = tf.placeholder(tf.bool, [4, 3]); x = tf.placeholder(tf.float32, [4, 3]); "
    "a = tf.where(c); b = tf.where(c, x, x); d = tf.where_v2(c, x, 1.); e = tf.where_v2(c); "
    "f = tf.where(tf.placeholder(tf.bool, [4]), x, x)",
    "c = tf.placeholder(tf.bool, [3]); x = tf.placeholder(tf.float32, [4, 3]); tf.where(c, x, x)",
    "a = tf.searchsorted([1., 2., 3.], [2.5, 1.]); "
    "b = tf.searchsorted(tf.constant([[1, 2, 3]]), [[2, 1]], side='right')",
    "x = tf.constant([1, 2, 2, 3]); y, i = tf.unique(x); y2, i2 = tf.unique(x, out_idx=tf.int64); "
    "a, b, c = tf.unique_with_counts(x); s, t = tf.setdiff1d(x, [2]); "
    "p = tf.invert_permutation([2, 0, 1]); u = tf.unravel_index([5, 7], [3, 4]); "
    "v = tf.unravel_index(5, [3, 4]); result = [y.value_index, i.value_index, y.op.name]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code)


@st.composite
def gathers(draw):
    params = [draw(st.sampled_from([2, 3, None])) for _ in range(draw(st.integers(1, 3)))]
    indices = [draw(st.sampled_from([1, 2, None])) for _ in range(draw(st.integers(0, 2)))]
    axis = draw(st.integers(-len(params), len(params) - 1))
    return params, indices, axis


@pytest.mark.oracle
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=gathers())
def test_gather_shapes_match_tf(oracle, case):
    params, indices, axis = case
    check_graph(oracle, "p = tf.placeholder(tf.float32, %r); i = tf.placeholder(tf.int32, %r); "
                        "g = tf.gather(p, i, axis=%d); n = tf.gather_nd(p, tf.expand_dims(i, -1))"
                % (params, indices, axis))


VALUES = [
    "x = tf.placeholder(tf.float32, [4, 3]); i = tf.placeholder(tf.int32, [2]); "
    "fetch = [tf.gather(x, i), tf.gather(x, [2, 0], axis=1), tf.gather_nd(x, [[1, 2], [3, 0]]), "
    "tf.gather(tf.reshape(x, [2, 2, 3]), [[1], [0]], axis=1, batch_dims=1), "
    "tf.scatter_nd([[1], [3]], [5., 6.], [5]), tf.where(x > 4., x, -x), "
    "tf.where_v2(x[:, :1] > 4., x, 0.), tf.where([True, False, True, False], x, x * 2.)]; "
    "feed = {x: np.arange(12.).reshape(4, 3), i: [3, 1]}",
    "x = tf.constant(np.arange(12.).reshape(4, 3)); fetch = [tf.where(x > 4.), "
    "tf.boolean_mask(x, [True, False, True, True]), x[x > 5.], "
    "tf.boolean_mask(x, [True, False, True], axis=1), tf.unique([3, 1, 3, 2, 1]), "
    "tf.unique_with_counts([3, 1, 3, 2, 1]), tf.setdiff1d([1, 2, 3, 4], [2, 4]), "
    "tf.searchsorted([[1., 2., 3.], [1., 5., 9.]], [[2.5, 1.], [5., 10.]]), "
    "tf.searchsorted([1, 2, 2, 3], [2, 2], side='right'), tf.invert_permutation([2, 0, 1]), "
    "tf.unravel_index([5, 7], [3, 4])]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES)
def test_values_match_tf(oracle, code):
    check_values(oracle, code)


# fed values TF's kernels refuse: TF's error class and message (values where fine)
FED_CASES = [
    ('p = tf.placeholder(tf.bool, [None]); out = tf.where(p, [1, 2, 3], [4, 5, 6])',
     [True, False]),
    ('p = tf.placeholder(tf.bool, [None]); '
     'out = tf.where(p, tf.ones([3, 2]), tf.zeros([3, 2]))',
     [True, False]),
    ('p = tf.placeholder(tf.float32, [None]); '
     'out = tf.where([True, False], [1.0, 2.0], p)',
     [1.0, 2.0, 3.0]),
    ('p = tf.placeholder(tf.bool, [None, None]); '
     'out = tf.where(p, tf.ones([3]), tf.zeros([3]))',
     [[True]]),
    ('p = tf.placeholder(tf.bool, []); out = tf.where(p, tf.ones([3]), tf.zeros([2]))',
     True),
    ('p = tf.placeholder(tf.float32, [None, None]); '
     'out = tf.where([True, False], tf.ones([2, 3]), p)',
     [[1.0, 2.0]]),
    ("p = tf.placeholder(tf.bool, [None])\nwith tf.name_scope('sc'):\n"
     "    out = tf.where(p, [1, 2, 3], [4, 5, 6])",
     [True]),
] + [  # a placeholder of unknown shape fed with ranks the op may not take
    ('p = tf.placeholder(tf.float32); out = ' + e, v) for v in RANKS for e in (
        'tf.gather(p, [0], axis=1)',
        'tf.gather(p, 0)',
        'tf.gather_nd(p, [[0, 1]])',
        'tf.gather_nd(p, [[0]])',
        'tf.scatter_nd([[0]], p, [3])',  # (a scalar: TF refused, scopeflow gave a value)
        'tf.scatter_nd([[0], [1]], p, [3, 3])',
        'tf.scatter_nd([[0]], p, [2, 3])',
        'tf.scatter_nd([[[0]], [[1]]], p, [3])',
        'tf.scatter_nd(tf.zeros([0, 1], tf.int32), p, [0])',  # into an empty output
        'tf.scatter_nd([[0]], p, tf.zeros([0], tf.int32))',
    )
]


@pytest.mark.parametrize("code,value", FED_CASES)
def test_fed_values_fail_as_tf(oracle, code, value):
    fed_cases_match(oracle, code, [value])


@pytest.mark.oracle
@pytest.mark.parametrize("shape", ["[0]", "[3]", "[0, 2]", "[3, 3]"])
def test_scatter_nd_of_a_wrong_rank_or_empty_output_fails_as_tf(oracle, shape):
    # TF checks the ranks before it reads the shape's values (its message then has [?])
    for updates in ("[[1.]]", "[[1., 2.]]"):
        snippet_matches(oracle, "out = tf.scatter_nd([[0]], %s, %s)" % (updates, shape))


@pytest.mark.oracle
def test_fed_axis_out_of_range_fails_as_tf(oracle):
    # TF refused the axis, scopeflow took it modulo the rank
    fed_cases_match(oracle, "p = tf.placeholder(tf.int32, []); "
                    "out = tf.gather(tf.reshape(tf.range(4.0), [2, 2]), [1], axis=p)",
                    [2, -3, 5, -1, 1])


@pytest.mark.oracle
@pytest.mark.parametrize("side", ["left", "right"])
def test_searchsorted_of_fed_leading_dims_that_differ_fails_as_tf(oracle, side):
    fed_cases_match(oracle, "p = tf.placeholder(tf.float32, [None, None]); out = "
                    "tf.searchsorted(tf.ones([2, 3]), p, side=%r)" % side,
                    [[[1.0]] * 3, [[1.0]] * 2])
