"""TF's gradient loops (dynamic_rnn's, nested loops', loops without a static trip bound),
built by TF, imported and trained by scopeflow step for step as by TF (ops/stack_ops.py:
stacks sized by the product of the loops' bounds, or growing when a bound is known only at
run time)."""

import numpy as np
import pytest

_RNN = """
x = tf.placeholder(tf.float32, [3, 6, 4], name="x")
y = tf.placeholder(tf.float32, [3, 2], name="y")
cell = %s
out, _ = tf.nn.dynamic_rnn(cell, x, sequence_length=[6, 4, 2], dtype=tf.float32, scope="rnn")
pred = tf.layers.dense(out[:, -1], 2, name="head")
loss = tf.reduce_mean(tf.square(pred - y)) + 0.1 * tf.reduce_mean(tf.square(out))
train = tf.train.AdamOptimizer(0.05).minimize(loss, name="train")
rng = np.random.RandomState(0)
data = {"x:0": rng.randn(3, 6, 4).astype(np.float32), "y:0": rng.randn(3, 2).astype(np.float32)}
"""

# each entry: a program setting `loss`, `train` and `data` (feeds by tensor name)
_PROGRAMS = {
    # stacks pushed by the forward loop, popped by the backward loop, TensorArray gradients
    "dynamic_rnn_gru": _RNN % "tf.nn.rnn_cell.GRUCell(5)",
    "dynamic_rnn_lstm": _RNN % "tf.nn.rnn_cell.LSTMCell(5)",
    # x^k sums: a loop inside a loop whose bound is the outer loop's counter
    "nested_pow": """
x = tf.placeholder(tf.float32, [3], name="x")
w = tf.get_variable("w", [3], initializer=tf.constant_initializer([0.5, -0.3, 0.8]))
def outer(i, acc):
    _, p = tf.while_loop(lambda j, p: j < i, lambda j, p: (j + 1, p * w), [0, tf.ones([3])])
    return i + 1, acc + p * x
_, s = tf.while_loop(lambda i, a: i < 4, outer, [0, tf.zeros([3])])
loss = tf.reduce_sum(tf.square(s - 1.0))
train = tf.train.GradientDescentOptimizer(0.05).minimize(loss, name="train")
data = {"x:0": np.array([1.0, 0.5, -1.0], np.float32)}
""",
    # the bound is fed: 70 iterations overflow the first stack size (64), the run is redone
    "fed_bound": """
x = tf.placeholder(tf.float32, [2, 3], name="x")
n = tf.placeholder(tf.int32, [], name="n")
w = tf.get_variable("w", [3, 3], initializer=tf.constant_initializer(np.eye(3) * 0.5 + 0.1))
_, h = tf.while_loop(lambda i, h: i < n,
                     lambda i, h: (i + 1, tf.tanh(tf.matmul(h, w) + x)), [0, x])
loss = tf.reduce_mean(tf.square(h - 0.3))
train = tf.train.AdamOptimizer(0.05).minimize(loss, name="train")
data = {"x:0": np.cos(np.arange(6)).reshape(2, 3).astype(np.float32), "n:0": np.int32(70)}
""",
    # a tf.cond inside the loop: its gradient conds in the backward loop, its branch index
    # and values on stacks
    "cond_in_loop": """
x = tf.placeholder(tf.float32, [3], name="x")
w = tf.get_variable("w", [3], initializer=tf.constant_initializer([0.5, -0.3, 0.8]))
def body(i, h):
    h2 = tf.cond(tf.equal(i % 2, 0), lambda: tf.tanh(h * w + x), lambda: h * w - 0.1)
    return i + 1, h2
_, h = tf.while_loop(lambda i, h: i < 5, body, [0, x])
loss = tf.reduce_sum(tf.square(h - 0.2))
train = tf.train.AdamOptimizer(0.05).minimize(loss, name="train")
data = {"x:0": np.array([1.0, 0.5, -1.0], np.float32)}
""",
    # TensorArrays and a transpose in both loops: handles and permutations on stacks
    "rnn_in_map_fn": """
x = tf.placeholder(tf.float32, [2, 3, 4, 2], name="x")
cell = tf.nn.rnn_cell.GRUCell(3)
cell.build(tf.TensorShape([None, 2]))
def f(xg):
    out, _ = tf.nn.dynamic_rnn(cell, xg, dtype=tf.float32, scope="rnn")
    return out[:, -1]
y = tf.map_fn(f, x)
loss = tf.reduce_mean(tf.square(y - 0.5))
train = tf.train.AdamOptimizer(0.05).minimize(loss, name="train")
data = {"x:0": np.sin(np.arange(48)).reshape(2, 3, 4, 2).astype(np.float32)}
""",
}

