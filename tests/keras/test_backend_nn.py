"""More tf.keras.backend functions against real TF + tf_keras: conv2d_transpose (strided,
channels first, dilated), depthwise / separable convolutions, pool2d / pool3d, local_conv1d /
local_conv2d, batch_normalization and normalize_batch_in_training (fused and broadcast), the
time loop rnn (masked, backwards, unrolled, with constants, time major), eye, the seeded random
variables and bernoulli draws, is_sparse / to_dense, and their argument errors."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PROGRAM = ORACLE_HELPERS + """import numpy as np
K = tf.keras.backend
rng = np.random.RandomState(5)
def c(*shape):
    return tf.constant(rng.uniform(-1, 1, shape).astype('float32'))
x = c(2, 6, 6, 3); xf = tf.transpose(x, (0, 3, 1, 2))
outs = [K.conv2d_transpose(c(2, 3, 3, 4), c(3, 3, 5, 4), (2, 6, 6, 5), strides=(2, 2), padding='same'),
        K.conv2d_transpose(c(2, 4, 3, 3), c(2, 2, 5, 4), (2, 5, 4, 4), padding='valid', data_format='channels_first'),
        K.conv2d_transpose(c(2, 3, 3, 4), c(3, 3, 5, 4), (2, 7, 7, 5), dilation_rate=(2, 2)),
        K.depthwise_conv2d(x, c(3, 3, 3, 2)), K.depthwise_conv2d(xf, c(2, 2, 3, 1), strides=(2, 2), padding='same', data_format='channels_first'),
        K.depthwise_conv2d(x, c(2, 2, 3, 1), dilation_rate=(2, 2)),
        K.separable_conv2d(x, c(3, 3, 3, 2), c(1, 1, 6, 4), padding='same'), K.separable_conv2d(xf, c(2, 2, 3, 1), c(1, 1, 3, 2), strides=(2, 2), data_format='channels_first'),
        K.pool2d(x, (2, 2), strides=(2, 2)), K.pool2d(xf, (3, 3), padding='same', pool_mode='avg', data_format='channels_first'),
        K.pool3d(c(1, 4, 4, 4, 2), (2, 2, 2), strides=(2, 2, 2), pool_mode='avg'), K.pool3d(c(1, 2, 4, 4, 4), (2, 2, 2), padding='same', data_format='channels_first'),
        K.local_conv1d(c(2, 5, 3), c(2, 6, 4), (2,), (2,)), K.local_conv2d(c(2, 4, 4, 3), c(4, 12, 2), (2, 2), (2, 2), (2, 2)),
        K.local_conv2d(c(2, 3, 4, 4), c(4, 12, 2), (2, 2), (2, 2), (2, 2), data_format='channels_first'),
        K.batch_normalization(x, c(3), tf.abs(c(3)), c(3), c(3)), K.batch_normalization(c(4, 3), c(3), tf.abs(c(3)), c(3), c(3), epsilon=0.01),
        K.batch_normalization(x, c(1, 1, 1, 3), tf.abs(c(1, 1, 1, 3)), None, None)]
nb = [K.normalize_batch_in_training(x, c(3), c(3), [0, 1, 2]), K.normalize_batch_in_training(c(4, 3), c(3), c(3), [0]),
      K.normalize_batch_in_training(c(4, 3, 2), c(3, 1), None, [0, 2])]
seq = c(2, 4, 3); w = c(3, 3)
def step(x_t, states):
    h = tf.tanh(tf.matmul(x_t, w) + states[0])
    return h, [h]
def step_c(x_t, states):
    h = tf.tanh(tf.matmul(x_t, w) + states[0] * states[1])
    return h, [h]
mask = tf.constant([[True, True, False, True], [True, False, False, False]])
rn = [K.rnn(step, seq, [tf.zeros((2, 3))]), K.rnn(step, seq, [tf.zeros((2, 3))], go_backwards=True, mask=mask),
      K.rnn(step, seq, [tf.zeros((2, 3))], unroll=True, input_length=4), K.rnn(step_c, seq, [tf.ones((2, 3))], constants=[c(2, 3)]),
      K.rnn(step, tf.transpose(seq, (1, 0, 2)), [tf.zeros((2, 3))], time_major=True, return_all_outputs=False)]
e = K.eye(3, name='ident'); ev = K.eye(2, dtype='int32')
sp = tf.SparseTensor([[0, 1], [2, 0]], [3., 4.], [3, 2])
rv = [K.random_uniform_variable((2, 3), -1, 1, seed=3, name='ru'), K.random_normal_variable((2,), 0., 2., seed=4)]
tf.set_random_seed(1)
import warnings
with warnings.catch_warnings():
    warnings.simplefilter('ignore')  # random_binomial's deprecation
    rb = [K.random_bernoulli((3, 4), p=0.5, seed=2), K.random_binomial((5,), p=0.3, seed=7)]
s = K.get_session()
result = [s.run(outs), s.run(nb), s.run([[r[0], r[1], r[2]] for r in rn]), [o.shape.as_list() for o in outs], [r[1].shape.as_list() for r in rn],
          s.run([e, ev] + rv), [v.name for v in [e, ev] + rv], s.run(rb), K.backend(), K.is_sparse(sp), K.is_sparse(x), s.run(K.to_dense(sp)), K.to_dense(x) is x,
          err(lambda: K.pool2d(x, (2, 2, 2))), err(lambda: K.pool2d(x, (2, 2), pool_mode='min')), err(lambda: K.separable_conv2d(x, c(3, 3, 3, 2), c(1, 1, 6, 4), strides=(1,))),
          err(lambda: K.conv2d_transpose(c(2, 3, 3, 4), c(3, 3, 5, 4), (2, 7, 7, 5), dilation_rate=(2, 1)))]
"""


@pytest.mark.oracle
def test_backend_functions_match_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)


RELU = """import numpy as np
x = tf.placeholder(tf.float32, [1, 6])
ys = [tf.keras.layers.ReLU(3.0)(x), tf.keras.layers.ReLU(6.0)(x),
      tf.keras.layers.ReLU(6.0, threshold=1.0)(x), tf.keras.layers.ReLU(4.0, negative_slope=0.1)(x),
      tf.keras.backend.relu(x, max_value=2, alpha=0.2, threshold=0.5),
      tf.keras.activations.relu(x, max_value=6.)]
with tf.Session() as s:
    v = s.run(ys, {x: [[-3., -0.5, 0.7, 2., 5., 8.]]})
result = [[[op.name, op.type] for op in tf.get_default_graph().get_operations()],
          [a.tolist() for a in v]]
"""


def test_relu_graph_as_tf_keras(oracle):
    # max_value 6 (no threshold) is one Relu6 op; other bounds are constants before the clip
    here, there = run_here(RELU), oracle(RELU)
    assert here == there, explain(RELU, here, there)
