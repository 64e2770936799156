"""TF's build-time check of where an op's inputs come from (a loop's values stay in the loop):
the ValueError, its message, and the uses TF allows; against TF."""

import pytest
from oracle import run_here

_WHILE_TENSOR = (
    "held = []\n"
    "def body(i):\n"
    "    if not held:\n"
    "        held.append(tf.constant(1))\n"
    "    return i + held[0]\n"
    "tf.while_loop(lambda i: i < 10, body, [0])\n"
    "inner = held[0]\n"
    "def attempt(f):\n"
    "    try:\n"
    "        f()\n"
    "        return 'ok'\n"
    "    except ValueError as e:\n"
    "        return str(e)\n")

PROGRAMS = {
    # an op outside any loop reads a loop body's value
    "outside": _WHILE_TENSOR + "result = [attempt(lambda: tf.add(1, inner)),\n"
                               "          'Add' in [o.name for o in tf.get_default_graph()"
                               ".get_operations()]]\n",
    "in_cond": _WHILE_TENSOR + "result = attempt(lambda: tf.cond(tf.less(1, 2), "
                               "lambda: tf.add(1, inner), lambda: tf.constant(0)))\n",
    "in_other_loop": _WHILE_TENSOR + (
        "result = [attempt(lambda: tf.while_loop(lambda i: i < 10, "
        "lambda x: tf.add(1, inner), [0])),\n"
        "          attempt(lambda: tf.while_loop(lambda i: i < 10, lambda i: inner, [0]))]\n"),
    "nested_in_cond": (
        "def true_fn():\n" + "".join("    " + line + "\n" for line in
                                    _WHILE_TENSOR.splitlines()) +
        "    return tf.while_loop(lambda i: i < 3, lambda i: i + inner, [0])\n"
        "try:\n"
        "    tf.cond(tf.less(1, 2), true_fn, lambda: tf.constant(0))\n"
        "    result = 'ok'\n"
        "except ValueError as e:\n"
        "    result = str(e)\n"),
    # allowed: a cond branch's value outside the cond; a loop's value in a loop nested in it;
    # the loop's result (its Exit)
    "valid": (
        "box = []\n"
        "def t():\n"
        "    box.append(tf.constant(1))\n"
        "    return box[0]\n"
        "tf.cond(tf.less(1, 2), t, lambda: tf.constant(0))\n"
        "a = tf.add(1, box[0])\n"
        "def body(j):\n"
        "    c = tf.constant(1)\n"
        "    return j + tf.while_loop(lambda i: i < 3, lambda i: i + c, [0])\n"
        "r = tf.while_loop(lambda i: i < 5, body, [0])\n"
        "with tf.Session() as s:\n"
        "    result = s.run([a, r + 1])\n"),
    # a loop's gradient reads the forward loop's values (TF's gradient-context cases)
    "gradient": (
        "x = tf.constant(2.0)\n"
        "def body(i, v):\n"
        "    inner = tf.while_loop(lambda j, w: j < 2, lambda j, w: (j + 1, w * x), [0, v])\n"
        "    return i + 1, inner[1]\n"
        "r = tf.while_loop(lambda i, v: i < 2, body, [0, x])\n"
        "g = tf.gradients(r[1], x)\n"
        "with tf.Session() as s:\n"
        "    result = s.run(g)\n"),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_like_tf(oracle, name):
    code = PROGRAMS[name]
    assert run_here(code) == oracle(code)


def test_message():
    got = run_here(PROGRAMS["in_other_loop"])["ok"]
    assert got == ["Cannot use 'while/Const_1' as input to 'while_1/Add' because they are in "
                   "different while loops. See info log for more details.",
                   "Cannot use 'while/Const_1' as input to 'while_2/NextIteration' because they "
                   "are in different while loops. See info log for more details."]
