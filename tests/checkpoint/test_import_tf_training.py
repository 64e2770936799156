"""TF → scopeflow: a training graph that real TF built, trained and exported (meta graph and
checkpoint) keeps training under scopeflow, step for step as under TF.

TF trains 3 steps, saves, exports the meta graph, then makes its reference: in a fresh graph,
`import_meta_graph` + `restore` + one more training step (random ops start afresh there, as
they do in scopeflow's new session). scopeflow does the same; the losses before and during
the step, every variable after it and the loss of an inference run (the other branch of the
batch norm's tf.cond on `is_training`) must agree to float32 rounding: 2e-6 relative plus
1e-7 absolute (XLA and Eigen sum in different orders, and Adam divides by sqrt(v)).
"""

import numpy as np
import pytest

pytestmark = pytest.mark.oracle

_TF = """
import numpy as np
out = %(dir)r
tf.set_random_seed(1)
rng = np.random.RandomState(0)
X = rng.randn(8, 8, 8, 3).astype(np.float32)
Y = rng.randint(0, 5, 8)
x = tf.placeholder(tf.float32, [None, 8, 8, 3], name="x")
y = tf.placeholder(tf.int64, [None], name="y")
is_training = tf.placeholder_with_default(False, [], name="is_training")
h = tf.layers.conv2d(x, 4, 3, padding="same", use_bias=False, name="conv")
h = tf.layers.batch_normalization(h, training=is_training, name="bn")
h = tf.nn.max_pool(tf.nn.relu(h), 2, 2, "VALID")
h = tf.layers.conv2d(h, 4, 2, padding="valid", activation=tf.nn.tanh, name="conv2")
h = tf.reshape(h, [-1, 3 * 3 * 4])
w = tf.get_variable("w", [36, 16])
b = tf.get_variable("b", [16], initializer=tf.constant_initializer(0.1))
h = tf.nn.relu(tf.nn.bias_add(tf.matmul(h, w), b))
h = tf.nn.dropout(h, rate=tf.where(is_training, 0.25, 0.0), seed=3)
logits = tf.layers.dense(h, 5, activation=tf.nn.sigmoid, name="out")
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
loss2 = tf.losses.softmax_cross_entropy(tf.one_hot(y, 5), logits)
total = loss + 0.5 * loss2 + 1e-3 * tf.nn.l2_loss(w)
gs = tf.train.get_or_create_global_step()
opt = {"adam": tf.train.AdamOptimizer(0.01), "gd": tf.train.GradientDescentOptimizer(0.1),
       "momentum": tf.train.MomentumOptimizer(0.05, 0.9)}[%(opt)r]
with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
    train = opt.minimize(total, global_step=gs, name="train")
tf.add_to_collection("train_op", train)
tf.add_to_collection("loss", total)
saver = tf.train.Saver()
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for i in range(3):
        s.run(train, {x: X, y: Y, is_training: True})
    saver.save(s, out + "/model", global_step=gs)
saver.export_meta_graph(out + "/model.meta")
np.savez(out + "/data.npz", X=X, Y=Y)
tf.reset_default_graph()
""" + """
%(step)s
np.savez(out + "/after.npz", **got)
result = sorted(got)
"""

# the same text runs under TF (its reference) and under scopeflow
_STEP = """
d = np.load(out + "/data.npz")
feed = {"x:0": d["X"], "y:0": d["Y"], "is_training:0": True}
got = {}
with tf.Session() as s:
    saver = tf.train.import_meta_graph(out + "/model.meta")
    saver.restore(s, tf.train.latest_checkpoint(out))
    loss, train = tf.get_collection("loss")[0], tf.get_collection("train_op")[0]
    got["loss_before"] = s.run(loss, {"x:0": d["X"], "y:0": d["Y"]})
    got["loss_step"] = s.run([loss, train], feed)[0]
    got.update({"var:" + v.op.name: s.run(v) for v in tf.global_variables()})
    got["loss_after"] = s.run(loss, {"x:0": d["X"], "y:0": d["Y"]})
"""


def _needs_broadcast_gradient_args():
    from scopeflow.ops import registry
    if "BroadcastGradientArgs" not in registry.REGISTRY:
        pytest.skip("BroadcastGradientArgs is not registered yet")


