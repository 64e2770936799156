"""Optimizers against TensorFlow: variables and slot names, train op, values over steps."""

import pytest

from approx import agree, explain
from oracle import run_here

RUN = '''
def run(make, steps=3, scope=None):
    w = tf.get_variable("w", initializer=[1.0, -2.0, 0.5])
    b = tf.get_variable("b", initializer=0.3)
    x = tf.constant([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
    loss = tf.reduce_sum(tf.square(tf.reduce_sum(x * w, 1) + b - 1.0))
    opt = make()
    if scope:
        with tf.variable_scope(scope):
            train = opt.minimize(loss)
    else:
        train = opt.minimize(loss)
    out = {"vars": [v.name for v in tf.global_variables()], "train": [train.name, train.type],
           "slots": opt.get_slot_names(), "opt_vars": [v.name for v in opt.variables()],
           "slot_w": [opt.get_slot(w, n).name for n in opt.get_slot_names()]}
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        out["vals"] = [s.run([train, w, b])[1:] for _ in range(steps)]
        out["all"] = s.run(tf.global_variables())
    return out
'''

OPTIMIZERS = [
    "tf.train.GradientDescentOptimizer(0.01)",
    "tf.train.AdamOptimizer(0.1)",
    "tf.train.AdamOptimizer(0.1, beta1=0.5, beta2=0.9, epsilon=1e-3, name='MyAdam')",
    "tf.train.MomentumOptimizer(0.01, 0.9)",
    "tf.train.MomentumOptimizer(0.01, 0.9, use_nesterov=True)",
    "tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.5)",
    "tf.train.RMSPropOptimizer(0.01)",
    "tf.train.RMSPropOptimizer(0.01, momentum=0.5, centered=True)",
    "tf.train.AdadeltaOptimizer(1.0)",
    "tf.train.FtrlOptimizer(0.1)",
    "tf.train.FtrlOptimizer(0.1, l1_regularization_strength=0.1, l2_regularization_strength=0.2,"
    " learning_rate_power=-0.7)",
    "tf.train.FtrlOptimizer(0.1, l1_regularization_strength=0.01,"
    " l2_shrinkage_regularization_strength=0.1)",
    "tf.train.ProximalGradientDescentOptimizer(0.01, l1_regularization_strength=0.5,"
    " l2_regularization_strength=0.1)",
    "tf.train.ProximalAdagradOptimizer(0.1, l1_regularization_strength=0.05,"
    " l2_regularization_strength=0.1)",
]


@pytest.mark.oracle
@pytest.mark.parametrize("make", OPTIMIZERS)
def test_optimizer_matches_tf(oracle, make):
    code = RUN + "result = run(lambda: %s)" % make
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


@pytest.mark.oracle
@pytest.mark.parametrize("make", ["tf.train.AdamOptimizer(0.1)",
                                  "tf.train.MomentumOptimizer(0.1, 0.5)"])
def test_minimize_inside_variable_scope(oracle, make):
    code = RUN + "result = run(lambda: %s, steps=1, scope='opt')" % make
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


