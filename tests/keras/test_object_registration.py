"""serialize / deserialize of tf.keras.regularizers and tf.keras.optimizers (through the shared
helper in object_registration) against real TF + tf_keras: configs, classes by name and by
Keras' lower-case names, and the errors for an unknown class or a bare name."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PROGRAM = ORACLE_HELPERS + """import numpy as np
K = tf.keras; R = K.regularizers; O = K.optimizers
regs = [R.l2(0.1), R.L1(0.2), R.l1_l2(0.1, 0.3), R.L1L2()]
opts = [O.SGD(0.1, momentum=0.9), O.Adam(0.01), O.RMSprop(), O.Adagrad(0.2), O.Adamax(), O.Nadam(), O.Adadelta(), O.Ftrl(0.3)]
result = [[R.serialize(r) for r in regs], [type(R.deserialize(R.serialize(r))).__name__ for r in regs], [R.deserialize(R.serialize(r)).get_config() for r in regs],
          [type(R.deserialize(n)).__name__ for n in ('l1', 'l2', 'l1_l2', 'L1', 'L2', 'L1L2')],
          [O.serialize(o) for o in opts], [[type(O.deserialize(O.serialize(o))).__name__, O.deserialize(O.serialize(o)).get_config()] for o in opts],
          [type(O.deserialize({'class_name': n, 'config': {}})).__name__ for n in ('SGD', 'Adam', 'adam', 'Ftrl')],
          err(lambda: R.deserialize({'class_name': 'Nope', 'config': {}})), err(lambda: O.deserialize('nope')), [type(O.get(n)).__name__ for n in ('sgd', 'adam', 'Adam', 'RMSprop', 'nadam')]]
"""


@pytest.mark.oracle
def test_serialize_deserialize_match_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)


REGISTERED = """
U = tf.keras.utils
@U.register_keras_serializable(package='Pk')
def squash(x):
    return x
def plain(x):
    return x
out = [U.get_registered_name(squash), U.get_registered_name(plain),
       U.get_registered_object('Pk>squash') is squash, U.get_registered_object('nope'),
       U.get_registered_object('a', custom_objects={'a': 1}, module_objects={'a': 2}),
       U.get_registered_object('b', module_objects={'b': 2})]
with U.custom_object_scope({'Pk>squash': plain, 'c': 3}):
    out += [U.get_registered_object('Pk>squash') is plain, U.get_registered_object('c')]
result = out
"""


@pytest.mark.oracle
def test_registered_names_and_objects_as_tf(oracle):
    here, there = run_here(REGISTERED), oracle(REGISTERED)
    assert "ok" in there, there
    assert agree(here, there), explain(REGISTERED, here, there)
