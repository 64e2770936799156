"""`tf.train.Checkpoint` / `tf.train.CheckpointManager` in TF 1's graph mode: the files, keys,
object graph and `checkpoint` state file TF writes (`ckpt-1.index`, `step/.ATTRIBUTES/...`,
`save_counter`, the v1 optimizer's `beta1_power` and slots), checkpoints read both ways (TF
restores what scopeflow wrote and the reverse) and the restore status objects."""

import shutil

import pytest
from approx import agree, explain
from oracle import run_here

BUILD = """
import os
try:
    from tensorflow.core.protobuf.trackable_object_graph_pb2 import TrackableObjectGraph
except ImportError:
    from tensorboard.compat.proto.trackable_object_graph_pb2 import TrackableObjectGraph
step = tf.Variable(0, name='step', dtype=tf.int64)
w = tf.get_variable('w', [2, 3], initializer=tf.ones_initializer())
b = tf.Variable([0.5, -1.0], name='b', use_resource=True)
loss = tf.reduce_sum(w * w) + tf.reduce_sum(b * b)
opt = tf.train.AdamOptimizer(0.1)
train = opt.minimize(loss)
inner = tf.train.Checkpoint(b=b)
ckpt = tf.train.Checkpoint(step=step, optimizer=opt, w=w, inner=inner)
def contents(path):
    r = tf.train.load_checkpoint(path)
    keys = sorted(r.get_variable_to_shape_map())
    graph = TrackableObjectGraph.FromString(r.get_tensor('_CHECKPOINTABLE_OBJECT_GRAPH'))
    return [[k, r.get_tensor(k).tolist()] for k in keys if k != '_CHECKPOINTABLE_OBJECT_GRAPH'
            ] + [str(graph)]
def state():
    s = tf.train.get_checkpoint_state(DIR)
    return [os.path.basename(s.model_checkpoint_path),
            [os.path.basename(p) for p in s.all_model_checkpoint_paths],
            len(s.all_model_checkpoint_timestamps)]
names = lambda paths: [os.path.basename(p) for p in paths]
"""

SAVE = BUILD + """
manager = tf.train.CheckpointManager(ckpt, DIR, max_to_keep=2)
out = [manager.latest_checkpoint, manager.checkpoints]
with tf.Session() as sess:
    status = ckpt.restore(manager.latest_checkpoint)
    out.append(type(status).__name__)
    try:
        status.assert_consumed()
    except AssertionError as e:
        out.append(str(e))
    status.initialize_or_restore(sess)
    for i in range(3):
        sess.run(train); sess.run(step.assign_add(1))
        out.append(os.path.basename(manager.save()))
        out.append(names(manager.checkpoints))
    out.append(os.path.basename(ckpt.save(os.path.join(DIR, 'other'), session=sess)))
    out.append(state())
    out.append(os.path.basename(ckpt.write(os.path.join(DIR, 'written'), session=sess)))
    out.append(os.path.basename(manager.save(checkpoint_number=10)))
    out.append([names(manager.checkpoints), os.path.basename(manager.latest_checkpoint)])
    out.append(sess.run([w, b, step, ckpt.save_counter]))
out += [sorted(os.listdir(DIR)), state(), contents(os.path.join(DIR, 'ckpt-10')),
        contents(os.path.join(DIR, 'written'))]
result = out
"""

LOAD = BUILD + """
manager = tf.train.CheckpointManager(ckpt, DIR, max_to_keep=2)
out = [names(manager.checkpoints), os.path.basename(manager.latest_checkpoint)]
with tf.Session() as sess:
    status = ckpt.restore(manager.latest_checkpoint)
    out.append(type(status).__name__)
    status.assert_consumed().assert_existing_objects_matched().assert_nontrivial_match()
    status.run_restore_ops(sess)
    out.append(sess.run([w, b, step, ckpt.save_counter, opt.get_slot(w, 'm'),
                         opt.get_slot(b, 'v')] + opt.variables()))
    ckpt.restore(os.path.join(DIR, 'ckpt-3')).initialize_or_restore(sess)
    out.append(sess.run([w, step, ckpt.save_counter]))
    out.append(os.path.basename(manager.save()))
    out.append(names(manager.checkpoints))
    out.append(sorted(os.listdir(DIR)))
result = out
"""

# a checkpoint of part of the objects: assert_consumed / assert_existing_objects_matched fail,
# initialize_or_restore initializes what it does not restore
PARTIAL = BUILD + """
part = tf.train.Checkpoint(w=w)
out = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(w.assign(w * 3.0))
    path = part.save(os.path.join(DIR, 'part', 'p'), session=sess)
    out.append(names([path]))
    status = ckpt.restore(path)
    for check in ('assert_consumed', 'assert_existing_objects_matched'):
        try:
            getattr(status, check)()
            out.append('ok')
        except AssertionError:
            out.append('AssertionError')
    status.assert_nontrivial_match()
    sess.run(w.assign(tf.zeros([2, 3])))
    status.initialize_or_restore(sess)
    out.append(sess.run([w, b, step]))
result = out
"""

