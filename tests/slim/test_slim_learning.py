"""slim.learning against real tf_slim: create_train_op's graph, names, collections and values;
the Supervisor loop `train` (steps, checkpoints, summaries, init_fn, train_step_fn)."""

import pytest
from approx import agree, explain
from oracle import run_here

# tf_slim 1.1 reads ops.Tensor / ops.IndexedSlices, which TF 2.21 no longer has
SLIM = ("slim = tf.contrib.slim if hasattr(tf, 'contrib') else __import__('tf_slim')\n"
        "if not hasattr(tf, 'contrib'):\n"
        "    from tensorflow.python.framework import ops as _ops\n"
        "    _ops.Tensor, _ops.IndexedSlices = tf.Tensor, tf.IndexedSlices\n"
        "import numpy as np, os, tempfile, glob\n"
        "tf.set_random_seed(1)\n"
        "x = tf.constant(np.cos(np.arange(12.0)).reshape(4, 3), tf.float32)\n"
        "y = tf.constant([[1.], [0.], [1.], [0.]])\n")
GRAPH = ("\nresult = [sorted([o.name, o.type] for o in tf.get_default_graph().get_operations()),"
         " [t.name for t in tf.get_collection(tf.GraphKeys.TRAIN_OP)],"
         " [t.name for t in tf.get_collection(tf.GraphKeys.SUMMARIES)], op.name]")
RUN = ("\nwith tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n"
       "  losses = [s.run(op) for _ in range(3)]\n"
       "  result = [losses, s.run(tf.trainable_variables()), s.run(tf.train.get_global_step()),"
       " s.run(seen)]")

BUILD = ("h = slim.fully_connected(x, 4, scope='h')\n"
         "seen = tf.Variable(0, name='seen', trainable=False)\n"
         "tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, tf.assign_add(seen, 1))\n"
         "p = slim.fully_connected(h, 1, activation_fn=tf.sigmoid, scope='p')\n"
         "loss = tf.reduce_sum(tf.square(p - y), name='loss')\n"
         "opt = tf.train.GradientDescentOptimizer(0.5)\n")

PROGRAMS = [
    SLIM + BUILD + "op = slim.learning.create_train_op(loss, opt)" + GRAPH,
    SLIM + BUILD + "op = slim.learning.create_train_op(loss, opt)" + RUN,
    SLIM + BUILD + "op = slim.learning.create_train_op(loss, opt, clip_gradient_norm=0.1, "
    "summarize_gradients=True, gradient_multipliers={'p/weights': 3.0})" + GRAPH,
    SLIM + BUILD + "op = slim.learning.create_train_op(loss, opt, clip_gradient_norm=0.1, "
    "gradient_multipliers={'p/weights': 3.0})" + RUN,
    SLIM + BUILD + "op = slim.learning.create_train_op(loss, opt, update_ops=[], "
    "global_step=None, check_numerics=False, "
    "variables_to_train=slim.get_variables('p'))" + GRAPH,
    SLIM + BUILD + "op = slim.learning.create_train_op(loss, opt, update_ops=[], "
    "variables_to_train=slim.get_variables('p'))" + RUN,
    SLIM + BUILD + "op = slim.training.create_train_op(loss, opt, summarize_gradients=True, "
    "transform_grads_fn=slim.training.clip_gradient_norms_fn(0.2))" + GRAPH,
    SLIM + "w = tf.Variable([1., 2.], name='w')\n"
    "g = tf.IndexedSlices(tf.constant([[3., 4.]]), tf.constant([0]), tf.constant([2, 2]))\n"
    "gv = slim.learning.clip_gradient_norms([(g, w), (None, w)], 1.0)\n"
    "m = slim.learning.multiply_gradients([(tf.constant([1., 2.]), w)], {w: 2.0})\n"
    "with tf.Session() as s:\n  result = [s.run(gv[0][0].values), gv[1][0], s.run(m[0][0])]",
    SLIM + "result = slim.learning.multiply_gradients((), {'a': 1.0})",
    SLIM + "result = slim.learning.multiply_gradients([], {})",
    SLIM + "result = slim.learning.multiply_gradients([], 3)",
    SLIM + "w = tf.Variable(1.0, name='w')\n"
    "result = slim.learning.multiply_gradients([(None, w)], {w: 2.0})",
]

