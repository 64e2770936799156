"""tf.keras.optimizers.schedules against real TF + tf_keras: each schedule's values over the
steps (staircase, cycle, warmup, restarts), output names, configs, serialize / deserialize, and a
Keras optimizer trained with a schedule (its get_config holds the schedule itself, serialize
writes its config, from_config takes it back)."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PROGRAM = ORACLE_HELPERS + """import numpy as np
K = tf.keras; S = K.optimizers.schedules; L = K.layers
ss = [S.ExponentialDecay(0.1, 4, 0.5), S.ExponentialDecay(0.2, 3, 0.9, staircase=True, name='ed'), S.InverseTimeDecay(0.1, 2, 0.5),
      S.InverseTimeDecay(0.3, 3, 1.5, staircase=True), S.PiecewiseConstantDecay([3, 6], [0.1, 0.05, 0.01]), S.PolynomialDecay(0.1, 5),
      S.PolynomialDecay(0.1, 3, end_learning_rate=0.01, power=2.0, cycle=True), S.CosineDecay(0.1, 6, alpha=0.1),
      S.CosineDecay(0.0, 4, warmup_target=0.2, warmup_steps=3), S.CosineDecayRestarts(0.1, 3), S.CosineDecayRestarts(0.1, 2, t_mul=1.0, m_mul=0.5)]
step = tf.placeholder(tf.int64, [])
outs = [s(step) for s in ss]
with tf.Session() as sess:
    values = [sess.run(outs, {step: i}) for i in range(10)]
m = K.Sequential([L.Dense(1, input_shape=(2,), kernel_initializer='ones')])
opt = K.optimizers.SGD(S.ExponentialDecay(0.1, 2, 0.5))
m.compile(opt, 'mse')
xs = np.arange(16, dtype='float32').reshape(8, 2) / 10; ys = np.ones((8, 1), 'float32')
h = m.fit(xs, ys, epochs=3, batch_size=4, verbose=0, shuffle=False)
cfg = opt.get_config()
o2 = K.optimizers.SGD.from_config(cfg)
result = [[o.name for o in outs], values, [s.get_config() for s in ss], [S.serialize(s) for s in ss[:3]],
          [type(S.deserialize(S.serialize(s))).__name__ for s in ss], h.history, cfg, type(o2.learning_rate).__name__,
          type(opt.learning_rate).__name__, K.optimizers.serialize(opt), err(lambda: S.PiecewiseConstantDecay([1, 2], [0.1]))]
"""


@pytest.mark.oracle
def test_schedules_match_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)
