"""tf.image resizing against TF: ResizeBilinear / ResizeNearestNeighbor values bit for bit over
align_corners / half_pixel_centers and input dtypes, their gradients, resize_images' graph,
shapes and errors."""

import numpy as np
import pytest
from math_oracle import check_all_ops, check_outputs
from oracle import ORACLE_HELPERS, fed_cases_match, run_here

MODES = "[(False, False), (True, False), (False, True)]"

# every value of every case, exactly (float32 bits), with the output dtypes and shapes
EXACT = """
import numpy as np
rs = np.random.RandomState(0)
a = (rs.rand(2, 5, 7, 3) * 255).astype(np.float32)
x = tf.placeholder(tf.float32, [2, 5, 7, 3]); xi = tf.placeholder(tf.uint8, [2, 5, 7, 3])
xh = tf.placeholder(tf.float16, [2, 5, 7, 3]); xd = tf.placeholder(tf.int32, [None, 5, 7, 3])
fs = []
for size in ([9, 4], [3, 11], [1, 1], [5, 7], [10, 14], [2, 6]):
    for ac, hp in MODES:
        for t in (x, xi, xh, xd):
            fs.append(tf.image.resize_bilinear(t, size, align_corners=ac, half_pixel_centers=hp))
            fs.append(tf.image.resize_nearest_neighbor(t, size, align_corners=ac,
                                                       half_pixel_centers=hp))
with tf.Session() as s:
    vals = s.run(fs, {x: a, xi: a.astype(np.uint8), xh: a.astype(np.float16),
                      xd: a.astype(np.int32)})
result = [[str(v.dtype), list(v.shape), v.astype(np.float64).view(np.int64).tolist()]
          for v in vals]
""".replace("MODES", MODES)

GRADS = """
import numpy as np
rs = np.random.RandomState(1)
a = rs.randn(2, 5, 7, 3).astype(np.float32)
x = tf.placeholder(tf.float32, [2, 5, 7, 3]); xu = tf.placeholder(tf.float32, [2, None, None, 3])
ys = []
for size in ([9, 4], [3, 11], [10, 14]):
    for ac, hp in MODES:
        ys.append(tf.image.resize_bilinear(x, size, align_corners=ac, half_pixel_centers=hp))
        ys.append(tf.image.resize_nearest_neighbor(x, size, align_corners=ac,
                                                   half_pixel_centers=hp))
ys.append(tf.image.resize_nearest_neighbor(xu, [4, 9]))
gs = [tf.gradients(tf.reduce_sum(y * y), [x if y.op.inputs[0] is x else xu])[0] for y in ys]
with tf.Session() as s:
    vals = s.run(gs, {x: a, xu: a})
result = [[g.name, g.op.type, np.round(v.astype(np.float64), 4).tolist()]
          for g, v in zip(gs, vals)]
""".replace("MODES", MODES)

GRAPHS = [
    "x = tf.placeholder(tf.float32, [None, 4, 6, 3])\n"
    "r = [tf.image.resize_images(x, [8, 12]), tf.image.resize(x, [8, 12], method=1), "
    "tf.image.resize_images(x, [4, 6]), tf.image.resize_images(x[0], [2, 3], align_corners=True), "
    "tf.image.resize_images(x, tf.placeholder(tf.int32, [2])), "
    "tf.image.resize_images(x, [5, 5], preserve_aspect_ratio=True), "
    "tf.image.resize_bilinear(x, [3, 3], name='rb'), "
    "tf.image.resize_nearest_neighbor(tf.cast(x, tf.uint8), [3, 3], half_pixel_centers=True)]",
    "x = tf.placeholder(tf.float32, [None, None, None, 3])\n"
    "r = [tf.image.resize_images(x, [8, 12]), tf.image.resize_images(x, [8, 12], "
    "preserve_aspect_ratio=True), tf.image.resize_bilinear(x, tf.placeholder(tf.int32, [2]))]",
]

ERRORS = [
    "r = tf.image.resize_bilinear(tf.zeros([2, 3, 3]), [4, 4])",
    "r = tf.image.resize_bilinear(tf.zeros([1, 2, 3, 3]), [4, 4, 1])",
    "r = tf.image.resize_bilinear(tf.zeros([1, 2, 3, 3]), 4)",
    "r = tf.image.resize_bilinear(tf.zeros([1, 2, 3, 3], tf.bool), [4, 4])",
    "r = tf.image.resize_images(tf.zeros([2, 3]), [4, 4])",
    "r = tf.image.resize_images(tf.placeholder(tf.float32), [4, 4])",
    "r = tf.image.resize_images(tf.zeros([2, 3, 1]), [4, 4, 4])",
    "r = tf.image.resize_images(tf.zeros([2, 3, 1]), [4, 4], method=7)",
    # TF 0.x's resize_images(images, new_height, new_width): the size error comes first
    "r = tf.image.resize_images(tf.zeros([1, 4, 4, 1]), 8, 8)",
    # a resize to the images' own size is skipped before the method is looked at
    "r = tf.image.resize_images(tf.zeros([1, 4, 4, 1]), [4, 4], method=7)",
]

