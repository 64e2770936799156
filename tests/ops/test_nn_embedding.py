"""tf.nn.embedding_lookup over partitioned params: training with every tf.train optimizer, the
gradient's dense value, vs TF."""

import pytest
from oracle import run_here

# A partitioned table trained for several steps. The batches hold repeated ids, ids of one
# partition only (the others get no row: an update that changes a row it is given with a zero
# gradient, FTRL's, momentum's, RMSProp's, must not reach them) and no id at all.
_TRAIN = r'''
tf.set_random_seed(1)
init = tf.truncated_normal_initializer(seed=2)
if KIND == "fixed":
    parts = tf.get_variable("parts", [20, 4], partitioner=tf.fixed_size_partitioner(3),
                            initializer=init, use_resource=RESOURCE)
elif KIND == "min_max":
    parts = tf.get_variable("parts", [20, 4], initializer=init, use_resource=RESOURCE,
                            partitioner=tf.min_max_variable_partitioner(4, min_slice_size=16))
else:
    parts = [tf.get_variable("p%d" % i, [7 if i < 2 else 6, 4], initializer=init,
                             use_resource=RESOURCE) for i in range(3)]
ids = tf.placeholder(DTYPE, [None])
e = tf.nn.embedding_lookup(parts, ids, partition_strategy=STRATEGY)
loss = tf.reduce_sum(tf.square(tf.reduce_sum(e, 1) - 1.)) / 3.
train = tf.train.OPTIMIZER.minimize(loss)
batches = [[5, 7, 19], [1, 2, 3, 2, 2], [0, 3, 6, 9], [], [5, 7, 19, 19]]
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    losses = [round(float(s.run([train, loss], {ids: b})[1]), 4) for b in batches]
    result = [losses, [np.round(v, 4).tolist() for v in s.run(list(parts))]]
'''

# (optimizer, partition strategy, id dtype, resource variables, how the table is partitioned)
_CASES = [
    ("GradientDescentOptimizer(0.3)", "mod", "int64", False, "fixed"),
    ("MomentumOptimizer(0.1, 0.9)", "div", "int32", False, "fixed"),
    ("MomentumOptimizer(0.1, 0.9, use_nesterov=True)", "div", "int64", True, "list"),
    ("AdagradOptimizer(0.3)", "mod", "int32", True, "min_max"),
    ("AdagradDAOptimizer(0.3, tf.train.get_or_create_global_step())", "div", "int64", False,
     "fixed"),
    ("ProximalAdagradOptimizer(0.3, l1_regularization_strength=0.01, "
     "l2_regularization_strength=0.02)", "div", "int64", False, "fixed"),
    ("AdadeltaOptimizer(1.0)", "mod", "int64", True, "fixed"),
    ("RMSPropOptimizer(0.05, momentum=0.5)", "div", "int32", False, "list"),
    ("RMSPropOptimizer(0.05, momentum=0.5, centered=True)", "mod", "int64", False, "min_max"),
    ("AdamOptimizer(0.1)", "div", "int64", True, "fixed"),
    ("FtrlOptimizer(0.3)", "mod", "int64", False, "fixed"),
    ("FtrlOptimizer(0.3)", "div", "int32", True, "list"),
    ("FtrlOptimizer(0.3, l1_regularization_strength=0.01, "
     "l2_shrinkage_regularization_strength=0.1)", "div", "int32", True, "min_max"),
    ("ProximalGradientDescentOptimizer(0.3, l1_regularization_strength=0.01, "
     "l2_regularization_strength=0.02)", "mod", "int32", False, "list"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("optimizer,strategy,dtype,resource,kind", _CASES)
def test_partitioned_table_trains_as_tf(oracle, optimizer, strategy, dtype, resource, kind):
    code = ("OPTIMIZER = None; STRATEGY = %r; DTYPE = tf.%s; RESOURCE = %s; KIND = %r\n"
            % (strategy, dtype, resource, kind) + _TRAIN.replace("OPTIMIZER", optimizer))
    assert run_here(code) == oracle(code)


# The gradient of each partition as a dense tensor and as the rows an update applies
# (`scatter_sub` of the IndexedSlices), and two lookups of one table aggregated.
_GRADIENT = r'''
parts = [tf.Variable(np.arange(12.).reshape(4, 3) + 10. * i, dtype=tf.float32)
         for i in range(3)]
ids = tf.placeholder(tf.int64, [None])
e = tf.nn.embedding_lookup(parts, ids, partition_strategy=STRATEGY)
twice = tf.nn.embedding_lookup(parts, ids[:2], partition_strategy=STRATEGY)
grads = tf.gradients(tf.reduce_sum(e * e) + tf.reduce_sum(twice), parts)
dense = [tf.convert_to_tensor(g) for g in grads]
with tf.control_dependencies(dense):
    update = tf.group(*[tf.scatter_sub(p, g.indices, g.values) for p, g in zip(parts, grads)])
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    result = []
    for b in ([1, 4, 1, 7], [0, 3, 6], [11, 2, 5, 8]):
        got = s.run(dense + [update], {ids: b})[:-1]
        result.append([np.round(v, 4).tolist() for v in got + s.run(parts)])
    result.append([type(g).__name__ for g in grads])
'''


@pytest.mark.oracle
@pytest.mark.parametrize("strategy", ["mod", "div"])
def test_partition_gradients_and_their_scatters_match_tf(oracle, strategy):
    code = "STRATEGY = %r\n" % strategy + _GRADIENT
    assert run_here(code) == oracle(code)


@pytest.mark.oracle
def test_a_negative_index_of_ones_own_stays_an_error(oracle):
    # padding is -1 only in a lookup's gradient; a user's -1 in a scatter fails as in TF
    code = r'''
v = tf.Variable([[1.], [2.]])
up = tf.scatter_sub(v, tf.constant([-1]), [[1.]])
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    try:
        s.run(up)
        result = "ran"
    except tf.errors.InvalidArgumentError as e:
        result = [ln for ln in str(e).splitlines() if "is not in" in ln][0]
'''
    assert run_here(code) == oracle(code)


# Keras optimizers read slot rows by the gradient's indices (a gather): padding reads zeros
_KERAS = r'''
init = tf.truncated_normal_initializer(seed=2)
parts = tf.get_variable("parts", [20, 4], partitioner=tf.fixed_size_partitioner(3),
                        initializer=init, use_resource=True)
ids = tf.placeholder(tf.int64, [None])
e = tf.nn.embedding_lookup(parts, ids)
loss = tf.reduce_sum(tf.square(tf.reduce_sum(e, 1) - 1.)) / 3.
opt = tf.keras.optimizers.OPTIMIZER
train = opt.apply_gradients(zip(tf.gradients(loss, list(parts)), list(parts)))
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    losses = [round(float(s.run([train, loss], {ids: b})[1]), 4)
              for b in [[5, 7, 19], [1, 2, 3, 2, 2], [0, 3, 6, 9], [], [5, 7, 19, 19]]]
    result = [losses, [np.round(v, 4).tolist() for v in s.run(list(parts))]]
'''


@pytest.mark.oracle
@pytest.mark.parametrize("optimizer", ["Ftrl(0.1)", "RMSprop(0.1, momentum=0.5)",
                                       "SGD(0.1, momentum=0.9)"])
def test_partitioned_table_trains_as_tf_under_keras_optimizers(oracle, optimizer):
    code = _KERAS.replace("OPTIMIZER", optimizer)
    assert run_here(code) == oracle(code)