@pytest.mark.parametrize("opt", ["adam", "gd", "momentum"])
def test_tf_training_graph_keeps_training(oracle, tf, tmp_path, opt):
    _needs_broadcast_gradient_args()
    d = str(tmp_path)
    there = oracle(_TF % {"dir": d, "opt": opt, "step": _STEP})
    assert "ok" in there, there
    want = dict(np.load(d + "/after.npz"))
    env = {"tf": tf, "np": np, "out": d}
    exec(_STEP, env)
    got = env["got"]
    assert sorted(got) == sorted(want)
    assert len([k for k in got if k.startswith("var:")]) > 10
    for k in sorted(want):
        np.testing.assert_allclose(got[k], want[k], rtol=2e-6, atol=1e-7, err_msg=k)


_KITCHEN = """
import numpy as np
out = %(dir)r
tf.set_random_seed(1)
x = tf.placeholder(tf.float32, [None, 8, 8, 3], name="x")
ids = tf.placeholder(tf.int32, [None, 4], name="ids")
y = tf.placeholder(tf.int64, [None], name="y")
emb = tf.get_variable("emb", [20, 6])
e = tf.nn.embedding_lookup(emb, ids)
e = tf.reduce_max(e, axis=1) + tf.reduce_prod(tf.sigmoid(e), axis=1) + tf.reduce_min(e, 1)
h = tf.layers.conv2d(x, 4, 3, padding="same", activation=tf.nn.elu, name="c1")
h = tf.nn.avg_pool(tf.nn.lrn(h, 2), 2, 2, "SAME")
h = tf.nn.depthwise_conv2d(h, tf.get_variable("dw", [3, 3, 4, 2]), [1, 1, 1, 1], "SAME")
h = tf.nn.selu(h) + tf.nn.softplus(h) + tf.nn.softsign(h) + tf.nn.relu6(h) + tf.nn.leaky_relu(h)
m, v = tf.nn.moments(h, [0, 1, 2])
h = (h - m) * tf.rsqrt(v + 1e-3)
a, b2 = tf.split(h, 2, axis=3)
h = tf.concat([a * 2, b2, tf.sqrt(tf.abs(a) + 1)], axis=3)
h = tf.reshape(tf.transpose(h, [0, 3, 1, 2])[:, 1:, ::2, :], [-1, 88])
h = tf.concat([tf.tile(h[:, :10], [1, 2]), e], 1)
s = tf.unstack(tf.reshape(h, [-1, 2, 13]), axis=1)
h = tf.reshape(tf.stack([s[1], s[0] * tf.tanh(s[1])], axis=1), [-1, 26])
h = tf.squeeze(tf.expand_dims(h, 1), 1)
h = tf.where(h > 0, h, 0.1 * h) + tf.reciprocal(tf.abs(h) + 1.0) + tf.exp(-tf.square(h))
h = tf.layers.dense(h, 5, name="out")
h = tf.nn.log_softmax(h) + tf.nn.softmax(h) + tf.clip_by_value(h, -1.0, 1.0)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=h))
loss += tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(h), logits=h))
loss += tf.add_n([tf.nn.l2_loss(w) for w in tf.trainable_variables()]) * 1e-4
loss += tf.reduce_mean(tf.gather(tf.reduce_sum(h, 1), tf.argmax(h, 1)))
gs = tf.train.get_or_create_global_step()
grads, _ = tf.clip_by_global_norm(tf.gradients(loss, tf.trainable_variables()), 5.0)
train = tf.train.AdamOptimizer(tf.train.exponential_decay(0.1, gs, 10, 0.9)).apply_gradients(
    zip(grads, tf.trainable_variables()), global_step=gs)
tf.train.RMSPropOptimizer(0.01).minimize(loss, name="rms")
tf.train.AdagradOptimizer(0.01).minimize(loss, name="adagrad")
tf.add_to_collection("train_op", train)
tf.add_to_collection("loss", loss)
saver = tf.train.Saver()
rng = np.random.RandomState(0)
X, IDS, Y = rng.randn(4, 8, 8, 3).astype(np.float32), rng.randint(0, 20, (4, 4)), \
    rng.randint(0, 5, 4)
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for i in range(2):
        s.run(train, {x: X, ids: IDS, y: Y})
    saver.save(s, out + "/model", global_step=gs)
saver.export_meta_graph(out + "/model.meta")
np.savez(out + "/data.npz", X=X, IDS=IDS, Y=Y)
tf.reset_default_graph()
%(step)s
np.savez(out + "/after.npz", **got)
result = sorted(got)
"""

