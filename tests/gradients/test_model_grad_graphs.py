"""The gradient graphs of whole models against TF (issue 10's bar): sorted (name, type, control
inputs) of every op under gradients/ that `minimize` builds, for the model families of
benchmarks/train.py (mlp, cnn, lstm: dynamic_rnn of a BasicLSTMCell, cnn_bn: tf.layers with
batch norm and dropout) and slim's vgg_16, resnet_v1_50 and inception_v3 (tf_slim's batch_norm
does not build under TF 2.21, so the nets use a weight-decay arg scope, as tests/slim/nets do)."""

import os

import pytest
from oracle import ROOT, explain, run_here

TRAIN = r"""
import sys
sys.path.insert(0, %r)
import train
train.build_tf1(tf, MODEL, train.make_arrays(MODEL))
""" % os.path.join(ROOT, "benchmarks")

NET = r"""
slim = tf.contrib.slim if hasattr(tf, "contrib") else __import__("tf_slim")
nets = slim.nets if hasattr(slim, "nets") else __import__("tf_slim.nets").nets
images = tf.placeholder(tf.float32, [2, SIZE, SIZE, 3], name="images")
labels = tf.placeholder(tf.int32, [2], name="labels")
with slim.arg_scope([slim.conv2d], weights_regularizer=slim.l2_regularizer(0.1)):
    logits, _ = CALL
tf.losses.sparse_softmax_cross_entropy(labels, tf.reshape(logits, [2, 10]))
tf.train.MomentumOptimizer(0.01, 0.9).minimize(tf.losses.get_total_loss())
"""

RECORD = r"""
result = sorted([o.name, o.type, sorted(c.name for c in o.control_inputs)]
                for o in tf.get_default_graph().get_operations()
                if o.name.startswith("gradients"))
"""

NETS = {
    "vgg_16": ("nets.vgg.vgg_16(images, num_classes=10)", 224),
    "resnet_v1_50": ("nets.resnet_v1.resnet_v1_50(images, num_classes=10)", 64),
    "inception_v3": ("nets.inception_v3.inception_v3(images, num_classes=10)", 299),
}
PROGRAMS = {m: TRAIN.replace("MODEL", repr(m)) + RECORD for m in ("mlp", "cnn", "lstm", "cnn_bn")}
PROGRAMS.update({name: NET.replace("CALL", call).replace("SIZE", str(size)) + RECORD
                 for name, (call, size) in NETS.items()})


@pytest.mark.oracle
@pytest.mark.parametrize("model", sorted(PROGRAMS))
def test_model_gradient_graph_matches_tf(oracle, model):
    code = PROGRAMS[model]
    here, there = run_here(code), oracle(code)
    assert "ok" in there and here == there, explain(code, here, there)
