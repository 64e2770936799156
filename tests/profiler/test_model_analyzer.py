"""tf.profiler against TF: total_float_ops (TF's registered flops statistics) and
total_parameters of an MLP, a CNN and RNNs with their gradients and optimizer ops, the
scope, graph and op views' protos (names, per-node and total values, input shapes), the report
TF prints (stdout and file output), the option builders and the namespace."""

from oracle import run_here

# fd 1 captured around f(): TF's C++ tfprof prints there, scopeflow through sys.stdout
CAPTURE = r"""
import os, sys, tempfile
def capture(f, fd=1):
    attr = "stdout" if fd == 1 else "stderr"
    getattr(sys, attr).flush()
    old, saved, tmp = getattr(sys, attr), os.dup(fd), tempfile.TemporaryFile()
    os.dup2(tmp.fileno(), fd)
    setattr(sys, attr, os.fdopen(os.dup(fd), "w"))
    try:
        r = f()
    finally:
        getattr(sys, attr).flush()
        getattr(sys, attr).close()
        setattr(sys, attr, old)
        os.dup2(saved, fd)
        os.close(saved)
    tmp.seek(0)
    return r, tmp.read().decode()
P, B = tf.profiler, tf.profiler.ProfileOptionBuilder
def prof(g, cmd="scope", **kw):
    return capture(lambda: P.profile(g, cmd=cmd, **kw))
"""

MODELS = CAPTURE + r"""
def mlp():
    x = tf.placeholder(tf.float32, [8, 20], name="x")
    labels = tf.placeholder(tf.int32, [8], name="labels")
    with tf.variable_scope("l1"):
        w = tf.get_variable("w", [20, 30]); b = tf.get_variable("b", [30])
        h = tf.nn.relu(tf.matmul(x, w) + b)
    with tf.variable_scope("l2"):
        w2 = tf.get_variable("w", [30, 5])
        b2 = tf.get_variable("b", [5], trainable=False)
        y = tf.nn.bias_add(tf.matmul(h, w2), b2)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels, logits=y)) + 0.01 * tf.nn.l2_loss(w)
    tf.train.GradientDescentOptimizer(0.1).minimize(loss)

def cnn():
    x = tf.placeholder(tf.float32, [2, 12, 12, 3], name="images")
    c = tf.layers.conv2d(x, 4, 3, padding="same", activation=tf.nn.relu, name="conv1")
    p = tf.nn.max_pool(c, [1, 2, 2, 1], [1, 2, 2, 1], "VALID", name="pool1")
    c2 = tf.layers.conv2d(p, 6, 3, strides=2, name="conv2")
    a = tf.nn.avg_pool(c2, [1, 2, 2, 1], [1, 1, 1, 1], "SAME")
    flat = tf.reshape(a, [2, -1])
    y = tf.layers.dense(flat, 10, name="fc")
    loss = tf.reduce_mean(tf.square(y - 1.0))
    tf.train.AdamOptimizer(0.01).minimize(loss)

def rnn():
    x = tf.placeholder(tf.float32, [3, 4, 5], name="seq")
    cell = tf.nn.rnn_cell.BasicLSTMCell(6)
    outs, _ = tf.nn.static_rnn(cell, tf.unstack(x, axis=1), dtype=tf.float32, scope="lstm")
    with tf.variable_scope("gru"):
        out2, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), x, dtype=tf.float32)
    loss = tf.reduce_sum(outs[-1]) + tf.reduce_sum(out2)
    tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss)

def unknown():
    x = tf.placeholder(tf.float32, [None, 7], name="x")
    w = tf.get_variable("w", [7, 3])
    s = tf.get_variable("s", [])
    y = tf.matmul(x, w) * s
    tf.gradients(tf.reduce_sum(y), [w, s])

def keras():
    model = tf.keras.Sequential([
        tf.keras.layers.Conv2D(4, 3, activation="relu", input_shape=(10, 10, 2)),
        tf.keras.layers.MaxPooling2D(), tf.keras.layers.BatchNormalization(),
        tf.keras.layers.Flatten(), tf.keras.layers.Dense(3, activation="softmax")])
    x = tf.placeholder(tf.float32, [5, 10, 10, 2])
    y = model(x)
    with tf.variable_scope("res", use_resource=True):
        w = tf.get_variable("w", [3, 3])
    tf.gradients(tf.reduce_sum(tf.matmul(y, w)), model.trainable_weights + [w])

result = {}
for name, build in [("mlp", mlp), ("cnn", cnn), ("rnn", rnn), ("unknown", unknown),
                    ("keras", keras)]:
    g = tf.Graph()
    with g.as_default():
        build()
    r = {}
    flops, text = prof(g, options=B.float_operation())
    r["flops"] = [flops.total_float_ops, str(flops), text]
    params, text = prof(g, options=B.trainable_variables_parameter())
    r["params"] = [params.total_parameters, str(params), text]
    ops, text = prof(g, cmd="op", options=B.float_operation())
    r["op"] = [type(ops).__name__, ops.total_float_ops, str(ops), text]
    r["graph"] = [str(x) for x in prof(g, cmd="graph", options=B.float_operation())]
    r["graph_params"] = [str(x) for x in prof(g, cmd="graph", options=B(
        B.trainable_variables_parameter()).with_max_depth(6).build())]
    if name in ("mlp", "unknown"):
        r["graph_all"] = [str(x) for x in prof(g, cmd="graph", options=B().with_node_names(
            start_name_regexes=["gradients/.*"], trim_name_regexes=[".*Initializer"])
            .select(["params", "float_ops", "op_types"]).order_by("float_ops").build())]
        r["op_params"] = [str(x) for x in prof(g, cmd="op",
                                               options=B.trainable_variables_parameter())]
        all_ = B(B.float_operation()).select(["params", "float_ops", "occurrence",
                                              "op_types", "input_shapes"])
        r["all"] = [str(x) for x in prof(g, options=all_.with_min_float_operations(0)
                                         .account_displayed_op_only(False).build())]
        r["depth"] = [str(x) for x in prof(g, options=B(B.trainable_variables_parameter())
                                           .with_max_depth(2).order_by("params").build())]
        r["names"] = [str(x) for x in prof(g, options=B(B.float_operation()).with_node_names(
            start_name_regexes=["l1.*"], hide_name_regexes=[".*Initializer.*"],
            trim_name_regexes=["gradients/l1"]).build())]
        r["default"] = [str(x) for x in capture(lambda: P.profile(g))]
        r["tm"] = [str(x) for x in prof(g, options=B.time_and_memory())]
        r["builder"] = [str(x) for x in prof(g, options=B().with_max_depth(3).build())]
    result[name] = r
"""


