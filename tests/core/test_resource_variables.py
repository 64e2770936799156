"""ResourceVariable (`use_resource=True`): TF's ops, names, read semantics, updates, errors,
optimizers, Saver and meta graphs; checked against TF."""

import pytest
from oracle import ORACLE_HELPERS
from scope_programs import check_tf

OPS = """
def ops():
    return [[o.name, o.type, [i.name for i in o.inputs], [c.name for c in o.control_inputs],
             o.colocation_groups(), [[t.dtype.name, t.shape] for t in o.outputs]]
            for o in tf.get_default_graph().get_operations()]
"""

RUN = """
def run(fetches, steps=None, n=1):
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for _ in range(n if steps is not None else 0):
            s.run(steps)
        return s.run(fetches)
"""

PROGRAMS = [
    # the ops of a variable, its handle and reads
    """v = tf.Variable([1.0, 2.0], use_resource=True, name="w")
g = tf.get_variable("g", [2, 3], use_resource=True)
result = [type(v).__name__, v.name, v.dtype.name, v.shape, v.op.name, v.op.type,
          v.handle.name, v.handle.dtype.name, v.initializer.name, v.initial_value.name,
          v._graph_element.name, v.value().name, v.read_value().name, v.device,
          v.to_proto().SerializeToString(), g.to_proto().SerializeToString(), ops()]""",
    # every use reads afresh, inside the op's name scope where TF converts
    """v = tf.Variable([[1.0, 2.0]], use_resource=True, name="v")
result = [(v * 2.0).name, (v @ tf.ones([2, 1])).name, (1.0 - v).name, v[0].name,
          tf.matmul(v, tf.ones([2, 1])).name, tf.identity(v).name, tf.reduce_sum(v * v).name,
          tf.convert_to_tensor(v).name, tf.cast(v, tf.float32).name, ops()]""",
    # names of tf.Variable / get_variable under scopes, and which kind each makes
    """with tf.variable_scope("s", use_resource=True):
    a = tf.Variable(1.0, name="a")
    b = tf.get_variable("b", [1])
    c = tf.get_variable("c", [1], use_resource=False)
with tf.variable_scope("s", reuse=True):
    b2 = tf.get_variable("b")
d = tf.Variable(1.0, name="d", use_resource=False)
result = [[type(x).__name__ for x in (a, b, c, b2, d)], b2 is b,
          [x.name for x in tf.global_variables()], [x.name for x in tf.trainable_variables()],
          [o.name for o in tf.get_default_graph().get_operations()]]""",
    # assign / assign_add / scatter: op types, the lazy read's name, control inputs
    """v = tf.Variable([1.0, 2.0, 3.0], use_resource=True, name="v")
a = v.assign([4.0, 5.0, 6.0])
b = v.assign_add([1.0, 1.0, 1.0], read_value=False)
c = v.assign_sub([1.0, 1.0, 1.0], name="sub")
d = tf.scatter_update(v, [0], [9.0])
e = v.scatter_add(tf.IndexedSlices(tf.constant([1.0]), tf.constant([2])))
f = tf.assign(v, [0.0, 0.0, 0.0])
result = [type(a).__name__, a.name, a.op.name, b.name, b.type, c.name, d.name, e.name, f.name,
          v.sparse_read([0, 2]).name, v.gather_nd([[1]]).name, v.is_initialized().name,
          tf.is_variable_initialized(v).name, ops()]""",
    # values: reads after updates within one run and across runs
    """v = tf.Variable([1.0, 2.0], use_resource=True, name="v")
with tf.Session() as s:
    s.run(v.initializer)
    r = [s.run(v.assign_add([1.0, 1.0])), s.run(v.assign([5.0, 6.0])), s.run(v),
         s.run(tf.scatter_sub(v, [1], [1.0])), s.run(v.sparse_read([1, 1, 0])),
         s.run(tf.nn.embedding_lookup(v, [[1]])), s.run(v.read_value()), v.eval(s),
         s.run(tf.report_uninitialized_variables())]
    v.load([7.0, 8.0], s)
    r.append(s.run(v))
result = r""",
    # dtypes other than float, counting
    """v = tf.Variable(0, use_resource=True, name="c")
i = tf.Variable(tf.zeros([2], tf.int64), use_resource=True)
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    r = [s.run(v.count_up_to(2)), s.run(v.count_up_to(2)), err(lambda: s.run(v.count_up_to(2))),
         s.run(i.assign_add([1, 2])).dtype.name, s.run(tf.scatter_max(i, [0], [7]))]
result = [r, tf.count_up_to(v, 3).name]""",
    # uninitialized: TF's errors (no container yet, then another variable initialized)
    """v = tf.get_variable("v", [2], use_resource=True)
u = tf.get_variable("u", [2], use_resource=True)
with tf.Session() as s:
    r = [err(lambda: s.run(v)), err(lambda: s.run(v.assign_add([1.0, 1.0]))),
         err(lambda: s.run(v.sparse_read([0]))), s.run(tf.is_variable_initialized(v))]
    s.run(u.initializer)
    r += [err(lambda: s.run(v.read_value())), err(lambda: s.run(v.assign_add([1.0, 1.0]))),
          s.run(tf.report_uninitialized_variables())]
result = r""",
    "tf.get_variable('v', [2], use_resource=True).assign([1.0, 2.0, 3.0])",
    """v = tf.get_variable("v", initializer=[1.0, 2.0], use_resource=True)
w = tf.get_variable("w", initializer=[1.0, 2.0], use_resource=True, validate_shape=False)
result = [v.shape, w.shape]""",
    # initial values that read other variables, of both kinds
    """a = tf.get_variable("a", [2], initializer=tf.constant_initializer(4.0))
b = tf.Variable(a.initialized_value() * 2.0, use_resource=True, name="b")
with tf.Session() as s:
    s.run(b.initializer)
    result = [s.run(b), err(lambda: s.run(a)), err(b.initialized_value)]""",
]

