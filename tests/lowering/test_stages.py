"""Runs with host ops: compiled stages and host steps, each op once per run."""

import numpy as np
import pytest

from scopeflow import errors
from scopeflow.lowering import cache
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops.registry import op

CALLS = []


def _never(*args, **kwargs):
    raise AssertionError("a host op reached the compiled program")


@op("TestHostTwice", infer=lambda x: (x.shape, x.dtype.base_dtype))
def host_twice(x):
    return _never()


@op("TestHostFail", infer=lambda x: (x.shape, x.dtype.base_dtype), stateful=True)
def host_fail(x):
    return _never()


@host_kernel("TestHostTwice")
def _twice(ctx, op, x):
    CALLS.append(op.name)
    return [np.asarray(x) * 2]


@host_kernel("TestHostFail")
def _fail(ctx, op, x):
    if np.any(np.asarray(x) < 0):
        raise errors.InvalidArgumentError(None, op, "negative input to %s" % op.name)
    return [np.asarray(x)]


def test_host_op_between_compiled_stages(tf):
    p = tf.placeholder(tf.float32, [None])
    y = host_twice(p + 1.0)
    z = y * 3.0
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(z, {p: [1.0, 2.0]}), [12.0, 18.0])
        np.testing.assert_allclose(s.run([y, z], {p: [0.0]})[0], [2.0])


def test_a_value_made_before_the_host_op_is_the_same_after_it(tf):
    r = tf.random_uniform([4])
    y = host_twice(r)
    with tf.Session() as s:
        rv, yv, d = s.run([r, y, y - 2.0 * r])
    np.testing.assert_allclose(yv, 2 * rv)
    np.testing.assert_allclose(d, 0.0, atol=1e-6)


def test_stateful_ops_run_once_per_run(tf):
    v = tf.Variable(0.0)
    inc = tf.assign_add(v, 1.0)
    y = host_twice(inc)
    with tf.control_dependencies([y]):
        out = tf.identity(v.read_value())
    with tf.Session() as s:
        s.run(v.initializer)
        del CALLS[:]
        assert s.run([y, out]) == [2.0, 1.0]
        assert s.run(out) == 2.0
        assert len(CALLS) == 2


def test_fetching_a_host_op_alone_compiles_nothing(tf):
    y = host_twice(tf.placeholder(tf.int32, [2]))
    with tf.Session() as s:
        before = cache.stats["compiles"]
        assert s.run(y, {y.op.inputs[0]: [1, 2]}).tolist() == [2, 4]
        s.run(y.op, {y.op.inputs[0]: [1, 2]})
        assert cache.stats["compiles"] == before


def test_host_errors_reach_the_caller_and_the_session_stays_usable(tf):
    p = tf.placeholder(tf.float32, [])
    y = host_fail(p) + 1.0
    with tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError, match="negative input"):
            s.run(y, {p: -1.0})
        assert s.run(y, {p: 2.0}) == 3.0


def test_two_host_ops_in_a_chain(tf):
    p = tf.placeholder(tf.float32, [])
    y = host_twice(host_twice(p) + 1.0) - 1.0
    with tf.Session() as s:
        assert s.run(y, {p: 1.0}) == 5.0


@op("TestHostStrings", infer=lambda x: (x.shape, x.dtype.base_dtype))
def host_strings(x):
    return _never()


@host_kernel("TestHostStrings")
def _strings(ctx, op, x):
    assert isinstance(x, np.ndarray) and x.dtype == object
    assert all(type(e) is bytes for e in x.reshape(-1))
    return [x]


def test_host_kernels_take_strings_as_bytes_arrays(tf):
    p = tf.placeholder(tf.string, [None])
    q = tf.placeholder(tf.string, [])
    with tf.Session() as s:
        assert s.run(host_strings(p), {p: ["a", "bc"]}).tolist() == [b"a", b"bc"]
        assert s.run(host_strings(q), {q: "x"}) == b"x"
        made = tf.strings.join([q, q]) if hasattr(tf, "strings") else q
        assert s.run(host_strings(made), {q: "y"}) in (b"yy", b"y")


def test_a_host_op_inside_a_cond_runs_only_in_the_taken_branch(tf):
    calls = []

    def count(v):
        calls.append(float(v))
        return v

    p = tf.placeholder(tf.bool, [])
    x = tf.placeholder(tf.float32, [])
    out = tf.cond(p, lambda: host_twice(x * 1.0) + 1.0, lambda: x)
    inner = tf.cond(p, lambda: tf.cond(x > 0, lambda: tf.py_func(count, [x], tf.float32),
                                       lambda: x * 3.0), lambda: x - 1.0)
    with tf.Session() as s:
        assert s.run(out, {p: True, x: 1.0}) == 3.0
        assert s.run(out, {p: False, x: 1.0}) == 1.0
        got = [s.run(inner, {p: a, x: b}) for a, b in [(True, 2.), (True, -1.), (False, 5.)]]
        assert got == [2.0, -3.0, 4.0] and calls == [2.0]
        assert s.run(x * 2.0, {x: 1.0}) == 2.0


def test_a_host_op_inside_a_while_loop_is_refused_clearly(tf):
    x = tf.placeholder(tf.float32, [])
    out = tf.while_loop(lambda v: v < 10.0, lambda v: host_twice(v), [x])
    with tf.Session() as s:
        with pytest.raises(tf.errors.UnimplementedError, match="inside tf.cond or tf.while"):
            s.run(out, {x: 1.0})
        assert s.run(x * 2.0, {x: 1.0}) == 2.0


def test_iterator_wait_past_the_deadline_cancels_the_iterator(oracle):
    """TF 2.21: DeadlineExceeded without a node, then the iterator is at its end."""
    from oracle import run_here
    code = (
        "import time\n"
        "def gen():\n"
        "    for i in range(3):\n        time.sleep(0.4)\n        yield i\n"
        "nxt = tf.data.make_one_shot_iterator(tf.data.Dataset.from_generator(\n"
        "    gen, tf.int64, [])).get_next()\nout = []\n"
        "with tf.Session() as s:\n"
        "    for _ in range(3):\n"
        "        try:\n"
        "            out.append(int(s.run(nxt, options=tf.RunOptions(timeout_in_ms=50))))\n"
        "        except tf.errors.OpError as e:\n"
        "            out.append(type(e).__name__)\n"
        "            if 'Deadline' in type(e).__name__: out.append(e.message)\n"
        "result = out")
    there, here = oracle(code), run_here(code)
    assert here == there, (here, there)
    assert here["ok"] == ["DeadlineExceededError", "Graph execution error:\n\nTimed out waiting "
                          "for notification", "OutOfRangeError", "OutOfRangeError"]