_KITCHEN_STEP = """
d = np.load(out + "/data.npz")
feed = {"x:0": d["X"], "ids:0": d["IDS"], "y:0": d["Y"]}
got = {}
with tf.Session() as s:
    saver = tf.train.import_meta_graph(out + "/model.meta")
    saver.restore(s, tf.train.latest_checkpoint(out))
    g = tf.get_default_graph()
    loss, train = tf.get_collection("loss")[0], tf.get_collection("train_op")[0]
    got["adam"] = s.run([loss, train], feed)[0]
    got["rms"] = s.run([loss, g.get_operation_by_name("rms")], feed)[0]
    got["adagrad"] = s.run([loss, g.get_operation_by_name("adagrad")], feed)[0]
    got.update({"var:" + v.op.name: s.run(v) for v in tf.global_variables()})
"""


def test_tf_training_graph_of_many_op_types(oracle, tf, tmp_path):
    """Embedding lookup, reductions, LRN, avg pool, depthwise conv, the activations, moments,
    split/concat, strided slices, tile, stack/unstack, where, softmax, clipping by global norm,
    a decayed learning rate; Adam, RMSProp and Adagrad steps, one after the other. Sums of
    many products differ from TF's in order, so each variable is compared as a whole:
    max |difference| <= 2e-6 * max |TF's value| + 1e-7; the slots that accumulate squared
    gradients (Adagrad, RMSProp) carry twice the gradient's relative error and more on a
    CPU whose vector width reorders the sums, so they get 5e-6."""
    _needs_broadcast_gradient_args()
    d = str(tmp_path)
    there = oracle(_KITCHEN % {"dir": d, "step": _KITCHEN_STEP})
    assert "ok" in there, there
    want = dict(np.load(d + "/after.npz"))
    env = {"tf": tf, "np": np, "out": d}
    exec(_KITCHEN_STEP, env)
    got = env["got"]
    assert sorted(got) == sorted(want)
    for k in sorted(want):
        diff = np.max(np.abs(np.asarray(got[k]) - want[k]))
        rel = 5e-6 if k.endswith(("/Adagrad", "/RMSProp", "/RMSProp_1")) else 2e-6
        assert diff <= rel * np.max(np.abs(want[k])) + 1e-7, (k, diff, np.max(np.abs(want[k])))


def test_imported_cond_runs_the_taken_branch(oracle, tf, tmp_path):
    """A TF cond on a fed predicate, imported: each run takes the branch the predicate picks
    (nested conds too)."""
    d = str(tmp_path)
    code = """
p = tf.placeholder(tf.bool, [], name="p")
x = tf.constant([1.0, 2.0])
def yes():
    return tf.identity(x * 2), tf.constant(1)
def no():
    return x - 1, tf.constant(0)
r, k = tf.cond(p, yes, no)
r2 = tf.cond(p, lambda: tf.cond(p, lambda: r + 10, lambda: r), lambda: r * 3)
tf.train.export_meta_graph(%r)
with tf.Session() as s:
    result = [s.run([r, k, r2], {p: b}) for b in (True, False, True)]
""" % (d + "/cond.meta")
    there = oracle(code)
    assert "ok" in there, there
    with tf.Session() as s:
        tf.train.import_meta_graph(d + "/cond.meta")
        g = tf.get_default_graph()
        r, k, r2 = (g.get_tensor_by_name(n) for n in ("cond/Merge:0", "cond/Merge_1:0",
                                                      "cond_1/Merge:0"))
        assert type(r.op._cf[0]).__name__ == "CondSpec"  # only the taken branch runs
        here = [[a.tolist() for a in s.run([r, k, r2], {"p:0": b})] for b in (True, False, True)]
    assert here == there["ok"]
