"""Checkpoints of slim nets written by real TensorFlow restore in scopeflow with equal logits.

TF builds the net, initializes it from a seed, saves it with tf.train.Saver and records its
logits; scopeflow builds the same net, restores every variable (none is initialized otherwise:
a variable the checkpoint misses would fail the run) and must give TF's logits.
"""

import numpy as np
import pytest
from oracle import NET_PRELUDE, run_here

PROGRAM = NET_PRELUDE + r"""
tf.set_random_seed(7)
images = tf.placeholder(tf.float32, [1, SIZE, SIZE, 3], name="images")
net, _ = CALL
feed = {images: np.cos(np.arange(SIZE * SIZE * 3) * 0.37).reshape(1, SIZE, SIZE, 3) * 60.0}
saver = tf.train.Saver()
with tf.Session() as sess:
    if WRITE:
        sess.run(tf.global_variables_initializer())
        saver.save(sess, PREFIX)
    else:  # every variable's value comes from the checkpoint
        saver.restore(sess, PREFIX)
    np.save(PREFIX + ("-tf.npy" if WRITE else "-here.npy"), sess.run(net, feed))
result = sorted([v.name, v.shape.as_list()] for v in tf.global_variables())
"""
CASES = {
    # vgg_16's fc6 is a VALID 7x7 convolution: it needs 224x224 inputs (138M weights)
    "vgg_16": ("nets.vgg.vgg_16(images, is_training=False)", 224),
    # no arg scope (tf_slim's batch_norm does not build under TF 2.21); global pool: 64x64
    "resnet_v1_50": (("nets.resnet_v1.resnet_v1_50(images, num_classes=1000, "
                     "is_training=False)"), 64),
}


def _program(case, write, prefix):
    call, size = CASES[case]
    return (PROGRAM.replace("CALL", call).replace("SIZE", str(size))
            .replace("WRITE", str(write)).replace("PREFIX", repr(prefix)))


@pytest.mark.oracle
@pytest.mark.parametrize("case", sorted(CASES))
def test_tf_checkpoint_restores_with_tf_logits(oracle, tmp_path, case):
    prefix = str(tmp_path / case)
    there = oracle(_program(case, True, prefix))
    here = run_here(_program(case, False, prefix))
    assert "ok" in there, there
    assert "ok" in here, here
    assert here["ok"] == there["ok"]  # the same variables, names and shapes
    tf_logits, logits = np.load(prefix + "-tf.npy"), np.load(prefix + "-here.npy")
    assert logits.shape == tf_logits.shape and tf_logits.size == 1000
    scale = np.abs(tf_logits).max()
    # float32 sums of another order (fc6 reduces 25088 products): 1e-5 of the largest logit
    np.testing.assert_allclose(logits, tf_logits, rtol=1e-5, atol=1e-5 * scale)
