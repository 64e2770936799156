"""The whole-sequence fused LSTM op BlockLSTM and its gradient op BlockLSTMGrad against TF's
raw op and TF's registered gradient (tf.gradients through it)."""

import numpy as np
import pytest
from oracle import explain, run_here

from scopeflow.ops import nest

PROGRAM = r"""
import numpy as np
if hasattr(tf, "contrib"):
    from scopeflow.ops.rnn_block_lstm import block_lstm
else:
    def block_lstm(seq_len_max, x, cs, h, w, wci, wcf, wco, b, **k):
        return tf.raw_ops.BlockLSTM(seq_len_max=seq_len_max, x=x, cs_prev=cs, h_prev=h, w=w,
                                    wci=wci, wcf=wcf, wco=wco, b=b, **k)
r = lambda *s: tf.constant(np.sin(np.arange(np.prod(s)) * 1.3 + len(s)).reshape(s) * 1.5,
                           tf.float32)
x, cs, h, w = r(4, 3, 2), r(3, 2) * 2, r(3, 2), r(4, 8) * 0.7
wci, wcf, wco, b = r(2) * 0.5, r(2) * 0.7, r(2) * 0.9, r(8) * 0.2
outs = block_lstm(tf.constant(LEN, tf.int64), x, cs, h, w, wci, wcf, wco, b, forget_bias=0.8,
                  cell_clip=CLIP, use_peephole=PEEP)
loss = tf.reduce_sum(outs[6] * r(4, 3, 2)) + tf.reduce_sum(outs[1] * r(4, 3, 2) * 0.3)
grads = tf.gradients(loss, [x, cs, h, w, wci, wcf, wco, b])
with tf.Session() as s:
    # steps from seq_len_max on: TF leaves some outputs uninitialized there, so left out
    vals = s.run([[t[:LEN] for t in outs], grads])
result = {"vals": vals, "types": [outs[0].op.type],
          "grad_types": sorted({g.op.type for g in grads if g is not None})}
"""


@pytest.mark.oracle
@pytest.mark.parametrize("length,clip,peep", [(4, -1.0, False), (3, 0.8, True)])
def test_block_lstm_like_tf(oracle, length, clip, peep):
    code = PROGRAM.replace("LEN", str(length)).replace("CLIP", str(clip)).replace(
        "PEEP", str(peep))
    here, there = run_here(code), oracle(code)
    assert "ok" in here and "ok" in there, explain(code, here, there)
    assert here["ok"]["types"] == ["BlockLSTM"]
    np.testing.assert_allclose(nest.flatten(here["ok"]["vals"]),
                               nest.flatten(there["ok"]["vals"]), rtol=1e-4, atol=2e-5)


FUSED = r"""
import numpy as np
x = tf.constant(np.cos(np.arange(5 * 2 * 3) * 0.9).reshape(5, 2, 3), tf.float32)  # time-major
if hasattr(tf, "contrib"):
    cell = tf.contrib.rnn.LSTMBlockFusedCell(4, forget_bias=0.7, use_peephole=PEEP)
    out, st = cell(x, dtype=tf.float32, sequence_length=[5, 3])
else:
    cell = tf.nn.rnn_cell.LSTMCell(4, forget_bias=0.7, use_peepholes=PEEP)
    out, st = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32, sequence_length=[5, 3],
                                time_major=True)
loss = tf.reduce_sum(out * out) + tf.reduce_sum(st.c)
by_role = {v.name.split("/")[-1]: v for v in tf.trainable_variables()}
roles = sorted(by_role)
grads = tf.gradients(loss, [by_role[k] for k in roles] + [x])
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for k in roles:  # the same starting values on both sides
        v = by_role[k]
        n = int(np.prod(v.shape.as_list()))
        s.run(v.assign(np.sin(np.arange(n) * 0.37 + len(k)).reshape(v.shape.as_list()) * 0.6))
    vals = s.run([out, st, grads])
result = {"roles": roles, "vals": vals, "shapes": [out.shape.as_list(), st.h.shape.as_list()]}
"""


@pytest.mark.oracle
@pytest.mark.parametrize("peep", [False, True])
def test_lstm_block_fused_cell_like_tf_lstm_cell(oracle, peep):
    """LSTMBlockFusedCell computes TF's LSTMCell over time (masked, final state gathered)."""
    code = FUSED.replace("PEEP", str(peep))
    here, there = run_here(code), oracle(code)
    assert "ok" in here and "ok" in there, explain(code, here, there)
    assert here["ok"]["roles"] == there["ok"]["roles"]
    assert here["ok"]["shapes"] == there["ok"]["shapes"]
    np.testing.assert_allclose(nest.flatten(here["ok"]["vals"]),
                               nest.flatten(there["ok"]["vals"]), rtol=1e-4, atol=2e-5)


def test_lstm_block_fused_cell_names(tf):
    cell = tf.contrib.rnn.LSTMBlockFusedCell(3, use_peephole=True)
    outs, _ = cell([tf.zeros([2, 5])] * 4, dtype=tf.float32)
    assert len(outs) == 4 and outs[0].shape.as_list() == [2, 3]
    assert [v.name for v in cell.weights] == [
        "lstm_fused_cell/kernel:0", "lstm_fused_cell/bias:0", "lstm_fused_cell/w_i_diag:0",
        "lstm_fused_cell/w_f_diag:0", "lstm_fused_cell/w_o_diag:0"]
    assert "BlockLSTM" in {op.type for op in tf.get_default_graph().get_operations()}
    with pytest.raises(ValueError, match="Either initial_state or dtype"):
        tf.contrib.rnn.LSTMBlockFusedCell(3)(tf.zeros([4, 2, 5]))
