"""tf.nn.embedding_lookup_sparse: graphs (gradients too), values, training and argument errors,
vs TF."""

import pytest
from oracle import outcome, run_here

_SETUP = r'''
params = tf.get_variable("emb", [10, 3], initializer=tf.constant_initializer(
    np.arange(30).reshape(10, 3) / 10.))
idx = [[0, 0], [0, 1], [1, 0], [3, 2], [3, 3]]
sp_ids = tf.SparseTensor(idx, tf.constant([1, 3, 1, 7, 1], tf.int64), [5, 4])
sp_w = tf.SparseTensor(idx, [1., 2., 3., 0.5, -0.5], [5, 4]) if WEIGHTS else None
'''

_CASE = _SETUP + r'''
out = tf.nn.embedding_lookup_sparse(params, sp_ids, sp_w, combiner=COMBINER)
grad = tf.gradients(tf.reduce_sum(out), params)[0]
ops = [(op.name, op.type) for op in tf.get_default_graph().get_operations()]
train = tf.train.GradientDescentOptimizer(0.5).minimize(tf.reduce_sum(out * out))
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    before = np.round(s.run(out), 5).tolist()
    s.run(train)
    s.run(train)
    after = np.round(s.run(params), 5).tolist()
result = [out.shape.as_list(), out.dtype.name, ops, type(grad).__name__, before, after]
'''


@pytest.mark.oracle
@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn", None])
@pytest.mark.parametrize("weights", [False, True])
def test_graph_values_and_training_match_tf(oracle, combiner, weights):
    code = "WEIGHTS = %s; COMBINER = %r\n" % (weights, combiner) + _CASE
    assert run_here(code) == oracle(code)


_PARTS = r'''
parts = [tf.constant(np.arange(12.).reshape(4, 3), tf.float32) + 100. * i for i in range(3)]
sp_ids = tf.SparseTensor([[0, 0], [0, 1], [2, 0]], tf.constant([1, 9, 4], tf.int64), [3, 2])
sp_w = tf.SparseTensor([[0, 0], [0, 1], [2, 0]], [1., 2., 3.], [3, 2])
a = tf.nn.embedding_lookup_sparse(parts, sp_ids, None, combiner="sum")
b = tf.nn.embedding_lookup_sparse(parts, sp_ids, sp_w, partition_strategy="div", max_norm=5.)
c = tf.nn.embedding_lookup_sparse(parts[0], sp_ids, sp_w, allow_fast_lookup=True,
                                  combiner="sqrtn")
with tf.Session() as s:
    result = [np.round(v, 4).tolist() for v in s.run([a, b])] + [c.op.type]
'''


@pytest.mark.oracle
def test_partitioned_params_and_max_norm_match_tf(oracle):
    assert run_here(_PARTS) == oracle(_PARTS)


@pytest.mark.oracle
@pytest.mark.parametrize("call", [
    "tf.nn.embedding_lookup_sparse(tf.ones([3, 2]), sp, None, combiner='max')",
    "tf.nn.embedding_lookup_sparse(tf.ones([3, 2]), tf.constant([1]), None)",
    "tf.nn.embedding_lookup_sparse(tf.ones([3, 2]), sp, tf.constant([1.]))",
])
def test_argument_errors_match_tf(oracle, call):
    code = "sp = tf.SparseTensor([[0, 0]], tf.constant([1], tf.int64), [1, 1])\n" + call
    here, there = outcome(run_here(code)), outcome(oracle(code))
    assert here[0] == there[0] and here[1].split("'")[0] == there[1].split("'")[0]


_WIDE = r'''
tf.set_random_seed(3)
ids = tf.sparse_placeholder(tf.int64, [None, None])
wts = tf.sparse_placeholder(tf.float32, [None, None])
table = tf.get_variable("table", [20, 4], initializer=tf.truncated_normal_initializer(seed=1))
parts = tf.get_variable("parts", [20, 4], partitioner=tf.fixed_size_partitioner(3),
                        initializer=tf.truncated_normal_initializer(seed=2))
x = tf.concat([tf.nn.embedding_lookup_sparse(table, ids, None, combiner="sqrtn"),
               tf.nn.embedding_lookup_sparse(parts, ids, wts, combiner="mean")], 1)
loss = tf.reduce_mean(tf.square(tf.layers.dense(x, 1, kernel_initializer=tf.ones_initializer())
                                - 1.))
train = tf.train.OPTIMIZER.minimize(loss)
rows = [[0, 0], [0, 1], [1, 0], [2, 0], [2, 1], [2, 2]]
batches = [([5, 7, 5, 19, 0, 7], [4, 3]), ([1, 2, 3, 4, 5, 6], [3, 5])]
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    losses = []
    for step in range(4):
        vals, shape = batches[step % 2]
        feed = {ids: tf.SparseTensorValue(rows, vals, shape),
                wts: tf.SparseTensorValue(rows, [1., 2., .5, 1., 1., 3.], shape)}
        losses.append(round(float(s.run([train, loss], feed)[1]), 4))
    result = [losses, np.round(s.run(table), 4).tolist()]
'''


@pytest.mark.oracle
@pytest.mark.parametrize("optimizer", ["AdamOptimizer(0.1)", "AdagradOptimizer(0.5)",
                                       "FtrlOptimizer(0.3)", "MomentumOptimizer(0.1, 0.9)"])
def test_wide_model_trains_as_tf(oracle, optimizer):
    """A wide&deep-style input: fed sparse ids into a table and a partitioned table."""
    code = _WIDE.replace("OPTIMIZER", optimizer)
    assert run_here(code) == oracle(code)
