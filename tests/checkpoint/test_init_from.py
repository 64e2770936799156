"""tf.train.init_from_checkpoint: TF's ops, scope mapping rules, errors, loaded values."""

import pytest
from oracle import explain, run_here, same

pytest.importorskip("scopeflow.session")

# Each program first writes a checkpoint (w [2], bb/x [2, 3] int64, p/v [4, 2] in 2 parts).
_CKPT = ("import os, tempfile\nd = tempfile.mkdtemp()\nckpt = os.path.join(d, 'm')\n"
         "g0 = tf.Graph()\nwith g0.as_default():\n"
         "  w0 = tf.get_variable('w', initializer=[1.0, 2.0])\n"
         "  x0 = tf.get_variable('bb/x', initializer=np.arange(6).reshape(2, 3))\n"
         "  with tf.variable_scope('p', partitioner=tf.fixed_size_partitioner(2)):\n"
         "    v0 = tf.get_variable('v', [4, 2], initializer=tf.ones_initializer())\n"
         "  s0 = tf.train.Saver()\n"
         "  with tf.Session() as sess0:\n"
         "    sess0.run(tf.global_variables_initializer())\n"
         "    s0.save(sess0, ckpt, write_meta_graph=False)\n")
_NEW = ("[(o.name, o.type, [i.name for i in o.inputs], o.device) "
        "for o in tf.get_default_graph().get_operations()[n0:]]")

PROGRAMS = [
    _CKPT + "w = tf.get_variable('w', [2])\nwith tf.variable_scope('sc'):\n"
    "  u = tf.get_variable('x', [2, 3], dtype=tf.int64)\n"
    "n0 = len(tf.get_default_graph().get_operations())\n"
    "tf.train.init_from_checkpoint(ckpt, {'w': 'w', 'bb/': 'sc/'})\n"
    "result = [%s, w.initializer.name] + [(t.name, t.shape.as_list(), t.device)"
    " for t in (w.initial_value, u.initial_value)]\n"
    "with tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n"
    "  result.append(s.run([w, u]))" % _NEW,
    # the whole checkpoint onto the root, a Variable object, a folder instead of a prefix
    _CKPT + "w = tf.get_variable('w', [2])\nwith tf.variable_scope('bb'):\n"
    "  x = tf.get_variable('x', [2, 3], dtype=tf.int64)\n"
    "tf.train.init_from_checkpoint(d, {'/': '/'})\n"
    "with tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n"
    "  result = s.run([w, x])",
    _CKPT + "v = tf.Variable([0., 0.], name='vv')\n"
    "tf.train.init_from_checkpoint(ckpt, {'w': v})\n"
    "with tf.Session() as s:\n  s.run(v.initializer)\n  result = s.run(v)",
    # partitioned variables load slice by slice
    _CKPT + "with tf.variable_scope('q', partitioner=tf.fixed_size_partitioner(4)):\n"
    "  v = tf.get_variable('v', [4, 2])\n"
    "n0 = len(tf.get_default_graph().get_operations())\n"
    "tf.train.init_from_checkpoint(ckpt, {'p/v': 'q/v'})\n"
    "result = [len(%s)]\n"
    "with tf.Session() as s:\n  s.run(tf.global_variables_initializer())\n"
    "  result.append(s.run(tf.concat(list(v), 0)))" % _NEW,
    _CKPT + "w = tf.get_variable('w', [3])\ntf.train.init_from_checkpoint(ckpt, {'w': 'w'})",
    _CKPT + "w = tf.get_variable('w', [2])\ntf.train.init_from_checkpoint(ckpt, {'zz': 'w'})",
    _CKPT + "w = tf.get_variable('w', [2])\ntf.train.init_from_checkpoint(ckpt, {'zz': 'nope'})",
    _CKPT + "with tf.variable_scope('sc'):\n  u = tf.get_variable('u', [2])\n"
    "tf.train.init_from_checkpoint(ckpt, {'bb/': 'sc/'})",
    "import tempfile\ntf.train.init_from_checkpoint(tempfile.mkdtemp(), {'a': 'b'})",
    # names are looked up among get_variable's variables only
    _CKPT + "v = tf.Variable([0., 0.], name='plain')\n"
    "tf.train.init_from_checkpoint(ckpt, {'w': 'plain'})",
]


def _untemp(r):
    """The message without temp folders or the shape map (TF prints a hash map's order)."""
    import re
    if "raises" in r:
        return re.sub(r"/tmp/tmp\w+", "<tmp>", r["msg"]).split(" {")[0]
    return r


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_init_from_checkpoint_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
    assert _untemp(here) == _untemp(there) or "ok" in here, explain(code, here, there)