# inside tf.cond and tf.while_loop: the handle enters through Switch / Enter, reads see the
# current value, updates inside a loop accumulate
PROGRAMS += [
    """v = tf.Variable([1.0, 2.0], use_resource=True, name="v")
p = tf.placeholder(tf.bool, [])
y = tf.cond(p, lambda: v * 2.0, lambda: tf.identity(v))
z = tf.cond(p, lambda: v.assign_add([1.0, 1.0]).read_value(), lambda: v.read_value())
def body(i):
    with tf.control_dependencies([v.assign_add([1.0, 1.0])]):
        return i + 1
w = tf.while_loop(lambda i: i < 3, body, [tf.constant(0)])
with tf.Session() as s:
    s.run(v.initializer)
    r = [s.run(y, {p: True}), s.run(z, {p: True}), s.run(y, {p: False}), s.run(z, {p: False}),
         s.run(w), s.run(v)]
result = [r, [(o.name, o.type) for o in tf.get_default_graph().get_operations()]]""",
    # tf.layers under a resource variable scope, trained by Momentum with batch norm updates
    """x = tf.constant(np.arange(24, dtype=np.float32).reshape(2, 2, 3, 2) / 10.0)
with tf.variable_scope("net", use_resource=True):
    h = tf.layers.conv2d(x, 3, 2, kernel_initializer=tf.constant_initializer(0.1), name="c")
    h = tf.layers.batch_normalization(h, training=True, name="bn")
    y = tf.layers.dense(tf.layers.flatten(h), 1, kernel_initializer=tf.ones_initializer())
loss = tf.reduce_sum(y * y)
with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
    step = tf.train.MomentumOptimizer(0.01, 0.9).minimize(loss)
result = [[(v.name, v.op.type) for v in tf.global_variables()],
          sorted(set(o.type for o in tf.get_default_graph().get_operations()
                     if not o.name.startswith("gradients"))),
          [np.round(a, 3) for a in run([loss] + tf.global_variables(), step, 2)]]""",
    # the global default: tf.enable_resource_variables()
    """tf.enable_resource_variables()
try:
    a = tf.Variable(1.0, name="a")
    b = tf.get_variable("b", [1])
    with tf.variable_scope("s", use_resource=False):
        c = tf.get_variable("c", [1])
        d = tf.Variable(1.0, name="d")
    r = [tf.resource_variables_enabled(), [type(x).__name__ for x in (a, b, c, d)]]
finally:
    tf.disable_resource_variables()
result = [r, tf.resource_variables_enabled(), type(tf.Variable(1.0)).__name__]""",
]

# a resource global step, moving averages, a checkpoint as initial values, freezing
PROGRAMS += [
    """tf.enable_resource_variables()
try:
    w = tf.get_variable("w", [2], initializer=tf.constant_initializer([1.0, 2.0]))
    gs = tf.train.get_or_create_global_step()
    step = tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(w * w), global_step=gs)
    ema = tf.train.ExponentialMovingAverage(0.5, num_updates=gs)
    with tf.control_dependencies([step]):
        train = ema.apply([w])
    avg = ema.average(w)
    r = [type(gs).__name__, type(step).__name__, step.name, train.name, avg.name, avg.op.type,
         run([w, avg, gs], train, 2)]
finally:
    tf.disable_resource_variables()
result = r""",
    """import tempfile, os
d = tempfile.mkdtemp()
a = tf.get_variable("a", [2], initializer=tf.constant_initializer(3.0))
with tf.Session() as s:
    s.run(a.initializer)
    tf.train.Saver().save(s, os.path.join(d, "ck"))
tf.reset_default_graph()
b = tf.get_variable("b", [2], use_resource=True)
tf.train.init_from_checkpoint(os.path.join(d, "ck"), {"a": "b"})
result = [b.initializer.name, b.initializer.type, run(b)]""",
    """v = tf.get_variable("v", [2], use_resource=True, initializer=tf.constant_initializer(2.0))
y = tf.identity(v * 3.0, name="y")
with tf.Session() as s:
    s.run(v.initializer)
    g = tf.graph_util.convert_variables_to_constants(s, s.graph_def, ["y"])
result = [[(n.name, n.op, list(n.input)) for n in g.node]]""",
]

