"""tf.gradients builds TF's gradient graph op by op: (name, type) pairs under gradients/ and the
values, against TensorFlow, for the model families scopeflow's benchmarks and slim nets use."""

import pytest
from approx import agree, explain
from oracle import run_here

# a snippet defines `build()` -> (grads, feed); the result is TF's graph under gradients/
# (with each op's control inputs) and the gradients' values
RECORD = '''
import numpy as np
def record(grads, feed):
    g = tf.get_default_graph()
    ops = sorted([op.name, op.type, sorted(c.name for c in op.control_inputs)]
                 for op in g.get_operations() if op.name.startswith("gradients"))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run([x for x in grads if x is not None], feed)
    names = [None if x is None else getattr(x, "name", type(x).__name__) for x in grads]
    return [ops, names, [np.asarray(v).round(4).tolist() for v in values]]
'''

MLP = RECORD + '''
rng = np.random.RandomState(0)
x = tf.placeholder(tf.float32, [None, 6], name="x")
y = tf.placeholder(tf.int32, [None], name="y")
w1 = tf.Variable(rng.randn(6, 5).astype(np.float32), name="w1")
b1 = tf.Variable(np.zeros(5, np.float32), name="b1")
w2 = tf.Variable(rng.randn(5, 3).astype(np.float32), name="w2")
b2 = tf.Variable(np.zeros(3, np.float32), name="b2")
h = tf.nn.relu(tf.matmul(x, w1) + b1)
logits = tf.nn.bias_add(tf.matmul(h, w2), b2)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
gvs = tf.train.GradientDescentOptimizer(0.1).compute_gradients(loss)
result = record([g for g, _ in gvs], {x: rng.randn(4, 6), y: [0, 1, 2, 1]})
'''

SOFTMAX_XENT = RECORD + '''
x = tf.placeholder(tf.float32, [None, 3], name="x")
labels = tf.constant([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
w = tf.Variable([[1.0, 2.0, 0.5], [0.1, -1.0, 2.0], [0.3, 0.2, 0.1]], name="w")
logits = tf.matmul(x, w)
loss = tf.reduce_sum(tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits))
loss += 0.01 * tf.nn.l2_loss(w) + tf.reduce_sum(tf.nn.softmax(logits)[:, 0])
result = record(tf.gradients(loss, [w, x]), {x: [[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]]})
'''

LSTM_CELL = RECORD + '''
rng = np.random.RandomState(1)
x = tf.placeholder(tf.float32, [2, 3], name="x")
h0 = tf.zeros([2, 4]); c0 = tf.zeros([2, 4])
w = tf.Variable(rng.randn(7, 16).astype(np.float32) * 0.5, name="w")
b = tf.Variable(np.zeros(16, np.float32), name="b")
h, c = h0, c0
for t in range(2):
    z = tf.nn.bias_add(tf.matmul(tf.concat([x * float(t + 1), h], 1), w), b)
    i, j, f, o = tf.split(z, 4, axis=1)
    c = c * tf.sigmoid(f + 1.0) + tf.sigmoid(i) * tf.tanh(j)
    h = tf.tanh(c) * tf.sigmoid(o)
loss = tf.reduce_sum(tf.square(h - 0.5)) + tf.reduce_mean(tf.exp(-c))
result = record(tf.gradients(loss, [w, b, x]), {x: rng.randn(2, 3)})
'''

ELEMENTWISE = RECORD + '''
x = tf.placeholder(tf.float32, [None, 3], name="x")
v = tf.Variable([0.5, 1.5, 2.0], name="v")
y = (x - v) / (v + 1.0) + tf.maximum(x, v) * tf.minimum(x, 0.3) + tf.sqrt(v) * tf.rsqrt(v)
y = tf.reduce_sum(tf.transpose(tf.reshape(y, [-1, 1, 3])), axis=[1, 2])
y = tf.reduce_sum(tf.squeeze(tf.expand_dims(y, 0)) * tf.log1p(v)) + tf.reduce_sum(tf.abs(x))
result = record(tf.gradients(y, [x, v]), {x: [[1.0, -2.0, 3.0], [0.25, 0.5, -1.0]]})
'''