def test_models_match_tf(oracle):
    want = oracle(MODELS)
    got = run_here(MODELS)
    assert "ok" in want, want
    for model in want["ok"]:
        for key in want["ok"][model]:
            assert got["ok"][model][key] == want["ok"][model][key], (model, key)
    assert got == want


OTHER = CAPTURE + r"""
import os, tempfile
d = tempfile.mkdtemp()
x = tf.placeholder(tf.float32, [4, 3], name="x")
w = tf.get_variable("w", [3, 2])
y = tf.matmul(x, w, transpose_a=False)
z = tf.add_n([y, y, y])
path = os.path.join(d, "report.txt")
r, text = prof(None, options=B(B.float_operation()).with_file_output(path).build())
r2, text2 = prof(None, options=B(B.float_operation()).with_empty_output().build())
result = {
    "names": sorted(n for n in dir(tf.profiler) if not n.startswith("_")),
    "builders": [B.float_operation(), B.trainable_variables_parameter(), B.time_and_memory(),
                 B.time_and_memory(3, 4, 5, 6, 7, 8, 9), B().build(),
                 B(B.float_operation()).with_node_names(show_name_regexes=["a"])
                 .with_min_memory(1, 2).with_min_execution_time(3, 4, 5).with_min_parameters(6)
                 .with_min_occurrence(7).with_accounted_types(["X"]).with_step(2)
                 .with_timeline_output("t").with_pprof_output("p").with_stdout_output()
                 .select(["bytes"]).order_by("params").build()],
    "file": [r.total_float_ops, text, open(path).read()],
    "empty": [r2.total_float_ops, text2],
    "protos": [type(r).__name__, type(P.GraphNodeProto()).__name__,
               sorted(P.GraphNodeProto.DESCRIPTOR.fields_by_name),
               sorted(P.MultiGraphNodeProto.DESCRIPTOR.fields_by_name),
               sorted(P.OpLogProto.DESCRIPTOR.fields_by_name)],
    "profiler": [x.total_parameters if i == 0 else x for i, x in enumerate(capture(
        lambda: P.Profiler().profile_name_scope(B.trainable_variables_parameter())))],
}
result["bad_output"] = []
for o in ["bogus", "file", "file:out=3", "timeline", "pprof", "stdout:a=b", "none:a=b",
          "file:outfile=x,y=z"]:
    for cmd in ["scope", "op"]:
        (r, out), err = capture(lambda: prof(None, cmd=cmd, options=dict(B.float_operation(),
                                                                         output=o)), 2)
        result["bad_output"].append([o, type(r).__name__, str(r), out, err])
try:
    P.profile(cmd="bogus")
except Exception as e:
    result["bad"] = [type(e).__name__, str(e)]
"""


