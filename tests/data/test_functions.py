"""Traced tf.data functions: argument names, captures (nested too), outputs, per-element runs."""

import numpy as np
import pytest

from scopeflow.data.functions import FuncGraph, trace
from scopeflow.data.structure import TensorSpec


def test_arguments_and_outputs(tf):
    f = trace(lambda a, b: (a + 1, {"s": tf.strings.join([b, b])}),
              (TensorSpec([], tf.int32), TensorSpec([], tf.string)))
    assert [t.name for t in f.args] == ["args_0:0", "args_1:0"]
    assert isinstance(f.graph, FuncGraph) and f.graph is not tf.get_default_graph()
    out = f.bind([])((np.int32(1), np.asarray(b"x", dtype=object)))
    assert int(out[0]) == 2 and out[1] == b"xx"
    assert tf.get_default_graph().get_operations() == []  # nothing leaks into the outer graph


def test_captures_become_inputs(tf):
    c = tf.constant(5, tf.int64, name="c")
    v = tf.placeholder(tf.int64, [], name="v")
    f = trace(lambda x: x * c + v + c, TensorSpec([], tf.int64))
    assert f.captured == [c, v]  # each outside tensor captured once, in order
    assert f.bind([np.int64(5), np.int64(100)])((np.int64(2),))[0] == 115


def test_nested_function_captures_through_its_parent(tf):
    c = tf.constant(3, tf.int64, name="c")
    ds = tf.data.Dataset.range(2).flat_map(
        lambda x: tf.data.Dataset.range(2).map(lambda y: x * 10 + y * c))
    assert ds._variant_tensor.op.inputs[1] is c
    nxt = tf.data.make_one_shot_iterator(ds).get_next()
    with tf.Session() as sess:
        assert [int(sess.run(nxt)) for _ in range(4)] == [0, 3, 10, 13]


def test_dataset_functions_must_return_datasets(tf):
    with pytest.raises(TypeError, match="must return a `Dataset` object"):
        tf.data.Dataset.range(2).flat_map(lambda x: x)


def test_filter_predicate_must_be_a_bool_scalar(tf):
    with pytest.raises(ValueError, match="must return a `tf.bool` scalar"):
        tf.data.Dataset.range(2).filter(lambda x: x)


def test_variables_are_read_at_run_time(tf):
    w = tf.Variable(2, dtype=tf.int64, name="w")
    ds = tf.data.Dataset.range(3).map(lambda x: x * w)
    it = tf.data.make_initializable_iterator(ds)
    nxt = it.get_next()
    with tf.Session() as sess:
        sess.run(w.initializer)
        sess.run(it.initializer)
        assert int(sess.run(nxt)) == 0 and int(sess.run(nxt)) == 2
        sess.run(w.assign(10))
        sess.run(it.initializer)  # captured values are taken when the iterator starts
        assert [int(sess.run(nxt)) for _ in range(3)] == [0, 10, 20]


@pytest.mark.parametrize("fn, elementwise", [
    (lambda x: x + x, True),
    (lambda x: (x, tf_cast_half(x)), True),
    (lambda x: x * 2 - 1, True),
    (lambda x: 7, False),  # no batch dimension to carry
    (lambda x: x * np.array([1, 2], np.int64), False),  # a non-scalar constant: not trusted
])
def test_elementwise_functions_run_once_per_batch(tf, fn, elementwise):
    ds = tf.data.Dataset.range(5).map(lambda v: tf.fill([2], v)).map(fn)
    traced = ds._variant_tensor.op._attrs["f"]
    assert traced.elementwise() is elementwise
    nxt = tf.data.make_one_shot_iterator(ds.batch(2)).get_next()
    expected = [[fn_np(fn, np.full([2], v, np.int64)) for v in vs] for vs in ([0, 1], [2, 3], [4])]
    with tf.Session() as sess:
        for want in expected:
            got = sess.run(nxt)
            want = tuple(np.stack(w) for w in zip(*want)) if isinstance(want[0], tuple) \
                else np.stack(want)
            np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(want, float))


def tf_cast_half(x):
    import scopeflow.compat.v1 as tf
    return tf.cast(x, tf.float32) * 0.5


def fn_np(fn, v):
    """`fn` on one element through a Session (the per-element reference)."""
    import scopeflow.compat.v1 as tf
    with tf.Graph().as_default(), tf.Session() as sess:
        out = fn(tf.constant(v))
        return sess.run(out) if not isinstance(out, int) else out
