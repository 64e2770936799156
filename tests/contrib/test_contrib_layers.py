"""`tf.contrib.layers` and `tf.contrib.framework`: tf_slim's own functions (tf_slim was cut
from them), compared with tf_slim under TF; embed_sequence against TF 1.15's definition."""

import pytest
from contrib_oracle import compare
from oracle import ORACLE_HELPERS

import scopeflow.compat.v1 as tf

SLIM_NAMES = ["xavier_initializer", "xavier_initializer_conv2d", "variance_scaling_initializer", "l1_regularizer", "l2_regularizer", "l1_l2_regularizer", "sum_regularizer", "apply_regularization", "fully_connected", "conv2d", "conv2d_transpose", "convolution2d", "max_pool2d", "avg_pool2d", "flatten", "batch_norm", "layer_norm", "dropout", "one_hot_encoding", "optimize_loss", "summarize_activation", "summarize_activations", "summarize_tensor", "summarize_tensors", "summarize_collection", "repeat", "stack", "separable_conv2d", "separable_convolution2d", "unit_norm", "linear", "relu", "relu6", "bias_add"]
FRAMEWORK_NAMES = ["arg_scope", "add_arg_scope", "current_arg_scope", "has_arg_scope", "arg_scoped_arguments", "get_variables", "get_variables_by_name", "get_variables_by_suffix", "get_variables_to_restore", "get_model_variables", "get_local_variables", "get_trainable_variables", "get_unique_variable", "get_or_create_global_step", "get_global_step", "create_global_step", "assign_from_checkpoint", "assign_from_checkpoint_fn", "assign_from_values", "assign_from_values_fn", "model_variable", "variable", "local_variable", "global_variable", "add_model_variable", "filter_variables", "VariableDeviceChooser"]


@pytest.mark.parametrize("name", SLIM_NAMES)
def test_layers_are_slim_functions(name):
    assert getattr(tf.contrib.layers, name) is getattr(tf.contrib.slim, name)


@pytest.mark.parametrize("name", FRAMEWORK_NAMES)
def test_framework_is_slim(name):
    assert getattr(tf.contrib.framework, name) is getattr(tf.contrib.slim, name)


def test_framework_checkpoint_and_nest_names():
    fw = tf.contrib.framework
    assert fw.list_variables is tf.train.list_variables
    assert fw.load_variable is tf.train.load_variable
    assert fw.init_from_checkpoint is tf.train.init_from_checkpoint
    assert fw.nest.flatten is tf.nest.flatten and fw.nest.is_sequence([1])
    assert fw.is_tensor is tf.is_tensor


# tf_slim 1.1 under TF 2.21 needs ops.Tensor (a name TF dropped) and tf.layers' batch norm
# where its lazy module path looks for a tf_keras module that moved
PRELUDE = ("if hasattr(tf, 'contrib'):\n  L = tf.contrib.layers\nelse:\n"
           "  from tensorflow.python.framework import ops\n"
           "  ops.Tensor, ops.IndexedSlices = tf.Tensor, tf.IndexedSlices\n"
           "  from tensorflow.python.layers import normalization\n"
           "  normalization.BatchNormalization = tf.layers.BatchNormalization\n"
           "  import tf_slim as L\n"
           "tf.set_random_seed(11)\n"
           "x = tf.constant(np.cos(np.arange(2 * 8 * 8 * 3) * 0.3).reshape(2, 8, 8, 3),"
           " tf.float32)\n")
RECORD = ("with tf.Session() as s:\n"
          "  s.run([tf.global_variables_initializer(), tf.local_variables_initializer()])\n"
          "  vals = s.run(out)\n"
          "flat = [float(z) for v in (vals if isinstance(vals, list) else [vals])"
          " for z in np.ravel(v)]\n"
          "result = {'graph': [g[:3] for g in graph()], 'vals': flat,\n"
          "          'vars': [(v.name, v.shape.as_list()) for v in tf.global_variables()],\n"
          "          'reg': [t.name for t in tf.get_collection("
          "tf.GraphKeys.REGULARIZATION_LOSSES)]}\n")
