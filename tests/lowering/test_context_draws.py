"""Random ops advance their stream only when they run (RunContext.philox_offset), as TF's
stateful kernels do: not in an untaken cond branch, once per iteration in a loop body, once
when a gradient recomputes a branch's value, each time by what that execution reserves (its
own shapes); compared with TF over sequences of runs.

TF runs the iterations of a loop side by side (`parallel_iterations`), so a draw that does
not depend on the previous iteration may be made in any order there: the loops here run one
iteration at a time in TF (parallel_iterations=1), the order scopeflow always follows.
"""

import numpy as np
import pytest
from oracle import explain, run_here

COND = """p = tf.placeholder(tf.bool, [])
tf.set_random_seed(3)
out = tf.cond(p, lambda: (tf.random_uniform([3]), tf.random_normal([2, 2])),
              lambda: (tf.zeros([3]), tf.zeros([2, 2])))
u = tf.random_uniform([2], seed=5)
m = tf.cond(p, lambda: tf.multinomial([[0.1, 0.5, 1.0]], 4), lambda: tf.zeros([1, 4], tf.int64))
sh = tf.cond(p, lambda: tf.random_shuffle(tf.range(6)), lambda: tf.range(6))
res = []
with tf.Session() as s:
    for b in [True, False, False, True, True, False, True]:
        res.append(s.run([out[0], out[1], m, sh], {p: b}))
    res.append([s.run(u)])
result = [[v.tobytes().hex() for v in r] for r in res]  # bit for bit"""

LOOPS = """tf.set_random_seed(4)
n = tf.placeholder(tf.int32, [])
def outer(i, acc):
    def inner(j, a):
        return j + 1, a + tf.random_uniform([2])
    _, a = tf.while_loop(lambda j, a: j < i, inner, (0, acc), parallel_iterations=1)
    return i + 1, a + tf.random_normal([2])
_, nested = tf.while_loop(lambda i, a: i < n, outer, (0, tf.zeros([2])), parallel_iterations=1)
def body(i, acc):
    r = tf.cond(i % 2 > 0, lambda: tf.random_normal([2], seed=9), lambda: tf.zeros([2]))
    return i + 1, acc * 0.5 + r
_, with_cond = tf.while_loop(lambda i, a: i < n, body, (0, tf.zeros([2])),
                             parallel_iterations=1)
_, bounded = tf.while_loop(lambda i, a: i < n,
                           lambda i, a: (i + 1, a * 0.5 + tf.truncated_normal([2])),
                           (0, tf.zeros([2])), maximum_iterations=4, parallel_iterations=1)
res = []
with tf.Session() as s:
    for k in [2, 0, 3, 1, 5]:
        res.append(s.run([nested, with_cond, bounded], {n: k}))
result = [[v.tobytes().hex() for v in r] for r in res]  # bit for bit"""

GRADIENTS = """tf.set_random_seed(4)
x = tf.placeholder(tf.float32, [3])
n = tf.placeholder(tf.int32, [])
_, y = tf.while_loop(lambda i, a: i < n, lambda i, a: (i + 1, a * tf.random_uniform([3])), (0, x),
                     parallel_iterations=1)
g = tf.gradients(tf.reduce_sum(y), x)[0]
p = tf.placeholder(tf.bool, [])
z = tf.cond(p, lambda: x * tf.random_uniform([3]), lambda: x * 2.0)
gz = tf.gradients(tf.reduce_sum(z * z), x)[0]
res = []
with tf.Session() as s:
    for k in [2, 0, 3]:
        res.append(s.run([y, g], {n: k, x: [1.0, 2.0, 3.0]}))
    for b in [True, False, True, True, False, True]:
        res.append(s.run([z, gz], {p: b, x: [1.0, 2.0, 3.0]}))
    res.append(s.run([y, g], {n: 2, x: [1.0, 2.0, 3.0]}))
result = res"""

KERAS_DROPOUT = """K = tf.keras.backend
tf.set_random_seed(1)
x = tf.placeholder(tf.float32, [None, 6])
y = tf.keras.layers.Dropout(0.5)(x)
z = tf.keras.layers.Dropout(0.3)(x, training=False)
t = tf.placeholder(tf.bool, [])
w = tf.layers.dropout(x, 0.4, training=t)
lp = K.learning_phase()
res = []
with tf.Session() as s:
    for b in [1, 0, 0, 1, 1, 0, 1]:
        res.append(s.run([y, z, w], {x: np.ones([2, 6]), lp: b, t: bool(b)}))
result = res"""

# a py_func makes the loop and the cond run step by step on the host (lowering/stages.py)
HOST_RUN = """tf.set_random_seed(4)
n = tf.placeholder(tf.int32, [])
def body(i, a):
    s = tf.py_func(lambda v: v * 2.0, [tf.random_uniform([2])], tf.float32)
    s.set_shape([2])
    return i + 1, a * 0.5 + s
_, y = tf.while_loop(lambda i, a: i < n, body, (0, tf.zeros([2])), parallel_iterations=1)
p = tf.placeholder(tf.bool, [])
def yes():
    s = tf.py_func(lambda v: v + 1.0, [tf.random_normal([2])], tf.float32)
    s.set_shape([2])
    return s
z = tf.cond(p, yes, lambda: tf.zeros([2]))
res = []
with tf.Session() as s:
    res += [s.run(y, {n: k}) for k in [2, 0, 3, 1]]
    res += [s.run(z, {p: b}) for b in [True, False, True]]
result = [r.tobytes().hex() for r in res]  # bit for bit"""