# the optimizer's ops outside gradients/: names, types, inputs, control inputs, colocation
PROGRAMS += ["""v = tf.get_variable("v", [2], use_resource=True, initializer=tf.constant_initializer(1.0))
w = tf.get_variable("w", [2], initializer=tf.constant_initializer(1.0))
g = tf.train.get_or_create_global_step()
opt = %s
step = opt.minimize(tf.reduce_sum(v * v) + tf.reduce_sum(w), global_step=g)
result = [step.name, [x for x in ops() if not x[0].startswith("gradients")]]""" % o for o in (
    "tf.train.AdamOptimizer(0.1)", "tf.train.MomentumOptimizer(0.1, 0.9)",
    "tf.train.GradientDescentOptimizer(0.1)", "tf.train.RMSPropOptimizer(0.1)")]

# partitioned resource variables: shards, lookups, sparse updates, a Saver's keys
PROGRAMS += [
    """import tempfile, os
with tf.variable_scope("p", use_resource=True,
                       partitioner=tf.fixed_size_partitioner(2)):
    e = tf.get_variable("e", [4, 2], initializer=tf.constant_initializer(1.5))
look = tf.nn.embedding_lookup(e, [3, 0, 1])
step = tf.train.GradientDescentOptimizer(1.0).minimize(tf.reduce_sum(look))
d = tempfile.mkdtemp()
saver = tf.train.Saver()
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    s.run(step)
    r = s.run([look] + list(e))
    saver.save(s, os.path.join(d, "ck"))
result = [[type(x).__name__ for x in e], look.name, r,
          sorted(tf.train.list_variables(os.path.join(d, "ck")))]""",
    """v = tf.Variable([1.0, 2.0], use_resource=True, name="v", caching_device="/cpu:0")
w = tf.Variable(lambda: tf.ones([2]), use_resource=True, name="w", trainable=False)
x = tf.Variable(tf.zeros([3]), use_resource=True, constraint=lambda t: t * 0.0)
result = [v.value().name, v.to_proto().snapshot_name, w.initial_value.name, w.trainable,
          [o.name for o in tf.get_default_graph().get_operations()], run([v, w])]""",
]

OPTIMIZERS = [
    "tf.train.GradientDescentOptimizer(0.1)",
    "tf.train.MomentumOptimizer(0.1, 0.9)",
    "tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True)",
    "tf.train.AdamOptimizer(0.1)",
    "tf.train.AdagradOptimizer(0.1)",
    "tf.train.RMSPropOptimizer(0.1)",
    "tf.train.RMSPropOptimizer(0.1, momentum=0.5, centered=True)",
    "tf.train.AdadeltaOptimizer(1.0)",
    "tf.train.FtrlOptimizer(0.1)",
    "tf.train.ProximalGradientDescentOptimizer(0.1)",
    "tf.train.ProximalAdagradOptimizer(0.1)",
]

# dense and sparse updates of resource variables (and a ref one beside them): op types,
# slot names and kinds, values after three steps
OPTIMIZER_PROGRAM = """
w = tf.get_variable("w", [2], use_resource=True, initializer=tf.constant_initializer([1.0, -2.0]))
emb = tf.get_variable("emb", [3, 2], use_resource=True,
                      initializer=tf.constant_initializer([0.5, 1.0, 1.5, 2.0, 2.5, 3.0]))
r = tf.get_variable("r", [1], use_resource=False, initializer=tf.constant_initializer(1.0))
loss = tf.reduce_sum(w * w) + tf.reduce_sum(tf.gather(emb, [0, 2, 2]) ** 2) + tf.reduce_sum(r * w)
opt = %s
step = opt.minimize(loss, global_step=tf.train.get_or_create_global_step())
upd = sorted(set(o.type for o in tf.get_default_graph().get_operations()
                 if "/update_" in o.name and (o.type.startswith("Resource") or "Apply" in o.type)))
if isinstance(opt, tf.train.AdamOptimizer):  # scopeflow: sparse Adam is the dense update
    upd = [u for u in upd if u != "ResourceScatterAdd"]
result = [upd, [(v.name, v.op.type) for v in tf.global_variables()], opt.get_slot_names(),
          run([w, emb, r], step, 3)]
"""


@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    check_tf(oracle, ORACLE_HELPERS + OPS + RUN + code, message=True)


@pytest.mark.parametrize("opt", OPTIMIZERS)
def test_optimizers_match_tf(oracle, opt):
    check_tf(oracle, ORACLE_HELPERS + RUN + OPTIMIZER_PROGRAM % opt)
