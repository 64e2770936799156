"""Sparse gradients (IndexedSlices) applied by the optimizers: TF's ops, names and values.

TF deduplicates the rows first (Unique, UnsortedSegmentSum), then runs its sparse training op
(`ResourceSparseApplyAdagrad`, ...) or, for Adam, decays the slots and scatter-adds the rows.
"""

import pytest
from oracle import explain, run_here

PROGRAM = r"""
w = tf.get_variable("emb", initializer=np.arange(12, dtype=np.float32).reshape(4, 3) * 0.1,
                    use_resource=RESOURCE)
ids = tf.placeholder(tf.int32, [None])
loss = tf.reduce_sum(tf.square(tf.nn.embedding_lookup(w, ids)))
before = set(op.name for op in tf.get_default_graph().get_operations())
train = OPT.minimize(loss)
ops = sorted([o.name, o.type, [i.name for i in o.inputs],
              sorted(c.name for c in o.control_inputs)]
             for o in tf.get_default_graph().get_operations()
             if o.name not in before and not o.name.startswith("gradients"))
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for b in ([0, 2, 2], [3, 1, 3, 3, 0], [2]):
        s.run(train, {ids: b})
    value = s.run(w)
result = {"ops": ops, "value": np.round(value, 5)}
"""

OPTIMIZERS = {
    "adam": "tf.train.AdamOptimizer(0.1)",
    "adagrad": "tf.train.AdagradOptimizer(0.1)",
    "momentum": "tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True)",
    "rmsprop": "tf.train.RMSPropOptimizer(0.1)",
    "centered_rmsprop": "tf.train.RMSPropOptimizer(0.1, momentum=0.5, centered=True)",
    "ftrl": "tf.train.FtrlOptimizer(0.1, l2_shrinkage_regularization_strength=0.1)",
    "sgd": "tf.train.GradientDescentOptimizer(0.1)",
    "adadelta": "tf.train.AdadeltaOptimizer(0.1)",
    "proximal_adagrad": "tf.train.ProximalAdagradOptimizer(0.1, l1_regularization_strength=0.01)",
}


@pytest.mark.oracle
@pytest.mark.parametrize("resource", [True, False], ids=["resource", "ref"])
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_sparse_update_matches_tf(oracle, name, resource):
    code = PROGRAM.replace("OPT", OPTIMIZERS[name]).replace("RESOURCE", str(resource))
    here, there = run_here(code), oracle(code)
    assert here == there, explain(code, here, there)


def test_distinct_counts_share_one_program():
    """The deduplication runs inside the step's program: a batch with another number of
    distinct ids neither splits the run nor compiles again."""
    import numpy as np

    import scopeflow.compat.v1 as tf
    from scopeflow.lowering import cache
    g = tf.Graph()
    with g.as_default():
        w = tf.get_variable("emb", initializer=np.ones((10, 2), np.float32), use_resource=True)
        ids = tf.placeholder(tf.int32, [4])
        loss = tf.reduce_sum(tf.nn.embedding_lookup(w, ids))
        train = tf.train.AdagradOptimizer(1.0).minimize(loss)
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            s.run(train, {ids: [0, 1, 2, 3]})
            before = dict(cache.stats)
            s.run(train, {ids: [5, 5, 5, 9]})
            s.run(train, {ids: [9, 9, 9, 9]})
            assert cache.stats["traces"] == before["traces"]
            assert cache.stats["compiles"] == before["compiles"]
            got = s.run(w)
    # Adagrad from accumulator 0.1: rows 0-3 once, row 5 summed to 3 once, row 9 in 2 steps
    assert got[[4, 6, 7, 8]].tolist() == [[1.0, 1.0]] * 4
    assert np.all(got[[0, 1, 2, 3, 5, 9]] < 1.0)


BAD_INDEX = r"""
v = tf.get_variable("v", initializer=np.ones((10, 2), np.float32), use_resource=RESOURCE)
i = tf.placeholder(tf.int32, [None])
train = OPT.apply_gradients([(tf.IndexedSlices(tf.ones([3, 2]), i, tf.constant([10, 2])), v)])
out = []
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for bad in ([0, 10, -1], [0, -1, 10], [4, 4, 12]):
        try:
            s.run(train, {i: bad})
            out.append("ran")
        except tf.errors.InvalidArgumentError as e:
            out.append([ln for ln in e.message.splitlines() if "indices" in ln][0].strip())
    out.append(s.run(v).tolist())
result = out
"""


BAD_INDEX_OPTIMIZERS = dict(
    OPTIMIZERS,
    proximal_gd="tf.train.ProximalGradientDescentOptimizer(0.1, l1_regularization_strength=0.01)",
    adagrad_da="tf.train.AdagradDAOptimizer(0.1, tf.train.get_or_create_global_step())")


@pytest.mark.oracle
@pytest.mark.parametrize("resource", [True, False], ids=["resource", "ref"])
@pytest.mark.parametrize("name", sorted(BAD_INDEX_OPTIMIZERS))
def test_index_out_of_range_raises_as_tf(oracle, name, resource):
    """An IndexedSlices row outside the variable (negative too) fails the step with TF's
    message, the first such index in order ('Index 10 at offset 1 in indices is out of
    range', or the scatter's for GD and Adam; Unique hands the distinct indices on in the
    order first seen, as TF's); the kernels that check each index as they reach it (Momentum,
    Ftrl, the proximal ones, AdagradDA) keep the rows before it written, the others none."""
    code = BAD_INDEX.replace("OPT", BAD_INDEX_OPTIMIZERS[name])
    code = code.replace("RESOURCE", str(resource))
    here, there = run_here(code), oracle(code)
    assert here == there, explain(code, here, there)
