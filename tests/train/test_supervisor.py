"""tf.train.Supervisor against real TF: ops and collections it adds, resuming from its
checkpoints, the events its services write, errors, and exceptions in managed_session."""

import pytest
from oracle import explain, run_here

_BUILD = """
import os
def build():
    x = tf.constant([[1.0, 2.0]])
    w = tf.get_variable("w", initializer=[[0.1], [0.2]])
    loss = tf.reduce_sum(tf.square(tf.matmul(x, w) - 1.0), name="loss")
    tf.summary.scalar("loss", loss)
    step = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
    return w, step, train
"""

_RESUME = _BUILD + """
out = []
for run in range(2):
    with tf.Graph().as_default() as g:
        w, step, train = build()
        sv = tf.train.Supervisor(logdir=LOG, save_summaries_secs=0, save_model_secs=0)
        with sv.managed_session() as sess:
            start = sess.run(step)
            for _ in range(3):
                if sv.should_stop():
                    break
                sess.run(train)
            sv.saver.save(sess, sv.save_path, global_step=sv.global_step)
            out.append([start, sess.run(step), sess.run(w).tolist()])
        out.append([g.finalized, sv.should_stop(), sv.is_chief, sv.save_path[len(LOG):],
                    sv.init_op.name, sv.ready_op.name, sv.ready_for_local_init_op,
                    sv.summary_op.name, sv.global_step.name, sv.saver.saver_def.save_tensor_name,
                    sorted(g.get_all_collection_keys()), sv.save_summaries_secs,
                    [o.name for o in g.get_operations()][-16:],
                    [c.name for c in g.get_collection("local_init_op")[0].control_inputs]])
out.append(sorted(f for f in os.listdir(LOG) if not f.startswith("events")))
result = out
"""


@pytest.mark.oracle
def test_resume_from_its_checkpoint_matches_tf(oracle, tmp_path):
    here = run_here("LOG = %r\n" % str(tmp_path / "here") + _RESUME)
    there = oracle("LOG = %r\n" % str(tmp_path / "there") + _RESUME)
    assert "ok" in there, there
    assert here == there, explain(_RESUME, here, there)


_SERVICES = _BUILD + """
import time
w, step, train = build()
sv = tf.train.Supervisor(logdir=LOG, save_summaries_secs=3600, save_model_secs=3600)
with sv.managed_session() as sess:
    for _ in range(2400):  # the services run once at start; wait for that before training
        if tf.train.latest_checkpoint(LOG) and len(os.listdir(LOG)) >= 6:
            break
        time.sleep(0.05)
    time.sleep(0.2)
    for _ in range(2):
        sess.run(train)
events = []
for name in sorted(os.listdir(LOG)):
    if name.startswith("events"):
        for e in tf.train.summary_iterator(os.path.join(LOG, name)):
            what = e.WhichOneof("what")
            detail = (e.session_log.status if what == "session_log" else
                      sorted(v.tag for v in e.summary.value) if what == "summary" else None)
            events.append([what, e.step, detail])
result = [events, sorted(f for f in os.listdir(LOG) if not f.startswith("events")),
          tf.train.latest_checkpoint(LOG)[len(LOG):]]
"""


def _untimed(events):
    """Events as a sorted list; a summary's or checkpoint log's step is left out: it is the
    global step whenever the service thread ran (the program waits only for the checkpoint
    file, so under load TF's threads may run after a training step or two)."""
    def step_of(what, step, detail):
        return "-" if what == "summary" or (what, detail) == ("session_log", 3) else step
    return sorted(str([e[0], step_of(*e), e[2]]) for e in events)


@pytest.mark.oracle
def test_services_write_what_tf_writes(oracle, tmp_path):
    here = run_here("LOG = %r\n" % str(tmp_path / "here") + _SERVICES)
    there = oracle("LOG = %r\n" % str(tmp_path / "there") + _SERVICES)
    assert "ok" in there, there
    # the summary and steps/sec threads race each other, as in TF: compare as sets
    assert _untimed(here["ok"][0]) == _untimed(there["ok"][0]), explain(_SERVICES, here, there)
    assert here["ok"][1:] == there["ok"][1:]


CASES = [
    # an exception in the block stops the services and comes out of the `with`
    "v = tf.get_variable('v', [1])\nsv = tf.train.Supervisor(logdir=None)\n"
    "with sv.managed_session() as sess:\n  raise ValueError('boom')",
    # OutOfRangeError is a clean stop
    "v = tf.get_variable('v', [1])\nsv = tf.train.Supervisor()\n"
    "with sv.managed_session() as sess:\n"
    "  raise tf.errors.OutOfRangeError(None, None, 'done')\n"
    "result = sv.should_stop()",
    "v = tf.get_variable('v', [1])\nsv = tf.train.Supervisor(is_chief=False)",
    "with tf.device('/cpu:0'):\n  v = tf.get_variable('v', [1])\n"
    "sv = tf.train.Supervisor(is_chief=False)\nsv.start_standard_services(None)",
    "v = tf.get_variable('v', [1])\nsv = tf.train.Supervisor()\n"
    "with sv.managed_session() as sess:\n  sv.summary_computed(sess, tf.Summary())",
    # no variables: no saver; a graph with no summaries: no summary op
    "c = tf.constant(1.0)\nsv = tf.train.Supervisor()\n"
    "with sv.managed_session() as sess:\n"
    "  result = [sv.saver, sv.summary_op, sv.global_step, sess.run(c)]",
    # ops passed in are used, not the defaults
    "v = tf.get_variable('v', [1], initializer=tf.ones_initializer())\n"
    "sv = tf.train.Supervisor(init_op=None, init_fn=lambda s: s.run(v.initializer),"
    " ready_op=None, saver=None, summary_op=None, global_step=None, local_init_op=None)\n"
    "with sv.managed_session() as sess:\n"
    "  result = [sess.run(v), sorted(tf.get_default_graph().get_all_collection_keys())]",
    "sv = tf.train.Supervisor(init_op=None, ready_op=None, local_init_op=None)\n"
    "with sv.managed_session() as sess:\n  pass",
    # queue runners start under the Supervisor's coordinator; the epoch limit ends the loop
    "x = tf.train.range_input_producer(5, num_epochs=1, shuffle=False).dequeue()\n"
    "sv = tf.train.Supervisor()\nout = []\n"
    "with sv.managed_session() as sess:\n"
    "  while not sv.should_stop():\n    out.append(int(sess.run(x)))\n"
    "result = [out, sv.should_stop(), len(tf.get_collection('queue_runners'))]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", CASES)
def test_supervisor_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    if "raises" in there:
        assert (here.get("raises"), here.get("msg")) == (there["raises"], there["msg"]), \
            explain(code, here, there)
    else:
        assert here == there, explain(code, here, there)
