"""contrib.rnn's fused LSTM: the LSTMBlockCell / LSTMBlockCellGrad ops against TF's raw ops,
and LSTMBlockCell (one op per step, TF's gradient graph) against TF's LSTMCell, which computes
the same function with the same variable names."""

import numpy as np
import pytest
from oracle import explain, run_here

OPS = r"""
import numpy as np
if hasattr(tf, "contrib"):
    from scopeflow.ops import rnn_block
    cell_op, grad_op = rnn_block.lstm_block_cell, rnn_block._lstm_block_cell_grad
else:
    cell_op = lambda *a, **k: tf.raw_ops.LSTMBlockCell(**dict(zip(
        "x cs_prev h_prev w wci wcf wco b".split(), a)), **k)
    grad_op = lambda *a, **k: tf.raw_ops.LSTMBlockCellGrad(**dict(zip(
        "x cs_prev h_prev w wci wcf wco b i cs f o ci co cs_grad h_grad".split(), a)), **k)
r = lambda *s: tf.constant(np.sin(np.arange(np.prod(s)) * 1.3 + len(s)).reshape(s) * 1.5,
                           tf.float32)
x, cs, h, w = r(3, 4), r(3, 2) * 3, r(3, 2), r(6, 8)
wci, wcf, wco, b = r(2) * 0.5, r(2) * 0.7, r(2) * 0.9, r(8) * 0.2
outs = cell_op(x, cs, h, w, wci, wcf, wco, b, forget_bias=FB, cell_clip=CLIP,
               use_peephole=PEEP)
grads = grad_op(x, cs, h, w, wci, wcf, wco, b, *outs[:6], r(3, 2) * 0.3, r(3, 2) * 0.6,
                use_peephole=PEEP)
with tf.Session() as s:
    result = {"vals": [v.tolist() for v in s.run(list(outs) + list(grads))],
              "shapes": [t.shape.as_list() for t in list(outs) + list(grads)],
              "types": [outs[0].op.type, grads[0].op.type]}
"""


@pytest.mark.oracle
@pytest.mark.parametrize("fb,clip,peep", [(1.0, -1.0, False), (0.5, 1.5, True),
                                          (0.0, 3.0, False)])
def test_block_ops_like_tf_raw_ops(oracle, fb, clip, peep):
    code = OPS.replace("FB", str(fb)).replace("CLIP", str(clip)).replace("PEEP", str(peep))
    _compare_ops(oracle, code, "LSTMBlockCell")


