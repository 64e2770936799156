"""tf.function(input_signature=...) in a TF1 graph, against TF: one trace of the signature's
shapes and dtypes, call output shapes inferred from the caller's arguments, and TF's
TypeError (wording included) for arguments that do not bind or do not fit."""

import pytest
from oracle import explain, run_here

PROGRAM = r"""
def err(fn):
    try:
        return ["ok", fn()]
    except Exception as e:
        return [type(e).__name__, str(e)]
f = tf.function(lambda x: x * 2.0, input_signature=[tf.TensorSpec([None], tf.float32)])
x = tf.placeholder(tf.float32, [3], name="x")
y = f(x)
traced = f.get_concrete_function(x).graph.get_operations()[0].outputs[0].shape
calls = [err(lambda: f(tf.placeholder(tf.int32, [3]))),
         err(lambda: f(tf.placeholder(tf.float32, [2, 2]))),
         err(lambda: f([1.0, 2.0]).shape),
         err(lambda: f(tf.placeholder(tf.float32, [3]), tf.placeholder(tf.float32, [3]))),
         err(lambda: f()),
         err(lambda: f(tf.placeholder(tf.float32, None)).shape),
         err(lambda: f(tf.placeholder(tf.float64, [3]))),
         err(lambda: f(3.0)),
         err(lambda: f(x=x).shape)]
g2 = tf.function(lambda a, b=2.0: a * b, input_signature=[tf.TensorSpec([], tf.float32)])
calls += [err(lambda: g2(tf.constant(1.0)).shape), err(lambda: g2(tf.constant(1.0), 3.0)),
          err(lambda: tf.function(lambda x: x, input_signature=[1.0]))]
with tf.Session() as s:
    value = s.run(y, {x: [1, 2, 3]})
result = {"y": [y.shape, y.op.type], "traced": traced, "calls": calls, "value": value,
          "ops": [[o.name, o.type] for o in tf.get_default_graph().get_operations()]}
"""


@pytest.mark.oracle
def test_input_signature_matches_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert here == there, explain(PROGRAM, here, there)
