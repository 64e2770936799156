"""tf.data.experimental.CsvDataset against real TF: parsed values and defaults, header,
selected columns, quotes, NA values, TF's errors for bad records (the next call goes on),
for bad arguments when the dataset is built, and TF's graph."""

import pytest
from data_oracle import DATA_PRELUDE, matches_tf
from oracle import ORACLE_HELPERS

PRELUDE = DATA_PRELUDE + ORACLE_HELPERS + """
import os, tempfile
E = tf.data.experimental
def csvfile(text):
    p = os.path.join(tempfile.mkdtemp(), "f.csv")
    open(p, "wb").write(text.encode())
    return p
"""

SNIPPETS = {
    "values_defaults_header_select": """
p = csvfile('a,b,c\\n1,2.5,x\\n3,,"y,z"\\n-4, 7e2 ,"q""r"\\r\\n5,1,\\n')
a = E.CsvDataset(p, [tf.int32, tf.constant([0.5]), tf.constant(["dflt"])], header=True)
b = E.CsvDataset([p, p], [tf.int64, tf.float64], header=True, select_cols=[0, 1])
c = E.CsvDataset(p, [tf.string, tf.string], header=False, select_cols=[0, 2])
d = E.CsvDataset(p, [[0], [1.0], [""]], header=True)
result = [rows(a), meta(a), rows(b), rows(c), rows(d), ops()]""",
    "bad_records_then_good_ones": """
p = csvfile('1,2\\n,3\\nx,4\\n5\\n6,7,8\\n9,"a"b\\n10,"c"\\n11,d"e\\n\\n12,NA\\n'
            '13,"unterminated\\n')
a = E.CsvDataset(p, [tf.int32, tf.string], na_value="NA")
b = E.CsvDataset(p, [tf.constant([0]), tf.constant(["z"])], na_value="NA")
c = E.CsvDataset(p, [tf.string, tf.string], use_quote_delim=False)
result = [rows(a), rows(b), rows(c)]""",
    "checks_when_built": """
p = csvfile('1,2,3\\n')
empty = csvfile('')
result = [rows(E.CsvDataset(p, [tf.int32, tf.int32], select_cols=[2, 1])),
          rows(E.CsvDataset(p, [tf.int32, tf.int32], select_cols=[0])),
          rows(E.CsvDataset(p, [tf.int32], select_cols=[-1])),
          rows(E.CsvDataset(p, [tf.int32], field_delim="ab")),
          rows(E.CsvDataset(p, [tf.int32], buffer_size=0)),
          rows(E.CsvDataset(p, [tf.int32], compression_type="LZ4")),
          rows(E.CsvDataset(empty, [tf.int32], header=True)),
          rows(E.CsvDataset(empty, [tf.int32])),
          rows(E.CsvDataset("/nonexistent/x.csv", [tf.int32])),
          rows(E.CsvDataset(p, [tf.int32, tf.int32], select_cols=[1, 3])),

          rows(E.CsvDataset(p, [tf.int32, tf.int32])),
          ]""",
    "default_shapes": """
result = [err(lambda: E.CsvDataset("x.csv", [tf.constant([1, 2])])),
          err(lambda: E.CsvDataset("x.csv", [tf.constant([[1]])]))]""",
    "gzip": """
import gzip
p = os.path.join(tempfile.mkdtemp(), "f.csv.gz")
with gzip.open(p, "wb") as f:
    f.write(b"1,a\\n2,b")
result = rows(E.CsvDataset(p, [tf.int64, tf.string], compression_type="GZIP"))""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_matches_tf(oracle, name):
    matches_tf(oracle, PRELUDE + SNIPPETS[name])
