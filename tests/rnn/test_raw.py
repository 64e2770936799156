"""tf.nn.raw_rnn against real TF: the graph (op names and types), emitted values, final state,
loop state and gradients of an LSTM whose loop_fn reads its inputs from a TensorArray and stops
each batch entry at a fed length (ematvey's seq2seq tutorial drives its decoder this way)."""

import pytest
from oracle import ORACLE_HELPERS, explain, run_here

PROGRAM = ORACLE_HELPERS + """
import numpy as np
tf.set_random_seed(3)
T, B, D = 4, 3, 2
x = tf.placeholder(tf.float32, [T, B, D])
lengths = tf.placeholder(tf.int32, [B])
cell = tf.nn.rnn_cell.LSTMCell(5)
ta = tf.TensorArray(tf.float32, size=T).unstack(x)
def loop_fn(time, out, state, loop_state):
    emit = EMIT(out)
    if out is None:
        state = cell.zero_state(B, tf.float32)
        loop_state = tf.constant(0.0) if LOOP_STATE else None
    elif LOOP_STATE:
        loop_state = loop_state + tf.reduce_sum(out)
    finished = time >= lengths
    nxt = tf.cond(tf.reduce_all(finished), lambda: tf.zeros([B, D]),
                  lambda: ta.read(tf.minimum(time, T - 1)))
    return finished, nxt, state, emit, loop_state
emit_ta, final, loop_state = tf.nn.raw_rnn(cell, loop_fn)
out = nest_stack(emit_ta)
grads = tf.gradients(tf.reduce_sum(out[0]), tf.trainable_variables())
feed = {x: np.cos(np.arange(T * B * D)).reshape(T, B, D), lengths: [4, 2, 3]}
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    vals = s.run([out, final, grads] + ([loop_state] if LOOP_STATE else []), feed)
result = {"graph": [[op.name, op.type] for op in tf.get_default_graph().get_operations()],
          "names": [t.name for t in out] + [final.h.name, loop_state.name if LOOP_STATE
                                      else loop_state],
          "shapes": [t.shape.as_list() for t in out],
          "vals": [np.round(np.asarray(v, np.float64), 4).tolist()
                   for v in tf.nest.flatten(vals)]}
"""

CASES = {
    # emit the cell output (emit structure None) with a loop state
    "output": ("lambda out: out", "True"),
    # an emit structure of its own (one entry's shape and type each), no loop state
    "structure": ("lambda out: (tf.zeros([2]), tf.zeros([], tf.int32)) if out is None else "
                  "(out[:, :2] * 2., tf.cast(tf.reduce_sum(out, 1) > 0, tf.int32))", "False"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_raw_rnn_is_tfs(oracle, case):
    emit, loop_state = CASES[case]
    code = PROGRAM.replace("EMIT(out)", "(%s)(out)" % emit).replace("LOOP_STATE", loop_state)
    code = code.replace("nest_stack(emit_ta)", "[t.stack() for t in tf.nest.flatten(emit_ta)]")
    here, there = run_here(code), oracle(code)
    assert here == there, explain(code, here, there)
