"""tf.train's queue-based input functions against TF: the graph each builds (ops, names, the
QUEUE_RUNNERS collection, summaries, local variables) and the batches they produce."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ops"))
from array_oracle import check_graph

from oracle import run_here

_COLLECTIONS = (
    "\nresult = [[q.name for q in tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)],"
    " [[op.name for op in q.enqueue_ops] for q in tf.get_collection('queue_runners')],"
    " [[q.close_op.name, q.cancel_op.name] for q in tf.get_collection('queue_runners')],"
    " [t.name for t in tf.get_collection(tf.GraphKeys.SUMMARIES)],"
    " [v.name for v in tf.local_variables()], globals().get('out')]")

GRAPHS = [
    "q = tf.train.string_input_producer(['a', 'b'], num_epochs=2, seed=3)\nout = q.name",
    "q = tf.train.string_input_producer(['a', 'b'], shuffle=False, capacity=8, name='files')\n"
    "out = q.name",
    "q = tf.train.range_input_producer(10, shuffle=False)\nout = str(q.dequeue())",
    "q = tf.train.input_producer(tf.zeros([5, 2]), shuffle=False, num_epochs=1)\n"
    "out = str(q.dequeue())",
    "out = [str(t) for t in tf.train.slice_input_producer([tf.zeros([5, 2]), tf.range(5)],"
    " shuffle=False)]",
    "x = tf.constant([1.0, 2.0])\nout = str(tf.train.limit_epochs(x, 3))",
    "out = [str(t) for t in tf.train.batch([tf.zeros([3]), tf.constant('s')], 4)]",
    "out = str(tf.train.batch({'a': tf.zeros([3])}, 4, allow_smaller_final_batch=True))",
    "out = str(tf.train.batch([tf.zeros([2, 3])], 4, enqueue_many=True, num_threads=2))",
    "p = tf.placeholder(tf.int32, [None])\n"
    "out = str(tf.train.batch([p], 2, dynamic_pad=True))",
    "out = [str(t) for t in tf.train.shuffle_batch([tf.zeros([3]), 1], 4, capacity=20,"
    " min_after_dequeue=5, seed=1)]",
    "out = str(tf.train.batch_join([[tf.zeros([3])], [tf.ones([3])]], 2))",
    "out = str(tf.train.shuffle_batch_join([[tf.zeros([3])], [tf.ones([3])]], 2,"
    " capacity=10, min_after_dequeue=2))",
    "out = str(tf.train.maybe_batch([tf.zeros([3])], True, 2))",
    "k = tf.placeholder(tf.bool, [])\n"
    "out = str(tf.train.maybe_batch([tf.zeros([3]), tf.constant('s')], k, 2, num_threads=2))",
    "k = tf.placeholder(tf.bool, [None])\n"
    "out = str(tf.train.maybe_batch([tf.zeros([4, 3])], k, 2, enqueue_many=True))",
    "k = tf.placeholder(tf.bool, [])\n"
    "out = str(tf.train.maybe_shuffle_batch([tf.zeros([3])], 2, 10, 2, k, seed=1))",
    "k = tf.placeholder(tf.bool, [])\n"
    "out = str(tf.train.maybe_batch_join([[tf.zeros([3])], [tf.ones([3])]], k, 2))",
    "out = str(tf.train.maybe_batch([tf.zeros([2, 3])], [True, False], 2, enqueue_many=True))",
    # errors
    "tf.train.string_input_producer([])",
    "tf.train.shuffle_batch([tf.zeros([3])], 2, capacity=5, min_after_dequeue=5)",
    "tf.train.limit_epochs(tf.zeros([3]), 0)",
    "tf.train.input_producer(tf.placeholder(tf.float32, [None, None]))",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code + _COLLECTIONS)


RUNS = [
    # files in order, two epochs, then the input ends (the reader sees the closed queue)
    "q = tf.train.string_input_producer(['a', 'b', 'c'], num_epochs=2, shuffle=False)\n"
    "d = q.dequeue()\nout = []\n"
    "with tf.Session() as s:\n"
    "    s.run(tf.local_variables_initializer())\n"
    "    coord = tf.train.Coordinator()\n"
    "    th = tf.train.start_queue_runners(s, coord)\n"
    "    try:\n"
    "        while True:\n            out.append(s.run(d))\n"
    "    except tf.errors.OutOfRangeError as e:\n"
    "        out.append('end')\n"
    "    coord.request_stop(); coord.join(th)\n"
    "result = out",
    "x, y = tf.train.slice_input_producer([tf.constant([[1, 2], [3, 4], [5, 6]]),"
    " tf.constant(['a', 'b', 'c'])], num_epochs=1, shuffle=False)\n"
    "bx, by = tf.train.batch([x, y], 2, allow_smaller_final_batch=True)\nout = []\n"
    "with tf.Session() as s:\n"
    "    s.run(tf.local_variables_initializer())\n"
    "    coord = tf.train.Coordinator()\n"
    "    th = tf.train.start_queue_runners(s, coord)\n"
    "    try:\n"
    "        while True:\n            out.append(s.run([bx, by]))\n"
    "    except tf.errors.OutOfRangeError:\n        out.append('end')\n"
    "    coord.request_stop(); coord.join(th)\n"
    "result = out",
    "x = tf.train.range_input_producer(4, shuffle=False, num_epochs=1).dequeue()\n"
    "y = tf.py_func(lambda v: np.full(v, v, np.int32), [x], tf.int32)\n"
    "y.set_shape([None])\n"
    "b = tf.train.batch([y], 2, dynamic_pad=True)\nout = []\n"
    "with tf.Session() as s:\n"
    "    s.run(tf.local_variables_initializer())\n"
    "    coord = tf.train.Coordinator()\n"
    "    th = tf.train.start_queue_runners(s, coord)\n"
    "    out = [s.run(b), s.run(b)]\n"
    "    coord.request_stop(); coord.join(th)\n"
    "result = out",
    # shuffled producers: TF's seeded order, epoch after epoch (graph seed or op seed alone)
    "tf.set_random_seed(42)\n"
    "q = tf.train.string_input_producer(['f%d' % i for i in range(8)], seed=7)\n"
    "r = tf.train.range_input_producer(10, seed=3)\n"
    "s = tf.train.slice_input_producer([tf.range(6) * 10, tf.range(6)], seed=5)\n"
    "i = tf.train.input_producer(tf.constant([[1, 2], [3, 4], [5, 6]])).dequeue()\n"
    "d1, d2 = q.dequeue(), r.dequeue()\n"
    "with tf.Session() as sess:\n"
    "    coord = tf.train.Coordinator(); th = tf.train.start_queue_runners(sess, coord)\n"
    "    out = [[sess.run(d1) for _ in range(16)], [sess.run(d2) for _ in range(20)],\n"
    "           [sess.run(s) for _ in range(12)], [sess.run(i) for _ in range(6)]]\n"
    "    coord.request_stop(); coord.join(th)\n"
    "result = out",
    "q = tf.train.string_input_producer(['f%d' % i for i in range(5)], seed=11)\n"
    "d = q.dequeue()\n"
    "with tf.Session() as sess:\n"
    "    coord = tf.train.Coordinator(); th = tf.train.start_queue_runners(sess, coord)\n"
    "    out = [sess.run(d) for _ in range(15)]\n"
    "    coord.request_stop(); coord.join(th)\n"
    "result = out",
    # maybe_batch with a tensor keep_input: the enqueue runs inside a tf.cond
    "x = tf.train.range_input_producer(10, shuffle=False, num_epochs=1).dequeue()\n"
    "b = tf.train.maybe_batch([x, x * 10], tf.equal(x % 3, 0), 2,\n"
    "                         allow_smaller_final_batch=True)\nout = []\n"
    "with tf.Session() as s:\n"
    "    s.run(tf.local_variables_initializer())\n"
    "    coord = tf.train.Coordinator()\n"
    "    th = tf.train.start_queue_runners(s, coord)\n"
    "    try:\n"
    "        while True:\n            out.append(s.run(b))\n"
    "    except tf.errors.OutOfRangeError:\n        out.append('end')\n"
    "    coord.request_stop(); coord.join(th)\n"
    "result = out",
    "x = tf.train.range_input_producer(12, shuffle=False, num_epochs=1).dequeue_many(4)\n"
    "b = tf.train.maybe_shuffle_batch([x], 3, 20, 0, x % 2 > 0, enqueue_many=True, seed=3,\n"
    "                                 allow_smaller_final_batch=True)\nout = []\n"
    "with tf.Session() as s:\n"
    "    s.run(tf.local_variables_initializer())\n"
    "    coord = tf.train.Coordinator()\n"
    "    th = tf.train.start_queue_runners(s, coord)\n"
    "    try:\n"
    "        while True:\n            out.append(sorted(s.run(b).tolist()))\n"
    "    except tf.errors.OutOfRangeError:\n        out.append('end')\n"
    "    coord.request_stop(); coord.join(th)\n"
    "result = [sorted(x for o in out[:-1] for x in o), out[-1]]",
    "k = tf.placeholder(tf.bool, [])\nv = tf.placeholder(tf.int32, [])\n"
    "q = tf.FIFOQueue(5, tf.int32, shapes=[[]])\n"
    "enq = tf.cond(k, lambda: q.enqueue(v * 10), tf.no_op)\n"
    "y = tf.cond(k, lambda: tf.py_func(lambda a: a + 1, [v], tf.int32), lambda: v - 1)\n"
    "with tf.Session() as s:\n"
    "    out = [s.run([enq, y], {k: a, v: b}) for a, b in [(True, 1), (False, 2), (True, 3)]]\n"
    "    out += [s.run(q.size()), s.run(q.dequeue_many(2))]\n"
    "result = out",
    "v = tf.train.limit_epochs(tf.constant(5), 2)\nout = []\n"
    "with tf.Session() as s:\n"
    "    s.run(tf.local_variables_initializer())\n"
    "    out = [s.run(v), s.run(v)]\n"
    "    s.run(v)",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", RUNS)
def test_runs_match_tf(oracle, code):
    there, here = oracle(code), run_here(code)
    if "raises" in there:
        assert "raises" in here and there["raises"] in here["mro"], (here, there)
        assert there["msg"].split("\n\t [[")[0].split("\n")[-1] == \
            here["msg"].split("\n\t [[")[0].split("\n")[-1]
    else:
        assert here == there, (code, here, there)


def test_shuffle_batch_gives_every_element_once_per_epoch(tf):
    x = tf.train.range_input_producer(20, num_epochs=1, seed=4).dequeue()
    b = tf.train.shuffle_batch([x], 5, capacity=12, min_after_dequeue=3, seed=1,
                               allow_smaller_final_batch=True)
    seen = []
    with tf.Session() as s:
        s.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(s, coord)
        with pytest.raises(tf.errors.OutOfRangeError):
            while True:
                seen.extend(s.run(b).tolist())
        coord.request_stop()
        coord.join(threads)
    assert sorted(seen) == list(range(20)) and seen != list(range(20))
