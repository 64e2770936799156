"""tf.keras.layers Discretization, Hashing (fast hash, mask value, salt) and
CategoryEncoding (one-hot, multi-hot, counts with weights, the range Assert) and
Normalization in TF1 graph mode against real TF + tf_keras: fixed mean and
variance (per axis, a scalar over no axis, inverted), the weights `adapt` would fill when none
are given, output names, configs, and the errors (`adapt` needs TF 2; mean without variance)."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PROGRAM = ORACLE_HELPERS + """import numpy as np
K = tf.keras; L = K.layers
x = tf.placeholder(tf.float32, [None, 3])
n1 = L.Normalization(mean=[1., 2., 3.], variance=[1., 4., 0.])
y1 = n1(x)
n2 = L.Normalization(axis=None, mean=1.5, variance=2.25)
y2 = n2(x)
n3 = L.Normalization(mean=2., variance=4., invert=True)
y3 = n3(x)
n4 = L.Normalization(axis=(1, 2)); y4 = n4(tf.placeholder(tf.float32, [None, 2, 3]))
s = K.backend.get_session()
result = [err(lambda: L.Normalization().adapt(np.ones((2, 3), 'float32'))), err(lambda: L.Normalization(mean=1.)), [y.name for y in (y1, y2, y3)], [[w.name, w.shape.as_list(), w.dtype.name] for n in (n1, n2, n3, n4) for w in n.weights], y4.name, n4.get_config(), s.run([y1, y2, y3], {x: [[1., 2., 3.], [0., 0., 0.]]}), [n.get_config() for n in (n1, n2, n3)]]
"""

CATEGORICAL = ORACLE_HELPERS + """import numpy as np

def _run(sess, x, feed=None):
    try:
        v = sess.run(x, feed)
    except tf.errors.OpError as e:
        return [type(e).__name__, [s for s in e.message.splitlines() if s[:1] != "\t"][-1]]
    return [getattr(a, "tolist", lambda: a)() for a in v] if isinstance(v, list) else v.tolist()
K = tf.keras; L = K.layers
d = L.Discretization(bin_boundaries=[0., 1., 2.5])
xi = tf.constant([[-1., 0.5, 3.], [1., 2.4, 0.]])
h = L.Hashing(num_bins=5); hm = L.Hashing(num_bins=3, mask_value='')
hs = L.Hashing(num_bins=7, salt=133); hs2 = L.Hashing(num_bins=4, salt=[5, 2 ** 40], mask_value='a')
xs = tf.constant([['a', 'b'], ['', 'hello']]); xn = tf.constant([[1, 2], [30, 4]], tf.int64)
c1 = L.CategoryEncoding(num_tokens=4, output_mode='one_hot'); c2 = L.CategoryEncoding(num_tokens=5, output_mode='multi_hot'); c3 = L.CategoryEncoding(num_tokens=5, output_mode='count')
ci = tf.constant([[0, 1, 1], [3, 2, 0]])
ys = [d(xi), h(xs), hm(xs), h(xn), hs(xs), hs2(xs), hs(xn), c1(tf.constant([0, 3, 2])), c2(ci), c3(ci), c3(ci, count_weights=tf.constant([[1., 2., 3.], [.5, .5, .5]]))]
s = K.backend.get_session()
bad = L.CategoryEncoding(num_tokens=3, output_mode='count')(tf.constant([[0, 5]]))
result = [_run(s, bad), err(lambda: c1(tf.constant([0, 1]), count_weights=tf.constant([1., 2.]))), err(lambda: L.Hashing(3, salt=[1, 2, 3])), [y.name for y in ys], [y.dtype.name for y in ys], [y.shape.as_list() for y in ys], s.run(ys), [l.get_config() for l in (d, h, hm, hs, hs2, c1, c2, c3)]]
"""


# tf.keras.layers.experimental.preprocessing (what 2019-2020 programs use): its names, the
# same classes, which are PreprocessingLayers, adapt's error, and an image model built from
# them (variable names and values, output names and values)
EXPERIMENTAL = ORACLE_HELPERS + """import numpy as np
K = tf.keras; P = K.layers.experimental.preprocessing
names = sorted(n for n in dir(P) if not n.startswith("_"))
same = [getattr(P, n) is getattr(K.layers, n, None) for n in names]
kinds = [issubclass(getattr(P, n), P.PreprocessingLayer) for n in names]
n = P.Normalization(axis=-1)
flags = [n.is_adapted, err(lambda: n.adapt(np.ones((4, 3), np.float32))),
         err(lambda: P.Discretization(bin_boundaries=[0.]).adapt([1.]))]
x = tf.placeholder(tf.float32, [None, 8, 8, 3])
y = P.Normalization(mean=[1., 2., 3.], variance=[4., 4., 1.])(
    P.CenterCrop(4, 6)(P.Resizing(6, 10)(P.Rescaling(1 / 255.)(x))))
z = n(tf.placeholder(tf.float32, [None, 3]))
img = (np.arange(2 * 8 * 8 * 3) % 255).reshape(2, 8, 8, 3).astype(np.float32)
s = K.backend.get_session()
s.run(tf.global_variables_initializer())
result = [names, same, kinds, flags, [y.name, y.shape.as_list(), z.name],
          [[v.name, v.shape.as_list()] for v in n.weights], s.run(n.weights),
          s.run(y, {x: img}), sorted(n for n in dir(K.layers.experimental) if n in
                                     ("EinsumDense", "preprocessing"))]
"""


@pytest.mark.oracle
@pytest.mark.parametrize("code", [PROGRAM, CATEGORICAL, EXPERIMENTAL],
                         ids=["normalization", "categorical", "experimental"])
def test_preprocessing_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there), explain(code, here, there)
