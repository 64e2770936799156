"""TF1 lookup tables against TensorFlow: the graph (op names, types, inputs), values, the
uninitialized-table error, tables_initializer and lookups feeding compiled math."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

# tf.contrib.lookup here; TF 2.21 keeps the same functions in tensorflow.python.ops.lookup_ops
LK = """import importlib
lk = tf.contrib.lookup if hasattr(tf, "contrib") else importlib.import_module(
    "tensorflow.python.ops.lookup_ops")
"""

PROGRAMS = [
    # a MutableHashTable: insert, lookup, remove, export, a bad insert, a checkpoint round trip
    """import os, tempfile
t = lk.MutableHashTable(tf.string, tf.int64, default_value=-1)
ins = t.insert(tf.constant(["a", "b"]), tf.constant([1, 2], tf.int64))
f = t.lookup(tf.constant(["a", "z"]))
keys, values = t.export()
rm = t.remove(tf.constant(["a", "q"]))
sz = t.size()
bad = t.insert(tf.constant(["a"]), tf.constant([1, 2], tf.int64))
ops = [[op.name, op.type, [i.name for i in op.inputs]] for op in tf.get_default_graph().get_operations()
       if op.type != "Const"]
saver = tf.train.Saver()
path = os.path.join(tempfile.mkdtemp(), "ck")
with tf.Session() as s:
    steps = [s.run(f).tolist()]
    s.run(ins)
    k, v = s.run([keys, values])
    steps += [s.run([f, sz]), sorted(zip(k.tolist(), v.tolist()))]
    s.run(rm)
    steps.append(s.run([f, sz]))
    steps.append(err(lambda: s.run(bad)))
    s.run(ins)
    saver.save(s, path)
with tf.Session() as s:
    saver.restore(s, path)
    steps.append(s.run([f, sz]))
result = [ops, t.name, steps, sorted(n for n, _ in tf.train.list_variables(path))]""",
    # hash buckets for unknown string keys (FarmHash Fingerprint64), fed and sparse keys
    """t = lk.index_table_from_tensor(tf.constant(["x", "y"]), num_oov_buckets=3)
o = t.lookup(tf.constant(["y", "q", "zz"]))
x = tf.placeholder(tf.string, [None])
o2 = t.lookup(x) * 2
sp = t.lookup(tf.SparseTensor([[0, 0], [1, 2]], ["x", "qq"], [2, 3]))
words = [b"", b"a", b"abcd", b"hello wo", b"0123456789abcdefg", b"y" * 32, b"z" * 33,
         b"q" * 64, b"r" * 65, bytes(range(200)), "\u6700|Hash #2".encode()]
h = tf.strings.to_hash_bucket_fast(tf.constant(words), 2 ** 63 - 1)
h2 = tf.string_to_hash_bucket_fast(x, 7)
ops = [[op.name, op.type, [i.name for i in op.inputs]] for op in tf.get_default_graph().get_operations()
       if "Lookup" in op.name]
with tf.Session() as s:
    s.run(tf.tables_initializer())
    feed = {x: ["x", "y", "q", "zz", "w"]}
    result = [ops, t.name, s.run([o, t.size(), o2, sp.values, sp.indices, h, h2], feed)]""",
    # tables from a vocabulary file: whole lines, line numbers, columns; a missing file
    """import os, tempfile
path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
with open(path, "w") as f:
    f.write("cat\\t7\\ndog\\t9\\nguinea pig\\t3\\n")
t = lk.index_table_from_file(path)
t2 = lk.index_to_string_table_from_file(path, default_value="?")
t3 = tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(
    path, tf.string, 0, tf.int64, 1, delimiter="\\t"), -1)
t4 = lk.index_table_from_file(path, vocab_size=2, key_column_index=0, delimiter="\\t")
a = t.lookup(tf.constant(["dog", "x", "guinea pig\\t3"]))
b = t2.lookup(tf.constant([1, 5], tf.int64))
c = t3.lookup(tf.constant(["dog", "cat"]))
d = t4.lookup(tf.constant(["dog", "guinea pig", "cat"]))
ops = [[o.name, o.type, [i.name for i in o.inputs]] for o in tf.get_default_graph().get_operations()
       if o.type != "Const"]
