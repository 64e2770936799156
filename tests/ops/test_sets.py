"""tf.sets against TF: the op each input combination builds (DenseToDense, DenseToSparse with
TF's swap of a sparse first argument, SparseToSparse, SetSize), shapes, errors at graph and
run time, and the result SparseTensors (TF's ordering) for random inputs with hypothesis."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from array_oracle import check_graph
from oracle import run_here

A = "np.array([[1, 2, 2, 5], [3, 3, 0, 1]], np.int32)"
B = "np.array([[2, 7, 1, 1], [9, 0, 4, 4]], np.int32)"
SP = "tf.SparseTensor([[0, 0], [0, 2], [1, 1]], np.array([5, 2, 0], np.int32), [2, 3])"

GRAPHS = [
    "r = [tf.sets.intersection(%s, %s), tf.sets.union(%s, %s)]" % (A, B, A, B),
    "r = tf.sets.set_difference(%s, %s, aminusb=False)" % (A, B),
    "r = tf.sets.union(%s, %s)" % (A, SP),
    "r = tf.sets.difference(%s, %s)" % (SP, A),
    "r = tf.sets.set_intersection(%s, %s)" % (SP, SP),
    "r = [tf.sets.size(%s), tf.sets.set_size(%s)]" % (SP, SP),
    "tf.sets.size(%s)" % A,
    "tf.sets.size(tf.SparseTensor([[0, 0]], [1.0], [2, 3]))",
    "tf.sets.union(%s, %s.astype(np.int64))" % (A, B),
    "tf.sets.union(%s.astype(np.float32), %s)" % (A, B),
    "tf.sets.union(np.array([1, 2]), np.array([2, 3]))",
    "tf.sets.union(%s, np.zeros([3, 2], np.int32))" % A,
    "r = tf.sets.union(tf.placeholder(tf.int32, [None, 3]), tf.placeholder(tf.int32))",
    "tf.sets.union(tf.placeholder(tf.int32, [2, 2, 3]), tf.placeholder(tf.int32, [2, 3]))",
    "r = tf.sets.union(tf.placeholder(tf.string), tf.SparseTensor(tf.placeholder(tf.int64), "
    "tf.placeholder(tf.string), tf.placeholder(tf.int64, [3])))",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code)


def _run(oracle, code):
    code += ("\ntry:\n    with tf.Session() as s:\n        v = s.run(r)\n"
             "    result = [[x.tolist() if x.dtype.kind != 'O' else [y.decode() for y in x] "
             "for x in t] if isinstance(t, tuple) else t.tolist() for t in v]\n"
             "except tf.errors.OpError as e:\n"
             "    result = [type(e).__name__, e.message.split('\\n')[0]]\n")
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert here == there, (code, here, there)


VALUES = [
    "r = [tf.sets.intersection(%s, %s), tf.sets.union(%s, %s), tf.sets.difference(%s, %s), "
    "tf.sets.difference(%s, %s, False)]" % ((A, B) * 4),
    "r = [tf.sets.union(%s, %s), tf.sets.difference(%s, %s), tf.sets.intersection(%s, %s), "
    "tf.sets.size(%s)]" % (A, SP, SP, A, SP, SP, SP),
    "r = [tf.sets.union(np.array([[b'b', b'a']]), np.array([[b'c', b'a']]))]",
    "r = [tf.sets.intersection(np.zeros([2, 0], np.int32), np.zeros([2, 0], np.int32))]",
    "r = [tf.sets.union(tf.SparseTensor([[0, 0], [1, 1]], np.array([5, 2], np.int32), [2, 3]), "
    "tf.SparseTensor([[0, 0]], np.array([3], np.int32), [2, 5]))]",
    "r = [tf.sets.union(tf.SparseTensor([[0, 0], [1, 1]], np.array([5, 2], np.int32), [2, 3]), "
    "tf.SparseTensor([[0, 0]], np.array([3], np.int32), [3, 5]))]",
    "r = [tf.sets.union(tf.SparseTensor([[1, 0], [0, 1]], np.array([5, 2], np.int32), [2, 3]), "
    "tf.SparseTensor([[0, 0]], np.array([3], np.int32), [2, 5]))]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES)
def test_values_match_tf(oracle, code):
    _run(oracle, code)


@pytest.mark.oracle
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(shape=st.lists(st.integers(1, 3), min_size=1, max_size=2), width=st.integers(0, 5),
       seed=st.integers(0, 1000), op=st.sampled_from(["intersection", "union", "difference"]),
       sparse=st.booleans(), dtype=st.sampled_from(["int64", "uint8", "int16"]))
def test_random_sets_match_tf(oracle, shape, width, seed, op, sparse, dtype):
    code = ("rng = np.random.RandomState(%d); a = rng.randint(0, 6, %r).astype(np.%s); "
            "b = rng.randint(0, 6, %r).astype(np.%s)\n"
            % (seed, shape + [width], dtype, shape + [width + 1], dtype))
    if sparse:  # b's nonzero entries as a SparseTensor of a's group shape
        code += ("idx = np.argwhere(b != 0); b = tf.SparseTensor(idx, b[b != 0], %r)\n"
                 % (shape + [width + 1]))
    code += "r = [tf.sets.%s(a, b), tf.sets.%s(b, a)]" % (op, op)
    if sparse:
        code += " + [tf.sets.size(b)]"
    _run(oracle, code)