def _compare_ops(oracle, code, op_type):
    """The op and its grad op: same types, shapes and values (to float32 rounding)."""
    here, there = run_here(code), oracle(code)
    assert "ok" in here and "ok" in there, explain(code, here, there)
    assert here["ok"]["types"] == there["ok"]["types"] == [op_type, op_type + "Grad"]
    assert here["ok"]["shapes"] == there["ok"]["shapes"]
    for a, b in zip(here["ok"]["vals"], there["ok"]["vals"]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


CELL = r"""
import numpy as np
tf.set_random_seed(2)
x = tf.constant(np.cos(np.arange(2 * 5 * 3) * 0.9).reshape(2, 5, 3), tf.float32)
with tf.variable_scope("v", initializer=tf.random_uniform_initializer(-0.5, 0.5, seed=3)):
    if hasattr(tf, "contrib"):
        cell = tf.contrib.rnn.LSTMBlockCell(4, use_peephole=PEEP, forget_bias=0.7)
    else:
        cell = tf.nn.rnn_cell.LSTMCell(4, use_peepholes=PEEP, forget_bias=0.7)
    out, st = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32, sequence_length=[5, 3])
loss = tf.reduce_sum(out * out) + tf.reduce_sum(st.c)
names = sorted(v.name for v in tf.trainable_variables())
by_name = {v.name: v for v in tf.trainable_variables()}
grads = tf.gradients(loss, [by_name[n] for n in names] + [x])
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    # the same starting values on both sides, whatever order the variables were made in
    for n in names:
        v = by_name[n]
        k = np.prod(v.shape.as_list())
        s.run(v.assign(np.sin(np.arange(k) * 0.37 + len(n)).reshape(v.shape.as_list()) * 0.6))
    vals = s.run([out, st, grads])
types = sorted({op.type for op in tf.get_default_graph().get_operations()})
result = {"names": names, "vals": vals, "types": types,
          "shapes": [out.shape.as_list(), st.c.shape.as_list()]}
"""


@pytest.mark.oracle
@pytest.mark.parametrize("peep", [False, True])
def test_lstm_block_cell_like_tf_lstm_cell(oracle, peep):
    _compare_cells(oracle, CELL.replace("PEEP", str(peep)), "LSTMBlockCell")


def _compare_cells(oracle, code, op_type):
    """Same variables, outputs, states and gradients; the fused op and its grad op in use."""
    from scopeflow.ops import nest
    here, there = run_here(code), oracle(code)
    assert "ok" in here and "ok" in there, explain(code, here, there)
    mine, theirs = here["ok"], there["ok"]
    assert mine["names"] == theirs["names"]
    assert mine["shapes"] == theirs["shapes"]
    assert {op_type, op_type + "Grad", "BiasAddGrad"} <= set(mine["types"])
    np.testing.assert_allclose(nest.flatten(mine["vals"]), nest.flatten(theirs["vals"]),
                               rtol=1e-4, atol=2e-5)  # values rounded to 5 places


def test_lstm_block_cell_gradient_graph(tf):
    """TF's gradient ops: LSTMBlockCellGrad, then MatMul / Slice / ConcatV2 / BiasAddGrad."""
    x = tf.placeholder(tf.float32, [2, 3])
    cell = tf.contrib.rnn.LSTMBlockCell(4)
    out, _ = cell(x, cell.zero_state(2, tf.float32))
    tf.gradients(out, [x] + cell.weights)
    ops = {op.name: op.type for op in tf.get_default_graph().get_operations()}
    grad = "gradients/lstm_cell/LSTMBlockCell_grad/"
    assert ops[grad + "LSTMBlockCellGrad"] == "LSTMBlockCellGrad"
    assert ops[grad + "BiasAddGrad"] == "BiasAddGrad"
    assert ops[grad + "MatMul"] == ops[grad + "MatMul_1"] == "MatMul"
    assert ops[grad + "Slice"] == "Slice" and ops[grad + "concat"] == "ConcatV2"


def test_lstm_block_cell_needs_input_depth(tf):
    cell = tf.contrib.rnn.LSTMBlockCell(4)
    with pytest.raises(ValueError, match=r"Expecting inputs_shape\[1\] to be set"):
        cell(tf.placeholder(tf.float32, [2, None]), cell.zero_state(2, tf.float32))


GRU_OPS = r"""
import numpy as np
names = "x h_prev w_ru w_c b_ru b_c r u c d_h".split()
if hasattr(tf, "contrib"):
    from scopeflow.ops import rnn_block
    cell_op, grad_op = rnn_block.gru_block_cell, rnn_block._gru_block_cell_grad
else:
    cell_op = lambda *a: tf.raw_ops.GRUBlockCell(**dict(zip(names, a)))
    grad_op = lambda *a: tf.raw_ops.GRUBlockCellGrad(**dict(zip(names, a)))
r = lambda *s: tf.constant(np.sin(np.arange(np.prod(s)) * 1.3 + len(s)).reshape(s) * 1.5,
                           tf.float32)
x, h, w_ru, w_c, b_ru, b_c = r(3, 4), r(3, 2), r(6, 4), r(6, 2), r(4) * 0.3, r(2) * 0.2
outs = cell_op(x, h, w_ru, w_c, b_ru, b_c)
grads = grad_op(x, h, w_ru, w_c, b_ru, b_c, *outs[:3], r(3, 2) * 0.6)
with tf.Session() as s:
    result = {"vals": [v.tolist() for v in s.run(list(outs) + list(grads))],
              "shapes": [t.shape.as_list() for t in list(outs) + list(grads)],
              "types": [outs[0].op.type, grads[0].op.type]}
"""


@pytest.mark.oracle
def test_gru_block_ops_like_tf_raw_ops(oracle):
    _compare_ops(oracle, GRU_OPS, "GRUBlockCell")


@pytest.mark.oracle
def test_gru_block_cell_v2_like_tf_gru_cell(oracle):
    code = (CELL.replace("tf.contrib.rnn.LSTMBlockCell(4, use_peephole=PEEP, forget_bias=0.7)",
                         "tf.contrib.rnn.GRUBlockCellV2(4)")
            .replace("tf.nn.rnn_cell.LSTMCell(4, use_peepholes=PEEP, forget_bias=0.7)",
                     "tf.nn.rnn_cell.GRUCell(4)")
            .replace("st.c", "st"))
    _compare_cells(oracle, code, "GRUBlockCell")


def test_gru_block_cell_variable_names(tf):
    cell = tf.contrib.rnn.GRUBlockCell(3)
    cell(tf.zeros([2, 5]), cell.zero_state(2, tf.float32))
    assert [(v.name, v.shape.as_list()) for v in cell.weights] == [
        ("gru_cell/w_ru:0", [8, 6]), ("gru_cell/b_ru:0", [6]), ("gru_cell/w_c:0", [8, 3]),
        ("gru_cell/b_c:0", [3])]
    with pytest.raises(ValueError, match="Exactly one of num_units or cell_size"):
        tf.contrib.rnn.GRUBlockCell()
