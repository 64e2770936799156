"""tf.gradients through a TF1 while loop builds TF's backward loop op by op (forward counter,
stacks, `b_count` loop, `b_acc` accumulators): every op under gradients/ with its inputs and
control inputs, the gradients' values and two training steps, against TensorFlow."""

import pytest
from approx import agree, explain
from oracle import run_here

RECORD = '''
import numpy as np
def record(grads, feed, train=None):
    g = tf.get_default_graph()
    ops = sorted([op.name, op.type, [t.name for t in op.inputs],
                  sorted(c.name for c in op.control_inputs)]
                 for op in g.get_operations() if op.name.startswith("gradients"))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = [np.asarray(v).round(4).tolist() for v in sess.run(grads, feed)]
        if train is not None:
            sess.run(train, feed)
            sess.run(train, feed)
            values += [v.round(4).tolist() for v in sess.run(tf.trainable_variables())]
    return [ops, [x.name for x in grads], values]
'''

# x ** 8 by a loop without a bound: a stack of the loop value, an accumulator for x
POWER = RECORD + '''
x = tf.placeholder(tf.float32, [], name="x")
r = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * x), [0, x])
result = record(tf.gradients(r[1], x), {x: 2.0})
'''

# maximum_iterations, a weight read in the body, a training step with an optimizer
BOUNDED = RECORD + '''
x = tf.placeholder(tf.float32, [2], name="x")
w = tf.Variable([[0.5, -0.2], [0.1, 0.9]], name="w")
def body(i, a):
    return i + 1, tf.tanh(tf.matmul(tf.reshape(a, [1, 2]), w))[0] + x
_, y = tf.while_loop(lambda i, a: i < 4, body, (0, x), maximum_iterations=3)
loss = tf.reduce_sum(y * y)
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
result = record(tf.gradients(loss, [x, w]), {x: [1.0, -0.5]}, train)
'''

# shapes known only when run (shapes pushed on stacks too), a fed trip count, Adam
FED = RECORD + '''
x = tf.placeholder(tf.float32, [None, 2], name="x")
w = tf.Variable([[0.5, -0.2], [0.1, 0.9]], name="w")
n = tf.placeholder(tf.int32, [], name="n")
def body(i, a, b):
    return i + 1, tf.sigmoid(tf.matmul(a, w)) * b, b + 1.0
_, y, z = tf.while_loop(lambda i, a, b: i < n, body, (0, x, tf.ones_like(x)))
train = tf.train.AdamOptimizer(0.1).minimize(tf.reduce_mean(y * y))
result = record(tf.gradients(tf.reduce_mean(y * y), [x, w]),
                {x: [[1.0, -0.5], [0.3, 0.2], [2.0, 1.0]], n: 4}, train)
'''

# a loop value whose result nobody asks for still carries gradient (zeros for its exit)
UNUSED_EXIT = RECORD + '''
a0 = tf.placeholder(tf.float32, [3], name="a0")
b0 = tf.placeholder(tf.float32, [3], name="b0")
a, b = tf.while_loop(lambda a, b: tf.reduce_sum(a) < 50.0, lambda a, b: (a * b, b + 1.0),
                     (a0, b0))
grads = tf.gradients(a, [a0, b0]) + tf.gradients(tf.reduce_sum(b * b), [a0, b0])[1:]
result = record(grads, {a0: [1.0, 2.0, 0.5], b0: [1.5, 2.0, 1.0]})
'''

# dynamic_rnn: TensorArray gradients (TensorArrayGradV3, reads <-> writes, gather <-> scatter)
LSTM = RECORD + """
tf.set_random_seed(1)
x = tf.placeholder(tf.float32, [2, 3, 4], name="x")
out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(5), x, dtype=tf.float32)
loss = tf.reduce_sum(out * out)
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
feed = {x: np.random.RandomState(0).randn(2, 3, 4)}
result = record(tf.gradients(loss, tf.trainable_variables()), feed, train)
"""

# sequence_length (a cond per step), the gradient of the inputs (a loop-constant TensorArray
# flow accumulated by b_acc), Adam
GRU = RECORD + """
tf.set_random_seed(1)
x = tf.placeholder(tf.float32, [3, 4, 2], name="x")
out, st = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(3), x, sequence_length=[4, 2, 3],
                            dtype=tf.float32)
loss = tf.reduce_sum(out * out) + tf.reduce_sum(st)
train = tf.train.AdamOptimizer(0.1).minimize(loss)
feed = {x: np.random.RandomState(0).randn(3, 4, 2)}
result = record(tf.gradients(loss, tf.trainable_variables() + [x]), feed, train)
"""

