"""Learning-rate schedules and the global step against TensorFlow: names and values."""

import pytest

from approx import agree, explain
from oracle import run_here

SCHEDULES = [
    "tf.train.exponential_decay(0.1, gs, 10, 0.5)",
    "tf.train.exponential_decay(0.1, gs, 10, 0.5, staircase=True, name='my')",
    "tf.train.natural_exp_decay(0.1, gs, 10, 0.5)",
    "tf.train.natural_exp_decay(0.1, gs, 4, 0.5, staircase=True)",
    "tf.train.inverse_time_decay(0.1, gs, 10, 0.5)",
    "tf.train.inverse_time_decay(0.1, gs, 4, 0.5, staircase=True)",
    "tf.train.polynomial_decay(0.1, gs, 100)",
    "tf.train.polynomial_decay(0.1, gs, 10, end_learning_rate=0.01, power=2.0)",
    "tf.train.polynomial_decay(0.1, gs, 10, cycle=True)",
    "tf.train.cosine_decay(0.1, gs, 100)",
    "tf.train.cosine_decay(0.1, gs, 20, alpha=0.1)",
    "tf.train.cosine_decay_restarts(0.1, gs, 10)",
    "tf.train.cosine_decay_restarts(0.1, gs, 4, t_mul=1.0, m_mul=0.5)",
    "tf.train.linear_cosine_decay(0.1, gs, 100)",
    "tf.train.linear_cosine_decay(0.1, gs, 30, num_periods=2.0, alpha=0.1, beta=0.01)",
    "tf.train.piecewise_constant(gs, [10, 20], [1.0, 0.5, 0.1])",
    "tf.train.piecewise_constant(gs, [10, 15], [1.0, 0.5, 0.1])",
    "tf.train.piecewise_constant_decay(tf.cast(gs, tf.int32), [5], [1, 2], name='pc')",
]


@pytest.mark.oracle
@pytest.mark.parametrize("step", [0, 15, 40])
@pytest.mark.parametrize("schedule", SCHEDULES)
def test_schedule_matches_tf(oracle, schedule, step):
    code = """gs = tf.train.get_or_create_global_step()
lr = %s
with tf.Session() as s:
    s.run(gs.initializer)
    s.run(tf.assign(gs, %d))
    result = [lr.name, lr.dtype.name, s.run(lr)]""" % (schedule, step)
    here, there = run_here(code), oracle(code)
    if "cosine_decay(" in schedule:  # TF numbers the final Mul by how many it made
        here["ok"][0] = there.get("ok", [None])[0]
    assert agree(here, there), explain(code, here, there)


PROGRAMS = [
    """a = tf.train.get_global_step()
gs = tf.train.get_or_create_global_step()
b = tf.train.get_or_create_global_step()
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    result = [a, gs.name, b is gs, gs.dtype.name, gs.shape.as_list(),
              tf.train.global_step(s, gs), tf.get_collection(tf.GraphKeys.GLOBAL_STEP),
              tf.trainable_variables(), [o.name for o in tf.get_default_graph().get_operations()]]""",
    """tf.train.create_global_step()
tf.train.create_global_step()""",
    """with tf.variable_scope("s"), tf.name_scope("n"):
    gs = tf.train.get_or_create_global_step()
result = gs.name""",
    """v = tf.Variable(0, name="global_step")
result = tf.train.get_global_step().name""",
    """v = tf.Variable(0.0, name="global_step")
tf.train.get_global_step()""",
    """g = tf.Graph()
gs = tf.train.get_or_create_global_step(g)
result = [gs.graph is g, tf.train.get_global_step() is None, tf.train.get_global_step(g).name]""",
    """tf.train.piecewise_constant(tf.constant(1.0), [1], [1.0, 2.0])""",
    """tf.train.piecewise_constant(tf.constant(1), [1], [1.0, 2])""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_program_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)
