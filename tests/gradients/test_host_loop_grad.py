"""Gradients through a tf.while_loop whose body holds a data-dependent host op (tf.boolean_mask,
tf.unique + gather, one-argument tf.where, tf.py_func behind tf.stop_gradient, a nested loop):
the forward loop and its gradient loop run on the host, the stacks between them as host
values (ops/host_stacks.py); stacks of compiled loops carried across the steps of a run split
around a host op; fetched IndexedSlices accumulators (no padding rows, a loop that ran no
iteration, and densified: TF's error); values and training steps against TF."""

import pytest
from approx import agree, explain
from oracle import run_here

# a loop gathering rows of a variable, its trip count fed (0: no iteration), and the
# IndexedSlices gradient `g` it accumulates
ZERO_ITER_LOOP = (
    'w = tf.Variable([[1., 2.], [3., -1.], [0.5, 0.5]])\n'
    'n = tf.placeholder(tf.int32, [])\n'
    'def body(i, a):\n'
    '    return i + 1, a + tf.reduce_sum(tf.gather(w, [i, 2]) * a, 0)\n'
    '_, y = tf.while_loop(lambda i, a: i < n, body, [0, tf.ones([2])])\n'
    'loss = tf.reduce_sum(y * y)\n'
    'g = tf.gradients(loss, w)[0]\n')

RUN = ("with tf.Session() as s:\n"
       "    s.run(tf.global_variables_initializer())\n")

PROGRAMS = {
    # boolean_mask of the loop value: a mask of another size each iteration and each run
    "boolean_mask": (
        "x = tf.placeholder(tf.float32, [2, 3])\n"
        "def body(i, a):\n"
        "    return i + 1, a * 1.5 + tf.reduce_sum(tf.boolean_mask(a, a > 2.) ** 2) * 0.1\n"
        "_, y = tf.while_loop(lambda i, a: i < 3, body, [0, x])\n"
        "g = tf.gradients(tf.reduce_sum(y * y), x)\n"
        "with tf.Session() as s:\n"
        "    result = [s.run([y, g], {x: [[1., 2., 3.], [-1., 4., 0.5]]}),"
        " s.run(g, {x: [[3., 3., 3.], [3., 3., 3.]]}), s.run(g, {x: [[0., 0., 0.], [0., 0., 0.]]})]"),
    # unique + gather of a variable: an IndexedSlices gradient accumulated over iterations;
    # two training steps
    "unique_gather": (
        "w = tf.Variable([[1., 2.], [3., -1.], [0.5, 0.5], [2., 1.]])\n"
        "ids = tf.placeholder(tf.int32, [None])\n"
        "def body(i, a):\n"
        "    u, _ = tf.unique(ids + i)\n"
        "    rows = tf.gather(w, tf.minimum(u, 3))\n"
        "    return i + 1, a + tf.reduce_sum(tf.tanh(rows * a), 0)\n"
        "_, y = tf.while_loop(lambda i, a: i < 3, body, [0, tf.ones([2])])\n"
        "loss = tf.reduce_sum(y * y)\n"
        "g = tf.gradients(loss, [w])\n"
        "train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n" + RUN +
        "    r = [s.run([y, tf.convert_to_tensor(g[0])], {ids: [0, 1, 1, 0]})]\n"
        "    s.run(train, {ids: [2, 2, 0]}); s.run(train, {ids: [1]})\n"
        "    result = r + [s.run(w)]"),
    # py_func whose result reaches the loss only through stop_gradient
    "py_func_stop_gradient": (
        "x = tf.placeholder(tf.float32, [3])\n"
        "def body(i, a):\n"
        "    k = tf.py_func(lambda v: np.float32(np.abs(v).max()), [a], tf.float32)\n"
        "    k.set_shape([])\n"
        "    return i + 1, tf.sin(a) * tf.stop_gradient(k) + a\n"
        "_, y = tf.while_loop(lambda i, a: i < 4, body, [0, x])\n"
        "g = tf.gradients(tf.reduce_sum(y), x)\n"
        "with tf.Session() as s:\n"
        "    result = s.run([y, g], {x: [0.5, -1., 2.]})"),
    # one-argument where + scatter_nd, a fed trip count (none, and more than the data has)
    "where_fed_count": (
        "x = tf.placeholder(tf.float32, [None])\n"
        "n = tf.placeholder(tf.int32, [])\n"
        "def body(i, a):\n"
        "    idx = tf.where(a > 0.)[:, 0]\n"
        "    upd = tf.gather(a, idx) ** 2\n"
        "    return i + 1, a - 0.3 * tf.scatter_nd(idx[:, None], upd,"
        " tf.shape(a, out_type=tf.int64))\n"
        "_, y = tf.while_loop(lambda i, a: i < n, body, [0, x])\n"
        "g = tf.gradients(tf.reduce_sum(y * y), x)\n"
        "with tf.Session() as s:\n"
        "    result = [s.run([y, g], {x: [1., -2., 0.5, 2.], n: 3}), s.run(g, {x: [1.], n: 0}),"
        " s.run(g, {x: [0.2, 0.4], n: 5})]"),
    # a masking loop inside a loop: the inner trip counts pushed by the outer loop
    "nested": (
        "x = tf.placeholder(tf.float32, [4])\n"
        "def inner(j, b):\n"
        "    return j + 1, b * 0.9 + tf.reduce_mean(tf.boolean_mask(b, b > 0.))\n"
        "def outer(i, a):\n"
        "    _, b = tf.while_loop(lambda j, b: j < 2, inner, [0, a])\n"
        "    return i + 1, tf.tanh(b) + a\n"
        "_, y = tf.while_loop(lambda i, a: i < 3, outer, [0, x])\n"
        "g = tf.gradients(tf.reduce_sum(y * y), x)\n"
        "with tf.Session() as s:\n"
        "    result = s.run([y, g], {x: [1., -0.5, 0.3, 2.]})"),
}

