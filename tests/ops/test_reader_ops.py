"""TFRecordReader, TextLineReader, WholeFileReader, IdentityReader against TF: graphs, keys,
values, counters and the errors at the end of the input."""

import pytest
from array_oracle import check_graph
from oracle import run_here

GRAPHS = [
    "fq = tf.FIFOQueue(10, tf.string, shapes=[[]])\nr = tf.TFRecordReader()\n"
    "k, v = r.read(fq); ku, vu = r.read_up_to(fq, 2)\n"
    "r.num_records_produced(); r.num_work_units_completed(); r.reset()\n"
    "result = [r.supports_serialize, r.reader_ref.op.get_attr('compression_type')]",
    "fq = tf.FIFOQueue(10, tf.string)\n"
    "r = tf.TFRecordReader(options=tf.io.TFRecordOptions('GZIP'), name='gzr')\n"
    "t = tf.TextLineReader(skip_header_lines=1)\nw = tf.WholeFileReader()\n"
    "i = tf.IdentityReader()\n"
    "for x in (r, t, w, i):\n    x.read(fq.queue_ref)\n"
    "result = [t.reader_ref.op.get_attr('skip_header_lines'), w.supports_serialize]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code)


def _files(tmp_path):
    d = str(tmp_path)
    return d, ("d = %r\n" % d) + (
        "with tf.python_io.TFRecordWriter(d + '/a.tfr') as w:\n"
        "    for i in range(3): w.write(b'rec%d' % i)\n"
        "with tf.python_io.TFRecordWriter(d + '/b.gz', options=tf.io.TFRecordOptions('GZIP'))"
        " as w:\n"
        "    for i in range(2): w.write(b'gz%d' % i)\n"
        "open(d + '/t.txt', 'w').write('header\\nl1\\r\\nl2\\n\\nl4')\n"
        "fq = tf.FIFOQueue(10, tf.string, shapes=[[]])\n"
        "def rel(x):\n"
        "    return [y.replace(d.encode(), b'D') if isinstance(y, bytes) else\n"
        "            [z.replace(d.encode(), b'D') for z in y.tolist()] if hasattr(y, 'tolist')"
        " else y for y in x]\n")


def test_readers_match_tf(oracle, tmp_path):
    _, setup = _files(tmp_path)
    code = setup + (
        "r = tf.TFRecordReader(); k, v = r.read(fq); ku, vu = r.read_up_to(fq, 2)\n"
        "t = tf.TextLineReader(skip_header_lines=1); kt, vt = t.read(fq)\n"
        "w = tf.WholeFileReader(); kw, vw = w.read(fq)\n"
        "g = tf.TFRecordReader(options=tf.io.TFRecordOptions('GZIP')); kg, vg = g.read(fq)\n"
        "i = tf.IdentityReader(); ki, vi = i.read(fq)\n"
        "out = []\n"
        "with tf.Session() as s:\n"
        "    s.run(fq.enqueue_many([[d + '/a.tfr', d + '/a.tfr']]))\n"
        "    out += [rel(s.run([k, v])) for _ in range(4)]\n"
        "    out.append(s.run([r.num_records_produced(), r.num_work_units_completed()]))\n"
        "    out.append(rel(s.run([ku, vu])))\n"
        "    s.run(fq.enqueue_many([[d + '/t.txt']]))\n"
        "    out += [rel(s.run([kt, vt])) for _ in range(4)]\n"
        "    s.run(fq.enqueue_many([[d + '/t.txt', d + '/b.gz', 'x']]))\n"
        "    out += [rel(s.run([kw, vw])), rel(s.run([kg, vg])), rel(s.run([kg, vg])),"
        " rel(s.run([ki, vi]))]\n"
        "    s.run(fq.enqueue_many([[d + '/missing']]))\n"
        "    try:\n        s.run([k, v])\n"
        "    except tf.errors.NotFoundError as e:\n"
        "        out.append(str(e).split('Node: ')[1].split('\\n')[1].replace(d, 'D'))\n"
        "    s.run(fq.close())\n"
        "    try:\n        s.run([ku, vu])\n"
        "    except tf.errors.OutOfRangeError as e:\n"
        "        out.append('closed' in str(e))\n"
        "    out.append(s.run(k + '|'.join([])) if False else s.run(tf.constant(1)))\n"
        "result = out\n")
    there, here = oracle(code), run_here(code)
    assert "ok" in there, there
    assert here == there


def test_fixed_length_reader_matches_tf(oracle, tmp_path):
    code = ("d = %r\n" % str(tmp_path)) + (
        "open(d + '/a.bin', 'wb').write(b'HH' + bytes(range(10)) + b'F')\n"
        "open(d + '/b.bin', 'wb').write(b'HH' + bytes(range(7)) + b'F')\n"
        "fq = tf.FIFOQueue(10, tf.string, shapes=[[]])\n"
        "r = tf.FixedLengthRecordReader(record_bytes=3, header_bytes=2, footer_bytes=1)\n"
        "k, v = r.read(fq)\n"
        "h = tf.FixedLengthRecordReader(record_bytes=3, hop_bytes=2, name='hop')\n"
        "kh, vh = h.read(fq)\nout = [r.reader_ref.op.name, h.reader_ref.op.name]\n"
        "with tf.Session() as s:\n"
        "    s.run(fq.enqueue_many([[d + '/a.bin', d + '/b.bin', d + '/a.bin']]))\n"
        "    for _ in range(5):\n"
        "        a, b = s.run([k, v]); out.append([a.replace(d.encode(), b''), list(b)])\n"
        "    for _ in range(6):\n"
        "        a, b = s.run([kh, vh]); out.append([a.replace(d.encode(), b''), list(b)])\n"
        "result = out\n")
    there, here = oracle(code), run_here(code)
    assert "ok" in there, there
    assert here == there


def test_corrupt_record_is_data_loss_and_session_stays_usable(tf, tmp_path):
    p = str(tmp_path / "bad.tfr")
    with tf.python_io.TFRecordWriter(p) as w:
        w.write(b"abcdef")
    data = open(p, "rb").read()
    open(p, "wb").write(data[:14] + b"X" + data[15:])
    fq = tf.FIFOQueue(3, tf.string, shapes=[[]])
    k, v = tf.TFRecordReader().read(fq)
    with tf.Session() as s:
        s.run(fq.enqueue(p))
        with pytest.raises(tf.errors.DataLossError, match="corrupted record"):
            s.run(v)
        assert s.run(tf.constant(2)) == 2


MISSING = """
open(d + "/a", "w").write("A\\nB\\n")
with tf.python_io.TFRecordWriter(d + "/r") as w:
    w.write(b"A")
readers = [tf.WholeFileReader(), tf.TFRecordReader(), tf.TextLineReader(),
           tf.FixedLengthRecordReader(1)]
out = []
with tf.Session() as s:
    for r, good in zip(readers, ["a", "r", "a", "a"]):
        fq = tf.FIFOQueue(10, tf.string, shapes=[[]])
        v = r.read(fq)[1]
        s.run(fq.enqueue_many([[d + "/missing", d + "/" + good]]))
        s.run(fq.close())
        for _ in range(3):
            try:
                out.append(s.run(v))
            except tf.errors.OpError as e:
                out.append(type(e).__name__)
result = out
"""


def test_missing_file_fails_the_start_or_the_read_as_in_tf(oracle, tmp_path):
    """TF opens a TFRecord / text / fixed-length file when its work unit starts (a missing
    one is skipped after its error); WholeFileReader reads it in the read, so it fails again."""
    code = ("d = %r\n" % str(tmp_path)) + MISSING
    there, here = oracle(code), run_here(code)
    assert "ok" in there, there
    assert here == there
