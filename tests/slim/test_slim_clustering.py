"""metric_learning.cluster_loss vs tf_slim's: the loss and its summaries, each margin type.
(The gradient is not compared yet: a centroid's own zero distance gives NaN here, 0 in TF.)"""

import pytest

from oracle import run_here

pytest.importorskip("sklearn")

CODE = """
if hasattr(tf, "contrib"):
    ml = tf.contrib.slim.losses.metric_learning
else:  # tf_slim's cluster_loss calls control_flow_ops.while_loop, which TF 2.21 moved
    from tensorflow.python.ops import control_flow_ops, while_loop
    control_flow_ops.while_loop = while_loop.while_loop
    import tf_slim.losses.metric_learning as ml
rng = np.random.RandomState(3)
centers = rng.normal(size=(6, 4))
labels = np.repeat(np.arange(6), 4)
points = (centers[labels] + rng.normal(size=(24, 4))).astype(np.float32)
x = tf.constant(points)
loss = ml.cluster_loss(tf.constant(labels), x, margin_multiplier=MARGIN,
                       enable_pam_finetuning=PAM, margin_type=TYPE)
with tf.Session() as sess:
    value = sess.run(loss)
result = [loss.shape.as_list(), round(float(value), 4),
          sorted(op.name for op in tf.get_collection(tf.GraphKeys.SUMMARIES))]
"""


def _code(margin, pam, margin_type):
    return (CODE.replace("MARGIN", repr(margin)).replace("PAM", repr(pam))
            .replace("TYPE", repr(margin_type)))


@pytest.mark.oracle
@pytest.mark.parametrize("margin,pam,margin_type", [(10.0, False, "nmi"), (10.0, True, "nmi"),
                                                    (50.0, True, "ari"), (1.0, False, "const"),
                                                    (20.0, False, "ami")])
def test_cluster_loss_matches_tf_slim(oracle, margin, pam, margin_type):
    code = _code(margin, pam, margin_type)
    there = oracle(code)
    assert "ok" in there, there
    here = run_here(code)
    assert here["ok"][:2] == there["ok"][:2]
    assert there["ok"][1] > 0
    assert len(here["ok"][2]) == len(there["ok"][2]) == 3


def test_unknown_margin_type():
    import scopeflow.compat.v1 as tf
    from scopeflow.slim import metric_learning as ml
    with tf.Graph().as_default(), pytest.raises(ValueError, match="Unrecognized margin_type: x"):
        ml.cluster_loss(tf.constant([0, 1]), tf.zeros([2, 3]), 1.0, margin_type="x")
