"""tf.data.experimental.make_csv_dataset against real TF: inferred column names and types,
given defaults, selected columns, labels, epochs, seeded shuffles, two files read in turn, and
TF's ValueErrors for bad arguments."""

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
