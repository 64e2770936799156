"""Stateful tf.keras.metrics classes in TF1 graph mode against real TF + tf_keras: variable
names and shapes, update_state / result / reset_states, sample weights."""

import pytest
from approx import agree, explain
from oracle import run_here

CLASSES = """K = tf.keras
yt = np.array([[1.], [0.], [1.], [1.], [0.]], 'float32')
yp = np.array([[0.7], [0.6], [0.2], [0.9], [0.1]], 'float32')
sw = np.array([1., 2., .5, 0., 3.], 'float32')
ms = [K.metrics.Mean(), K.metrics.Sum(), K.metrics.BinaryAccuracy(), K.metrics.Accuracy(),
      K.metrics.MeanSquaredError(), K.metrics.AUC(), K.metrics.AUC(curve='PR'),
      K.metrics.AUC(num_thresholds=7, summation_method='minoring'), K.metrics.Precision(),
      K.metrics.Recall(thresholds=[0.3, 0.65]), K.metrics.TruePositives(),
      K.metrics.RootMeanSquaredError(), K.metrics.MeanAbsoluteError(name='m')]
sess = K.backend.get_session()
out = []
for mt in ms:
    args = (yp,) if type(mt).__name__ in ('Mean', 'Sum') else (yt, yp)
    u1 = mt.update_state(*args)
    u2 = mt.update_state(*args, sample_weight=sw)
    r = mt.result()
    sess.run([v.initializer for v in mt.variables])
    sess.run(u1); a = sess.run(r); sess.run(u2); b = sess.run(r)
    mt.reset_states(); c = sess.run(r)
    out.append([mt.name, [v.name for v in mt.variables], [v.shape.as_list() for v in mt.variables],
                a, b, c, type(u1).__name__])
ct = K.metrics.CategoricalAccuracy(); st = K.metrics.SparseCategoricalAccuracy()
y3 = np.array([[0, 1, 0], [1, 0, 0]], 'float32'); p3 = np.array([[.1, .8, .1], [.2, .5, .3]], 'float32')
v1 = ct(y3, p3); v2 = st(np.array([1, 2]), p3)
sess.run([v.initializer for v in ct.variables + st.variables])
out.append(sess.run([v1, v2]))
out.append(sorted(v.name for v in tf.global_variables() + tf.local_variables()))
result = out
"""

COMPILED = """K = tf.keras; L = tf.keras.layers
xs = np.array([[0., 1.], [1., 0.], [1., 1.], [0., 0.], [2., 1.]], 'float32')
ys = np.array([[0.], [1.], [1.], [0.], [1.]], 'float32')
m = K.Sequential([L.Dense(1, activation='sigmoid', input_shape=(2,),
                          kernel_initializer=tf.constant_initializer(.3))])
m.compile(K.optimizers.SGD(0.5), 'binary_crossentropy',
          metrics=['accuracy', K.metrics.AUC(), K.metrics.Precision(), 'mse'])
h = m.fit(xs, ys, epochs=2, batch_size=2, shuffle=False, verbose=0)
a = m.train_on_batch(xs, ys, reset_metrics=False)
b = m.train_on_batch(xs, ys)
result = [h.history, m.metrics_names, [x.name for x in m.metrics], a, b,
          m.evaluate(xs, ys, verbose=0, batch_size=3)]
"""

# metrics named by class in compile (tf_keras makes each twice: the first one's variable names
# and one more name are taken), AUC's config (from_logits, thresholds given) and from_config
BY_CLASS_NAME = """K = tf.keras; L = K.layers
m = K.Sequential([L.Dense(1, activation='sigmoid', input_shape=(2,))])
m.compile('sgd', 'binary_crossentropy', metrics=['AUC', 'Precision', 'accuracy', 'MeanSquaredError'])
result = [[v.name for mt in m.metrics for v in mt.variables], m.metrics_names, sorted(v.name for v in tf.global_variables() + tf.local_variables())]
M = K.metrics
aucs = [M.AUC(), M.AUC(num_thresholds=7, curve='PR', summation_method='minoring'), M.AUC(thresholds=[.25, .5, .75]), M.AUC(from_logits=True, name='la')]
yt = np.array([[1.], [0.], [1.], [0.]], 'float32'); yl = np.array([[2.], [-1.], [-.3], [.4]], 'float32')
ups = [a.update_state(yt, yl if a.name == 'la' else 1 / (1 + np.exp(-yl))) for a in aucs]
s = K.backend.get_session()
s.run([v.initializer for a in aucs for v in a.variables]); s.run(ups)
result += [[a.get_config() for a in aucs], s.run([a.result() for a in aucs]), M.AUC.from_config(aucs[2].get_config()).get_config()]
"""


@pytest.mark.oracle
@pytest.mark.parametrize("code", [CLASSES, COMPILED, BY_CLASS_NAME])
def test_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)
