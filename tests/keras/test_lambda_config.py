"""Lambda layers serialized as tf_keras does, against real TF + tf_keras: `get_config` (Python
functions as marshalled bytecode of type 'lambda' with defaults and closure values, other
callables by name, output shapes raw or as functions, masks), `from_config` with
`custom_objects` and `custom_object_scope`, and whole models with Lambdas saved to HDF5 by one
side and loaded by the other.

The bytecode itself is compared through what it decodes to (name, arguments, names it uses):
marshal's bytes depend on reference counts in the writing process."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PRELUDE = ORACLE_HELPERS + """import numpy as np, json, marshal, codecs, warnings
K = tf.keras; L = tf.keras.layers
def double(x, k=2.0):
    return x * k
def make(c):
    return lambda x: x * c
def show(cfg):
    out = dict(cfg)
    for key in ('function', 'output_shape', 'mask'):
        if isinstance(out.get(key), (tuple, list)) and isinstance(out[key][0], str):
            code = marshal.loads(codecs.decode(out[key][0].encode('ascii'), 'base64'))
            out[key] = [[code.co_name, code.co_argcount, list(code.co_names), list(code.co_varnames)], out[key][1], out[key][2]]
    return [list(cfg), out]
"""

CONFIGS = PRELUDE + """
layers = [L.Lambda(lambda x: x + 1.0), L.Lambda(double, arguments={'k': 3.0}, name='dbl'),
          L.Lambda(lambda x: x[:, :2], output_shape=(2,)), L.Lambda(lambda x: x[:, :2], output_shape=lambda s: (s[0], 2)),
          L.Lambda(make(4.0)), L.Lambda(lambda x: x * 1.0, mask=lambda i, m: None)]
cfgs = [l.get_config() for l in layers]
x = tf.constant([[1., 2., 3.]])
back = [L.Lambda.from_config(dict(c)) for c in cfgs]
outs = [b(x) for b in back]
with tf.Session() as sess:
    values = sess.run(outs)
sq_cfg = dict(cfgs[0], function='double', function_type='function')
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter('always')
    L.Lambda.from_config(dict(cfgs[0], module='no_such_module_here'))
with K.utils.custom_object_scope({'double': double}):
    scoped = L.Lambda.from_config(dict(sq_cfg))
result = [[show(c) for c in cfgs], values, [b.arguments for b in back], [b.get_config()['output_shape_type'] for b in back],
          [str(w.message) for w in caught if 'no_such' in str(w.message)],
          L.Lambda.from_config(dict(sq_cfg), custom_objects={'double': double}).function is double, scoped.function is double,
          err(lambda: L.Lambda.from_config(dict(sq_cfg), custom_objects={'other': 1}))[0],
          err(lambda: L.Lambda.from_config(dict(cfgs[0], function_type='pickle')))]
"""

SAVE = PRELUDE + """
C = tf.constant_initializer
z = 2.0
a = K.Input((3,), name='a')
h = L.Lambda(double, arguments={'k': 3.0}, name='triple')(a)
h = L.Lambda(make(0.5), name='half')(h)
h = L.Lambda(lambda t: t * z, name='times_z')(h)
h = L.Dense(2, kernel_initializer=C(np.linspace(-1, 1, 6)), bias_initializer=C(.1), name='d')(h)
out = L.Lambda(lambda t: t[:, :1], output_shape=(1,), name='first')(h)
m = K.Model(a, out)
m.save(DIR + '/lam.h5')
result = [m.predict(np.array([[1., 2., 3.], [0., -1., 4.]], 'float32')), [show(l.get_config()) for l in m.layers]]
"""

LOAD = PRELUDE + """
xs = np.array([[1., 2., 3.], [0., -1., 4.]], 'float32')
m = K.models.load_model(DIR + '/lam.h5', custom_objects={'z': 2.0})
with K.utils.custom_object_scope({'z': -1.0}):
    m2 = K.models.load_model(DIR + '/lam.h5')
result = [m.predict(xs), m2.predict(xs), [l.name for l in m.layers], err(lambda: K.models.load_model(DIR + '/lam.h5'))[0],
          err(lambda: K.models.load_model(DIR + '/missing.h5'))]
"""


@pytest.mark.oracle
def test_lambda_config_as_tf(oracle):
    there, here = oracle(CONFIGS), run_here(CONFIGS)
    assert "ok" in there, there
    assert agree(here, there), explain(CONFIGS, here, there)


@pytest.mark.oracle
def test_models_with_lambdas_in_hdf5_both_ways(oracle, tmp_path):
    for side in ("tf", "here"):
        (tmp_path / side).mkdir()
    prefix = "DIR = %r\n"
    there = oracle(prefix % str(tmp_path / "tf") + SAVE)
    here = run_here(prefix % str(tmp_path / "here") + SAVE)
    assert "ok" in there, there
    assert agree(here, there), explain(SAVE, here, there)
    for side in ("tf", "here"):
        load = prefix % str(tmp_path / side) + LOAD
        there, here = oracle(load), run_here(load)
        assert "ok" in there, there
        assert agree(here, there), explain(load, here, there)
