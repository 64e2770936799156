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