PROGRAMS = [
    # the tutorials' convolutional_network: conv, pool, flatten, fully connected
    ("h = L.conv2d(x, 4, 3, weights_initializer=L.xavier_initializer_conv2d(),"
     " weights_regularizer=L.l2_regularizer(0.1))\n"
     "h = L.max_pool2d(h, 2)\nh = L.flatten(h)\n"
     "out = L.fully_connected(h, 5, activation_fn=None,"
     " weights_initializer=L.xavier_initializer(),"
     " weights_regularizer=L.l1_l2_regularizer(0.1, 0.2))\n"
     "out = [out, L.apply_regularization(L.l1_regularizer(0.5), tf.trainable_variables())]\n"),
    ("h = L.batch_norm(L.conv2d(x, 4, 3, normalizer_fn=L.layer_norm), is_training=True)\n"
     "h = L.dropout(h, 0.5, is_training=False)\n"
     "h = L.avg_pool2d(L.conv2d(h, 2, 3, stride=2), 2)\n"
     "out = L.stack(L.flatten(h), L.fully_connected, [6, 3],"
     " weights_initializer=L.variance_scaling_initializer())\n"),
    ("h = L.repeat(x, 2, L.separable_conv2d, 4, 3, 2)\n"
     "out = L.one_hot_encoding(tf.constant([0, 2]), 3) + tf.reduce_sum(L.unit_norm(h, 1))\n"),
    ("y = L.fully_connected(L.flatten(x), 3)\n"
     "loss = tf.reduce_mean(tf.square(y))\n"
     "gs = tf.train.get_or_create_global_step()\n"
     "train = L.optimize_loss(loss, gs, 0.1, 'Adam', summaries=['loss', 'gradients'],"
     " clip_gradients=1.0)\n"
     "out = [train, loss]\n"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("i", range(len(PROGRAMS)))
def test_contrib_layers_programs_like_tf_slim(oracle, i):
    code = "import numpy as np\n" + ORACLE_HELPERS + PRELUDE + PROGRAMS[i] + RECORD
    compare(oracle, code, ("graph", "vars", "reg"), atol=1e-5)


# TF 1.15's embed_sequence / embedding_lookup_unique over tf_slim for the oracle (no contrib)
EMBED_REFERENCE = r"""
def _lookup_unique(params, ids):
    with tf.name_scope(None, "EmbeddingLookupUnique", [params, ids]):
        ids = tf.convert_to_tensor(ids)
        shape = tf.shape(ids)
        flat = tf.reshape(ids, tf.reduce_prod(shape, keepdims=True))
        uniq, idx = tf.unique(flat)
        emb = tf.nn.embedding_lookup(params, uniq)
        out = tf.reshape(tf.gather(emb, idx), tf.concat([shape, tf.shape(emb)[1:]], 0))
        out.set_shape(ids.get_shape().concatenate(emb.get_shape()[1:]))
        return out
def _embed(ids, vocab_size=None, embed_dim=None, unique=False, initializer=None,
           regularizer=None, trainable=True, scope=None, reuse=None):
    import tf_slim
    with tf.variable_scope(scope, "EmbedSequence", [ids], reuse=reuse):
        shape = [vocab_size, embed_dim]
        if (reuse and vocab_size is None) or embed_dim is None:
            shape = None
        e = tf_slim.model_variable("embeddings", shape=shape, initializer=initializer,
                                   regularizer=regularizer, trainable=trainable)
        return _lookup_unique(e, ids) if unique else tf.nn.embedding_lookup(e, ids)
embed = tf.contrib.layers.embed_sequence if hasattr(tf, "contrib") else _embed
tf.set_random_seed(5)
ids = tf.constant([[1, 3, 1], [0, 3, 2]])
"""


@pytest.mark.oracle
@pytest.mark.parametrize("body", [
    ("out = [embed(ids, 4, 5), embed(ids, 4, 5, scope='dec')]\n"
     "out.append(embed(ids, scope='dec', reuse=True))\n"),
    "out = embed(ids, 6, 2, unique=True, regularizer=tf.nn.l2_loss)\n",
])
def test_embed_sequence_like_tf(oracle, body):
    code = ("import numpy as np\n" + ORACLE_HELPERS + EMBED_REFERENCE + body + RECORD
            + "result['model'] = [v.name for v in tf.model_variables()]\n")
    compare(oracle, code, ("graph", "vars", "reg", "model"), rtol=1e-5)


def test_embed_sequence_needs_sizes():
    with pytest.raises(ValueError, match="Must specify vocab size and embedding dimension"):
        tf.contrib.layers.embed_sequence(tf.constant([[1]]))
