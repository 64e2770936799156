"""slim variable helpers (tf_slim.ops.variables) against real tf_slim: assign from values or a
checkpoint, filter_variables, VariableDeviceChooser."""

import pytest
from approx import agree, explain
from oracle import run_here

SLIM = "slim = tf.contrib.slim if hasattr(tf, 'contrib') else __import__('tf_slim')\n"
SAVE = SLIM + """import tempfile, os, numpy as np
d = tempfile.mkdtemp(); path = os.path.join(d, 'm.ckpt')
with tf.Graph().as_default():
    a = tf.Variable([1.0, 2.0], name='s/a'); b = tf.Variable([[3.0], [4.0]], name='b')
    c = tf.Variable(5, name='c')
    with tf.Session() as s:
        s.run(tf.global_variables_initializer()); tf.train.Saver().save(s, path)
"""

PROGRAMS = [
    SLIM + """import numpy as np
a = tf.Variable([0.0, 0.0], name='a'); b = tf.Variable([[0.0], [0.0]], name='s/b')
ab = tf.Variable(0, name='ab')
op, feed = slim.assign_from_values({'a': np.array([1.0, 2.0]), 's/b': np.array([3.0, 4.0]),
                                    'ab': np.array(7)})
fn = slim.assign_from_values_fn({'a': np.array([5.0, 6.0])})
with tf.Session() as s:
    s.run(tf.global_variables_initializer()); s.run(op, feed); r1 = s.run([a, b, ab])
    fn(s); r2 = s.run(a)
result = [op.name, op.type, sorted(p.name for p in feed), r1, r2]""",
    SLIM + "import numpy as np\nresult = slim.assign_from_values({'nope': np.ones(2)})",
    SLIM + "import numpy as np\na = tf.Variable(0.0, name='a'); b = tf.Variable(0.0, name='a/b')\n"
    "c = tf.Variable(0.0, name='a/c')\nresult = slim.assign_from_values({'a/': np.ones(1)})",
    SAVE + """a = tf.Variable([0.0, 0.0], name='s/a'); b = tf.Variable([[0.0], [0.0]], name='x')
op, feed = slim.assign_from_checkpoint(path, [a, {'b': b}['b']] if False else
                                       {'s/a': a, 'b': [b]})
with tf.Session() as s:
    s.run(tf.global_variables_initializer()); s.run(op, feed)
    result = [sorted(p.name for p in feed), s.run([a, b])]""",
    SAVE + """a = tf.Variable([0.0, 0.0], name='s/a'); m = tf.Variable(0.0, name='missing')
op, feed = slim.assign_from_checkpoint(path, [a, m], ignore_missing_vars=True)
with tf.Session() as s:
    s.run(tf.global_variables_initializer()); s.run(op, feed); result = s.run([a, m])""",
    SAVE + "m = tf.Variable(0.0, name='missing')\nslim.assign_from_checkpoint(path, [m])",
    SAVE + "b = tf.Variable([0.0, 0.0], name='b')\nslim.assign_from_checkpoint(path, [b])",
    SAVE + """a = tf.Variable([0.0, 0.0], name='s/a'); m = tf.Variable(0.0, name='missing')
c = tf.Variable(0, name='c')
fn = slim.assign_from_checkpoint_fn(path, [a, m, c], ignore_missing_vars=True)
none = slim.assign_from_checkpoint_fn(path, [m], ignore_missing_vars=True)
with tf.Session() as s:
    s.run(tf.global_variables_initializer()); fn(s); result = [s.run([a, m, c]), none]""",
    SAVE + "slim.assign_from_checkpoint_fn(path, [])",
    SLIM + """chooser = slim.VariableDeviceChooser(3, job_name='ps2', device_type='GPU',
                                     device_index=1)
plain = slim.VariableDeviceChooser()
r = [chooser(None) for _ in range(4)] + [plain(None), slim.VariableDeviceChooser(replica=2)(None)]
with tf.device(slim.VariableDeviceChooser(2)):
    v = tf.Variable(1.0, name='v'); w = tf.Variable(1.0, name='w')
result = r + [v.device, w.device]""",
    SLIM + """vs = [tf.Variable(1.0, name=n) for n in ['conv1/w', 'conv1/b', 'fc/w', 'xconv/w']]
f = slim.filter_variables
result = [[v.name for v in f(vs, ['conv'])], [v.name for v in f(vs, ['conv'], ['b'])],
          [v.name for v in f(vs, ['conv'], reg_search=False)],
          [v.name for v in f(vs, exclude_patterns=['w:'])], [v.name for v in f(vs)]]""",
    SLIM + """g = slim.get_or_create_global_step()
result = [slim.assert_or_get_global_step().name, slim.assert_or_get_global_step(None, g).name]""",
    SLIM + "slim.assert_or_get_global_step(None, tf.constant(1.0))",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_helper_matches_tf_slim(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)
