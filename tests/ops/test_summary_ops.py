"""tf.summary ops: graph structure, serialized results, errors, and TensorBoard reading them."""

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given, settings
from scope_programs import check_tf

READ = """
from google.protobuf import json_format
try:  # scopeflow's environment has tensorboard; TF's has its own copy of the protos
    from tensorboard.compat.proto import summary_pb2
except ImportError:
    from tensorflow.core.framework import summary_pb2
def read(b):
    return json_format.MessageToDict(summary_pb2.Summary.FromString(b))
def ops():
    return [[o.name, o.type, [i.name for i in o.inputs]]
            for o in tf.get_default_graph().get_operations()]
import struct, zlib
def pixels(png):
    # a small PNG reader (every filter type): [width, height, channels, rows]
    pos, idat = 8, b""
    while pos < len(png):
        n, kind = struct.unpack(">I4s", png[pos:pos + 8])
        if kind == b"IHDR":
            w, h, _, ctype = struct.unpack(">IIBB", png[pos + 8:pos + 18])
        elif kind == b"IDAT":
            idat += png[pos + 8:pos + 8 + n]
        pos += 12 + n
    ch = {0: 1, 2: 3, 6: 4}[ctype]
    raw, stride, rows, prev = zlib.decompress(idat), w * ch, [], [0] * w * ch
    for r in range(h):
        f, line = raw[r * (stride + 1)], list(raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)])
        for i in range(stride):
            a, up = (line[i - ch] if i >= ch else 0), prev[i]
            c = prev[i - ch] if i >= ch else 0
            p = a + up - c
            pa, pb, pc = abs(p - a), abs(p - up), abs(p - c)
            paeth = a if pa <= pb and pa <= pc else up if pb <= pc else c
            pred = [0, a, up, (a + up) // 2, paeth][f]
            line[i] = (line[i] + pred) & 255
        rows.append(line)
        prev = line
    return [w, h, ch, rows]
def media(b):
    s = summary_pb2.Summary.FromString(b)
    out = []
    for v in s.value:
        if v.HasField("image"):
            out.append([v.tag, v.image.height, v.image.width, v.image.colorspace,
                        pixels(v.image.encoded_image_string)])
        else:
            out.append([v.tag, json_format.MessageToDict(v.audio)])
    return out
"""