# the loop: files written, the final loss, restored variables, an init_fn, a train_step_fn
TRAIN = SLIM + BUILD + (
    "tf.summary.scalar('total_loss', loss)\n"
    "op = slim.learning.create_train_op(loss, opt)\n"
    "logdir = tempfile.mkdtemp()\n"
    "calls = []\n"
    "def step_fn(sess, train_op, global_step, kwargs):\n"
    "    calls.append(1)\n"
    "    return slim.learning.train_step(sess, train_op, global_step, kwargs)\n"
    "final = slim.learning.train(op, logdir, number_of_steps=5, train_step_fn=step_fn,"
    " init_fn=lambda sess: calls.append('init'))\n"
    # the Supervisor's checkpoint thread saves first at whatever step (0 to 5) the training
    # loop has reached when the thread first runs: only the final checkpoint's files compare
    "import re\n"
    "files = sorted(os.path.basename(f) for f in glob.glob(os.path.join(logdir, '*'))"
    " if 'tfevents' not in f and not re.search(r'ckpt-[0-4]\\.', f))\n"
    "tags = set()\n"
    "for f in glob.glob(os.path.join(logdir, '*tfevents*')):\n"
    "    for e in tf.train.summary_iterator(f):\n"
    "        tags.update(v.tag for v in e.summary.value)\n"
    "result = [float(final), calls, files, sorted(tags),"
    " tf.train.latest_checkpoint(logdir)[len(logdir):]]")
NO_LOGDIR = SLIM + BUILD + (
    "op = slim.learning.create_train_op(loss, opt)\n"
    "result = [float(slim.learning.train(op, None, number_of_steps=3))]")
BAD = [SLIM + BUILD + "op = slim.learning.create_train_op(loss, opt)\n" + call for call in (
    "result = slim.learning.train(op, None, summary_op=tf.summary.merge_all())",
    "result = slim.learning.train(op, None, saver=tf.train.Saver())",
    "result = slim.learning.train(op, None, trace_every_n_steps=1)",
    "result = slim.learning.train(op, None, number_of_steps=0)",
    "result = slim.learning.train(None, None)",
)]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS + [TRAIN, NO_LOGDIR] + BAD)
def test_learning_matches_tf_slim(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


def test_train_writes_checkpoints_and_summaries():
    out = run_here(TRAIN)["ok"]
    assert out[1][0] == "init" and out[1].count(1) == 5
    assert "model.ckpt-5.index" in out[2] and "checkpoint" in out[2] and "graph.pbtxt" in out[2]
    assert "total_loss" in out[3]
    assert out[4] == "/model.ckpt-5"


SYNC = SLIM + BUILD + (
    "sync = tf.train.SyncReplicasOptimizer(opt, 1)\n"
    "op = slim.learning.create_train_op(loss, OPT)\n"
    "result = [float(slim.learning.train(op, None, number_of_steps=3, **KW))]")


def test_train_with_a_sync_optimizer_of_one_replica_is_plain_training():
    plain = run_here(SYNC.replace("OPT", "opt").replace("**KW", ""))["ok"]
    synced = run_here(SYNC.replace("OPT", "sync").replace("**KW", "sync_optimizer=sync"))["ok"]
    assert synced == plain
    bad = run_here(SYNC.replace("OPT", "sync").replace(
        "**KW", "sync_optimizer=sync, startup_delay_steps=2"))
    assert "startup_delay_steps must be zero when sync_optimizer is supplied" in str(bad)