with tf.Session() as s:
    s.run(tf.tables_initializer())
    values = s.run([a, b, c, d, t.size()])
bad = tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(
    os.path.join(os.path.dirname(path), "missing.txt"), tf.string, -2, tf.int64, -1), -1)
with tf.Session() as s:
    e = err(lambda: s.run(bad.lookup(tf.constant(["a"]))))
    missing = err(lambda: s.run(tf.tables_initializer()))
result = [ops, values, e, missing[0], missing[1].endswith("missing.txt; No such file or directory"),
          len(tf.get_collection(tf.GraphKeys.ASSET_FILEPATHS))]""",
    """keys = tf.constant(["a", "b", "c"]); vals = tf.constant([1, 2, 3], tf.int64)
t = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(keys, vals), -1)
out = t.lookup(tf.constant([["a", "x"], ["c", "b"]]))
sz = t.size()
it = lk.index_table_from_tensor(tf.constant(["x", "y"]), default_value=-5)
o2 = it.lookup(tf.constant(["y", "q"]))
st = lk.index_to_string_table_from_tensor(tf.constant(["x", "y"]))
o3 = st.lookup(tf.constant([1, 7], tf.int64))
n = lk.index_table_from_tensor(tf.constant([7, 3], tf.int64), dtype=tf.int64)
o4 = n.lookup(tf.constant([3, 5, 7], tf.int64)) * 10 + 1
ops = [[o.name, o.type, [i.name for i in o.inputs]] for o in tf.get_default_graph().get_operations()
       if o.type != "Const"]
init = tf.tables_initializer()
with tf.Session() as s:
    before = err(lambda: s.run(out))
    s.run(init)
    values = s.run([out, sz, o2, o3, o4])
    s.run(init)
result = [ops, [o.name for o in tf.get_collection(tf.GraphKeys.TABLE_INITIALIZERS)],
          [out.name, out.shape, sz.name, o3.dtype.name, init.name, init.type], before, values]""",
    # a fed lookup; no tables: tables_initializer is a NoOp
    """with tf.Graph().as_default():
    empty = tf.tables_initializer()
t = lk.HashTable(lk.KeyValueTensorInitializer(
    tf.constant([10, 20], tf.int64), tf.constant([0.5, 1.5])), 0.0, name="ht")
x = tf.placeholder(tf.int64, [None])
y = tf.reduce_sum(t.lookup(x, name="find"))
with tf.Session() as s:
    s.run(tf.tables_initializer())
    result = [empty.type, t.name, y.op.inputs[0].name, s.run(y, {x: [10, 20, 20, 3]}),
              s.run(t.size())]""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_lookup_matches_tf(oracle, code):
    code = ORACLE_HELPERS + LK + code
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


@pytest.mark.oracle
def test_table_graph_written_here_runs_in_tf(oracle, tmp_path):
    path = str(tmp_path / "graph.pb")
    build = LK + """t = lk.index_table_from_tensor(tf.constant(["x", "y"]), default_value=-5)
s = lk.index_to_string_table_from_tensor(tf.constant(["x", "y"]))
o = tf.identity(t.lookup(tf.constant(["y", "q"])) * 2, name="out")
w = tf.identity(s.lookup(tf.constant([0, 4], tf.int64)), name="words")
tf.tables_initializer()
with open(%r, "wb") as f:
    f.write(tf.get_default_graph().as_graph_def().SerializeToString())
with tf.Session() as sess:
    sess.run("init_all_tables")
    result = sess.run(["out:0", "words:0"])""" % path
    load = """gd = tf.GraphDef()
with open(%r, "rb") as f:
    gd.ParseFromString(f.read())
tf.import_graph_def(gd, name="")
with tf.Session() as sess:
    sess.run("init_all_tables")
    result = sess.run(["out:0", "words:0"])""" % path
    here = run_here(build)
    there = oracle(load)
    assert here == there == {"ok": [[2, -10], ["x", "UNK"]]}, (here, there)