SCAN_MAP = RECORD + """
x = tf.placeholder(tf.float32, [5, 3], name="x")
w = tf.Variable([[0.5, -0.2, 0.1], [0.1, 0.9, 0.0], [0.3, 0.2, -0.4]], name="w")
s = tf.scan(lambda a, e: tf.tanh(tf.matmul(a, w) + e[None]), x, initializer=tf.zeros([1, 3]))
m = tf.map_fn(lambda r: tf.reduce_sum(r * r) * w[0, 0], x)
loss = tf.reduce_sum(s) + tf.reduce_sum(m)
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
feed = {x: np.arange(15, dtype=np.float32).reshape(5, 3) / 10}
result = record(tf.gradients(loss, [x, w]), feed, train)
"""


def _graph_matches_tf(oracle, code, op_for_op=True):
    """The program's gradient graph (every op under gradients/), values and training steps
    agree with TF's; with `op_for_op`, no loop gradient is left as one SymbolicGradient op."""
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)
    if op_for_op:
        assert "SymbolicGradient" not in {op[1] for op in here["ok"][0]}


@pytest.mark.oracle
@pytest.mark.parametrize("code", [POWER, BOUNDED, FED, UNUSED_EXIT, LSTM, GRU, SCAN_MAP],
                         ids=["power", "bounded", "fed", "unused_exit", "lstm", "gru",
                              "scan_map"])
def test_while_loop_gradient_graph_matches_tf(oracle, code):
    _graph_matches_tf(oracle, code, op_for_op=False)


# a tf.cond in the body: its predicate pushed each iteration, popped to switch the gradient;
# values read in a branch pushed there (f_sync) and popped behind a Switch; zeros for the
# branch not taken (a Switch of constant zeros); both branches taken over the iterations
COND_IN_BODY = RECORD + """
x = tf.placeholder(tf.float32, [], name="x")
r = tf.while_loop(lambda i, a: i < 3,
                  lambda i, a: (i + 1, tf.cond(a > 1., lambda: a * 2., lambda: a + 1.)), [0, x])
result = record(tf.gradients(r[1], x), {x: 0.5})
"""

# shapes known only when run (zeros of the dead branch get their shape from a stack pushed
# on that branch), a variable read in a branch, a training step
COND_FED_SHAPE = RECORD + """
x = tf.placeholder(tf.float32, [None, 2], name="x")
w = tf.Variable([[0.5, -0.2], [0.1, 0.9]], name="w")
def body(i, a):
    h = tf.cond(tf.reduce_sum(a) > 0., lambda: tf.tanh(tf.matmul(a, w)), lambda: a * w[0] - 0.5)
    return i + 1, h
_, y = tf.while_loop(lambda i, a: i < 4, body, (0, x))
loss = tf.reduce_sum(y * y)
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
result = record(tf.gradients(loss, [x, w]), {x: [[1.0, -0.5], [0.3, -2.0]]}, train)
"""

# two conds per iteration, the second on a value of the first; a cond nested in a cond
CONDS_NESTED = RECORD + """
x = tf.placeholder(tf.float32, [2, 3], name="x")
w = tf.get_variable("w", [3, 3], initializer=tf.constant_initializer(np.eye(3) * 0.5 + 0.1))
def body(i, a, b):
    def inner():
        return tf.cond(i > 1, lambda: tf.matmul(a, w), lambda: tf.nn.relu(a) * 2.)
    a2 = tf.cond(tf.equal(i % 2, 0), inner, lambda: tf.sigmoid(a))
    b2 = tf.cond(a2[0, 0] > 0.5, lambda: b + a2, lambda: b)
    return i + 1, a2, b2
_, y, z = tf.while_loop(lambda i, a, b: i < 5, body, (0, x, tf.ones([2, 3])))
loss = tf.reduce_mean(tf.square(y)) + tf.reduce_sum(z * z)
train = tf.train.AdamOptimizer(0.1).minimize(loss)
result = record(tf.gradients(loss, [x, w]), {x: [[1.0, -0.5, 0.2], [0.3, -2.0, 1.]]}, train)
"""

