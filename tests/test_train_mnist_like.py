"""A small TF1 MNIST-style script trains to TensorFlow's loss curve (10 steps, within 1e-4)."""

import pytest

from approx import close
from oracle import run_here

SCRIPT = '''
rng = np.random.RandomState(7)
images = (rng.rand(64, 784) - 0.5).astype(np.float32)
labels = rng.randint(0, 10, 64)
x = tf.placeholder(tf.float32, [None, 784], name="x")
y_ = tf.placeholder(tf.float32, [None, 10], name="y_")
keep = tf.placeholder_with_default(1.0, [], name="keep_prob")

def weight(name, shape, scale):
    return tf.get_variable(name, initializer=(rng.randn(*shape) * scale).astype(np.float32))

with tf.variable_scope("conv1"):
    h = tf.reshape(x, [-1, 28, 28, 1])
    h = tf.nn.relu(tf.nn.conv2d(h, weight("w", [5, 5, 1, 8], 0.1), [1, 1, 1, 1], "SAME")
                   + tf.get_variable("b", [8], initializer=tf.constant_initializer(0.1)))
    h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
with tf.variable_scope("conv2"):
    h = tf.nn.relu(tf.nn.conv2d(h, weight("w", [5, 5, 8, 16], 0.05), [1, 1, 1, 1], "SAME")
                   + tf.get_variable("b", [16], initializer=tf.constant_initializer(0.1)))
    h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
with tf.variable_scope("fc1"):
    h = tf.reshape(h, [-1, 7 * 7 * 16])
    w_fc1 = weight("w", [784, 64], 0.05)
    h = tf.nn.relu(tf.matmul(h, w_fc1) + tf.zeros([64]))
    tf.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, 1e-4 * tf.nn.l2_loss(w_fc1))
    h = tf.nn.dropout(h, keep_prob=keep)
with tf.variable_scope("fc2"):
    logits = tf.matmul(h, weight("w", [64, 10], 0.1)) + tf.get_variable(
        "b", [10], initializer=tf.zeros_initializer())
loss = tf.losses.softmax_cross_entropy(y_, logits)
total = tf.losses.get_total_loss()
gs = tf.train.get_or_create_global_step()
lr = tf.train.exponential_decay(0.01, gs, 5, 0.5, staircase=True)
train = tf.train.%s.minimize(total, global_step=gs)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y_, 1)), tf.float32))
onehot = np.eye(10, dtype=np.float32)[labels]
curve = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(10):
        batch = slice((step %% 4) * 16, (step %% 4) * 16 + 16)
        _, l = sess.run([train, total], {x: images[batch], y_: onehot[batch]})
        curve.append(l)
    result = {"curve": curve, "step": sess.run(gs), "acc": sess.run(accuracy, {x: images, y_: onehot}),
              "vars": [v.name for v in tf.global_variables()], "train": train.name}
'''


@pytest.mark.oracle
@pytest.mark.parametrize("optimizer", ["MomentumOptimizer(lr, 0.9)", "AdamOptimizer(lr)",
                                       "GradientDescentOptimizer(lr)"])
def test_mnist_like_script_follows_tf_loss_curve(oracle, optimizer):
    code = SCRIPT % optimizer
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert "ok" in here, here
    assert close(here["ok"]["curve"], there["ok"]["curve"], 1e-4), (here, there)
    assert here["ok"]["vars"] == there["ok"]["vars"]
    assert close(here, there, 1e-4), (here, there)
