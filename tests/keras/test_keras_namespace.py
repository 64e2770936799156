"""tf.keras's namespace against TF + tf_keras: the names dir() shows (TF's submodules only,
none of this package's own modules, also after a load imports more of them), tf.keras.saving
and tf.keras.experimental as the same objects as tf.keras.models / utils /
optimizers.schedules, and a cosine schedule built through tf.keras.experimental."""

import pytest
from approx import agree, explain
from oracle import run_here

NOT_BUILT = ("mixed_precision", "export", "LinearModel", "WideDeepModel", "SequenceFeatures")

PROGRAM = """K = tf.keras; S = K.saving; E = K.experimental; U = K.utils
import os, tempfile
def names(m):
    return sorted(n for n in dir(m) if not n.startswith('_') and n not in %r)
before = names(K)
m = K.Sequential([K.layers.Dense(2, input_shape=(3,))])
path = os.path.join(tempfile.mkdtemp(), 'm.h5')
S.save_model(m, path)
loaded = S.load_model(path)
s = E.CosineDecay(0.1, 10, alpha=0.2); r = E.CosineDecayRestarts(0.1, 5, t_mul=2.0)
with tf.Session() as sess:
    values = sess.run([s(tf.constant(3)), r(tf.constant(7))])
result = [before, names(K), names(S), names(E),
          [S.load_model is K.models.load_model, S.save_model is K.models.save_model,
           S.custom_object_scope is U.custom_object_scope,
           S.serialize_keras_object is U.serialize_keras_object,
           S.deserialize_keras_object is U.deserialize_keras_object,
           S.get_custom_objects is U.get_custom_objects,
           S.get_registered_name is U.get_registered_name,
           S.get_registered_object is U.get_registered_object,
           S.register_keras_serializable is U.register_keras_serializable,
           E.CosineDecay is K.optimizers.schedules.CosineDecay,
           E.CosineDecayRestarts is K.optimizers.schedules.CosineDecayRestarts],
          [l.name for l in loaded.layers], s.get_config(), r.get_config(), values]
""" % (NOT_BUILT,)


@pytest.mark.oracle
def test_keras_namespace_matches_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)
