"""tf.keras.utils.serialize_keras_object / deserialize_keras_object against TF + tf_keras
(TF1 graph mode: their legacy forms): layers, optimizers, initializers, functions, a custom
object through custom_objects and a scope, a passive item of a config, and TF's errors."""

import pytest
from approx import agree, explain
from oracle import run_here

PROGRAM = r"""
import copy
K = tf.keras; U = K.utils
def err(f):
    try:
        return ["ok", f()]
    except Exception as e:
        return [type(e).__name__, str(e)[:300]]
r = {}
d = K.layers.Dense(3, activation="relu", name="d")
r["dense"] = U.serialize_keras_object(d)
r["fn"] = [U.serialize_keras_object(K.activations.relu), U.serialize_keras_object(None)]
r["sgd"] = U.serialize_keras_object(K.optimizers.SGD(0.1))
r["init"] = U.serialize_keras_object(K.initializers.glorot_uniform(seed=1))
r["no_config"] = err(lambda: U.serialize_keras_object(3))
r["class"] = U.serialize_keras_object(K.layers.Dense)
class Scale(K.layers.Layer):
    def __init__(self, factor=2.0, init=None, **kw):
        super().__init__(**kw)
        self.factor, self.init = factor, init
    def get_config(self):
        return dict(super().get_config(), factor=self.factor, init=self.init)
s = Scale(3.0, init=K.initializers.Ones(), name="scale")
conf = U.serialize_keras_object(s)
r["custom"] = copy.deepcopy(conf)  # (deserializing fills the config in place, as tf_keras)
# (its initializer is a passive item: looked up by name, unknown without module objects)
r["passive"] = err(lambda: U.deserialize_keras_object(conf, custom_objects={"Scale": Scale}))
back = U.deserialize_keras_object(
    conf, custom_objects={"Scale": Scale, "Ones": K.initializers.Ones})
r["custom_back"] = [type(back).__name__, back.name, back.factor, type(back.init).__name__]
plain = U.serialize_keras_object(Scale(4.0, name="plain"))
with K.utils.custom_object_scope({"Scale": Scale}):
    r["scoped"] = U.deserialize_keras_object(plain).factor
layer = U.deserialize_keras_object(r["dense"], module_objects=vars(K.layers))
r["dense_back"] = [type(layer).__name__, layer.name, layer.units, layer.activation.__name__]
r["by_name"] = U.deserialize_keras_object("relu", module_objects=vars(K.activations)).__name__
r["class_by_name"] = type(U.deserialize_keras_object(
    "Ones", module_objects=vars(K.initializers))).__name__
r["unknown"] = err(lambda: U.deserialize_keras_object({"class_name": "Nope", "config": {}},
                                                      module_objects={}))
r["unknown_name"] = err(lambda: U.deserialize_keras_object("nope", module_objects={}))
r["improper"] = err(lambda: U.deserialize_keras_object({"config": {}}, module_objects={}))
r["number"] = err(lambda: U.deserialize_keras_object(3))
r["kwarg"] = err(lambda: U.deserialize_keras_object("relu", bogus=1))
r["none"] = U.deserialize_keras_object(None)
result = r
"""


@pytest.mark.oracle
def test_serialize_and_deserialize_keras_object_as_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)