# a dynamic_rnn-like body: a GRU cell, TensorArrays, a cond on the step
RNN_COND = RECORD + """
tf.set_random_seed(1)
x = tf.placeholder(tf.float32, [2, 5, 3], name="x")
cell = tf.nn.rnn_cell.GRUCell(4)
ta = tf.TensorArray(tf.float32, 5).unstack(tf.transpose(x, [1, 0, 2]))
def body(t, h, out):
    new_h, _ = cell(ta.read(t), h)
    h2 = tf.cond(t < 3, lambda: new_h, lambda: 0.5 * (new_h + h))
    return t + 1, h2, out.write(t, h2)
_, h, out = tf.while_loop(lambda t, h, o: t < 5, body,
                          (0, tf.zeros([2, 4]), tf.TensorArray(tf.float32, 5)))
loss = tf.reduce_sum(out.stack() ** 2) + tf.reduce_sum(h)
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
feed = {x: np.random.RandomState(0).randn(2, 5, 3)}
result = record(tf.gradients(loss, tf.trainable_variables() + [x]), feed, train)
"""

# resource variables read inside a cond inside the loop (the handle enters the loop and then
# the branch: a read, not a value); zeros for the branch not taken are a Const of the shape
# the handle knows; with and without maximum_iterations; Adam steps on them
RESOURCE_COND = RECORD + """
x = tf.placeholder(tf.float32, [1, 2], name="x")
w = tf.get_variable("w", [2, 2], initializer=tf.constant_initializer([[1., 2.], [3., 4.]]),
                    use_resource=True)
v = tf.Variable([0.5, -1.0], use_resource=True, name="v")
def body(i, a):
    b = tf.cond(i < 2, lambda: tf.matmul(a, w) * 0.1, lambda: a * 2. + v)
    return i + 1, tf.cond(i > 0, lambda: b - v * w[0], lambda: b)
_, y = tf.while_loop(lambda i, a: i < 4, body, (0, x))
_, z = tf.while_loop(lambda i, a: i < 4, body, (0, x), maximum_iterations=3)
loss = tf.reduce_sum(y * y) + tf.reduce_sum(z)
train = tf.train.AdamOptimizer(0.1).minimize(loss)
result = record(tf.gradients(loss, [x, w, v]), {x: [[1.0, 1.0]]}, train)
"""


@pytest.mark.oracle
@pytest.mark.parametrize("code", [COND_IN_BODY, COND_FED_SHAPE, CONDS_NESTED, RNN_COND,
                                  RESOURCE_COND],
                         ids=["cond_in_body", "cond_fed_shape", "conds_nested", "rnn_cond",
                              "resource_cond"])
def test_cond_in_loop_gradient_graph_matches_tf(oracle, code):
    _graph_matches_tf(oracle, code)


def test_loop_gradient_is_built_op_by_op(tf):
    x = tf.constant(2.0)
    _, y = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * x), [0, x])
    (gx,) = tf.gradients(y, x)
    types = {op.type for op in tf.get_default_graph().get_operations()}
    assert "SymbolicGradient" not in types
    assert {"StackV2", "StackPushV2", "StackPopV2", "LoopCond"} <= types
    with tf.Session() as sess:
        assert sess.run(gx) == 32.0
        assert sess.run(gx) == 32.0  # a second run pops what its own forward loop pushed


# the backward loops scopeflow builds survive a meta graph round trip, here and in TF
ROUND_TRIP_TRAIN = """
import numpy as np
tf.set_random_seed(1)
x = tf.placeholder(tf.float32, [3, 6, 4], name="x")
y = tf.placeholder(tf.float32, [3, 2], name="y")
n = tf.placeholder(tf.int32, [], name="n")
out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(5), x, sequence_length=[6, 4, 2],
                           dtype=tf.float32, scope="rnn")
w = tf.get_variable("w", [2, 2], initializer=tf.constant_initializer([[0.5, 0.1], [0.2, 0.6]]))
_, h = tf.while_loop(lambda i, h: i < n, lambda i, h: (i + 1, tf.tanh(tf.matmul(h, w) + y)),
                     [0, y])
pred = tf.layers.dense(out[:, -1], 2, name="head")
loss = tf.reduce_mean(tf.square(pred - h)) + 0.1 * tf.reduce_mean(tf.square(out))
train = tf.train.AdamOptimizer(0.05).minimize(loss, name="train")
tf.add_to_collection("train_op", train)
tf.add_to_collection("loss", loss)
rng = np.random.RandomState(0)
feed = {x: rng.randn(3, 6, 4), y: rng.randn(3, 2), n: 3}
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    s.run(train, feed)
    tf.train.Saver().save(s, outdir + "/model")
tf.train.export_meta_graph(outdir + "/model.meta")
np.savez(outdir + "/data.npz", **{k.op.name: v for k, v in feed.items()})
"""

