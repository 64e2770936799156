"""Keras' non-fused batch normalization (tf.keras and tf.layers, one code path in TF) against
real TF + tf_keras: the graph op for op (moments, the `cond`/`cond_1` choosing batch or moving
statistics on the learning phase, the `cond_2`/`cond_3` holding the AssignMovingAvg updates),
multi-axis and ghost-batch (virtual_batch_size) parameters, masked moments, 5-D fused layers,
and the values after training."""

import pytest
from approx import agree, explain
from oracle import run_here

GRAPH = (
    "def record(op):\n"
    "    ins = [i.name for i in op.inputs]\n"
    "    if op.name == 'init':  # TF makes it in set order\n"
    "        ins = sorted(ins)\n"
    "    return [op.name, op.type, ins, sorted(c.name for c in op.control_inputs)]\n"
    "graph = [record(op) for op in tf.get_default_graph().get_operations()]\n"
)
L = "L = tf.keras.layers\n"

PROGRAMS = [
    # the learning phase decides: two conds choose the statistics, two hold the updates
    L + "x = tf.placeholder(tf.float32, [None, 4]); bn = L.BatchNormalization()\ny = bn(x)\n"
    + GRAPH + "result = [graph, [u.name for u in bn.updates], y.name]",
    # a Python training flag: no cond; inference reads the moving statistics
    L + "x = tf.placeholder(tf.float32, [None, 6, 2])\n"
    "a = L.BatchNormalization(axis=1); ya = a(x, training=True)\n"
    "b = L.BatchNormalization(center=False, scale=False); yb = b(x, training=False)\n"
    + GRAPH + "result = [graph, [u.name for u in a.updates + b.updates], ya.name, yb.name]",
    # fused=False on 4-D inputs, several axes (parameters of the input's rank)
    L + "x = tf.placeholder(tf.float32, [None, 3, 4, 5])\n"
    "a = L.BatchNormalization(axis=1, fused=False); ya = a(x)\n"
    "b = L.BatchNormalization(axis=[1, 2]); yb = b(x, training=True)\n"
    + GRAPH + "result = [graph, [u.name for u in a.updates + b.updates], "
    "[[v.name, v.shape.as_list()] for v in tf.global_variables()]]",
    # 5-D inputs take the fused kernel (NDHWC / NCDHW)
    L + "x = tf.placeholder(tf.float32, [None, 3, 4, 5, 2])\n"
    "a = L.BatchNormalization(); ya = a(x)\n"
    "b = L.BatchNormalization(axis=1); yb = b(x, training=True)\n"
    + GRAPH + "result = [graph, [u.name for u in a.updates + b.updates], ya.name, yb.name]",
    # tf.layers: reference variables (RefSwitch in the update cond), UPDATE_OPS
    "x = tf.placeholder(tf.float32, [None, 3, 4]); t = tf.placeholder(tf.bool, [])\n"
    "a = tf.layers.batch_normalization(x, axis=1, training=t)\n"
    "b = tf.layers.batch_normalization(x, axis=[1, 2], training=t, center=False)\n"
    "c = tf.layers.batch_normalization(x, axis=1, training=True, scale=False)\n"
    + GRAPH + "result = [graph, [u.name for u in tf.get_collection("
    "tf.GraphKeys.UPDATE_OPS)], a.name, b.name, c.name]",
    # ghost batches
    "x = tf.placeholder(tf.float32, [None, 3, 4])\n"
    "y = tf.layers.batch_normalization(x, virtual_batch_size=2, axis=[1, 2], training=True)\n"
    + GRAPH + "result = [graph, y.name, [[v.name, v.shape.as_list()] for v in "
    "tf.global_variables()]]",
    # gradients through the learning phase's conds: the untaken branch's zeros for a
    # variable handle are the variable's (float32, VariableShape)
    L + "x = tf.placeholder(tf.float32, [None, 6, 6, 2]); bn = L.BatchNormalization()\n"
    "y = bn(x)\ng = tf.gradients(tf.reduce_sum(y * y), [x] + bn.trainable_weights)\n"
    + GRAPH + "result = [graph, [t.dtype.name for t in g]]",
    # a Keras mask weighs the moments
    L + "x = tf.placeholder(tf.int32, [None, 5])\n"
    "e = L.Embedding(10, 3, mask_zero=True, embeddings_initializer="
    "tf.keras.initializers.RandomNormal(seed=1))(x)\n"
    "bn = L.BatchNormalization(momentum=0.5); y = bn(e, training=True)\n"
    "z = L.BatchNormalization()(e)\n" + GRAPH +
    "with tf.Session() as s:\n"
    "    s.run(tf.global_variables_initializer())\n"
    "    out = s.run([y] + bn.updates, {x: [[1, 2, 0, 0, 0], [3, 4, 5, 0, 0]]})\n"
    "    result = [graph, out[0], s.run(bn.weights)]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_batch_norm_graph_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


DATA = (
    "tf.set_random_seed(3)\n"
    "rng = np.random.RandomState(0)\n"
    "xs = (rng.randn(64, 2, 6) * 3 + 1).astype(np.float32)\n"
    "ys = (xs[:, 0, :2] * [1.0, -2.0]).sum(1, keepdims=True).astype(np.float32)\n"
)
TRAINING = [
    # Keras fit: the learning phase fed True in training, False in predict/evaluate
    DATA + "L = tf.keras.layers\n"
    "m = tf.keras.Sequential([L.Flatten(input_shape=(2, 6)), L.Dense(5, use_bias=False),\n"
    "                         L.BatchNormalization(momentum=0.8), L.Dense(1)])\n"
    "m.compile(tf.keras.optimizers.Adam(0.01), 'mse')\n"
    "h = m.fit(xs, ys, batch_size=16, epochs=2, verbose=0, shuffle=False)\n"
    "result = [h.history['loss'], m.get_weights(), m.predict(xs[:5]), "
    "m.evaluate(xs, ys, verbose=0), [op.name for op in tf.get_default_graph()"
    ".get_operations() if 'batch_normalization' in op.name]]",
    # tf.layers with a tf.train optimizer, multi-axis and ghost-batch layers
    DATA + "x = tf.placeholder(tf.float32, [None, 2, 6]); yt = tf.placeholder(tf.float32, "
    "[None, 1])\n"
    "h = tf.reshape(tf.layers.dense(tf.reshape(x, [-1, 6]), 5, use_bias=False), [-1, 2, 5])\n"
    "h = tf.layers.batch_normalization(h, axis=[1, 2], training=True, momentum=0.5)\n"
    "h = tf.layers.batch_normalization(h, axis=1, training=True, momentum=0.5, "
    "virtual_batch_size=4)\n"
    "y = tf.layers.dense(tf.layers.flatten(h), 1)\n"
    "loss = tf.reduce_mean(tf.square(y - yt))\n"
    "with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):\n"
    "    train = tf.train.AdamOptimizer(0.01).minimize(loss)\n"
    "with tf.Session() as s:\n"
    "    s.run(tf.global_variables_initializer())\n"
    "    ls = [s.run([train, loss], {x: xs[i:i + 16], yt: ys[i:i + 16]})[1] "
    "for i in range(0, 64, 16)]\n"
    "    result = [ls, s.run(tf.global_variables()), s.run(y, {x: xs[:8]})]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", TRAINING)
def test_batch_norm_training_values_match_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there, 1e-3), explain(code, here, there)
