"""File datasets against real TF: text lines, TFRecords (GZIP / ZLIB), fixed-length records."""

import pytest
from oracle import explain, run_here, same

PRELUDE = """
import gzip, os, tempfile
D = tempfile.mkdtemp()
def drain(ds, limit=100):
    nxt = tf.data.make_one_shot_iterator(ds).get_next()
    out = []
    with tf.Session() as sess:
        for _ in range(limit):
            try:
                out.append(sess.run(nxt))
            except tf.errors.OutOfRangeError:
                break
    return out
def write(name, data):
    p = os.path.join(D, name)
    with open(p, "wb") as f:
        f.write(data)
    return p
def err(f):
    try:
        f()
        return "ok"
    except Exception as e:
        return type(e).__name__
"""

SNIPPETS = {
    "text_lines": """
a = write("a.txt", b"one\\r\\ntwo\\n\\nthree")
b = write("b.txt", b"")
c = os.path.join(D, "c.txt.gz")
with gzip.open(c, "wb") as f:
    f.write(b"g1\\ng2\\n")
ds = tf.data.TextLineDataset([a, b, a])
gz = tf.data.TextLineDataset(c, compression_type="GZIP")
result = [drain(ds), drain(gz), [(o.name, o.type) for o in tf.get_default_graph().get_operations()],
          err(lambda: drain(tf.data.TextLineDataset(os.path.join(D, "missing"))))]""",
    "tf_records": """
out = []
for comp in ("", "GZIP", "ZLIB"):
    p = os.path.join(D, "r" + comp)
    with tf.python_io.TFRecordWriter(p, options=tf.python_io.TFRecordOptions(
            getattr(tf.python_io.TFRecordCompressionType, comp or "NONE"))) as w:
        for i in range(3):
            w.write(b"rec%d" % i)
    out.append(drain(tf.data.TFRecordDataset(p, compression_type=comp)))
p = os.path.join(D, "r")
two = tf.data.TFRecordDataset([p, p]).batch(4)
bad = write("bad", b"\\x00" * 20)
result = [out, drain(two), err(lambda: drain(tf.data.TFRecordDataset(bad))),
          tf.data.get_output_types(two).name]""",
    "fixed_length": """
p = write("f.bin", b"HH" + bytes(range(12)) + b"F")
ds = tf.data.FixedLengthRecordDataset(p, 4, header_bytes=2, footer_bytes=1)
result = [drain(ds), drain(tf.data.FixedLengthRecordDataset([p], 5, header_bytes=2))]""",
    "files_then_lines": """
a = write("a.txt", b"h\\nx1\\nx2\\n")
b = write("b.txt", b"h\\ny1\\n")
ds = tf.data.Dataset.list_files(os.path.join(D, "*.txt"), shuffle=False).interleave(
    lambda f: tf.data.TextLineDataset(f).skip(1), cycle_length=2)
result = drain(ds)""",
    "list_files_seeded_and_parallel_reads": """
for i in range(5):
    write("f%d.txt" % i, b"x%d\\n" % i)
tf.set_random_seed(1)
names = drain(tf.data.Dataset.list_files(os.path.join(D, "*.txt"), seed=3).repeat(2))
lines = drain(tf.data.TextLineDataset([os.path.join(D, "f%d.txt" % i) for i in range(3)],
                                      num_parallel_reads=2))
result = [[os.path.basename(n) for n in names], sorted(lines),
          err(lambda: drain(tf.data.Dataset.list_files(os.path.join(D, "*.nope")))),
          err(lambda: tf.data.TFRecordDataset([os.path.join(D, "f0.txt")], buffer_size=100,
                                              num_parallel_reads=2))]""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)


DAMAGED = """
import re
DAMAGE = {
    "crc mismatch": ("", lambda b: b[:14] + bytes([b[14] ^ 1]) + b[15:]),
    "length crc mismatch": ("", lambda b: b[:9] + bytes([b[9] ^ 1]) + b[10:]),
    "truncated file": ("", lambda b: b[:-3]),
    "partial header at the end": ("", lambda b: b + bytes(5)),
    "not a TFRecord file": ("", lambda b: b"garbage file content"),
    "GZIP garbage": ("GZIP", lambda b: b"hello world" * 5),
    "GZIP truncated": ("GZIP", lambda b: b[:len(b) // 2]),
    "ZLIB truncated": ("ZLIB", lambda b: b[:len(b) // 2]),
}
def outcome(f):
    try:
        return f()
    except tf.errors.OpError as e:  # class, the kernel's message (resource numbers vary), node
        text = re.sub(r"'_\\d+_", "'_N_", str(e).split("Node: ", 1)[1])
        return [type(e).__name__] + text.split("\\n\\t [[")[0].split("\\n", 1)[1:] + [e.op.name]
out = {}
for what, (comp, change) in DAMAGE.items():
    p = os.path.join(D, what.replace(" ", "_"))
    with tf.python_io.TFRecordWriter(p, tf.python_io.TFRecordOptions(comp or None)) as w:
        for i in range(4):
            w.write(b"record%d" % i * 3)
    data = open(p, "rb").read()
    write(os.path.basename(p), change(data))
    with tf.Graph().as_default():
        it = tf.data.make_initializable_iterator(tf.data.TFRecordDataset(p, compression_type=comp))
        nxt = it.get_next()
        fq = tf.FIFOQueue(3, tf.string, shapes=[[]])
        k, v = tf.TFRecordReader(options=tf.io.TFRecordOptions(comp or None)).read(fq)
        with tf.Session() as s:
            s.run(it.initializer)
            got = [outcome(lambda: s.run(nxt)) for _ in range(6)]
            s.run(it.initializer)  # the session and the iterator stay usable
            got += [outcome(lambda: s.run(nxt)), s.run(tf.constant(3))]
            s.run(fq.enqueue_many([[p, p]])); s.run(fq.close())
            got += [outcome(lambda: s.run(v)) for _ in range(6)]
    out[what] = got
result = out
"""


@pytest.mark.oracle
def test_damaged_tfrecords_in_datasets_and_readers_match_tf(oracle):
    """CRC mismatches, truncation and compressed garbage: the records before the damage, then
    TF's DataLossError (or the end) at the same read; a reader stays at a failing record."""
    code = PRELUDE + DAMAGED
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert same(here, there), explain(code, here, there)


REPRS = """
import collections
open(os.path.join(tmp, 'x.csv'), 'w').write('a,b\\n1,2\\n')
result = [repr(d) for d in (
    tf.data.TFRecordDataset(os.path.join(tmp, 'x.tfrecord')),
    tf.data.TFRecordDataset([os.path.join(tmp, 'x'), os.path.join(tmp, 'y')], num_parallel_reads=2),
    tf.data.TextLineDataset(os.path.join(tmp, 'x.txt')),
    tf.data.FixedLengthRecordDataset(os.path.join(tmp, 'x.bin'), 4),
    tf.data.experimental.CsvDataset(os.path.join(tmp, 'x.csv'), [tf.int32, tf.int32], header=True),
    tf.data.experimental.make_csv_dataset(os.path.join(tmp, 'x.csv'), 1, num_epochs=1),
    tf.data.Dataset.from_tensors(collections.OrderedDict([('b', 1), ('a', 2)])),
    tf.data.Dataset.from_tensors({'b': 1, 'a': 2}))]
"""


@pytest.mark.oracle
def test_reader_reprs_as_tf(oracle, tmp_path):
    code = "import os\ntmp = %r\n" % str(tmp_path) + REPRS
    here = run_here(code)
    assert here == oracle(code)
    assert "TFRecordDatasetV2" in str(here) and "OrderedDict([('a'" in str(here)
