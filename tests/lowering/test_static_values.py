"""Values that set a shape, a size or an axis: fed ones are compiled into the signature,
computed ones (variables, random ops) come from an earlier compiled step."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scopeflow.lowering import cache
from tests.oracle import run_here, same

PROGRAMS = [
    "p = tf.placeholder(tf.int32, [2]); x = tf.reshape(tf.range(6), p); "
    "result = [sess.run(x, {p: [2, 3]}), sess.run(x, {p: [3, 2]}), sess.run(x, {p: [-1, 1]})]",
    "p = tf.placeholder(tf.int32, [None]); z = tf.zeros(p); o = tf.ones(p, tf.int32); "
    "result = [sess.run([z, o], {p: [1, 2]}), sess.run(z, {p: [0, 3]})]",
    "n = tf.placeholder(tf.int32, []); result = [sess.run([tf.range(n), tf.range(n, 10, 3), "
    "tf.one_hot([0, 2], n), tf.tile([1, 2], tf.stack([n]))], {n: k}) for k in (2, 4)]",
    "b = tf.placeholder(tf.int32, [2]); s = tf.placeholder(tf.int32, [2]); "
    "x = tf.reshape(tf.range(12), [3, 4]); result = sess.run(tf.slice(x, b, s), "
    "{b: [1, 1], s: [2, -1]})",
    "b = tf.placeholder(tf.int32, [2]); x = tf.reshape(tf.range(12), [3, 4]); "
    "result = [sess.run(tf.slice(x, b, [-1, 2]), {b: [1, 1]}), "
    "sess.run(tf.slice(x, b, [2, -1]), {b: [0, 3]})]",
    "sz = tf.placeholder(tf.int32, [3]); parts = tf.split(tf.range(6), sz); "
    "result = sess.run(parts, {sz: [1, 2, 3]})",
    "a = tf.placeholder(tf.int32, []); x = tf.ones([2, 3]); "
    "result = sess.run([tf.reduce_sum(x, a), tf.concat([x, x], a), tf.expand_dims(x, a)], "
    "{a: 1})",
    "p = tf.placeholder(tf.int32, [2]); x = tf.reshape(tf.range(6), p); "
    "result = sess.run(x, {p: [4, 2]})",
]


def _wrap(code):
    return "sess = tf.Session()\n" + code + "\nsess.close()"


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_fed_values_that_set_shapes_match_tf(oracle, code):
    there, here = oracle(_wrap(code)), run_here(_wrap(code))
    if "raises" in there:
        assert same(here, there), (here, there)
    else:
        assert here == there


def test_one_compile_per_distinct_value(tf):
    p = tf.placeholder(tf.int32, [])
    q = tf.placeholder(tf.float32, [])
    z = tf.reduce_sum(tf.ones(tf.stack([p, 2])) * q)
    with tf.Session() as s:
        before = cache.stats["compiles"]
        assert [s.run(z, {p: k, q: 1.0}) for k in (1, 2, 1, 2, 3)] == [2, 4, 2, 4, 6]
        assert cache.stats["compiles"] == before + 3


def test_shapes_from_variables_and_random_values(tf):
    v = tf.Variable(3)
    z = tf.zeros(tf.stack([v, 2]))
    r = tf.random_uniform([], 1, 5, dtype=tf.int32)
    w = tf.ones(tf.stack([r]))
    with tf.Session() as s:
        s.run(v.initializer)
        assert s.run(z).shape == (3, 2)
        s.run(tf.assign(v, 1))
        assert s.run(z).shape == (1, 2)
        for _ in range(3):
            rv, wv = s.run([r, w])  # one draw per run, the same one for both fetches
            assert wv.shape == (rv,)


def test_a_value_changing_in_a_loop_is_refused_clearly(tf):
    def body(i, acc):
        return i + 1, acc + tf.reduce_sum(tf.ones(tf.stack([i])))

    out = tf.while_loop(lambda i, a: i < 3, body, [tf.constant(1), tf.constant(0.0)])
    with tf.Session() as s:
        try:
            s.run(out)
        except tf.errors.OpError as e:
            assert "compiled" in str(e) or "static" in str(e)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=3))
def test_fed_shapes_give_numpy_results(dims):
    import scopeflow.compat.v1 as tf
    tf.reset_default_graph()
    p = tf.placeholder(tf.int32, [None])
    x = tf.reshape(tf.range(tf.reduce_prod(p)), p)
    with tf.Session() as s:
        got = s.run(x, {p: dims})
    np.testing.assert_array_equal(got, np.arange(int(np.prod(dims))).reshape(dims))


RECORDS = """
import os, tempfile
import numpy as np
tf.set_random_seed(5)
path = os.path.join(tempfile.mkdtemp(), "records.bin")
rng = np.random.RandomState(0)
open(path, "wb").write(rng.randint(0, 256, (6, 1 + 4 * 4 * 3)).astype(np.uint8).tobytes())
reader = tf.FixedLengthRecordReader(record_bytes=1 + 4 * 4 * 3)
_, value = reader.read(tf.train.string_input_producer([path], shuffle=False))
data = tf.decode_raw(value, tf.uint8)
label = tf.cast(tf.strided_slice(data, [0], [1]), tf.int32)
image = tf.reshape(tf.strided_slice(data, [1], [1 + 4 * 4 * 3]), [4, 4, 3])
crop = tf.random_crop(tf.cast(image, tf.float32), [2, 3, 3])
sess = tf.Session()
coord = tf.train.Coordinator()
threads = tf.train.start_queue_runners(sess=sess, coord=coord)
RUNS
coord.request_stop(); coord.join(threads); sess.close()
"""


def test_a_reader_pipelines_records_are_not_compiled_in(oracle, tf):
    """cifar10_input's preprocessing: the record's bytes (uint8, an integer type) and
    random_crop's offset reach the compiled step from the host step; only the bounds and sizes
    the graph fixes are compiled in, so each record runs in the same program (each compiled
    anew before), with TF's values."""
    code = RECORDS.replace("RUNS", "result = [sess.run([crop, label]) for _ in range(4)]")
    here, there = run_here(code), oracle(code)
    assert here == there
    exec(RECORDS.replace("RUNS", "sess.run([crop, label]); sess.run([crop, label])\n"
                         "n = cache.stats['traces']\n"
                         "[sess.run([crop, label]) for _ in range(3)]\n"
                         "assert cache.stats['traces'] == n, cache.stats['traces'] - n"),
         {"tf": tf, "cache": cache})
