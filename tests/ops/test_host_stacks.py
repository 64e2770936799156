"""Gradients through a while loop run on the host (a dynamic_size TensorArray) whose body holds
a tf.cond nested in another cond's branch: TF's stack pushes and pops there run only in the
iterations where every cond around them took their branch (ops/host_stacks.py,
lowering/stages._live_when). An inner push ran on its own predicate alone, so in an iteration
where the outer branch was not taken it pushed an extra value (wrong gradients); a pop under
an inner predicate popped as a dead, untaken branch (an empty stack: InvalidArgumentError).
Such dead pops now give values shaped as the stack's top, so the dead gradient values computed
beside live ones (not used) have consistent shapes where the batch size is unknown."""

import numpy as np
import pytest
from approx import agree, explain
from oracle import run_here

LOOP = (
    "x = tf.placeholder(tf.float32, [SIZE])\n"
    "V = tf.Variable([0.5, -0.25])\n"
    "ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)\n"
    "def body(i, h, ta):\n"
    "    u = h * 3.\n"
    "    def outer():\n"
    "        e = tf.sin(U) * 2. + V\n"
    "        return tf.cond(INNER, lambda: tf.tanh(e / (2. + V * V)), lambda: tf.sin(FALSE))\n"
    "    h = tf.cond(OUTER, outer, lambda: h * 1.5)\n"
    "    return i + 1, h, ta.write(i, h)\n"
    "_, h, ta = tf.while_loop(lambda i, h, ta: i < 4, body, (0, x, ta))\n"
    "y = ta.stack()\n"
    "g = tf.gradients(tf.reduce_sum(y * y), [x, V])\n"
    "with tf.Session() as s:\n"
    "    s.run(tf.global_variables_initializer())\n"
    "    result = [s.run([y] + g, {x: [0.3, -1.2]}), s.run(g, {x: [-0.7, 0.4]})]\n")

CASES = {
    # the outer branch not taken in the last iterations (the first of the backward loop)
    "outer_untaken_last": ("i < 2", "i > 0"),
    # ... in the middle, the inner predicate from the values
    "outer_untaken_middle": ("tf.not_equal(i, 2)", "tf.reduce_any(h > 0.4)"),
    # the inner cond always takes one branch
    "inner_always_true": ("i < 2", "i >= 0"),
    # the batch size unknown: the dead pops of the inner gradient cond (popped, not used) keep
    # the shapes of the live values beside them
    # (`u` read in the outer branch only: its gradient in the other is zeros of a pushed shape)
    "batch_size_unknown": ("i < 2", "i > 0", "None", "e * V", "u"),
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(CASES))
def test_nested_cond_in_host_loop_gradient_matches_tf(oracle, name):
    outer, inner, size, false, u = (CASES[name] + ("2", "e * V", "h"))[:5]
    code = LOOP.replace("OUTER", outer).replace("INNER", inner).replace("SIZE", size).replace(
        "FALSE", false).replace("(U)", "(%s)" % u)
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there, 1e-5), explain(code, here, there)


# a loop run on the host (a dynamic_size TensorArray written) gathering rows of a variable: its
# gradient loop grows an IndexedSlices accumulator by each iteration's rows and pops the
# array's flow pushed in each forward iteration (host_accumulators, _flow_of)
GATHER_LOOP = (
    "n = tf.placeholder(tf.int32, [])\n"
    "emb = tf.Variable(np.arange(12, dtype=np.float32).reshape(6, 2) / 10.)\n"
    "ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)\n"
    "def body(i, h, ta):\n"
    "    e = tf.nn.embedding_lookup(emb, tf.math.floormod(i + tf.range(3), 6))\n"
    "    h = tf.tanh(h * 0.5 + e)\n"
    "    return i + 1, h, ta.write(i, h)\n"
    "_, h, ta = tf.while_loop(lambda i, h, ta: i < n, body, (0, tf.zeros([3, 2]), ta))\n"
    "g = tf.gradients(tf.reduce_sum(ta.stack() ** 2), [emb])[0]\n"
    "parts = [tf.convert_to_tensor(g), g.indices, g.values]\n")


@pytest.mark.oracle
def test_gather_in_host_loop_gradient_matches_tf(oracle):
    code = GATHER_LOOP + (
        "with tf.Session() as s:\n"
        "    s.run(tf.global_variables_initializer())\n"
        "    result = [s.run(parts, {n: k}) for k in (1, 3, 7)]\n")
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert here == there


def test_gather_in_host_loop_gradient_compiles_once_per_step_not_per_iteration(tf):
    """Each backward iteration's compiled step neither takes the grown accumulator (its concat
    runs on the host) nor the forward array's elements (the popped flow holds none): a longer
    loop compiles no program per iteration."""
    from scopeflow.lowering import cache
    space = {"tf": tf, "np": np}
    exec(GATHER_LOOP, space)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        compiles, got = [], []
        for k in (3, 12):
            before = cache.stats["compiles"]
            got.append(s.run(space["parts"][0], {space["n"]: k}))
            compiles.append(cache.stats["compiles"] - before)
    assert compiles[1] <= 3, compiles  # (the programs around the loop: another array size)
    assert got[1].shape == (6, 2) and np.all(np.isfinite(got[1]))