RUN_ERRORS = """
x = tf.placeholder(tf.float32, [1, 2, 3, 1]); s = tf.placeholder(tf.int32, [2])
out = []
with tf.Session() as sess:
    for f in (lambda: sess.run(tf.image.resize_bilinear(x, [3, 3], align_corners=True,
                                                         half_pixel_centers=True),
                               {x: np.ones([1, 2, 3, 1])}),
              lambda: sess.run(tf.image.resize_nearest_neighbor(x, s),
                               {x: np.ones([1, 2, 3, 1]), s: [0, 3]})):
        try:
            f()
            out.append('ok')
        except tf.errors.OpError as e:
            out.append([type(e).__name__, e.message.split('\\n')[0]])
result = out
"""


def _same(code, oracle):
    here, there = run_here(code), oracle(code)
    assert here == there, (str(here)[:2000], str(there)[:2000])


@pytest.mark.oracle
def test_resize_values_are_tf_bits(oracle):
    _same(EXACT, oracle)


@pytest.mark.oracle
def test_resize_gradients_match_tf(oracle):
    here, there = run_here(GRADS), oracle(GRADS)
    assert "ok" in there, there
    for a, b in zip(here["ok"], there["ok"]):
        assert a[:2] == b[:2]
        np.testing.assert_allclose(np.asarray(a[2]), np.asarray(b[2]), atol=2e-4)


@pytest.mark.oracle
def test_resize_images_graphs_match_tf_op_by_op(oracle):
    check_all_ops(oracle, GRAPHS)


@pytest.mark.oracle
def test_resize_errors_match_tf(oracle):
    check_outputs(oracle, ERRORS)


@pytest.mark.oracle
def test_resize_run_time_errors_match_tf(oracle):
    _same("import numpy as np\n" + RUN_ERRORS, oracle)


# A gradient through ResizeBilinear and an op with no graph gradient here (Igammac, its graph
# gradient taken out by the vjp_examples fixture): tf.gradients
# falls back to one SymbolicGradient op, which differentiates the forward kernel with jax.vjp.
# The kernel's per-product rounding (a bit operation) once had no derivative there: the
# products' terms were dropped and the values differed from TF's (2.3 off), silently.
THROUGH_KERNEL = """
import numpy as np
x = tf.placeholder(tf.float32, [2, 5, 7, 3])
gs = []
for size, ac, hp in (([9, 4], False, False), ([3, 11], True, False), ([10, 14], False, True)):
    y = tf.image.resize_bilinear(x, size, align_corners=ac, half_pixel_centers=hp)
    loss = tf.reduce_sum(tf.math.igammac(1. + tf.square(y), 1.5 + tf.sin(y)) * tf.cos(y))
    gs.append(tf.gradients(loss, x)[0])
with tf.Session() as s:
    vals = s.run(gs, {x: np.cos(np.arange(210.)).reshape(2, 5, 7, 3)})
result = [g.op.type for g in gs], [v.round(4).tolist() for v in vals]
"""


@pytest.mark.oracle
@pytest.mark.usefixtures("vjp_examples")
def test_resize_bilinear_gradient_through_its_kernel_matches_tf(oracle):
    here, there = run_here(THROUGH_KERNEL), oracle(THROUGH_KERNEL)
    assert "ok" in here and "ok" in there, (str(here)[:500], str(there)[:500])
    (types, here), (_, there) = here["ok"], there["ok"]
    assert types == ["Identity"] * 3  # (the SymbolicGradient's named outputs)
    np.testing.assert_allclose(np.asarray(here), np.asarray(there), atol=2e-3)


def test_resize_bilinear_kernel_rounding_has_the_identity_derivative():
    import jax
    import jax.numpy as jnp
    from scopeflow.ops.image_resize import _round_each
    t = jax.jvp(_round_each, (jnp.float32([1.5, -2.0]),), (jnp.float32([3.0, 4.0]),))[1]
    assert t.tolist() == [3.0, 4.0]


@pytest.mark.oracle
def test_negative_constant_sizes_match_tf(oracle):
    """A -1 size is an unknown dim until the kernel's 'output dimensions must be positive'; a
    smaller one fails as TF's shape does, whatever the method."""
    code = ORACLE_HELPERS + (
        "x = tf.zeros([1, 4, 4, 1])\n"
        "a = tf.image.resize_bilinear(x, [-1, 2]); b = tf.image.resize_area(x, [2, -1])\n"
        "with tf.Session() as s:\n"
        "    result = [a.shape.as_list(), b.shape.as_list(), err(lambda: s.run(a)),"
        " err(lambda: str(tf.image.resize_bilinear(x, [-3, 2]).shape)),"
        " err(lambda: str(tf.image.resize_nearest_neighbor(x, [2, -2]).shape))]\n")
    assert run_here(code) == oracle(code)


@pytest.mark.oracle
@pytest.mark.parametrize("fn", ["resize_bilinear", "resize_nearest_neighbor", "resize_bicubic",
                                "resize_area"])
def test_fed_rank_other_than_4_fails_as_tf(oracle, fn):
    fed_cases_match(oracle, "p = tf.placeholder(tf.float32, None); out = tf.image.%s(p, [2, 2])"
                    % fn, [[[1.0, 2.0]], [[[[1.0]]]]])
