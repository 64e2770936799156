"""TF's rewrites of Mul chains (scopeflow/lowering/grappler_mul.py): each product compared
with TF's bit for bit, as the number of elements that differ (0 everywhere)."""

import pytest
from oracle import explain, run_here

# factors spread over 16 binades, so that each association rounds differently somewhere
CHAINS = """
rng = np.random.default_rng(3)

def draw(shape):
    return (rng.standard_normal(shape) * np.exp2(rng.integers(-8, 8, shape))).astype("f")

def case(build, shapes, kinds="p"):
    # kinds: one letter per factor: p a fed placeholder, v a variable
    tf.reset_default_graph()
    xs, feeds = [], {}
    for i, s in enumerate(shapes):
        value = draw([d or 6 for d in s])
        if kinds[i % len(kinds)] == "v":
            xs.append(tf.Variable(value, name="v%d" % i))
        else:
            xs.append(tf.placeholder(tf.float32, s, name="in%d" % i))
            feeds[xs[-1]] = value
    z = build(*xs)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        out = s.run(z, feeds)
    return [np.asarray(o, np.float32).view(np.int32).ravel().tolist() for o in out]

M, R, S = [4, 13], [13], []
result = {
    # constant folding's push-down: Mul(Mul(x, y), c) -> Mul(x, Mul(c, y))
    "square, then a folded constant": case(
        lambda g: [(g * g) * (1 - tf.constant(0.999))], [[None, 13]]),
    "two fed, constant": case(lambda a, b: [(a * b) * 0.3], [[None, 13], [None, 13]]),
    "row, matrix, constant": case(lambda a, b: [a * b * 1.7], [R, M]),
    "constant first": case(lambda a, b: [0.7 * (a * b)], [M, M]),
    "names pick the factor": case(lambda b, a: [(a * b) * 2.3], [M, M]),
    "pushed twice": case(lambda a, b, c: [(a * b) * (c * a) * 3.1], [[5, 1], [5, 7], [7]]),
    "two constants": case(lambda a: [a * a * 2.5 * 0.7], [[8, 13]]),
    "inner fetched": case(lambda a, b: [(a * b) * 0.3, a * b], [M, M]),
    "control dependency": case(lambda a: [tf.identity((a * a) * 0.3)], [M]),
    # the arithmetic optimizer's MinimizeBroadcasts (variables: shapes known to it)
    "regrouped": case(lambda a, b, c, d: [a * b * c * d], [M, S, M, R], "v"),
    "regrouped, fed factor": case(lambda a, b, c, d: [a * b * c * d], [M, S, M, M], "vvvp"),
    "regrouped with constant": case(lambda a, b, c: [(a * b) * (c * 2.0)], [M, S, M], "v"),
    "regrouped, five": case(lambda a, b, c, d, e: [a * b * c * d * e], [R, M, S, M, R], "v"),
    "fed: kept": case(lambda a, b, c, d: [a * b * c * d], [M, S, M, R]),
}
"""


@pytest.mark.oracle
def test_mul_chains_are_tfs(oracle):
    here, there = run_here(CHAINS), oracle(CHAINS)
    assert "ok" in there, there
    assert "ok" in here, here
    diff = {k: sum(a != b for x, y in zip(here["ok"][k], v) for a, b in zip(x, y))
            for k, v in there["ok"].items()}
    assert diff == dict.fromkeys(diff, 0), explain(CHAINS, diff, "")


def test_plans_of_chains(tf):
    from scopeflow.lowering.grappler_mul import plan_products, tree_key
    g = tf.placeholder(tf.float32, [None, 3], name="g")
    y = (g * g) * tf.constant(0.5, name="c")
    ops = tf.get_default_graph().get_operations()
    assert {op.name: tree_key(t) for op, t in plan_products(ops, [y], [], {g}).items()} == {
        y.op.name: ("g:0", ("c:0", "g:0"))}
    inner = y.op.inputs[0]
    assert plan_products(ops, [y, inner], [], {g}) == {}  # a fetched factor stays


def test_std_stable_sort_of_a_partial_order():
    from scopeflow.lowering.grappler_mul import _std_stable_sort

    def less(a, b):  # only ints order: a string compares with nothing
        return isinstance(a, int) and isinstance(b, int) and a < b

    # libstdc++: halves [5, x, 3] -> [3, 5, x] (3 is below the first: moved to the front) and
    # [y, 1] (1 is not below y), merged; a pairwise insertion sort would give [5, x, 3, y, 1]
    assert _std_stable_sort([5, "x", 3, "y", 1], less) == [3, 5, "x", "y", 1]
    ints = [9, 4, 7, 1, 8, 2, 6, 3, 5, 0, 11, 10, 15, 13, 12, 14, 16]
    assert _std_stable_sort(ints, less) == sorted(ints)


DIVIDED = """
import numpy as np
x = tf.placeholder(tf.float32, [None, 3], name="x")
k = tf.constant(np.arange(1, 9, dtype=np.float32).reshape(1, 1, 8))
d = tf.expand_dims(x * 3.0 - x, -1) / tf.cast(tf.constant(7) - 2, tf.float32)
fetch = [tf.reshape(d * k, [-1]), tf.reshape(k * (x[..., None] / 3.0), [-1])]
rng = np.random.RandomState(4)
with tf.Session() as s:
    out = s.run(fetch, {x: rng.uniform(-3, 3, (64, 3)).astype(np.float32)})
result = [v.view(np.uint32).tolist() for v in out]
"""


@pytest.mark.oracle
def test_division_by_a_constant_joins_the_chain(oracle):
    """`x / c * k` with `c` and `k` folded constants runs as TF's constant folding leaves it,
    `x * (k * (1 / c))`, bit for bit."""
    here, there = run_here(DIVIDED), oracle(DIVIDED)
    assert "ok" in there and here == there, explain(DIVIDED, here, there)


SIZED = """
import numpy as np
x = tf.placeholder(tf.float32, [None, 6, 5], name="x")
h = tf.cast(tf.shape(x)[1], tf.float32)
n = tf.cast(h * 4.0 / 3.0 * 0.5, tf.int32)
y = tf.slice(x, tf.stack([0, 1, 0]), tf.stack([tf.shape(x)[0], n, 3]))
with tf.Session() as s:
    out = s.run(y, {x: np.arange(60, dtype=np.float32).reshape(2, 6, 5)})
result = [y.shape.as_list(), out.tolist()]
"""


@pytest.mark.oracle
def test_a_regrouped_chain_of_known_values_still_sets_a_size(oracle):
    """A Mul chain over values known when the program is traced (static dimensions) stays a
    host value when regrouped, so a Slice whose size it gives still compiles."""
    here, there = run_here(SIZED), oracle(SIZED)
    assert "ok" in there and here == there, explain(SIZED, here, there)
