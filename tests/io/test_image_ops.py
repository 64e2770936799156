"""tf.image.decode_png / decode_jpeg / decode_image / encode_png against real TF."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oracle import ORACLE_HELPERS, run_here

PRELUDE = ORACLE_HELPERS + r"""
IMG = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3) * 13
"""

SNIPPETS = {
    "graph": """
ph = tf.placeholder(tf.uint8, [None, None, 3])
s = tf.placeholder(tf.string, [])
outs = [tf.image.encode_png(ph), tf.image.decode_png(s), tf.image.decode_png(s, channels=1),
        tf.image.decode_png(s, channels=4, dtype=tf.uint16), tf.image.decode_jpeg(s, channels=3),
        tf.image.decode_image(s), tf.image.decode_image(s, channels=3, name="img"),
        tf.io.decode_image(s, expand_animations=False), tf.io.decode_png(s, name="p")]
bad = err(lambda: tf.image.encode_png(tf.zeros([2, 2], tf.uint8)))
result = [graph(), bad[0], bad[1].split(" for ")[0]]
""",
    "values": """
ph = tf.placeholder(tf.uint8, [None, None, None])
s = tf.placeholder(tf.string, [])
png = tf.image.encode_png(ph)
decs = [tf.image.decode_png(s), tf.image.decode_png(s, channels=4, dtype=tf.uint16),
        tf.image.decode_jpeg(s), tf.image.decode_image(s), tf.image.decode_png(s, channels=3)]
with tf.Session() as sess:
    rgb = sess.run(png, {ph: IMG})
    gray = sess.run(png, {ph: IMG[:, :, :1]})
    rgba = sess.run(png, {ph: np.concatenate([IMG, IMG[:, :, :1]], 2)})
    result = [[sess.run(d, {s: data}) for d in decs] for data in (rgb, gray, rgba)]
    result.append(err(lambda: sess.run(decs[0], {s: b"garbage"})))
    result.append(err(lambda: sess.run(decs[3], {s: b"garbage"})))
    result.append(sess.run(decs[1], {s: rgb}).shape)
    flt = sess.run(tf.image.decode_image(s, dtype=tf.float32), {s: rgb})
    result.append([flt.dtype.name, (flt * 65535).round().astype(int)])
    jpg = sess.run(tf.image.encode_jpeg(tf.constant(np.full((4, 4, 3), 128, np.uint8)),
                                        quality=95)) if hasattr(tf.image, "encode_jpeg") else None
    result.append(len(sess.run(tf.image.encode_png(tf.zeros([2, 2, 1], tf.uint8)))) > 0)
""",
    # libpng's fixed-point RGB -> gray (not another library's luma), and TF's channel check
    "gray": """
rng = np.random.RandomState(0)
s = tf.placeholder(tf.string, [])
with tf.Session() as sess:
    out = []
    for c in (3, 4):
        data = sess.run(tf.image.encode_png(rng.randint(0, 256, (16, 16, c)).astype(np.uint8)))
        out += [sess.run(d, {s: data}) for d in (
            tf.image.decode_png(s, channels=1), tf.image.decode_image(s, channels=1),
            tf.image.decode_png(s, channels=1, dtype=tf.uint16))]
    for f in (tf.image.decode_png, tf.image.decode_jpeg, tf.image.decode_image):
        out.append(err(lambda: sess.run(f(s, channels=2), {s: data})))
    result = out
""",
    # damaged files: TF's error class and message, and the session stays usable
    "damaged": """
s = tf.placeholder(tf.string, [])
dp, dj, di = tf.image.decode_png(s, channels=3), tf.image.decode_jpeg(s), tf.image.decode_image(s)
with tf.Session() as sess:
    pb = sess.run(tf.image.encode_png(IMG))
    jb = sess.run(tf.image.encode_jpeg(tf.constant(np.full((8, 8, 3), 100, np.uint8))))
    bm = bytearray(pb)
    bm[40] ^= 0xFF  # the first IDAT chunk's type
    result = [err(lambda: sess.run(dp, {s: pb[:20]})), err(lambda: sess.run(dj, {s: b"garbage"})),
              err(lambda: sess.run(di, {s: pb[:60]})), err(lambda: sess.run(dp, {s: pb[:-10]})),
              err(lambda: sess.run(dp, {s: bytes(bm)})), err(lambda: sess.run(dj, {s: jb[:-20]})),
              err(lambda: sess.run(dj, {s: jb[:30]})), err(lambda: sess.run(di, {s: b"x" * 9})),
              sess.run(dj, {s: pb}), sess.run(dp, {s: pb})]