PROGRAMS = [
    # names, tags (family, name scopes, cleaned names) and the SUMMARIES collection
    READ + """x = tf.placeholder(tf.float32, [], name="x")
s = [tf.summary.scalar("loss", x), tf.summary.scalar("loss", x)]
with tf.name_scope("outer"):
    s.append(tf.summary.scalar("acc/top1", x * 2, family="fam"))
s.append(tf.summary.scalar("bad name!", 1.0))
s.append(tf.summary.scalar("/lead", 1, collections=["mine"]))
s.append(tf.summary.histogram("hist", [1.0, 2.0]))
s.append(tf.summary.text("note", tf.constant("hello")))
s.append(tf.summary.tensor_summary("tsum", [[1, 2]], summary_description="d",
                                   display_name="D"))
m = [tf.summary.merge([s[0], s[5]]), tf.summary.merge(s[:2], name="m"), tf.summary.merge_all(),
     tf.summary.merge_all("mine")]
result = [[t.name for t in s + m], ops(), [t.name for t in tf.get_collection("summaries")],
          [t.name for t in tf.get_collection("mine")], [t.shape.as_list() for t in s + m],
          [t.dtype.name for t in s + m]]""",
    # values: scalars of several dtypes, histograms (TF's buckets), tensors, text, merged
    READ + """x = tf.placeholder(tf.float32, None, name="x")
y = tf.placeholder(tf.float32, None, name="y")
v = tf.constant([1.0, 2.0, -3.0, 0.0, 1e-13, -1e-13, 5e19, 1e25], tf.float64)
s = [tf.summary.scalar("f", x), tf.summary.scalar("i", tf.constant(7, tf.int64)),
     tf.summary.scalar("h", tf.constant(0.1, tf.float16)),
     tf.summary.histogram("hist", v), tf.summary.histogram("empty", tf.zeros([0])),
     tf.summary.histogram("ints", tf.range(-50, 300)),
     tf.summary.histogram("zeros", tf.constant([[-0.0, 0.0, 0.1, 0.0], [0.0, -7e-13, -0.0, 3.0]])),
     tf.summary.histogram("fed", y),
     tf.summary.text("note", tf.constant([["a", "b"]])),
     tf.summary.tensor_summary("tsum", y * 2), tf.summary.tensor_summary("b", [True, False])]
merged = tf.summary.merge_all()
with tf.Session() as sess:
    out = sess.run(s + [merged], {x: 0.5, y: [[0.5, -2.0]]})
    again = sess.run(s[0], {x: 3.0})
result = [read(b) for b in out] + [read(again), type(again).__name__] + [b.hex() for b in out]""",
    # images (uint8 as given; float16/32/64 rescaled, non-finite pixels in bad_color) and audio
    READ + """x = tf.placeholder(tf.float32, None)
rng = np.random.RandomState(0)
images = [rng.randint(0, 256, [3, 4, 5, 3]).astype(np.uint8),
          rng.uniform(0, 3, [2, 3, 4, 1]).astype(np.float32),
          rng.uniform(-2, 1, [1, 4, 3, 4]).astype(np.float64),
          rng.uniform(-1, 1, [1, 2, 2, 3]).astype(np.float16),
          np.float32([[[[0.5], [np.nan]], [[2.0], [-1.0]]]]),
          np.float32([[[[0.0, np.inf, 1.0], [1e-7, 0.0, 0.0]]]])]
s = [tf.summary.image("img%d" % i, v, max_outputs=m)
     for i, (v, m) in enumerate(zip(images, [2, 3, 1, 1, 2, 1]))]
s.append(tf.summary.image("fed", x))
clips = rng.uniform(-1.5, 1.5, [2, 6, 2]).astype(np.float32)
s += [tf.summary.audio("clip", clips, 16000), tf.summary.audio("mono", clips[:, :, 0], 44100.5,
                                                               max_outputs=1),
      tf.summary.audio("fedclip", x, tf.constant(8000.0))]
with tf.Session() as sess:
    out = [sess.run(t, {x: images[1] if "fed" in t.name and "clip" not in t.name else clips})
           for t in s]
result = [ops(), [media(b) for b in out]]""",
    "tf.summary.scalar(['a', 'b'], tf.constant([1, 2]))",
    "tf.summary.image('i', tf.zeros([1, 2, 2, 3], tf.int32))",
    "tf.summary.image('i', tf.zeros([1, 2, 2, 3]), max_outputs=0)",
    "tf.summary.audio('a', tf.zeros([2, 3], tf.float64), 8000)",
    "tf.summary.audio('a', tf.zeros([2, 3]), 8000, max_outputs=0)",
    # errors while building
    "tf.summary.scalar('s', tf.constant('a'))",
    "tf.summary.scalar('s', tf.constant(True))",
    "tf.summary.histogram('h', tf.constant('x'))",
    "tf.summary.text('t', tf.constant(1.0))",
    "tf.summary.merge([1.0])",
    "tf.summary.merge([])",
    READ + """try:
    tf.summary.scalar('s', tf.constant('a'))
except TypeError:
    pass
tf.summary.merge_all()
result = [tf.summary.scalar('s', 1.0).name, ops()]""",
    # errors while running: the session stays usable
    READ + """x = tf.placeholder(tf.float32, None)
s, h = tf.summary.scalar("sv", x), tf.summary.histogram("hn", x)
i, a = tf.summary.image("im", x), tf.summary.audio("au", x, tf.constant(-1.0))
a2 = tf.summary.audio("au2", x, 8000)
bad = [tf.summary.merge([s, s]), tf.summary.merge([tf.constant("garbage")])]
errors = []
with tf.Session() as sess:
    for fetch, value in [(s, [1.0, 2.0]), (h, [1.0, np.nan]), (h, [np.inf]), (bad[0], 1.0),
                         (bad[1], 1.0), (i, np.zeros([2, 3])), (i, np.zeros([1, 2, 2, 2])),
                         (a, np.zeros([1, 2])), (a2, np.zeros([2]))]:
        try:
            sess.run(fetch, {x: value})
        except tf.errors.InvalidArgumentError as e:
            errors.append(e.message.split("Node: ")[1].split("\\n\\t")[0])
    result = [errors, read(sess.run(s, {x: 2.0}))]""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    check_tf(oracle, code, message=True)


def test_summaries_of_a_training_loop_reach_tensorboard(tf, tmp_path):
    """merge_all + FileWriter.add_summary: TensorBoard's reader sees every step's values."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    w = tf.Variable(5.0, name="w")
    loss = tf.square(w)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    tf.summary.scalar("loss", loss)
    tf.summary.histogram("weights", w)
    merged = tf.summary.merge_all()
    with tf.Session() as sess:
        writer = tf.summary.FileWriter(str(tmp_path), sess.graph)
        sess.run(tf.global_variables_initializer())
        for step in range(3):
            summary, _ = sess.run([merged, train])
            writer.add_summary(summary, step)
        writer.close()
    acc = EventAccumulator(str(tmp_path), size_guidance={"histograms": 0})
    acc.Reload()
    assert acc.Tags()["scalars"] == ["loss"] and acc.Tags()["histograms"] == ["weights"]
    losses = [e.value for e in acc.Scalars("loss")]
    assert losses == pytest.approx([25.0, 16.0, 10.24])
    assert [e.step for e in acc.Histograms("weights")] == [0, 1, 2]
    assert acc.Histograms("weights")[1].histogram_value.max == pytest.approx(4.0)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.floats(-1e300, 1e300, width=64), max_size=50))
