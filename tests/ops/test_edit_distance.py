"""tf.edit_distance (EditDistance) vs TF: shapes, distances on fixed and random sparse inputs
(normalized or not, missing hypotheses and truths, strings), TF's errors (ops/edit_distance.py)."""

import random

import pytest
from oracle import ORACLE_HELPERS, run_here

PROGRAM = """
h = tf.SparseTensor([[0, 0, 0], [1, 0, 0]], ["a", "b"], [2, 1, 1])
t = tf.SparseTensor([[0, 1, 0], [1, 0, 0], [1, 0, 1], [1, 1, 0]], ["a", "b", "c", "a"], [2, 2, 2])
hp, tp = tf.sparse_placeholder(tf.int64), tf.sparse_placeholder(tf.int64)
fetch = [tf.edit_distance(h, t), tf.edit_distance(h, t, normalize=False),
         tf.edit_distance(hp, tp), tf.edit_distance(hp, tp, normalize=False, name="ed")]
shapes = [f.shape for f in fetch]
g = graph()
out = []
with tf.Session() as sess:
    for hv, tv in CASES:
        feed = {hp: tf.SparseTensorValue(*hv), tp: tf.SparseTensorValue(*tv)}
        out.append([v.tolist() for v in sess.run(fetch, feed)])
result = [g, shapes, [[repr(x) for x in str(o).split()] for o in out]]
"""


def _sparse(rnd, lead, width, classes):
    idx, vals = [], []
    for key in lead:
        for j in range(rnd.randint(0, width)):
            idx.append(list(key) + [j])
            vals.append(rnd.randint(0, classes - 1))
    return idx, vals


def _cases(seed, n):
    rnd = random.Random(seed)
    cases = []
    for _ in range(n):
        a, b = rnd.randint(1, 3), rnd.randint(1, 3)
        lead = [(i, j) for i in range(a) for j in range(b)]
        shape_h = [a + rnd.randint(0, 1), b, 6]
        shape_t = [a, b + rnd.randint(0, 1), 6]
        hi, hv = _sparse(rnd, lead, 6, 3)
        ti, tv = _sparse(rnd, lead, 6, 3)
        cases.append(((hi or [[0, 0, 0]], hv or [1], shape_h),
                      (ti or [[0, 0, 0]], tv or [1], shape_t)))
    return cases


@pytest.mark.oracle
def test_distances_match_tf(oracle):
    """TF's docstring example (inf for a hypothesis without truth), unnormalized, and 10 random
    batches of sequences over 3 labels with missing ones on either side and dense shapes
    larger on either side: graph, static shapes, distances."""
    code = ORACLE_HELPERS + "CASES = %r\n" % _cases(5, 10) + PROGRAM
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert here == there


ERRORS = """
out = []
hp, tp = tf.sparse_placeholder(tf.int32), tf.sparse_placeholder(tf.int32)
d = tf.edit_distance(hp, tp)
with tf.Session() as sess:
    for hv, tv in CASES:
        out.append(err(lambda: sess.run(d, {hp: tf.SparseTensorValue(*hv),
                                            tp: tf.SparseTensorValue(*tv)})))
out.append(err(lambda: tf.edit_distance(tf.SparseTensor([[0, 0]], [1], [1, 1]),
                                        tf.SparseTensor([[0, 0, 0]], [1], [1, 1, 1]))))
out.append(err(lambda: tf.edit_distance([1], tf.SparseTensor([[0, 0]], [1], [1, 1]))))
out.append(err(lambda: tf.edit_distance(tf.SparseTensor([[0, 0]], [1], [1, 1]), [1])))
result = out
"""


@pytest.mark.oracle
def test_errors_match_tf(oracle):
    """Rank-1 inputs, hypothesis and truth of other ranks, an index beyond the output
    (InternalError); at
    graph time ranks that differ and arguments that are not SparseTensors."""
    cases = [
        (([[0]], [1], [3]), ([[0]], [1], [3])),
        (([[0, 0]], [1], [2, 2]), ([[0, 0, 0]], [1], [2, 2, 2])),
        (([[0, 0]], [1], [2, 2]), ([[0, 0]], [1], [2, 2, 2])),
        (([[5, 0]], [1], [2, 2]), ([[0, 0]], [1], [2, 2])),
        (([[0, 0], [1, 0]], [1, 2], [2, 2]), ([[1, 1]], [2], [2, 2])),
    ]
    code = ORACLE_HELPERS + "CASES = %r\n" % cases + ERRORS
    here, there = run_here(code), oracle(code)
    assert "ok" in there and here == there, (here, there)