ROUND_TRIP_STEP = """
import numpy as np
d = np.load(outdir + "/data.npz")
with tf.Session() as s:
    tf.train.import_meta_graph(outdir + "/model.meta").restore(s, outdir + "/model")
    fetch = tf.get_collection("loss") + tf.get_collection("train_op")
    got = {"loss_%d" % i: s.run(fetch, {k + ":0": d[k] for k in d.files})[0] for i in range(3)}
    got.update((v.op.name, s.run(v)) for v in tf.global_variables())
np.savez(outdir + "/after_%s.npz" % who, **got)
result = sorted(got)
"""


def _steps_agree(oracle, tf, d):
    """The meta graph exported in `d`, imported, restored and trained in TF and here."""
    import numpy as np
    there = oracle("outdir, who = %r, 'tf'\n" % d + ROUND_TRIP_STEP)
    assert "ok" in there, there
    exec(ROUND_TRIP_STEP, {"tf": tf, "outdir": d, "who": "here"})  # noqa: S102
    want, got = dict(np.load(d + "/after_tf.npz")), dict(np.load(d + "/after_here.npz"))
    assert sorted(got) == sorted(want)
    for k in sorted(want):
        np.testing.assert_allclose(got[k], want[k], rtol=2e-5, atol=1e-6, err_msg=k)


@pytest.mark.oracle
def test_loop_gradient_graph_round_trips_here_and_in_tf(oracle, tf, tmp_path):
    d = str(tmp_path)
    env = {"tf": tf, "outdir": d}
    exec(ROUND_TRIP_TRAIN, env)  # noqa: S102 - built, trained one step, exported here
    assert "SymbolicGradient" not in {op.type for op in tf.get_default_graph().get_operations()}
    tf.reset_default_graph()
    _steps_agree(oracle, tf, d)


# a gather of a loop constant: its IndexedSlices gradient accumulated by concatenation in the
# backward loop (indices, rows, the largest dense shape), then densified; ref variable with
# plain SGD (sparse update through Unique) and a resource variable with Adam
GATHER_IN_BODY = RECORD + """
emb = tf.get_variable("emb", initializer=np.arange(12, dtype=np.float32).reshape(4, 3) / 10)
w = tf.Variable([[0.5, -0.2, 0.1], [0.1, 0.9, 0.0], [0.3, 0.2, -0.4]], name="w")
ids = tf.placeholder(tf.int32, [None, 2], name="ids")
def body(i, h):
    e = tf.nn.embedding_lookup(emb, ids[i])
    return i + 1, tf.tanh(tf.matmul(h, w) + e)
_, h = tf.while_loop(lambda i, h: i < tf.shape(ids)[0], body, (0, tf.zeros([2, 3])))
loss = tf.reduce_sum(h * h)
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
g = tf.gradients(loss, [emb, w])
result = record([tf.convert_to_tensor(g[0]), g[1]], {ids: [[0, 1], [2, 2], [3, 1], [0, 0]]}, train)
"""
GATHER_RESOURCE_ADAM = GATHER_IN_BODY.replace(
    'get_variable("emb", ', 'get_variable("emb", use_resource=True, ').replace(
    "GradientDescentOptimizer(0.1)", "AdamOptimizer(0.1)")


@pytest.mark.oracle
@pytest.mark.parametrize("code", [GATHER_IN_BODY, GATHER_RESOURCE_ADAM],
                         ids=["sgd", "resource_adam"])
def test_gather_of_a_loop_constant_gradient_graph_matches_tf(oracle, code):
    _graph_matches_tf(oracle, code)


# more iterations than the accumulators' first buffers hold: the run is compiled again
# with more rows; the dense gradient is TF's at every length
MANY_ROWS = """
emb = tf.get_variable("emb", initializer=np.arange(12, dtype=np.float32).reshape(4, 3) / 10)
ids = tf.placeholder(tf.int32, [None, 2], name="ids")
def body(i, h):
    return i + 1, h * 0.9 + tf.nn.embedding_lookup(emb, ids[i])
_, h = tf.while_loop(lambda i, h: i < tf.shape(ids)[0], body, (0, tf.zeros([2, 3])))
g = tf.gradients(tf.reduce_sum(h * h), emb)[0]
d = tf.math.unsorted_segment_sum(g.values, g.indices, 4)
rs = np.random.RandomState(0)
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    result = [s.run(d, {ids: rs.randint(0, 4, (n, 2))}).round(3).tolist() for n in (3, 100, 300, 5)]
"""


