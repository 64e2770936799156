"""tf.nn against TF: activations, softmax, normalization, losses, embeddings, conv and pool."""

import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from math_oracle import check_all_ops, check_outputs, check_values
from oracle import fed_cases_match

GRAPHS = [
    "x = tf.placeholder(tf.float32, [2, None]); r = [tf.nn.relu(x), tf.nn.relu6(x), "
    "tf.nn.elu(x), tf.nn.selu(x), tf.nn.leaky_relu(x), tf.nn.crelu(x), tf.nn.softsign(x), "
    "tf.nn.swish(x), tf.nn.silu(x), tf.nn.leaky_relu(x, 0.3, name='lr'), tf.nn.crelu(x, "
    "axis=0)]",
    "x = tf.placeholder(tf.float32, [2, None]); r = [tf.nn.softmax(x), tf.nn.log_softmax(x), "
    "tf.nn.softmax(x, axis=0), tf.nn.softmax(x, dim=0), tf.nn.log_softmax(x, 0), "
    "tf.math.softmax(x), tf.nn.softmax(x, -2)]",
    "x = tf.placeholder(tf.float32, [2, 4]); r = tf.nn.softmax(x, axis=0, dim=0)",
    "x = tf.placeholder(tf.float32, [2, 4]); r = tf.nn.softmax(x, axis=2)",
    "x = tf.placeholder(tf.float32, [2, None, 3]); b = tf.placeholder(tf.float32, [3]); r = "
    "[tf.nn.bias_add(x, b), tf.nn.bias_add(x, tf.placeholder(tf.float32, [None]), "
    "data_format='NCHW'), tf.nn.xw_plus_b(tf.placeholder(tf.float32, [2, 4]), "
    "tf.placeholder(tf.float32, [4, 3]), b), tf.nn.relu_layer(tf.placeholder(tf.float32, [2, "
    "4]), tf.placeholder(tf.float32, [4, 3]), b)]",
    "x = tf.placeholder(tf.float32, [2, 3]); r = tf.nn.bias_add(x, tf.placeholder(tf.float32, "
    "[4]))",
    "x = tf.placeholder(tf.float32, [2, None]); r = [tf.nn.l2_normalize(x), "
    "tf.nn.l2_normalize(x, 1), tf.math.l2_normalize(x, axis=0), tf.nn.l2_normalize(x, dim=0)]",
    "x = tf.placeholder(tf.float32, [4, None, 3]); r = [tf.nn.moments(x, [0]), "
    "tf.nn.moments(x, [0, 1], keep_dims=True), tf.nn.moments(x, [0], keepdims=True, "
    "name='mm')]",
    "x = tf.placeholder(tf.float16, [2, 4]); r = tf.nn.moments(x, [0])",
    "x = tf.placeholder(tf.float32, [4, 3]); r = [tf.nn.batch_normalization(x, tf.zeros([3]), "
    "tf.ones([3]), None, None, 1e-3), tf.nn.batch_normalization(x, tf.zeros([3]), "
    "tf.ones([3]), tf.zeros([3]), tf.ones([3]), 1e-3)]",
    "x = tf.placeholder(tf.float32, [2, 4, 4, 3]); r = [tf.nn.fused_batch_norm(x, "
    "tf.ones([3]), tf.zeros([3])), tf.nn.fused_batch_norm(x, tf.ones([3]), tf.zeros([3]), "
    "tf.zeros([3]), tf.ones([3]), is_training=False)]",
    "x = tf.placeholder(tf.float32, [2, 4]); r = tf.nn.fused_batch_norm(x, tf.ones([3]), "
    "tf.zeros([3]))",
    "x = tf.placeholder(tf.float32, [2, 4, 4, 3]); r = tf.nn.fused_batch_norm(x, tf.ones([4]), "
    "tf.zeros([4]))",
    "x = tf.placeholder(tf.float32, [2, 4, 4, 3]); r = tf.nn.fused_batch_norm(x, tf.ones([3]), "
    "tf.zeros([3]), is_training=False)",
    "x = tf.placeholder(tf.float32, [2, 4, 4, 3]); r = [tf.nn.lrn(x), "
    "tf.nn.local_response_normalization(x, 2, 1.0, 1.0, 0.5)]",
    "x = tf.placeholder(tf.float32, [4, 3]); r = [tf.nn.dropout(x, 0.5), tf.nn.dropout(x, "
    "rate=0.5), tf.nn.dropout(x, keep_prob=0.5, noise_shape=[4, 1], seed=1), tf.nn.dropout(x, "
    "1.0), tf.nn.dropout(x, rate=tf.constant(0.3))]",
    "x = tf.placeholder(tf.float32, [4, 3]); r = tf.nn.dropout(x, keep_prob=0.5, rate=0.5)",
    "x = tf.placeholder(tf.float32, [4, 3]); r = [tf.nn.sufficient_statistics(x, [0])[1:3], "
    "tf.nn.normalize_moments(tf.constant(4.0), tf.constant([1.0]), tf.constant([2.0]), None), "
    "tf.nn.weighted_moments(x, [0], tf.ones([4, 1]))]",
    "a = tf.placeholder(tf.float32, [4, 3]); t = tf.placeholder(tf.int32, [4]); r = "
    "[tf.nn.l2_loss(a), tf.nn.zero_fraction(a), tf.nn.top_k(a), tf.nn.top_k(a, 2), "
    "tf.math.top_k(a, 3, sorted=False), tf.nn.in_top_k(a, t, 1), tf.math.in_top_k(a, t, 2)]",
    "a = tf.placeholder(tf.float32, [4, 3]); r = tf.nn.top_k(a, 4)",
    "l = tf.placeholder(tf.float32, [4, 3]); y = tf.placeholder(tf.float32, [4, 3]); r = "
    "[tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=l), "
    "tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=l), "
    "tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=l, dim=0)]",
    "l = tf.placeholder(tf.float32, [4, None]); y = tf.placeholder(tf.int32, [4]); r = "
    "[tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=l)]",
    "l = tf.placeholder(tf.float32, [4, 5, 3]); r = "
    "[tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.placeholder(tf.int32, [4, 5]), "
    "logits=l), tf.nn.softmax_cross_entropy_with_logits_v2(labels=l, logits=l)]",
    "l = tf.placeholder(tf.float32, [4, 3]); r = "
    "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.placeholder(tf.int32, [4, 1]), "
    "logits=l)",
    "l = tf.placeholder(tf.float32, [4, 3]); r = "
    "tf.nn.softmax_cross_entropy_with_logits(logits=l)",
    "l = tf.placeholder(tf.float32, [4, 3]); y = tf.placeholder(tf.float32, [4, 3]); r = "
    "[tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=l), "
    "tf.nn.weighted_cross_entropy_with_logits(labels=y, logits=l, pos_weight=2.0), "
    "tf.nn.log_poisson_loss(y, l), tf.nn.log_poisson_loss(y, l, compute_full_loss=True)]",
    "l = tf.placeholder(tf.float32, [4, 3]); r = "
    "tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.placeholder(tf.float32, [4, 2]), "
    "logits=l)",
    "p = tf.placeholder(tf.float32, [10, 3]); i = tf.placeholder(tf.int32, [4, 2]); r = "
    "[tf.nn.embedding_lookup(p, i), tf.nn.embedding_lookup([p], i), tf.nn.embedding_lookup([p, "
    "p], i), tf.nn.embedding_lookup([p, p], i, partition_strategy='div'), "
    "tf.nn.embedding_lookup(p, i, max_norm=1.0)]",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); w = tf.placeholder(tf.float32, [3, 3, 3, "
    "5]); r = [tf.nn.conv2d(x, w, [1, 1, 1, 1], 'SAME'), tf.nn.conv2d(x, w, strides=2, "
    "padding='VALID'), tf.nn.conv2d(x, w, 1, [[0, 0], [1, 1], [2, 2], [0, 0]]), "
    "tf.nn.conv2d(x, w, 1, 'SAME', dilations=2), tf.nn.conv2d(tf.placeholder(tf.float32, [2, "
    "3, 8, 8]), w, 1, 'VALID', data_format='NCHW')]",
    "x = tf.placeholder(tf.float32, [None, None, None, 3]); w = tf.placeholder(tf.float32, [3, "
    "3, 3, 5]); r = [tf.nn.conv2d(x, w, [1, 2, 2, 1], 'SAME'), tf.nn.conv2d(x, w, [1, 2, 2, "
    "1], 'VALID')]",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); w = tf.placeholder(tf.float32, [3, 3, 4, "
    "5]); r = tf.nn.conv2d(x, w, [1, 1, 1, 1], 'SAME')",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); w = tf.placeholder(tf.float32, [3, 3, 3, "
    "5]); r = tf.nn.conv2d(x, w, [1, 1, 1], 'SAME')",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); w = tf.placeholder(tf.float32, [3, 3, 3, "
    "5]); r = tf.nn.conv2d(x, w, 1, 'FOO')",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); w = tf.placeholder(tf.float32, [3, 3, 3, "
    "5]); r = tf.nn.conv2d(x, w, 1, 'EXPLICIT')",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); w = tf.placeholder(tf.float32, [3, 3, 3, "
    "5]); r = tf.nn.conv2d(x, w, 1, [[0, 0], [1, 1], [0, 0]])",
    "x = tf.placeholder(tf.float32, [2, 2, 2, 3]); w = tf.placeholder(tf.float32, [3, 3, 3, "
    "5]); r = tf.nn.conv2d(x, w, 1, 'VALID')",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); w = tf.placeholder(tf.float32, [3, 3, 5]); "
    "r = tf.nn.conv2d(x, w, 1, 'VALID')",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 6]); w = tf.placeholder(tf.float32, [3, 3, 3, "
    "4]); r = tf.nn.conv2d(x, w, 1, 'VALID')",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); w = tf.placeholder(tf.float32, [3, 3, 3, "
    "5]); r = tf.nn.conv2d(x, w, 1, 'SAME', data_format='NCWH')",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); w = tf.placeholder(tf.float32, [3, 3, 3, "
    "5]); r = tf.nn.conv2d(x, filter=w, filters=w, strides=1, padding='SAME')",
    "x = tf.placeholder(tf.float32, [2, 8, 3]); w = tf.placeholder(tf.float32, [3, 3, 5]); r = "
    "[tf.nn.conv1d(x, w, 1, 'SAME'), tf.nn.conv1d(x, w, stride=2, padding='VALID'), "
    "tf.nn.convolution(x, w, 'SAME'), tf.nn.convolution(x, w, 'VALID', dilation_rate=[2])]",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 8, 3]); w = tf.placeholder(tf.float32, [3, 3, 3, "
    "3, 5]); r = [tf.nn.conv3d(x, w, [1, 1, 1, 1, 1], 'SAME'), tf.nn.conv3d(x, w, [1, 2, 2, 2, "
    "1], 'VALID'), tf.nn.conv3d_transpose(tf.placeholder(tf.float32, [2, 4, 4, 4, 5]), w, [2, "
    "8, 8, 8, 3], [1, 2, 2, 2, 1])]",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); w = tf.placeholder(tf.float32, [3, 3, 3, "
    "2]); r = [tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], 'SAME'), tf.nn.depthwise_conv2d(x, "
    "w, [1, 1, 1, 1], 'SAME', rate=[2, 2]), tf.nn.depthwise_conv2d_native(x, w, [1, 1, 1, 1], "
    "'VALID')]",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); w = tf.placeholder(tf.float32, [3, 3, 3, "
    "2]); p = tf.placeholder(tf.float32, [1, 1, 6, 7]); r = [tf.nn.separable_conv2d(x, w, p, "
    "[1, 1, 1, 1], 'SAME')]",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 5]); w = tf.placeholder(tf.float32, [3, 3, 3, "
    "5]); r = [tf.nn.conv2d_transpose(x, w, [2, 16, 16, 3], [1, 2, 2, 1]), "
    "tf.nn.conv2d_transpose(x, w, [2, 17, 17, 3], [1, 2, 2, 1], 'VALID'), "
    "tf.nn.conv2d_transpose(x, w, tf.placeholder(tf.int32, [4]), [1, 2, 2, 1])]",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); w = tf.placeholder(tf.float32, [3, 3, 3, "
    "5]); r = [tf.nn.atrous_conv2d(x, w, 2, 'SAME'), tf.nn.atrous_conv2d(x, w, 1, 'VALID'), "
    "tf.nn.convolution(x, w, 'SAME'), tf.nn.convolution(x, w, 'VALID', strides=[2, 2]), "
    "tf.nn.convolution(x, w, 'SAME', dilation_rate=[2, 2]), tf.nn.convolution(x, w, 'SAME', "
    "name='cc'), tf.nn.convolution(x, w, 'VALID', dilation_rate=[2, 2])]",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); r = [tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, "
    "2, 1], 'VALID'), tf.nn.avg_pool(x, 2, 2, 'SAME'), tf.nn.max_pool2d(x, 3, 2, 'SAME'), "
    "tf.nn.avg_pool2d(x, 3, 1, 'VALID'), tf.nn.max_pool_v2(x, 2, 2, 'VALID'), "
    "tf.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], 'SAME')]",
    "x = tf.placeholder(tf.float32, [2, 8, 3]); r = [tf.nn.max_pool1d(x, 2, 2, 'VALID'), "
    "tf.nn.avg_pool1d(x, 2, 2, 'SAME'), tf.nn.max_pool_v2(x, 2, 2, 'SAME'), "
    "tf.nn.avg_pool_v2(x, 2, 2, 'SAME')]",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 8, 3]); r = [tf.nn.max_pool3d(x, [1, 2, 2, 2, "
    "1], [1, 2, 2, 2, 1], 'VALID'), tf.nn.avg_pool3d(x, 2, 2, 'SAME')]",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); r = [tf.nn.pool(x, [2, 2], 'MAX', 'SAME'), "
    "tf.nn.pool(x, [2, 2], 'AVG', 'VALID', strides=[2, 2]), tf.nn.pool(x, [2, 2], 'MAX', "
    "'VALID', dilation_rate=[2, 2])]",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); r = tf.nn.pool(x, [2, 2], 'MAX', 'SAME', "
    "dilation_rate=[2, 2])",
    "x = tf.placeholder(tf.float32, [None, None, None, 3]); r = [tf.nn.max_pool(x, [1, 2, 2, "
    "1], [1, 2, 2, 1], 'VALID'), tf.nn.avg_pool(x, 2, 2, 'SAME'), "
    "tf.nn.max_pool(tf.placeholder(tf.float32, [2, 3, 8, 8]), [1, 1, 2, 2], [1, 1, 2, 2], "
    "'VALID', data_format='NCHW')]",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); r = tf.nn.max_pool(x, [1, 9, 9, 1], [1, 1, "
    "1, 1], 'VALID')",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); r = tf.nn.max_pool(x, 0, 2, 'SAME')",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); r = tf.nn.avg_pool(x, 2, 2, [[0, 0], [1, "
    "1], [1, 1], [0, 0]])",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); r = [tf.space_to_batch_nd(x, [2, 2], [[0, "
    "0], [0, 0]]), tf.batch_to_space_nd(tf.placeholder(tf.float32, [8, 4, 4, 3]), [2, 2], [[0, "
    "0], [0, 0]]), tf.required_space_to_batch_paddings([8, 8], [2, 2]), tf.space_to_batch(x, "
    "[[0, 0], [0, 0]], 2), tf.batch_to_space(tf.placeholder(tf.float32, [8, 4, 4, 3]), [[0, "
    "0], [0, 0]], 2), tf.nn.space_to_depth(x, 2), "
    "tf.nn.depth_to_space(tf.placeholder(tf.float32, [2, 4, 4, 8]), 2)]",
    "x = tf.placeholder(tf.float32, [2, 7, 8, 3]); r = tf.space_to_batch_nd(x, [2, 2], [[0, "
    "0], [0, 0]])",
    # variables as inputs, unknown ranks, other dtypes, names inside a scope
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); w = tf.get_variable('w', [3, 3, 3, 4]); b = "
    "tf.get_variable('b', [4]); r = [tf.nn.conv2d(x, w, 1, 'SAME'), "
    "tf.nn.bias_add(tf.nn.conv2d(x, w, 1, 'SAME'), b), tf.nn.l2_loss(w), "
    "tf.nn.embedding_lookup(tf.get_variable('e', [10, 3]), [1, 2]), tf.matmul(tf.reshape(x, "
    "[2, -1]), tf.get_variable('m', [192, 5])), tf.reduce_sum(w), w * 2.0, 2.0 * w, "
    "tf.nn.moments(w, [0, 1, 2]), tf.nn.batch_normalization(x, tf.get_variable('mu', [3]), "
    "tf.get_variable('var', [3]), None, None, 1e-3)]",
    "w = tf.get_variable('w', [10, 4]); b = tf.get_variable('b', [10]); l = "
    "tf.placeholder(tf.int64, [3, 1]); x = tf.placeholder(tf.float32, [3, 4]); r = "
    "[tf.nn.nce_loss(w, b, l, x, 5, 10), tf.nn.sampled_softmax_loss(w, b, l, x, 5, 10)]",
    "w = tf.get_variable('w', [3, 4]); v = tf.get_variable('v', [4]); r = "
    "tf.clip_by_global_norm(tf.gradients(tf.reduce_sum(w * v), [w, v]), 5.0)",
    "x = tf.placeholder(tf.float32); r = [tf.nn.softmax(x), tf.nn.log_softmax(x), "
    "tf.reduce_mean(x), tf.nn.relu(x), tf.nn.l2_normalize(x, 0), tf.argmax(x, 0), "
    "tf.nn.bias_add(x, tf.placeholder(tf.float32, [3])), tf.matmul(x, x)]",
    "x = tf.placeholder(tf.int32, [2, 3]); r = [tf.reduce_mean(x), tf.matmul(x, "
    "tf.transpose(x)), tf.nn.relu(x), tf.abs(x), tf.cumsum(x), tf.argmax(x, 1), tf.nn.top_k(x, "
    "2), tf.square(x), tf.sign(x), tf.round(x), tf.math.reduce_prod(x)]",
    "x = tf.placeholder(tf.float64, [2, 3]); r = [tf.nn.softmax(x), "
    "tf.nn.conv2d(tf.placeholder(tf.float64, [1, 4, 4, 1]), tf.placeholder(tf.float64, [2, 2, "
    "1, 1]), 1, 'SAME'), tf.nn.fused_batch_norm(tf.placeholder(tf.float16, [1, 2, 2, 3]), "
    "tf.ones([3]), tf.zeros([3])), tf.nn.dropout(x, 0.5)]",
    "x = tf.placeholder(tf.float32, [2, 3]); r = tf.nn.dropout(tf.placeholder(tf.int32, [2]), "
    "0.5)",
    "x = tf.placeholder(tf.float32, [2, 3]); r = tf.nn.dropout(x, 1.5)",
    "x = tf.placeholder(tf.float32, [2, 3]); r = tf.nn.softmax(tf.placeholder(tf.int32, [2]))",
    "x = tf.placeholder(tf.float32, [2, 3]); r = tf.nn.relu(tf.placeholder(tf.bool, [2]))",
    "x = tf.placeholder(tf.float32, [2, 3]); r = tf.matmul(tf.placeholder(tf.bool, [2, 2]), "
    "tf.placeholder(tf.bool, [2, 2]))",
    "with tf.name_scope('outer'):\n    x = tf.placeholder(tf.float32, [2, 3]); r = "
    "[tf.nn.relu(x, name='r'), tf.nn.softmax(x, name='sm'), tf.reduce_sum(x, name='s'), "
    "tf.nn.dropout(x, 0.5, name='d'), tf.nn.moments(x, [0], name='m'), tf.clip_by_value(x, 0., "
    "1., name='c'), tf.nn.l2_normalize(x, 1, name='n'), tf.nn.softmax(x, 0, name='sm0'), "
    "tf.cast(x, tf.int32, name='ci'), tf.add_n([x, x], name='an')]",
]

# Snippets whose whole graph (every op name and type) must be TF's.
FULL_GRAPHS = [
    "x = tf.placeholder(tf.float32, [2, 3]); r = [tf.nn.l2_normalize(x, 1), tf.nn.moments(x, "
    "[0]), tf.nn.batch_normalization(x, 0.0, 1.0, 0.1, 2.0, 1e-3), "
    "tf.nn.sufficient_statistics(x, [0])[1:3], tf.nn.normalize_moments(tf.constant(4.0), "
    "tf.constant([1.0]), tf.constant([2.0]), None)]",
    "x = tf.placeholder(tf.float32, [2, 3]); r = [tf.nn.softmax(x, axis=0), "
    "tf.nn.log_softmax(x)]",
    "x = tf.placeholder(tf.float32, [2, 3]); r = "
    "[tf.nn.sigmoid_cross_entropy_with_logits(labels=x, logits=x), "
    "tf.nn.weighted_cross_entropy_with_logits(x, x, 2.0), tf.nn.log_poisson_loss(x, x)]",
    "l = tf.placeholder(tf.float32, [4, 3]); y = tf.placeholder(tf.float32, [4, 3]); r = "
    "[tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=l), "
    "tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=l, axis=0)]",
    "l = tf.placeholder(tf.float32, [4, 5, 3]); r = "
    "[tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.placeholder(tf.int32, [4, 5]), "
    "logits=l), tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.placeholder(tf.int32, "
    "[4]), logits=l[0])]",
    "x = tf.placeholder(tf.float32, [4, 3]); r = [tf.nn.dropout(x, 0.5), tf.nn.dropout(x, "
    "rate=tf.constant(0.3)), tf.nn.dropout(x, 0.5, noise_shape=[4, 1], seed=1)]",
    "x = tf.placeholder(tf.float32, [2, 3]); r = [tf.nn.crelu(x), tf.nn.swish(x), "
    "tf.nn.xw_plus_b(x, tf.placeholder(tf.float32, [3, 4]), tf.placeholder(tf.float32, [4])), "
    "tf.nn.relu_layer(x, tf.placeholder(tf.float32, [3, 4]), tf.placeholder(tf.float32, [4])), "
    "tf.nn.leaky_relu(x), tf.nn.relu6(x)]",
    "x = tf.placeholder(tf.float32, [2, 8, 3]); w = tf.placeholder(tf.float32, [3, 3, 5]); r = "
    "[tf.nn.conv1d(x, w, 1, 'SAME'), tf.nn.convolution(x, w, 'SAME'), tf.nn.max_pool1d(x, 2, "
    "2, 'VALID'), tf.nn.avg_pool1d(x, 2, 2, 'SAME')]",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); w = tf.placeholder(tf.float32, [3, 3, 3, "
    "5]); r = [tf.nn.conv2d_transpose(tf.placeholder(tf.float32, [2, 8, 8, 5]), w, [2, 16, 16, "
    "3], [1, 2, 2, 1]), tf.nn.atrous_conv2d(x, w, 1, 'VALID'), tf.nn.convolution(x, w, "
    "'VALID', dilation_rate=[2, 2]), tf.nn.convolution(x, w, 'SAME', dilation_rate=[2, 2])]",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); w = tf.placeholder(tf.float32, [3, 3, 3, "
    "2]); p = tf.placeholder(tf.float32, [1, 1, 6, 7]); r = [tf.nn.depthwise_conv2d(x, w, [1, "
    "1, 1, 1], 'SAME'), tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], 'SAME', rate=[2, 2]), "
    "tf.nn.separable_conv2d(x, w, p, [1, 1, 1, 1], 'SAME')]",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); r = [tf.nn.pool(x, [2, 2], 'MAX', 'SAME'), "
    "tf.nn.pool(x, [2, 2], 'MAX', 'VALID', dilation_rate=[2, 2])]",
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); r = [tf.space_to_batch_nd(x, [2, 2], [[0, "
    "0], [0, 0]]), tf.required_space_to_batch_paddings([8, 8], [2, 2])]",
    "p = tf.placeholder(tf.float32, [10, 3]); i = tf.placeholder(tf.int32, [4, 2]); r = "
    "[tf.nn.embedding_lookup(p, i), tf.nn.embedding_lookup(p, i, max_norm=1.0)]",
    # depthwise and 3-D backprops
    "x = tf.placeholder(tf.float32, [2, 8, 8, 3]); w = tf.placeholder(tf.float32, [3, 3, 3, "
    "2]); r = [tf.nn.depthwise_conv2d_backprop_input([2, 8, 8, 3], w, "
    "tf.placeholder(tf.float32, [2, 8, 8, 6]), [1, 1, 1, 1], 'SAME'), "
    "tf.nn.depthwise_conv2d_backprop_filter(x, [3, 3, 3, 2], tf.placeholder(tf.float32, [2, 8, "
    "8, 6]), [1, 1, 1, 1], 'SAME'), tf.nn.depthwise_conv2d_native_backprop_input([2, 8, 8, 3], "
    "w, tf.placeholder(tf.float32, [2, 8, 8, 6]), [1, 1, 1, 1], 'SAME'), "
    "tf.nn.conv3d_backprop_filter_v2(tf.placeholder(tf.float32, [2, 4, 4, 4, 3]), [2, 2, 2, 3, "
    "5], tf.placeholder(tf.float32, [2, 4, 4, 4, 5]), [1, 1, 1, 1, 1], 'SAME')]",
]

# Session values on random inputs (`fetch` with `feed`).
VALUES = [
    "rs = np.random.RandomState(5); a = rs.randn(4, 6).astype(np.float32)\nx = "
    "tf.placeholder(tf.float32, [4, 6])\nfetch = [tf.nn.relu(x), tf.nn.relu6(x * 4), "
    "tf.nn.elu(x), tf.nn.selu(x), tf.nn.leaky_relu(x), tf.nn.leaky_relu(x, 0.1), "
    "tf.nn.crelu(x), tf.nn.softplus(x), tf.nn.softsign(x), tf.nn.swish(x), tf.nn.softmax(x), "
    "tf.nn.log_softmax(x), tf.nn.softmax(x, axis=0), tf.nn.log_softmax(x, 0), "
    "tf.nn.bias_add(x, tf.range(6.0)), tf.nn.l2_normalize(x, 1), tf.nn.l2_normalize(x), "
    "tf.nn.moments(x, [0]), tf.nn.moments(x, [0, 1], keep_dims=True), "
    "tf.nn.batch_normalization(x, 0.5, 2.0, 0.1, 3.0, 1e-3), tf.nn.sufficient_statistics(x, "
    "[0], shift=0.5)[1:3], tf.nn.normalize_moments(4.0, tf.constant([1.0]), "
    "tf.constant([2.0]), 0.5), tf.nn.weighted_moments(x, [0], tf.constant([[1.0], [2.0], "
    "[3.0], [4.0]])), tf.nn.l2_loss(x), tf.nn.xw_plus_b(x, tf.ones([6, 2]), [1.0, 2.0]), "
    "tf.nn.relu_layer(x, tf.ones([6, 2]), [1.0, -20.0])]\nfeed = {x: a}",
    "rs = np.random.RandomState(7); l = rs.randn(4, 5).astype(np.float32); y = rs.rand(4, "
    "5).astype(np.float32); y = y / y.sum(1, keepdims=True); s = np.array([0, 3, 4, 1], "
    "np.int32)\nx = tf.placeholder(tf.float32, [4, 5]); t = tf.placeholder(tf.float32, [4, "
    "5])\nfetch = [tf.nn.softmax_cross_entropy_with_logits(labels=t, logits=x), "
    "tf.nn.softmax_cross_entropy_with_logits_v2(labels=t, logits=x), "
    "tf.nn.softmax_cross_entropy_with_logits_v2(labels=t, logits=x, axis=0), "
    "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=s, logits=x), "
    "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[[0, 1], [2, 3]], "
    "logits=tf.reshape(x[:, :4], [2, 2, 4])), "
    "tf.nn.sigmoid_cross_entropy_with_logits(labels=t, logits=x), "
    "tf.nn.weighted_cross_entropy_with_logits(labels=t, logits=x, pos_weight=2.5), "
    "tf.nn.log_poisson_loss(t, x), tf.nn.log_poisson_loss(t * 3, x, compute_full_loss=True)]\n"
    "feed = {x: l, t: y}",
    "rs = np.random.RandomState(9); a = rs.randn(2, 7, 8, 3).astype(np.float32); k = "
    "rs.randn(3, 3, 3, 4).astype(np.float32); dk = rs.randn(3, 3, 3, 2).astype(np.float32); pk "
    "= rs.randn(1, 1, 6, 5).astype(np.float32)\nx = tf.placeholder(tf.float32, [2, 7, 8, 3]); "
    "w = tf.placeholder(tf.float32, [3, 3, 3, 4]); dw = tf.placeholder(tf.float32, [3, 3, 3, "
    "2]); pw = tf.placeholder(tf.float32, [1, 1, 6, 5])\nfetch = [tf.nn.conv2d(x, w, 1, "
    "'SAME'), tf.nn.conv2d(x, w, 2, 'VALID'), tf.nn.conv2d(x, w, [1, 2, 3, 1], 'SAME'), "
    "tf.nn.conv2d(x, w, 1, [[0, 0], [1, 2], [0, 1], [0, 0]]), tf.nn.conv2d(x, w, 1, 'SAME', "
    "dilations=2), tf.nn.depthwise_conv2d(x, dw, [1, 1, 1, 1], 'SAME'), "
    "tf.nn.depthwise_conv2d(x, dw, [1, 2, 2, 1], 'VALID'), tf.nn.depthwise_conv2d(x, dw, [1, "
    "1, 1, 1], 'SAME', rate=[2, 2]), tf.nn.separable_conv2d(x, dw, pw, [1, 1, 1, 1], 'SAME'), "
    "tf.nn.atrous_conv2d(x, w, 2, 'SAME'), tf.nn.atrous_conv2d(x, w, 2, 'VALID'), "
    "tf.nn.convolution(x, w, 'SAME', dilation_rate=[2, 1]), tf.nn.convolution(x, w, 'VALID', "
    "strides=[2, 1])]\nfeed = {x: a, w: k, dw: dk, pw: pk}",
    "rs = np.random.RandomState(10); a = rs.randn(2, 4, 4, 5).astype(np.float32); k = "
    "rs.randn(3, 3, 3, 5).astype(np.float32); b = rs.randn(2, 9, 4).astype(np.float32); k1 = "
    "rs.randn(3, 4, 6).astype(np.float32)\nx = tf.placeholder(tf.float32, [2, 4, 4, 5]); w = "
    "tf.placeholder(tf.float32, [3, 3, 3, 5]); y = tf.placeholder(tf.float32, [2, 9, 4]); w1 = "
    "tf.placeholder(tf.float32, [3, 4, 6])\nfetch = [tf.nn.conv2d_transpose(x, w, [2, 8, 8, "
    "3], [1, 2, 2, 1]), tf.nn.conv2d_transpose(x, w, [2, 9, 9, 3], [1, 2, 2, 1], 'VALID'), "
    "tf.nn.conv2d_backprop_input([2, 8, 8, 3], w, x, [1, 2, 2, 1], 'SAME'), "
    "tf.nn.conv2d_backprop_filter(tf.ones([2, 8, 8, 3]), [3, 3, 3, 5], x, [1, 2, 2, 1], "
    "'SAME'), tf.nn.conv1d(y, w1, 1, 'SAME'), tf.nn.conv1d(y, w1, 2, 'VALID'), "
    "tf.nn.convolution(y, w1, 'VALID', dilation_rate=[2]), tf.nn.conv1d_transpose(tf.ones([2, "
    "9, 6]), w1, [2, 9, 4], 1)]\nfeed = {x: a, w: k, y: b, w1: k1}",
    "rs = np.random.RandomState(11); a = rs.randn(2, 7, 8, 3).astype(np.float32); c = "
    "rs.randn(2, 4, 5, 6, 3).astype(np.float32); k3 = rs.randn(2, 2, 2, 3, "
    "4).astype(np.float32)\nx = tf.placeholder(tf.float32, [2, 7, 8, 3]); v = "
    "tf.placeholder(tf.float32, [2, 4, 5, 6, 3]); w3 = tf.placeholder(tf.float32, [2, 2, 2, 3, "
    "4])\nfetch = [tf.nn.max_pool(x, 2, 2, 'VALID'), tf.nn.max_pool(x, 3, 2, 'SAME'), "
    "tf.nn.avg_pool(x, 2, 2, 'VALID'), tf.nn.avg_pool(x, 3, 2, 'SAME'), tf.nn.max_pool(x, 2, "
    "1, [[0, 0], [1, 1], [0, 1], [0, 0]]), tf.nn.max_pool(x[:, :6], 2, 2, 'VALID'), "
    "tf.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], 'SAME'), "
    "tf.nn.max_pool_with_argmax(x, [1, 3, 3, 1], [1, 1, 1, 1], 'VALID', "
    "include_batch_in_index=True), tf.nn.max_pool1d(x[:, 0], 2, 2, 'SAME'), "
    "tf.nn.avg_pool1d(x[:, 0], 3, 1, 'VALID'), tf.nn.max_pool3d(v, 2, 2, 'SAME'), "
    "tf.nn.avg_pool3d(v, 2, 1, 'VALID'), tf.nn.pool(x, [2, 2], 'MAX', 'VALID', "
    "dilation_rate=[2, 2]), tf.nn.pool(x, [2, 2], 'AVG', 'SAME'), tf.nn.conv3d(v, w3, [1, 1, "
    "1, 1, 1], 'SAME'), tf.nn.conv3d(v, w3, [1, 2, 1, 2, 1], 'VALID'), "
    "tf.nn.conv3d_transpose(tf.ones([2, 2, 3, 3, 4]), w3, [2, 4, 5, 6, 3], [1, 2, 2, 2, 1]), "
    "tf.space_to_batch_nd(x[:, :6], [2, 2], [[0, 0], [0, 0]]), "
    "tf.batch_to_space_nd(tf.concat([x, x], 0)[:, :6], [2, 2], [[0, 1], [1, 0]]), "
    "tf.nn.space_to_depth(x[:, :6], 2), tf.nn.depth_to_space(tf.tile(x, [1, 1, 1, 4]), 2)]\n"
    "feed = {x: a, v: c, w3: k3}",
]

VALUES_MORE = [
    "rs = np.random.RandomState(6); a = rs.randn(2, 5, 5, 3).astype(np.float32)\nx = "
    "tf.placeholder(tf.float32, [2, 5, 5, 3]); sc = tf.placeholder(tf.float32, [3]); of = "
    "tf.placeholder(tf.float32, [3]); mu = tf.placeholder(tf.float32, [3]); va = "
    "tf.placeholder(tf.float32, [3])\nfetch = list(tf.nn.fused_batch_norm(x, sc, of)) + "
    "list(tf.nn.fused_batch_norm(x, sc, of, mu, va, is_training=False)) + "
    "list(tf.nn.fused_batch_norm(x, sc, of, mu, va, exponential_avg_factor=0.3)) + "
    "list(tf.nn.fused_batch_norm(tf.transpose(x, [0, 3, 1, 2]), sc, of, data_format='NCHW')) + "
    "[tf.nn.lrn(x, 2, 1.0, 0.5, 0.75), tf.nn.local_response_normalization(x)]\nfeed = {x: a, "
    "sc: [1.0, 2.0, 3.0], of: [0.1, 0.2, 0.3], mu: [0.5, 0.5, 0.5], va: [2.0, 2.0, 2.0]}",
    "rs = np.random.RandomState(8); p = rs.randn(9, 3).astype(np.float32); q = rs.randn(8, "
    "3).astype(np.float32)\na = tf.placeholder(tf.float32, [9, 3]); b = "
    "tf.placeholder(tf.float32, [8, 3]); ids = tf.constant([[0, 9], [4, 16], [3, 3]])\nfetch "
    "= [tf.nn.embedding_lookup(a, [[0, 8], [4, 1]]), tf.nn.embedding_lookup([a, b], ids), "
    "tf.nn.embedding_lookup([a, b], ids, partition_strategy='div'), tf.nn.embedding_lookup(a, "
    "[0, 1, 8], max_norm=1.0), tf.nn.embedding_lookup([a, b], ids, max_norm=0.5)]\nfeed = {a: "
    "p, b: q}",
    # depthwise backprops, matrix_rank
    "rs = np.random.RandomState(14); a = rs.randn(2, 6, 6, 3).astype(np.float32); k = "
    "rs.randn(3, 3, 3, 2).astype(np.float32); g = rs.randn(2, 6, 6, 6).astype(np.float32); c = "
    "rs.randn(4, 4).astype(np.float32)\nx = tf.placeholder(tf.float32, [2, 6, 6, 3]); w = "
    "tf.placeholder(tf.float32, [3, 3, 3, 2]); o = tf.placeholder(tf.float32, [2, 6, 6, 6]); z "
    "= tf.placeholder(tf.float32, [4, 4])\nfetch = [tf.nn.depthwise_conv2d_backprop_input([2, "
    "6, 6, 3], w, o, [1, 1, 1, 1], 'SAME'), tf.nn.depthwise_conv2d_backprop_filter(x, [3, 3, "
    "3, 2], o, [1, 1, 1, 1], 'SAME'), tf.linalg.matrix_rank(z), "
    "tf.linalg.matrix_rank(tf.matmul(z[:, :2], z[:2]))]\nfeed = {x: a, w: k, o: g, z: c}",
]

# Gradients through tf.gradients against TF's registered ones.
GRAD_NN = [
    "rs = np.random.RandomState(12); a = rs.randn(3, 4).astype(np.float32); a[0, 0] = 0.0; b = "
    "rs.rand(3, 4).astype(np.float32)\nx = tf.placeholder(tf.float32, [3, 4]); y = "
    "tf.placeholder(tf.float32, [3, 4])\nfs = [tf.nn.relu(x), tf.nn.relu6(x * 4), "
    "tf.nn.elu(x), tf.nn.selu(x), tf.nn.leaky_relu(x), tf.nn.softplus(x), tf.nn.softsign(x), "
    "tf.nn.swish(x), tf.nn.softmax(x), tf.nn.log_softmax(x, axis=0), tf.nn.l2_normalize(x, 1), "
    "tf.nn.moments(x, [0])[1], tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=x), "
    "tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=x), "
    "tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=x), "
    "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 2, 3], logits=x), "
    "tf.nn.batch_normalization(x, 0.5, 2.0, y, 3.0, 1e-3), tf.nn.embedding_lookup([x, y], [0, "
    "3, 5])]\nfetch = [[tf.convert_to_tensor(g) if g is not None else tf.constant(-1.0) for g in "
    "tf.gradients(tf.reduce_sum(f * f), [x, y])] for f in fs]\nfeed = {x: a, y: b}",
    "rs = np.random.RandomState(13); a = rs.randn(2, 6, 6, 3).astype(np.float32); k = "
    "rs.randn(3, 3, 3, 4).astype(np.float32)\nx = tf.placeholder(tf.float32, [2, 6, 6, 3]); w "
    "= tf.placeholder(tf.float32, [3, 3, 3, 4])\nfs = [tf.nn.conv2d(x, w, 1, 'SAME'), "
    "tf.nn.conv2d(x, w, 2, 'VALID'), tf.nn.max_pool(x, 2, 2, 'VALID'), tf.nn.max_pool(x, 3, 2, "
    "'SAME'), tf.nn.avg_pool(x, 3, 2, 'SAME'), tf.nn.fused_batch_norm(x, tf.ones([3]), "
    "tf.zeros([3]))[0], tf.nn.atrous_conv2d(x, w, 2, 'SAME'), "
    "tf.nn.conv2d_transpose(tf.nn.conv2d(x, w, 2, 'SAME'), w, [2, 6, 6, 3], 2)]\nfetch = "
    "[tf.gradients(tf.reduce_sum(f * f), [x, w]) for f in fs]\nfetch = [[g if g is not None "
    "else tf.constant(-1.0) for g in gs] for gs in fetch]\nfeed = {x: a, w: k}",
]


@pytest.mark.oracle
def test_graphs_match_tf(oracle):
    check_outputs(oracle, GRAPHS)


@pytest.mark.oracle
def test_composite_graphs_match_tf_op_by_op(oracle):
    check_all_ops(oracle, FULL_GRAPHS)


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES + VALUES_MORE,
                         ids=["activations", "losses", "conv2d", "conv_transpose",
                              "pool_conv3d_space", "fused_batch_norm", "embedding",
                              "depthwise_backprop"])
def test_values_match_tf(oracle, code):
    check_values(oracle, code, rtol=1e-5, atol=1e-4)


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAD_NN, ids=["activations_losses", "conv_pool"])
def test_gradients_match_tf(oracle, code):
    check_values(oracle, code, rtol=1e-4, atol=1e-3)


# ---- properties without the oracle ----------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(1, 4), st.integers(1, 4), st.integers(1, 3),
       st.integers(1, 3), st.integers(0, 2))
def test_tiled_max_pool_equals_window_max(n, h, w, k, c, rest):
    """The reshape path for non-overlapping windows gives reduce_window's values, also where
    `rest` rows and columns are left over that no VALID window reaches."""
    import jax

    from scopeflow.ops.nn_pool import max_pool_kernel
    rs = np.random.RandomState(n * 100 + h * 10 + w)
    rest = rest % k
    x = jnp.asarray(rs.randn(n, h * k + rest, w * k + rest, c).astype(np.float32))
    ksize = (1, k, k, 1)
    got = max_pool_kernel(x, ksize, ksize, "VALID")
    ref = jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, ksize, ksize, "VALID")
    np.testing.assert_array_equal(np.asarray(got), np.asarray(ref))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 9), st.integers(1, 4), st.integers(1, 3), st.integers(1, 2),
       st.sampled_from(["SAME", "VALID"]))
def test_conv_shape_rule_matches_the_kernel(size, k, stride, dilation, padding):
    """The static output size TF's rule gives is the size the XLA kernel produces."""
    import scopeflow.compat.v1 as tf
    from scopeflow.ops.nn_conv import conv_nd
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [1, size, size, 2])
    w = tf.placeholder(tf.float32, [k, k, 2, 3])
    try:
        y = tf.nn.conv2d(x, w, stride, padding, dilations=dilation)
    except ValueError as e:
        assert "Negative dimension size" in str(e)
        assert padding == "VALID" and (k - 1) * dilation + 1 > size
        return
    out = conv_nd(jnp.zeros((1, size, size, 2)), jnp.zeros((k, k, 2, 3)),
                  [1, stride, stride, 1], padding, (), "NHWC", [1, dilation, dilation, 1])
    assert y.shape.as_list() == list(out.shape)


def test_sparse_labels_out_of_range_fail_at_run_time():
    pytest.importorskip("scopeflow.session")
    import scopeflow.compat.v1 as tf
    tf.reset_default_graph()
    logits = tf.zeros([2, 3])
    labels = tf.placeholder(tf.int32, [2])
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    with tf.Session() as s:
        assert s.run(loss, {labels: [0, 2]}).shape == (2,)
        with pytest.raises(tf.errors.InvalidArgumentError, match="outside the valid range"):
            s.run(loss, {labels: [0, 3]})


_CERTAIN_XENT = """
l = tf.constant([[100., 0., 0.], [0., 0., 0.], [0., 50., -50.]])
y = tf.constant([[1., 0., 0.], [0., 1., 0.], [0., 1., 0.]])
fetch = [tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=l),
         tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 1, 1], logits=l),
         tf.losses.softmax_cross_entropy(y, l), tf.losses.sparse_softmax_cross_entropy([0, 1, 1], l)]
with tf.Session() as s:
    out = s.run(fetch)
result = [[np.signbit(v).tolist() for v in out], [np.asarray(v).tolist() for v in out]]
"""


@pytest.mark.oracle
def test_certain_prediction_gives_positive_zero_loss(oracle):
    # A loss of exactly zero is +0 in TF (printed "0.0000"), not -0 ("-0.0000").
    from oracle import run_here
    here = run_here("import numpy as np\n" + _CERTAIN_XENT)
    assert here == oracle("import numpy as np\n" + _CERTAIN_XENT)
    assert not any(any(np.ravel(s)) for s in here["ok"][0][:2])


@pytest.mark.oracle
def test_dropout_with_rate_zero_takes_an_op_seed_as_tf(oracle):
    # char-rnn's `tf.nn.dropout(inputs, 1.0)`: TF returns the input but draws the op seed, so
    # every later graph-seeded random op (the LSTM kernels) gets the next one
    code = ("tf.set_random_seed(3); x = tf.ones([2]); a = tf.nn.dropout(x, 1.0)\n"
            "b = tf.nn.dropout(x, rate=0.0); c = tf.nn.dropout(x, rate=0, seed=5)\n"
            "u = tf.random_uniform([3])\n"
            "with tf.Session() as s: result = [a is x, b is x, c is x, u.op.get_attr('seed2'),"
            " s.run(u).round(6).tolist()]")
    from oracle import run_here
    here, there = run_here(code), oracle(code)
    assert here == there
    assert there["ok"][:4] == [True, True, True, 2]


BITS = """
rs = np.random.RandomState(5)
p = tf.placeholder(tf.float32, [None, None])
x = (rs.randn(50, 37) * 3).astype(np.float32)
m, v = tf.nn.moments(p, [0])
ys = [tf.nn.elu(p), tf.nn.selu(p), tf.nn.l2_loss(p), tf.nn.l2_loss(p[:3, :2]), m, v,
      tf.nn.batch_normalization(p, m, v, 0.1, 1.2, 1e-3),
      tf.gradients(tf.reduce_sum(tf.nn.elu(p) * p), p)[0]]
with tf.Session() as s:
    result = [np.asarray(o).view(np.uint32).ravel().tolist() for o in s.run(ys, {p: x})]
"""


@pytest.mark.oracle
def test_elu_selu_l2_loss_and_moments_are_tfs_bits(pool_oracle):
    """Elu and Selu as TF's kernels compute them (exp(x) - 1, not expm1), L2Loss's squares
    summed in Eigen's order, moments' variance from squared differences rounded before the
    column mean: bit for bit."""
    from tests.oracle import bit_mismatches, run_here
    there, here = pool_oracle(BITS), run_here(BITS)
    assert "ok" in there and "ok" in here, (there, here)
    names = ["elu", "selu", "l2_loss", "small l2_loss", "mean", "variance", "batch norm",
             "elu grad"]
    for name, want, got in zip(names, there["ok"], here["ok"]):
        assert bit_mismatches(np.uint32(got), np.uint32(want)).size == 0, name


@pytest.mark.oracle
@pytest.mark.parametrize("code, values", [
    ("p = tf.placeholder(tf.float32, None); out = tf.nn.softmax(p)", [1.0, [], [[]], [1.0, 2.0]]),
    ("p = tf.placeholder(tf.float32, None); out = tf.nn.log_softmax(p)", [2.0, [[], []]]),
    ("p = tf.placeholder(tf.float32, None); out = tf.nn.bias_add(tf.ones([2, 3]), p)",
     [[1.0, 2.0], [[1.0, 2.0, 3.0]], [1.0, 2.0, 3.0]]),
    ("p = tf.placeholder(tf.float32, None); out = tf.nn.bias_add(p, [1.0, 2.0])",
     [1.0, [1.0, 2.0], [[1.0, 2.0, 3.0]]]),
    ("p = tf.placeholder(tf.float32, None); "
     "out = tf.nn.bias_add(p, [1.0, 2.0], data_format='NCHW')",
     [[[[1.0, 2.0]]], [[[1.0]], [[2.0]]]]),
])
def test_fed_shapes_fail_as_tf(oracle, code, values):
    # TF's words, not JAX's ("Incompatible shapes", "tuple index out of range"); empty logits
    # give empty probabilities (NumPy's reduction of nothing failed)
    fed_cases_match(oracle, code, values)
