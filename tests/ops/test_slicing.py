"""Slice, StridedSlice / `Tensor.__getitem__`, reverse, reverse_sequence vs TF."""

import pytest
from array_oracle import check_graph, check_values
from oracle import RANKS, fed_cases_match, snippet_matches

GRAPHS = [
    "x = tf.placeholder(tf.float32, [4, 6]); i = tf.placeholder(tf.int32, []); a = x[i]; "
    "b = x[1:i]; c = x[..., tf.newaxis, ::-1]; d = x[:]; e = x[[1, 2]]",
    "x = tf.placeholder(tf.float32, [4, 6]); a = x[tf.constant([1])]",
    "x = tf.placeholder(tf.float32, [4, 6]); a = x[1.0]",
    "x = tf.placeholder(tf.float32, [4, 6]); i = tf.constant(1, tf.int64); a = x[i]; b = x[i:]",
    "x = tf.zeros([2, 3]); x[5]",
    "x = tf.zeros([3, 3]); a = tf.slice(x, [1, 0], [-1, -2])",
    "x = tf.placeholder(tf.float32); a = tf.slice(x, [1], [-2])",
    "x = tf.zeros([2, 3]); x[1, 2, 3]",
    "x = tf.zeros([2, 3]); x[..., ...]",
    "x = tf.zeros([2, 3]); x[::0]",
    "x = tf.placeholder(tf.float32, [None, 3, None, 5]); result = [t.shape.as_list() for t in "
    "[x[1], x[:, 1:], x[..., 0], x[1:3, ..., ::2], x[tf.newaxis, ..., tf.newaxis], x[-1, -1], "
    "x[::-1, ::-2], x[:, 5:1:-1], x[:, 1:100], x[2:-1, -2:]]]",
    "x = tf.placeholder(tf.float32); result = [x[1].shape.ndims, x[..., 1].shape.ndims]",
    "x = tf.placeholder(tf.float32, [2, 3]); c = tf.strided_slice(x, [0], [1]); "
    "d = tf.strided_slice(x, [0, 1], [2, 3], [1, 2], name='ss')",
    "x = tf.placeholder(tf.float32, [None, 3, None]); a = tf.slice(x, [0, 1, 1], [-1, -1, 2]); "
    "i = tf.placeholder(tf.int32, []); b = tf.slice(x, [i, 0, 0], [2, -1, -1]); "
    "c = tf.slice(x, tf.placeholder(tf.int32, [3]), [1, 1, 1]); "
    "d = tf.slice(x, [0, 0, 0], tf.placeholder(tf.int32, [3]))",
    "x = tf.zeros([2, 3]); tf.slice(x, [0, 0], [3, 1])",
    "x = tf.placeholder(tf.float32, [2, 3]); a = tf.reverse(x, [1]); b = tf.reverse_v2(x, [0]); "
    "c = tf.reverse_sequence(x, [1, 2], seq_axis=1, batch_axis=0); "
    "d = tf.reverse_sequence(x, [1, 2, 2], 0, 1)",
    "x = tf.placeholder(tf.float32, [2, 3]); tf.reverse(x, [2])",
    "x = tf.placeholder(tf.float32, [2, 3]); tf.reverse(x, [1, -1])",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code)


VALUES = [
    "x = tf.placeholder(tf.float32, [4, 3]); i = tf.placeholder(tf.int32, []); "
    "fetch = [x[i], x[:, i], x[i, 1:], x[-i], tf.slice(x, [i, 0], [2, -1]), "
    "tf.reverse(x, [0, 1]), tf.reverse_sequence(x, [2, 3, 1, 0], 1, 0)]; "
    "feed = {x: np.arange(12.).reshape(4, 3), i: 1}",
    "x = tf.constant(np.arange(24).reshape(2, 3, 4)); "
    "fetch = [x[..., 1], x[:, tf.newaxis, ::-2], x[1, ..., tf.newaxis], "
    "tf.strided_slice(x, [0, 1], [2, 3], [1, 2])]",
    "x = tf.placeholder(tf.float32, [None, 3]); i = tf.placeholder(tf.int32, []); "
    "fetch = [x[i:i + 2], x[-i - 2:-i], tf.slice(x, [i, 1], [2, -1])]; "
    "feed = {x: np.arange(12.).reshape(4, 3), i: 2}",
] + [  # a loop over the rows of a fed tensor: with no rows its body is traced, never run
    "x = tf.placeholder(tf.float32, [None, 3]); "
    "n = tf.shape(x)[0]; "
    "body = lambda i, a: (i + 1, a + x[i] + x[i:i + 1][0] + tf.slice(x, [i, 0], [1, -1])[0]); "
    "fetch = tf.while_loop(lambda i, a: i < n, body, [0, tf.zeros([3])]); "
    "feed = {x: np.arange(%d.).reshape(-1, 3)}" % rows for rows in (0, 6)
] + [  # begins and ends both computed from the loop variable (x[1:, i + 1:i + 2]), gradients
    "x = tf.constant(np.arange(20.).reshape(4, 5)); "
    "body = lambda i, a: (i + 1, a + tf.reduce_sum(tf.square(%s))); "
    "out = tf.while_loop(lambda i, a: i < 3, body, [1, tf.constant(0., tf.float64)])[1]; "
    "fetch = [out, tf.gradients(out, x)[0]]" % item
    for item in ("x[1:, i + 1:i + 2]", "x[i - 1:i + 1, :-1]", "x[2 * i - 2:2 * i][:, i]",
                 "x[::2, i:i + 2] * x[i + 1:i + 3:2, 1:3]")
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES)
def test_values_match_tf(oracle, code):
    check_values(oracle, code)


