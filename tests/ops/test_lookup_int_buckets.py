"""Out-of-vocabulary hash buckets of integer keys against TF: AsString then
StringToHashBucketFast (FarmHash Fingerprint64 of the decimal text), op for op, with keys from
constants, feeds, variables, int32 keys of an int64 table, SparseTensor keys and vocabulary
files."""

import pytest
from oracle import ORACLE_HELPERS, explain, run_here, same

LK = """import importlib
lk = tf.contrib.lookup if hasattr(tf, "contrib") else importlib.import_module(
    "tensorflow.python.ops.lookup_ops")
"""
PROGRAMS = [
    """t = lk.index_table_from_tensor(tf.constant([10, 20, 30], tf.int64), num_oov_buckets=7,
                                dtype=tf.int64)
k = tf.constant([10, 5, 30, -123456789, 99, 9223372036854775807, -9223372036854775808, 0],
                tf.int64)
p = tf.placeholder(tf.int64, [None])
v = tf.Variable([1, 20, 300], dtype=tf.int64)
ids, fed, from_var = t.lookup(k), t.lookup(p), t.lookup(v + 1)
sparse = t.lookup(tf.SparseTensor([[0, 0], [1, 2]], tf.constant([20, 77], tf.int64), [2, 3]))
with tf.Session() as s:
    s.run([tf.tables_initializer(), tf.global_variables_initializer()])
    result = [graph(), s.run(ids), s.run(fed, {p: [7, 20, 123]}), s.run(from_var),
              s.run(sparse.values), s.run(t.size())]""",
    """t = lk.index_table_from_tensor(tf.constant([3, 4]), num_oov_buckets=5, dtype=tf.int32)
ids = t.lookup(tf.constant([3, 9, -1, 4]))
with tf.Session() as s:
    s.run(tf.tables_initializer())
    result = [graph(), s.run(ids), err(lambda: t.lookup(tf.constant([1], tf.int64)))]""",
    """import os, tempfile
path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
with open(path, "w") as f:
    f.write("42\\n7\\n-3\\n")
t = lk.index_table_from_file(path, num_oov_buckets=4, key_dtype=tf.int64)
ids = t.lookup(tf.constant([7, 8, -3, 100000], tf.int64))
with tf.Session() as s:
    s.run(tf.tables_initializer())
    result = [[op.name for op in tf.get_default_graph().get_operations()], s.run(ids)]""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS, ids=["tensor", "int32", "file"])
def test_integer_key_buckets_match_tf(oracle, code):
    code = ORACLE_HELPERS + LK + code
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
