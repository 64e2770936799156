"""tf.keras.backend's ctc_label_dense_to_sparse, ctc_batch_cost and ctc_decode (greedy and beam)
against TF: the graph tf_keras builds, sparse labels, costs and decodings
(keras/backend_ctc.py)."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PROGRAM = """
K = tf.keras.backend
rng = np.random.RandomState(0)
y_true = tf.placeholder(tf.float32, [None, 4], name="y_true")
y_pred = tf.nn.softmax(tf.constant(rng.randn(3, 6, 5).astype(np.float32) * 2))
input_length = tf.placeholder(tf.int32, [None, 1], name="input_length")
label_length = tf.placeholder(tf.int32, [None, 1], name="label_length")
sp = K.ctc_label_dense_to_sparse(tf.cast(y_true, tf.int32), tf.squeeze(label_length, -1))
cost = K.ctc_batch_cost(y_true, y_pred, input_length, label_length)
greedy = K.ctc_decode(y_pred, tf.squeeze(input_length, -1))
beam = K.ctc_decode(y_pred, tf.squeeze(input_length, -1), greedy=False, beam_width=4,
                    top_paths=2)
g = graph()
feed = {y_true: [[1, 2, 0, 0], [3, 3, 1, 2], [0, 0, 0, 0]], input_length: [[6], [5], [4]],
        label_length: [[2], [4], [1]]}
with tf.Session() as sess:
    values = sess.run([sp, cost, greedy, beam], feed)
result = [g, values]
"""


@pytest.mark.oracle
def test_ctc_functions_match_tf(oracle):
    code = ORACLE_HELPERS + PROGRAM
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there), explain(code, here, there)
