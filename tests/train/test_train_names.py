"""tf.compat.v1.train names a TF1 program uses: GlobalStepWaiterHook, basic_train_loop,
maybe_shuffle_batch_join, ClusterDef / JobDef, as TF's."""

import pytest
from oracle import run_here

NAMES = """
result = [hasattr(tf.train, n) for n in ["GlobalStepWaiterHook", "basic_train_loop",
          "maybe_shuffle_batch_join", "ClusterDef", "JobDef", "AdagradDAOptimizer"]]
"""

WAITER = """
import tempfile
out = []
try:
    tf.train.GlobalStepWaiterHook(3).begin()
except RuntimeError as e:
    out.append(str(e))
tf.reset_default_graph()
step = tf.train.get_or_create_global_step()
inc = tf.assign_add(step, 1)
hook = tf.train.GlobalStepWaiterHook(0)
with tf.train.MonitoredSession(hooks=[hook]) as s:
    out += [int(s.run(inc)) for _ in range(2)]
set5 = tf.assign(step, 5)
scaffold = tf.train.Scaffold(init_fn=lambda scaffold, sess: sess.run(set5))
hook = tf.train.GlobalStepWaiterHook(2)  # the step (5) already passed it: no wait
with tf.train.MonitoredSession(tf.train.ChiefSessionCreator(scaffold), hooks=[hook]) as s:
    out.append(int(s.run(inc)))
calls = []
with tempfile.TemporaryDirectory() as d:
    tf.reset_default_graph()
    step = tf.train.get_or_create_global_step()
    inc = tf.assign_add(step, 1)
    sv = tf.train.Supervisor(logdir=d, save_model_secs=0, save_summaries_secs=0)

    def train_step(sess, k, scale=1):
        calls.append(int(sess.run(inc)) * k * scale)
        if len(calls) == 3:
            sv.request_stop()

    tf.train.basic_train_loop(sv, train_step, args=[2], kwargs={"scale": 5})
out.append(calls)
result = out
"""

JOIN = """
a, b = tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])
keep = tf.constant(True)
x = tf.train.maybe_shuffle_batch_join([[a], [b]], 2, 8, 1, keep, seed=3, enqueue_many=True)
g = tf.get_default_graph()
result = [x.shape.as_list(), sorted([op.name, op.type] for op in g.get_operations())]
"""


@pytest.mark.oracle
@pytest.mark.parametrize("code", [NAMES, WAITER, JOIN], ids=["names", "waiter_loop", "join"])
def test_as_tf(oracle, code):
    there = oracle(code)
    assert "ok" in there, there
    assert run_here(code) == there