@pytest.mark.oracle
def test_gather_gradient_accumulators_grow_past_their_buffers(oracle):
    here, there = run_here(MANY_ROWS), oracle(MANY_ROWS)
    assert agree(here, there), explain(MANY_ROWS, here, there)


# back_prop=False: TF still builds the counter loops, and no gradient flows through the loop
NO_BACK_PROP = RECORD + """
x = tf.placeholder(tf.float32, [], name="x")
w = tf.Variable(1.5, name="w")
r = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * x), [0, x], back_prop=False)
g = tf.gradients(r[1] * w + x, [x, w])
result = record(g, {x: 2.0})
"""


@pytest.mark.oracle
def test_back_prop_false_loop_gradient_matches_tf(oracle):
    here, there = run_here(NO_BACK_PROP), oracle(NO_BACK_PROP)
    assert agree(here, there), explain(NO_BACK_PROP, here, there)


# a training graph with a gather and a tf.cond in a loop body, Adam (whose sparse update runs
# Unique on the host, so the run is split after the backward loop): exported here and in TF,
# imported and trained on both sides
ROUND_TRIP_GATHER_COND = """
import numpy as np
emb = tf.get_variable("emb", initializer=np.arange(12, dtype=np.float32).reshape(4, 3) / 10)
w = tf.get_variable("w", initializer=np.eye(3, dtype=np.float32) * 0.5)
ids = tf.placeholder(tf.int32, [None, 2], name="ids")
def body(i, h):
    e = tf.nn.embedding_lookup(emb, ids[i])
    h2 = tf.cond(tf.reduce_sum(h) > 0.5, lambda: tf.tanh(tf.matmul(h, w) + e), lambda: h + e)
    return i + 1, h2
_, h = tf.while_loop(lambda i, h: i < tf.shape(ids)[0], body, (0, tf.zeros([2, 3])))
loss = tf.reduce_sum(h * h)
train = tf.train.AdamOptimizer(0.05).minimize(loss, name="train")
tf.add_to_collection("train_op", train)
tf.add_to_collection("loss", loss)
feed = {ids: np.array([[0, 1], [2, 2], [3, 1], [0, 0]])}
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    s.run(train, feed)
    tf.train.Saver().save(s, outdir + "/model")
tf.train.export_meta_graph(outdir + "/model.meta")
np.savez(outdir + "/data.npz", **{k.op.name: v for k, v in feed.items()})
result = 1
"""


@pytest.mark.oracle
@pytest.mark.parametrize("maker", ["here", "tf"])
def test_gather_and_cond_loop_training_graph_round_trips(oracle, tf, tmp_path, maker):
    d = str(tmp_path)
    if maker == "here":
        exec(ROUND_TRIP_GATHER_COND, {"tf": tf, "outdir": d})  # noqa: S102
        types = {op.type for op in tf.get_default_graph().get_operations()}
        assert "SymbolicGradient" not in types and "StackPopV2" in types
        tf.reset_default_graph()
    else:
        assert "ok" in oracle("outdir = %r\n" % d + ROUND_TRIP_GATHER_COND)
    _steps_agree(oracle, tf, d)


# nested loops: the inner loop's trip count of each outer iteration pushed and popped, the
# inner stacks and accumulators inside the outer backward loop, zeros for unused inner exits
NESTED_POWER = RECORD + """
x = tf.placeholder(tf.float32, [], name="x")
def outer_body(i, a):
    _, b = tf.while_loop(lambda j, b: j < 2, lambda j, b: (j + 1, b * x), [0, a])
    return i + 1, b + 1.0
r = tf.while_loop(lambda i, a: i < 3, outer_body, [0, x])
result = record(tf.gradients(r[1], x), {x: 1.5})
"""