# values of loops run compiled that cross the steps of a run split around a host op, and
# fetched IndexedSlices accumulators, as TF has them
STEPS = {
    'stack_across_host': (
        'x = tf.placeholder(tf.float32, [3])\n'
        '_, y = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, tf.sin(a) * a), [0, x])\n'
        'k = tf.py_func(lambda v: np.float32(np.abs(v).sum()), [y], tf.float32)\n'
        'k.set_shape([])\n'
        'loss = tf.reduce_sum(y * y) * tf.stop_gradient(k)\n'
        'g = tf.gradients(loss, x)\n'
        'with tf.Session() as s:\n'
        '    result = s.run([loss, g], {x: [0.5, -1., 2.]})'),
    'stack_across_host_fed': (
        'x = tf.placeholder(tf.float32, [None, 2])\n'
        'w = tf.Variable([[0.5, -0.2], [0.1, 0.9]])\n'
        'n = tf.placeholder(tf.int32, [])\n'
        'def body(i, a):\n'
        '    return i + 1, tf.reshape(tf.sigmoid(tf.matmul(a, w)), tf.shape(a)) * 2.\n'
        '_, y = tf.while_loop(lambda i, a: i < n, body, [0, x])\n'
        'k = tf.py_func(lambda v: np.float32(np.abs(v).sum()), [y], tf.float32)\n'
        'k.set_shape([])\n'
        'loss = tf.reduce_sum(y * y) * tf.stop_gradient(k)\n'
        'train = tf.train.AdamOptimizer(0.1).minimize(loss)\n'
        'g = tf.gradients(loss, [x, w])\n'
        'with tf.Session() as s:\n'
        '    s.run(tf.global_variables_initializer())\n'
        '    r = s.run(g, {x: [[1., -0.5], [0.3, 0.2], [2., 1.]], n: 3})\n'
        '    s.run(train, {x: [[1., -0.5]], n: 2})\n'
        '    result = [r, s.run(w)]'),
    # a fed trip count past the 64 slots a growable stack starts with: the stage pushing
    # overflows, gets more slots and runs again (the host op after it runs once)
    'stack_overflow_across_host': (
        'x = tf.placeholder(tf.float32, [2])\n'
        'w = tf.Variable([[0.5, -0.2], [0.1, 0.9]])\n'
        'n = tf.placeholder(tf.int32, [])\n'
        'def body(i, a):\n'
        '    return i + 1, tf.tanh(tf.matmul(a[None], w)[0]) * 0.9 + a * 0.2\n'
        '_, y = tf.while_loop(lambda i, a: i < n, body, [0, x])\n'
        'calls = []\n'
        'def count(v):\n'
        '    calls.append(1)\n'
        '    return np.float32(np.abs(v).sum())\n'
        'k = tf.py_func(count, [y], tf.float32)\n'
        'k.set_shape([])\n'
        'loss = tf.reduce_sum(y * y) * tf.stop_gradient(k)\n'
        'train = tf.train.AdamOptimizer(0.1).minimize(loss)\n'
        'g = tf.gradients(loss, [x, w])\n'
        'with tf.Session() as s:\n'
        '    s.run(tf.global_variables_initializer())\n'
        '    r = [s.run([loss, g], {x: [1., -0.5], n: k}) for k in (3, 100, 300, 5)]\n'
        '    s.run(train, {x: [1., -0.5], n: 200})\n'
        '    result = [r, s.run(w), len(calls)]'),
    'indexed_slices_fetch': (
        'w = tf.Variable([[1., 2.], [3., -1.], [0.5, 0.5], [2., 1.]])\n'
        'def body(i, a):\n'
        '    return i + 1, a + tf.reduce_sum(tf.gather(w, [i, i + 1]) * a, 0)\n'
        '_, y = tf.while_loop(lambda i, a: i < 2, body, [0, tf.ones([2])])\n'
        'g = tf.gradients(tf.reduce_sum(y * y), w)[0]\n'
        'with tf.Session() as s:\n'
        '    s.run(tf.global_variables_initializer())\n'
        '    v = s.run(g)\n'
        '    result = [type(g).__name__, v.values.tolist(), v.indices.tolist(),'
        ' v.dense_shape.tolist()]'),
    'zero_iter_gather': ZERO_ITER_LOOP + (
        'train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n'
        'with tf.Session() as s:\n'
        '    s.run(tf.global_variables_initializer())\n'
        '    r = []\n'
        '    for k in (0, 2, 0, 1):\n'
        '        v = s.run(g, {n: k})\n'
        '        r.append([v.values.tolist(), v.indices.tolist(), v.dense_shape.tolist()])\n'
        '    s.run(train, {n: 0}); r.append(s.run(w).tolist())\n'
        '    s.run(train, {n: 2}); r.append(s.run(w).tolist())\n'
        '    result = r'),
    # densifying the accumulated gradient of a loop that ran no iteration: TF's accumulator
    # keeps its padding row (index 0) against a dense shape of 0 rows, so UnsortedSegmentSum
    # fails; the session runs on (a densified gradient after 1 iteration, a training step)
    'zero_iter_densify': ZERO_ITER_LOOP + (
        'd = tf.convert_to_tensor(g)\n'
        'u = tf.math.unsorted_segment_sum(g.values, g.indices, 3)\n'
        'train = tf.train.AdamOptimizer(0.1).minimize(loss)\n'
        'def err(t, k):\n'
        '    try:\n'
        '        return s.run(t, {n: k})\n'
        '    except tf.errors.OpError as e:\n'
        '        lines = str(e).splitlines()\n'
        '        i = [j for j, ln in enumerate(lines) if ln.startswith("Node: ")][0]\n'
        '        return [type(e).__name__, lines[i], lines[i + 1]]\n'
        'with tf.Session() as s:\n'
        '    s.run(tf.global_variables_initializer())\n'
        '    r = [err(d, 0), err(u, 0), err(d, 1), err(d, 0)]\n'
        '    s.run(train, {n: 0}); r.append(s.run(w))\n'
        '    result = r + [err(d, 2)]'),
    # infer_shape=False arrays split and concatenated in pieces of different lengths: the
    # gradient splits by the concat's lengths (TensorArrayConcat / TensorArraySplit gradients)
    'ta_ragged_split_concat': (
        'x = tf.placeholder(tf.float32, [6, 2])\n'
        'ta = tf.TensorArray(tf.float32, 3, infer_shape=False).split(x * 2., [1, 2, 3])\n'
        'y = tf.TensorArray(tf.float32, 3, infer_shape=False).write(0, ta.read(2))'
        '.write(1, ta.read(0) * 3.).write(2, tf.tanh(ta.read(1))).concat()\n'
        'g = tf.gradients(tf.reduce_sum(y * y), x)\n'
        'with tf.Session() as s:\n'
        '    result = s.run([y, g], {x: np.arange(12, dtype=np.float32).reshape(6, 2) / 10})'),
    # the same in a loop run on the host (a py_func in its body): the gradient flows of the
    # array read in the loop, summed per element
    'ta_ragged_host_loop': (
        'x = tf.placeholder(tf.float32, [6, 2])\n'
        'ta = tf.TensorArray(tf.float32, 3, infer_shape=False).split(x, [1, 2, 3])\n'
        'def body(i, out):\n'
        '    e = ta.read(i)\n'
        '    k = tf.py_func(lambda v: np.float32(np.abs(v).max()), [e], tf.float32)\n'
        '    k.set_shape([])\n'
        '    return i + 1, out.write(i, tf.tanh(e) * tf.stop_gradient(k))\n'
        '_, out = tf.while_loop(lambda i, o: i < 3, body,\n'
        '                     (0, tf.TensorArray(tf.float32, 3, infer_shape=False)))\n'
        'y = out.concat()\n'
        'g = tf.gradients(tf.reduce_sum(y * y), x)\n'
        'with tf.Session() as s:\n'
        '    result = s.run([y, g], {x: np.arange(12, dtype=np.float32).reshape(6, 2) / 10})'),
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(PROGRAMS) + sorted(STEPS))
def test_loop_gradient_matches_tf(oracle, name):
    code = PROGRAMS.get(name) or STEPS[name]
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there), explain(code, here, there)


def test_host_loop_stacks_run_on_host():
    """The stacks between a host-run loop and its gradient loop are host ops; a compiled
    loop's stay compiled."""
    import scopeflow.compat.v1 as tf
    from scopeflow.lowering.stages import is_host_op
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [3])
        _, y = tf.while_loop(lambda i, a: i < 2, lambda i, a: (
            i + 1, a * tf.reduce_sum(tf.boolean_mask(a, a > 0.))), [0, x])
        _, z = tf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, tf.sin(a)), [0, x])
        tf.gradients(y + z, x)
        stacks = [op for op in g.get_operations() if op.type.startswith("Stack")]
    host = {op.name.split("/")[1] for op in stacks if is_host_op(op)}  # gradients/while/...
    compiled = {op.name.split("/")[1] for op in stacks if not is_host_op(op)}
    assert host == {"while"} and compiled == {"while_1"}
