"""tf.keras.metrics IoU, MeanIoU, BinaryIoU, OneHotIoU, OneHotMeanIoU against real TF + tf_keras:
the confusion matrix variable, values with sample weights and an ignored class, configs, reset."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

IOU = ORACLE_HELPERS + """import numpy as np
K = tf.keras; M = K.metrics
yt = np.array([0, 1, 2, 2, 1, 0, 2], 'int32'); yp = np.array([0, 2, 2, 1, 1, 0, 0], 'int32')
oh_t = np.eye(3, dtype='float32')[yt]; oh_p = np.eye(3, dtype='float32')[yp] * 0.8 + 0.05
sw = np.array([1., 2., .5, 0., 3., 1., 2.], 'float32')
ms = [(M.IoU(3, [0, 2]), yt, yp), (M.MeanIoU(3), yt, yp), (M.MeanIoU(3, ignore_class=2), yt, yp),
      (M.OneHotIoU(3, [1]), oh_t, oh_p), (M.OneHotMeanIoU(3), oh_t, oh_p), (M.OneHotMeanIoU(3, sparse_y_pred=True), oh_t, yp),
      (M.IoU(3, [1], sparse_y_true=False, ignore_class=0), oh_t, yp), (M.BinaryIoU(), (yt > 0).astype('float32'), yp * 0.3)]
sess = K.backend.get_session()
out = []
for mt, a, b in ms:
    A, B = tf.placeholder(tf.as_dtype(a.dtype), a.shape), tf.placeholder(tf.as_dtype(b.dtype), b.shape)
    u1 = mt.update_state(A, B); u2 = mt.update_state(A, B, sample_weight=sw); r = mt.result()
    sess.run([v.initializer for v in mt.variables])
    feed = {A: a, B: b}
    sess.run(u1, feed); x = sess.run(r); sess.run(u2, feed); y = sess.run(r)
    out.append([mt.name, [v.name for v in mt.variables], x, y, sess.run(mt.variables[0]), mt.get_config()])
    mt.reset_states(); out.append(sess.run(r))
out.append(err(lambda: M.IoU(3, [0, 3])))
result = out
"""


@pytest.mark.oracle
@pytest.mark.parametrize("code", [IOU])
def test_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there), explain(code, here, there)