# a Keras model in a Checkpoint: its variables under tf_keras' paths (`model/layer_with_weights-0
# /kernel/...`), read both ways
MODEL_BUILD = """
import os
K = tf.keras; L = K.layers
model = K.Sequential([L.Dense(3, input_shape=(4,)), L.Dense(2, use_bias=False)])
step = tf.Variable(7, name='step', dtype=tf.int64)
ckpt = tf.train.Checkpoint(model=model, step=step)
sess = K.backend.get_session()
"""

MODEL_SAVE = MODEL_BUILD + """
rng = np.random.RandomState(0)
model.set_weights([rng.uniform(-1, 1, w.shape.as_list()) for w in model.weights])
sess.run(step.initializer)
path = ckpt.save(os.path.join(DIR, 'm'), session=sess)
r = tf.train.load_checkpoint(path)
result = [os.path.basename(path), sorted(r.get_variable_to_shape_map())]
"""

MODEL_LOAD = MODEL_BUILD + """
ckpt.restore(tf.train.latest_checkpoint(DIR)).assert_consumed().run_restore_ops(sess)
result = sess.run(model.weights + [step])
"""

# TF's errors and edge cases: untrackable values, a missing checkpoint, a name-based one,
# unmatched objects either side, a manager without a default session, lists and dicts
EDGES = """
import os
def attempt(f):
    try:
        return ['ok', f()]
    except Exception as e:
        return [type(e).__name__, str(e).split('\\n')[0].replace(DIR, 'DIR')]
public = lambda o: [a for a in dir(o) if not a.startswith('_')]
def attempt_run(f):  # a run-time error: the line of TF's message that names the cause
    try:
        return ['ok', f()]
    except tf.errors.OpError as e:
        lines = [s for s in e.message.splitlines() if s[:1] != '\\t']
        return [type(e).__name__, lines[-1]]
w = tf.Variable([1., 2.], name='w')
b = tf.Variable(3., name='b')
out = [attempt(lambda: tf.train.Checkpoint(x=3)),
       attempt(lambda: tf.train.Checkpoint(x=tf.constant(1.))),
       attempt(lambda: tf.train.Checkpoint(w=w).restore(os.path.join(DIR, 'nope'))),
       attempt(lambda: tf.train.CheckpointManager(tf.train.Checkpoint(), DIR, max_to_keep=0))]
m0 = tf.train.CheckpointManager(tf.train.Checkpoint(w=w), os.path.join(DIR, 'm0'), 2)
out.append(attempt(lambda: m0.save()))
ck = tf.train.Checkpoint(w=w, group=[b, {'z': w, 'a': b}])
saver = tf.train.Saver([w, b])
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    named = saver.save(s, os.path.join(DIR, 'named'))
    status = ck.restore(named)
    out.append(type(status).__name__)
    out.append(attempt(lambda: status.run_restore_ops(s)))
    s.run(ck.save_counter.initializer)
    path = ck.save(os.path.join(DIR, 'x'), session=s)
    r = tf.train.load_checkpoint(path)
    out.append(sorted(r.get_variable_to_shape_map()))
    status = ck.restore(path)
    out.append([public(ck), public(status), public(m0)])
    out.append(attempt(lambda: status.assert_consumed() is status))
    bigger = tf.train.Checkpoint(w=w, v=tf.Variable(3.0, name='v'))
    status = bigger.restore(path)
    out += [attempt(status.assert_consumed), attempt(status.assert_existing_objects_matched),
            attempt(lambda: status.assert_nontrivial_match() is status)]
    status = tf.train.Checkpoint().restore(path)
    out += [attempt(status.assert_consumed), attempt(lambda: status.assert_nontrivial_match()
                                                    is status)]
    out.append(attempt(lambda: ck.restore(DIR)))  # a directory
    out.append(attempt_run(lambda: tf.train.Checkpoint(w=b).restore(path).run_restore_ops(s)))
    out.append(os.path.basename(ck.save(os.path.join(DIR, 'new', 'dirs', 'c'), session=s)))
    m = tf.train.CheckpointManager(ck, os.path.join(DIR, 'm'), max_to_keep=None)
    out.append([os.path.basename(m.save()) for i in range(3)])
    out.append([os.path.basename(p) for p in m.checkpoints])
result = out
"""

