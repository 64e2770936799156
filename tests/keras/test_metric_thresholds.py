"""The newer tf.keras.metrics classes compiled into a model against real TF + tf_keras: fit's
history and evaluate (F1Score's per-class arrays; TF1's F-scores and R2Score run only their
last assign, so they stay 0 / nan), the lazily built variables under `metrics/<name>`, argument
errors."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

COMPILED = ORACLE_HELPERS + """import numpy as np
K = tf.keras; L = tf.keras.layers; M = K.metrics
m = K.Sequential([L.Dense(2, activation='softmax', input_shape=(2,), kernel_initializer=tf.constant_initializer([[1., -1.], [-.5, 1.]]))])
m.compile(K.optimizers.SGD(0.3), 'categorical_crossentropy',
          metrics=[M.F1Score(), M.R2Score(), M.PrecisionAtRecall(0.5), M.SensitivityAtSpecificity(0.5, num_thresholds=11),
                   M.KLDivergence(), M.CosineSimilarity(), M.OneHotMeanIoU(2), M.Poisson(), M.LogCoshError(), M.SquaredHinge()])
xs = np.array([[1., 0.], [0., 1.], [1., 1.], [2., 0.], [0., 2.], [.5, .2]], 'float32')
ys = np.array([[1., 0.], [0., 1.], [1., 0.], [1., 0.], [0., 1.], [0., 1.]], 'float32')
h = m.fit(xs, ys, epochs=2, verbose=0, batch_size=4, shuffle=False)
e = m.evaluate(xs, ys, verbose=0, batch_size=3)
with tf.name_scope('outer'):
    mt = M.MeanTensor(); r = mt(np.ones((2, 3), 'float32'))
result = [h.history, e, m.metrics_names, [v.name for mm in m.metrics for v in mm.variables], [v.name for v in mt.variables],
          K.backend.get_session().run(r), err(lambda: mt.update_state(np.ones((3,), 'float32'))),
          err(lambda: M.MeanTensor().result()), err(lambda: M.F1Score().update_state(np.ones((3,)), np.ones((3,)))),
          err(lambda: M.FBetaScore(beta=2)), err(lambda: M.F1Score(average='x')), err(lambda: M.F1Score(threshold=1.5)),
          err(lambda: M.R2Score(class_aggregation='y')), err(lambda: M.R2Score(num_regressors=-1)),
          err(lambda: M.PrecisionAtRecall(1.5)), err(lambda: M.SpecificityAtSensitivity(0.5, num_thresholds=0))]
"""


@pytest.mark.oracle
@pytest.mark.parametrize("code", [COMPILED])
def test_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there), explain(code, here, there)