SPARSE = RECORD + '''
emb = tf.Variable(np.arange(12, dtype=np.float32).reshape(4, 3), name="emb")
ids = tf.placeholder(tf.int32, [None], name="ids")
e = tf.nn.embedding_lookup(emb, ids)
loss = tf.reduce_sum(e * e) + tf.reduce_sum(tf.gather(emb, [1, 1]))
g = tf.gradients(loss, emb)[0]
result = record([g.values, g.indices, g.dense_shape], {ids: [0, 2, 2]})
'''

OPTIONS = RECORD + '''
a = tf.placeholder(tf.float32, [3], name="a")
b = a * 2.0
c = tf.reduce_sum(b * b + a)
g1 = tf.gradients(c, [a, b], grad_ys=tf.constant(2.0), gate_gradients=True)
g2 = tf.gradients(c, a, aggregation_method=tf.AggregationMethod.EXPERIMENTAL_TREE,
                  colocate_gradients_with_ops=True)
g3 = tf.gradients([c, b], a, stop_gradients=[b])
result = record(g1 + g2 + g3, {a: [1.0, 2.0, 3.0]})
result.append([op.name for op in tf.get_default_graph().get_operations()
               if op.name.startswith("gradients_1/") and op.colocation_groups()
               != [("loc:@" + op.name).encode()]])
'''

# clip, scans, reverse, gather_nd (dense and IndexedSlices rows summed by AddN), LRN
MORE = """import numpy as np
x = tf.constant([[0.3, -2.0, 5.0], [1.0, 0.5, -0.1]], name="x")
lo = tf.constant(0.0); hi = tf.constant([1.0, 1.0, 2.0])
y = tf.clip_by_value(x, lo, hi) + tf.cumsum(x, axis=1, reverse=True) * tf.reverse(x, [1])
y = tf.reduce_sum(y) + tf.reduce_sum(tf.gather_nd(x, [[0, 1], [1, 2]])) + tf.reduce_sum(tf.gather_nd(x, [[1]]))
img = tf.reshape(tf.range(24, dtype=tf.float32) / 10.0, [1, 2, 3, 4])
y += tf.reduce_sum(tf.nn.lrn(img * tf.reduce_sum(x), 2) )
g = tf.gradients(y, [x, lo, hi])
with tf.Session() as s:
    result = [sorted([o.name, o.type] for o in tf.get_default_graph().get_operations() if o.name.startswith("gradients")), [str(t.name) if hasattr(t, "name") else type(t).__name__ for t in g], [np.asarray(v).round(4).tolist() for v in s.run([tf.convert_to_tensor(t) for t in g])]]
"""

# gradients of gradients: ReluGrad, BiasAddGrad, TanhGrad, SigmoidGrad, SqrtGrad, ... as TF
SECOND_ORDER = """import numpy as np
x = tf.constant([[0.3, -2.0, 5.0], [1.0, 0.5, -0.1]], name="x")
b = tf.constant([0.1, 0.2, 0.3], name="b")
y = tf.nn.relu(tf.nn.bias_add(x, b)) * tf.tanh(x) + tf.sigmoid(x) * tf.sqrt(tf.abs(x)) + tf.rsqrt(tf.abs(x) + 1.0) + tf.reciprocal(x)
g = tf.gradients(tf.reduce_sum(y), [x, b])
gg = tf.gradients(tf.reduce_sum(g[0] * g[0]) + tf.reduce_sum(g[1]), [x, b])
with tf.Session() as s:
    result = [sorted([o.name, o.type] for o in tf.get_default_graph().get_operations() if o.name.startswith("gradients_1")), [t.name for t in gg], [np.asarray(v).round(3).tolist() for v in s.run(gg)]]
"""


@pytest.mark.oracle
@pytest.mark.parametrize("code", [MLP, SOFTMAX_XENT, LSTM_CELL, ELEMENTWISE, SPARSE, OPTIONS,
                                  MORE, SECOND_ORDER],
                         ids=["mlp", "softmax_xent", "lstm_cell", "elementwise", "sparse",
                              "options", "more", "second_order"])
def test_gradient_graph_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


def test_matmul_gradient_is_a_matmul(tf):
    a = tf.constant([[1.0, 2.0]])
    b = tf.constant([[3.0], [4.0]])
    ga, gb = tf.gradients(tf.matmul(a, b), [a, b])
    assert (ga.op.type, ga.name) == ("MatMul", "gradients/MatMul_grad/MatMul:0")
    assert ga.op.get_attr("grad_a") and gb.op.get_attr("grad_b")
    with tf.Session() as sess:
        assert sess.run(ga).tolist() == [[3.0, 4.0]]
