"""Whole tf.keras-in-TF1 programs against TF + tf_keras: Keras layers mixed with tf.layers and
a tf.train optimizer in a Session (batch norm updates, dropout, Bidirectional GRU); a
Sequential model fit with callbacks (EarlyStopping, ModelCheckpoint), saved and loaded as
HDF5; a functional model of two inputs (layer order, summary, train_on_batch,
save_weights / load_weights). Losses, metrics, predictions, names, the types of the values
returned, and the summary text are compared."""

import pytest
from approx import agree, explain
from oracle import run_here

MIXED = """
tf.set_random_seed(0)
x = tf.placeholder(tf.float32, [None, 8, 4], name="x")
y = tf.placeholder(tf.float32, [None, 1], name="y")
L = tf.keras.layers
h = L.Conv1D(6, 3, padding="same", activation="relu")(x)
h = L.BatchNormalization()(h, training=True)
h = L.Bidirectional(L.GRU(5, return_sequences=True))(h)
h = L.GlobalAveragePooling1D()(h)
h = tf.layers.dense(h, 7, activation=tf.nn.tanh, name="tl_dense")
h = L.Dropout(0.3)(h, training=True)
out = L.Dense(1)(h)
loss = tf.reduce_mean(tf.square(out - y)) + tf.losses.get_regularization_loss()
gs = tf.train.get_or_create_global_step()
upd = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
with tf.control_dependencies(upd):
    step = tf.train.AdamOptimizer(0.01).minimize(loss, global_step=gs)
rng = np.random.RandomState(0)
xs = rng.randn(16, 8, 4).astype("float32"); ys = rng.randn(16, 1).astype("float32")
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    losses = [s.run([loss, step], {x: xs, y: ys})[0] for _ in range(5)]
    result = [losses, s.run(gs), [v.name for v in tf.global_variables()],
              [u.name for u in upd]]
"""

FIT = """
import os, tempfile
tf.set_random_seed(1)
rng = np.random.RandomState(1)
xs = rng.randn(64, 10).astype("float32")
ys = (xs[:, :1] * 2 + xs[:, 1:2] > 0).astype("float32")
m = tf.keras.Sequential([tf.keras.layers.Dense(16, activation="relu", input_shape=(10,)),
                         tf.keras.layers.Dropout(0.2),
                         tf.keras.layers.Dense(1, activation="sigmoid")])
m.compile(tf.keras.optimizers.Adam(0.01), "binary_crossentropy", metrics=["accuracy"])
d = tempfile.mkdtemp()
cbs = [tf.keras.callbacks.EarlyStopping(monitor="val_loss", patience=1),
       tf.keras.callbacks.ModelCheckpoint(d + "/best.h5", save_best_only=True)]
h = m.fit(xs, ys, batch_size=16, epochs=6, validation_split=0.25, callbacks=cbs, verbose=0,
          shuffle=False)
e = m.evaluate(xs, ys, verbose=0)
m.save(d + "/model.h5")
m2 = tf.keras.models.load_model(d + "/model.h5")
m3 = tf.keras.models.load_model(d + "/best.h5")
e3 = m3.evaluate(xs, ys, verbose=0)
result = [h.history, [type(v[0]).__name__ for v in h.history.values()], e,
          [type(v).__name__ for v in e], [l.name for l in m2.layers], m2.predict(xs[:3]),
          bool(np.allclose(m2.predict(xs), m.predict(xs), atol=1e-6)), e3,
          sorted(os.listdir(d))]
"""

FUNCTIONAL = """
import os, tempfile
K = tf.keras.backend
tf.set_random_seed(2)
a = tf.keras.Input((5,), name="a"); b = tf.keras.Input((3, 2), name="b")
ids = tf.keras.layers.Lambda(lambda t: tf.cast(t[:, :3] * 3, "int32") % 10)(a)
e = tf.keras.layers.Embedding(10, 4)(ids)
r = tf.keras.layers.LSTM(4)(tf.keras.layers.Concatenate()([e, tf.keras.layers.Dense(4)(b)]))
o = tf.keras.layers.Add()([r, tf.keras.layers.Dense(4)(a)])
o = tf.keras.layers.Dense(2, activation="softmax")(o)
m = tf.keras.Model([a, b], o)
m.compile("rmsprop", "sparse_categorical_crossentropy", metrics=["acc"])
rng = np.random.RandomState(2)
A = rng.rand(12, 5).astype("float32"); B = rng.randn(12, 3, 2).astype("float32")
Y = rng.randint(0, 2, (12, 1))
tob = [m.train_on_batch([A, B], Y) for _ in range(3)]
path = os.path.join(tempfile.mkdtemp(), "w")
m.save_weights(path)
p1 = m.predict([A, B])
K.get_session().run([v.initializer for v in m.weights])
m.load_weights(path)
lines = []
m.summary(print_fn=lines.append)
result = [tob, [type(v).__name__ for v in tob[0]], p1,
          bool(np.allclose(p1, m.predict([A, B]), atol=1e-6)), [l.name for l in m.layers],
          [w.name for w in m.trainable_weights], lines]
"""


@pytest.mark.oracle
@pytest.mark.parametrize("code", [MIXED, FIT, FUNCTIONAL], ids=["mixed", "fit", "functional"])
def test_program_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there), explain(code, here, there)
