"""tf.lookup.StaticVocabularyTable against real TF: ids, out-of-vocabulary buckets (string
and int64 keys), sizes, the graph (lookup scopes named after each table's own op), TF's errors,
and a text pipeline reading a CSV file whose map looks words up in the table."""

import pytest
from oracle import ORACLE_HELPERS, explain, run_here, same

SNIPPETS = {
    "text_pipeline": """
import os, tempfile
d = tempfile.mkdtemp()
p = os.path.join(d, "t.csv")
open(p, "w").write('label,text\\n1,"the cat sat"\\n0,"a dog"\\n1,"the the cat ran far"\\n'
                  '0,"unknown words here"\\n')
words = tf.constant(["the", "cat", "sat", "a", "dog", "ran"])
table = tf.lookup.StaticVocabularyTable(
    tf.lookup.KeyValueTensorInitializer(words, tf.range(6, dtype=tf.int64)), 2)
maxlen = tf.placeholder(tf.int64, [], name="maxlen")
ds = tf.data.experimental.CsvDataset(p, [tf.int32, tf.string], header=True)
ds = ds.map(lambda y, t: (table.lookup(tf.strings.split([t]).values)[:maxlen], y))
ds = ds.padded_batch(2, ([None], []), (tf.constant(-1, tf.int64), 0))
it = tf.data.make_initializable_iterator(ds); n = it.get_next()
with tf.Session() as s:
    s.run(tf.tables_initializer()); s.run(it.initializer, {maxlen: 3})
    result = [s.run(n), s.run(n), repr(ds.output_types), repr(ds.output_shapes)]""",
    "graph_and_errors": """
ini = tf.lookup.KeyValueTensorInitializer(tf.constant(["a", "b"]), tf.constant([0, 1], tf.int64))
t = tf.lookup.StaticVocabularyTable(ini, 3)
ids = t.lookup(tf.constant(["b", "zz", "a", "q"]))
sz = t.size()
i64 = tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(
    tf.constant([5, 7], tf.int64), tf.constant([0, 1], tf.int64)), 2, name="nums")
ids2 = i64.lookup(tf.constant([7, 8, 9], tf.int64))
with tf.Session() as s:
    s.run(tf.tables_initializer())
    r = [s.run(ids), s.run(sz), s.run(ids2)]
result = r + [t.name, i64.name, graph(),
    err(lambda: tf.lookup.StaticVocabularyTable(ini, 0)),
    err(lambda: tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(
        tf.constant(["a"]), tf.constant([0])), 1)),
    err(lambda: t.lookup(tf.constant([1, 2])))]""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_matches_tf(oracle, name):
    code = ORACLE_HELPERS + SNIPPETS[name]
    here, there = run_here(code), oracle(code)
    assert "ok" in here and same(here, there), explain(code, here, there)
