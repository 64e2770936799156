"""tf.data.experimental.TFRecordWriter against real TF: the DatasetToTFRecord op, the bytes of
the file it writes (plain and GZIP, read back by TFRecordDataset) and TF's TypeErrors."""

import pytest
from data_oracle import DATA_PRELUDE, matches_tf
from oracle import ORACLE_HELPERS

WRITES = DATA_PRELUDE + ORACLE_HELPERS + """
import os, tempfile
d = tempfile.mkdtemp()
E = tf.data.experimental
p, q = os.path.join(d, "a.tfrecord"), os.path.join(d, "b.tfrecord.gz")
ds = tf.data.Dataset.range(4).map(lambda x: tf.strings.as_string(x * 3))
w = E.TFRecordWriter(p).write(ds)
wz = E.TFRecordWriter(q, "GZIP").write(ds.take(2))
with tf.Session() as s:
    r1 = s.run(w)
    s.run(wz)
back = drain(tf.data.TFRecordDataset([p]))
backz = drain(tf.data.TFRecordDataset([q], "GZIP"))
result = [r1, w.type, w.name, [i.name for i in w.inputs], open(p, "rb").read().hex(), back, backz,
          err(lambda: E.TFRecordWriter(p).write(tf.data.Dataset.range(3))),
          err(lambda: E.TFRecordWriter(p).write([1]))]
"""


@pytest.mark.oracle
def test_writes_as_tf(oracle):
    matches_tf(oracle, WRITES)
