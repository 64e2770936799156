"""ExponentialMovingAverage against TensorFlow: shadow names, update values, restore maps."""

import pytest

from approx import agree, explain
from oracle import run_here

PROGRAMS = [
    """w = tf.Variable([1.0, 2.0], name="w")
b = tf.get_variable("b", initializer=0.5)
ema = tf.train.ExponentialMovingAverage(0.9)
op = ema.apply([w, b])
upd = tf.assign(w, [3.0, 4.0])
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    s.run(upd); s.run(op); s.run(op)
    result = [op.name, op.type, ema.average(w).name, ema.average_name(b), ema.name,
              [v.name for v in tf.global_variables()],
              [v.name for v in tf.moving_average_variables()],
              s.run([ema.average(w), ema.average(b)]),
              sorted(ema.variables_to_restore().keys())]""",
    """gs = tf.train.get_or_create_global_step()
w = tf.get_variable("w", initializer=[1.0])
ema = tf.train.ExponentialMovingAverage(0.99, num_updates=gs, name="avg")
op = ema.apply()
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    s.run(tf.assign(w, [2.0])); s.run(op)
    result = [op.name, ema.average(w).name, s.run(ema.average(w)),
              [o.name for o in tf.get_default_graph().get_operations()][-12:]]""",
    """x = tf.placeholder(tf.float32, [2])
t = x * 2.0
ema = tf.train.ExponentialMovingAverage(0.5, zero_debias=True)
op = ema.apply([t])
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    s.run(op, {x: [1.0, 2.0]}); s.run(op, {x: [3.0, 4.0]})
    result = [ema.average(t).name, [v.name for v in tf.global_variables()],
              s.run(ema.average(t))]""",
    """w = tf.get_variable("w", [1], dtype=tf.int32)
tf.train.ExponentialMovingAverage(0.9).apply([w])""",
    """w = tf.get_variable("w", [2])
ema = tf.train.ExponentialMovingAverage(0.9)
result = [ema.average_name(w), ema.average(w)]""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_program_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)