KERAS_MODEL = """tf.set_random_seed(2)
m = tf.keras.Sequential([tf.keras.layers.Dense(8, input_shape=(5,)),
                         tf.keras.layers.Dropout(0.5), tf.keras.layers.Dense(1)])
m.compile(tf.train.GradientDescentOptimizer(0.1), "mse")
"""
# validation between epochs and evaluate run Dropout's cond untaken
KERAS_FIT = KERAS_MODEL + """xs = np.cos(np.arange(60.0)).reshape(12, 5).astype("float32")
ys = np.sin(np.arange(12.0)).reshape(12, 1).astype("float32")
h = m.fit(xs, ys, batch_size=4, epochs=3, shuffle=False, verbose=0,
          validation_data=(xs[:4], ys[:4]))
e = m.evaluate(xs, ys, verbose=0)
m.train_on_batch(xs[:4], ys[:4])
result = [h.history["loss"], h.history["val_loss"], float(e), m.get_weights()]"""


# each run moves an op's generator by what it reserves from that run's shapes (TF's
# GuardedPhiloxRandom), so runs of other sizes in between shift later draws: per op type, in
# several run signatures and Sessions
SIZES = """p = tf.placeholder(tf.float32, [None, 3])
n = tf.shape(p)[0]
tf.set_random_seed(6)
ops = [tf.random_uniform([n]), tf.random_normal([n, 2]),
       tf.truncated_normal([n], dtype=tf.float64),
       tf.random_uniform([n, 3], maxval=100, dtype=tf.int32),
       tf.random_uniform([n], maxval=2 ** 40, dtype=tf.int64),
       tf.multinomial(tf.log(p + 1.0), 5), tf.random_shuffle(tf.range(n)),
       tf.nn.dropout(p, rate=0.5), tf.random_gamma([2], p + 0.5, seed=3),
       tf.random_poisson(p + 1.0, [n], seed=4)]
res = []
with tf.Session() as s:
    for k in [5, 3, 0, 1, 5]:
        v = np.arange(3.0 * k, dtype=np.float32).reshape(k, 3)
        res.append([x.tobytes().hex() for x in s.run(ops, {p: v})])
    res.append([x.tobytes().hex() for x in s.run(ops[:3], {p: np.ones([4, 3], np.float32)})])
with tf.Session() as s:  # a Session's kernels start afresh
    res.append(s.run(ops[0], {p: np.ones([3, 3], np.float32)}).tobytes().hex())
result = res"""

# in loops too: per iteration, by that run's shapes; the third loop runs step by step on the
# host (a py_func)
LOOP_SIZES = """tf.set_random_seed(8)
p = tf.placeholder(tf.float32, [None])
n = tf.placeholder(tf.int32, [])
_, a = tf.while_loop(lambda i, a: i < n,
                     lambda i, a: (i + 1, a * 0.5 + tf.random_uniform(tf.shape(a))),
                     (0, p), parallel_iterations=1)
def body(i, a):
    r = tf.cond(i % 2 > 0, lambda: tf.random_normal(tf.shape(a), seed=2),
                lambda: tf.zeros_like(a))
    return i + 1, a + r
_, b = tf.while_loop(lambda i, a: i < n, body, (0, p), parallel_iterations=1)
def host_body(i, a):
    s = tf.py_func(lambda v: v * 2.0, [tf.truncated_normal(tf.shape(a))], tf.float32)
    s.set_shape([None])
    return i + 1, a * 0.5 + s
_, c = tf.while_loop(lambda i, a: i < n, host_body, (0, p), parallel_iterations=1)
u = tf.random_uniform(tf.shape(p), seed=5)
res = []
with tf.Session() as s:
    for size, trips in [(4, 2), (2, 3), (4, 0), (1, 1), (4, 2)]:
        feed = {p: np.zeros([size], np.float32), n: trips}
        res.append([v.tobytes().hex() for v in s.run([a, b, c, u], feed)])
result = res"""

