"""Issue 10's meta-graph bar: one training graph with an optimizer, a tf.cond on `is_training`
(batch norm's), batch norm and a while loop, exported after a training step and imported,
restored and trained one more step: scopeflow → scopeflow, scopeflow → TF and TF → scopeflow
all give the values the original graph gives on that step (the exporter's own next step).
Under control_dependencies(UPDATE_OPS) TF moves the loops' outside control edges into them
(an Identity of each update inside the loop): the gradient leaving the backward loop through a
tf.group that waits for one is dead, so TF leaves conv and batch norm untrained; so does
scopeflow."""

import numpy as np
import pytest

pytestmark = pytest.mark.oracle

BUILD = """
import numpy as np
tf.set_random_seed(1)
rng = np.random.RandomState(0)
feed_np = {"x": rng.randn(4, 6, 6, 2).astype(np.float32), "y": rng.randn(4, 3).astype(np.float32),
           "n": np.int32(3)}
x = tf.placeholder(tf.float32, [None, 6, 6, 2], name="x")
y = tf.placeholder(tf.float32, [None, 3], name="y")
n = tf.placeholder(tf.int32, [], name="n")
is_training = tf.placeholder_with_default(False, [], name="is_training")
h = tf.layers.conv2d(x, 3, 3, padding="same", use_bias=False, name="conv",
                     kernel_initializer=tf.constant_initializer(0.1 * np.cos(np.arange(54))))
h = tf.layers.batch_normalization(h, training=is_training, name="bn")
h = tf.reduce_mean(tf.nn.relu(h), axis=[1, 2])
w = tf.get_variable("w", initializer=np.array([[0.5, 0.1, 0.0], [0.2, 0.6, -0.3],
                                               [0.1, -0.2, 0.4]], np.float32))
_, h = tf.while_loop(lambda i, a: i < n, lambda i, a: (i + 1, tf.tanh(tf.matmul(a, w) + h)),
                     [0, h])
loss = tf.reduce_mean(tf.square(h - y))
UPDATES
tf.add_to_collection("step", train)  # (minimize adds its own op to "train_op")
tf.add_to_collection("loss", loss)
feed = {x: feed_np["x"], y: feed_np["y"], n: feed_np["n"], is_training: True}
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    s.run(train, feed)
    tf.train.Saver().save(s, outdir + "/model")
    tf.train.export_meta_graph(outdir + "/model.meta")
    np.savez(outdir + "/data.npz", **feed_np)
    got = {"loss_step": s.run([loss, train], feed)[0],
           "loss_eval": s.run(loss, {x: feed_np["x"], y: feed_np["y"], n: 2})}
    got.update((v.op.name, s.run(v)) for v in tf.global_variables())
np.savez(outdir + "/orig.npz", **got)
result = sorted(got)
"""

# the batch-norm updates run with the step: TF1's usual control_dependencies, or grouped
UNDER_CONTROLS = """with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
    train = tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss, name="train")"""
GROUPED = """train = tf.group(tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss),
               *tf.get_collection(tf.GraphKeys.UPDATE_OPS), name="train")"""

STEP = """
import numpy as np
d = np.load(outdir + "/data.npz")
feed = {"x:0": d["x"], "y:0": d["y"], "n:0": d["n"], "is_training:0": True}
with tf.Session() as s:
    tf.train.import_meta_graph(outdir + "/model.meta").restore(s, outdir + "/model")
    loss, train = tf.get_collection("loss")[0], tf.get_collection("step")[0]
    got = {"loss_step": s.run([loss, train], feed)[0],
           "loss_eval": s.run(loss, {"x:0": d["x"], "y:0": d["y"], "n:0": 2})}
    got.update((v.op.name, s.run(v)) for v in tf.global_variables())
np.savez(outdir + "/after_%s.npz" % who, **got)
result = sorted(got)
"""


def _agree(d, who):
    want, got = dict(np.load(d + "/orig.npz")), dict(np.load(d + "/after_%s.npz" % who))
    assert sorted(got) == sorted(want) and len(want) > 8
    for k in sorted(want):
        np.testing.assert_allclose(got[k], want[k], rtol=2e-5, atol=1e-6, err_msg=(who, k))


def _built_here(tf, d, updates=GROUPED):
    code = "outdir, who = %r, 'tf'\n" % d + BUILD.replace("UPDATES", updates)
    exec(code, {"tf": tf})  # noqa: S102 - built, trained and exported here
    tf.reset_default_graph()


def _step_here(tf, d):
    exec("outdir, who = %r, 'here'\n" % d + STEP, {"tf": tf})  # noqa: S102 - imported here
    _agree(d, "here")


@pytest.mark.parametrize("updates", [GROUPED, UNDER_CONTROLS], ids=["grouped", "controls"])
def test_scopeflow_to_scopeflow(oracle, tf, tmp_path, updates):
    _built_here(tf, str(tmp_path), updates)
    _step_here(tf, str(tmp_path))


def test_tf_to_scopeflow_grouped(oracle, tf, tmp_path):
    d = str(tmp_path)
    there = oracle("outdir, who = %r, 'tf'\n" % d + BUILD.replace("UPDATES", GROUPED))
    assert "ok" in there, there
    _step_here(tf, d)


def test_scopeflow_to_tf_grouped(oracle, tf, tmp_path):
    d = str(tmp_path)
    _built_here(tf, d)
    there = oracle("outdir, who = %r, 'tf'\n" % d + STEP)
    assert "ok" in there, there
    _agree(d, "tf")


def test_tf_to_scopeflow(oracle, tf, tmp_path):
    d = str(tmp_path)
    there = oracle("outdir, who = %r, 'tf'\n" % d + BUILD.replace("UPDATES", UNDER_CONTROLS))
    assert "ok" in there, there
    _step_here(tf, d)


def test_scopeflow_to_tf(oracle, tf, tmp_path):
    d = str(tmp_path)
    _built_here(tf, d, UNDER_CONTROLS)
    there = oracle("outdir, who = %r, 'tf'\n" % d + STEP)
    assert "ok" in there, there
    _agree(d, "tf")