""",
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_images_match_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    assert run_here(code) == oracle(code)


def test_tf_decodes_our_png_and_we_decode_tfs(oracle, tmp_path):
    import scopeflow.compat.v1 as tf
    img = (np.arange(5 * 4 * 3) * 7 % 256).astype(np.uint8).reshape(5, 4, 3)
    ours = tmp_path / "ours.png"
    with tf.Session() as sess:
        ours.write_bytes(sess.run(tf.image.encode_png(tf.constant(img))))
    code = ("import numpy as np\nwith tf.Session() as sess:\n"
            "    result = sess.run(tf.image.decode_png(open(%r, 'rb').read())).tolist()\n"
            "    open(%r, 'wb').write(sess.run(tf.image.encode_png(np.array(result, np.uint8))))"
            % (str(ours), str(tmp_path / "theirs.png")))
    assert oracle(code) == {"ok": img.tolist()}
    with tf.Session() as sess:
        got = sess.run(tf.image.decode_png((tmp_path / "theirs.png").read_bytes()))
    assert got.tolist() == img.tolist()


def test_jpeg_decodes_like_tf(oracle, tmp_path):
    """Exact with TF's INTEGER_ACCURATE IDCT (Pillow's); TF's default (INTEGER_FAST) differs
    from it by a few levels (up to 8 here), as TF's own two methods do."""
    img = (np.arange(8 * 8 * 3) * 5 % 256).astype(np.uint8).reshape(8, 8, 3)
    path = tmp_path / "x.jpg"
    code = ("import numpy as np\nwith tf.Session() as sess:\n"
            "    data = sess.run(tf.image.encode_jpeg(np.array(%r, np.uint8), quality=90))\n"
            "    open(%r, 'wb').write(data)\n"
            "    result = [sess.run(tf.image.decode_jpeg(data, dct_method=m)).tolist()\n"
            "              for m in ('INTEGER_ACCURATE', '')]" % (img.tolist(), str(path)))
    accurate, default = oracle(code)["ok"]
    import scopeflow.compat.v1 as tf
    with tf.Session() as sess:
        got = sess.run(tf.image.decode_jpeg(path.read_bytes(), dct_method="INTEGER_ACCURATE"))
    assert got.tolist() == accurate
    assert np.abs(got.astype(int) - np.array(default)).max() <= 8


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.sampled_from([1, 2, 3, 4]), st.integers(0, 2**32))
def test_png_round_trip(h, w, c, seed):
    import scopeflow.compat.v1 as tf
    tf.reset_default_graph()
    img = np.random.RandomState(seed % 2**32).randint(0, 256, (h, w, c)).astype(np.uint8)
    with tf.Session() as sess:
        got = sess.run(tf.image.decode_png(tf.image.encode_png(tf.constant(img))))
    assert got.dtype == np.uint8 and (got == img).all()


def test_encode_jpeg_writes_tfs_bytes(oracle):
    """Pillow's libjpeg at TF's settings gives TF's own file, byte for byte."""
    code = ("img = (np.arange(9 * 7 * 3) * 11 % 256).astype(np.uint8).reshape(9, 7, 3)\n"
            "ph = tf.placeholder(tf.uint8, [None, None, None])\n"
            "outs = [tf.image.encode_jpeg(ph), tf.image.encode_jpeg(ph, quality=70,\n"
            "        chroma_downsampling=False)]\n"
            "s = tf.placeholder(tf.string, [None])\n"
            "checks = [tf.image.is_jpeg(s[0]), tf.io.is_jpeg(s[1], name='j'), "
            "tf.strings.substr(s, 1, 2), tf.equal(s, 'ab'), tf.not_equal(s[0], s)]\n"
            "with tf.Session() as sess:\n"
            "    data = sess.run(outs, {ph: img})\n"
            "    result = [[list(d) for d in data], [t.name for t in outs + checks],\n"
            "              sess.run(checks, {s: [data[0], b'ab']})[1:]]")
    code = "import numpy as np\n" + code
    here, there = run_here(code), oracle(code)
    assert here == there