SCAN_IN_MAP_FN = RECORD + """
x = tf.placeholder(tf.float32, [4, 3], name="x")
w = tf.Variable([[0.5, -0.2, 0.1], [0.1, 0.9, 0.0], [0.3, 0.2, -0.4]], name="w")
def row(r):
    s = tf.scan(lambda a, e: tf.tanh(a * e + tf.reduce_sum(w * a)), r, initializer=tf.constant(0.1))
    return tf.reduce_sum(s)
m = tf.map_fn(row, x)
loss = tf.reduce_sum(m * m)
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
result = record(tf.gradients(loss, [x, w]), {x: np.arange(12, dtype=np.float32).reshape(4, 3) / 10},
                train)
"""

# shapes known only when run (pushed per outer iteration), an inner trip count that follows
# the outer counter, Adam
NESTED_FED = RECORD + """
x = tf.placeholder(tf.float32, [None, 2], name="x")
w = tf.Variable([[0.5, -0.2], [0.1, 0.9]], name="w")
n = tf.placeholder(tf.int32, [], name="n")
def outer_body(i, a):
    _, b = tf.while_loop(lambda j, b: j < i + 1,
                         lambda j, b: (j + 1, tf.sigmoid(tf.matmul(b, w)) * a), [0, a])
    return i + 1, b + 1.0
_, y = tf.while_loop(lambda i, a: i < n, outer_body, [0, x])
loss = tf.reduce_mean(y * y)
train = tf.train.AdamOptimizer(0.1).minimize(loss)
result = record(tf.gradients(loss, [x, w]), {x: [[1.0, -0.5], [0.3, 0.2], [2.0, 1.0]], n: 3}, train)
"""

# a dynamic_rnn inside map_fn (a Sum over some axes in the body: TF's scaling ops, once)
RNN_IN_MAP_FN = RECORD + """
tf.set_random_seed(1)
x = tf.placeholder(tf.float32, [2, 3, 4, 2], name="x")
cell = tf.nn.rnn_cell.GRUCell(3)
def one(seq):
    out, st = tf.nn.dynamic_rnn(cell, seq, dtype=tf.float32)
    return tf.reduce_sum(out, 1) + st
y = tf.map_fn(one, x)
loss = tf.reduce_sum(y * y)
train = tf.train.AdamOptimizer(0.1).minimize(loss)
feed = {x: np.random.RandomState(0).randn(2, 3, 4, 2)}
result = record(tf.gradients(loss, tf.trainable_variables() + [x]), feed, train)
"""


@pytest.mark.oracle
@pytest.mark.parametrize("code", [NESTED_POWER, SCAN_IN_MAP_FN, NESTED_FED, RNN_IN_MAP_FN],
                         ids=["power", "scan_in_map_fn", "fed", "rnn_in_map_fn"])
def test_nested_loop_gradient_graph_matches_tf(oracle, code):
    _graph_matches_tf(oracle, code)


# TensorArraySplit / TensorArrayConcat: their gradients (a concat of the gradient array, a
# split of the incoming gradient by the concat's lengths), in a loop and outside one
TA_SPLIT_CONCAT_LOOP = RECORD + """
x = tf.placeholder(tf.float32, [6, 2], name="x")
w = tf.Variable([[0.5, -0.2], [0.1, 0.9]], name="w")
ta = tf.TensorArray(tf.float32, 3).split(x, [2, 2, 2])
def body(i, out):
    return i + 1, out.write(i, tf.tanh(tf.matmul(ta.read(i), w)) * tf.cast(i + 1, tf.float32))
_, out = tf.while_loop(lambda i, o: i < 3, body, (0, tf.TensorArray(tf.float32, 3)))
y = out.concat()
loss = tf.reduce_sum(y * y)
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
result = record(tf.gradients(loss, [x, w]), {x: np.arange(12, dtype=np.float32).reshape(6, 2) / 10},
                train)
"""

TA_SPLIT_CONCAT = RECORD + """
x = tf.placeholder(tf.float32, [6, 2], name="x")
w = tf.Variable([[0.5, -0.2], [0.1, 0.9]], name="w")
ta = tf.TensorArray(tf.float32, 3).split(tf.matmul(x, w), [2, 2, 2])
y = tf.TensorArray(tf.float32, 3).write(0, ta.read(2) * 2.).write(1, ta.read(0)).write(
    2, tf.tanh(ta.read(1))).concat()
loss = tf.reduce_sum(y * y)
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
result = record(tf.gradients(loss, [x, w]), {x: np.arange(12, dtype=np.float32).reshape(6, 2) / 10},
                train)
"""


@pytest.mark.oracle
@pytest.mark.parametrize("code", [TA_SPLIT_CONCAT_LOOP, TA_SPLIT_CONCAT], ids=["loop", "plain"])
def test_tensor_array_split_concat_gradient_graph_matches_tf(oracle, code):
    _graph_matches_tf(oracle, code, op_for_op=False)