def test_slice_to_the_end_from_past_the_end_is_a_shape_error():
    import scopeflow.compat.v1 as tf
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Negative dimension size caused by subtracting 2 "
                                             "from 1 for '{{node Slice}}"):
            tf.slice(tf.shape(tf.constant([1.0, 2.0, 3.0])), [2], [-1])


def test_run_time_slice_past_an_end_raises_instead_of_another_value():
    """TF clamps x[i:i + 2] to fewer rows near an end; a compiled program keeps two, so such
    a slice fails (never two other rows)."""
    import numpy as np

    import scopeflow.compat.v1 as tf
    from scopeflow.errors import UnimplementedError
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 2])
        i = tf.placeholder(tf.int32, [])
        y = x[i:i + 2]
        feed = {x: np.arange(10.0).reshape(5, 2)}
        with tf.Session() as sess:
            assert sess.run(y, {**feed, i: 3}).tolist() == [[6.0, 7.0], [8.0, 9.0]]
            assert sess.run(y, {**feed, i: -3}).tolist() == [[4.0, 5.0], [6.0, 7.0]]
            for bad, lo, hi in ((4, 4, 5), (5, 5, 5), (-1, 4, 1), (-7, 0, 0)):
                with pytest.raises(UnimplementedError, match=r"the slice \[%d, %d\) of dimension "
                                   r"0 \(size 5\) has %d elements, not the 2" % (
                                       lo, hi, max(hi - lo, 0))):
                    sess.run(y, {**feed, i: bad})


# fed values TF's kernels refuse: TF's error class and message (values where fine)
FED_CASES = [
    ('p = tf.placeholder(tf.int32, [2]); out = tf.reverse(tf.ones([2, 2]), p)',
     [0, 0]),
    ('p = tf.placeholder(tf.int32, [1]); out = tf.reverse(tf.ones([2, 2]), p)',
     [2]),
    ('p = tf.placeholder(tf.int32, [1]); out = tf.reverse(tf.ones([2, 2]), p)',
     [-3]),
    ('p = tf.placeholder(tf.int32, [2]); out = tf.reverse([[1, 2], [3, 4]], p)',
     [-1, 0]),
] + [  # slices of a tensor of unknown shape, checked against the shape it is fed with
    ('p = tf.placeholder(tf.float32); out = %s' % s, v)
    for s in ("p[..., 0:1, :]", "p[1, 2]", "p[::0]", "p[5]", "p[:, 7]", "p[-4]", "p[1:2, 0]")
    for v in ([0.0, 1.0, 2.0], 1.0, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
] + [  # a placeholder of unknown shape fed with ranks the op may not take
    ('p = tf.placeholder(tf.float32); out = ' + e, v) for v in RANKS for e in (
        'tf.slice(p, [1, 0], [2, -1])',
        'tf.reverse(p, [1])',
        'tf.reverse(p, [0, 0])',
        'tf.reverse_sequence(p, [1, 1], 1, 0)',
        'tf.reverse_sequence(p, [1, 1], 0, 1)',
    )
]


@pytest.mark.parametrize("code,value", FED_CASES)
def test_fed_values_fail_as_tf(oracle, code, value):
    fed_cases_match(oracle, code, [value])


# A StridedSlice shape error names the input values TF's shape refiner had computed: a
# first pass knows only the strides (a zero stride, an index past the input's rank, a
# scalar input), a second also begin and end (an index out of bounds).
STRIDED_ERRORS = """
def tail(f):
    try:
        return ["ok", f().shape.as_list()]
    except ValueError as e:
        return [str(e).split("'")[0], str(e).split("with input shapes: ")[-1]]
c = tf.constant(3)
x = tf.constant([[1, 2, 3], [4, 5, 6]])
q = tf.placeholder(tf.int32, [None])
result = [tail(f) for f in [
    lambda: c[...], lambda: c[tf.newaxis], lambda: c[:], lambda: c[tf.newaxis, 0],
    lambda: c[..., 0], lambda: x[::0], lambda: x[5], lambda: x[:, 7], lambda: x[1, 2, 3],
    lambda: q[5, 0], lambda: q[q[0]:0:0], lambda: x[0:1:-1, 2], lambda: x[..., 0, 4],
    lambda: tf.strided_slice(x, [0, 0], [1, 1], [1, 0]),
    lambda: tf.strided_slice(q, [0], [1], [0], shrink_axis_mask=1),
    lambda: tf.strided_slice(x, [0, 0], [1, 1], [1, 1], ellipsis_mask=3),
    lambda: tf.strided_slice(x, [3], [q[0]], [1], shrink_axis_mask=1),
    lambda: tf.strided_slice(x, [q[0]], [1], [-1], shrink_axis_mask=1),
    lambda: tf.strided_slice(x, [3], [4], [1], shrink_axis_mask=1)]]
"""


@pytest.mark.oracle
def test_strided_slice_shape_errors_name_tfs_computed_inputs(oracle):
    snippet_matches(oracle, STRIDED_ERRORS)