def test_histogram_buckets_hold_every_value(values):
    """Every value lies in the bucket that ends at the first limit above it; counts add up."""
    from scopeflow.ops.summary_ops import _LIMITS, histogram_proto
    h = histogram_proto(np.asarray(values))
    assert h.num == len(values) == sum(h.bucket)
    limits = list(h.bucket_limit)
    assert limits == sorted(limits) and limits[-1] == _LIMITS[-1]
    for x in values:
        i = int(np.searchsorted(limits, x, side="right"))
        assert h.bucket[i] > 0  # the collapsed run that holds x is not an empty one
    if values:
        assert (h.min, h.max) == (min(values), max(values))


def test_summary_inside_control_flow_is_a_clear_error(tf):
    """A summary's value cannot flow through tf.cond or into other ops; the error says so, and
    the session stays usable."""
    x = tf.placeholder(tf.float32, [])
    c = tf.cond(x > 0, lambda: tf.summary.scalar("a", x), lambda: tf.summary.scalar("b", x))
    ok = tf.summary.scalar("ok", x)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.UnimplementedError, match="outside tf.cond"):
            sess.run(c, {x: 1.0})
        from tensorboard.compat.proto import summary_pb2
        value = summary_pb2.Summary.FromString(sess.run(ok, {x: 2.0})).value[0]
        assert (value.tag, value.simple_value) == ("ok", 2.0)


def test_png_and_wav_encoders_round_trip():
    """What the image and audio summaries hold decodes back to the pixels and samples."""
    import io
    import wave
    import zlib

    from scopeflow.ops.summary_ops import png, wav
    pixels = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    data = png(pixels)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    raw = np.frombuffer(zlib.decompress(data[41:-12]), np.uint8).reshape(2, 1 + 3 * 4)
    assert (raw[:, 0] == 0).all() and (raw[:, 1:].reshape(2, 3, 4) == pixels).all()
    samples = np.float32([[0.5, -1.0], [0.25, 1.0], [3e-5, -2.0]])
    with wave.open(io.BytesIO(wav(samples, 8000))) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (2, 2, 8000)
        got = np.frombuffer(w.readframes(3), "<i2").reshape(3, 2)
    assert got.tolist() == [[16384, -32768], [8192, 32767], [1, -32768]]


def test_summaries_survive_graph_def_export_and_import(tf):
    """A GraphDef with every kind of summary imports and runs to the same bytes."""
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, None, name="x")
        tf.summary.scalar("s", tf.reduce_sum(x))
        tf.summary.histogram("h", x)
        tf.summary.image("i", tf.reshape(x, [1, 2, 2, 1]))
        tf.summary.audio("a", tf.reshape(x, [1, 4]), 8000)
        tf.summary.text("t", tf.constant("q"))
        merged = tf.summary.merge_all()
        with tf.Session() as sess:
            want = sess.run(merged, {x: [1.0, 2.0, 3.0, 4.0]})
    with tf.Graph().as_default():
        tf.import_graph_def(g.as_graph_def(), name="")
        with tf.Session() as sess:
            got = sess.run("Merge/MergeSummary:0", {"x:0": [1.0, 2.0, 3.0, 4.0]})
    assert got == want and isinstance(got, bytes)
