"""Graph building with bad arguments through the public API: TF's error classes and
messages (values and names where TF accepts them), one case per common mistake."""

import pytest

from tests.oracle import ATTEMPT, snippet_matches

SETUP = ATTEMPT + '''
def shown(r):
    return getattr(r, "name", str(r))
'''
CASES = [
    'result = attempt(lambda: tf.matmul(tf.ones([2, 3]), tf.ones([2, 3])))',
    'result = attempt(lambda: tf.reshape(tf.ones([2, 3]), [4, 2]))',
    'result = attempt(lambda: tf.concat([tf.ones([2, 3]), tf.ones([3, 2])], 0))',
    'result = attempt(lambda: tf.nn.conv2d(tf.ones([1, 4, 4, 3]), tf.ones([2,'
     " 2, 2, 4]), [1, 1, 1, 1], 'SAME'))",
    'result = attempt(lambda: tf.nn.conv2d(tf.ones([1, 4, 4, 3]), tf.ones([2,'
     " 2, 3, 4]), [1, 1, 1, 1], 'FOO'))",
    'result = attempt(lambda: tf.nn.max_pool(tf.ones([1, 4, 4, 3]), [1, 5, 5,'
     " 1], [1, 1, 1, 1], 'VALID'))",
    'result = attempt(lambda: tf.add(tf.ones([2]), tf.ones([3])))',
    'result = attempt(lambda: tf.add(tf.ones([2]), tf.ones([2], tf.int32)))',
    "result = attempt(lambda: tf.get_variable('v', [2]) and tf.get_variable('v', [2]))",
    "tf.get_variable('v', [2])\n"
     "with tf.variable_scope('', reuse=True): result = attempt(lambda:"
     " tf.get_variable('v', [3]))",
    "with tf.variable_scope('s', reuse=True): result = attempt(lambda:"
     " tf.get_variable('nope', [3]))",
    "result = attempt(lambda: tf.get_variable('v'))",
    "result = attempt(lambda: tf.get_variable('v',"
     ' initializer=tf.constant([1.0, 2.0]), shape=[3]))',
    "result = attempt(lambda: tf.Variable(1.0, name='a/b:0'))",
    'result = attempt(lambda: tf.constant([1, 2], shape=[3]))',
    'result = attempt(lambda: tf.constant([[1], [1, 2]]))',
    "result = attempt(lambda: tf.constant('a', dtype=tf.float32))",
    "result = attempt(lambda: tf.cast(tf.constant('a'), tf.float32))",
    'result = attempt(lambda: tf.reduce_sum(tf.ones([2, 2]), axis=2))',
    'result = attempt(lambda: tf.transpose(tf.ones([2, 2]), [0, 2]))',
    'result = attempt(lambda: tf.gather(tf.ones([2, 2]), [[0]], axis=2))',
    'result = attempt(lambda: tf.split(tf.ones([5]), 2))',
    'result = attempt(lambda: tf.stack([tf.ones([2]), tf.ones([3])]))',
    'result = attempt(lambda: tf.squeeze(tf.ones([2, 2]), [0]))',
    'result = attempt(lambda: tf.tile(tf.ones([2]), [2, 2]))',
    'result = attempt(lambda: tf.one_hot([1.0], 3))',
    'result = attempt(lambda:'
     ' tf.nn.softmax_cross_entropy_with_logits(labels=tf.ones([2, 3]),'
     ' logits=tf.ones([2, 4])))',
    'result = attempt(lambda:'
     ' tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.ones([2]),'
     ' logits=tf.ones([2, 4])))',
    'result = attempt(lambda:'
     ' tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.ones([2, 1],'
     ' tf.int32), logits=tf.ones([2, 4])))',
    'result = attempt(lambda: tf.layers.dense(tf.placeholder(tf.float32, [None, None]), 3))',
    'result = attempt(lambda: tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(3),'
     ' tf.ones([2, 3])))',
    'result = attempt(lambda: tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(3),'
     ' tf.ones([2, 4, 3])))',
    'result = attempt(lambda: tf.cond(tf.constant(True), lambda: tf.ones([2]),'
     ' lambda: tf.ones([2], tf.int32)))',
    'result = attempt(lambda: tf.cond(tf.constant([True, False]), lambda: 1.0,'
     ' lambda: 2.0))',
    'result = attempt(lambda: tf.while_loop(lambda i: i < 3, lambda i:'
     ' tf.ones([2]) * tf.cast(i, tf.float32), [tf.constant(0.0)]))',
    'result = attempt(lambda: tf.while_loop(lambda i: i < 3, lambda i: (i + 1, i), [0]))',
    'x = tf.ones([2])\n'
     'result = attempt(lambda: tf.gradients(x, [tf.ones([2])]))',
    'result = attempt(lambda:'
     ' tf.train.GradientDescentOptimizer(0.1).minimize(tf.constant(1.0)))',
    'v = tf.Variable(1.0)\n'
     'result = attempt(lambda:'
     ' tf.train.AdamOptimizer(0.1).minimize(tf.constant(1.0), var_list=[v]))',
    "v = tf.Variable(1, name='iv')\n"
     'result = attempt(lambda: tf.train.AdamOptimizer(0.1).minimize(tf.cast(v,'
     ' tf.float32) * 2.0))',
    'result = attempt(lambda: tf.placeholder(tf.float32, [2])[3])',
    'result = attempt(lambda: tf.assign(tf.Variable([1.0, 2.0]), [1.0, 2.0, 3.0]))',
    "result = attempt(lambda: tf.summary.scalar('s', tf.ones([2])))",
    "result = attempt(lambda: tf.summary.image('im', tf.ones([2, 2])))",
    'result = attempt(lambda: tf.train.Saver([]))',
    "result = attempt(lambda: tf.train.Saver({'a': tf.constant(1.0)}))",
    "result = attempt(lambda: tf.name_scope('a b').__enter__())",
    'result = attempt(lambda: tf.variable_scope(3).__enter__())',
    'result = attempt(lambda: tf.nn.embedding_lookup(tf.ones([3, 2]), [[0.5]]))',
    'result = attempt(lambda: tf.losses.mean_squared_error(tf.ones([2, 3]),'
     ' tf.ones([3, 2])))',
    'result = attempt(lambda: tf.metrics.accuracy(tf.ones([2]), tf.ones([3])))',
    'result = attempt(lambda: tf.data.Dataset.from_tensor_slices((tf.ones([2]),'
     ' tf.ones([3]))))',
    'result = attempt(lambda: tf.data.Dataset.range(5).batch(0))',
    'result = attempt(lambda: tf.random_uniform([2], minval=2, maxval=1, dtype=tf.int32))',
    'result = attempt(lambda: tf.random_normal([-1]))',
    'result = attempt(lambda: tf.image.resize_images(tf.ones([4, 4]), [2, 2]))',
    'result = attempt(lambda: tf.nn.dropout(tf.ones([2]), keep_prob=1.5))',
    'result = attempt(lambda: tf.nn.dropout(tf.ones([2]), rate=1.0))',
    'result = attempt(lambda: tf.layers.batch_normalization(tf.ones([2, 3]), axis=2))',
    'result = attempt(lambda: tf.layers.max_pooling2d(tf.ones([1, 4, 4, 1]), 2,'
     " 2, padding='bad'))",
]


@pytest.mark.parametrize("code", CASES)
def test_bad_arguments_fail_as_tf(oracle, code):
    snippet_matches(oracle, SETUP + code)
