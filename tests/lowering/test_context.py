"""The run context: variables, checks, missing feeds, random keys, TF's error wording."""

import os
import re

import numpy as np
import pytest

from scopeflow import errors
from scopeflow.lowering.context import RunContext, VarRef, run_error, type_name


def test_read_of_an_uninitialized_variable_names_it(tf):
    v = tf.Variable(1.0, name="w")
    ctx = RunContext({}, frozenset(), None)
    ctx.op = v.op
    with pytest.raises(errors.FailedPreconditionError, match="uninitialized value w"):
        ctx.read(VarRef(v.op))


def test_write_then_read_and_is_initialized(tf):
    v = tf.Variable([1.0, 2.0], name="w")
    ctx = RunContext({}, frozenset(), None)
    ref = ctx.ref_for(v.op)
    assert not ctx.is_initialized(ref)
    ctx.write(ref, [3, 4])
    assert ctx.is_initialized(ref) and ctx.read(ref).dtype == np.float32
    assert list(ctx.written) == [v.op] and not ctx.read_ops


def test_static_failed_check_raises_at_once(tf):
    ctx = RunContext({}, frozenset(), None)
    ctx.op = tf.no_op(name="chk")
    ctx.check(np.bool_(True), errors.InvalidArgumentError, "fine")
    with pytest.raises(errors.InvalidArgumentError, match="bad value 3"):
        ctx.check(False, errors.InvalidArgumentError, lambda v: "bad value %d" % v, data=[3])
    assert not ctx.checks


def test_missing_feed_message(tf):
    p = tf.placeholder(tf.float64, [None, 2], name="p")
    q = tf.placeholder(tf.string, name="q")
    ctx = RunContext({}, frozenset(), None)
    ctx.op = p.op
    with pytest.raises(errors.InvalidArgumentError,
                       match=r"placeholder tensor 'p' with dtype double and shape \[\?,2\]"):
        ctx.missing_feed()
    ctx.op = q.op
    with pytest.raises(errors.InvalidArgumentError, match="'q' with dtype string\n"):
        ctx.missing_feed()


def test_run_error_wording(tf):
    c = tf.constant(1.0, name="node")
    e = run_error(errors.InvalidArgumentError, c.op, "boom")
    assert e.op is c.op and e.error_code == errors.INVALID_ARGUMENT
    assert str(e).startswith("Graph execution error:\n\nDetected at node 'node'")
    assert "Node: 'node'\nboom\n\t [[{{node node}}]]" in str(e)


def test_type_names_are_tfs(tf):
    assert [type_name(d) for d in (tf.float32, tf.float64, tf.float16, tf.int64)] == [
        "float", "double", "half", "int64"]


def test_rng_keys_depend_on_seed_and_counter(tf):
    op = tf.no_op()

    def key(seed, count):
        ctx = RunContext({}, frozenset(), np.array([7, count], np.uint32))
        ctx.op = op
        return np.asarray(ctx.rng(seed, 0)).tolist()

    assert key(1, 1) == key(1, 1)
    assert key(1, 1) != key(1, 2) and key(1, 1) != key(2, 1)


def _checked(tf):
    x = tf.placeholder(tf.float32, [None], name="x")
    return x, tf.debugging.check_numerics(x, "bad value", name="chk")  # the defining line


def test_run_error_says_where_the_op_was_defined(tf):
    x, y = _checked(tf)
    line = _checked.__code__.co_firstlineno + 2
    with tf.Session() as s, pytest.raises(errors.InvalidArgumentError) as info:
        s.run(y, {x: [float("nan")]})
    e = info.value
    # as TF 2.21 prints it: the user's frames only (most recent call last), then the node
    here = 'File "%s", line %d, in _checked\n' % (__file__, line)
    assert re.match(r"Graph execution error:\n\nDetected at node 'chk' defined at \(most recent "
                    r"call last\):\n(    File .*\n)+Node: 'chk'\nbad value : Tensor had NaN "
                    r"values\n\t \[\[\{\{node chk\}\}\]\]$", e.message), e.message
    assert "    " + here + "Node: 'chk'\n" in e.message
    assert "scopeflow" + os.sep not in e.message.replace(__file__, "")
    # str() adds the whole defining stack, as TF's OpError.__str__ does
    assert str(e).startswith(e.message + "\n\nOriginal stack trace for 'chk':\n")
    assert "  " + here in str(e)


MISMATCH = """
a = tf.placeholder(tf.float32)
b = tf.placeholder(tf.float32)
result = []
with tf.Session() as s:
    for out in (a * b, tf.squared_difference(a, b), tf.pow(a, b), a / b, a - b):
        try:
            s.run(out, {a: np.ones([4, 2], np.float32), b: np.ones([2, 1], np.float32)})
        except tf.errors.InvalidArgumentError as e:
            result.append(str(e).split("Node: ")[1].split("\\n")[1])
"""


@pytest.mark.parametrize("code", [MISMATCH])
def test_fed_shapes_that_do_not_broadcast_get_tfs_words(oracle, code):
    from tests.oracle import run_here
    here = run_here(code)
    assert here == oracle(code)
    assert here["ok"][0] == "Incompatible shapes: [4,2] vs. [2,1]"
