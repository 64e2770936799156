"""matrix_diag / matrix_diag_part / matrix_set_diag, matrix_band_part, diag / diag_part, eye."""

import pytest

from array_oracle import check_graph, check_values
from oracle import ORACLE_HELPERS, RANKS, fed_cases_match, run_here

GRAPHS = [
    "x = tf.placeholder(tf.float32, [None, 3]); a = tf.matrix_diag(x); "
    "b = tf.diag(tf.constant([1., 2.])); c = tf.diag_part(tf.zeros([3, 3])); "
    "d = tf.matrix_band_part(tf.zeros([3, 4]), 1, -1); e = tf.matrix_diag_part(tf.zeros([2, "
    "3, 4]));"
    " f = tf.linalg.diag(x); g = tf.matrix_set_diag(tf.zeros([3, 3]), [1., 2., 3.]); "
    "h = tf.linalg.tensor_diag_part(tf.zeros([2, 3, 2, 3])); i = tf.eye(3)",
    "a = tf.eye(2, 3); b = tf.eye(2, batch_shape=[4]); x = tf.placeholder(tf.float32, "
    "[None, 3, 4]);"
    " c = tf.matrix_diag_part(x); d = tf.matrix_diag(x); f = tf.diag(tf.zeros([2, 3])); "
    "g = tf.diag_part(tf.zeros([2, 3, 2, 3])); h = tf.matrix_diag([1., 2.], k=1); "
    "j = tf.matrix_diag_part(tf.zeros([3, 4]), k=-1)",
    "tf.diag_part(tf.zeros([2, 3, 3, 2]))",
    "tf.diag_part(tf.zeros([2, 3, 2]))",
    "tf.matrix_diag_part(tf.zeros([2]))",
    "tf.matrix_set_diag(tf.zeros([2, 3, 4]), tf.zeros([2, 4]))",
    # tensor sizes / batch_shape: shapes built in the graph (eye/Minimum, eye/concat, Fill)
    "a = tf.eye(tf.constant(3)); b = tf.eye(tf.placeholder(tf.int32, []), 4); "
    "c = tf.eye(2, tf.constant(3)); d = tf.eye(2, batch_shape=tf.constant([2])); "
    "e = tf.eye(2, 3, batch_shape=tf.placeholder(tf.int32, [1])); "
    "f = tf.eye(tf.constant(2), batch_shape=[3])",
    "tf.eye(2.5)",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code)


