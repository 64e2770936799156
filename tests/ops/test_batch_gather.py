"""tf.batch_gather as TF builds it (ops/batch_gather.py): the same ops and names, values and
run-time errors (node and message) against TF, for fed indices of several ranks."""

import textwrap

import pytest
from oracle import ORACLE_HELPERS, explain, run_here

RUN = ORACLE_HELPERS + textwrap.dedent("""
    params = tf.constant({params})
    p = tf.placeholder(tf.int32, {shape})
    u = tf.batch_gather(params, p)
    with tf.Session() as s:
        try:
            value = ['ok', s.run(u, {{p: {feed}}})]
        except tf.errors.OpError as e:
            lines = str(e).splitlines()
            i = [k for k, ln in enumerate(lines) if ln.startswith('Node: ')][0]
            value = [type(e).__name__, lines[i], lines[i + 1]]
    result = [graph(), u.shape, value]
""")

M23 = "[[1, 2, 3], [4, 5, 6]]"
CASES = [
    (M23, [None, None], [[0, 2], [1, 1]]),
    (M23, [None, None], [[0, 3], [1, 1]]),  # past its row: TF reads the next row's element
    (M23, [None, None], [[0, -1], [1, 1]]),
    (M23, [None, None], [[0, 5], [9, 1]]),
    (M23, [None, None], [[0, 1]]),  # another batch size: TF's Reshape error
    (M23, [2, None], [[2], [0]]),
    ("[[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]", [None, None], [[2, 0], [1, 1]]),
    ("[[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]", [None, None, None],
     [[[0], [2]], [[1], [1]]]),
    ("[[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]", [2, 2, 1], [[[0], [3]], [[1], [1]]]),
]


@pytest.mark.oracle
@pytest.mark.parametrize("params,shape,feed", CASES)
def test_batch_gather_matches_tf(oracle, params, shape, feed):
    code = RUN.format(params=params, shape=shape, feed=feed)
    here, there = run_here(code), oracle(code)
    assert here == there, explain(code, here, there)


@pytest.mark.oracle
def test_batch_gather_static_errors_match_tf(oracle):
    code = ORACLE_HELPERS + (
        "result = [err(lambda: tf.batch_gather(tf.zeros([3]), [[0]])),\n"
        "          err(lambda: tf.batch_gather(tf.zeros([2, 3]), tf.placeholder(tf.int32))),\n"
        "          err(lambda: tf.batch_gather(tf.zeros([2, 3]), [[0, 1], [1, 2], [0, 0]]))]")
    here, there = run_here(code), oracle(code)
    assert here == there, explain(code, here, there)


GATHER = ORACLE_HELPERS + textwrap.dedent("""
    p = tf.placeholder(tf.int32, [None, None])
    q = tf.placeholder(tf.float32, [None, None, None])
    take = tf.placeholder(tf.bool, [])
    m = tf.constant([[1., 2., 3.], [4., 5., 6.]])
    us = [tf.gather(m, p, batch_dims=1), tf.gather(m, p, axis=1, batch_dims=1),
          tf.gather(q, p, axis=2, batch_dims=1),
          tf.cond(take, lambda: tf.reduce_sum(tf.gather(m, p, batch_dims=1)), lambda: 0.)]
    result = []
    with tf.Session() as s:
        for u in us:
            for t in (True, False):
                try:
                    result.append(s.run(u, {p: [[0, 1]], q: np.zeros([2, 2, 3]), take: t}))
                except tf.errors.OpError as e:
                    lines = str(e).splitlines()
                    i = [k for k, ln in enumerate(lines) if ln.startswith('Node: ')][0]
                    result.append([type(e).__name__, lines[i], lines[i + 1]])
""")


@pytest.mark.oracle
def test_gather_batch_dims_that_differ_match_tf(oracle):
    """params and indices with other batch sizes: TF's GatherV2 error (was JAX's vmap one)."""
    here, there = run_here("import numpy as np\n" + GATHER), oracle("import numpy as np\n" + GATHER)
    assert here == there, explain(GATHER, here, there)


def test_gather_nd_batch_dims_that_differ_raise_invalid_argument():
    code = ("import numpy as np\np = tf.placeholder(tf.int32, [None, None])\n"
            "u = tf.gather_nd(tf.zeros([2, 2, 3]), p, batch_dims=1)\n"
            "with tf.Session() as s:\n    s.run(u, {p: [[0, 1]]})")
    got = run_here(code)
    assert got["raises"] == "InvalidArgumentError", got
    # TF's wording: its BatchGatherND reshapes the indices to the params' batch size
    assert "Node: 'BatchGatherND/Reshape_2'\nInput to reshape is a tensor with 2 values, but " \
        "the requested shape has 4" in got["msg"], got