# a loop that runs on the host because its body slices a varying length (`p[i:]`): each
# iteration's draws move their ops' generators by that iteration's own sizes, over batches of
# several sizes and trip counts
HOST_SLICES = """tf.set_random_seed(8)
p = tf.placeholder(tf.float32, [None, 3])
n = tf.placeholder(tf.int32, [])
b = tf.shape(p)[0]
def body(i, acc):
    tail = p[i:]
    draws = [tf.random_uniform(tf.shape(tail)), tf.random_normal([b, 2], seed=2),
             tf.truncated_normal(tf.shape(tail)[:1], dtype=tf.float64),
             tf.random_uniform([b], maxval=100, dtype=tf.int32),
             tf.multinomial(tf.log(tail + 1.0), 2), tf.random_shuffle(tf.range(b)),
             tf.random_gamma([2], tail[:, 0] + 0.5, seed=3),
             tf.random_poisson(tail[:, 0] + 1.0, [2], seed=4)]
    flat = [tf.cast(tf.reshape(d, [-1]), tf.float32) for d in draws]
    return i + 1, tf.concat([acc] + flat, 0)
_, out = tf.while_loop(lambda i, a: i < n, body, (0, tf.zeros([0])), parallel_iterations=1,
                       shape_invariants=(tf.TensorShape([]), tf.TensorShape([None])))
after = tf.random_uniform([b], seed=9)
res = []
with tf.Session() as s:
    for size, trips in [(4, 2), (3, 3), (4, 0), (1, 1), (5, 2), (4, 2)]:
        v = np.arange(3.0 * size, dtype=np.float32).reshape(size, 3)
        res.append([x.tobytes().hex() for x in s.run([out, after], {p: v, n: trips})])
result = res"""

# draws in a loop body whose shape comes from outside the loop: a fed size, a value computed
# from a fed one, a variable, and that plus the iteration (compiled loops)
OUTER_SIZES = """tf.set_random_seed(8)
k = tf.placeholder(tf.int32, [])
lens = tf.placeholder(tf.int32, [None])
total = tf.reduce_sum(lens)
v = tf.Variable(3)
def body(i, a, c, d):
    return (i + 1, a + tf.reduce_max(tf.random_uniform([k])),
            c + tf.reduce_min(tf.random_normal([total, 2], seed=4)),
            d + tf.reduce_sum(tf.random_uniform([v + i], maxval=9, dtype=tf.int32)))
out = tf.while_loop(lambda i, *_: i < 3, body, (0, 0.0, 0.0, 0), parallel_iterations=1)[1:]
res = []
with tf.Session() as s:
    s.run(v.initializer)
    for size in [4, 2, 4, 1, 0, 5]:
        vals = s.run(out, {k: size, lens: [size, 1]})
        res.append([np.asarray(x).tobytes().hex() for x in vals])
result = res"""

# initializers that run on the host (lowering/init_host.py) and the same ops compiled
INIT = """v = tf.Variable(tf.random_normal([3], seed=7))
w = tf.get_variable("w", [2, 3], initializer=tf.glorot_uniform_initializer(seed=3))
res = []
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    res += [s.run(v), s.run(w), s.run(v.initial_value)]
    s.run(v.initializer)
    res += [s.run(v), s.run(w.initial_value)]
    s.run(w.initializer)
    res.append(s.run(w))
result = [r.tobytes().hex() for r in res]"""

# a last batch smaller than the others: Dropout's mask after it is TF's (the weights are
# compared to float tolerance: the gradient sums may round differently)
KERAS_FIT_REMAINDER = KERAS_MODEL + """xs = np.cos(np.arange(50.0)).reshape(10, 5).astype("float32")
ys = np.sin(np.arange(10.0)).reshape(10, 1).astype("float32")
h = m.fit(xs, ys, batch_size=4, epochs=3, shuffle=False, verbose=0)
loss = m.train_on_batch(xs[:3], ys[:3])
result = [h.history["loss"] + [float(loss)], [w.tolist() for w in m.get_weights()]]"""


@pytest.mark.oracle
@pytest.mark.parametrize("code", [COND, LOOPS, GRADIENTS, HOST_RUN, KERAS_DROPOUT, KERAS_FIT,
                                  SIZES, LOOP_SIZES, HOST_SLICES, OUTER_SIZES, INIT],
                         ids=["cond", "loops", "gradients", "host_run", "keras_dropout",
                              "keras_fit", "sizes", "loop_sizes", "host_slices", "outer_sizes",
                              "init"])
def test_draws_match_tf_over_runs(oracle, code):
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert here == there, explain(code, here, there)


@pytest.mark.oracle
def test_fit_with_a_smaller_last_batch_matches_tf(oracle):
    here, there = run_here(KERAS_FIT_REMAINDER), oracle(KERAS_FIT_REMAINDER)
    assert "ok" in there, there
    assert "ok" in here, explain(KERAS_FIT_REMAINDER, here, there)
    np.testing.assert_allclose(here["ok"][0], there["ok"][0], rtol=1e-4)
    for a, b in zip(here["ok"][1], there["ok"][1]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_an_untaken_branch_leaves_the_stream_where_it_was(tf):
    p = tf.placeholder(tf.bool, [])
    r = tf.cond(p, lambda: tf.random_uniform([4], seed=1), lambda: tf.zeros([4]))
    with tf.Session() as s:
        taken = [s.run(r, {p: True}) for _ in range(3)]
    with tf.Session() as s:
        mixed = [s.run(r, {p: b}) for b in (False, True, False, False, True, True)]
    np.testing.assert_array_equal(np.stack(taken), np.stack([mixed[1], mixed[4], mixed[5]]))
    assert not np.any(mixed[0]) and not np.any(mixed[2])