VALUES = [
    "x = tf.constant(np.arange(12.).reshape(3, 4)); d = tf.constant([[1., 2., 3.], [4., 5., 6.]]);"
    " fetch = [tf.matrix_diag(d), tf.matrix_diag(d, k=1), tf.matrix_diag(d, k=-1, num_cols=5), "
    "tf.matrix_diag_part(x), tf.matrix_diag_part(x, k=1), tf.matrix_diag_part(x, k=-1), "
    "tf.matrix_set_diag(x, [7., 8., 9.]), tf.matrix_band_part(x, 1, 0), "
    "tf.matrix_band_part(x, -1, 1), tf.diag(d), tf.diag_part(tf.diag(d)), tf.eye(3), "
    "tf.eye(2, 3, dtype=tf.int32), tf.eye(2, batch_shape=[2])]",
    "r = tf.placeholder(tf.int32, []); c = tf.placeholder(tf.int32, []); "
    "b = tf.placeholder(tf.int32, [None]); feed = {r: 3, c: 2, b: [2, 1]}; "
    "fetch = [tf.eye(r), tf.eye(r, 4), tf.eye(2, c, dtype=tf.int32), tf.eye(r, c), "
    "tf.eye(2, batch_shape=b), tf.eye(3, 2, batch_shape=b), tf.eye(tf.constant(2), "
    "batch_shape=[3]), tf.eye(r, c, batch_shape=b, dtype=tf.float64)]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES)
def test_values_match_tf(oracle, code):
    check_values(oracle, code)


@pytest.mark.oracle
def test_band_part_of_a_vector_fails_at_run_time_as_in_tf(oracle):
    """TF builds MatrixBandPart of a rank-1 (or scalar) input with its shape; the kernel
    raises, as MatrixDiagV3's does for a fed scalar."""
    code = ORACLE_HELPERS + (
        "x = tf.placeholder(tf.float32)\n"
        "a = tf.matrix_band_part(tf.constant([1., 2., 3.]), 0, 0)\n"
        "b = tf.linalg.band_part(x, 1, -1)\n"
        "with tf.Session() as s:\n"
        "    result = [a.shape.as_list(), err(lambda: s.run(a)), err(lambda: s.run(b, {x: 2.})),"
        " err(lambda: s.run(b, {x: [1., 2.]})), s.run(b, {x: [[1., 2.], [3., 4.]]}).tolist(),"
        " err(lambda: s.run(tf.matrix_diag(x), {x: 1.}))]\n")
    assert run_here(code) == oracle(code)


X = "x = tf.constant(np.arange(24.).reshape(2, 3, 4)); "
BAND_GRAPHS = [X + "a = tf.linalg.diag_part(x, k=(-1, 1)); b = tf.linalg.diag_part(x, k=(0, 0));"
               " c = tf.linalg.diag(tf.ones([2, 3]), k=(-1, 0), num_rows=5); "
               "d = tf.linalg.set_diag(x, tf.ones([2, 3, 3], tf.float64), k=(-1, 1)); "
               "p = tf.placeholder(tf.int32); e = tf.linalg.diag_part(x, k=p); "
               "f = tf.linalg.diag(tf.ones([2, 3]), k=p); g = tf.linalg.set_diag(x, x, k=p)"]
BAND_GRAPHS += [X + c for c in (
    "tf.linalg.diag_part(x, k=(2, 1))", "tf.linalg.diag_part(x, k=(-3, 1))",
    "tf.linalg.diag_part(x, k=(-2, 4))", "tf.linalg.diag_part(x, k=5)",
    "tf.linalg.diag_part(x, k=[[0, 1]])", "tf.linalg.diag_part(x, k=[])",
    "tf.linalg.diag_part(x, k=(1, 2, 3))", "tf.linalg.diag_part(x, k=(0, 1), align='FOO')",
    "tf.linalg.diag(tf.ones([3]), k=1, num_rows=4, num_cols=5)",
    "tf.linalg.diag(tf.ones([3]), k=1, num_rows=2)", "tf.linalg.diag(tf.ones([3]), num_cols=2)",
    "tf.linalg.diag(tf.ones([2, 3]), k=(0, 2))", "tf.linalg.diag(tf.ones([3]), k=(0, 1))",
    "tf.linalg.diag(x, k=(-1, 1), num_rows=3, num_cols=4)",
    "tf.linalg.set_diag(x, tf.ones([2, 3], tf.float64), k=(0, 1))",
    "tf.linalg.set_diag(x, tf.ones([2, 3], tf.float64), k=(1, 0))",
    "tf.linalg.set_diag(x, tf.ones([2, 2, 3], tf.float64), k=(-3, 1))")]


@pytest.mark.oracle
@pytest.mark.parametrize("code", BAND_GRAPHS)
def test_band_graph_matches_tf(oracle, code):
    """Diagonal bands k=(lo, hi): shapes, TF's shape-function errors."""
    check_graph(oracle, code)


BAND_VALUES = [
    X + "y = tf.constant(np.arange(24.).reshape(6, 4)); fetch = [tf.linalg.diag_part(x, "
    "k=(-1, 1)), tf.linalg.diag_part(x, k=(-1, 2), align='LEFT_LEFT', padding_value=9), "
    "tf.linalg.diag_part(x, k=(-2, 0), align='RIGHT_RIGHT'), tf.matrix_diag_part(x, k=(0, 2)),"
    " tf.linalg.diag_part(y, k=(-5, 3), align='LEFT_RIGHT'), tf.linalg.diag_part(y, k=(1, 3)),"
    " tf.linalg.diag_part(tf.constant([[True, False], [False, True]]), k=(0, 1))]",
    "d = tf.constant(np.arange(6.).reshape(2, 3)); e = tf.constant(np.arange(24.).reshape(2, "
    "3, 4)); fetch = [tf.linalg.diag(d, k=(-1, 0), num_rows=5), tf.linalg.diag(d, k=(1, 2), "
    "align='LEFT_RIGHT'), tf.linalg.diag(d, k=(-2, -1), align='LEFT_RIGHT', padding_value=7),"
    " tf.linalg.diag(e, k=(-1, 1), num_rows=6), tf.linalg.diag(d[0], k=-1, num_cols=4)]",
    X + "d = tf.constant(np.arange(18.).reshape(2, 3, 3)); fetch = [tf.linalg.set_diag(x, d, "
    "k=(-1, 1), align=a) for a in ('LEFT_RIGHT', 'RIGHT_RIGHT', 'LEFT_LEFT', 'RIGHT_LEFT')] + "
    "[tf.linalg.set_diag(x, tf.ones([2, 2], tf.float64), k=2), tf.linalg.set_diag(x, "
    "tf.ones([2, 2], tf.float64), k=-1)]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", BAND_VALUES)
def test_band_values_match_tf(oracle, code):
    check_values(oracle, code)


@pytest.mark.oracle
def test_band_gradients_and_kernel_errors_match_tf(oracle):
    """Gradients of the three V3 ops over bands (TF's graph: each another diagonal op), and
    set_diag's kernel errors for diagonals of the wrong shape."""
    code = ORACLE_HELPERS + (
        "import numpy as np\n"
        "x = tf.constant(np.arange(24.).reshape(2, 3, 4))\n"
        "w = tf.constant(np.arange(18.).reshape(2, 3, 3) + 1)\n"
        "d = tf.constant(np.arange(6.).reshape(2, 3))\n"
        "xp = tf.placeholder(tf.float64, [None, None, 4])\n"
        "g = [tf.gradients(tf.matrix_diag_part(x, k=(-1, 1), align='LEFT_RIGHT') * w, x),\n"
        "     tf.gradients(tf.matrix_diag_part(xp, k=1) * 2., xp),\n"
        "     tf.gradients(tf.matrix_diag(d, k=(0, 1)) * tf.reshape(tf.range(9.,"
        " dtype=tf.float64), [3, 3]), d),\n"
        "     tf.gradients(tf.matrix_set_diag(x, w, k=(-1, 1)) * x, [x, w])]\n"
        "ops = [(o.name, o.type) for o in tf.get_default_graph().get_operations()]\n"
        "bad = [tf.linalg.set_diag(x, tf.ones(s, tf.float64), k=k) for s, k in [((2, 3, 2),"
        " (0, 1)), ((2, 3), 2), ((3, 3), 0)]]\n"
        "with tf.Session() as s:\n"
        "    result = [ops, [v.tolist() for v in s.run(tf.nest.flatten(g),"
        " {xp: np.ones((2, 3, 4))})], [err(lambda: s.run(b)) for b in bad]]\n")
    assert run_here(code) == oracle(code)


# fed values TF's kernels refuse: TF's error class and message (values where fine)
FED_CASES = [
    ('p = tf.placeholder(tf.float32, [None, None]); out = tf.diag_part(p)',
     [[1.0, 2.0]]),
    ('p = tf.placeholder(tf.float32); out = tf.diag_part(p)',
     [1.0, 2.0, 3.0]),
    ('p = tf.placeholder(tf.float32); out = tf.diag_part(p)',
     [[[[1.0, 2.0]]], [[[3.0, 4.0]]]]),
    ('p = tf.placeholder(tf.int32, []); '
     'out = tf.linalg.diag_part(tf.ones([2, 2]), k=p)',
     3),
    ('p = tf.placeholder(tf.int32, [2]); '
     'out = tf.linalg.diag_part(tf.ones([2, 2]), k=p)',
     [0, 3]),
    ('p = tf.placeholder(tf.int32, [2]); '
     'out = tf.linalg.diag_part(tf.ones([2, 2]), k=p)',
     [1, 0]),
    ('p = tf.placeholder(tf.int32, []); '
     'out = tf.linalg.diag_part(tf.ones([2, 3]), k=p)',
     -2),
    ('p = tf.placeholder(tf.int32, [2]); '
     'out = tf.linalg.diag_part(tf.reshape(tf.range(6.0), [2, 3]), k=p)',
     [-1, 2]),
    ('p = tf.placeholder(tf.float32); out = tf.diag_part(p)',
     [[[[1.0, 2.0]], [[3.0, 4.0]]]]),
] + [  # a placeholder of unknown shape fed with ranks the op may not take
    ('p = tf.placeholder(tf.float32); out = ' + e, v) for v in RANKS for e in (
        'tf.diag(p)',
    )
]


@pytest.mark.parametrize("code,value", FED_CASES)
def test_fed_values_fail_as_tf(oracle, code, value):
    fed_cases_match(oracle, code, [value])
