"""Queue runners in meta graphs as TF stores them: QueueRunnerDefs in the `queue_runners`
collection. Queue-based training programs (pix2pix, CapsNet, cifar10_train) save with
`Saver.save`, which writes a `.meta`; scopeflow left the collection out with an "Issue
encountered when serializing" warning, so an imported graph had no runners to start."""

import pytest
from oracle import run_here

# the first n values of tensor `name` with the graph's queue runners started
_TAKE = """
def take(name, n):
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        values = [float(sess.run(name)) for _ in range(n)]
        coord.request_stop()
        coord.join(threads)
    return values
"""

# export (whole and under a scope), then import into a fresh graph and run the imported queue
# (%(meta)s: the .meta file a program reads back; written by the same program)
_PROGRAM = _TAKE + """
with tf.name_scope("input"):
    x = tf.train.input_producer(tf.constant([1.0, 2.0, 3.0]), shuffle=False,
                                name="producer")
    q = tf.FIFOQueue(4, [tf.int32], name="q")
    qr = tf.train.QueueRunner(q, [q.enqueue([7]), q.enqueue([8])],
                              queue_closed_exception_types=(tf.errors.OutOfRangeError,
                                                            tf.errors.CancelledError))
    tf.train.add_queue_runner(qr)
y = tf.identity(x.dequeue(), name="y")
whole = tf.train.export_meta_graph(%(meta)r)
scoped = tf.train.export_meta_graph(export_scope="input")
def runners(meta):
    col = meta.collection_def["queue_runners"]
    return [col.WhichOneof("kind"), [list(b) for b in col.bytes_list.value]]
tf.reset_default_graph()
tf.train.import_meta_graph(%(meta)r, import_scope="again")
g = tf.get_default_graph()
imported = [[r.name, [op.name for op in r.enqueue_ops], r.close_op.name, r.cancel_op.name,
             [c.__name__ for c in r.queue_closed_exception_types]]
            for r in g.get_collection(tf.GraphKeys.QUEUE_RUNNERS)]
result = [runners(whole), runners(scoped), imported, take("again/y:0", 4)]
"""


@pytest.mark.oracle
def test_queue_runners_export_and_import_as_tf(oracle, tmp_path):
    here = run_here(_PROGRAM % {"meta": str(tmp_path / "sf.meta")})
    there = oracle(_PROGRAM % {"meta": str(tmp_path / "tf.meta")})
    assert "ok" in there, there
    assert here == there
    assert here["ok"][3] == [1.0, 2.0, 3.0, 1.0]


# TF reads scopeflow's .meta: its import finds the runners and the queue feeds the graph
_TF_READS = _TAKE + """
tf.train.import_meta_graph(%(meta)r)
g = tf.get_default_graph()
result = [[r.name for r in g.get_collection(tf.GraphKeys.QUEUE_RUNNERS)], take("y:0", 3)]
"""


@pytest.mark.oracle
def test_tf_starts_the_runners_of_a_scopeflow_meta_graph(oracle, tf, tmp_path):
    meta = str(tmp_path / "sf.meta")
    run_here(_PROGRAM % {"meta": meta})
    there = oracle(_TF_READS % {"meta": meta})
    assert there == {"ok": [["input/producer/producer", "input/q"], [1.0, 2.0, 3.0]]}


def test_runner_outside_the_export_scope_is_left_out(tf):
    q = tf.FIFOQueue(2, [tf.float32], name="outside")
    qr = tf.train.QueueRunner(q, [q.enqueue([1.0])])
    assert qr.to_proto(export_scope="input") is None
    assert qr.to_proto().queue_name == "outside"