PROGRAMS = [
    # tf.layers with batch norm: update ops as control dependencies of the train op
    'rng = np.random.RandomState(0)\nxv = rng.randn(8, 5).astype(np.float32); yv = rng.randint(0, 3, 8)\nx = tf.placeholder(tf.float32, [None, 5]); y = tf.placeholder(tf.int32, [None])\ntraining = tf.placeholder_with_default(True, [])\nh = tf.layers.dense(x, 6, activation=tf.nn.relu, kernel_initializer=tf.constant_initializer(rng.randn(5, 6) * 0.3), name="d1")\nh = tf.layers.batch_normalization(h, training=training)\nh = tf.layers.dropout(h, rate=0.0, training=training)\nlogits = tf.layers.dense(h, 3, kernel_initializer=tf.constant_initializer(rng.randn(6, 3) * 0.3), name="d2")\nloss = tf.losses.sparse_softmax_cross_entropy(y, logits)\nupdate_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\nwith tf.control_dependencies(update_ops):\n    train = tf.train.AdamOptimizer(0.05).minimize(loss)\nwith tf.Session() as s:\n    s.run(tf.global_variables_initializer())\n    curve = [s.run([train, loss], {x: xv, y: yv})[1] for _ in range(5)]\n    result = [curve, [v.name for v in tf.global_variables()], s.run(tf.global_variables()[:6])]',
    # slots of a partitioned variable are saved as one tensor per slot, as TF
    'import os, tempfile, shutil\nwith tf.variable_scope("p", partitioner=tf.fixed_size_partitioner(2)):\n    v = tf.get_variable("v", [4, 2], initializer=tf.ones_initializer())\nloss = tf.reduce_sum(v * v)\nopt = tf.train.AdamOptimizer(0.1)\ntrain = opt.minimize(loss)\nsaver = tf.train.Saver()\nd = tempfile.mkdtemp()\ntry:\n    with tf.Session() as s:\n        s.run(tf.global_variables_initializer())\n        s.run(train)\n        path = saver.save(s, os.path.join(d, "m"))\n    result = [[v.name for v in tf.global_variables()], sorted([nm, list(sh)] for nm, sh in tf.train.list_variables(path)),\n              tf.train.load_variable(path, "p/v/Adam").tolist()]\nfinally:\n    shutil.rmtree(d, ignore_errors=True)',
    # global step: train op is the AssignAdd, the group is '<name>/update'
    """w = tf.get_variable("w", initializer=[1.0, 2.0])
gs = tf.train.get_or_create_global_step()
train = tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(w * w), global_step=gs, name="step")
ops = [o.name for o in tf.get_default_graph().get_operations()]
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    s.run(train); s.run(train)
    result = [train.name, train.type, [c.name for c in train.control_inputs], s.run(gs),
              s.run(w), "step/update" in ops, tf.get_collection(tf.GraphKeys.TRAIN_OP)]""",
    # compute_gradients / apply_gradients, grads named as TF (gated by default)
    """w = tf.get_variable("w", [2, 3], initializer=tf.ones_initializer())
v = tf.get_variable("v", [3], initializer=tf.ones_initializer())
u = tf.get_variable("u", [1])
x = tf.placeholder(tf.float32, [4, 2])
loss = tf.reduce_mean(tf.matmul(x, w) + v)
opt = tf.train.GradientDescentOptimizer(0.5)
gv = opt.compute_gradients(loss)
train = opt.apply_gradients(gv)
result = [[None if g is None else g.name for g, _ in gv], [v.name for _, v in gv], train.name]""",
    """w = tf.get_variable("w", [2, 3], initializer=tf.ones_initializer())
x = tf.placeholder(tf.float32, [4, 2])
loss = tf.reduce_mean(tf.matmul(x, w))
opt = tf.train.GradientDescentOptimizer(0.5)
result = [g.name for g, _ in opt.compute_gradients(loss, gate_gradients=0)]""",
    """w = tf.get_variable("w", [2])
loss = tf.reduce_sum(w * 3.0)
opt = tf.train.MomentumOptimizer(0.1, 0.9)
gv = opt.compute_gradients(loss, var_list=[w])
clipped = [(tf.clip_by_value(g, -1., 1.), v) for g, v in gv]
train = opt.apply_gradients(clipped)
t2 = opt.apply_gradients(clipped)
result = [train.name, t2.name, [v.name for v in tf.global_variables()]]""",
    # errors
    """loss = tf.constant(1.0) * 2.0
tf.train.GradientDescentOptimizer(0.1).minimize(loss)""",
    """tf.get_variable("w", [1])
tf.train.AdamOptimizer(0.1).minimize(tf.constant(1.0) * 2.0)""",
    """w = tf.get_variable("w", [1])
tf.train.AdamOptimizer(0.1).apply_gradients([(None, w)])""",
    """tf.train.AdamOptimizer(0.1).apply_gradients([])""",
    """w = tf.get_variable("w", [1])
tf.train.AdamOptimizer(0.1).compute_gradients(w * 2.0, gate_gradients=5)""",
    """w = tf.get_variable("w", [1], dtype=tf.int32)
tf.train.AdamOptimizer(0.1).minimize(tf.cast(w, tf.float32))""",
    """tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.0)""",
    """tf.train.FtrlOptimizer(0.1, learning_rate_power=0.5)""",
    # the Adagrad accumulator under a name scope and a reuse scope
    """with tf.variable_scope("net"):
    w = tf.get_variable("w", initializer=[1.0, 2.0])
with tf.variable_scope("net", reuse=True):
    loss = tf.reduce_sum(tf.get_variable("w") ** 2)
    opt = tf.train.AdagradOptimizer(0.1)
    train = opt.minimize(loss)
result = [[v.name for v in tf.global_variables()], train.name, opt.get_slot(w, "accumulator").name,
          opt.get_slot(w, "nope"), opt.get_slot_names()]""",
    # two optimizers and two minimize calls: names uniquified, slots shared per optimizer
    """w = tf.get_variable("w", initializer=[1.0])
loss = tf.reduce_sum(w * w)
a = tf.train.AdamOptimizer(0.1)
t1 = a.minimize(loss)
t2 = a.minimize(loss)
t3 = tf.train.AdamOptimizer(0.1).minimize(loss)
result = [t1.name, t2.name, t3.name, [v.name for v in tf.global_variables()]]""",
    # learning rate as a tensor and as a callable; var_list as a dict
    """w = tf.get_variable("w", initializer=[1.0, 2.0])
lr = tf.placeholder(tf.float32, [])
train = tf.train.GradientDescentOptimizer(lr).minimize(tf.reduce_sum(w * w), var_list={"a": w})
t2 = tf.train.MomentumOptimizer(lambda: 0.1, 0.5).minimize(tf.reduce_sum(w * w))
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    s.run(train, {lr: 0.25})
    s.run(t2)
    result = s.run(w)""",
    # a variable without gradient is skipped
    """w = tf.get_variable("w", initializer=[1.0, 2.0])
u = tf.get_variable("u", initializer=[3.0])
opt = tf.train.AdamOptimizer(0.1)
train = opt.minimize(tf.reduce_sum(w * w))
result = [[v.name for v in tf.global_variables()], opt.get_slot(u, "m")]""",
    # float64 variables: the learning rate is cast
    """w = tf.get_variable("w", initializer=tf.constant([1.0, 2.0], tf.float64))
train = tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(w * w))
ops = [o.name for o in tf.get_default_graph().get_operations() if o.type == "Cast"]
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    s.run(train)
    result = [ops, s.run(w)]""",
    # a variable shared by name scope and a tf.Variable
    """with tf.name_scope("ns"):
    w = tf.Variable([1.0], name="w")
loss = tf.reduce_sum(w * w)
opt = tf.train.RMSPropOptimizer(0.1, centered=True)
opt.minimize(loss)
result = [v.name for v in tf.global_variables()]""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_program_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


SPARSE = '''
emb = tf.get_variable("emb", initializer=np.arange(24, dtype=np.float32).reshape(6, 4) / 10.0)
w = tf.get_variable("w", initializer=[0.5, -1.0, 2.0, 0.1])
ids = tf.placeholder(tf.int32, [None])
e = tf.nn.embedding_lookup(emb, ids)
loss = tf.reduce_sum(tf.square(tf.reduce_sum(e * w, 1) - 1.0))
opt = %s
gv = opt.compute_gradients(loss)
train = opt.apply_gradients(gv)
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    for batch in ([0, 2, 2], [1, 2], [5, 0, 0, 0]):
        s.run(train, {ids: batch})
    result = [[isinstance(g, tf.IndexedSlices) for g, _ in gv], gv[0][0].name, gv[0][0].indices.name,
              s.run(tf.global_variables())]
'''


@pytest.mark.oracle
@pytest.mark.parametrize("make", OPTIMIZERS)
def test_sparse_updates_match_tf(oracle, make):
    code = SPARSE % make
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


VAR_LISTS = ["d.values()", "(b, a)", "d", "[[a], (b,)]", "range(0)", "d.keys()", "d.items()",
             "(v for v in [a, b])", "{a}", "iter([a, b])"]


@pytest.mark.oracle
@pytest.mark.parametrize("var_list", VAR_LISTS)
def test_var_list_iterables_as_tf(oracle, var_list):
    """TF flattens var_list with nest: dict views and sequences nest; a generator is one leaf."""
    code = '''a = tf.get_variable("a", initializer=1.0)
b = tf.get_variable("b", initializer=2.0)
d = {"y": b, "x": a}
opt = tf.train.GradientDescentOptimizer(0.1)
gv = opt.compute_gradients(a * a + b * b, var_list=%s)
train = opt.minimize(a * a + b * b, var_list=%s)
with tf.Session() as s:
    s.run(tf.global_variables_initializer()); s.run(train)
    result = [[v.name for _, v in gv], s.run([a, b])]''' % (var_list, var_list)
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)
    if "raises" in there:
        assert here["msg"] == there["msg"]


@pytest.mark.oracle
@pytest.mark.parametrize("make", ["tf.train.GradientDescentOptimizer(0.1)",
                                  "tf.train.AdamOptimizer(0.1)"])
def test_a_loss_of_another_dtype_is_refused_with_tfs_message(oracle, make):
    """TF lists the valid dtypes in its set's order (float32, float64, float16, bfloat16)."""
    code = "v = tf.Variable([1, 2])\n%s.minimize(tf.reduce_sum(v))" % make
    here, there = run_here(code), oracle(code)
    assert [here.get("raises"), here.get("msg")] == [there["raises"], there["msg"]], (here, there)
