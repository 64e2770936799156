"""`tf.keras.metrics.Precision` / `Recall` (and the confusion counters, AUC) with `top_k`,
`class_id` and lists of thresholds, against real TF + tf_keras: values over two batches with
and without sample weights, evenly spaced thresholds (Keras' bucketed counting, whose edges
differ from a comparison per threshold), configs and the threshold range error."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PROGRAM = ORACLE_HELPERS + """import numpy as np
M = tf.keras.metrics
y1 = np.array([[0, 0, 1, 0], [1, 0, 0, 1], [0, 1, 0, 0]], 'float32')
p1 = np.array([[.1, .3, .5, .1], [.7, .2, .6, .5], [.25, .25, .3, .2]], 'float32')
y2 = np.array([[1, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], 'float32')
p2 = np.array([[.9, .1, .4, .0], [.5, .5, .75, .8], [1., .05, .3, .3]], 'float32')
w = np.array([1., .5, 2.], 'float32')
metrics = [M.Precision(top_k=2), M.Recall(top_k=1), M.Precision(class_id=2), M.Recall(class_id=0, thresholds=[.2, .6]),
           M.Precision(thresholds=[0.0, 0.25, 0.5, 0.75, 1.0]), M.Recall(thresholds=[0.0, 0.5, 1.0], top_k=3),
           M.Precision(thresholds=[.3]), M.Recall(top_k=2, class_id=3), M.TruePositives(thresholds=[0., .5, 1.]),
           M.FalseNegatives(thresholds=[.3, .75]), M.AUC(num_thresholds=5), M.AUC(thresholds=[.25, .5, .75]), M.AUC(thresholds=[.1, .3])]
Y1, P1, Y2, P2, W = [tf.placeholder(tf.float32, a.shape) for a in (y1, p1, y2, p2, w)]
ups = [[m.update_state(Y1, P1), m.update_state(Y2, P2, sample_weight=W)] for m in metrics]
results = [m.result() for m in metrics]
sess = tf.keras.backend.get_session()
sess.run(tf.variables_initializer([v for m in metrics for v in m.variables]))
sess.run(ups, {Y1: y1, P1: p1, Y2: y2, P2: p2, W: w})
cfgs = [m.get_config() for m in metrics[:9]]
for c in cfgs:
    c.pop('name')
result = [sess.run(results), cfgs, [len(m.variables) for m in metrics],
          err(lambda: M.Precision(thresholds=[0.5, 1.5, -1])), err(lambda: M.Recall(thresholds=2.0))]
"""


@pytest.mark.oracle
def test_precision_recall_top_k_class_id_thresholds(oracle):
    there, here = oracle(PROGRAM), run_here(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)
