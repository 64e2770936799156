"""tf.data.experimental.make_csv_dataset and make_batched_features_dataset against real TF:
inferred column names and types, given defaults, selected columns, labels, epochs, seeded
shuffles, two files read in turn, parsed Examples (dense and sparse), TF's ValueErrors."""

import pytest
from data_oracle import DATA_PRELUDE, matches_tf
from oracle import ORACLE_HELPERS

PRELUDE = DATA_PRELUDE + ORACLE_HELPERS + """
import os, tempfile
E = tf.data.experimental
d = tempfile.mkdtemp()
def csvfile(name, text):
    p = os.path.join(d, name); open(p, "w").write(text); return p
csvfile("a.csv", "x,y,z,w\\n1,2.5,a,10000000000\\n2,,b,3\\n3,4,,5\\n")
csvfile("b.csv", "x,y,z,w\\n4,5e1,c,7\\n5,6,\\"d,e\\",8\\n")
def run(ds, n=10):
    nxt = tf.data.make_one_shot_iterator(ds).get_next()
    out = []
    with tf.Session() as s:
        for _ in range(n):
            try: out.append(s.run(nxt))
            except tf.errors.OutOfRangeError: out.append("end"); break
    return out
"""

SNIPPETS = {
    "columns_types_labels_epochs": """
a = E.make_csv_dataset(os.path.join(d, "*.csv"), 2, num_epochs=1, shuffle=False)
b = E.make_csv_dataset(os.path.join(d, "*.csv"), 3, label_name="x", select_columns=["y", "x"],
                       num_epochs=2, shuffle=False)
c = E.make_csv_dataset([os.path.join(d, "a.csv")], 2, num_epochs=1, shuffle=False,
                       column_defaults=[tf.int64, [0.0], ["?"], tf.int64])
e = E.make_csv_dataset(os.path.join(d, "a.csv"), 2, shuffle=True, shuffle_seed=3, num_epochs=1)
result = [run(a), meta(a), run(b), meta(b), run(c), run(e)]""",
    "parallel_reads": """
a = E.make_csv_dataset(os.path.join(d, "*.csv"), 2, num_epochs=1, shuffle=False,
                       num_parallel_reads=2)
result = [run(a)]""",
    "batched_features": """
def ex(i):
    f = tf.train.Features(feature={
        "a": tf.train.Feature(int64_list=tf.train.Int64List(value=[i])),
        "b": tf.train.Feature(float_list=tf.train.FloatList(value=[i * 0.5] * (i % 3))),
        "s": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"x%d" % i]))})
    return tf.train.Example(features=f).SerializeToString()
for k in range(2):
    with tf.io.TFRecordWriter(os.path.join(d, "r%d.tfrecord" % k)) as w:
        for i in range(5):
            w.write(ex(10 * k + i))
feats = {"a": tf.io.FixedLenFeature([], tf.int64), "b": tf.io.VarLenFeature(tf.float32),
         "s": tf.io.FixedLenFeature([], tf.string, default_value="")}
pattern = os.path.join(d, "*.tfrecord")
a = E.make_batched_features_dataset(pattern, 3, feats, num_epochs=1, shuffle=False)
b = E.make_batched_features_dataset(pattern, 4, feats, label_key="a", num_epochs=2,
                                    shuffle=False, reader_num_threads=2)
c = E.make_batched_features_dataset(pattern, 4, feats, shuffle=True, shuffle_seed=5,
                                    num_epochs=1)
def show(xs):
    out = []
    for x in xs:
        if x == "end": out.append(x); continue
        f, l = (x if isinstance(x, tuple) else (x, None))
        out.append([{k: (v.values.tolist(), v.indices.tolist(), v.dense_shape.tolist())
                     if hasattr(v, "indices") else v for k, v in sorted(f.items())}, l])
    return out
result = [show(run(a)), show(run(b)), show(run(c)), meta(b)[0]]""",
    "bad_arguments": """
p = csvfile("a.csv", "x,y,x\\n1,2,3\\n")
q = csvfile("b.csv", "x,y\\n1,2\\n3\\n")
xy, zz = ["x", "y"], [[0], [0]]
given = lambda **kw: err(lambda: E.make_csv_dataset(q, 2, column_names=xy, **kw))
result = [err(lambda: E.make_csv_dataset("/nonexistent_dir/*.csv", 2)),
          err(lambda: E.make_csv_dataset([], 2)),
          err(lambda: E.make_csv_dataset(p, 2)),
          err(lambda: E.make_csv_dataset(q, 2)),
          err(lambda: E.make_csv_dataset(q, 2, header=False)),
          given(column_defaults=zz, label_name="z"),
          given(column_defaults=zz, select_columns=[0, 0]),
          given(column_defaults=zz, select_columns=[5]),
          given(column_defaults=zz, select_columns=["k"]),
          given(column_defaults=[[0]], select_columns=[0, 1]),
          ]""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_matches_tf(oracle, name):
    matches_tf(oracle, PRELUDE + SNIPPETS[name])