# TF's own example for graph mode: restore before the optimizer makes its slots and non-slot
# variables, which the status restores once they exist
DEFERRED = """
import os
def build():
    w = tf.get_variable('w', [2], initializer=tf.ones_initializer())
    opt = tf.train.AdamOptimizer(0.1)
    return w, opt, tf.train.Checkpoint(optimizer=opt, w=w)
out = []
with tf.Graph().as_default():
    w, opt, ckpt = build()
    train = opt.minimize(tf.reduce_sum(w * w))
    with tf.Session() as s:
        s.run(tf.global_variables_initializer()); s.run(train); s.run(train)
        ckpt.save(os.path.join(DIR, 'c'), session=s)
        out.append(s.run([w, opt.get_slot(w, 'm')] + opt.variables()))
with tf.Graph().as_default():
    w, opt, ckpt = build()
    status = ckpt.restore(tf.train.latest_checkpoint(DIR))
    train = opt.minimize(tf.reduce_sum(w * w))
    status.assert_consumed()
    with tf.Session() as s:
        status.initialize_or_restore(s)
        out.append(s.run([w, opt.get_slot(w, 'm')] + opt.variables() + [ckpt.save_counter]))
result = out
"""

# a fitted Keras model and its Keras optimizer (`optimizer/iter`, its hyperparameters, the
# slots under the model's variables), saved by a manager every 2 steps of its step counter
KERAS_FIT = """
import os
K = tf.keras; L = K.layers
model = K.Sequential([L.Dense(3, input_shape=(4,)), L.Dense(2)])
model.compile(K.optimizers.Adam(0.01), 'mse')
model.fit(np.ones((8, 4)), np.ones((8, 2)), epochs=1, verbose=0)
step = tf.Variable(0, name='gs', dtype=tf.int64)
ckpt = tf.train.Checkpoint(model=model, optimizer=model.optimizer, step=step)
sess = K.backend.get_session()
sess.run(step.initializer)
out = []
with sess.as_default():
    m = tf.train.CheckpointManager(ckpt, DIR, max_to_keep=3, step_counter=step,
                                   checkpoint_interval=2)
    for i in range(5):
        p = m.save()
        out.append(None if p is None else os.path.basename(p))
        sess.run(step.assign_add(1))
    out.append(m.checkpoint_interval)
r = tf.train.load_checkpoint(m.latest_checkpoint)
out.append(sorted(r.get_variable_to_shape_map()))
try:
    from tensorflow.core.protobuf.trackable_object_graph_pb2 import TrackableObjectGraph
except ImportError:
    from tensorboard.compat.proto.trackable_object_graph_pb2 import TrackableObjectGraph
out.append(str(TrackableObjectGraph.FromString(r.get_tensor('_CHECKPOINTABLE_OBJECT_GRAPH'))))
result = out
"""


def _run_both(oracle, dirs, code):
    """`code` run by TF and here, each in its own directory of `dirs` {"tf": .., "here": ..}
    (made unless there), with the same results."""
    got = {}
    for side, run in (("tf", oracle), ("here", run_here)):
        dirs[side].mkdir(exist_ok=True)
        got[side] = run("DIR = %r\n" % str(dirs[side]) + code)
    assert "ok" in got["tf"], got["tf"]
    assert agree(got["here"], got["tf"]), explain(code, got["here"], got["tf"])


def _sides(base, name="%s"):
    return {side: base / (name % side) for side in ("tf", "here")}


@pytest.mark.oracle
def test_errors_and_edge_cases_are_tfs(oracle, tmp_path):
    _run_both(oracle, _sides(tmp_path), EDGES)


def _save_and_load_both_ways(oracle, tmp_path, save, load):
    """`save` run by TF and here alike (same results), then `load` run by both, each on its
    own copy of each side's files (a load saves and deletes too)."""
    _run_both(oracle, _sides(tmp_path), save)
    for written in ("tf", "here"):
        copies = _sides(tmp_path, written + "-read-by-%s")
        for copy in copies.values():
            shutil.copytree(tmp_path / written, copy)
        _run_both(oracle, copies, load)


@pytest.mark.oracle
def test_checkpoints_save_and_restore_both_ways(oracle, tmp_path):
    _save_and_load_both_ways(oracle, tmp_path, SAVE, LOAD)


@pytest.mark.oracle
def test_a_partial_checkpoint_restores_as_tf(oracle, tmp_path):
    _run_both(oracle, _sides(tmp_path), PARTIAL)


@pytest.mark.oracle
def test_variables_made_after_restore_are_restored(oracle, tmp_path):
    _run_both(oracle, _sides(tmp_path), DEFERRED)


@pytest.mark.oracle
def test_a_fitted_keras_model_and_a_checkpoint_interval_are_tfs(oracle, tmp_path):
    _run_both(oracle, _sides(tmp_path), KERAS_FIT)


@pytest.mark.oracle
def test_a_keras_model_checkpoints_both_ways(oracle, tmp_path):
    _save_and_load_both_ways(oracle, tmp_path, MODEL_SAVE, MODEL_LOAD)
