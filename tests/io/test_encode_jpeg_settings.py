"""tf.image.encode_jpeg gives TF's bytes for every setting: grayscale (1x1 sampling), quality,
chroma, progressive, optimize_size, density unit and values, XMP; TF's errors."""

import pytest
from oracle import explain, run_here

_PROGRAM = r"""
rng = np.random.RandomState(0)
ramp = (np.add.outer(np.arange(17) * 7, np.arange(23) * 3) % 256).astype(np.uint8)[:, :, None]
noise = rng.randint(0, 256, (61, 45, 1)).astype(np.uint8)
rgb = np.concatenate([ramp, 255 - ramp, ramp // 2], 2)
CASES = [(ramp, "", {}), (ramp, "grayscale", {}), (rgb, "", {}), (ramp, "", dict(quality=50)),
         (ramp, "", dict(chroma_downsampling=False)),
         (ramp, "", dict(density_unit="cm", x_density=10, y_density=20)),
         (ramp, "", dict(progressive=True)), (ramp, "", dict(optimize_size=True)),
         (noise, "", {}), (noise, "grayscale", dict(quality=100)),
         (noise, "", dict(quality=1, progressive=True, optimize_size=True)),
         (ramp, "", dict(xmp_metadata="<x:xmpmeta>hi</x:xmpmeta>")),
         (rgb, "rgb", dict(xmp_metadata="abc", density_unit="cm", x_density=0, y_density=7)),
         (rgb, "grayscale", {}), (ramp, "rgb", {}), (ramp[:, :, :0], "", {}),
         (np.zeros((0, 5, 1), np.uint8), "", {})]
def err(f):
    try:
        return list(f())
    except Exception as e:
        lines = [l for l in str(e).split("\n") if l and not l.startswith(" ")]
        return [type(e).__name__] + lines[2:4]
ph = tf.placeholder(tf.uint8, [None, None, None])
result = []
with tf.Session() as sess:
    for image, fmt, kw in CASES:
        enc = tf.image.encode_jpeg(ph, format=fmt, **kw)
        result.append(err(lambda: sess.run(enc, {ph: image})))
for kw in (dict(density_unit="mm"), dict(format="rgba")):
    result.append(err(lambda: tf.image.encode_jpeg(ph, **kw).name))
"""


@pytest.mark.oracle
def test_encode_jpeg_bytes_are_tfs(oracle):
    code = "import numpy as np\n" + _PROGRAM
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert here == there, explain(code, here, there)
