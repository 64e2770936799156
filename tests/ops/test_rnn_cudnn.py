"""The CudnnRNNV3 op as TF builds it (no CPU kernel in TF, so graphs only): output shapes per
rnn_mode and time_major, TF's dtype error, the gradient's is_training check; the CuDNN
layers' errors for a wrong rank and for a masked input."""

import pytest
from approx import agree, explain
from oracle import run_here

SHAPES = """
x = tf.placeholder(tf.float32, [5, None, 3])
xb = tf.placeholder(tf.float32, [2, 7, 3])
h = tf.placeholder(tf.float32, [1, None, 4])
p = tf.placeholder(tf.float32, [None])
n = tf.placeholder(tf.int32, [None])
outs = [tf.raw_ops.CudnnRNNV3(input=x, input_h=h, input_c=h, params=p, sequence_lengths=n),
        tf.raw_ops.CudnnRNNV3(input=x, input_h=h, input_c=0., params=p, sequence_lengths=n,
                              rnn_mode='gru'),
        tf.raw_ops.CudnnRNNV3(input=xb, input_h=h, input_c=h, params=p, sequence_lengths=n,
                              time_major=False, rnn_mode='rnn_tanh')]
result = [[[t.shape.as_list() if t.shape.ndims is not None else None, t.dtype.name]
           for t in o] for o in outs]
"""

DTYPE = """
x = tf.placeholder(tf.int32, [5, 2, 3])
tf.raw_ops.CudnnRNNV3(input=x, input_h=x, input_c=x, params=x, sequence_lengths=[5, 5])
"""

NOT_TRAINING = """
x = tf.placeholder(tf.float32, [5, 2, 3])
h = tf.zeros([1, 2, 4])
y = tf.raw_ops.CudnnRNNV3(input=x, input_h=h, input_c=h, params=tf.zeros([144]),
                          sequence_lengths=[5, 5], is_training=False)
tf.gradients(y[0], x)
"""

RANK = """
tf.keras.layers.CuDNNGRU(2)(tf.placeholder(tf.float32, [None, 3]))
"""

MASKED = """
e = tf.keras.layers.Embedding(5, 3, mask_zero=True)(tf.placeholder(tf.int32, [None, 4]))
tf.keras.layers.CuDNNLSTM(2)(e)
"""


@pytest.mark.oracle
@pytest.mark.parametrize("program", [SHAPES, DTYPE, NOT_TRAINING, RANK, MASKED])
def test_cudnn_rnn_v3_graph_and_errors(oracle, program):
    here, there = run_here(program), oracle(program)
    assert agree(here, there), explain(program, here, there)