def test_namespace_options_and_outputs_match_tf(oracle):
    want = oracle(OTHER)
    got = run_here(OTHER)
    assert "ok" in want, want
    for key in want["ok"]:
        assert got["ok"][key] == want["ok"][key], key


ZOO = CAPTURE + r"""
x = tf.placeholder(tf.float32, [2, 6, 6, 4], name="x")
v = tf.get_variable("v", [3, 4], trainable=False)
a = tf.placeholder(tf.float32, [2, 3, 4]); b = tf.placeholder(tf.float32, [2, 4, 5])
u = tf.placeholder(tf.float32, [3, 4])
outs = [tf.matmul(a, b),
        tf.matmul(tf.transpose(a, [0, 2, 1]), tf.transpose(a, [0, 2, 1]), transpose_a=True),
        tf.matmul(u, u, transpose_a=True),
        tf.nn.depthwise_conv2d(x, tf.ones([3, 3, 4, 2]), [1, 1, 1, 1], "SAME"),
        tf.nn.dilation2d(x, tf.ones([2, 2, 4]), [1, 1, 1, 1], [1, 1, 1, 1], "VALID"),
        tf.nn.conv3d(tf.ones([1, 4, 4, 4, 2]), tf.ones([2, 2, 2, 2, 3]), [1] * 5, "VALID"),
        tf.nn.conv2d(x, tf.ones([3, 3, 4, 5]), [1, 2, 2, 1], "SAME"),
        tf.nn.conv2d(tf.ones([1, 3, 4, 6]), tf.ones([1, 1, 3, 2]), [1, 1, 1, 1], "VALID",
                     data_format="NCHW"),
        tf.rsqrt(u), tf.log(u), -u, tf.reciprocal(u), tf.square(u), tf.nn.softmax(u),
        tf.squared_difference(u, 1.0), tf.pow(u, 2.0), tf.maximum(u, 0.0), tf.minimum(u, 0.0),
        u > 0, u >= 0, u < 0, u <= 0, tf.equal(u, 0.0), tf.not_equal(u, 0.0), u - 1, u / 2,
        tf.argmax(u, 1), tf.argmin(u, 0), tf.reduce_mean(u, 0), tf.reduce_sum(u),
        tf.reduce_max(u), tf.add_n([u, u, u, u]), tf.nn.l2_loss(u), tf.assign_add(v, u),
        tf.assign_sub(v, u), tf.sigmoid(u), tf.nn.avg_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME"),
        tf.add(u, 1.0)]
gs = tf.gradients([tf.reduce_sum(tf.cast(o, tf.float32)) for o in outs[:8]] +
                  [tf.reduce_sum(tf.rsqrt(u))], [x, u, a, b])
r, text = prof(None, options=B.float_operation())
op, optext = prof(None, cmd="op", options=B.float_operation())
result = [r.total_float_ops, str(r), text, str(op), optext]
"""


def test_registered_flops_match_tf(oracle):
    want = oracle(ZOO)
    assert "ok" in want, want
    assert run_here(ZOO) == want
