"""nest: flatten / pack / structure errors as TF's nest."""

import collections

import pytest
from oracle import run_here

from scopeflow.ops import nest

P = collections.namedtuple("P", "a b")

PAIRS = [
    "[1, 2], (1, 2)",
    "[1, [2]], [1, 2]",
    "[1, 2], [1, [2]]",
    "1, [1]",
    "[[1, 2]], [[1]]",
    "{'a': 1}, {'b': 1}",
    "{'a': [1, 2], 'b': 3}, {'b': 4, 'a': [5, 6]}",
]


@pytest.mark.oracle
@pytest.mark.parametrize("pair", PAIRS)
def test_assert_same_structure_matches_tf(oracle, pair):
    code = ("from tensorflow.python.util import nest as N\n"
            "try:\n    N.assert_same_structure(%s)\n    result = None\n"
            "except (TypeError, ValueError) as e:\n    result = [type(e).__name__, str(e)]" % pair)
    there = oracle(code)["ok"]
    a, b = eval("(%s)" % pair)  # noqa: S307 - fixed test table
    try:
        nest.assert_same_structure(a, b)
        here = None
    except (TypeError, ValueError) as e:
        here = [type(e).__name__, str(e)]
    assert here == there


KEY_ORDER = """
r = tf.cond(tf.constant(True), lambda: {"z": 1, "a": 2}, lambda: {"z": 3, "a": 4})
w = tf.while_loop(lambda d: d["z"] < 3, lambda d: ({"z": d["z"] + 1, "a": d["a"]},),
                  ({"z": 1, "a": 2},))[0]
q = tf.FIFOQueue(2, [tf.int32, tf.int32], names=["z", "a"], shapes=[[], []])
result = [list(tf.nest.pack_sequence_as({"b": 1, "a": 2}, [10, 20]).items()),
          list(tf.nest.map_structure(lambda x: x * 2, {"b": 1, "a": 2}).items()),
          list(r), list(w), list(q.dequeue())]
"""


@pytest.mark.oracle
def test_packed_dicts_keep_their_key_order_as_tf(oracle):
    assert run_here(KEY_ORDER) == oracle(KEY_ORDER)


def test_flatten_and_pack_round_trip():
    s = {"b": P(1, [2, 3]), "a": (4,)}
    flat = nest.flatten(s)
    assert flat == [4, 1, 2, 3]
    assert nest.pack_sequence_as(s, flat) == s
    assert nest.flatten(None) == [None] and nest.flatten("ab") == ["ab"]
    assert nest.map_structure(lambda x, y: x + y, [1, (2,)], [10, (20,)]) == [11, (22,)]


@pytest.mark.oracle
def test_expand_composites_matches_tf(oracle):
    """flatten / pack_sequence_as / map_structure / assert_same_structure opening a
    RaggedTensor into [flat_values, *row_splits] and a SparseTensor into its three tensors
    (NumPy parts pack into a RaggedTensorValue / SparseTensorValue, as TF1's)."""
    code = """
import numpy as np
def err(f):
    try:
        f()
    except (TypeError, ValueError) as e:
        return [type(e).__name__, str(e)]
r = tf.ragged.constant([[1, 2], [3], [4, 5, 6]])
r2 = tf.ragged.constant([[[1], [2]], [[3]]])
sp = tf.SparseTensor([[0, 1]], [2.0], [3, 4])
desc = lambda xs: [[x.name, x.shape.as_list()] if hasattr(x, "name") else x for x in xs]
flat = tf.nest.flatten({"a": r2, "b": (sp, 1), "c": r}, expand_composites=True)
m = tf.nest.map_structure(lambda x: x * 2, r, expand_composites=True)
p = tf.nest.pack_sequence_as((r, sp), [np.array([1, 2, 3]), np.array([0, 1, 3], np.int64),
    np.array([[0]], np.int64), np.array([1.]), np.array([2], np.int64)], expand_composites=True)
q = tf.nest.pack_sequence_as(r2._type_spec, tf.nest.flatten(r2, expand_composites=True),
                             expand_composites=True)
with tf.Session() as s:
    mv = s.run(m).to_list()
result = [repr(r._type_spec), repr(r2._type_spec), repr(sp._type_spec), desc(flat),
          tf.nest.flatten(r)[0] is r, type(m).__name__, m.shape.as_list(), mv,
          type(p[0]).__name__, p[0].to_list(), type(p[1]).__name__, p[1].dense_shape.tolist(),
          type(q).__name__, q.ragged_rank, q.shape.as_list(),
          err(lambda: tf.nest.assert_same_structure(r, r2, expand_composites=True)),
          err(lambda: tf.nest.assert_same_structure(r, sp, expand_composites=True)),
          tf.nest.assert_same_structure(r, r * 2, expand_composites=True),
          err(lambda: tf.nest.assert_same_structure(r, [1, 2], expand_composites=True)),
          err(lambda: tf.nest.assert_same_structure([r], [1], expand_composites=True)),
          err(lambda: tf.nest.assert_same_structure({"a": (sp, r)}, {"a": (sp, r2)},
                                                    expand_composites=True)),
          err(lambda: tf.nest.map_structure(lambda x: x, r, sp, expand_composites=True)),
          err(lambda: tf.nest.pack_sequence_as(r, [1], expand_composites=True)),
          err(lambda: tf.nest.map_structure(lambda x: x, r, foo=1))]
"""
    here, there = run_here(code), oracle(code)
    for i, (a, b) in enumerate(zip(here["ok"], there["ok"])):
        assert a == b, (i, a, b)
    assert here == there