_TRAIN = """
import numpy as np
outdir = %(dir)r
tf.set_random_seed(1)
%(build)s
tf.add_to_collection("train_op", train)
tf.add_to_collection("loss", loss)
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    s.run(train, data)
    tf.train.Saver().save(s, outdir + "/model")
tf.train.export_meta_graph(outdir + "/model.meta")
np.savez(outdir + "/data.npz", **{k.split(":")[0]: v for k, v in data.items()})
tf.reset_default_graph()
%(step)s
np.savez(outdir + "/after.npz", **got)
result = sorted(got)
"""

# the same text runs under TF (its reference) and under scopeflow
_KEEP_TRAINING = """
d = np.load(outdir + "/data.npz")
feed = {k + ":0": d[k] for k in d.files}
got = {}
with tf.Session() as s:
    saver = tf.train.import_meta_graph(outdir + "/model.meta")
    saver.restore(s, outdir + "/model")
    loss, train = tf.get_collection("loss")[0], tf.get_collection("train_op")[0]
    for i in range(3):
        got["loss_%d" % i] = s.run([loss, train], feed)[0]
    got.update({"var:" + v.op.name: s.run(v) for v in tf.global_variables()})
"""


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(_PROGRAMS))
def test_tf_gradient_loop_keeps_training(oracle, tf, tmp_path, name):
    d = str(tmp_path)
    there = oracle(_TRAIN % {"dir": d, "build": _PROGRAMS[name], "step": _KEEP_TRAINING})
    assert "ok" in there, there
    want = dict(np.load(d + "/after.npz"))
    env = {"tf": tf, "np": np, "outdir": d}
    exec(_KEEP_TRAINING, env)  # noqa: S102 - the same program TF ran
    got = env["got"]
    assert sorted(got) == sorted(want)
    for k in sorted(want):
        np.testing.assert_allclose(got[k], want[k], rtol=2e-5, atol=1e-6, err_msg=k)


def _push_pop_graph(tf):
    """A loop pushing until `a >= x` (a bound only the data gives), a loop popping it all,
    then a counter incremented once per run."""
    from scopeflow.ops import stack_ops
    x = tf.placeholder(tf.float32, [])
    v = tf.get_variable("runs", [], initializer=tf.zeros_initializer())
    h = stack_ops._stack(-1, elem_type=tf.float32)

    def push(i, a):
        with tf.control_dependencies([stack_ops._push(h, a)]):
            return i + 1, a * 2.0

    n, _ = tf.while_loop(lambda i, a: a < x, push, [0, 1.0])
    total = tf.while_loop(lambda j, s: j > 0, lambda j, s: (
        j - 1, s + tf.reshape(stack_ops._pop(h, elem_type=tf.float32), [])), [n, 0.0])[1]
    with tf.control_dependencies([total]):
        runs = v.assign_add(1.0)
    return x, n, total, runs


def test_stack_grows_past_its_first_size(tf):
    """100 pushes overflow the first 64 slots: the run is compiled again with more and done
    once more, committing its variable update once."""
    x, n, total, runs = _push_pop_graph(tf)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        got = s.run([n, total, runs], {x: 2.0 ** 100})
        assert got[0] == 100 and got[2] == 1.0
        np.testing.assert_allclose(got[1], 2.0 ** 100 - 1, rtol=1e-6)
        got = s.run([n, total, runs], {x: 8.0})  # fewer: the larger stack holds them
        assert got[0] == 3 and got[1] == 7.0 and got[2] == 2.0
