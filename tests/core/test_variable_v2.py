"""`tensorflow.python.ops.variables.Variable` (TF2's class, reached by TF1 code through that
path under `scopeflow run`) against TF: calling it makes a ResourceVariable, creators see its
arguments, every variable is an instance of it."""

import pytest

from oracle import run_here

PROGRAM = """
seen = []
def cr(nxt, **kw):
    seen.append(sorted(kw))
    return nxt(**kw)
with tf.variable_creator_scope(cr):
    v = variables.Variable(1.0, use_resource=False, collections=['x'])
    w = variables.Variable(tf.zeros([2]), False, name="w")
r = tf.Variable(2.0)
x = v + 1.
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    vals = s.run([v.read_value(), w, x])
result = [seen, type(v).__name__, tf.get_collection('x'),
          [t.name for t in tf.trainable_variables()], v.dtype.name, w.dtype.name, r.dtype.name,
          isinstance(r, variables.Variable), isinstance(v, variables.Variable),
          issubclass(type(r), variables.Variable), v.read_value().name, v.value().name,
          v.initializer.name, [float(vals[0]), vals[1].tolist(), float(vals[2])],
          type(variable_v1.VariableV1(1.0)).__name__, variables.Variable.__name__,
          sorted(o.type for o in tf.get_default_graph().get_operations())]
"""

TF_PATHS = "from tensorflow.python.ops import variables, variable_v1\n"
HERE_PATHS = ("from scopeflow.compat import tf_paths\n"
              "variables = tf_paths.module('tensorflow.python.ops.variables')\n"
              "variable_v1 = tf_paths.module('tensorflow.python.ops.variable_v1')\n")


@pytest.mark.oracle
def test_tf2_variable_class_makes_resource_variables(oracle):
    there = oracle(TF_PATHS + PROGRAM)
    assert "ok" in there, there
    assert run_here(HERE_PATHS + PROGRAM) == there
