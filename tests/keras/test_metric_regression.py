"""tf.keras.metrics classes of loss-like means, MeanRelativeError, MeanTensor, R2Score, the
F-scores and the metrics at a sensitivity / specificity / precision / recall, against real TF +
tf_keras: variable names and shapes, values over two updates (with sample weights), reset,
configs."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

STANDALONE = ORACLE_HELPERS + """import numpy as np
K = tf.keras; M = K.metrics
yt = np.array([[1.], [0.], [1.], [1.], [0.], [0.]], 'float32')
yp = np.array([[0.7], [0.6], [0.2], [0.9], [0.1], [0.35]], 'float32')
sw = np.array([1., 2., .5, 0., 3., 1.], 'float32')
ms = [M.PrecisionAtRecall(0.5), M.RecallAtPrecision(0.8, num_thresholds=7), M.SensitivityAtSpecificity(0.6),
      M.SpecificityAtSensitivity(0.4, num_thresholds=1), M.PrecisionAtRecall(0.9, num_thresholds=13),
      M.CategoricalHinge(), M.CosineSimilarity(axis=0), M.KLDivergence(), M.LogCoshError(), M.MeanAbsolutePercentageError(),
      M.MeanSquaredLogarithmicError(), M.Poisson(), M.SquaredHinge(), M.MeanRelativeError(normalizer=np.array([[1.], [2.], [1.], [1.], [4.], [1.]], 'float32')),
      M.BinaryIoU(), M.BinaryIoU(target_class_ids=[1], threshold=0.3), M.MeanTensor(), M.R2Score(), M.F1Score(), M.FBetaScore(average='micro', beta=2.0, threshold=0.5)]
sess = K.backend.get_session()
out = []
for mt in ms:
    args = (yp,) if type(mt).__name__ in ('MeanTensor',) else (yt, yp)
    u1 = mt.update_state(*args)
    u2 = mt.update_state(*args, sample_weight=sw)
    r = mt.result()
    sess.run([v.initializer for v in mt.variables])
    sess.run(u1); a = sess.run(r); sess.run(u2); b = sess.run(r)
    mt.reset_states(); c = sess.run(r)
    cfg = mt.get_config()
    out.append([mt.name, [v.name for v in mt.variables], [v.shape.as_list() for v in mt.variables],
                a, b, c, type(u1).__name__, cfg])
result = out
"""


@pytest.mark.oracle
@pytest.mark.parametrize("code", [STANDALONE])
def test_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there), explain(code, here, there)