# TF's _Enter keeps the entered tensor's shape (f_count, b_count, b_acc, b_exit), except for
# loop variables (their shape invariant)
SHAPES = """
import numpy as np
x = tf.placeholder(tf.float32, [2, 2], name="x")
w = tf.get_variable("w", [2, 2], use_resource=True)
e = tf.get_variable("e", [5, 2])
def body(i, a):
    b = tf.cond(i < 2, lambda: tf.matmul(a, w), lambda: a * 2. + e[1:3])
    return i + 1, b
_, y = tf.while_loop(lambda i, a: i < 4, body, (0, x))
tf.gradients(tf.reduce_sum(y), [x, w, e])
result = sorted([op.name, [str(t.shape) for t in op.outputs]]
                for op in tf.get_default_graph().get_operations())
"""


@pytest.mark.oracle
def test_loop_gradient_shapes_match_tf(oracle):
    here, there = run_here(SHAPES), oracle(SHAPES)
    assert here == there, explain(SHAPES, here, there)


# a row x[i] sliced by the loop counter (its StridedSliceGrad checks the index when run)
# written to a TensorArray and summed, fed rows; bounded or not: TF's values
ROW_SLICE_TA = """
import numpy as np
x = tf.placeholder(tf.float32, [None, 3], name="x")
def body(i, ta, s):
    v = x[i] * 2.
    return i + 1, ta.write(i, v), s + tf.reduce_sum(v)
result = []
for bound in (None, 5):
    _, ta, s = tf.while_loop(lambda i, ta, s: i < tf.shape(x)[0], body,
                             (0, tf.TensorArray(tf.float32, tf.shape(x)[0]), 0.),
                             maximum_iterations=bound)
    g = tf.gradients(s + tf.reduce_sum(ta.stack()), x)
    with tf.Session() as sess:
        result.append(sess.run(g, {x: np.arange(6.).reshape(2, 3)})[0].tolist())
"""


@pytest.mark.oracle
def test_row_slice_in_loop_gradient_matches_tf(oracle):
    here, there = run_here(ROW_SLICE_TA), oracle(ROW_SLICE_TA)
    assert agree(here, there), explain(ROW_SLICE_TA, here, there)


# rows x[i:i + 1] (run-time bounds: their StridedSliceGrad pops them from a stack, its slice
# size from dy) through ops whose gradient kernels re-run a forward under jax.vjp (pooling,
# convolutions, resize, batched gathers), bounded or not: TF's values, no leaked tracer
ROW_BLOCK_VJP = """
def run(make):
    x = tf.placeholder(tf.float32, [None, 6, 6, 2], name="x")
    s = 0.
    for f in make():
        for bound in (None, 3):
            s += tf.while_loop(
                lambda i, s: i < tf.shape(x)[0],
                lambda i, s: (i + 1, s + tf.reduce_sum(tf.square(f(x[i:i + 1])))),
                (0, 0.), maximum_iterations=bound)[1]
    g = tf.gradients(s, x)[0]
    with tf.Session() as sess:
        return sess.run([s, g], {x: np.cos(np.arange(144.)).reshape(2, 6, 6, 2)})
def nets():
    w = tf.constant(np.cos(np.arange(72.)).reshape(3, 3, 2, 4), tf.float32)
    dw = tf.constant(np.sin(np.arange(36.)).reshape(3, 3, 2, 2), tf.float32)
    return [lambda v: tf.nn.max_pool(v, [1, 3, 3, 1], [1, 2, 2, 1], "SAME"),
            lambda v: tf.nn.avg_pool(v, [1, 3, 3, 1], [1, 2, 2, 1], "SAME"),
            lambda v: tf.nn.conv2d(v, w, [1, 2, 2, 1], "SAME"),
            lambda v: tf.nn.depthwise_conv2d(v, dw, [1, 1, 1, 1], "VALID"),
            lambda v: tf.image.resize_bilinear(v, [9, 9])]
def gathers():
    return [lambda v: tf.gather(tf.reshape(v, [1, 6, 12]), [[4, 1]], axis=1, batch_dims=1)]
result = []
for make in (nets, gathers):
    with tf.Graph().as_default():
        result.append(run(make))
"""


