"""The rewrites of TF's graph optimizer that change values (scopeflow/lowering/grappler.py),
made where TF makes them: which form each division takes is compared with TF's, and where
the values do not depend on Rsqrt's last bits (Eigen's differ from XLA's), the values too."""

import pytest
from oracle import explain, run_here

# each case says which form its x / sqrt(y) took: "rsqrt" (x * rsqrt(y), from the same
# framework's Rsqrt kernel), "exact" (x divided by the Sqrt's value) or "neither"
FORMS = """
rng = np.random.default_rng(0)
Y = rng.uniform(0.5, 4.0, 500).astype(np.float32)
X = rng.standard_normal(500).astype(np.float32)

def rsqrt_of(dt):
    tf.reset_default_graph()
    p = tf.placeholder(dt, [500])
    with tf.Session() as s:
        return s.run(tf.rsqrt(p), {p: Y.astype(dt.as_numpy_dtype)})

def form(build, dt=tf.float32):
    tf.reset_default_graph()
    npd = dt.as_numpy_dtype
    x, y = tf.placeholder(dt, [500], name="x"), tf.placeholder(dt, [500], name="y")
    fetches = build(x, y)
    with tf.Session() as s:
        z, root = s.run(fetches, {x: X.astype(npd), y: Y.astype(npd)})
    if (z == X.astype(npd) * rsqrt_of(dt)).all():
        return "rsqrt"
    return "exact" if (z == X.astype(npd) / root).all() else "neither"

def plain(x, y):
    s = tf.sqrt(y)
    return [x / s, tf.identity(s)]  # (the Identity reads it too: fetch the value another way)

def alone(x, y):
    z = x / tf.sqrt(y)
    return [z, tf.sqrt(y)]

def fetched(x, y):
    s = tf.sqrt(y)
    return [x / s, s]

def pruned_consumer(x, y):
    s = tf.sqrt(y)
    s + 1.0  # not run: pruned away
    return [x / s, tf.sqrt(y)]

def through_identity(x, y):
    return [x / tf.identity(tf.sqrt(y)), tf.sqrt(y)]

result = {"one consumer (another Sqrt fetched)": form(alone),
          "two consumers": form(plain), "Sqrt fetched": form(fetched),
          "other consumer pruned": form(pruned_consumer),
          "through Identity": form(through_identity),
          "float64": form(alone, tf.float64), "float16": form(alone, tf.float16)}
"""

# a graph of 3 nodes is run as built; from 4 nodes on (any nodes) TF's optimizer runs once
# per run signature, on the graph as it is then; a divisor computed from a fed value is no
# constant; bit for bit
SIZES = """
rng = np.random.default_rng(1)
X = rng.standard_normal(500).astype(np.float32)
Y = rng.uniform(0.5, 4.0, 500).astype(np.float32)

def bits(a):
    return a.view(np.int32).tolist()

def small(build, extra=False):
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [500])
    z = build(x)
    if extra:
        tf.constant(1.0, name="unrelated")
    with tf.Session() as s:
        return bits(s.run(z, {x: Y}))

res = [small(lambda x: x / 0.7), small(lambda x: x / 0.7, True),
       small(lambda x: x / tf.sqrt(x)), small(lambda x: tf.identity(x / 3.3))]
tf.reset_default_graph()
x = tf.placeholder(tf.float32, [500])
z = x / 0.7
with tf.Session() as s:
    first = s.run(z, {x: X})
    tf.constant(3.0, name="late")
    res += [bits(first), bits(s.run(z, {x: X})), bits(s.run(tf.identity(z), {x: X}))]
tf.reset_default_graph()
x = tf.placeholder(tf.float32, [500])
n = tf.placeholder(tf.int32, [])
scale = tf.cast(tf.size(tf.zeros([n])), tf.float32)  # (n sets a shape: known when compiled)
with tf.Session() as s:
    res.append(bits(s.run(x / scale, {x: X, n: 7})))
    res.append(bits(s.run(x / (tf.cast(n, tf.float32) * 0.0 + 7.0), {x: X, n: 7})))
result = res
"""

# AddN sums its inputs sorted by name (the optimizer's canonical order) in TF's groups (the
# first n % 8, then 8 at a time); tf.gradients' sums (sigmoid_cross_entropy_with_logits of fed
# logits) included, at sizes with and without a tail of 8-wide packets; bit for bit
ADD_N = """
rng = np.random.default_rng(2)

def bits(a):
    return a.view(np.int32).tolist()

def add_n(names, n=37):
    tf.reset_default_graph()
    ps = [tf.placeholder(tf.float32, [None], name=k) for k in names]
    vs = [(rng.standard_normal(n) * np.exp(rng.uniform(-8, 8, n))).astype(np.float32)
          for _ in names]
    with tf.Session() as s:
        return bits(s.run(tf.add_n(ps), dict(zip(ps, vs))))

def sigmoid_grad(n):
    tf.reset_default_graph()
    x, y = tf.placeholder(tf.float32, [None]), tf.placeholder(tf.float32, [None])
    loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=x * 1.5))
    xv = np.random.RandomState(n).randn(n).astype(np.float32) * 3
    yv = (np.random.RandomState(n + 1).rand(n) > 0.5).astype(np.float32)
    with tf.Session() as s:
        return [bits(v) for v in s.run(tf.gradients(loss, x) + [loss], {x: xv, y: yv})]

result = [add_n("dcba"), add_n(["p%d" % i for i in range(12)])]
result += [add_n(["a%02d" % i for i in range(n)]) for n in (9, 10, 16, 17, 25)]
result += [sigmoid_grad(n) for n in (5, 8, 13, 16, 29, 64)]
"""


@pytest.mark.oracle
@pytest.mark.parametrize("code", [FORMS, SIZES, ADD_N], ids=["sqrt_forms", "graph_sizes",
                                                             "add_n_order"])
def test_rewrites_are_tfs(oracle, code):
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert here == there, explain(code, here, there)


def test_plan_of_a_division_by_sqrt(tf):
    from scopeflow.lowering.grappler import plan
    x, y = tf.placeholder(tf.float32, [2]), tf.placeholder(tf.float32, [2])
    s = tf.sqrt(y)
    z = x / s
    order = [s.op, z.op]
    graph = tf.get_default_graph()
    assert plan(graph, order, [z], [], {x, y}).rsqrt == {z.op: y}
    assert plan(graph, order, [z, s], [], {x, y}).rsqrt == {}  # a fetched Sqrt stays
    assert {s, z} <= plan(graph, order, [z], [], {x, y}).fed  # computed from fed values
