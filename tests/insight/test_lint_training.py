"""What training and saving leave out: a trainable variable no optimizer updates and model
variables no Saver saves are found at their line; complete programs are silent."""

import textwrap

import pytest

from scopeflow import insight


def _lint(tf, source):
    g = tf.Graph()
    with g.as_default():
        exec(compile(textwrap.dedent(source), "planted.py", "exec"), {"tf": tf})
    return insight.lint(g)


MODEL = """
x = tf.placeholder(tf.float32, [None, 3])
h = tf.layers.batch_normalization(tf.layers.dense(x, 4), training=True)
loss = tf.reduce_mean(tf.square(tf.layers.dense(h, 1)))
"""
TRAIN = """
with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
    train = tf.train.AdamOptimizer(0.1).minimize(loss)
"""


def test_trainable_variable_no_optimizer_updates(tf):
    found = _lint(tf, MODEL + "scale = tf.get_variable('scale', [4])  # not in the loss\n"
                  + TRAIN)
    assert [(f.kind, f.where) for f in found] == [("trainable-not-optimized", "planted.py:5")]
    assert "'scale'" in found[0].message and "trainable=False" in found[0].fix
    # a var_list leaving a layer out
    found = _lint(tf, MODEL + "train = tf.train.GradientDescentOptimizer(0.1).minimize(\n"
                  "    loss, var_list=tf.trainable_variables()[2:])\n"
                  "with tf.control_dependencies([train]):\n"
                  "    train = tf.group(*tf.get_collection(tf.GraphKeys.UPDATE_OPS))\n")
    assert {(f.kind, f.where) for f in found} == {("trainable-not-optimized", "planted.py:3")}
    assert sorted(f.message.split("'")[1] for f in found) == ["dense/bias", "dense/kernel"]


UNSAVED = "saver = tf.train.Saver(var_list=tf.trainable_variables())\n"


def test_model_variables_no_saver_saves(tf):
    (f,) = _lint(tf, MODEL + TRAIN + UNSAVED)
    assert (f.kind, f.where) == ("variable-not-saved", "planted.py:8")
    assert ("'batch_normalization/moving_mean', 'batch_normalization/moving_variance'"
            in f.message and "planted.py:3" in f.message)


@pytest.mark.parametrize("tail", [
    TRAIN,
    TRAIN + "saver = tf.train.Saver()\n",
    TRAIN + "saver = tf.train.Saver(tf.global_variables())\n",
    TRAIN + UNSAVED + "full = tf.train.Saver()\n",  # a partial restorer beside a full saver
    TRAIN + "saver = tf.train.Saver(tf.trainable_variables() + tf.model_variables()\n"
            "    + [v for v in tf.global_variables() if 'moving' in v.name])\n",
    ("train = tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss)\n"
     "train = tf.group(train, *tf.get_collection(tf.GraphKeys.UPDATE_OPS))\n"
     "frozen = tf.get_variable('frozen', [4], trainable=False)\n"),
])
def test_complete_training_and_saving_are_silent(tf, tail):
    assert _lint(tf, MODEL + tail) == []


def test_no_training_step_no_finding(tf):
    assert _lint(tf, MODEL + "extra = tf.get_variable('extra', [2])\n") == []
