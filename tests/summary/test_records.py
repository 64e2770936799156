"""TFRecord files: what scopeflow writes TF reads and the other way round; damaged files."""

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings
from oracle import run_here
from scope_programs import check_tf

RECORDS = [b"hello", b"", b"x" * 300, bytes(range(256))]
KINDS = [None, "GZIP", "ZLIB"]


def _write(path, kind):
    return """recs = %r
with tf.python_io.TFRecordWriter(%r, %r) as w:
    for r in recs:
        w.write(r)
""" % (RECORDS, path, kind)


def _read(path, kind):
    return "result = [r.hex() for r in tf.python_io.tf_record_iterator(%r, %r)]" % (path, kind)


@pytest.mark.oracle
@pytest.mark.parametrize("kind", KINDS)
def test_tf_reads_ours_and_we_read_tfs(oracle, tmp_path, kind):
    ours, theirs = str(tmp_path / "ours"), str(tmp_path / "theirs")
    assert "ok" in run_here(_write(ours, kind) + "result = 1")
    assert "ok" in oracle(_write(theirs, kind) + "result = 1")
    want = {"ok": [r.hex() for r in RECORDS]}
    assert oracle(_read(ours, kind)) == want
    assert run_here(_read(theirs, kind)) == want
    if kind is None:  # uncompressed files are byte-identical
        assert open(ours, "rb").read() == open(theirs, "rb").read()


DAMAGE = [  # (description, change to the file's bytes)
    ("truncated data", "data = data[:-3]"),
    ("flipped data bit", "data[14] ^= 1"),
    ("flipped length bit", "data[3] ^= 1"),
    ("second record's length crc", "data[21 + 9] ^= 1"),
    ("partial header at the end", "data = data + bytes(5)"),
    ("not a TFRecord file", "data[:] = b'garbage file content'"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("what,change", DAMAGE, ids=[d[0] for d in DAMAGE])
def test_damaged_files_match_tf(oracle, tmp_path, what, change):
    path = str(tmp_path / what.replace(" ", "_"))
    code = _write(path, None) + """data = bytearray(open(%r, "rb").read())
%s
open(%r, "wb").write(bytes(data))
out = []
try:
    for r in tf.python_io.tf_record_iterator(%r):
        out.append(r.hex())
except tf.errors.DataLossError as e:
    out.append(e.message)
result = out""" % (path, change, path, path)
    check_tf(oracle, code, message=True)


COMPRESSED_DAMAGE = [  # (description, kind, change to the compressed file's bytes)
    ("gzip truncated", "GZIP", "data = data[:len(data) // 2]"),
    ("gzip flipped byte", "GZIP", "data[30] ^= 0xFF"),
    ("gzip bad method", "GZIP", "data[2] = 7"),
    ("not gzip", "GZIP", "data[:] = b'hello world' * 5"),
    ("zlib truncated", "ZLIB", "data = data[:len(data) // 2]"),
    ("zlib flipped byte", "ZLIB", "data[30] ^= 0xFF"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("what,kind,change", COMPRESSED_DAMAGE,
                         ids=[d[0] for d in COMPRESSED_DAMAGE])
def test_damaged_compressed_files_are_data_loss(oracle, tmp_path, what, kind, change):
    path = str(tmp_path / what.replace(" ", "_"))
    code = _write(path, kind) + """data = bytearray(open(%r, "rb").read())
%s
open(%r, "wb").write(bytes(data))
out = []
try:
    for r in tf.python_io.tf_record_iterator(%r, %r):
        out.append(r.hex())
except tf.errors.DataLossError as e:
    out.append(e.message)
result = out""" % (path, change, path, path, kind)
    check_tf(oracle, code, message=True)


@pytest.mark.oracle
def test_missing_file_and_summary_iterator_match_tf(oracle, tmp_path):
    check_tf(oracle, "list(tf.python_io.tf_record_iterator(%r))" % str(tmp_path / "nope"),
             message=True)
    logdir = str(tmp_path / "logs")
    code = """import glob
x = tf.placeholder(tf.float32, [], name="x")
s = tf.summary.scalar("loss", x)
with tf.Session() as sess:
    w = tf.summary.FileWriter(%r)
    for step in range(3):
        w.add_summary(sess.run(s, {x: step / 2}), step)
    w.close()
events = list(tf.train.summary_iterator(glob.glob(%r + "/events*")[0]))
result = [[e.step, [[v.tag, v.simple_value] for v in e.summary.value]] for e in events[1:]]
""" % (logdir, logdir)
    check_tf(oracle, code)


@settings(max_examples=30, deadline=None)
@given(records=st.lists(st.binary(max_size=64), max_size=8), kind=st.sampled_from(KINDS))
def test_records_round_trip(tmp_path_factory, records, kind):
    from scopeflow.summary.records import TFRecordWriter, tf_record_iterator
    path = str(tmp_path_factory.mktemp("r") / "f")
    with TFRecordWriter(path, kind) as w:
        for r in records:
            w.write(r)
    assert list(tf_record_iterator(path, kind)) == records


def test_plain_files_are_read_in_blocks_across_record_boundaries(tmp_path, monkeypatch):
    import io

    from scopeflow import errors
    from scopeflow.summary import records as rec
    path = str(tmp_path / "r.tfrecord")
    items = [bytes([i % 251]) * (i * 7 % 40) for i in range(60)]
    with rec.TFRecordWriter(path) as w:
        for x in items:
            w.write(x)
    data = (tmp_path / "r.tfrecord").read_bytes()
    for block in (1, 5, 13, 64, 1 << 22):
        monkeypatch.setattr(rec, "_BLOCK", block)
        assert list(rec._records(io.BytesIO(data), "")) == items
        assert list(rec._stream_records(io.BytesIO(data), "")) == items
        for cut in (data[:-3], data[:5], data[:-1] + b"x"):
            got = []
            for read in (rec._records, rec._stream_records):
                try:
                    got.append(list(read(io.BytesIO(cut), "")))
                except errors.DataLossError as e:
                    got.append(e.message)
            assert got[0] == got[1], (block, got)