@pytest.mark.oracle
def test_row_block_vjp_kernels_in_loop_gradient_match_tf(oracle):
    here, there = run_here(ROW_BLOCK_VJP), oracle(ROW_BLOCK_VJP)
    assert "ok" in there, there
    assert agree(here, there), explain(ROW_BLOCK_VJP, here, there)


# run-time slices after an ellipsis, a new axis and a shrunk axis: the gradient's slice sizes
# come from dy at the right output axes
ROW_BLOCK_AXES = """
x = tf.placeholder(tf.float32, [3, None, 4], name="x")
out = []
for sl in (lambda i: x[..., i:i + 2], lambda i: x[:, None, i:i + 1, 1]):
    _, s = tf.while_loop(lambda i, s: i < 2, lambda i, s: (
        i + 1, s + tf.reduce_sum(tf.square(sl(i)) * tf.cast(i + 1, tf.float32))), (0, 0.))
    out.append(tf.gradients(s, x)[0])
with tf.Session() as sess:
    result = sess.run(out, {x: np.arange(36.).reshape(3, 3, 4)})
"""


@pytest.mark.oracle
def test_row_block_axes_in_loop_gradient_match_tf(oracle):
    here, there = run_here(ROW_BLOCK_AXES), oracle(ROW_BLOCK_AXES)
    assert "ok" in there, there
    assert agree(here, there), explain(ROW_BLOCK_AXES, here, there)


# a gather of a loop constant in a nested loop: TF's accumulators give one zero row at index 0
# per loop level, then each inner iteration's rows (the loops run on the host: a compiled
# enclosing loop padded the inner rows to a fixed capacity); in the inner loop, three levels
# deep (embedding_lookup), the outer loop only; the dense gradient fetched alone; Adam and
# plain SGD updates
NESTED_GATHER = """
import numpy as np
def build(kind, x, lookup):
    if kind == "nested":
        def outer(i, acc):
            def inner(j, a):
                return j + 1, a + tf.reduce_sum(lookup(x, j) * tf.cast(i + 1, tf.float64))
            return i + 1, tf.while_loop(lambda j, a: j < 3, inner, [0, acc])[1]
        return tf.while_loop(lambda i, a: i < 2, outer, [0, tf.constant(0., tf.float64)])[1]
    if kind == "outer":
        def outer(i, acc):
            b = tf.while_loop(lambda j, a: j < 3, lambda j, a: (j + 1, a + 1.), [0, acc])[1]
            return i + 1, b + tf.reduce_sum(lookup(x, i) ** 2)
        return tf.while_loop(lambda i, a: i < 3, outer, [0, tf.constant(0., tf.float64)])[1]
    def l1(i, acc):
        def l2(j, a):
            def l3(k, b):
                row = lookup(x, (i + j + k) % 4)
                return k + 1, b + tf.reduce_sum(row * tf.cast(k + 1, tf.float64))
            return j + 1, tf.while_loop(lambda k, b: k < 2, l3, [0, a])[1]
        return i + 1, tf.while_loop(lambda j, a: j < 2, l2, [0, acc])[1]
    return tf.while_loop(lambda i, a: i < 2, l1, [0, tf.constant(0., tf.float64)])[1]
result = []
for kind, lookup, opt in [("nested", tf.gather, tf.train.GradientDescentOptimizer),
                          ("three", tf.nn.embedding_lookup, tf.train.AdamOptimizer),
                          ("outer", tf.gather, None), ("dense", tf.gather, None)]:
    with tf.Graph().as_default():
        x = tf.Variable(np.arange(12.).reshape(4, 3), dtype=tf.float64)
        y = build("nested" if kind == "dense" else kind, x, lookup)
        g = tf.gradients(y, x)[0]
        fetch = tf.convert_to_tensor(g) if kind == "dense" else [y, g]
        step = opt(0.1).minimize(y) if opt else None
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            got = s.run(fetch)
            if kind == "dense":
                result.append(got.tolist())
            else:
                result.append([type(got[1]).__name__, got[0].tolist(), got[1].values.tolist(),
                               got[1].indices.tolist(), got[1].dense_shape.tolist()])
            if step is not None:
                s.run(step)
                s.run(step)
                result.append(s.run(x).round(6).tolist())
"""


@pytest.mark.oracle
def test_gather_in_nested_loops_gradient_matches_tf(oracle):
    here, there = run_here(NESTED_GATHER), oracle(NESTED_GATHER)
    assert agree(here, there), explain(NESTED_GATHER, here, there)
