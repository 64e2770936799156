"""FunctionDefs of an exported library as TF writes them (summary/function_def.py): argument
names from the capture placeholders (the reading op's scope and the captured op, lowercased:
`mul_w`, `square_v`), an argument renamed `a_0` where an output holds `a`, node inputs by
output arg; against TF, function names (TF numbers them by a global counter) left out. (A
tf.data function's FunctionDef lacks TF's final Identity per output: its signature only.)"""

import pytest
from oracle import explain, run_here

PROGRAMS = {
    "dataset_map": (
        "w = tf.constant(2, tf.int64, name='w')\n"
        "v = tf.placeholder_with_default(tf.constant(3, tf.int64), [], name='v')\n"
        "ds = tf.data.Dataset.range(3).map(lambda x: x * w + tf.square(v))\n"),
    "function_gradient": (
        "x = tf.placeholder_with_default(0.3, [], name='x')\n"
        "w = tf.Variable(0.7, name='w')\n"
        "@tf.function\n"
        "def f(a):\n"
        "    with tf.name_scope('inner'):\n"
        "        return tf.tanh(a * w) + a * x\n"
        "y = f(x)\n"
        "g = tf.gradients(y, [x, w])\n"),
}
RECORD = """
lib = tf.get_default_graph().as_graph_def().library
result = sorted([[a.name for a in f.signature.input_arg], [a.name for a in f.signature.output_arg],
                 [[n.name, n.op, list(n.input)] for n in f.node_def], sorted(f.ret.items())]
                for f in lib.function)
"""


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_function_defs_match_tf(oracle, name):
    code = PROGRAMS[name] + RECORD
    if name == "dataset_map":
        code += "result = [r[0] for r in result]\n"
    here, there = run_here(code), oracle(code)
    assert "ok" in there and here == there, explain(code, here, there)
