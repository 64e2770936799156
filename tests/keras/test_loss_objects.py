"""tf.keras loss objects as tf_keras makes them in graph mode, against real TF + tf_keras: the
focal cross-entropies (binary with class balancing, categorical, from logits, label smoothing),
label smoothing of the cross-entropies, SparseCategoricalCrossentropy's ignore_class, the
reductions ("none", "sum", "auto"), each call's name scope (`<name>/weighted_loss/value`),
get_config / from_config, serialize / deserialize, and the backend's focal functions."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PROGRAM = ORACLE_HELPERS + """import numpy as np
K = tf.keras; Ls = K.losses
yt = np.array([[1., 0.], [0., 1.], [1., 0.]], 'float32'); yp = np.array([[.7, .3], [.4, .6], [.2, .8]], 'float32')
lg = np.array([[1.5, -.3], [-2., .6], [.2, 2.8]], 'float32'); sw = np.array([1., .5, 2.], 'float32')
objs = [Ls.MeanSquaredError(), Ls.BinaryCrossentropy(from_logits=True, label_smoothing=0.1), Ls.BinaryFocalCrossentropy(gamma=3.0, apply_class_balancing=True),
        Ls.BinaryFocalCrossentropy(from_logits=True, label_smoothing=0.2), Ls.CategoricalFocalCrossentropy(alpha=0.3),
        Ls.CategoricalFocalCrossentropy(from_logits=True, label_smoothing=0.1), Ls.Huber(delta=0.5), Ls.CategoricalCrossentropy(name='cc', label_smoothing=0.2),
        Ls.SparseCategoricalCrossentropy(), Ls.SparseCategoricalCrossentropy(ignore_class=1, reduction='sum'), Ls.CosineSimilarity(axis=-1), Ls.Hinge(reduction='sum'),
        Ls.KLDivergence(reduction='none'), Ls.LogCosh(), Ls.Poisson('sum_over_batch_size')]
outs, vals = [], []
for o in objs:
    y = np.array([0, 1, 0]) if type(o).__name__.startswith('Sparse') else yt
    p = lg if o.get_config().get('from_logits') else yp
    v = o(y, p); w = o(y, p, sample_weight=sw)
    vals += [v, w]
    c = type(o).from_config(o.get_config())
    outs.append([type(o).__name__, o.name, v.name, w.name, o.get_config(), Ls.serialize(o), Ls.deserialize(Ls.serialize(o)).get_config(), c.get_config()])
fs = [Ls.binary_focal_crossentropy(yt, yp), Ls.binary_focal_crossentropy(yt, lg, from_logits=True, alpha=.4, apply_class_balancing=True),
      Ls.categorical_focal_crossentropy(yt, yp, gamma=1.0), K.metrics.binary_focal_crossentropy(yt, yp, label_smoothing=.3),
      K.backend.binary_focal_crossentropy(yt, yp), K.backend.categorical_focal_crossentropy(yt, lg, from_logits=True), Ls.cosine(yt, yp),
      Ls.get('binary_focal_crossentropy')(yt, yp), Ls.get('CategoricalFocalCrossentropy')(yt, yp)]
with tf.Session() as s:
    values = s.run(vals + fs)
result = [outs, values, [f.__name__ for f in (Ls.cosine, Ls.deserialize('mse'), K.metrics.categorical_focal_crossentropy)],
          err(lambda: Ls.MeanSquaredError(reduction='mean')), err(lambda: Ls.deserialize({'class_name': 'Nope', 'config': {}})),
          err(lambda: Ls.categorical_focal_crossentropy(yt, yp, axis=True))]
"""


@pytest.mark.oracle
def test_loss_objects_match_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)
